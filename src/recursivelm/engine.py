"""The public API: `RLM(...)`, `run()` / `arun()`, and the `Result` they return."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .answers import AnswerSchema, typed
from .budget import Budget
from .cache import SubCallCache
from .calling import check_question, run_sync
from .compaction import MODES as COMPACTION_MODES
from .consistency import Sample, choose
from .context import ContextInfo, LoadedContext, load_context
from .events import ANSWER_EVENT_LOG_CHARS, INTERRUPTED, Event, EventLog, RunEnd, Samples, load_events
from .loop import Run, RunOutcome
from .models.resample import SAMPLE_TEMPERATURE, resampled
from .pricing import PriceTable
from .prompts import Profile, load_profile
from .protocols import Model
from .run_config import RunConfig, SandboxFactory, at_depth, pick_profile
from .sandbox.namespace import protected_names
from .settings import Limits
from .text import head_and_tail
from .tools import make_tools
from .usage import UsageTree

ANSWERED, LIMIT, FAILED = "answered", "limit", "failed"
SAMPLE_RUN_SUFFIX = "-s{k}"  # sample k's run id (k >= 2) is the run's id with this after it
SAMPLES_ANSWER_NOTE = "\n... [{cut:,} characters: the whole answer is in the chosen sample's run_end event] ...\n"


@dataclass
class Result:
    answer: str | None  # None only when the run failed before any answer could be had
    status: str  # "answered" | "limit" (stopped by `limit`, answer is the best it could still get) | "failed"
    limit: str | None  # the named limit that fired, if any
    error: str | None  # why the run failed, if it did
    usage: UsageTree
    wall_time_s: float
    trajectory: list[Event] = field(repr=False)
    context_info: ContextInfo | None = None
    iterations: int = 0  # root turns; with samples=K, of all the samples that ran together
    value: Any = field(default=None, repr=False)  # with schema=: the validated object (`answer` is its JSON)

    @property
    def samples(self) -> Samples | None:
        """With RLM(samples=K): the record of the samples' answers, their evidence and which won."""
        return next((e for e in self.trajectory if isinstance(e, Samples)), None)

    @property
    def saved_calls(self) -> int:
        """Sub-calls answered without a model call: identical prompts in this run, or the persistent cache."""
        return sum(1 for e in self.trajectory if e.type == "sub_call" and e.cached)

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "status": self.status,
            "limit": self.limit,
            "error": self.error,
            "wall_time_s": round(self.wall_time_s, 3),
            "iterations": self.iterations,
            "saved_calls": self.saved_calls,
            "usage": self.usage.as_dict(),
            "trajectory": [e.as_dict() for e in self.trajectory],
        }

    @staticmethod
    def load_trajectory(path: str | Path) -> list[Event]:
        return load_events(path)


ModelSpec = Model | str
PerDepth = ModelSpec | dict[int, ModelSpec]  # one model, or {depth: model} (deeper depths use the deepest given)


def sandbox_factory(kind: str, chunk_chars: int) -> SandboxFactory:
    """A factory of sandboxes by name: "isolated" (a contained worker process) or "inprocess"."""
    if kind == "inprocess":
        from .sandbox.inprocess import InProcessSandbox

        return _named(lambda: InProcessSandbox(chunk_chars=chunk_chars), kind)
    if kind == "isolated":
        from .sandbox.isolated import IsolatedSandbox

        return _named(lambda: IsolatedSandbox(chunk_chars=chunk_chars), kind)
    raise ValueError(f"unknown sandbox {kind!r}: use 'isolated' or 'inprocess'")


def _named(factory: SandboxFactory, kind: str) -> SandboxFactory:
    """run_start logs the factory's __qualname__: "isolated", not "sandbox_factory.<locals>.<lambda>"."""
    factory.__qualname__ = kind
    return factory


def model_resolver_for(profile: str | Profile = "auto", temperature: float | None = None,
                       endpoints: list[str] | None = None) -> Callable[[ModelSpec], Model]:
    """How RLM turns model names into backends; runs that share one resolver share the backend objects (a
    batch's jobs share one endpoint fleet and its counts)."""
    from .models.registry import model_resolver

    # One backend object per spec, however often it is named. Without a temperature of the user's, a
    # model named by its name samples as its profile says (greedy for small models: sampling turned
    # solvable questions into iteration-limit runs, shared/LESSONS.md).
    return model_resolver(temperature, default_temperature=lambda name: load_profile(profile, name).temperature
                          if not isinstance(profile, Profile) else profile.temperature, endpoints=endpoints)


