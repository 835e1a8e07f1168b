"""What isolation costs: the isolated sandbox next to the in-process one, side by side in one run.

    python bench/bench_sandbox.py [--cells 300] [--starts 15] [--out bench/RESULTS-sandbox.md]

Measured (medians), for each sandbox:
1. Run start: `start(context, host functions)` + `close()` (for the isolated sandbox: spawning the
   contained worker, loading the context, the ready handshake, and killing it), tiny and 100 MB contexts.
2. Per cell: `run_cell("x = len(context)")`, the floor cost per executed code block, tiny and 100 MB
   contexts. The isolated sandbox hands the context over once, so its per-cell time must not grow.
3. Per sub-call: a cell making one `llm_query` (a plain echo on the host): one channel round trip.
The sandboxes take turns (interleaved rounds), so both see the same machine conditions. Ratios are
isolated / in-process. The containment's probe (once per process) runs before any timing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from recursivelm.sandbox.inprocess import InProcessSandbox  # noqa: E402
from recursivelm.sandbox.isolated import IsolatedSandbox  # noqa: E402

TINY_CONTEXT = "a tiny context\n"
BIG_CONTEXT_LINES = 1_000_000  # x 100 characters = 100 MB
HOST_FUNCTIONS = {"llm_query": lambda prompt, model=None: prompt, "llm_query_batched": lambda ps, model=None: ps,
                  "rlm_query": lambda prompt, context=None: prompt}
CELL_TIMEOUT_S = 60.0
ROUNDS = 30  # per-cell timings alternate between sandboxes in this many rounds


def median_seconds(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def start_costs(makers: dict, context, repeats: int) -> dict[str, float]:
    """Median start + close per sandbox kind, the kinds taking turns so they share the conditions."""
    times: dict[str, list[float]] = {name: [] for name in makers}
    for _ in range(repeats):
        for name, make in makers.items():
            started = time.perf_counter()
            sb = make()
            sb.start(context, HOST_FUNCTIONS)
            sb.close()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(t) for name, t in times.items()}


def cell_costs(started: dict, code: str, repeats: int) -> dict[str, float]:
    """Median time of one cell in each started sandbox, in interleaved rounds."""
    for sb in started.values():  # warm-up: first cells compile, import, fill caches
        for _ in range(10):
            _ok(sb.run_cell(code, CELL_TIMEOUT_S))
    times: dict[str, list[float]] = {name: [] for name in started}
    for _ in range(ROUNDS):
        for name, sb in started.items():
            for _ in range(max(1, repeats // ROUNDS)):
                t0 = time.perf_counter()
                result = sb.run_cell(code, CELL_TIMEOUT_S)
                times[name].append(time.perf_counter() - t0)
                _ok(result)
    return {name: statistics.median(t) for name, t in times.items()}


def _ok(result) -> None:
    if result.error:
        raise RuntimeError(f"benchmark cell failed: {result.error}")


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=300, help="cells timed per measurement")
    parser.add_argument("--starts", type=int, default=15, help="run starts timed per measurement")
    parser.add_argument("--out", type=Path, help="also write the table to this markdown file")
    args = parser.parse_args()

    makers = {"in-process": InProcessSandbox, "isolated": IsolatedSandbox}
    print(f"isolation: {IsolatedSandbox().isolation}\n", file=sys.stderr)  # probes the containment once
    big = ("x" * 99 + "\n") * BIG_CONTEXT_LINES

    results: dict[str, dict[str, float]] = {}
    results["run start + close, tiny context"] = start_costs(makers, TINY_CONTEXT, args.starts)
    results["run start + close, 100 MB context"] = start_costs(makers, big, max(3, args.starts // 3))
    started = {(name, size): make() for name, make in makers.items() for size in ("tiny", "100 MB")}
    for (_, size), sb in started.items():
        sb.start(TINY_CONTEXT if size == "tiny" else big, HOST_FUNCTIONS)
    try:
        per_cell = cell_costs(started, "x = len(context)", args.cells)
        sub_call = cell_costs({k: v for k, v in started.items() if k[1] == "tiny"}, "r = llm_query('hi')", args.cells)
    finally:
        for sb in started.values():
            sb.close()
    results["per cell `x = len(context)`, tiny context"] = {n: per_cell[(n, "tiny")] for n in makers}
    results["per cell `x = len(context)`, 100 MB context"] = {n: per_cell[(n, "100 MB")] for n in makers}
    results["per cell with one llm_query (echo)"] = {n: sub_call[(n, "tiny")] for n in makers}

    lines = [
        f"Sandbox cost, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
        f"{platform.machine()}, {platform.system()} {platform.release()}, {os.cpu_count()} CPUs "
        f"(medians; {args.starts} starts, {args.cells} cells per measure)",
        "",
        "| measure | in-process | isolated | isolated / in-process |",
        "|---|---:|---:|---:|",
        *[f"| {label} | {fmt(r['in-process'])} | {fmt(r['isolated'])} | {r['isolated'] / r['in-process']:,.1f}x |"
          for label, r in results.items()],
        "",
        "| isolated sandbox, per cell | tiny context | 100 MB context | 100 MB / tiny |",
        "|---|---:|---:|---:|",
        f"| `x = len(context)` | {fmt(per_cell[('isolated', 'tiny')])} | {fmt(per_cell[('isolated', '100 MB')])} | "
        f"{per_cell[('isolated', '100 MB')] / per_cell[('isolated', 'tiny')]:.2f}x |",
        "",
        "The context is handed to the worker once (a sealed memfd), never per cell: a cell sends only its code.",
    ]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
