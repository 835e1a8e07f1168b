"""`rlm batch JOBS.jsonl --out DIR`: every job of a JSONL file, concurrently, resumable; `--ray ADDRESS` on a cluster.

Exit codes as for every command (`command.py`): 0 when every job has a result (a job that failed is a result:
the summary line counts it, and `results.jsonl` says why), 1 when some job failed, 2 for bad input (the jobs
file, the output folder, a setting), 130 on Ctrl-C (the finished jobs are in results.jsonl; run the same
command again to go on).
"""

from __future__ import annotations

import argparse
import sys

from ..command import EXIT_FAILED, EXIT_OK, add_run_options, limits_from_args, named_models, prices_from_args
from .jobs import load_jobs
from .results import ResultsFile
from .runner import DEFAULT_CONCURRENCY, BatchProgress, batch


def add_batch_parser(sub) -> None:
    p = sub.add_parser("batch", help="answer many (context, question) jobs from a JSONL file, resumably",
                       description="Run every job of JOBS.jsonl (one JSON object a line: "
                                   '{"id": ..., "context": PATH or "text": ..., "question": ...}) not yet in '
                                   "DIR/results.jsonl, appending each result as it finishes.")
    p.add_argument("jobs", help="the jobs file (JSONL); relative context paths are read from its folder")
    p.add_argument("--out", required=True, help="the output folder: results.jsonl and runs/ID.jsonl (made if missing)")
    p.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                   help=f"jobs in flight at once (default {DEFAULT_CONCURRENCY})")
    p.add_argument("--ray", default=None, metavar="ADDRESS",
                   help="run the jobs on a Ray cluster's workers: 'auto' (the running cluster), HOST:PORT, or "
                        "'local' (one started on this machine for the batch); needs pip install 'recursivelm[ray]'")
    p.add_argument("--ray-workers", type=int, default=None, metavar="N",
                   help="Ray workers to spread the jobs over, each running several at once (default: one per "
                        "CPU of the cluster, at most --concurrency)")
    p.add_argument("--retry-failed", action="store_true", help="run again the jobs whose result says failed")
    add_run_options(p)
    p.set_defaults(func=cmd_batch)


def cmd_batch(args: argparse.Namespace) -> int:
    if args.log is not None or args.json:
        raise ValueError("rlm batch writes each job's events to DIR/runs/ID.jsonl and its result to "
                         "DIR/results.jsonl: leave out --log and --json")
    limits = limits_from_args(args)
    prices = prices_from_args(args, limits)  # refuses a --max-cost it could not keep, before any job runs
    # Read and checked here (no context is loaded) for the progress line's count; batch() takes them as they are.
    jobs = load_jobs(args.jobs)
    done = ResultsFile(args.out).done(args.retry_failed)
    skipped = sum(1 for j in jobs if j.id in done)
    progress = None if args.quiet else BatchProgress(len(jobs), skipped)
    if progress is not None and skipped:
        print(f"[rlm batch] {skipped} of {len(jobs)} jobs already in {args.out}/results.jsonl: not run again",
              file=sys.stderr)
    summary = batch(jobs, args.out, model=args.model, sub_model=args.sub_model, child_model=args.child_model,
                    models=named_models(args), limits=limits, prices=prices, profile=args.profile,
                    sandbox=args.sandbox, temperature=args.temperature, endpoints=args.endpoints,
                    cache=args.cache, concurrency=args.concurrency, ray=args.ray, ray_workers=args.ray_workers,
                    retry_failed=args.retry_failed, allow_unpriced=args.allow_unpriced, on_record=progress)
    if progress is not None:
        progress.close()
    failed = summary.count("failed")
    if not args.quiet:
        print(f"[rlm batch] ran {len(summary.records)} jobs ({summary.skipped} done before) in "
              f"{summary.wall_time_s:.1f}s on {summary.executor}: {summary.count('answered')} answered, "
              f"{summary.count('limit')} stopped by a limit, {failed} failed, {summary.cost_text()}; results in "
              f"{summary.out / 'results.jsonl'}", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
