"""`rlm bench`: run the benchmark suite, write its report, list its tasks and methods.

    rlm bench tasks
    rlm bench methods
    rlm bench run --tasks sniah,oolong --lengths 8k,128k --methods direct,rlm --n 5 --model embedded --out runs/a
    rlm bench report runs/a
    rlm bench compare runs/a runs/b --methods rlm

Wired into `rlm` by `add_bench_parser(subparsers)`; also runs alone: `python -m recursivelm.bench.cli ...`.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import fields
from typing import Any

from ..command import endpoint_list, positive_int

EXIT_OK, EXIT_ERRORS = 0, 1


def add_bench_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `bench` and its subcommands to the `rlm` parser's subcommands."""
    bench = subparsers.add_parser("bench", help="benchmark suite: generated long-context tasks, RLM against baselines",
                                  description="Run the benchmark suite and write its report.")
    sub = bench.add_subparsers(dest="bench_command", required=True)

    tasks = sub.add_parser("tasks", help="list the tasks and their settings")
    tasks.add_argument("--json", action="store_true", help="as JSON")
    tasks.set_defaults(func=cmd_tasks)

    methods = sub.add_parser("methods", help="list the methods")
    methods.set_defaults(func=cmd_methods)

    run = sub.add_parser("run", help="run (or resume) a suite: results.jsonl, report.md and plots in --out")
    run.add_argument("--tasks", default="all", help="comma-separated task names, or all (default)")
    run.add_argument("--lengths", default="8k", help="comma-separated context lengths in tokens: 8k, 128k, 1m, 4096 "
                     "(k = 1,000; default 8k)")
    run.add_argument("--methods", default="all", help="comma-separated method names, or all (default)")
    run.add_argument("--n", type=int, default=1, help="instances (seeds) per task and length (default 1)")
    run.add_argument("--seed", type=int, default=0, help="first seed (default 0): seeds are SEED .. SEED+N-1")
    run.add_argument("--model", default="embedded",
                     help="the one model every method uses: embedded (default), openai/NAME, ..., or scripted "
                          "(scripted:WINDOW), the deterministic offline model for CI")
    run.add_argument("--temperature", type=float, default=None, metavar="T",
                     help="the model's sampling temperature (default: its backend's own; embedded: 0). Set 0 for "
                          "a server whose default samples, so reruns and resumes stay comparable")
    run.add_argument("--samples", type=positive_int, default=1, metavar="K",
                     help="self-consistency for the RLM-engine methods (rlm, rlm-nosub): K root trajectories per "
                          "query within its budgets, the answer with the most evidence wins; samples 2..K at "
                          "--temperature if given, else 0.7 (default 1)")
    run.add_argument("--endpoints", type=endpoint_list, default=None, metavar="URL,URL",
                     help="several OpenAI-compatible servers (replicas) serving --model: each request goes to the one "
                          "with the fewest in flight, one that fails is set aside (models/fleet.py)")
    run.add_argument("--out", required=True, help="folder for results.jsonl, suite.json, report.md, plots")
    run.add_argument("--concurrency", type=int, default=1, help="jobs at once (default 1; latency is only "
                     "comparable at 1, since jobs share the model)")
    run.add_argument("--time-budget-s", type=float, default=None, help="wall-clock seconds per query (default none)")
    run.add_argument("--token-budget", type=int, default=None, help="input+output tokens per query (default none)")
    run.add_argument("--answer-now-s", type=float, default=120.0,
                     help="seconds the one answer turn after a budget ran out may take (default 120)")
    run.add_argument("--reply-tokens", type=int, default=1024, help="room kept for an answer (default 1024)")
    run.add_argument("--setting", action="append", default=[], metavar="TASK.NAME=VALUE",
                     help="a task generator setting (see `rlm bench tasks`), e.g. sniah.haystack=essay; repeatable")
    run.add_argument("--rlm-limit", action="append", default=[], metavar="NAME=VALUE",
                     help="an engine limit for rlm and rlm-nosub, e.g. max_iterations=20; repeatable")
    run.add_argument("--profile", default="auto", help="the RLM engine's prompt profile (default auto)")
    run.add_argument("--sandbox", default="inprocess", choices=["inprocess", "isolated"],
                     help="where the engine-based methods run model code (default inprocess)")
    run.add_argument("--retry-errors", action="store_true", help="rerun jobs whose last record is an error")
    run.add_argument("--no-trajectories", action="store_true",
                     help="do not keep the engine-based methods' events (DIR/trajectories/*.jsonl)")
    run.add_argument("--no-report", action="store_true", help="do not write the report at the end")
    run.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    run.set_defaults(func=cmd_run, interrupted="finished jobs are in the --out folder's results.jsonl; run again to resume")

    report = sub.add_parser("report", help="(re)write report.md and the plots from DIR/results.jsonl")
    report.add_argument("out", help="the suite's folder")
    report.set_defaults(func=cmd_report)

    compare = sub.add_parser("compare", help="two runs side by side, query by query (e.g. before and after a change)")
    compare.add_argument("before", help="a suite folder or a results.jsonl file")
    compare.add_argument("after", help="a suite folder or a results.jsonl file")
    compare.add_argument("--methods", default=None, help="comma-separated methods to compare (default: all in both)")
    compare.add_argument("--names", default="before,after", help="what to call the two sides (default before,after)")
    compare.set_defaults(func=cmd_compare)
    return bench


