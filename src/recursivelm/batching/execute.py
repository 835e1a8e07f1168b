"""The one way a batch job runs, on either executor: `run_job` makes one `RLM` for the job (its own limits,
sandbox and event log) from the batch's `BatchSettings`, with the models shared by the jobs of one process
(`SharedModels`: an endpoint fleet then balances the whole batch), and turns whatever happens into the job's
result record. `runner.py` (this process) and `ray_executor.py` (a Ray task) both call it.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..engine import RLM, model_resolver_for
from ..pricing import PriceTable
from ..protocols import Model
from ..settings import Limits
from .jobs import Job
from .results import RUNS_DIR, usage_summary

FAILED = "failed"
Resolver = Callable[[Any], Model]


@dataclass(frozen=True)
class BatchSettings:
    """What every job of a batch shares unless the job says otherwise (a job's `model` and limits win).

    On Ray, models must be names (each task makes its own backends on its node)."""

    model: Model | str = "embedded"
    sub_model: Model | str | None = None
    child_model: Model | str | None = None
    models: dict[str, Model | str] = field(default_factory=dict)  # named models code may ask for
    limits: Limits = field(default_factory=Limits)
    profile: str = "auto"
    sandbox: str = "isolated"
    temperature: float | None = None
    endpoints: tuple[str, ...] | None = None  # an endpoint fleet for every OpenAI-compatible model named
    cache: str | None = None  # a SQLite sub-call cache (a path on each node, on Ray)
    prices: PriceTable | None = None  # None: the built-in prices
    allow_unpriced: bool = False  # a cost limit with a model nobody prices: run anyway (else the job fails, saying why)

    def resolver(self) -> Resolver:
        return model_resolver_for(self.profile, self.temperature, list(self.endpoints) if self.endpoints else None)


def record_cost(record: dict[str, Any]) -> float:
    return float(((record.get("usage") or {}).get("total") or {}).get("cost") or 0.0)


def this_node() -> str:
    return socket.gethostname()


async def run_job(job: Job, settings: BatchSettings, log_path: Path, resolve: Resolver, *, executor: str,
                  node: str, context: Any = None) -> dict[str, Any]:
    """Run one job to its result record; never raises for a job's own failure. `context`: the context when the
    caller already has it (Ray hands a text job's text over from the object store), else the job's."""
    started = time.monotonic()
    record: dict[str, Any] = {"id": job.id, "answer": None, "status": FAILED, "limit": None, "error": None,
                              "usage": None, "wall_time_s": None, "executor": executor, "node": node,
                              "iterations": 0, "log": f"{RUNS_DIR}/{log_path.name}"}
    try:
        log_path.unlink(missing_ok=True)  # a run cut short earlier left part of a log: this run's log is whole
        chosen = {k: job.models.get(k, getattr(settings, k)) for k in ("model", "sub_model", "child_model")}
        rlm = RLM(model=resolve(chosen["model"]),
                  sub_model=resolve(chosen["sub_model"]) if chosen["sub_model"] is not None else None,
                  child_model=resolve(chosen["child_model"]) if chosen["child_model"] is not None else None,
                  models={name: resolve(spec) for name, spec in settings.models.items()},
                  limits=job.limits_over(settings.limits), profile=settings.profile, sandbox=settings.sandbox,
                  log=log_path, cache=settings.cache, prices=settings.prices, allow_unpriced=settings.allow_unpriced)
        if context is None:
            context = Path(job.context) if job.context is not None else job.text
        result = await rlm.arun(context, job.question)
        record.update(answer=result.answer, status=result.status, limit=result.limit, error=result.error,
                      usage=usage_summary(result.usage.as_dict()), iterations=result.iterations)
    except Exception as e:  # noqa: BLE001 - a job's failure is its result, never the batch's end
        record["error"] = str(e) or type(e).__name__
    record["wall_time_s"] = round(time.monotonic() - started, 3)
    return record


class SharedModels:
    """One resolver for every job of this process, remembering what it made so it can be closed at the end."""

    def __init__(self, settings: BatchSettings):
        self._resolve = settings.resolver()
        self.made: dict[int, Model] = {}

    def __call__(self, spec: Model | str) -> Model:
        model = self._resolve(spec)
        self.made[id(model)] = model
        return model

    async def aclose(self) -> None:
        for model in self.made.values():
            close = getattr(model, "aclose", None)
            if close is not None:
                await close()
