"""The files a suite writes into its folder, and how they are read back: `results.jsonl` (one record per
finished job, appended and synced at once) and the name of `suite.json` (the settings the results were made
with). The runner writes them, the report and `rlm bench compare` read them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .methods.base import Record

RESULTS_FILE = "results.jsonl"
MANIFEST_FILE = "suite.json"

Key = tuple[str, int, int, str]  # (task, length, seed, method): a job, and the record it made


def format_length(tokens: int) -> str:
    """8000 -> '8K', 1000000 -> '1M', 1500 -> '1.5K', 500 -> '500'."""
    for unit, size in (("M", 1_000_000), ("K", 1_000)):
        if tokens >= size:
            return f"{tokens / size:g}{unit}"
    return str(tokens)


def load_records(path: Path) -> list[Record]:
    """Every well-formed record in a results file, in order (later lines win over earlier ones)."""
    if not path.exists():
        return []
    records = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            records.append(Record.from_dict(json.loads(line)))
        except (json.JSONDecodeError, TypeError):
            continue  # a torn line from an interrupted write: its job is simply not done
    return records


def latest(records: list[Record]) -> dict[Key, Record]:
    out: dict[Key, Record] = {}
    for record in records:
        out[record.key()] = record
    return out


class ResultsFile:
    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size:
            with path.open("rb") as f:  # a torn last line must not swallow the next record
                f.seek(-1, os.SEEK_END)
                if f.read(1) != b"\n":
                    with path.open("a", encoding="utf-8") as g:
                        g.write("\n")

    def append(self, record: Record) -> None:
        line = json.dumps(record.as_dict(), ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
