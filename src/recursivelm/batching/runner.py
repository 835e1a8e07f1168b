"""Many (context, question) jobs, run concurrently, each finished one appended to `results.jsonl`.

`batch(jobs, out, ...)` is the whole API: it reads what `out/results.jsonl` already holds (those jobs are not
run again), runs the rest within `concurrency` (in this process, or on a pool of Ray workers with
`ray=ADDRESS`), and writes each result as it finishes. A job that fails is a record with `status: "failed"`
and its `error`, never an exception out of the batch; only bad input (the jobs, the output folder, the
settings) raises `BatchInputError` (a `ValueError`) before the first job starts.

How one job runs, on either executor, is `execute.run_job`.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..models.fleet import parse_endpoints
from ..pricing import PriceTable
from ..protocols import Model, ModelError
from ..settings import Limits
from ..text import terminal_safe
from ..usage import cost_text
from .execute import FAILED, BatchSettings, SharedModels, record_cost, run_job, this_node
from .jobs import BatchInputError, Job, jobs_from
from .results import ResultsFile

DEFAULT_CONCURRENCY = 4
"""Jobs in flight at once. Each holds a sandbox (a worker process when isolated) and its model calls; a batch
on a model server is usually bound by the server, so raise it to what the server's replicas take."""


@dataclass
class BatchSummary:
    """What one call of `batch()` did. `records` are this call's results, in the order they finished."""

    out: Path
    total: int  # jobs given
    skipped: int  # already in results.jsonl: not run again
    records: list[dict[str, Any]] = field(default_factory=list)
    wall_time_s: float = 0.0
    executor: str = "local"

    def count(self, status: str) -> int:
        return sum(1 for r in self.records if r["status"] == status)

    @property
    def cost(self) -> float:
        return sum(record_cost(r) for r in self.records)

    def cost_text(self) -> str:
        """The cost as every display writes it: what is known, and how many calls it leaves out."""
        unpriced = sum(int(((r.get("usage") or {}).get("total") or {}).get("unpriced_calls") or 0) for r in self.records)
        return cost_text(self.cost, unpriced)


async def run_local(pending: list[Job], settings: BatchSettings, results: ResultsFile, concurrency: int,
                    on_record: Callable[[dict[str, Any]], None]) -> None:
    """The jobs in this process's event loop, `concurrency` at a time, each recorded as it finishes."""
    resolve = SharedModels(settings)
    try:  # the batch's own models, once, before any job: a typo in --model is one error, not a failed record per job
        for spec in (settings.model, settings.sub_model, settings.child_model, *settings.models.values()):
            if spec is not None:
                resolve(spec)
    except (ValueError, ModelError) as e:
        await resolve.aclose()
        raise BatchInputError(str(e)) from None
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in pending:
        queue.put_nowait(job)
    node = this_node()

    async def worker() -> None:
        while not queue.empty():
            # Ctrl-C cancels the workers; Python 3.11's asyncio.wait_for can swallow a cancel that lands as its
            # call completes (a sub-call, a root turn), and the worker would then run the whole queue and exit 0.
            # A cancel requested stops it before the next job, whatever swallowed it.
            if asyncio.current_task().cancelling():
                raise asyncio.CancelledError
            job = queue.get_nowait()
            record = await run_job(job, settings, results.log_path(job.id), resolve, executor="local", node=node)
            results.append(record)
            on_record(record)

    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(pending)))))
    finally:
        await resolve.aclose()


