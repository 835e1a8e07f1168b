"""`rlm` and `rlm-nosub`: our engine, with and without sub-calls.

`rlm` is `RLM(model, sub_model=model)` as a user would run it (profile "auto", the default `Limits` with
the query's budgets as `deadline_s` / `max_tokens`, overrides from `RunSettings.rlm_limits`).

`rlm-nosub` is the same engine with sub-calls off (`Limits(max_sub_calls=0, max_depth=0)`): its prompt
offers none (the profiles' sub-call lines are conditional on `max_sub_calls`), and a call to `llm_query`,
`llm_query_batched`, `rlm_query` or `ask_chunks` is an error the model sees, not a limit that ends the run.

The engine's own limit that ends a run (`max_iterations`) is part of the method: the record's status is
"ok" and `details.limit` names it. Only the query's time and token budgets (`deadline_s`, `max_tokens`,
`max_cost`) make the status "budget".
"""

from __future__ import annotations

from typing import Any

from ...engine import RLM, Result
from ...protocols import Model
from ...settings import Limits
from ..tasks import Instance
from .base import BudgetExceeded, Meter, Outcome, RunSettings

BUDGET_LIMITS = {"deadline_s": "time", "max_tokens": "tokens", "max_cost": "tokens"}


def limits_for(meter: Meter, settings: RunSettings, suite_overrides: bool = True, **fixed: Any) -> Limits:
    """The engine's limits: the defaults, the suite's `rlm_limits` (for the RLM methods), the method's
    own `fixed` values, and what is left of the query's budgets."""
    values: dict[str, Any] = {**(settings.rlm_limits if suite_overrides else {}), **fixed}
    left = meter.time_left()
    if left is not None:
        if left <= 0:
            raise meter.exceeded() or BudgetExceeded("time", "no time left")
        values["deadline_s"] = left
    tokens_left = meter.tokens_left()
    if tokens_left is not None:
        if tokens_left <= 0:
            raise meter.exceeded() or BudgetExceeded("tokens", "no tokens left")
        values["max_tokens"] = tokens_left
    values.setdefault("answer_now_timeout_s", settings.answer_now_timeout_s)
    return Limits(**values)


async def run_engine(rlm: RLM, context: Any, question: str, meter: Meter) -> Outcome:
    """Run the engine once and put its usage, iterations and sub-calls on the meter."""
    result: Result = await rlm.arun(context, question)
    absorb(meter, result)
    details: dict[str, Any] = {"engine_status": result.status, "profile": rlm.profile.name}
    if result.limit:
        details["limit"] = result.limit
    if result.samples is not None:  # self-consistency: how many ran, how many answers, what won and why
        best = next(iter(result.samples.candidates), {})
        details["samples"] = {"ran": result.samples.ran, "answers": len(result.samples.candidates),
                              "chosen": result.samples.chosen, "votes": best.get("votes", 0),
                              "found": best.get("found")}
    budget = BUDGET_LIMITS.get(result.limit) if result.status == "limit" else None
    if result.status == "failed":
        return Outcome(result.answer, details=details, error=result.error or "the run failed")
    if result.error:  # e.g. the answer-now turn failed
        details["engine_error"] = result.error
    return Outcome(result.answer, budget=budget, details=details)


def absorb(meter: Meter, result: Result) -> None:
    meter.absorb(result.usage)
    meter.iterations += result.iterations
    meter.sub_calls += sum(getattr(e, "count", 0) for e in result.trajectory if e.type == "sub_calls_queued")
    meter.details["child_runs"] = sum(1 for e in result.trajectory if e.type == "run_start" and e.depth > 0)


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    rlm = RLM(model=model, limits=limits_for(meter, settings), profile=settings.profile, sandbox=settings.sandbox,
              log=settings.trajectory_path, samples=settings.samples, sample_temperature=settings.sample_temperature)
    return await run_engine(rlm, instance.context, instance.question, meter)


async def run_nosub(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    limits = limits_for(meter, settings, max_sub_calls=0, max_depth=0)
    rlm = RLM(model=model, limits=limits, profile=settings.profile, sandbox=settings.sandbox,
              log=settings.trajectory_path, samples=settings.samples, sample_temperature=settings.sample_temperature)
    return await run_engine(rlm, instance.context, instance.question, meter)
