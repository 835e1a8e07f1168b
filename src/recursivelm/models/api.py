"""What the API backends (`openai_compat`, `anthropic_backend`, `litellm_backend`) share, written once.

- `ApiModel`: the settings every one of them takes (timeout, retries, concurrency, streaming) and the one
  way they call: each attempt through `resilience.call_with_retries`. A backend sets its own fields and
  writes its request and its reply reading; nothing else.
- `TextCollector`: a stream's text pieces joined, passed on to `on_token`, and cut once the first fenced
  block has closed (`parsing.first_block_end`, the one definition of that end).
- `estimated`: the Completion for a reply whose counts the server did not give (a cut stream, a server
  that reports no usage), from the one estimate in `text.py`.
- `CallSpend`: what a call had sent and received when it was cancelled (a run's deadline), for `on_cut`.
"""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any, Awaitable, Callable, TypeVar

from ..parsing import first_block_end
from ..protocols import Completion, Message
from ..text import estimate_tokens
from .resilience import ConcurrencyLimit, RetryPolicy, TransientModelError, call_with_retries

T = TypeVar("T")

MESSAGE_OVERHEAD_TOKENS = 4  # chat-template tokens around each message, for estimates


def estimate_prompt_tokens(messages: list[dict]) -> int:
    return sum(estimate_tokens(str(m.get("content") or "")) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def estimated(text: str, messages: list[Message], model: str, *, generated: str | None = None,
              cost: float | None = None) -> Completion:
    """A Completion with estimated counts. `generated`: all the model wrote, when less of it was kept."""
    return Completion(text, estimate_prompt_tokens(messages), estimate_tokens(text if generated is None else generated),
                      model, cost=cost, estimated=True)


class CallSpend:
    """What one call has spent so far: its prompt once an attempt is out, and the text streamed back. The
    provider bills a request cancelled on the way (a run's deadline) but reports its usage only at a stream's
    end, so a cut call is charged this estimate (`on_cut`). An attempt that failed is not billed by the usual
    providers, so a retry starts the count again."""

    def __init__(self) -> None:
        self.sent = False
        self.collector: TextCollector | None = None  # the current attempt's stream, if it streams

    def attempt_started(self) -> None:
        self.sent, self.collector = True, None

    def attempt_failed(self) -> None:
        self.sent, self.collector = False, None

    def completion(self, messages: list[Message], model: str) -> Completion:
        text = self.collector.text if self.collector else ""
        return Completion(text, estimate_prompt_tokens(messages), estimate_tokens(text) if text else 0, model,
                          estimated=True)


_CALL_SPEND: contextvars.ContextVar[CallSpend | None] = contextvars.ContextVar("call_spend", default=None)


class ApiModel:
    """The settings and the call every API backend shares (smolagents' `ApiModel`).

    - `timeout_s`: one attempt, first byte to last; an attempt that needs longer is cut and retried.
    - `retry`: the RetryPolicy; `max_retries` (the SDKs' word: retries after the first try) is a shortcut.
    - `max_concurrency`: requests in flight at once from this instance (per event loop).
    - `stream`: stream every call, even without `on_token`.
    """

    name: str

    def _api_settings(self, *, timeout_s: float, retry: RetryPolicy | None, max_retries: int | None,
                      max_concurrency: int, stream: bool) -> None:
        self.timeout_s = timeout_s
        self.retry = retry or (RetryPolicy.from_max_retries(max_retries) if max_retries is not None else RetryPolicy())
        self.limit = ConcurrencyLimit(max_concurrency)
        self.stream = stream

    async def _with_retries(self, attempt: Callable[[], Awaitable[T]], *, self_timed: bool = False) -> T:
        """`self_timed`: the attempt cuts itself after `timeout_s` (an endpoint fleet times each endpoint, to know
        which one to set aside); else each attempt is cut here."""
        spend = _CALL_SPEND.get()

        async def counted() -> T:
            if spend is not None:
                spend.attempt_started()
            try:
                return await attempt()
            except asyncio.CancelledError:
                raise
            except BaseException:
                if spend is not None:
                    spend.attempt_failed()
                raise

        return await call_with_retries(counted, policy=self.retry, limit=self.limit,
                                       timeout_s=None if self_timed else self.timeout_s, describe=self.name)

    async def _charged_if_cut(self, call: Awaitable[T], messages: list[Message],
                              on_cut: Callable[[Completion], Any] | None) -> T:
        """`call` (this backend's retried call); if it is cancelled once a request is out, `on_cut` gets an
        estimate of what it spent (the prompt, and what had streamed back)."""
        if on_cut is None:
            return await call
        spend = CallSpend()
        token = _CALL_SPEND.set(spend)
        try:
            return await call
        except asyncio.CancelledError:
            if spend.sent:
                on_cut(spend.completion(messages, self.name))
            raise
        finally:
            _CALL_SPEND.reset(token)

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)


class TextCollector:
    """Joins streamed text pieces, hands each to `on_token`, and notices when the first fenced block closes.

    Shared by every streaming backend. A closing fence counts once its line has ended, so a fence that is
    the start of a longer line (```` ```python ````) is never mistaken for one."""

    def __init__(self, on_token: Callable[[str], Any] | None, stop_after_first_code_block: bool):
        self.on_token = on_token
        self.watch = stop_after_first_code_block
        self.parts: list[str] = []
        self.cut_at: int | None = None  # set once the first block has closed: the text ends there
        spend = _CALL_SPEND.get()
        if spend is not None:
            spend.collector = self  # what a cut call had received so far

    def add(self, piece: str) -> None:
        if not piece:
            return
        self.parts.append(piece)
        if self.on_token is not None:
            self.on_token(piece)
        if self.watch and "\n" in piece and self.cut_at is None:
            self.cut_at = first_block_end(self.text)

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    @property
    def cut(self) -> bool:
        return self.cut_at is not None

    def final_text(self) -> str:
        return self.text[: self.cut_at] if self.cut else self.text

    def require_end(self, finished: bool, model: str, missing: str) -> None:
        """A stream that stopped before the reply's end (`missing` names the sign we did not see) was cut on
        the way: worth another try."""
        if not finished:
            raise TransientModelError(f"{model}: the stream ended before the reply did ({missing}); the connection "
                                      f"was probably cut")

    def estimated(self, messages: list[Message], model: str) -> Completion:
        """The reply of a stream we cut at its first block: the server never sent its counts."""
        return estimated(self.final_text(), messages, model, generated=self.text)
