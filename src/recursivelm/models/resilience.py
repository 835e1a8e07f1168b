"""What every HTTP model backend shares: one retry policy, a concurrency limit, and one way to read failures.

A backend turns each failed attempt into one of three errors, with `classify_http_error`:
- `TransientModelError` — worth another try (429, 5xx, resets, timeouts); carries the server's Retry-After.
- `ContextWindowError` — the prompt does not fit; never retried (the same prompt fails the same way).
- `ModelError` — anything else (bad key, unknown model, a malformed reply); never retried.

`call_with_retries` then runs the attempts: one concurrency slot per attempt (a backoff sleep holds no slot),
exponential backoff with full jitter, a server's Retry-After honoured up to `RetryPolicy.max_retry_after_s`.
The SDKs' own retries are switched off (`max_retries=0`), so this is the one policy in force.

Cancellation needs no code here: cancelling the awaiting task raises CancelledError inside the SDK's HTTP
read, which closes the connection at once. Nothing in this module catches CancelledError.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
import weakref
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Awaitable, Callable, Generic, Mapping, TypeVar

from ..protocols import ContextWindowError, ModelError
from ..settings import Limits, check_limit

T = TypeVar("T")

DEFAULT_ATTEMPTS = 4  # the first try and three retries
DEFAULT_BASE_DELAY_S = 1.0  # the backoff ceiling before the first retry; it doubles per retry
DEFAULT_MAX_DELAY_S = 30.0  # the backoff ceiling never grows past this
DEFAULT_MAX_RETRY_AFTER_S = 120.0  # a server asking for a longer wait gets this much, then another try
# Requests in flight per backend instance (per event loop): the engine's own default for a run's sub-calls,
# so that by default the backend is never the narrower of the two limits.
DEFAULT_MAX_CONCURRENCY = Limits.sub_call_concurrency
DEFAULT_TIMEOUT_S = 600.0  # one attempt, connect to last byte; long replies from slow local servers fit

TRANSIENT_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504, 520, 522, 524, 529})
"""HTTP statuses worth another try: timeouts, lock conflicts, rate limits, server and gateway errors, and
Anthropic's 529 "overloaded"."""

TRANSIENT_ERROR_TYPES = frozenset({"overloaded_error", "rate_limit_error", "api_error", "server_error", "timeout"})
"""Error types in a reply body that mean "try again", for errors that arrive inside a 200 stream."""

CONTEXT_WINDOW_MARKERS = (
    "context_length_exceeded",  # OpenAI's error code
    "maximum context length",  # OpenAI, vLLM, OpenRouter, Together: "This model's maximum context length is ..."
    "exceed_context_size",  # llama.cpp server's error type
    "exceeds the available context size",  # llama.cpp server's message
    "prompt is too long",  # Anthropic
    "exceed context limit",  # Anthropic: "input length and `max_tokens` exceed context limit"
    "longer than the model's context length",  # SGLang
    "context window",  # "exceeds the context window" (OpenAI Responses, Gemini-compatible proxies)
    "context length of only",  # LM Studio
    "`inputs` tokens + `max_new_tokens` must be",  # TGI and Together
    "too many tokens",
)
"""Lower-case fragments of the messages servers use when a prompt does not fit the model's window."""

OUT_OF_CREDIT_CODES = frozenset({"insufficient_quota", "billing_hard_limit_reached"})
"""429s that no wait will fix: the account is out of credit."""


class TransientModelError(ModelError):
    """A failure worth another try. `retry_after_s` is the wait the server asked for, if it said."""

    def __init__(self, message: str, retry_after_s: float | None = None):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class RetriesExhaustedError(ModelError):
    """Every attempt the policy allows failed with a transient error; the message names the last one."""


@dataclass(frozen=True)
class RetryPolicy:
    """How hard a backend tries. `sleep`, `random` and `clock` are injectable so tests need not wait."""

    attempts: int = DEFAULT_ATTEMPTS
    base_delay_s: float = DEFAULT_BASE_DELAY_S
    max_delay_s: float = DEFAULT_MAX_DELAY_S
    max_retry_after_s: float = DEFAULT_MAX_RETRY_AFTER_S
    sleep: Callable[[float], Awaitable[None]] = field(default=asyncio.sleep, repr=False, compare=False)
    random: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)  # for HTTP-date Retry-After

    def __post_init__(self):
        check_limit("RetryPolicy.attempts (the first try counts)", self.attempts, integral=True, minimum=1)
        for name in ("base_delay_s", "max_delay_s", "max_retry_after_s"):
            check_limit(f"RetryPolicy.{name}", getattr(self, name))

    @classmethod
    def from_max_retries(cls, max_retries: int) -> RetryPolicy:
        """The SDK-style count (retries after the first try) as a policy."""
        return cls(attempts=max(0, max_retries) + 1)

    def backoff_s(self, retry: int) -> float:
        """Full jitter: uniform in [0, min(max_delay, base * 2**(retry-1))], so clients that failed together
        do not come back together."""
        ceiling = min(self.max_delay_s, self.base_delay_s * 2 ** (retry - 1))
        return self.random() * ceiling

    def delay_s(self, retry: int, retry_after_s: float | None) -> float:
        """The wait before retry number `retry` (1 for the first retry)."""
        if retry_after_s is not None:
            return min(max(retry_after_s, 0.0), self.max_retry_after_s)
        return self.backoff_s(retry)


def retry_after_s(headers: Mapping[str, str] | None, clock: Callable[[], float] = time.time) -> float | None:
    """The wait a reply asks for: `retry-after-ms` (OpenAI, Anthropic), else `Retry-After` in seconds or as an
    HTTP date. None when absent or unreadable."""
    if not headers:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return float(millis) / 1000.0
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - clock())


