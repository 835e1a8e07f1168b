"""One model call held to a deadline, and what a call cut at its deadline had already spent.

`asyncio.wait_for` cancels a call when its time is up, but the tokens the backend processed before that
are spent all the same: a llama.cpp prompt cut after two of its batches has read 4,096 tokens, and an API
bills what it read. A backend that can tell what a cut call spent takes `on_cut` and calls it, once the
call has stopped, with a Completion of those tokens (its text is what had been generated): the embedded
model exactly, the API backends an estimate (`models/api.CallSpend`). The caller charges it like any other
completion, so every token lands in the run's one usage tree.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any, Callable

from .protocols import Completion, Message, Model


def accepts(model: Model, option: str) -> bool:
    """Whether a backend's complete() takes an optional keyword: `on_token` (the ones that stream),
    `code_only` (the ones that can constrain decoding to one code block), `on_cut` (the ones that can
    tell what a cancelled call spent)."""
    try:
        return option in inspect.signature(model.complete).parameters
    except (TypeError, ValueError):
        return False


async def complete_within(model: Model, messages: list[Message], timeout: float | None,
                          on_cut: Callable[[Completion], Any] | None = None, **options: Any) -> Completion:
    """`model.complete(messages, **options)`, cancelled after `timeout` seconds (None: no limit); raises
    asyncio.TimeoutError then. `on_cut` gets what a cancelled call had spent, where the backend can say."""
    if on_cut is not None and accepts(model, "on_cut"):
        options["on_cut"] = on_cut
    return await asyncio.wait_for(model.complete(messages, **options), timeout=timeout)
