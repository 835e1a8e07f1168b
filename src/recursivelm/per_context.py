"""Structures built once per context object: a BM25 index (evidence.Index), sentence postings
(wordcounts.SentenceWords), name forms. A run asks many times about the same context, and a run tree rarely
holds more than a few contexts."""

from __future__ import annotations

import threading
from typing import Any, Callable, TypeVar

CACHED_PER_CONTEXT = 8  # structures kept, of every kind together

T = TypeVar("T")
_cache: dict[tuple[str, int], tuple[Any, Any]] = {}
_cache_lock = threading.Lock()


def cached(context: Any, build: Callable[[Any], T]) -> T:
    """`build(context)` made once per context object (keyed by identity, holding a reference) and builder."""
    key = (build.__qualname__, id(context))
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and hit[0] is context:
            return hit[1]
    made = build(context)
    with _cache_lock:
        while len(_cache) >= CACHED_PER_CONTEXT:
            _cache.pop(next(iter(_cache)))
        _cache[key] = (context, made)
    return made
