"""Many documents, many machines: `batch()` runs (context, question) jobs concurrently, here or as Ray tasks,
with one results file that a rerun resumes from.

- `jobs.py`: the jobs file (JSONL) and the checks on it;
- `results.py`: the output folder (`results.jsonl`, `runs/ID.jsonl`) and what a rerun skips;
- `execute.py`: the one way a job runs (`run_job`), on either executor, and the batch's shared settings;
- `runner.py`: `batch()`, the local executor, the progress line;
- `ray_executor.py`: each job as a Ray task (optional extra `recursivelm[ray]`);
- `cli.py`: `rlm batch JOBS.jsonl --out DIR`.
"""

from .jobs import BatchInputError, Job, load_jobs
from .execute import BatchSettings
from .runner import DEFAULT_CONCURRENCY, BatchSummary, batch

__all__ = ["batch", "BatchInputError", "BatchSettings", "BatchSummary", "Job", "load_jobs", "DEFAULT_CONCURRENCY"]
