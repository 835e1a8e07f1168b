"""Every limit is a named setting with a sane default. Nothing else in the package hard-codes one."""

from __future__ import annotations

from dataclasses import dataclass, fields


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
    max_output_chars: int = 4_000  # printed output the root model is shown per cell
    sub_call_concurrency: int = 64  # sub-calls in flight at once, per run tree (a backend may allow fewer)
    max_reply_tokens: int = 1_024  # one root reply
    max_sub_reply_tokens: int = 1_024  # one sub-call reply
    answer_now_timeout_s: float = 120.0  # the last turn after a limit fired (it may outlive the deadline)

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if value is not None and value < 0:
                raise ValueError(f"limit {f.name} must be >= 0, got {value!r}")
        if self.max_iterations < 1:
            raise ValueError("limit max_iterations must be at least 1")
        if self.sub_call_concurrency < 1:
            raise ValueError("limit sub_call_concurrency must be at least 1")


LIMIT_HELP = {
    "max_iterations": "root-model turns per run before the final answer-now turn",
    "max_depth": "how deep rlm_query() may nest child RLMs (0: no children)",
    "max_sub_calls": "sub-calls (llm_query prompts and rlm_query calls) across the whole run tree; 0 turns them off",
    "max_tokens": "input+output tokens across every call of the run tree",
    "max_cost": "USD across every call of the run tree",
    "deadline_s": "wall-clock seconds for the whole run",
    "cell_timeout_s": "wall-clock seconds one code cell may run",
    "max_output_chars": "characters of a cell's printed output shown to the root model",
    "sub_call_concurrency": "sub-calls in flight at once",
    "max_reply_tokens": "tokens in one root-model reply",
    "max_sub_reply_tokens": "tokens in one sub-call reply",
    "answer_now_timeout_s": "seconds the final answer-now turn may take once a limit fired",
}
