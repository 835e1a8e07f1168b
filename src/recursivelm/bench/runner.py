"""The benchmark runner: (task, length, seed, method) jobs, run concurrently, resumable, one JSON line each.

    rlm bench run --tasks sniah,oolong --lengths 8k,128k --methods direct,rlm --n 5 --model embedded --out runs/a

- Instances are generated from (task, seed, length) and the task settings: the same everywhere, so a
  job is named by its key alone. Seeds are `seed`, `seed + 1`, ... `seed + n - 1`.
- Jobs run on one event loop, at most `concurrency` at a time, all on the one model object.
- Each finished job is appended to `DIR/results.jsonl` at once (flushed and synced). A second run with
  the same `--out` skips every job already there (`retry_errors` reruns those that ended in error); delete a
  line to rerun that job. A torn last line (a crash mid-write) is ignored, and its job reruns.
- `DIR/suite.json` records the model and task settings the results were made with; a run that names
  another model or other settings for the same folder is refused rather than mixed in.
- At the end `DIR/report.md` and its plots are written (`report.write_report`).

Latency is each job's wall time. With `concurrency` > 1 the jobs share the model, so a job's latency
and its time budget include waiting for the model: measure latency with `--concurrency 1`.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..protocols import Model
from .methods import METHODS, RunSettings, arun_method, parse_names
from .methods.base import ERROR, now_iso
from .results import MANIFEST_FILE, RESULTS_FILE, Key, ResultsFile, format_length, latest, load_records
from .tasks import TASKS, Instance, generate

TRAJECTORY_DIR = "trajectories"

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}


def parse_length(text: str | int) -> int:
    """'8k' -> 8000, '1m' -> 1000000, '1.5m', '4096': lengths in (estimated) tokens, k = 1000."""
    if isinstance(text, int):
        return text
    match = _LENGTH.match(str(text))
    if not match:
        raise ValueError(f"not a length: {text!r} (use e.g. 8k, 128k, 1m or a number of tokens)")
    return int(round(float(match.group(1)) * _MULTIPLIERS[match.group(2).lower()]))


def parse_lengths(spec: str) -> list[int]:
    lengths = [parse_length(part) for part in spec.split(",") if part.strip()]
    if not lengths:
        raise ValueError("no lengths given")
    return sorted(set(lengths))


def parse_tasks(spec: str) -> list[str]:
    return parse_names(spec, TASKS, "task")


@dataclass(frozen=True)
class Job:
    task: str
    length: int
    seed: int
    method: str

    def key(self) -> Key:
        return (self.task, self.length, self.seed, self.method)

    def label(self) -> str:
        return f"{self.task} {format_length(self.length)} seed {self.seed} {self.method}"

    def slug(self) -> str:
        return f"{self.task}-{self.length}-{self.seed}-{self.method}"


@dataclass
class SuiteConfig:
    tasks: list[str]
    lengths: list[int]
    methods: list[str]
    n: int = 1
    seed: int = 0
    concurrency: int = 1
    settings: RunSettings = field(default_factory=RunSettings)
    task_settings: dict[str, dict[str, Any]] = field(default_factory=dict)  # task -> generator settings
    retry_errors: bool = False
    trajectories: bool = True  # the RLM-engine methods' events, one JSONL file per job

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError("n must be at least 1")
        if self.concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        for name in self.methods:
            if name not in METHODS:
                raise ValueError(f"unknown method {name!r}; known: {', '.join(METHODS)}")
        for task, settings in self.task_settings.items():
            if task not in TASKS:
                raise ValueError(f"settings given for unknown task {task!r}")
            TASKS[task].resolve(settings)  # raises on unknown settings or values

    def jobs(self) -> tuple[list[Job], list[str]]:
        """Every job, shortest contexts first; and a note for each (task, length) left out."""
        jobs, skipped = [], []
        for length in self.lengths:
            for task in self.tasks:
                minimum = TASKS[task].min_target_tokens
                if length < minimum:
                    skipped.append(f"{task} at {format_length(length)}: below its minimum of {minimum:,} tokens")
                    continue
                for seed in range(self.seed, self.seed + self.n):
                    jobs.extend(Job(task, length, seed, method) for method in self.methods)
        return jobs, skipped


@dataclass
class SuiteSummary:
    jobs: int = 0
    already_done: int = 0
    ran: int = 0
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    report: Path | None = None

    def line(self) -> str:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items())) or "nothing"
        return (f"{self.jobs} jobs: {self.already_done} already done, {self.ran} ran ({counts})"
                + (f"; report: {self.report}" if self.report else ""))


def check_manifest(out: Path, model: Model, config: SuiteConfig) -> None:
    """Refuse to mix results of another model, other sampling, another --samples or other task settings into
    `out`; record this run. (A folder made before sampling was recorded takes this run's.)"""
    path = out / MANIFEST_FILE
    model_name = model.name
    sampling = json.loads(json.dumps(getattr(model, "sampling", None) or {}, default=str))  # as stored
    manifest: dict[str, Any] = {}
    if path.exists():
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest.get("model") != model_name:
            raise ValueError(f"{out} holds results for model {manifest.get('model')!r}, not {model_name!r}: "
                             f"use another --out")
        if manifest.get("sampling", sampling) != sampling:
            raise ValueError(f"{out} holds results sampled with {manifest['sampling']}, not {sampling}: "
                             f"use another --out (or the same --temperature)")
        if manifest.get("samples", 1) != config.settings.samples:  # a folder made before --samples had 1
            raise ValueError(f"{out} holds results made with --samples {manifest.get('samples', 1)}, not "
                             f"{config.settings.samples}: use another --out")
        if manifest.get("task_settings", {}) != config.task_settings:
            raise ValueError(f"{out} holds results made with task settings {manifest.get('task_settings')}, "
                             f"not {config.task_settings}: use another --out")
    manifest.setdefault("model", model_name)
    manifest.setdefault("sampling", sampling)
    manifest.setdefault("task_settings", config.task_settings)
    manifest.setdefault("samples", config.settings.samples)
    manifest.setdefault("created", now_iso())
    runs = manifest.setdefault("runs", [])
    runs.append({
        "started": now_iso(), "tasks": config.tasks, "lengths": config.lengths, "methods": config.methods,
        "n": config.n, "seed": config.seed, "concurrency": config.concurrency,
        # codeqa and codetree read the running interpreter's stdlib: their instances are per Python version.
        "python": sys.version.split()[0],
        "settings": {k: v for k, v in asdict(config.settings).items() if k != "trajectory_path"},
    })
    out.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(manifest, indent=1, default=str) + "\n", encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# running


class _Instances:
    """Each instance generated once (in a thread), kept while jobs still need it."""

    def __init__(self, config: SuiteConfig, jobs: list[Job]):
        self.config = config
        self.pending = Counter((j.task, j.length, j.seed) for j in jobs)
        self.made: dict[tuple[str, int, int], asyncio.Future] = {}

    async def get(self, job: Job) -> Instance:
        key = (job.task, job.length, job.seed)
        if key not in self.made:
            settings = self.config.task_settings.get(job.task, {})
            self.made[key] = asyncio.ensure_future(asyncio.to_thread(generate, job.task, job.seed, job.length, **settings))
        return await self.made[key]

    def done(self, job: Job) -> None:
        key = (job.task, job.length, job.seed)
        self.pending[key] -= 1
        if self.pending[key] <= 0:
            self.made.pop(key, None)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


async def arun_suite(config: SuiteConfig, model: Model, out: str | Path,
                     log: Callable[[str], None] | None = _stderr, write_report: bool = True) -> SuiteSummary:
    out = Path(out)
    say = log or (lambda line: None)
    check_manifest(out, model, config)
    results = ResultsFile(out / RESULTS_FILE)
    done = latest(load_records(results.path))
    jobs, skipped = config.jobs()
    summary = SuiteSummary(jobs=len(jobs), skipped=skipped)
    for note in skipped:
        say(f"[bench] skipped {note}")
    todo = []
    for job in jobs:
        record = done.get(job.key())
        if record is not None and not (config.retry_errors and record.status == ERROR):
            summary.already_done += 1
        else:
            todo.append(job)
    say(f"[bench] {len(jobs)} jobs on {model.name}: {summary.already_done} already in {results.path}, "
        f"{len(todo)} to run, {config.concurrency} at a time")
    instances = _Instances(config, todo)
    slots = asyncio.Semaphore(config.concurrency)
    finished = 0
    if config.trajectories and any(METHODS[j.method].uses_engine for j in todo):
        (out / TRAJECTORY_DIR).mkdir(parents=True, exist_ok=True)

    async def one(job: Job) -> None:
        nonlocal finished
        async with slots:
            settings = config.settings
            if config.trajectories and METHODS[job.method].uses_engine:
                path = out / TRAJECTORY_DIR / f"{job.slug()}.jsonl"
                path.unlink(missing_ok=True)  # a rerun starts a fresh trajectory
                settings = _replace(settings, trajectory_path=str(path))
            try:
                instance = await instances.get(job)
                record = await arun_method(job.method, instance, model, settings, length=job.length, seed=job.seed)
            finally:
                instances.done(job)
        results.append(record)
        finished += 1
        summary.ran += 1
        summary.statuses[record.status] += 1
        if record.status == ERROR:
            summary.errors.append(f"{job.label()}: {record.error}")
        say(f"[bench] {finished}/{len(todo)} {record.status:6} {job.label()}: score {record.score:.2f}, "
            f"{record.iterations} it, {record.sub_calls} sub, {record.input_tokens + record.output_tokens:,} tok, "
            f"{record.latency_s:.1f}s" + (f" ({record.error[:120]})" if record.error else ""))

    await asyncio.gather(*(one(job) for job in todo))
    if write_report:
        from .report import write_report as write

        summary.report = write(out)
    say(f"[bench] {summary.line()}")
    return summary


def run_suite(config: SuiteConfig, model: Model, out: str | Path, **kwargs: Any) -> SuiteSummary:
    return asyncio.run(arun_suite(config, model, out, **kwargs))


def _replace(settings: RunSettings, **changes: Any) -> RunSettings:
    from dataclasses import replace

    return replace(settings, **changes)
