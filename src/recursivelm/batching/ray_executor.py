"""A batch on a Ray cluster: the jobs run on a pool of Ray workers (async actors), several jobs at once in each.

The driver (the `rlm batch` process) keeps at most `concurrency` jobs in flight, each a call (a Ray actor
task) to the worker with the fewest in flight, and writes each result to `results.jsonl` and its events to
`runs/ID.jsonl` as it finishes: the same results file, resume and progress as a local batch. The workers are
spread over the nodes (Ray's SPREAD strategy); each runs its jobs with `execute.run_job` in one event loop,
so the jobs of a worker share its model backends (and an endpoint fleet's counts), and each job starts its
own sandbox on that node. A job's `context` path is read on the node (a shared filesystem); a job's `text`
travels through Ray's object store. A job's event log is written to a temporary file on its node and comes
back with its record, so the output folder needs to exist on the driver only.

Why a pool and not one plain Ray task per job: Ray keeps about one idle worker process per CPU and ends the
others, so with more jobs in flight than CPUs each task paid a new process and the package's imports (seconds
on a loaded node): 64 jobs of 0.5 s model time took 36 s at 16 in flight on 2 CPUs (bench/batch_scaling.py).

Ray is an optional extra (`pip install 'recursivelm[ray]'`), imported only here.
"""

from __future__ import annotations

import math
import socket
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from .execute import FAILED, BatchSettings, SharedModels, run_job, this_node
from .jobs import BatchInputError, Job
from .results import ResultsFile, run_file_name

RAY_WORKER_CPUS = 1.0
"""CPUs Ray reserves for one worker. Its jobs mostly wait on model replies; their sandboxes' cells are short."""

RAY_CONNECT_TIMEOUT_S = 10.0  # how long the driver waits for a cluster's address to answer at all


class _Worker:
    """One Ray worker (made an async actor by `run_on_ray`): runs jobs concurrently on its node."""

    def __init__(self, settings: BatchSettings):
        import ray

        self.settings = settings
        self.models = SharedModels(settings)
        self.node = f"{this_node()}:{ray.get_runtime_context().get_node_id()[:8]}"

    async def run(self, job: Job, context: Any) -> tuple[dict[str, Any], str]:
        """One job: its record and its event log's text."""
        with tempfile.TemporaryDirectory(prefix="rlm-batch-") as tmp:
            log_path = Path(tmp) / run_file_name(job.id)
            record = await run_job(job, self.settings, log_path, self.models, executor="ray", node=self.node,
                                   context=context)
            log_text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        return record, log_text


def _connect(ray: Any, address: str) -> bool:
    """Join the cluster at `address` ("local": start one on this machine). True when this call started Ray."""
    if ray.is_initialized():
        return False
    host, sep, port = address.rpartition(":")
    if sep and port.isdigit():
        # ray.init retries an address where nothing listens for minutes before it gives up: ask first.
        try:
            socket.create_connection((host, int(port)), timeout=RAY_CONNECT_TIMEOUT_S).close()
        except OSError as e:
            raise BatchInputError(f"cannot join the Ray cluster at {address!r} ({e.strerror or e}): start one with "
                                  f"`ray start --head`, then pass --ray auto (or its address, HOST:6379)") from None
    try:
        ray.init(address=None if address == "local" else address, log_to_driver=False, include_dashboard=False,
                 configure_logging=False)
    except (ConnectionError, RuntimeError, ValueError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise BatchInputError(f"cannot join the Ray cluster at {address!r} ({first}): start one with `ray start "
                              f"--head`, then pass --ray auto (or its address, HOST:6379)") from None
    return True


def run_on_ray(pending: list[Job], settings: BatchSettings, results: ResultsFile, concurrency: int,
               on_record: Callable[[dict[str, Any]], None], *, address: str, workers: int | None) -> None:
    try:
        import ray
    except ImportError:
        raise BatchInputError("--ray needs Ray on this machine and the cluster: pip install 'recursivelm[ray]'") from None
    named = [settings.model, settings.sub_model, settings.child_model, *settings.models.values()]
    if any(m is not None and not isinstance(m, str) for m in named):
        raise BatchInputError("on Ray, give models by name (e.g. 'vllm/NAME'): each worker makes its own backends "
                              "on its node")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise BatchInputError(f"ray_workers must be a whole number of at least 1, got {workers!r}")
    started_here = _connect(ray, address)
    try:
        if workers is None:  # one per CPU of the cluster, and never more than there are jobs in flight
            workers = max(1, int(ray.cluster_resources().get("CPU", 1) // RAY_WORKER_CPUS))
        count = max(1, min(workers, concurrency, len(pending)))
        per_worker = math.ceil(min(concurrency, len(pending)) / count)
        actor = ray.remote(num_cpus=RAY_WORKER_CPUS, max_concurrency=per_worker)(_Worker)
        pool = [actor.options(scheduling_strategy="SPREAD").remote(settings) for _ in range(count)]
        _dispatch(ray, pool, per_worker, pending, results, concurrency, on_record)
        for worker in pool:
            ray.kill(worker)
    finally:
        if started_here:
            ray.shutdown()


def _dispatch(ray: Any, pool: list, per_worker: int, pending: list[Job], results: ResultsFile, concurrency: int,
              on_record: Callable[[dict[str, Any]], None]) -> None:
    """Keep `concurrency` jobs in flight, each on the worker with the fewest; record each as it finishes."""
    waiting = iter(pending)
    in_flight: dict[Any, tuple[Job, int]] = {}
    load = [0] * len(pool)

    def submit_next() -> None:
        job = next(waiting, None)
        if job is None:
            return
        w = min(range(len(pool)), key=load.__getitem__)
        load[w] += 1
        # A text job's text goes once into the object store; the worker gets it from there, not in the call.
        context = ray.put(job.text) if job.text is not None else None
        in_flight[pool[w].run.remote(replace(job, text=None), context)] = (job, w)

    try:
        for _ in range(min(concurrency, per_worker * len(pool))):
            submit_next()
        while in_flight:
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in ready:
                job, w = in_flight.pop(ref)
                load[w] -= 1
                try:
                    record, log_text = ray.get(ref)
                except ray.exceptions.RayError as e:  # the worker itself was lost (its node died, out of memory)
                    record, log_text = _lost(job, e), ""
                results.log_path(job.id).write_text(log_text, encoding="utf-8")
                results.append(record)
                on_record(record)
                submit_next()
    except BaseException:
        for ref in in_flight:  # Ctrl-C: stop what runs; a rerun resumes from results.jsonl
            ray.cancel(ref)
        raise


def _lost(job: Job, error: BaseException) -> dict[str, Any]:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return {"id": job.id, "answer": None, "status": FAILED, "limit": None, "usage": None, "wall_time_s": None,
            "error": f"the Ray task was lost ({first}); run the batch again to retry it with --retry-failed",
            "executor": "ray", "node": None, "iterations": 0, "log": None}
