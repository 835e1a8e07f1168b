"""A batch on a Ray cluster: each job is one Ray task, run by `execute.run_job` on whichever node Ray picks.

The driver (the `rlm batch` process) keeps at most `concurrency` tasks in flight, writes each result to
`results.jsonl` and its events to `runs/ID.jsonl` as the task finishes: the same results file, resume and
progress as a local batch. Each task starts its own sandbox on its node, and makes its own model backends
there (models are given by name; a worker process reuses them for its later tasks). A job's `context` path
is read on the node (a shared filesystem); a job's `text` travels through Ray's object store. The task
writes its event log to a temporary file on its node and returns it with the record, so the output folder
needs to exist on the driver only.

Ray is an optional extra (`pip install 'recursivelm[ray]'`), imported only here.
"""

from __future__ import annotations

import asyncio
import socket
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

from .jobs import BatchInputError, Job
from .results import ResultsFile, run_file_name
from .execute import FAILED, BatchSettings, SharedModels, run_job, this_node

RAY_TASK_CPUS = 0.25
"""CPUs Ray reserves for one job's task. A job mostly waits on its model's replies; its sandbox runs short
cells. A quarter CPU lets four jobs share a core; raise it for jobs whose code computes a lot."""

RAY_CONNECT_TIMEOUT_S = 10.0  # how long the driver waits for a cluster's address to answer at all

_WORKER_MODELS: dict[str, SharedModels] = {}  # per Ray worker process: its tasks share backends (and a fleet)


def _task(job: Job, settings: BatchSettings, context: Any) -> tuple[dict[str, Any], str]:
    """One job on a Ray worker: its record and its event log's text."""
    import ray

    node = f"{this_node()}:{ray.get_runtime_context().get_node_id()[:8]}"
    models = _WORKER_MODELS.setdefault(repr(settings), SharedModels(settings))

    async def go() -> dict[str, Any]:
        try:
            return await run_job(job, settings, log_path, models, executor="ray", node=node, context=context)
        finally:
            await models.aclose()  # this event loop's connections; the backends stay for the next task

    with tempfile.TemporaryDirectory(prefix="rlm-batch-") as tmp:
        log_path = Path(tmp) / run_file_name(job.id)
        record = asyncio.run(go())
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
               on_record: Callable[[dict[str, Any]], None], *, address: str, task_cpus: float | None) -> None:
    try:
        import ray
    except ImportError:
        raise BatchInputError("--ray needs Ray on this machine and the cluster: pip install 'recursivelm[ray]'") from None
    named = [settings.model, settings.sub_model, settings.child_model, *settings.models.values()]
    if any(m is not None and not isinstance(m, str) for m in named):
        raise BatchInputError("on Ray, give models by name (e.g. 'vllm/NAME'): each task makes its own backends "
                              "on its node")
    cpus = RAY_TASK_CPUS if task_cpus is None else task_cpus
    if not cpus > 0:
        raise BatchInputError(f"ray_task_cpus must be more than 0, got {cpus!r}")
    started_here = _connect(ray, address)
    remote = ray.remote(num_cpus=cpus)(_task)
    waiting = iter(pending)
    in_flight: dict[Any, Job] = {}

    def submit_next() -> None:
        job = next(waiting, None)
        if job is None:
            return
        # A text job's text goes once into the object store; the task gets it from there, not in its arguments.
        context = ray.put(job.text) if job.text is not None else None
        in_flight[remote.remote(replace(job, text=None), settings, context)] = job

    try:
        for _ in range(concurrency):
            submit_next()
        while in_flight:
            ready, _ = ray.wait(list(in_flight), num_returns=1)
            for ref in ready:
                job = in_flight.pop(ref)
                try:
                    record, log_text = ray.get(ref)
                except ray.exceptions.RayError as e:  # the task itself was lost (its node died, out of memory)
                    record, log_text = _lost(job, e), ""
                log_path = results.log_path(job.id)
                log_path.write_text(log_text, encoding="utf-8")
                results.append(record)
                on_record(record)
                submit_next()
    except BaseException:
        for ref in in_flight:  # Ctrl-C: stop what runs; a rerun resumes from results.jsonl
            ray.cancel(ref, force=True)
        raise
    finally:
        if started_here:
            ray.shutdown()


def _lost(job: Job, error: BaseException) -> dict[str, Any]:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return {"id": job.id, "answer": None, "status": FAILED, "limit": None, "usage": None, "wall_time_s": None,
            "error": f"the Ray task was lost ({first}); run the batch again to retry it with --retry-failed",
            "executor": "ray", "node": None, "iterations": 0, "log": None}