def classify_http_error(model: str, status: int | None, message: str, *, headers: Mapping[str, str] | None = None,
                        code: str | None = None, error_type: str | None = None,
                        clock: Callable[[], float] = time.time) -> ModelError:
    """The error to raise for a failed HTTP exchange: transient, context window, or final. `status` is None for
    a connection failure or an error event inside a stream."""
    text = f"{message} {code or ''} {error_type or ''}".lower()
    shown = message.strip() or f"HTTP {status}"
    if status is not None and 400 <= status < 500 and status != 429 and any(m in text for m in CONTEXT_WINDOW_MARKERS):
        return ContextWindowError(
            f"{model}: the prompt does not fit the model's context window ({shown}). Send less, or pass a smaller "
            f"context_window= so prompts are sized to fit.")
    if status == 429 and (code in OUT_OF_CREDIT_CODES or error_type in OUT_OF_CREDIT_CODES):
        return ModelError(f"{model}: the account is out of credit ({shown}); add credit or use another key")
    if status in TRANSIENT_STATUS or (status is not None and status >= 500) or (
            status is None and (error_type in TRANSIENT_ERROR_TYPES)):
        return TransientModelError(f"{model}: HTTP {status}: {shown}" if status else f"{model}: {shown}",
                                   retry_after_s(headers, clock))
    if status in (401, 403):
        return ModelError(f"{model}: the server refused the credentials (HTTP {status}: {shown}); check the API key")
    if status == 404:
        return ModelError(f"{model}: not found (HTTP 404: {shown}); check the model name and the base URL")
    if status is None:
        return ModelError(f"{model}: {shown}")
    return ModelError(f"{model} rejected the request (HTTP {status}: {shown})")


def classify_sdk_error(sdk: Any, model: str, e: Exception, *, endpoint: str, timeout_s: float,
                       clock: Callable[[], float] = time.time) -> ModelError:
    """An exception of the `openai` or `anthropic` SDK (both generated by Stainless, with the same exception
    classes) as ours: transient, context window, or final. `sdk` is the SDK module; `endpoint` its base URL."""
    if isinstance(e, sdk.APITimeoutError):
        return TransientModelError(f"{model}: no reply within {timeout_s:g}s (timeout_s) from {endpoint}")
    if isinstance(e, sdk.APIConnectionError):
        cause = e.__cause__ or e.__context__
        detail = f"{type(cause).__name__}: {cause}" if cause else str(e)
        return TransientModelError(f"{model}: the connection to {endpoint} failed or was cut ({detail})")
    body = getattr(e, "body", None)
    body = body if isinstance(body, dict) else {}
    inner = body.get("error") if isinstance(body.get("error"), dict) else body
    message = str(inner.get("message") or getattr(e, "message", "") or e)
    code = inner.get("code")
    code = str(code) if code is not None else None
    error_type = inner.get("type")
    status = getattr(e, "status_code", None) if isinstance(e, sdk.APIStatusError) else None
    if status is not None and status < 400:
        status = None  # an error event inside a 200 stream: only the body's type says whether to retry
    headers = e.response.headers if status is not None else None
    return classify_http_error(model, status, message, headers=headers, code=code, error_type=error_type, clock=clock)


class ConcurrencyLimit:
    """At most `max_concurrent` requests in flight per event loop.

    One semaphore per loop, because an asyncio.Semaphore belongs to the loop it first waits on, and a
    backend instance outlives loops (each `RLM.run` runs its own)."""

    def __init__(self, max_concurrent: int):
        if max_concurrent < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrent}")
        self.max_concurrent = max_concurrent
        self._semaphores: PerLoop[asyncio.Semaphore] = PerLoop(lambda: asyncio.Semaphore(max_concurrent))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._semaphores.get():
            yield


class PerLoop(Generic[T]):
    """One object per running event loop, made on first use and dropped with the loop.

    SDK clients pool connections bound to the loop that opened them; reusing one from another loop fails
    with "Event loop is closed" or hangs. Keyed weakly, so a finished loop's objects go with it."""

    def __init__(self, factory: Callable[[], T]):
        self._factory = factory
        self._objects: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, T] = weakref.WeakKeyDictionary()

    def get(self) -> T:
        loop = asyncio.get_running_loop()
        obj = self._objects.get(loop)
        if obj is None:
            obj = self._objects[loop] = self._factory()
        return obj

    def pop_current(self) -> T | None:
        """This loop's object, forgotten (for closing); None when this loop made none."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._objects.pop(loop, None)


async def call_with_retries(attempt: Callable[[], Awaitable[T]], *, policy: RetryPolicy, limit: ConcurrencyLimit,
                            timeout_s: float | None, describe: str) -> T:
    """Run `attempt` until it succeeds, raises a non-transient error, or the policy's attempts are spent.

    Each attempt holds one concurrency slot and is cut off after `timeout_s` (a timeout counts as transient).
    `describe` names the model in the final error."""
    for number in range(1, policy.attempts + 1):
        try:
            async with limit.slot():
                async with asyncio.timeout(timeout_s):
                    return await attempt()
        except TimeoutError:
            failure = TransientModelError(f"{describe}: no complete reply within {timeout_s:g}s (timeout_s)")
        except TransientModelError as e:
            failure = e
        if number == policy.attempts:
            raise RetriesExhaustedError(
                f"{failure} — gave up after {policy.attempts} attempt{'s' if policy.attempts > 1 else ''} "
                f"(RetryPolicy.attempts); try again later or raise the attempts") from None
        await policy.sleep(policy.delay_s(number, failure.retry_after_s))
    raise AssertionError("unreachable")  # the loop returns or raises
