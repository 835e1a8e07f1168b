"""What every way of asking shares (`RLM.run`, a session's `ask`): the check a question gets, and running a
coroutine to its end from synchronous code."""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable


def check_question(question: Any) -> None:
    if not isinstance(question, str) or not question.strip():
        raise ValueError("the question is empty: say what you want to know about the context")


def run_sync(make_coro: Callable[[], Any]) -> Any:
    """Run a coroutine to its end from synchronous code; inside a running event loop, in a thread of its own
    (a notebook, a server's handler)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coro())
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["r"] = asyncio.run(make_coro())
        except BaseException as e:  # noqa: BLE001 - re-raised in the caller's thread
            box["e"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "e" in box:
        raise box["e"]
    return box["r"]
