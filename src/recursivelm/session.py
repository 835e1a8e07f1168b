"""Follow-up questions over one context: `session = RLM(...).session(context)`, `session.ask(question)`.

Each question is its own run tree (its own run id, budget, usage and events, as `RLM.run` gives), but
the root runs of a session share one sandbox: the REPL, its variables and (isolated) its worker live from
the first question to `close()`. Each question's first message lists the earlier questions and their
answers, briefly (prompt_extras.py). Child RLMs (rlm_query) still get fresh sandboxes of their own.
Self-consistency (`RLM(samples=K)`, K > 1) is refused by `RLM.session()`: one REPL cannot hold K
trajectories of one question, each writing its own variables.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from typing import TYPE_CHECKING, Any, Callable

from .answers import AnswerSchema
from .calling import check_question, run_sync
from .context import load_context
from .protocols import CellResult, HostFunctions, Sandbox

if TYPE_CHECKING:
    from .engine import RLM, Result


class SessionClosed(RuntimeError):
    """A question asked of a session after close()."""


class SessionBusy(RuntimeError):
    """A question asked while the session answers another: its REPL runs one question at a time."""


class _Kept:
    """The session's sandbox as each question's root run sees it: started once, for the first question,
    and closed by the session, not by the run. The host functions (sub-calls, tools) belong to the run
    asking now, so the sandbox is given forwarders that call the current run's."""

    def __init__(self, inner: Sandbox):
        self.inner = inner
        self.isolation = inner.isolation
        self.started = False
        self.current: HostFunctions = {}

    def start(self, context: Any, host_functions: HostFunctions) -> None:
        self.current = dict(host_functions)
        if not self.started:
            self.inner.start(context, {name: self._forwarder(name, fn) for name, fn in host_functions.items()})
            self.started = True

    def _forwarder(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def forward(*args: Any, **kwargs: Any) -> Any:
            return self.current[name](*args, **kwargs)

        # The same name, docstring and signature: the isolated host checks a worker's call against them.
        return functools.update_wrapper(forward, fn)

    def run_cell(self, code: str, timeout_s: float) -> CellResult:
        return self.inner.run_cell(code, timeout_s)

    def variables(self) -> dict[str, str]:
        return self.inner.variables()

    def close(self) -> None:
        pass  # one question is over, not the session: Session.close() ends the sandbox


class Session:
    """Questions over one context, one at a time, with the REPL kept between them. Use `ask` / `aask`, then
    `close()` (or `with rlm.session(context) as s:`). `history` holds the (question, answer) pairs so far,
    `results` every question's `Result`."""

    def __init__(self, rlm: RLM, context: Any):
        self.rlm = rlm
        self.loaded = load_context(context)  # once: every question reads the same loaded value
        self.history: list[tuple[str, str]] = []
        self.results: list[Result] = []
        self._kept: _Kept | None = None
        self._busy = threading.Lock()
        self._closed = False

    def ask(self, question: str, schema: Any = None) -> Result:
        """Synchronous twin of `aask`."""
        return run_sync(lambda: self.aask(question, schema=schema))

    async def aask(self, question: str, schema: Any = None, run_id: str | None = None) -> Result:
        """Answer `question` in this session: the REPL as the last question left it, the earlier questions
        and answers in the first message. `schema` as for `RLM.run`; `run_id` names this question's run."""
        check_question(question)
        if self._closed:
            raise SessionClosed("this session is closed: start a new one with rlm.session(context)")
        if not self._busy.acquire(blocking=False):
            raise SessionBusy("this session is answering another question: ask one at a time")
        try:
            overrides: dict[str, Any] = {"history": tuple(self.history), "sandbox_factory": self._sandboxes()}
            if schema is not None:
                overrides["schema"] = AnswerSchema(schema)
            try:
                result = await self.rlm.execute(self.loaded, question, self.rlm.run_config(**overrides), run_id)
            except asyncio.CancelledError:
                # A cell of the cancelled question may still be running in the kept sandbox: end it; the next
                # question starts a fresh one (its variables are lost, as after a worker restart).
                self._end_sandbox()
                raise
        finally:
            self._busy.release()
        if result.answer is not None:
            self.history.append((question, result.answer))
        self.results.append(result)
        return result

    def _sandboxes(self) -> Callable[[], Sandbox]:
        """This question's sandbox factory. A root run asks for its sandbox before any child of it exists,
        so the first sandbox asked for is the root's: the kept one. Every later one (a child's) is fresh."""
        if self._kept is None:
            self._kept = _Kept(self.rlm.sandbox_factory())
        kept, handed = self._kept, threading.Event()

        def factory() -> Sandbox:
            if handed.is_set():
                return self.rlm.sandbox_factory()
            handed.set()
            return kept

        factory.__qualname__ = getattr(self.rlm.sandbox_factory, "__qualname__", "session")  # as RunStart names it
        return factory

    def variables(self) -> dict[str, str]:
        """The variables the model has made in this session's REPL so far."""
        return self._kept.variables() if self._kept and self._kept.started else {}

    def _end_sandbox(self) -> None:
        kept, self._kept = self._kept, None
        if kept is not None and kept.started:
            kept.inner.close()

    def close(self) -> None:
        """End the session's sandbox (its worker process, when isolated). Further questions are refused."""
        self._closed = True
        self._end_sandbox()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