class RLM:
    """A Recursive Language Model: a root model driving a REPL that holds the context.

    RLM(model="embedded") answers with the embedded local model. Routing: `sub_model` answers
    llm_query() (default: the root model), `child_model` is the root model of child RLMs (default: the
    root model); either may be a dict {depth: model} (a sub-call made by a run at depth d is at depth
    d+1; deeper depths use the deepest entry). `models` names extra models code may ask for:
    llm_query(p, model="fast"). `limits` bounds the run tree; `profile` picks the prompts ("auto"
    decides from each run's root model); `log` is a JSONL path the events are appended to as they happen.
    `temperature` is the sampling temperature of every model given by name (None: each backend's own
    default; a Model object keeps its own settings). `endpoints`: several base URLs serving each
    OpenAI-compatible model given by name (an endpoint fleet, `models/fleet.py`).

    `samples=K` (self-consistency): K root trajectories, one after another, drawing on the run's one budget
    (no new sample starts once time, tokens or cost are spent); the answer with the most evidence wins
    (consistency.py: found verbatim in a cell output or the context, then the majority, then the earliest).
    Sample 1 runs exactly as with samples=1; samples 2..K run the root model at `sample_temperature`
    (None: `temperature` if given, else models/resample.py's SAMPLE_TEMPERATURE) with a seed of their own
    where the backend takes one; so do llm_query's models (child runs keep theirs). It costs up to K times as much.
    `Result.usage` and the cost count every sample; `Result.iterations` is all samples' root turns; status,
    limit, error and value are the chosen sample's; `Result.samples` is the choice as logged. A session
    (`session()`) refuses samples > 1: its one REPL cannot hold K trajectories.
    """

    def __init__(
        self,
        model: ModelSpec = "embedded",
        sub_model: PerDepth | None = None,
        limits: Limits | None = None,
        child_model: PerDepth | None = None,
        models: dict[str, ModelSpec] | None = None,
        profile: str | Profile = "auto",
        sandbox: str | SandboxFactory = "isolated",
        log: str | Path | None = None,
        prices: PriceTable | None = None,
        on_event: Callable[[Event], None] | None = None,
        on_token: Callable[[str], None] | None = None,
        clock: Callable[[], float] | None = None,
        cache: str | Path | SubCallCache | None = None,
        tools: Any = None,
        log_full: bool = False,
        compaction: str = "cut",
        temperature: float | None = None,
        endpoints: list[str] | None = None,
        allow_unpriced: bool = False,
        samples: int = 1,
        sample_temperature: float | None = None,
    ):
        if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
            raise ValueError(f"samples={samples!r}: give a whole number of root trajectories, 1 or more (1: no "
                             "self-consistency)")
        self.samples = samples
        self.sample_temperature = (sample_temperature if sample_temperature is not None
                                   else temperature if temperature is not None else SAMPLE_TEMPERATURE)
        if not 0 <= self.sample_temperature <= 2:  # NaN fails this too
            raise ValueError(f"sample_temperature must be between 0 and 2, got {self.sample_temperature!r}")
        resolve = model_resolver_for(profile, temperature, endpoints)
        self.model = resolve(model)
        self.sub_models = _per_depth(sub_model, self.model, resolve)
        self.child_models = _per_depth(child_model, self.model, resolve)
        self.named_models = {name: resolve(spec) for name, spec in (models or {}).items()}
        self.sub_model = at_depth(self.sub_models, 1)
        self.limits = limits or Limits()
        self._profile_spec = profile
        self.profile = pick_profile(profile, self.model)
        self.sub_window_chars = self.sub_model.context_window * 3  # conservative: ~3 chars per token
        self.chunk_chars = max(1_000, (self.sub_model.context_window - self.limits.max_sub_reply_tokens) * 2)
        self.sandbox_factory = self._sandbox_factory(sandbox)
        self.log_path = log
        self.cache = SubCallCache(cache) if isinstance(cache, (str, Path)) else cache
        self.prices = prices or PriceTable()
        self._check_cost_limit(allow_unpriced)
        # Functions of the user's that model code may call by name (a list, or a dict of name to function;
        # async ones too): they run on the host in both sandboxes and are listed in the system prompt from
        # their signature and docstring (tools.py).
        self.tools = make_tools(tools, reserved=[*protected_names(), "re"])
        self.log_full = log_full  # sub-call prompts logged whole (training data), not head and tail
        if compaction not in COMPACTION_MODES:
            raise ValueError(f"compaction={compaction!r}: use 'cut' (the default) or 'summary'")
        self.compaction = compaction  # near the root's window: older turns cut to essentials, or summarised
        self.on_event = on_event
        self.on_token = on_token  # root-model text as it streams, where the backend streams (progress displays)
        import time

        self.clock = clock or time.monotonic

    def _check_cost_limit(self, allow_unpriced: bool) -> None:
        """A cost limit counts only priced calls: with a model whose price nobody knows it would protect
        nothing (its calls cost "$0"), so it is refused unless `allow_unpriced=True` says to go on."""
        if self.limits.max_cost is None or allow_unpriced:
            return
        models = [self.model, *self.sub_models.values(), *self.child_models.values(), *self.named_models.values()]
        unknown = sorted({m.name for m in models if not self.prices.knows(m.name)})
        if unknown:
            raise ValueError(
                f"max_cost={self.limits.max_cost:g} cannot be kept: no price is known for {', '.join(unknown)}. "
                f"Give its price (prices=PriceTable({{{unknown[0]!r}: Price(input=USD_PER_1M, output=USD_PER_1M)}})) "
                "or pass allow_unpriced=True to run with its calls left out of the cost")

    def run_config(self, **overrides: Any) -> RunConfig:
        """What every run of one tree reads, fixed for that run: the routing by depth, the limits, the prompts,
        the sandbox, the prices, the cache, the tools. `overrides` are this run's own (a schema, a session's
        history and sandbox)."""
        config = RunConfig(
            model=self.model, child_models=self.child_models, sub_models=self.sub_models,
            named_models=self.named_models, profile=self._profile_spec, limits=self.limits,
            sandbox_factory=self.sandbox_factory, sub_window_chars=self.sub_window_chars,
            chunk_chars=self.chunk_chars, prices=self.prices, cache=self.cache, on_token=self.on_token,
            tools=self.tools, log_full=self.log_full, compaction=self.compaction,
        )
        return dataclasses.replace(config, **overrides) if overrides else config

    def session(self, context: Any):
        """Follow-up questions over one context: `session.ask(question)` / `await session.aask(question)`
        keep the REPL and its variables between questions, and each sees the earlier questions and
        answers. `session.close()` ends its sandbox (or use it as a context manager)."""
        from .session import Session

        if self.samples > 1:
            raise ValueError(f"a session keeps one REPL between questions and cannot run samples={self.samples} "
                             "trajectories in it: use RLM(samples=1) for sessions, or ask with run()")
        return Session(self, context)

    def _sandbox_factory(self, sandbox: str | SandboxFactory) -> SandboxFactory:
        return sandbox if callable(sandbox) else sandbox_factory(sandbox, self.chunk_chars)

    def run(self, context: Any, question: str, schema: Any = None) -> Result:
        """Synchronous twin of `arun`. Works inside a running event loop too (it then uses a thread)."""
        return run_sync(lambda: self.arun(context, question, schema=schema))

    async def arun(self, context: Any, question: str, run_id: str | None = None, schema: Any = None) -> Result:
        """Answer `question` about `context`. With `schema` (a pydantic model class, a dataclass or a JSON
        Schema dict) the root's FINAL must fit it: `Result.value` holds the validated object and
        `Result.answer` its JSON."""
        check_question(question)
        loaded = load_context(context)  # raises ContextError with a clear message on bad input
        config = self.run_config(schema=AnswerSchema(schema)) if schema is not None else self.run_config()
        return await self.execute(loaded, question, config, run_id)

    async def execute(self, loaded: LoadedContext, question: str, config: RunConfig, run_id: str | None = None) -> Result:
        """One run tree over a loaded context with a given configuration (`arun`, and a session's questions);
        with samples=K, K root trajectories in one log, one usage tree and one budget, and the chosen one."""
        log = EventLog(self.log_path, clock=self.clock)
        if self.on_event:
            log.listeners.append(self.on_event)
        run_id = run_id or uuid.uuid4().hex[:12]
        usage = UsageTree(run_id=run_id, depth=0)
        budget = Budget(self.limits, clock=self.clock)
        shared = Run.Shared(
            config=config, log=log, budget=budget, semaphore=asyncio.Semaphore(self.limits.sub_call_concurrency),
            loop=asyncio.get_running_loop(),
        )
        done: list[tuple[Run, RunOutcome, int]] = []  # each sample's run, its outcome, its first event's index
        stopped = None  # the limit that left no budget for the next sample
        current_id, current_usage = run_id, usage
        try:
            for k in range(1, self.samples + 1):
                if k > 1:
                    stopped = budget.exceeded()
                    if stopped is not None:
                        break
                    current_id = run_id + SAMPLE_RUN_SUFFIX.format(k=k)
                    current_usage = usage.sample(current_id)
                first = len(log.events)
                sample_shared = shared if k == 1 else dataclasses.replace(shared, config=self._sample_config(config, k))
                run = Run(sample_shared, loaded=loaded, question=question, depth=0, run_id=current_id,
                          usage=current_usage, parent_event=None if k == 1 else log.events[0].id)
                done.append((run, await run.execute(), first))
            winner = self._choose(done, loaded, log, run_id, usage, stopped) if self.samples > 1 else 0
        except asyncio.CancelledError:
            # Ctrl-C (asyncio.run cancels the main task) or a server client that left: the log ends with a
            # record of it, so a reader can tell a stopped run from one still going or one that crashed.
            log.emit(RunEnd(id=log.new_id("run"), run=current_id, depth=0, t=log.now(), status=INTERRUPTED,
                            error="interrupted before it finished (Ctrl-C, or the client left)",
                            wall_time_s=round(budget.elapsed(), 4), usage=current_usage.total().as_dict()))
            raise
        finally:
            log.close()
            shared.cell_threads.shutdown(wait=False)
        run, outcome, _ = done[winner]
        value, answer = ((run.typed_value, outcome.answer) if run.typed_value is not None
                         else typed(config.schema, outcome.answer))
        return Result(
            answer=answer,
            value=value,
            status=outcome.status,
            limit=outcome.limit,
            error=outcome.error,
            usage=usage,
            wall_time_s=budget.elapsed(),
            trajectory=list(log.events),
            context_info=done[0][0].info,
            iterations=sum(o.iterations for _, o, _ in done),
        )

    def _sample_config(self, config: RunConfig, k: int) -> RunConfig:
        """Sample k's configuration: the root model and llm_query's models resampled (models/resample.py); child
        runs and named models as sample 1's. The readers too: the small profile's answer mostly comes from its
        first reading, a sub-call, and a greedy reader would give every sample sample 1's reading."""
        temperature = self.sample_temperature
        return dataclasses.replace(config, model=resampled(config.model, k, temperature),
                                   sub_models={d: resampled(m, k, temperature) for d, m in config.sub_models.items()})

    def _choose(self, done: list[tuple[Run, RunOutcome, int]], loaded: LoadedContext, log: EventLog, run_id: str,
                usage: UsageTree, stopped) -> int:
        """Which sample's outcome is the result (consistency.py), logged as the run's last event."""
        ends = [first for _, _, first in done[1:]] + [len(log.events)]
        samples = [Sample(outcome.answer, [e.output for e in log.events[first:end] if e.type == "cell_end"])
                   for (_, outcome, first), end in zip(done, ends)]
        choice = choose(samples, loaded.value)
        candidates = [{**c.as_dict(), "answer": _cut(c.answer)} for c in choice.candidates]
        moved = hasattr(self.model, "temperature")  # else samples 2..K ran the model as it is (models/resample.py)
        log.emit(Samples(id=log.new_id("samp"), run=run_id, depth=0, t=log.now(), parent=log.events[0].id,
                         asked=self.samples, ran=len(done), stopped=stopped.limit if stopped else None,
                         temperature=self.sample_temperature if moved else None, candidates=candidates,
                         chosen=choice.winner + 1, answer=_cut(done[choice.winner][1].answer),
                         usage=usage.total().as_dict()))
        return choice.winner


def _cut(answer: str | None) -> str | None:
    return answer if answer is None else head_and_tail(answer, ANSWER_EVENT_LOG_CHARS, SAMPLES_ANSWER_NOTE)


def _per_depth(spec: PerDepth | None, default: Model, resolve) -> dict[int, Model]:
    if spec is None:
        return {1: default}
    if isinstance(spec, dict):
        if not spec or any(not isinstance(d, int) or d < 1 for d in spec):
            raise ValueError(f"per-depth models need depths >= 1 as keys, got {sorted(spec, key=str)}")
        return {d: resolve(m) for d, m in sorted(spec.items())}
    return {1: resolve(spec)}
