"""A batch's output folder: `results.jsonl` (one record per finished job, appended as it finishes) and `runs/`
(one event log per job, `runs/ID.jsonl`, readable by `rlm view`).

The results file is the batch's memory: a rerun reads it and runs only the jobs it does not hold, so a batch
stopped by Ctrl-C, a crash or a lost machine resumes where it was. A record is written in one `write` and
flushed to disk before the next job's record, so a crash loses at most the line being written; such a
truncated last line is skipped (and its job run again), never a reason to refuse the folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from .jobs import BatchInputError

RESULTS_NAME = "results.jsonl"
RUNS_DIR = "runs"
SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
RECORD_FIELDS = ("id", "answer", "status", "limit", "error", "usage", "wall_time_s", "executor", "node",
                 "iterations", "log")
"""What each record of results.jsonl holds, in this order."""


def run_file_name(job_id: str) -> str:
    """The job's event log name: the id itself when it is a safe file name, else a safe form of it with a short
    hash (two ids that differ only in unsafe characters must not share a log)."""
    if SAFE_ID.match(job_id) and len(job_id) <= 200:
        return f"{job_id}.jsonl"
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", job_id).strip("._")[:80] or "job"
    return f"{safe}-{hashlib.sha256(job_id.encode()).hexdigest()[:10]}.jsonl"


class ResultsFile:
    """`DIR/results.jsonl` and `DIR/runs/`: what is done, and where the next record goes."""

    def __init__(self, out: str | Path):
        self.dir = Path(out)
        try:
            (self.dir / RUNS_DIR).mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise BatchInputError(f"--out {str(self.dir)!r} is a file: give a folder (it is made if missing)") from None
        except OSError as e:
            raise BatchInputError(f"cannot make the output folder {str(self.dir)!r}: {e.strerror}") from None
        self.path = self.dir / RESULTS_NAME
        try:  # a folder we can read but not write would fail at the first finished job: fail now
            open(self.path, "ab").close()
        except OSError as e:
            raise BatchInputError(f"cannot write {self.path}: {e.strerror}: give an --out folder you can write") from None
        self.skipped_lines = 0  # unreadable lines found (a crash mid-write leaves at most one)
        self.records: dict[str, dict[str, Any]] = self._read()

    def _read(self) -> dict[str, dict[str, Any]]:
        """The last record of each id (a job retried after failing has two)."""
        if not self.path.exists():
            return {}
        records: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            raise BatchInputError(f"cannot read {self.path}: {e.strerror}") from None
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                self.skipped_lines += int(bool(line.strip()))
                continue
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                records[record["id"]] = record
            else:
                self.skipped_lines += 1
        return records

    def done(self, retry_failed: bool = False) -> set[str]:
        """Ids not to run again: every one recorded, or with `retry_failed` those that did not fail."""
        return {i for i, r in self.records.items() if not (retry_failed and r.get("status") == "failed")}

    def log_path(self, job_id: str) -> Path:
        return self.dir / RUNS_DIR / run_file_name(job_id)

    def append(self, record: dict[str, Any]) -> None:
        """One finished job, on disk before this returns."""
        line = json.dumps({k: record.get(k) for k in RECORD_FIELDS}, ensure_ascii=False) + "\n"
        with open(self.path, "a+b") as f:
            f.seek(0, os.SEEK_END)
            if f.tell():  # a crash may have left a cut line without its newline: never glue onto it
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    line = "\n" + line
            f.write(line.encode("utf-8", errors="backslashreplace"))
            f.flush()
            os.fsync(f.fileno())
        self.records[record["id"]] = record


def usage_summary(usage: dict[str, Any]) -> dict[str, Any]:
    """What a result record keeps of a run's usage tree (`UsageTree.as_dict()`): the totals per model, per depth
    and per endpoint, not every call (those are in the job's event log)."""
    return {k: usage.get(k) for k in ("total", "by_model", "by_depth", "by_endpoint")}
