"""A deterministic model for tests, demos and replays: replies queued, or computed from the messages."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Callable

from ..protocols import Completion, Message, ModelError
from ..text import estimate_tokens

Responder = Callable[[list[Message]], str]


class ScriptedModel:
    """Answers from `replies` in order, or from `respond(messages)` once (or if) the queue is empty.

    Every call is recorded in `calls` (the messages it was given) and `reply_limits` (its max_tokens), so tests
    can assert what a model saw and was asked for.
    `latency_s` makes each call take that long (on the event loop, not a thread), for concurrency tests. A call
    cancelled during it has read its prompt, as an API that bills a cancelled request has: `on_cut` gets that.
    """

    def __init__(
        self,
        replies: list[str] | None = None,
        respond: Responder | None = None,
        name: str = "scripted",
        context_window: int = 32_768,
        latency_s: float = 0.0,
    ):
        self.name = name
        self.context_window = context_window
        self.latency_s = latency_s
        self._replies = list(replies or [])
        self._respond = respond
        self._lock = threading.Lock()
        self.calls: list[list[Message]] = []
        self.reply_limits: list[int | None] = []

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> ScriptedModel:
        """A JSON list of reply strings, one per root turn."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ModelError(f"scripted model file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as e:  # a directory, unreadable, not text
            reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
            raise ModelError(f"cannot read the scripted model file {path}: {reason} (give a JSON file: "
                             "a list of reply strings)") from None
        except json.JSONDecodeError as e:
            raise ModelError(f"scripted model file {path} is not JSON ({e}): it must be a list of strings") from None
        if not isinstance(data, list) or not all(isinstance(r, str) for r in data):
            raise ModelError(f"scripted model file {path} must hold a JSON list of reply strings")
        return cls(replies=data, **kwargs)

    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False,
                       on_cut: Callable[[Completion], object] | None = None) -> Completion:
        with self._lock:
            self.calls.append([dict(m) for m in messages])
            self.reply_limits.append(max_tokens)
            if self._replies:
                text = self._replies.pop(0)
            elif self._respond is not None:
                text = None
            else:
                raise ModelError(f"scripted model {self.name!r} has no reply left (call {len(self.calls)})")
        if text is None:
            text = self._respond(messages)
        prompt_tokens = sum(estimate_tokens(m["content"]) for m in messages)
        if self.latency_s:
            try:
                await asyncio.sleep(self.latency_s)
            except asyncio.CancelledError:
                if on_cut is not None:
                    on_cut(Completion("", prompt_tokens, 0, self.name, estimated=True))
                raise
        if prompt_tokens > self.context_window:
            from ..protocols import ContextWindowError

            raise ContextWindowError(f"{prompt_tokens} prompt tokens exceed {self.name}'s window of {self.context_window}")
        return Completion(text, prompt_tokens, estimate_tokens(text), self.name, estimated=True)

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    async def aclose(self) -> None:
        pass

    @property
    def replies_left(self) -> int:
        return len(self._replies)
