"""The functions model code calls to reach models: llm_query, llm_query_batched, rlm_query,
rlm_query_batched; and the user's own tools (RLM(tools=...)), which run on the host beside them.

They are called synchronously from the cell's thread (or, for the isolated sandbox, from the host
thread serving the worker's channel) and run their model calls as coroutines on the run's event loop,
so a batch is truly concurrent, bounded by one semaphore per run tree. Identical prompts within a run
tree are answered once (a second asker awaits the first call). Every call lands in the usage tree.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from typing import TYPE_CHECKING, Any

from .budget import LimitReached
from .cache import sub_call_key
from .context import load_context
from .deadline import complete_within
from .events import SubCall, SubCallsQueued, ToolCall
from .protocols import HOST_FUNCTION_NAMES, HostFunctions, Model, ModelError
from .text import CHARS_PER_TOKEN, head_and_tail
from .tools import TOOL_LOG_CHARS, Tool, with_signature

if TYPE_CHECKING:
    from .loop import Run

WAIT_SLICE_S = 0.05  # the cell thread waits in slices so a cell timeout can interrupt it
BUDGET_WAIT_S = 0.01  # a sub-call held back by max_tokens looks again this often (the calls in flight finish)
PROMPT_OVERHEAD_TOKENS = 32  # chat-template tokens around a sub-prompt
LOG_PROMPT_CHARS = 2_000  # a sub-prompt is logged as head + tail: it is mostly a slice of the context
NOT_LOGGED_NOTE = "\n... [{cut:,} characters not logged] ...\n"


class SubCallError(Exception):
    """A sub-call that failed in a way the model can act on (too large, unknown model, backend error)."""


class SubCalls:
    def __init__(self, run: Run):
        self.run = run
        self.shared = run.shared
        self.limits = run.limits

    def host_functions(self) -> HostFunctions:
        functions = {name: getattr(self, name) for name in HOST_FUNCTION_NAMES}
        for name, tool in self.run.config.tools.items():
            functions[name] = with_signature(self._tool_caller(tool), tool)
        return functions

    # -- called from model code (synchronous) --------------------------------------------------
    def llm_query(self, prompt: str, model: str | None = None, max_tokens: int | None = None) -> str:
        """Ask the sub-model one prompt; returns its reply, of at most `max_tokens` (and never more than
        the run's max_sub_reply_tokens)."""
        if not isinstance(prompt, str):
            raise TypeError(f"llm_query(prompt) takes a str, got {type(prompt).__name__}")
        target = self._model(model)
        reply_tokens = self._reply_tokens(max_tokens)
        self._check_size(target, prompt)
        self._reserve(1, "llm_query")
        result = self._wait(self._query(target, prompt, reply_tokens))
        if isinstance(result, SubCallError):
            raise result
        return result

    def llm_query_batched(self, prompts: list[str], model: str | None = None,
                          max_tokens: int | None = None) -> list[str]:
        """Ask many prompts concurrently; replies in order, each of at most `max_tokens`. A failed prompt's
        slot holds 'Error: ...'."""
        if isinstance(prompts, str) or not all(isinstance(p, str) for p in prompts):
            raise TypeError("llm_query_batched(prompts) takes a list of str")
        prompts = list(prompts)
        target = self._model(model)
        reply_tokens = self._reply_tokens(max_tokens)
        errors: dict[int, str] = {}
        for i, p in enumerate(prompts):
            try:
                self._check_size(target, p)
            except SubCallError as e:
                errors[i] = f"Error: {e}"
        todo = [i for i in range(len(prompts)) if i not in errors]
        self._reserve(len(todo), "llm_query_batched")
        results = self._wait(self._query_all(target, [prompts[i] for i in todo], reply_tokens))
        for i, r in zip(todo, results):
            errors[i] = r if isinstance(r, str) else f"Error: {r}"
        return [errors[i] for i in range(len(prompts))]

    def rlm_query(self, prompt: str, context: Any = None) -> str:
        """A child RLM with its own REPL over `context` (default: this run's). At max depth: llm_query."""
        if self.run.depth >= self.limits.max_depth:
            return self.llm_query(prompt if context is None else f"{prompt}\n\n{context}")
        loaded = self.run.loaded if context is None else load_context(context)
        self._reserve(1, "rlm_query")
        return self._wait(self._child(prompt, loaded))

    def rlm_query_batched(self, prompts: list[str], context: Any = None) -> list[str]:
        """Many child RLMs concurrently (at most `child_concurrency` at once), one per prompt, over `context`
        (default: this run's); answers in order. A failed child's slot holds 'Error: ...'. At max depth:
        llm_query_batched."""
        if isinstance(prompts, str) or not isinstance(prompts, (list, tuple)) or not all(isinstance(p, str) for p in prompts):
            raise TypeError("rlm_query_batched(prompts) takes a list of str")
        prompts = list(prompts)
        if self.run.depth >= self.limits.max_depth:
            return self.llm_query_batched(prompts if context is None else [f"{p}\n\n{context}" for p in prompts])
        loaded = self.run.loaded if context is None else load_context(context)
        self._reserve(len(prompts), "rlm_query_batched")
        return self._wait(self._children(prompts, loaded))

    # -- the user's tools ------------------------------------------------------------------------
    def _tool_caller(self, tool: Tool):
        def call(*args, **kwargs):
            return self._call_tool(tool, args, kwargs)

        return call

    def _call_tool(self, tool: Tool, args: tuple, kwargs: dict) -> Any:
        """One call of a user's tool from model code: arguments checked (the caller is untrusted), the
        budget checked (a deadline or a limit that fired stops tools too), run, logged under the cell."""
        tool.check_arguments(args, kwargs)
        try:
            self.shared.budget.check()
        except LimitReached as e:
            self.run.fired = self.run.fired or e
            raise
        started, parent = time.monotonic(), self.run.current_cell
        try:
            if tool.is_async:  # on the run's event loop, like a sub-call, within the time left
                value = self._wait(asyncio.wait_for(tool.fn(*args, **kwargs), timeout=self.shared.budget.time_left()))
            else:  # in the calling thread: the cell's (in process) or the host thread serving the worker's call
                value = tool.fn(*args, **kwargs)
        except BaseException as e:
            self._emit_tool(tool, args, kwargs, started, parent, error=f"{type(e).__name__}: {e}")
            raise
        self._emit_tool(tool, args, kwargs, started, parent, result=value)
        return value

    def _emit_tool(self, tool, args, kwargs, started, parent, result=None, error=None) -> None:
        log = self.shared.log
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        log.emit(ToolCall(id=log.new_id("tool"), run=self.run.run_id, depth=self.run.depth, t=log.now(), parent=parent,
                          tool=tool.name, arguments=head_and_tail(shown, TOOL_LOG_CHARS, NOT_LOGGED_NOTE),
                          result="" if error else head_and_tail(repr(result), TOOL_LOG_CHARS, NOT_LOGGED_NOTE),
                          error=error, duration_s=round(time.monotonic() - started, 4)))

    # -- plumbing ------------------------------------------------------------------------------
    def _model(self, name: str | None) -> Model:
        if name is None:
            return self.run.sub_model
        named = self.run.config.named_models
        if name in named:
            return named[name]
        known = ", ".join(sorted(named)) or "none are configured"
        raise SubCallError(f"unknown model {name!r} for llm_query: known names: {known}")

    def _reply_tokens(self, max_tokens: int | None) -> int:
        """The reply length a call asks for: the run's max_sub_reply_tokens, or less where the code asks for
        less (a yes-or-no check need not pay for a reasoned reply it will not read)."""
        limit = self.limits.max_sub_reply_tokens
        if max_tokens is None:
            return limit
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise TypeError(f"max_tokens={max_tokens!r}: give a whole number of reply tokens, 1 or more")
        return min(max_tokens, limit)

    def _check_size(self, model: Model, prompt: str) -> None:
        room = model.context_window - self.limits.max_sub_reply_tokens - PROMPT_OVERHEAD_TOKENS
        # Far too large is obvious from the length; only count exactly when it is close.
        tokens = len(prompt) // CHARS_PER_TOKEN if len(prompt) > 8 * model.context_window else model.count_tokens(prompt)
        if tokens > room:
            max_chars = room * CHARS_PER_TOKEN * 3 // 4
            raise SubCallError(
                f"the prompt is about {tokens:,} tokens ({len(prompt):,} characters) but {model.name} reads at most "
                f"{room:,} tokens per prompt. Send less: split the text, e.g. chunks(text, size={max_chars:,}), "
                f"and query each piece (llm_query_batched)."
            )

    def _reserve(self, n: int, kind: str) -> None:
        if self.limits.max_sub_calls == 0:
            # Sub-calls switched off (the "RLM without sub-calls" ablation): an error the model can act
            # on, not a limit that ends the run. The prompts offer no sub-calls in this case either.
            raise SubCallError(f"{kind}() is not available in this run: sub-calls are off (max_sub_calls=0). "
                               f"Use code instead: search, regular expressions, counting, printing short slices.")
        try:
            self.shared.budget.take_sub_calls(n)
        except LimitReached as e:
            self.run.fired = self.run.fired or e
            raise
        log = self.shared.log
        log.emit(SubCallsQueued(id=log.new_id("queue"), run=self.run.run_id, depth=self.run.depth + 1, t=log.now(),
                                parent=self.run.current_cell, count=n, kind=kind))

    def _wait(self, coro) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self.shared.loop)
        try:
            while True:
                try:
                    return future.result(timeout=WAIT_SLICE_S)
                except concurrent.futures.TimeoutError:
                    continue
        except BaseException:
            future.cancel()  # the cell was interrupted (timeout): stop its in-flight calls too
            raise

    async def _query_all(self, model: Model, prompts: list[str], max_tokens: int) -> list[str | SubCallError]:
        return await asyncio.gather(*(self._query(model, p, max_tokens) for p in prompts))

    async def _query(self, model: Model, prompt: str, max_tokens: int) -> str | SubCallError:
        # The model's sampling is part of the key: a self-consistency sample's reader (a resampled twin, same
        # name) must read again, not be given sample 1's reading.
        key = (model.name, repr((getattr(model, "temperature", None), getattr(model, "seed", None))), max_tokens, prompt)
        earlier = self.shared.cache.get(key)
        if earlier is not None:
            started = time.monotonic()
            result = await asyncio.shield(earlier)
            self._emit(prompt, model.name, result, started, cached=True)
            return result
        future: asyncio.Future = self.shared.loop.create_future()
        self.shared.cache[key] = future
        started = time.monotonic()
        try:
            result = await self._call(model, prompt, started, max_tokens)
        except BaseException as e:
            self.shared.cache.pop(key, None)
            future.set_exception(e)
            future.exception()  # mark retrieved: waiters re-raise it, the loop does not warn
            raise
        if isinstance(result, SubCallError):
            self.shared.cache.pop(key, None)  # a failure is not an answer: an identical retry calls again
        future.set_result(result)
        return result

    async def _call(self, model: Model, prompt: str, started: float, max_tokens: int) -> str | SubCallError:
        budget = self.shared.budget
        messages = [{"role": "user", "content": prompt}]

        def charge(completion):  # a finished call, or what a call cut at the deadline had spent
            record = self.run.usage.record(completion, "sub", self.run.config.prices, depth=self.run.depth + 1)
            budget.charge(record)
            return record

        async def call():  # the deadline is the wait_for's below, around the cache too
            return await complete_within(model, messages, None, on_cut=charge, max_tokens=max_tokens)

        cache = self.run.config.cache
        # The most this call may spend, held against max_tokens while it is in flight.
        need = len(prompt) // CHARS_PER_TOKEN + PROMPT_OVERHEAD_TOKENS + max_tokens
        reserved = False
        try:
            async with self.shared.semaphore:
                budget.check()
                while not (reserved := budget.reserve_tokens(need)):
                    await asyncio.sleep(BUDGET_WAIT_S)  # calls in flight may spend the rest: see what they spend
                    budget.check()
                if cache is None:
                    completion, hit = await asyncio.wait_for(call(), timeout=budget.time_left()), False
                else:
                    key = sub_call_key(model, messages, max_tokens=max_tokens)
                    completion, hit = await asyncio.wait_for(cache.get_or_call(key, call), timeout=budget.time_left())
            if hit:  # answered by the persistent cache: no call made, nothing charged
                return self._emit(prompt, model.name, completion.text, started, cached=True)
            record = charge(completion)  # charged before the reservation goes: no moment when neither holds the tokens
            return self._emit(prompt, model.name, completion.text, started, completion=completion, cost=record.cost)
        except LimitReached as e:
            self.run.fired = self.run.fired or e
            return self._emit(prompt, model.name, SubCallError(str(e)), started)
        except asyncio.TimeoutError:
            e = LimitReached("deadline_s", f"the deadline of {self.limits.deadline_s}s passed during a sub-call")
            self.run.fired = self.run.fired or e
            return self._emit(prompt, model.name, SubCallError(str(e)), started)
        except ModelError as e:
            return self._emit(prompt, model.name, SubCallError(f"{model.name} failed: {e}"), started)
        finally:
            if reserved:
                budget.release_tokens(need)

    async def _children(self, prompts: list[str], loaded) -> list[str]:
        # Each child starts a sandbox (an isolated worker process): a hundred at once would swamp the host.
        # One gate per depth of the run tree, made on first use (here, on the tree's event loop). Not one for
        # the whole tree: children holding every slot while their own batches wait for one would deadlock.
        gates = self.shared.__dict__.setdefault("child_gates", {})
        gate = gates.setdefault(self.run.depth + 1, asyncio.Semaphore(self.limits.child_concurrency))

        async def one(prompt: str) -> str:
            async with gate:
                try:
                    return await self._child(prompt, loaded)
                except Exception as e:  # noqa: BLE001 - one failed child stays in its own slot
                    return f"Error: the child RLM failed: {type(e).__name__}: {e}"

        return list(await asyncio.gather(*(one(p) for p in prompts)))

    async def _child(self, prompt: str, loaded) -> str:
        outcome = await self.run.child(prompt, loaded).execute()
        fired = self.shared.budget.exceeded()
        if fired:
            self.run.fired = self.run.fired or fired
        if outcome.answer is None:
            return f"Error: the child RLM {outcome.status}: {outcome.error or outcome.limit}"
        return outcome.answer

    def _emit(self, prompt, model_name, result, started, cached=False, completion=None, cost=None):
        log = self.shared.log
        failed = isinstance(result, SubCallError)
        log.emit(SubCall(
            id=log.new_id("sub"), run=self.run.run_id, depth=self.run.depth + 1, t=log.now(),
            parent=self.run.current_cell, prompt=prompt if self.run.config.log_full else _clip(prompt), prompt_chars=len(prompt), reply="" if failed else result, model=model_name,
            input_tokens=0 if cached or completion is None else completion.input_tokens,
            output_tokens=0 if cached or completion is None else completion.output_tokens,
            cost=cost, duration_s=round(time.monotonic() - started, 4), cached=cached,
            error=str(result) if failed else None,
        ))
        return result


def _clip(text: str) -> str:
    return head_and_tail(text, LOG_PROMPT_CHARS, NOT_LOGGED_NOTE)
