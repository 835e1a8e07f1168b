"""The one token estimate every benchmark generator sizes its context with.

Generators must not depend on a model's tokenizer (they run before any model is chosen, and must give
the same instance everywhere), so lengths are measured in characters and converted at a fixed rate.
"""

from __future__ import annotations

from typing import Any

from ..text import CHARS_PER_TOKEN, estimate_tokens

__all__ = ["CHARS_PER_TOKEN", "chars_for_tokens", "context_chars", "context_tokens", "estimate_tokens"]


def chars_for_tokens(tokens: int) -> int:
    """Characters a context of `tokens` estimated tokens holds."""
    return tokens * CHARS_PER_TOKEN


def context_chars(context: Any) -> int:
    """Characters in a context: a string, a list of documents, or a dict of title -> document.

    A dict's titles count too: a model that reads the corpus reads them.
    """
    if isinstance(context, str):
        return len(context)
    if isinstance(context, dict):
        return sum(len(str(title)) + len(str(text)) for title, text in context.items())
    if isinstance(context, (list, tuple)):
        return sum(len(str(document)) for document in context)
    raise TypeError(f"unsupported context type: {type(context).__name__}")


def context_tokens(context: Any) -> int:
    return round(context_chars(context) / CHARS_PER_TOKEN)
