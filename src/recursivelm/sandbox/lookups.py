"""Noticing searches of the context that find nothing, so the REPL can show what is near.

A small root writes one regex in the question's words (`re.findall(r"report on the ferry of Oslo",
context)`), gets nothing, and answers 0 or "not found". The REPL cannot make the model search better,
but it can make a miss informative: every search of the context in a cell (`search()`, and the `re`
module's search, match, fullmatch, findall and finditer, also through a compiled pattern) is watched,
and a pattern that found nothing anywhere in the cell is reported with `wordcounts.near()`: the shorter
phrases of it that do occur and the passages nearest to its words.

`import re` in a cell returns a thin proxy of the real module (everything else is the real thing); what
counts as "the context" is the context itself, one of its documents, or any string of at least
`WATCHED_MIN_CHARS` characters (a lower-cased or joined copy of it).
"""

from __future__ import annotations

import builtins
import re
import types
from typing import Any, Callable

from .. import wordcounts

WATCHED_MIN_CHARS = 10_000  # a string this long searched in a cell is taken to be (a copy of) the context
MAX_MISSES_SHOWN = 3  # patterns per cell whose near matches are computed and shown
_SEARCHES = ("search", "match", "fullmatch", "findall", "finditer")


class Lookups:
    """The searches of one cell: which patterns ran over the context, and whether any found something."""

    def __init__(self, context_of: Callable[[], Any]):
        self._context_of = context_of  # the namespace's current `context` (read, never copied)
        self._found: dict[str, bool] = {}
        self._scope: dict[str, str | None] = {}  # the one document a pattern was searched in, if only one
        self.re = self._watched_re()

    def reset(self) -> None:
        self._found = {}
        self._scope = {}

    def record(self, pattern: Any, found: bool, document: str | None = None) -> None:
        key = pattern.pattern if isinstance(pattern, re.Pattern) else str(pattern)
        if isinstance(key, str):
            self._found[key] = self._found.get(key, False) or found
            scope = self._scope.setdefault(key, document)
            if scope != document:
                self._scope[key] = None  # searched in several places: what is near comes from everywhere

    def misses(self) -> list[dict[str, Any]]:
        """Near matches for each pattern that found nothing in this cell (plain data: it crosses the wire):
        in the one file it was searched in, when it was (`re.findall(p, context["a.py"])`), else everywhere."""
        context = self._context_of()
        missed = [p for p, found in self._found.items() if not found and wordcounts.pattern_words(p)]
        out = []
        for p in missed[:MAX_MISSES_SHOWN]:
            document = self._scope.get(p)
            out.append(wordcounts.near({document: context[document]} if document is not None else context, p))
        return out

    def _document_of(self, text: str) -> str | None:
        """The key of the dict context's document that `text` is (not a copy), or None."""
        context = self._context_of()
        if isinstance(context, dict):
            for key, doc in context.items():
                if doc is text:
                    return key
        return None

    def is_context_text(self, text: Any) -> bool:
        if not isinstance(text, str):
            return False
        if len(text) >= WATCHED_MIN_CHARS:
            return True
        context = self._context_of()
        if text is context:
            return True
        docs = context.values() if isinstance(context, dict) else context if isinstance(context, list) else ()
        return any(text is doc for doc in docs)

    # -- the proxy `re` module -----------------------------------------------------------------
    def _watched_re(self) -> types.ModuleType:
        proxy = types.ModuleType("re", re.__doc__)
        proxy.__dict__.update({k: v for k, v in vars(re).items() if not k.startswith("__")})
        for name in _SEARCHES:
            setattr(proxy, name, self._watch(getattr(re, name)))
        for name in ("sub", "subn", "split"):  # not searches, but they must take a watched pattern too
            setattr(proxy, name, _unwrapping(getattr(re, name)))
        proxy.compile = lambda pattern, flags=0: _WatchedPattern(re.compile(pattern, flags), self)
        return proxy

    def _watch(self, fn: Callable) -> Callable:
        def watched(pattern, string, *args, **kwargs):
            pattern = _real(pattern)
            result = fn(pattern, string, *args, **kwargs)
            if self.is_context_text(string):
                result = self._observe(pattern, result, string)
            return result

        watched.__name__ = fn.__name__
        watched.__doc__ = fn.__doc__
        return watched

    def _observe(self, pattern: Any, result: Any, string: str) -> Any:
        document = self._document_of(string)
        if isinstance(result, types.GeneratorType) or type(result).__name__ == "callable_iterator":
            result = list(result)  # finditer: whether it finds anything is only known once consumed
            self.record(pattern, bool(result), document)
            return iter(result)
        self.record(pattern, bool(result), document)
        return result

    def importer(self) -> Callable:
        """`__import__` for the REPL: `re` is the watched proxy, every other module the real one."""
        real_import = builtins.__import__

        def import_(name, globals=None, locals=None, fromlist=(), level=0):
            if name == "re" and level == 0:
                return self.re
            return real_import(name, globals, locals, fromlist, level)

        return import_


def _real(pattern: Any) -> Any:
    return pattern._compiled if isinstance(pattern, _WatchedPattern) else pattern


def _unwrapping(fn: Callable) -> Callable:
    def call(pattern, *args, **kwargs):
        return fn(_real(pattern), *args, **kwargs)

    call.__name__, call.__doc__ = fn.__name__, fn.__doc__
    return call


class _WatchedPattern:
    """A compiled pattern whose searches of the context are watched; everything else is the real one."""

    def __init__(self, compiled: re.Pattern, lookups: Lookups):
        self._compiled = compiled
        self._lookups = lookups

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._compiled, name)
        if name not in _SEARCHES:
            return attr

        def watched(string, *args, **kwargs):
            result = attr(string, *args, **kwargs)
            if self._lookups.is_context_text(string):
                result = self._lookups._observe(self._compiled, result, string)
            return result

        return watched

    def __repr__(self) -> str:
        return repr(self._compiled)
