"""The budget one run tree shares: sub-calls, tokens, cost and the wall-clock deadline.

The root run and every child RLM draw on the same `Budget`, so a weak model that fires thousands of
sub-calls, or recurses, is stopped by the same numbers the user set.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from .settings import Limits
from .usage import CallRecord


class LimitReached(Exception):
    """A named limit fired. The run ends with one answer-now turn and reports `limit`."""

    def __init__(self, limit: str, detail: str):
        super().__init__(f"limit {limit} reached: {detail}")
        self.limit = limit
        self.detail = detail


class Budget:
    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self.started = clock()
        self.sub_calls = 0
        self.tokens = 0
        self.cost = 0.0
        self.reserved_tokens = 0  # tokens sub-calls in flight may still spend (prompt estimate + longest reply)
        self._lock = threading.Lock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def time_left(self) -> float | None:
        if self.limits.deadline_s is None:
            return None
        return self.limits.deadline_s - self.elapsed()

    def charge(self, record: CallRecord) -> None:
        with self._lock:
            self.tokens += record.input_tokens + record.output_tokens
            self.cost += record.cost or 0.0

    def reserve_tokens(self, n: int) -> bool:
        """Before a sub-call starts: hold `n` tokens of `max_tokens` for it. False: the calls in flight may
        spend what is left, so wait for them (then ask again); a budget already spent raises. Without this, a
        64-prompt batch started all 64 before the first was charged and spent twice the limit."""
        with self._lock:
            limit = self.limits.max_tokens
            if limit is not None:
                if self.tokens >= limit:
                    raise LimitReached("max_tokens", f"{self.tokens:,} of {limit:,} tokens used")
                if self.reserved_tokens and self.tokens + self.reserved_tokens + n > limit:
                    return False  # one call always may start while the budget is not spent
            self.reserved_tokens += n
            return True

    def release_tokens(self, n: int) -> None:
        """After the call was charged (or failed): its reservation is no longer needed."""
        with self._lock:
            self.reserved_tokens -= n

    def take_sub_calls(self, n: int = 1) -> None:
        """Reserve `n` sub-calls, or raise without reserving any."""
        self.check()
        with self._lock:
            if self.sub_calls + n > self.limits.max_sub_calls:
                raise LimitReached(
                    "max_sub_calls",
                    f"{self.sub_calls} of {self.limits.max_sub_calls} sub-calls used; {n} more asked for",
                )
            self.sub_calls += n

    def exceeded(self) -> LimitReached | None:
        """The first tree-wide limit that has fired, if any."""
        lim = self.limits
        if lim.max_tokens is not None and self.tokens >= lim.max_tokens:
            return LimitReached("max_tokens", f"{self.tokens:,} of {lim.max_tokens:,} tokens used")
        if lim.max_cost is not None and self.cost >= lim.max_cost:
            return LimitReached("max_cost", f"${self.cost:.4f} of ${lim.max_cost:.4f} spent")
        left = self.time_left()
        if left is not None and left <= 0:
            return LimitReached("deadline_s", f"{self.elapsed():.1f}s of {lim.deadline_s}s elapsed")
        return None

    def check(self) -> None:
        fired = self.exceeded()
        if fired is not None:
            raise fired
