"""The interfaces, in one place: a model backend and a sandbox.

Every backend (scripted, embedded, OpenAI-compatible, ...) is one module that satisfies `Model`.
Every sandbox (in-process, isolated worker) is one module that satisfies `Sandbox`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol, runtime_checkable

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": str}


@dataclass(frozen=True)
class Completion:
    """One model call's reply and its exact accounting."""

    text: str
    input_tokens: int
    output_tokens: int
    model: str
    cost: float | None = None  # provider-reported cost in USD; wins over the price table
    cached_tokens: int = 0
    estimated: bool = False  # True when token counts are an estimate, not the provider's
    endpoint: str | None = None  # the base URL that answered, where a backend has several (an endpoint fleet)


class ModelError(Exception):
    """A model call failed in a way the caller should report (not a bug in our code)."""


class ContextWindowError(ModelError):
    """The prompt does not fit the model's window."""


@runtime_checkable
class Model(Protocol):
    """A chat model. `complete` must be safe to call concurrently."""

    name: str  # e.g. "embedded", "openai/gpt-5-mini", "scripted"
    context_window: int  # tokens the model can attend to (prompt + reply)

    async def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        stop_after_first_code_block: bool = False,
    ) -> Completion:
        """Answer `messages`. `stop_after_first_code_block` is a hint: a backend that streams may end
        generation as soon as the first fenced block closes. The engine cuts the reply there anyway."""
        ...

    def count_tokens(self, text: str) -> int:
        """Tokens in `text` for this model (exact where a tokenizer is at hand, else an estimate)."""
        ...

    async def aclose(self) -> None: ...


# ---------------------------------------------------------------------------------------------
# Sandboxes

HostFunctions = dict[str, Callable[..., Any]]
"""Functions the sandbox exposes to model code but which run on the host side: `llm_query`,
`llm_query_batched`, `rlm_query`, `rlm_query_batched`, and the user's own tools (RLM(tools=...)). They are synchronous, thread-safe, and may block."""


class HostFunctionSpec(Protocol):
    """The host functions and their signatures, written once. `SubCalls` implements them; an isolated
    worker's stubs send them over the wire, and the host checks each call against these signatures
    (sandbox/wire.py); model code cannot overwrite their names (sandbox/namespace.protected_names)."""

    def llm_query(self, prompt: str, model: str | None = None, max_tokens: int | None = None) -> str: ...

    def llm_query_batched(self, prompts: list, model: str | None = None, max_tokens: int | None = None) -> list: ...

    def rlm_query(self, prompt: str, context: Any = None) -> str: ...

    def rlm_query_batched(self, prompts: list, context: Any = None) -> list: ...


HOST_FUNCTION_NAMES: tuple[str, ...] = tuple(
    name for name, value in vars(HostFunctionSpec).items() if callable(value) and not name.startswith("_"))


@dataclass
class FinalAnswer:
    value: Any  # what FINAL()/FINAL_VAR() resolved to (the value, never the variable's name)
    via: str  # "FINAL" | "FINAL_VAR" | "text"


@dataclass
class CellResult:
    output: str  # everything the cell printed (stdout and stderr, in order), untruncated
    error: str | None = None  # a short traceback quoting the failing line, or None
    final: FinalAnswer | None = None
    timed_out: bool = False
    restored_names: list[str] = field(default_factory=list)  # protected names the cell rebound
    lost_variables: list[str] = field(default_factory=list)  # set when the worker had to restart
    duration_s: float = 0.0
    # Searches of the context that found nothing, with what is near each (wordcounts.near(): plain data).
    misses: list[dict[str, Any]] = field(default_factory=list)


class Sandbox(Protocol):
    """Runs model-written cells against one persistent namespace."""

    isolation: str  # plain words: what this sandbox protects against

    def start(self, context: Any, host_functions: HostFunctions) -> None:
        """Load `context` once and make the host functions callable from cells."""
        ...

    def run_cell(self, code: str, timeout_s: float) -> CellResult: ...

    def variables(self) -> dict[str, str]:
        """Names the model defined, each with a short type/size description."""
        ...

    def close(self) -> None: ...