def _value(text: str) -> Any:
    """A setting's value: JSON where it parses (numbers, true, null), else the text."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_task_settings(items: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        name, sep, value = item.partition("=")
        task, dot, setting = name.partition(".")
        if not sep or not dot or not task or not setting:
            raise ValueError(f"--setting takes TASK.NAME=VALUE, got {item!r}")
        out.setdefault(task, {})[setting] = _value(value)
    return out


def parse_limits(items: list[str]) -> dict[str, Any]:
    from ..settings import Limits

    known = {f.name for f in fields(Limits)}
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in known:
            raise ValueError(f"--rlm-limit takes NAME=VALUE with NAME one of {sorted(known)}, got {item!r}")
        out[name] = _value(value)
    Limits(**out)  # raises on bad values
    return out


def cmd_tasks(args: argparse.Namespace) -> int:
    from .tasks import TASKS

    if args.json:
        data = {name: {"description": spec.description, "scorers": list(spec.scorers),
                       "min_target_tokens": spec.min_target_tokens,
                       "settings": [{"name": s.name, "default": s.default, "help": s.help,
                                     "choices": list(s.choices) if s.choices else None} for s in spec.settings]}
                for name, spec in TASKS.items()}
        print(json.dumps(data, indent=1, default=str))
        return EXIT_OK
    for name, spec in TASKS.items():
        print(f"{name}: {spec.description}")
        print(f"    scorer: {', '.join(spec.scorers)}; shortest length: {spec.min_target_tokens:,} tokens")
        for s in spec.settings:
            choices = f" (one of {', '.join(map(str, s.choices))})" if s.choices else ""
            print(f"    --setting {name}.{s.name}=...  default {s.default!r}{choices}: {s.help}")
    return EXIT_OK


def cmd_methods(args: argparse.Namespace) -> int:
    from .methods import METHODS

    for name, method in METHODS.items():
        print(f"{name}: {method.description}")
    return EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    import asyncio

    from .methods import RunSettings, method_names, resolve_bench_model
    from .runner import SuiteConfig, arun_suite, parse_lengths, parse_tasks

    settings = RunSettings(time_budget_s=args.time_budget_s, token_budget=args.token_budget,
                           answer_now_timeout_s=args.answer_now_s, reply_tokens=args.reply_tokens,
                           sandbox=args.sandbox, profile=args.profile, rlm_limits=parse_limits(args.rlm_limit),
                           samples=args.samples, sample_temperature=args.temperature)
    config = SuiteConfig(tasks=parse_tasks(args.tasks), lengths=parse_lengths(args.lengths),
                         methods=method_names(args.methods), n=args.n, seed=args.seed, concurrency=args.concurrency,
                         settings=settings, task_settings=parse_task_settings(args.setting),
                         retry_errors=args.retry_errors, trajectories=not args.no_trajectories)

    async def main() -> Any:
        model = resolve_bench_model(args.model, temperature=args.temperature, endpoints=args.endpoints)
        try:
            return await arun_suite(config, model, args.out, log=None if args.quiet else _stderr,
                                    write_report=not args.no_report)
        finally:
            await model.aclose()

    summary = asyncio.run(main())
    if not args.quiet and summary.report:
        print(f"[bench] report: {summary.report}", file=sys.stderr)
    return EXIT_ERRORS if summary.errors else EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .report import write_report
    from .results import RESULTS_FILE

    if not (Path(args.out) / RESULTS_FILE).exists():
        raise ValueError(f"{args.out} has no {RESULTS_FILE}: run `rlm bench run --out {args.out}` first")
    print(write_report(args.out))
    return EXIT_OK


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare, load_side
    from .methods import method_names

    names = [n.strip() for n in args.names.split(",")]
    if len(names) != 2 or not all(names):
        raise ValueError(f"--names takes two names separated by a comma, got {args.names!r}")
    methods = method_names(args.methods) if args.methods else None
    print(compare(load_side(args.before), load_side(args.after), methods, names=(names[0], names[1])))
    return EXIT_OK


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """`python -m recursivelm.bench.cli ...`: the same commands as `rlm bench ...`."""
    from ..command import run_command

    parser = argparse.ArgumentParser(prog="rlm")
    add_bench_parser(parser.add_subparsers(dest="command", required=True))
    return run_command(parser, ["bench", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
