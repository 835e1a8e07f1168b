"""The methods a benchmark compares, all on the same model.

    from recursivelm.bench.methods import METHODS, run_method, RunSettings
    record = run_method("rlm", instance, model, RunSettings(time_budget_s=600))

| method | what it is |
|---|---|
| `direct` | the base model, the context's head cut to its window |
| `compaction` | reads the context piece by piece, keeping bounded notes; answers from the notes |
| `bm25` | BM25 retrieval (bm25s) with the question plus a model-written query; answers from the passages |
| `bm25-plain` | the same, searching with the question alone |
| `codeact` | a CodeAct REPL agent: the (cut) context in its prompt and in its REPL, no sub-calls |
| `rlm-nosub` | our RLM without sub-calls: the context only in the REPL, code but no model to call |
| `rlm` | our RLM |

Each method is a coroutine `(instance, model, settings, meter) -> Outcome`; `arun_method` turns it into
a `Record`: the prediction and its score, tokens, cost, latency, iterations, sub-calls, and a status:
"ok", "budget" (the query's time or token budget ran out: the record keeps whatever answer it still
got, scored as it is), or "error".
"""

from __future__ import annotations

import asyncio
import time
import traceback
from dataclasses import dataclass
from typing import Awaitable, Callable

from ...protocols import Model
from ..tasks import Instance
from . import codeact, compaction, direct, retrieval, rlm
from .base import BUDGET, ERROR, OK, BudgetExceeded, Meter, Outcome, Record, RunSettings, now_iso

MethodFn = Callable[[Instance, Model, RunSettings, Meter], Awaitable[Outcome]]


@dataclass(frozen=True)
class Method:
    name: str
    description: str
    run: MethodFn
    uses_engine: bool = False  # built on the RLM engine (writes a trajectory)


METHODS: dict[str, Method] = {
    m.name: m
    for m in (
        Method("direct", "the base model; the context's head cut to its window", direct.run),
        Method("compaction", "reads piece by piece keeping bounded notes, answers from the notes", compaction.run),
        Method("bm25", "BM25 (bm25s) over passages, question + model-written query; answers from the top passages",
               retrieval.run),
        Method("bm25-plain", "BM25 (bm25s) over passages with the question alone", retrieval.run_plain),
        Method("codeact", "CodeAct REPL agent: the cut context in its prompt and REPL, no sub-calls", codeact.run,
               uses_engine=True),
        Method("rlm-nosub", "our RLM without sub-calls (code only)", rlm.run_nosub, uses_engine=True),
        Method("rlm", "our RLM", rlm.run, uses_engine=True),
    )
}


def parse_names(spec: str, known: dict, what: str) -> list[str]:
    """'all' or a comma-separated list of names from `known` (methods, tasks), checked."""
    names = list(known) if spec.strip() == "all" else [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown {what}(s) {unknown}; known: {', '.join(known)}")
    return names


def method_names(spec: str) -> list[str]:
    """'all' or a comma-separated list of method names, checked."""
    return parse_names(spec, METHODS, "method")


def resolve_bench_model(spec: Model | str, temperature: float | None = None,
                        endpoints: list[str] | None = None) -> Model:
    """A model by name, as everywhere in recursivelm (on an endpoint fleet with `endpoints`), plus `scripted` /
    `scripted:WINDOW`: the benchmark's deterministic offline model (see `methods.scripted`, which ignores
    `temperature` and `endpoints`)."""
    if not isinstance(spec, str):
        return spec
    name, _, window = spec.partition(":")
    if name == "scripted" and (not window or window.isdigit()):
        from .scripted import BenchScriptedModel

        return BenchScriptedModel(context_window=int(window)) if window else BenchScriptedModel()
    from ...models.registry import resolve_model

    return resolve_model(spec, temperature=temperature, endpoints=endpoints)


async def arun_method(name: str, instance: Instance, model: Model, settings: RunSettings | None = None,
                      length: int | None = None, seed: int | None = None) -> Record:
    """Run one method on one instance; never raises for the method's own failures (status "error")."""
    settings = settings or RunSettings()
    method = METHODS[name]
    meter = Meter(settings)
    started = time.monotonic()
    prediction: str | None = None
    budget: str | None = None
    error: str | None = None
    details: dict = {}
    try:
        outcome = await asyncio.wait_for(method.run(instance, model, settings, meter), settings.hard_timeout_s())
        prediction, budget, error, details = outcome.prediction, outcome.budget, outcome.error, outcome.details
    except BudgetExceeded as e:
        budget, details = e.budget, {"budget_detail": e.detail}
    except asyncio.TimeoutError:
        budget = "time"
        details = {"budget_detail": f"stopped by the runner after {settings.hard_timeout_s():.0f}s "
                                    f"(budget + answer-now turn + {settings.grace_s:g}s grace)"}
    except Exception as e:  # noqa: BLE001 - a method's failure is a result, recorded
        error = f"{type(e).__name__}: {e}"
        details = {"traceback": traceback.format_exc(limit=6)[-2_000:]}
    latency = time.monotonic() - started
    if meter.partial is not None and prediction is None:
        details.setdefault("partial", meter.partial[:2_000])
    status = ERROR if error else BUDGET if budget else OK
    score = 0.0
    if status != ERROR and prediction is not None:
        try:
            score = instance.score(prediction)
        except Exception as e:  # noqa: BLE001
            status, error = ERROR, f"scoring failed: {type(e).__name__}: {e}"
    metadata = instance.metadata or {}
    return Record(
        task=instance.task,
        length=int(length if length is not None else metadata.get("target_tokens", instance.context_tokens)),
        seed=int(seed if seed is not None else metadata.get("seed", 0)),
        method=name,
        model=model.name,
        instance_id=instance.id,
        fingerprint=instance.fingerprint(),
        context_tokens=instance.context_tokens,
        status=status,
        prediction=prediction,
        score=score,
        gold=instance.gold,
        input_tokens=meter.input_tokens,
        output_tokens=meter.output_tokens,
        cached_tokens=meter.cached_tokens,
        cost=round(meter.cost, 8),
        unpriced_calls=meter.unpriced_calls,
        model_calls=meter.model_calls,
        iterations=meter.iterations,
        sub_calls=meter.sub_calls,
        latency_s=round(latency, 3),
        budget=budget if status == BUDGET else None,
        error=error,
        details={**meter.details, **details},
        budgets=settings.budgets(),
        finished_at=now_iso(),
    )


def run_method(name: str, instance: Instance, model: Model, settings: RunSettings | None = None) -> Record:
    """Synchronous `arun_method` (not from inside a running event loop)."""
    return asyncio.run(arun_method(name, instance, model, settings))


__all__ = [
    "BUDGET", "ERROR", "METHODS", "Method", "Meter", "OK", "Outcome", "Record", "RunSettings", "arun_method",
    "method_names", "parse_names", "resolve_bench_model", "run_method",
]
