"""Every limit is a named setting with a sane default. Nothing else in the package hard-codes one."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True)
class Limits:
    # Per run (each child RLM gets its own count of iterations).
    max_iterations: int = 12  # root-model turns before the answer-now turn
    max_depth: int = 1  # rlm_query() may nest this deep; at the limit it falls back to llm_query()

    # Shared by the whole tree: the root run, its sub-calls and every child run draw on one budget.
    max_sub_calls: int = 500  # llm_query / llm_query_batched prompts / rlm_query calls
    max_tokens: int | None = None  # input + output tokens of every call
    max_cost: float | None = None  # USD, from provider costs or the price table
    deadline_s: float | None = None  # wall clock for the whole run

    # Per cell and per call.
    cell_timeout_s: float = 120.0  # one code block's wall clock (sub-calls it makes count too)
    # The engine's own first reading (small profile), not model code: one sub-call over a whole 4K-token text
    # took 110-125 s on 2 CPU cores, and under the cell limit it was lost when the machine was busy.
    reading_timeout_s: float = 300.0
    max_output_chars: int = 4_000  # printed output the root model is shown per cell
    sub_call_concurrency: int = 64  # sub-calls in flight at once, per run tree (a backend may allow fewer)
    child_concurrency: int = 4  # child RLMs of rlm_query_batched() running at once, per depth of the tree (each has a sandbox)
    max_reply_tokens: int = 1_024  # one root reply
    max_sub_reply_tokens: int = 1_024  # one sub-call reply
    answer_now_timeout_s: float = 120.0  # the last turn after a limit fired (it may outlive the deadline)

    def __post_init__(self) -> None:
        for f in fields(self):
            self.check(f.name, getattr(self, f.name))

    @classmethod
    def check(cls, name: str, value: Any) -> None:
        """Raise ValueError unless `value` is a valid value of the limit `name` (see check_limit)."""
        kind = str(cls.__dataclass_fields__[name].type)  # e.g. "int", "float | None" (annotations are strings)
        check_limit(f"limit {name}", value, integral="float" not in kind, optional="None" in kind,
                    minimum=1 if name in _AT_LEAST_ONE else 0)


_AT_LEAST_ONE = {"max_iterations", "sub_call_concurrency", "child_concurrency"}


def check_limit(name: str, value: Any, *, integral: bool = False, optional: bool = False, minimum: float = 0) -> None:
    """Raise ValueError unless `value` is a finite number >= `minimum` (a whole number where `integral`),
    or None where `optional`. Every limit dataclass checks its fields with this.

    NaN compares false with everything, so a plain `value < 0` lets it through, and then the limit it
    names never fires (a NaN cost budget is no budget) or fires at once (a NaN timeout kills every cell).
    Infinity is refused too: "no limit" is None, said explicitly.
    """
    if value is None:
        if optional:
            return
        raise ValueError(f"{name} must be a number, not None")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        none = " (leave it unset, None, for no limit)" if optional else ""
        raise ValueError(f"{name} must be a finite number, got {value!r}{none}")
    if integral and value != int(value):
        raise ValueError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum:g}, got {value!r}")


LIMIT_HELP = {
    "max_iterations": "root-model turns per run before the final answer-now turn",
    "max_depth": "how deep rlm_query() may nest child RLMs (0: no children)",
    "max_sub_calls": "sub-calls (llm_query prompts and rlm_query calls) across the whole run tree; 0 turns them off",
    "max_tokens": "input+output tokens across every call of the run tree",
    "max_cost": "USD across every call of the run tree",
    "deadline_s": "wall-clock seconds for the whole run",
    "cell_timeout_s": "wall-clock seconds one code cell may run",
    "reading_timeout_s": "wall-clock seconds the engine's first reading (small profile) may run",
    "max_output_chars": "characters of a cell's printed output shown to the root model",
    "sub_call_concurrency": "sub-calls in flight at once",
    "child_concurrency": "child RLMs of rlm_query_batched() running at once, per depth of the run tree",
    "max_reply_tokens": "tokens in one root-model reply",
    "max_sub_reply_tokens": "tokens in one sub-call reply",
    "answer_now_timeout_s": "seconds the final answer-now turn may take once a limit fired",
}
