"""A batch's jobs: one (context, question) pair each, read from JSONL and checked before anything runs.

A job is one JSON object per line:

    {"id": "q1", "context": "docs/report.txt", "question": "Who signed it?"}
    {"id": "q2", "text": "the context itself, inline", "question": "...", "model": "vllm/qwen3", "max_iterations": 6}

- `id`: a string or a number, unique in the file; it names the job's event log, `runs/ID.jsonl`.
- `context`: a file or directory path (relative to the jobs file's folder), read where the job runs; or `text`:
  the context itself (shipped with the job; through Ray's object store on a cluster).
- `question`: what to ask.
- optional: `model`, `sub_model`, `child_model` (names, as `--model` takes them), and any limit of
  `settings.Limits` by its name (`max_iterations`, `max_cost`, `deadline_s`, ...).

Anything wrong (not JSON, a key we do not know, an id given twice, a context file that is not there) is a
`BatchInputError` naming the line and what to do, before the first job starts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Iterable

from ..settings import Limits

MAX_ID_CHARS = 200  # an id names a file (runs/ID.jsonl): keep it well under the filesystems' 255 bytes
MODEL_KEYS = ("model", "sub_model", "child_model")
LIMIT_KEYS = tuple(f.name for f in fields(Limits))
KNOWN_KEYS = ("id", "context", "text", "question", *MODEL_KEYS, *LIMIT_KEYS)


class BatchInputError(ValueError):
    """Bad jobs or a bad results file: the message is one line that says where and what to do."""


@dataclass(frozen=True)
class Job:
    """One question about one context. Exactly one of `context` (a path) and `text` is set."""

    id: str
    question: str
    context: str | None = None  # an absolute path, read where the job runs
    text: str | None = None
    models: dict[str, str] = field(default_factory=dict)  # this job's own model, sub_model, child_model
    limits: dict[str, Any] = field(default_factory=dict)  # this job's own limits, over the batch's

    def limits_over(self, base: Limits) -> Limits:
        return Limits(**{**{f.name: getattr(base, f.name) for f in fields(Limits)}, **self.limits})


def job_from_dict(raw: Any, where: str, base: Path | None = None) -> Job:
    """One job from its JSON object; `where` ("jobs.jsonl line 3") starts every error; relative context paths
    are read from `base` (the jobs file's folder; the working directory when None)."""
    if not isinstance(raw, dict):
        raise BatchInputError(f'{where}: a job is a JSON object like {{"id": "q1", "context": "doc.txt", '
                              f'"question": "..."}}, not {type(raw).__name__}')
    unknown = sorted(set(raw) - set(KNOWN_KEYS))
    if unknown:
        raise BatchInputError(f"{where}: unknown key {unknown[0]!r}: a job takes {', '.join(KNOWN_KEYS[:4])}, "
                              f"{', '.join(MODEL_KEYS)} and the limits ({', '.join(LIMIT_KEYS[:3])}, ...)")
    job_id = raw.get("id")
    if isinstance(job_id, bool) or not isinstance(job_id, (str, int)) or str(job_id).strip() == "":
        raise BatchInputError(f'{where}: every job needs an "id", a non-empty string or a whole number')
    job_id = str(job_id)
    if len(job_id) > MAX_ID_CHARS:
        raise BatchInputError(f"{where}: the id is {len(job_id)} characters; keep ids to {MAX_ID_CHARS}")
    question = raw.get("question")
    if not isinstance(question, str) or not question.strip():
        raise BatchInputError(f'{where}: job {job_id!r} has no "question": say what to ask about its context')
    has_context, has_text = raw.get("context") is not None, raw.get("text") is not None
    if has_context == has_text:
        raise BatchInputError(f'{where}: job {job_id!r} needs one of "context" (a file or folder path) or "text" '
                              f"(the context itself), {'not both' if has_context else 'and has neither'}")
    context = text = None
    if has_text:
        if not isinstance(raw["text"], str):
            raise BatchInputError(f'{where}: job {job_id!r}: "text" must be a string')
        text = raw["text"]
    else:
        if not isinstance(raw["context"], str) or not raw["context"].strip():
            raise BatchInputError(f'{where}: job {job_id!r}: "context" must be a path (a string)')
        path = Path(raw["context"]).expanduser()
        path = path if path.is_absolute() or base is None else base / path
        if not path.exists():
            raise BatchInputError(f"{where}: job {job_id!r}: the context {str(path)!r} does not exist: fix the "
                                  f"path (a relative one is read from the jobs file's folder)")
        context = str(path.resolve())
    models = {}
    for key in MODEL_KEYS:
        if raw.get(key) is not None:
            if not isinstance(raw[key], str) or not raw[key]:
                raise BatchInputError(f'{where}: job {job_id!r}: "{key}" must be a model name like "vllm/NAME"')
            models[key] = raw[key]
    limits = {k: raw[k] for k in LIMIT_KEYS if k in raw}
    for name, value in limits.items():
        if isinstance(value, float) and not math.isfinite(value):
            raise BatchInputError(f"{where}: job {job_id!r}: {name} must be a finite number (null for no limit)")
        try:
            Limits.check(name, value)
        except ValueError as e:
            raise BatchInputError(f"{where}: job {job_id!r}: {e}") from None
    return Job(id=job_id, question=question, context=context, text=text, models=models, limits=limits)


def check_unique(jobs: Iterable[tuple[str, Job]]) -> list[Job]:
    """The jobs, refused if an id is given twice; each comes with where it was given."""
    seen: dict[str, str] = {}
    out = []
    for where, job in jobs:
        if job.id in seen:
            raise BatchInputError(f"{where}: id {job.id!r} is given twice (first at {seen[job.id]}): ids name the "
                                  f"results and runs/ID.jsonl, so each must be unique")
        seen[job.id] = where
        out.append(job)
    return out


def load_jobs(path: str | Path) -> list[Job]:
    """Every job of a JSONL file (blank lines and lines starting with // are skipped), all checked."""
    path = Path(path)
    try:
        raw_text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BatchInputError(f"the jobs file {str(path)!r} does not exist: give a JSONL file, one job per line") from None
    except (OSError, UnicodeDecodeError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not UTF-8 text"
        raise BatchInputError(f"cannot read the jobs file {str(path)!r}: {reason}") from None
    found = []
    for number, line in enumerate(raw_text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path.name} line {number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise BatchInputError(f"{where}: not JSON ({e.msg}, column {e.colno}): each line must be one JSON "
                                  f'object like {{"id": "q1", "context": "doc.txt", "question": "..."}}') from None
        found.append((where, job_from_dict(raw, where, base=path.parent)))
    if not found:
        raise BatchInputError(f"the jobs file {str(path)!r} holds no job: write one JSON object per line")
    return check_unique(found)


def jobs_from(items: str | Path | Iterable[Job | dict]) -> list[Job]:
    """The Python API's jobs: a JSONL path, or Job objects and dicts (paths relative to the working directory)."""
    if isinstance(items, (str, Path)):
        return load_jobs(items)
    found = [(f"job {n}", item if isinstance(item, Job) else job_from_dict(item, f"job {n}"))
             for n, item in enumerate(items, 1)]
    if not found:
        raise BatchInputError("no job given: pass a JSONL path or a list of jobs")
    return check_unique(found)
