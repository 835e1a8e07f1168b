"""How `rlm batch` scales: the same 64-job batch at 1, 4 and 16 jobs in flight, and on Ray, against the ideal.

Every job is answered by a real local OpenAI-compatible server (`bench/fake_openai_server.py`, in its own
process) whose root model takes a fixed `--latency` per turn and needs `--turns` + 1 turns per job. The model
is then the only thing that should take time, so the ideal wall time of a batch is

    ideal = latency x turns per job x ceil(jobs / concurrency)     (latency x the critical path)

and whatever is above it is our overhead: the engine, the sandbox, the results file, Ray's scheduling. The
machine may be shared (other jobs running): the fixed latency keeps the ideal fixed, so the ratio still says
how much of the time was ours.

    nice -n 19 python3 bench/batch_scaling.py --out bench/batch_scaling          # ~2 minutes on 2 cores

writes `results.json` (every run, every job's wall time) and `RESULTS.md` (the table) into `--out`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from recursivelm import batch

HERE = Path(__file__).resolve().parent
FAKE_SERVER = HERE / "fake_openai_server.py"


def start_server(latency: float) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, str(FAKE_SERVER), "--port", "0", "--root-latency", str(latency)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise SystemExit(f"the fake server did not start: {line!r}")
    return proc, line.split()[1]


def jobs(n: int, turns: int) -> list[dict]:
    return [{"id": f"job{i:03d}", "text": f"document {i} " * 200,
             "question": f"[bench run=job{i:03d} turns={turns} code=len answer=A{i}] what does it say?"}
            for i in range(n)]


def one_run(label: str, executor: str, concurrency: int, args, url: str, scratch: Path, **extra) -> dict:
    out = scratch / label
    turns_per_job = args.turns + 1
    started = time.monotonic()
    first: list[float] = []  # when the first result landed: the start-up a batch pays before any job ends

    def on_record(record: dict) -> None:
        first.append(first[0] if first else time.monotonic() - started)

    summary = batch(jobs(args.jobs, args.turns), out, model="openai/fake-root", endpoints=[url],
                    sandbox=args.sandbox, concurrency=concurrency, on_record=on_record, **extra)
    wall = time.monotonic() - started
    records = summary.records
    answered = sum(r["status"] == "answered" for r in records)
    ideal = args.latency * turns_per_job * math.ceil(args.jobs / concurrency)
    job_walls = sorted(r["wall_time_s"] for r in records if r["wall_time_s"] is not None)
    row = {"label": label, "executor": executor, "concurrency": concurrency, "jobs": len(records),
           "answered": answered, "wall_s": round(wall, 2), "ideal_s": round(ideal, 2),
           "wall_over_ideal": round(wall / ideal, 2), "overhead_s": round(wall - ideal, 2),
           "job_wall_median_s": round(statistics.median(job_walls), 3),
           "job_wall_p95_s": round(job_walls[int(0.95 * (len(job_walls) - 1))], 3),
           "job_model_time_s": round(args.latency * turns_per_job, 3),
           "first_result_s": round(first[0], 2) if first else None,
           "nodes": sorted({r["node"] for r in records if r["node"]})}
    print(f"{label:>22}: {wall:6.2f}s wall, ideal {ideal:5.2f}s ({wall / ideal:4.2f}x), "
          f"{answered}/{len(records)} answered", file=sys.stderr)
    return row


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=HERE / "batch_scaling")
    p.add_argument("--jobs", type=int, default=64)
    p.add_argument("--latency", type=float, default=0.25, help="seconds per root-model turn on the fake server")
    p.add_argument("--turns", type=int, default=1, help="code turns before the answering turn, per job")
    p.add_argument("--concurrency", default="1,4,16")
    p.add_argument("--ray-concurrency", type=int, default=16)
    p.add_argument("--ray-cpus", type=int, default=2, help="CPUs of the local Ray cluster")
    p.add_argument("--sandbox", default="inprocess", choices=["inprocess", "isolated"])
    p.add_argument("--no-ray", action="store_true")
    args = p.parse_args(argv)
    proc, url = start_server(args.latency)
    rows = []
    try:
        with tempfile.TemporaryDirectory(prefix="rlm-batch-bench-") as tmp:
            scratch = Path(tmp)
            for c in (int(x) for x in args.concurrency.split(",")):
                rows.append(one_run(f"local, {c} in flight", "local", c, args, url, scratch))
            if not args.no_ray:
                import ray

                # A cluster of this process only, on loopback: Ray's per-user token (in ~/.ray) would be replaced
                # by any other cluster started on the machine meanwhile, and guards nothing here.
                os.environ.setdefault("RAY_AUTH_MODE", "disabled")
                t0 = time.monotonic()
                ray.init(num_cpus=args.ray_cpus, object_store_memory=100_000_000, include_dashboard=False,
                         log_to_driver=False, configure_logging=False)
                cluster_start = time.monotonic() - t0
                try:
                    c = args.ray_concurrency
                    for n in (1, 2):  # twice: the second says how much of the first was chance on a busy machine
                        row = one_run(f"ray, {c} in flight (run {n})", "ray", c, args, url, scratch, ray="local")
                        row["cluster_start_s"] = round(cluster_start, 2)
                        rows.append(row)
                finally:
                    ray.shutdown()
    finally:
        proc.kill()
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"jobs": args.jobs, "latency_s": args.latency, "turns_per_job": args.turns + 1, "sandbox": args.sandbox,
            "python": platform.python_version(), "cpus": os.cpu_count(), "machine": platform.machine(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "note": "a shared machine: other work (model benchmarks, test suites) ran at the same time, under nice"}
    (args.out / "results.json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=1) + "\n")
    (args.out / "RESULTS.md").write_text(report(meta, rows))
    print(f"wrote {args.out / 'results.json'} and {args.out / 'RESULTS.md'}", file=sys.stderr)
    return 0


def report(meta: dict, rows: list[dict]) -> str:
    lines = [
        "# rlm batch: wall time against the ideal",
        "",
        f"{meta['jobs']} jobs; each job is {meta['turns_per_job']} root-model turns on a local fake OpenAI-compatible "
        f"server that takes {meta['latency_s']}s per turn, so the ideal wall time is "
        f"{meta['latency_s']}s x {meta['turns_per_job']} x ceil(jobs / in flight). Sandbox: {meta['sandbox']}. "
        f"{meta['cpus']} CPUs, Python {meta['python']}. {meta['note'].capitalize()}; load average at the end "
        f"{meta['load_average_at_end']}.",
        "",
        "| run | wall (s) | ideal (s) | wall / ideal | overhead (s) | first result at (s) | job wall median / p95 (s) "
        "| answered |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['label']} | {r['wall_s']} | {r['ideal_s']} | {r['wall_over_ideal']} | {r['overhead_s']} | "
                     f"{r['first_result_s']} | {r['job_wall_median_s']} / {r['job_wall_p95_s']} | {r['answered']}/{r['jobs']} |")
    ray_rows = [r for r in rows if r["executor"] == "ray"]
    if ray_rows:
        lines += ["", f"The Ray cluster (one node, this machine) took {ray_rows[0]['cluster_start_s']}s to start, "
                      "not counted above. Each Ray run starts its pool of workers (one per CPU, each running several jobs at "
                      "once) inside the measured time: their processes start and import recursivelm. The ideal's first result "
                      f"would land at {rows[0]['job_model_time_s']}s: the difference is the start-up."]
    lines += ["", "Reproduce: `nice -n 19 python3 bench/batch_scaling.py --out bench/batch_scaling`.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
