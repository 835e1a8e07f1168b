"""Our engine against the reference implementation (PyPI `rlms` 0.1.3), side by side in one run.

Both engines talk to the same local OpenAI-compatible server (bench/fake_openai_server.py, in its own
process), which scripts the root model's turns and answers sub-calls after a set latency. Every
measurement runs in a fresh worker process per engine, so imports, caches and memory never mix.

    pip install -e '.[bench]'        # rlms==0.1.3 (and psutil)
    python bench/bench_engine.py --out bench/RESULTS-engine.md

What is measured (medians over repetitions, after one warm-up run per worker):
1. Engine time per iteration, with the server answering at once: for root turn k, the time from the
   server sending reply k to the server receiving request k+1 (both stamped by the server, so this is
   the turn's wall time minus the server's time): parsing the reply, running the cell
   (`x = len(context)`), building the next prompt, and the HTTP client.
2. Fixed cost per run, for a run that answers on its first turn: setup (from constructing the engine to
   the first root request reaching the server) and teardown (from the answering reply leaving the server
   to `run()` returning; it includes running the one-line answer cell).
3. One cell calling `llm_query_batched` with 64 distinct prompts against a sub-model that takes 0.2 s per
   request: the cell's wall time (ideal: 0.2 s) and how many requests the server saw in flight at once.
4. A 100 MiB str context: peak RSS over the process's RSS with the context already built ("extra
   copies" = (peak - RSS with context) / context size; the caller's own copy is not counted), the same
   with child processes added (the isolated sandbox's worker), what stays resident after the run, and
   setup and per-iteration time with it against a tiny context.

The runs of each scenario are split into rounds of fresh workers, the engines alternating, so that drift
in the machine's load hits both alike. The clocks: `time.monotonic()` is system-wide on Linux, so the
worker's and the server's readings compare; the server stamps a reply's departure just before writing it.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
ROOT_MODEL, SUB_MODEL = "fake-root", "fake-sub"
TINY_CONTEXT = "".join(f"{i:05d} The quick brown fox jumps over the lazy dog.\n" for i in range(200))  # ~10 KB
MiB = 1 << 20

# =============================================================================================
# The engines, as one call each: run(context, question) -> answer text.
# Everything the engine constructs happens inside the call, so setup costs are comparable.


def make_engine(engine: str, url: str, concurrency: int | None = None, max_iterations: int = 40) -> Callable[[Any, str], str]:
    if engine.startswith("ours"):
        from recursivelm import RLM, Limits
        from recursivelm.models.openai_compat import OpenAIModel

        sandbox = "isolated" if engine == "ours-isolated" else "inprocess"
        limits_kw = {"max_iterations": max_iterations}
        if concurrency:
            limits_kw["sub_call_concurrency"] = concurrency

        def run_ours(context: Any, question: str) -> str:
            # A fresh client per run: an AsyncOpenAI client cannot outlive the event loop of one run().
            root = OpenAIModel(ROOT_MODEL, base_url=url, api_key="bench")
            sub = OpenAIModel(SUB_MODEL, base_url=url, api_key="bench")
            rlm = RLM(root, sub_model=sub, limits=Limits(**limits_kw), profile="default", sandbox=sandbox)
            result = rlm.run(context, question)
            if result.status != "answered":
                raise RuntimeError(f"ours did not answer: {result.status} {result.limit} {result.error}")
            return result.answer or ""

        return run_ours
    if engine == "rlms":
        from rlm import RLM as RefRLM

        def run_rlms(context: Any, question: str) -> str:
            rlm = RefRLM(
                backend="openai",
                backend_kwargs={"model_name": ROOT_MODEL, "base_url": url, "api_key": "bench"},
                other_backends=["openai"],
                other_backend_kwargs=[{"model_name": SUB_MODEL, "base_url": url, "api_key": "bench"}],
                environment="local",
                max_iterations=max_iterations,
                max_depth=1,
            )
            out = rlm.completion(context, root_prompt=question)
            return str(out.response)

        return run_rlms
    raise ValueError(f"unknown engine {engine!r}")


# =============================================================================================
# The worker: one engine, one scenario, in its own process.


def server_log(url: str, run: str) -> dict[str, Any]:
    base = url.rsplit("/v1", 1)[0]
    with urllib.request.urlopen(f"{base}/bench/log?run={run}&clear=1", timeout=30) as r:
        return json.loads(r.read())


def rss_now() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    import psutil

    return psutil.Process().memory_info().rss


def rss_peak() -> int:
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def one_run(run_fn, url: str, context: Any, tag: str, turns: int, code: str = "len", n: int = 64) -> dict[str, Any]:
    run_id = f"{tag}-{uuid.uuid4().hex[:8]}"
    question = f"What is asked? [bench run={run_id} turns={turns} code={code} n={n} answer=ok]"
    gc.collect()
    t_start = time.monotonic()
    answer = run_fn(context, question)
    t_end = time.monotonic()
    log = server_log(url, run_id)
    roots = sorted((r for r in log["records"] if r["kind"] == "root"), key=lambda r: r["turn"])
    subs = [r for r in log["records"] if r["kind"] == "sub"]
    if answer.strip() != "ok" or len(roots) != turns + 1:
        raise RuntimeError(f"{tag}: answer {answer!r} after {len(roots)} root turns (expected 'ok' after {turns + 1})")
    gaps = [roots[k + 1]["t_in"] - roots[k]["t_out"] for k in range(turns)]
    return {
        "setup_s": roots[0]["t_in"] - t_start,
        "teardown_s": t_end - roots[-1]["t_out"],
        "wall_s": t_end - t_start,
        "gaps_s": gaps,
        "server_s": sum(r["t_out"] - r["t_in"] for r in roots),
        "subs": len(subs),
        "max_in_flight": log["max_in_flight"],
        "sub_span_s": (max(r["t_out"] for r in subs) - min(r["t_in"] for r in subs)) if subs else None,
        "prompt_tokens_last": roots[-1]["prompt_tokens"],
        "messages_last": roots[-1]["messages"],
        "turns": turns,
    }


class ChildPeaks:
    """While a run goes on, reads the peak RSS (VmHWM) of every descendant process (an isolated sandbox's
    worker holds its own copy of the context) every `interval` seconds; `total` is the sum of the largest
    peak seen per process. VmHWM only grows, so the last reading before a child exits is its peak."""

    def __init__(self, interval: float = 0.01):
        import threading

        import psutil

        self.me = psutil.Process()
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    @property
    def total(self) -> int:
        return sum(self.peaks.values())

    def _read(self) -> None:
        import psutil

        try:
            children = self.me.children(recursive=True)
        except psutil.Error:
            return
        for child in children:
            try:
                for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), int(line.split()[1]) * 1024)
            except OSError:
                pass

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._read()
            self._stop.wait(self.interval)

    def __enter__(self) -> ChildPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def make_context(size: int) -> str:
    line = "{:09d} the quick brown fox jumps over the lazy dog; lorem ipsum dolor sit amet, consectetur.\n"
    block = "".join(line.format(i) for i in range(MiB // len(line.format(0))))
    return block * max(1, size // len(block))  # one allocation: no transient second copy


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    engine, scenario, url, reps = spec["engine"], spec["scenario"], spec["url"], spec["reps"]
    run_fn = make_engine(engine, url, concurrency=spec.get("concurrency"))
    tag = f"{engine}-{scenario}"
    if scenario in ("iter", "fixed", "batch"):
        turns = {"iter": spec.get("iterations", 30), "fixed": 0, "batch": 1}[scenario]
        code = "batch" if scenario == "batch" else "len"
        runs = [one_run(run_fn, url, TINY_CONTEXT, tag, turns, code, spec.get("n", 64)) for _ in range(reps + 1)]
        return {"cold": runs[0], "runs": runs[1:]}
    if scenario == "memory":
        turns = spec.get("turns", 10)
        one_run(run_fn, url, TINY_CONTEXT, tag, turns)  # warms up
        try:
            tiny_children = ChildPeaks() if Path("/proc/self/status").exists() else None
        except ImportError:  # no psutil: this process only
            tiny_children = None
        if tiny_children:
            with tiny_children:
                tiny = one_run(run_fn, url, TINY_CONTEXT, tag, turns)
        else:
            tiny = one_run(run_fn, url, TINY_CONTEXT, tag, turns)
        gc.collect()
        rss0 = rss_now()
        context = make_context(spec["size"])
        rss1 = rss_now()
        reset_ok = reset_peak()
        children = ChildPeaks() if tiny_children else None
        if children:
            with children:
                big = one_run(run_fn, url, context, tag, turns)
        else:
            big = one_run(run_fn, url, context, tag, turns)
        peak = rss_peak()
        gc.collect()
        rss2 = rss_now()
        return {"size": len(context), "rss_baseline": rss0, "rss_with_context": rss1, "rss_peak": peak,
                "rss_after": rss2, "peak_reset": reset_ok, "children_peak": children.total if children else None,
                "children_peak_tiny": tiny_children.total if tiny_children else None,
                "tiny": tiny, "big": big}
    raise ValueError(f"unknown scenario {scenario!r}")


# =============================================================================================
# The harness: the server, the workers, the table.


class Server:
    def __init__(self, sub_latency: float):
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "fake_openai_server.py"), "--port", "0", "--sub-latency", str(sub_latency)],
            stdout=subprocess.PIPE, text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("READY "):
            self.proc.kill()
            raise RuntimeError(f"the fake server did not start: {line!r}")
        self.url = line.split(" ", 1)[1]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def run_worker(spec: dict[str, Any], timeout: float = 300) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "result.json"
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec), "--result-file", str(out)],
            capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0 or not out.exists():
            tail = (proc.stderr or proc.stdout)[-3000:]
            raise RuntimeError(f"worker {spec['engine']}/{spec['scenario']} failed (exit {proc.returncode}):\n{tail}")
        return json.loads(out.read_text())


def med(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def ms(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x * 1000:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    return f"{a / b:.2f}"


def engines_available(requested: list[str]) -> list[str]:
    out = []
    for e in requested:
        if e == "rlms" and importlib.util.find_spec("rlm") is None:
            print("rlms is not installed (pip install 'rlms==0.1.3'): its column is left out", file=sys.stderr)
            continue
        if e == "ours-isolated" and importlib.util.find_spec("recursivelm.sandbox.isolated") is None:
            continue
        out.append(e)
    return out


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for pkg in ("recursivelm", "rlms", "openai", "httpx"):
        try:
            parts.append(f"{pkg} {version(pkg)}")
        except PackageNotFoundError:
            pass
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True).stdout.strip()
        if sha:
            parts[0] += f" (git {sha}, working tree)"
    except OSError:
        pass
    return ", ".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", help="also write the markdown report here")
    p.add_argument("--reps", type=int, default=10,
                   help="measured runs per worker after one warm-up (default 10; fixed cost: twice, batch: half)")
    p.add_argument("--iterations", type=int, default=30, help="code turns in the per-iteration runs (default 30)")
    p.add_argument("--mb", type=int, default=100, help="the large context, in MiB (default 100)")
    p.add_argument("--rounds", type=int, default=2,
                   help="split the runs of each scenario over this many worker rounds, engines alternating (default 2)")
    p.add_argument("--memory-reps", type=int, default=2, help="fresh processes per engine for the large context (2)")
    p.add_argument("--batch", type=int, default=64, help="prompts in the batched cell (default 64)")
    p.add_argument("--sub-latency", type=float, default=0.2, help="seconds per sub-call (default 0.2)")
    p.add_argument("--engines", default="ours,ours-isolated,rlms",
                   help="ours, ours-isolated (if recursivelm.sandbox.isolated exists), rlms")
    p.add_argument("--quick", action="store_true", help="a smoke run: 2 reps, 1 round, 10 iterations, 10 MiB")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--result-file", help=argparse.SUPPRESS)
    a = p.parse_args(argv)

    if a.worker:
        result = worker(json.loads(a.worker))
        Path(a.result_file).write_text(json.dumps(result))
        return 0
    if a.quick:
        a.reps, a.iterations, a.mb, a.memory_reps, a.rounds = 2, 10, 10, 1, 1

    from recursivelm import Limits

    default_conc = Limits().sub_call_concurrency
    engines = engines_available([e.strip() for e in a.engines.split(",") if e.strip()])
    command = "python bench/bench_engine.py" + "".join(f" {x}" for x in (argv if argv is not None else sys.argv[1:]))
    if os.nice(0):
        command = f"nice -n {os.nice(0)} {command}"
    load_before = os.getloadavg()
    started = time.monotonic()
    server = Server(a.sub_latency)
    res: dict[str, dict[str, Any]] = {e: {} for e in engines}

    def step(e: str, what: str, spec: dict[str, Any]) -> dict[str, Any]:
        print(f"[{time.monotonic() - started:5.1f}s] {e}: {what}", file=sys.stderr)
        return run_worker({"url": server.url, "reps": a.reps, "engine": e, **spec})

    def merge(into: dict[str, Any], key: str, part: dict[str, Any]) -> None:
        if key in into:
            into[key]["runs"] += part["runs"]
        else:
            into[key] = part  # its "cold" run is the first worker's

    rounds = max(1, min(a.rounds, a.reps))
    per_round = -(-a.reps // rounds)
    # Scenarios run in rounds, the engines alternating within each, so that drift in the machine's load
    # (other work on a shared 2-core machine) spreads over both engines alike.
    try:
        for scenario, spec in (("iter", {"iterations": a.iterations, "reps": per_round}),
                               ("fixed", {"reps": 2 * per_round})):
            for rnd in range(rounds):
                for e in (engines if rnd % 2 == 0 else engines[::-1]):
                    merge(res[e], scenario, step(e, f"{scenario} (round {rnd + 1}/{rounds})", {"scenario": scenario, **spec}))
        batch_per_round = max(1, -(-max(2, a.reps // 2) // rounds))
        for rnd in range(rounds):
            for e in (engines if rnd % 2 == 0 else engines[::-1]):
                concs = {"ours": sorted({default_conc, 16, 64}), "ours-isolated": [default_conc]}.get(e, [None])
                for c in concs:
                    merge(res[e], f"batch-{c}", step(e, f"{a.batch} batched sub-calls, concurrency {c or 'its own'} "
                                                     f"(round {rnd + 1}/{rounds})", {
                        "scenario": "batch", "n": a.batch, "concurrency": c, "reps": batch_per_round}))
        for rep in range(a.memory_reps):
            for e in (engines if rep % 2 == 0 else engines[::-1]):
                res[e].setdefault("memory", []).append(step(
                    e, f"{a.mb} MiB context ({rep + 1}/{a.memory_reps})", {"scenario": "memory", "size": a.mb * MiB}))
    finally:
        server.close()
    machine = {"elapsed": time.monotonic() - started, "load_before": load_before, "load_after": os.getloadavg(),
               "rounds": rounds}
    report = render(res, engines, a, default_conc, command, machine)
    print(report)
    if a.out:
        Path(a.out).write_text(report, encoding="utf-8")
        print(f"written to {a.out}", file=sys.stderr)
    return 0


# =============================================================================================
# The report.

NAMES = {"ours": "ours (in-process)", "ours-isolated": "ours (isolated)", "rlms": "rlms 0.1.3"}


def render(res: dict[str, dict[str, Any]], engines: list[str], a, default_conc: int, command: str,
           machine: dict[str, Any]) -> str:
    ref = "rlms" if "rlms" in engines else None
    ours = [e for e in engines if e != "rlms"]
    cols = [NAMES[e] for e in engines] + ([f"{NAMES[e]} / rlms" for e in ours] if ref else [])
    head = "| | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols)

    def row(label: str, values: dict[str, float | None], fmt=ms, ratios: bool = True) -> str:
        cells = [fmt(values.get(e)) for e in engines]
        if ref:
            cells += [ratio(values.get(e), values.get(ref)) if ratios else "–" for e in ours]
        return f"| {label} | " + " | ".join(cells) + " |"

    # -- the numbers ---------------------------------------------------------------------------
    n_it = a.iterations
    per_it = {e: [med([r["gaps_s"][k] for r in res[e]["iter"]["runs"]]) for k in range(n_it)] for e in engines}
    fixed = {e: res[e]["fixed"]["runs"] for e in engines}
    setup = {e: med([r["setup_s"] for r in fixed[e]]) for e in engines}
    teardown = {e: med([r["teardown_s"] for r in fixed[e]]) for e in engines}
    batch = {}  # (engine, concurrency) -> (cell wall, first-to-last, max in flight)
    for e in engines:
        for key in sorted((k for k in res[e] if k.startswith("batch-")), key=lambda k: (len(k), k)):
            runs = res[e][key]["runs"]
            batch[(e, key.split("-", 1)[1])] = (med([r["gaps_s"][0] for r in runs]), med([r["sub_span_s"] for r in runs]),
                                                max(r["max_in_flight"] for r in runs))
    mem = {e: res[e]["memory"] for e in engines}
    size = mem[engines[0]][0]["size"]
    mib = f"{size / MiB:.0f} MiB"

    def mm(e: str, f) -> float:
        return med([f(m) for m in mem[e]])

    copies = {e: mm(e, lambda m: (m["rss_peak"] - m["rss_with_context"]) / m["size"]) for e in engines}
    tree_copies = ({e: mm(e, lambda m: (m["rss_peak"] - m["rss_with_context"] + m["children_peak"]
                                        - m["children_peak_tiny"]) / m["size"]) for e in engines}
                   if all(m["children_peak"] is not None for e in engines for m in mem[e]) else None)

    def n_runs(prefix: str) -> int:
        e = engines[0]
        return min(len(v["runs"]) for k, v in res[e].items() if k.startswith(prefix))

    # -- the page ------------------------------------------------------------------------------
    lb, la = machine["load_before"], machine["load_after"]
    lines = [
        "# Engine benchmark: recursivelm against rlms 0.1.3",
        "",
        f"- Date: {_dt.datetime.now().strftime('%Y-%m-%d %H:%M')}; machine: {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}; load average "
        f"{lb[0]:.2f} before, {la[0]:.2f} after (other work on the machine adds noise)",
        f"- Versions: {versions()}",
        f"- Command: `{command}` ({machine['elapsed']:.0f} s in all)",
        "- Server: `bench/fake_openai_server.py` in its own process on 127.0.0.1; the root model answers at once, "
        f"the sub-model after {a.sub_latency:g} s. Each engine and scenario runs in fresh worker processes, "
        f"each with one warm-up run first, in {machine['rounds']} rounds with the engines alternating; numbers are "
        f"medians of {n_runs('iter')} runs ({n_runs('fixed')} for the fixed cost, {n_runs('batch-')} for the batch). "
        "Ratios are ours / rlms: below 1 means we are faster or smaller.",
        "- Our engine: `RLM(OpenAIModel(...), sub_model=OpenAIModel(...), profile='default', sandbox='inprocess')`; "
        "rlms: `RLM(backend='openai', other_backends=['openai'], environment='local', max_depth=1)`. Both build "
        "fresh clients per run and use the same OpenAI SDK.",
        "",
        "## Summary",
        "",
        head,
        row("time per iteration, iteration 1 (ms)", {e: per_it[e][0] for e in engines}, lambda x: ms(x, 2)),
        row(f"time per iteration, iteration {n_it} (ms)", {e: per_it[e][-1] for e in engines}, lambda x: ms(x, 2)),
        row("fixed cost per run: setup + teardown (ms)", {e: setup[e] + teardown[e] for e in engines}),
    ]
    conc_keys = sorted({c for (_, c) in batch if c != "None"}, key=int)
    for c in conc_keys:
        vals = {e: batch[(e, c)][0] for e in ours if (e, c) in batch}
        if ref:
            vals[ref] = batch[(ref, "None")][0]
        tag = " (our default)" if c == str(default_conc) else ""
        lines.append(row(f"{a.batch} batched sub-calls of {a.sub_latency:g} s, ours at concurrency {c}{tag} (ms)", vals, lambda x: ms(x, 0)))
    lines += [
        row(f"extra copies of a {mib} context at peak RSS" + (" (process tree)" if tree_copies else ""),
            tree_copies or copies, lambda x: f"{x:.2f}"),
        "",
    ]

    # 1. per iteration
    lines += [f"## 1. Engine time per iteration (ms), {n_it} code turns then the answer", "",
              "Server-stamped gap between sending root reply k and receiving request k+1: parsing the reply, "
              "running `x = len(context); print(x)`, building the next request, the HTTP client. "
              "The server's own time is outside the gap.", "", head]
    for k in sorted({1, 2, 5, 10, 20, n_it} & set(range(1, n_it + 1))):
        lines.append(row(f"iteration {k}", {e: per_it[e][k - 1] for e in engines}, lambda x: ms(x, 2)))
    lines.append(row(f"mean of 1..{n_it}", {e: statistics.fmean(per_it[e]) for e in engines}, lambda x: ms(x, 2)))
    lines.append(row(f"growth, iteration {n_it} − 1", {e: per_it[e][-1] - per_it[e][0] for e in engines},
                     lambda x: ms(x, 2)))
    lines.append(row("messages in the last request", {e: med([r["messages_last"] for r in res[e]["iter"]["runs"]])
                                                      for e in engines}, lambda x: f"{x:,.0f}"))
    lines.append(row("prompt tokens in the last request", {e: med([r["prompt_tokens_last"] for r in res[e]["iter"]["runs"]])
                                                           for e in engines}, lambda x: f"{x:,.0f}"))
    lines.append("")

    # 2. fixed cost
    lines += ["## 2. Fixed cost per run (ms): a run that answers on its first turn", "",
              "Setup: constructing the engine and its clients up to the first root request reaching the server. "
              "Teardown: the answering reply leaving the server up to `run()` / `completion()` returning "
              "(it includes the one-line answer cell). Cold: the first run in a fresh process (imports excluded).",
              "", head,
              row("setup", setup),
              row("teardown", teardown),
              row("setup + teardown", {e: med([r["setup_s"] + r["teardown_s"] for r in fixed[e]]) for e in engines}),
              row("cold first run: setup + teardown",
                  {e: res[e]["fixed"]["cold"]["setup_s"] + res[e]["fixed"]["cold"]["teardown_s"] for e in engines}),
              ""]

    # 3. batch
    ref_wall = batch.get((ref, "None"), (None,))[0] if ref else None
    lines += [f"## 3. {a.batch} batched sub-calls, {a.sub_latency:g} s each (ms)", "",
              f"One cell: `llm_query_batched([...{a.batch} distinct prompts...])`. Cell wall: that turn's gap "
              f"(ideal {a.sub_latency * 1000:.0f} ms with all in flight). The server counts the requests in flight. "
              f"Our default `Limits.sub_call_concurrency` is {default_conc}; rlms 0.1.3 has a fixed 16 "
              "(`LMHandler.batch_max_concurrent`).", "",
              "| engine, concurrency | cell wall (ms) | first to last sub-call at the server (ms) | max in flight | vs rlms |",
              "|---|---:|---:|---:|---:|"]
    for (e, c), (wall, span, mif) in batch.items():
        label = NAMES[e] + (", its own (16)" if c == "None" else f", {c}" + (" (default)" if c == str(default_conc) else ""))
        lines.append(f"| {label} | {ms(wall, 0)} | {ms(span, 0)} | {mif} | {ratio(wall, ref_wall)} |")
    lines.append("")

    # 4. memory
    lines += [f"## 4. A {mib} context (str), {len(mem[engines[0]])} fresh process(es) per engine", "",
              "RSS baseline: after a warm-up run with a tiny context. With the context: after building the string "
              "(the caller's own copy). Peak: VmHWM during the run (reset to the current RSS just before it). "
              "Extra copies = (peak − RSS with the context) / context size: what the engine adds at its worst moment. "
              "The process tree adds what child processes (the isolated sandbox's worker) peak at over their peak "
              "with a tiny context (VmHWM, read every 10 ms while they live): an upper bound, as the peaks may not "
              "coincide. "
              f"Runs of {res[engines[0]]['memory'][0]['big']['turns']} code turns.",
              "", head,
              row("RSS baseline (MiB)", {e: mm(e, lambda m: m["rss_baseline"]) for e in engines}, lambda x: f"{x / MiB:,.0f}"),
              row("RSS with the context (MiB)", {e: mm(e, lambda m: m["rss_with_context"]) for e in engines},
                  lambda x: f"{x / MiB:,.0f}"),
              row("peak RSS during the run (MiB)", {e: mm(e, lambda m: m["rss_peak"]) for e in engines},
                  lambda x: f"{x / MiB:,.0f}"),
              row("**extra copies at peak**", copies, lambda x: f"{x:.2f}"),
              *([row("peak RSS of child processes, tiny context (MiB)", {e: mm(e, lambda m: m["children_peak_tiny"])
                                                                          for e in engines},
                     lambda x: f"{x / MiB:,.0f}", ratios=False),
                 row(f"peak RSS of child processes, {mib} context (MiB)", {e: mm(e, lambda m: m["children_peak"])
                                                                          for e in engines},
                     lambda x: f"{x / MiB:,.0f}", ratios=False),
                 row("extra copies at peak, process tree (sandbox worker included)", tree_copies, lambda x: f"{x:.2f}")]
                if tree_copies else []),
              row("copies still held after the run", {e: mm(e, lambda m: (m["rss_after"] - m["rss_with_context"]) / m["size"])
                                                      for e in engines}, lambda x: f"{x:.2f}", ratios=False),
              row("setup, tiny context (ms)", {e: mm(e, lambda m: m["tiny"]["setup_s"]) for e in engines}),
              row(f"setup, {mib} context (ms)", {e: mm(e, lambda m: m["big"]["setup_s"]) for e in engines}),
              row("per iteration, tiny context (ms)", {e: mm(e, lambda m: med(m["tiny"]["gaps_s"])) for e in engines},
                  lambda x: ms(x, 2)),
              row(f"per iteration, {mib} context (ms)", {e: mm(e, lambda m: med(m["big"]["gaps_s"])) for e in engines},
                  lambda x: ms(x, 2)),
              row(f"teardown, {mib} context (ms)", {e: mm(e, lambda m: m["big"]["teardown_s"]) for e in engines}),
              ""]
    if "ours-isolated" in engines:
        lines += ["The isolated sandbox also keeps the context, UTF-8 encoded, in a sealed memfd for the whole run "
                  "(so a restarted worker can reload it): shared memory that is in no process's RSS once the worker "
                  "has decoded it, i.e. one copy more than the rows above show (from the code: "
                  "`sandbox/isolated.py`, `_seal_context`).", ""]
    if not all(m["peak_reset"] for e in engines for m in mem[e]):
        lines += ["(VmHWM could not be reset here: the peak is the process's peak since it started.)", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