class BatchProgress:
    """One line on stderr: jobs done of all, failed, cost so far, elapsed. Rewritten in place on a terminal;
    elsewhere one line per `every` jobs and at the end, so a log file stays short."""

    def __init__(self, total: int, skipped: int, stream=None, every: int = 10):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.total, self.done, self.failed, self.cost, self.unpriced = total, skipped, 0, 0.0, 0
        self.every = every
        self.started = time.monotonic()

    def __call__(self, record: dict[str, Any]) -> None:
        self.done += 1
        self.failed += record["status"] == FAILED
        self.cost += record_cost(record)
        self.unpriced += int(((record.get("usage") or {}).get("total") or {}).get("unpriced_calls") or 0)
        if self.tty or self.done % self.every == 0 or self.done == self.total:
            self.show()
        if record["status"] == FAILED and not self.tty:
            self.stream.write(f"[rlm batch] {terminal_safe(record['id'])} failed: "
                              f"{terminal_safe(str(record['error'])[:300])}\n")

    def show(self) -> None:
        line = (f"[rlm batch] {self.done}/{self.total} done · {self.failed} failed · "
                f"{cost_text(self.cost, self.unpriced)} · "
                f"{time.monotonic() - self.started:.0f}s")
        self.stream.write(("\r\033[K" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def batch(jobs: str | Path | list[Job | dict], out: str | Path, *, model: Model | str = "embedded",
          sub_model: Model | str | None = None, child_model: Model | str | None = None,
          models: dict[str, Model | str] | None = None, limits: Limits | None = None, profile: str = "auto",
          sandbox: str = "isolated", temperature: float | None = None, endpoints: list[str] | str | None = None,
          cache: str | Path | None = None, prices: PriceTable | None = None, concurrency: int = DEFAULT_CONCURRENCY, ray: str | None = None,
          ray_workers: int | None = None, retry_failed: bool = False, allow_unpriced: bool = False,
          on_record: Callable[[dict[str, Any]], None] | None = None) -> BatchSummary:
    """Run every job of `jobs` (a JSONL path, or Job objects / dicts) not yet in `out/results.jsonl`.

    Each result is appended to `out/results.jsonl` as it finishes, its events to `out/runs/ID.jsonl`.
    `concurrency`: jobs in flight at once. `ray`: a Ray address ("auto": the running cluster; "local": a
    cluster of this machine) to run the jobs on `ray_workers` Ray workers spread over the cluster (default: one
    per CPU), each running several at once (`pip install 'recursivelm[ray]'`). `retry_failed`: run again the jobs whose record says failed.
    `on_record(record)` is called as each job finishes. Other settings as for `RLM`; a job's own `model`
    and limits win over them. Raises BatchInputError (a ValueError) for bad input, before any job runs."""
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise BatchInputError(f"concurrency must be a whole number of at least 1, got {concurrency!r}")
    settings = BatchSettings(model=model, sub_model=sub_model, child_model=child_model, models=dict(models or {}),
                             limits=limits or Limits(), profile=profile, sandbox=sandbox, temperature=temperature,
                             endpoints=tuple(parse_endpoints(endpoints)) if endpoints else None,
                             cache=str(cache) if cache is not None else None, prices=prices,
                             allow_unpriced=allow_unpriced)
    all_jobs = jobs_from(jobs)
    results = ResultsFile(out)
    done = results.done(retry_failed)
    pending = [j for j in all_jobs if j.id not in done]
    summary = BatchSummary(out=results.dir, total=len(all_jobs), skipped=len(all_jobs) - len(pending),
                           executor="ray" if ray else "local")

    def recorded(record: dict[str, Any]) -> None:
        summary.records.append(record)
        if on_record is not None:
            on_record(record)

    started = time.monotonic()
    if pending and ray:
        from .ray_executor import run_on_ray

        run_on_ray(pending, settings, results, concurrency, recorded, address=ray, workers=ray_workers)
    elif pending:
        if settings.sandbox not in ("isolated", "inprocess"):
            raise BatchInputError(f"unknown sandbox {settings.sandbox!r}: use 'isolated' or 'inprocess'")
        _run_in_own_loop(run_local(pending, settings, results, concurrency, recorded))
    summary.wall_time_s = time.monotonic() - started
    return summary


def _run_in_own_loop(coro) -> None:
    """asyncio.run, also from inside a running event loop (a notebook): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coro)
        return
    import threading

    failure: list[BaseException] = []

    def target() -> None:
        try:
            asyncio.run(coro)
        except BaseException as e:  # noqa: BLE001 - carried back to the caller's thread
            failure.append(e)

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if failure:
        raise failure[0]

