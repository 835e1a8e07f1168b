"""The `rlm` command: `rlm ask PATH|- "question"`, `rlm demo`.

The answer (only the answer) goes to stdout; progress goes to stderr. Exit codes: 0 answered,
3 stopped by a limit (the best answer is still printed), 1 failed, 2 bad input.
"""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path

from .command import (EXIT_FAILED, EXIT_LIMIT, EXIT_OK, add_run_options, add_samples_option, limits_from_args,
                      named_models, prices_from_args, run_command)
from .answers import load_schema_file
from .context import ContextError, load_context
from .progress import Progress
from .text import json_text, terminal_safe


def _encoding(name: str) -> str:
    """argparse type for --encoding: a name Python's codecs know."""
    try:
        codecs.lookup(name)
    except LookupError:
        raise argparse.ArgumentTypeError(f"unknown encoding {name!r} (e.g. utf-8, latin-1, cp1252, utf-16)") from None
    return name


def _read_context(path: str, encoding: str):
    if path == "-":
        data = sys.stdin.buffer.read()
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as e:
            raise ContextError(f"stdin is not valid {encoding} (offset {e.start}): pass --encoding") from None
    loaded = load_context(Path(path), encoding=encoding)
    if loaded.skipped:
        print(f"[rlm] skipped {len(loaded.skipped)} files: {terminal_safe(', '.join(loaded.skipped[:10]))}"
              f"{' ...' if len(loaded.skipped) > 10 else ''}", file=sys.stderr)
    return loaded


def _run(args, context, question: str, answers: list | None = None) -> int:
    from .engine import RLM

    limits = limits_from_args(args)
    prices = prices_from_args(args, limits)  # refuses a cost limit it could not keep, before any work
    out = sys.stdout  # taken before the run: the in-process sandbox puts a router (never a tty) in its place
    progress = None if args.quiet else Progress(max_iterations=limits.max_iterations)
    rlm = RLM(model=args.model, sub_model=args.sub_model, child_model=args.child_model, models=named_models(args),
              limits=limits, profile=args.profile, temperature=args.temperature,
              sandbox=args.sandbox, log=args.log, on_event=progress, cache=args.cache, prices=prices,
              endpoints=args.endpoints, allow_unpriced=getattr(args, "allow_unpriced", False),
              on_token=progress.on_token if progress else None, log_full=getattr(args, "log_full", False),
              samples=getattr(args, "samples", 1))
    schema = load_schema_file(args.schema) if getattr(args, "schema", None) else None
    result = rlm.run(context, question, schema=schema)
    if answers is not None:
        answers.append(result.answer)
    if progress:
        progress.done()
    if args.json:
        from .schema import result_document  # the versioned shape: docs/schema/result.v1.json

        print(json_text(result_document(result, question), indent=1), file=out)
    elif result.answer is not None:
        # The answer is model-made text: a terminal shown it raw obeys its escape sequences (OSC 52 writes
        # the clipboard). A pipe or a file gets it unchanged.
        print(terminal_safe(result.answer) if out.isatty() else result.answer, file=out)
    t = result.usage.total()
    if not args.quiet:
        print(f"[rlm] {result.status}{f' (limit {result.limit})' if result.limit else ''} in "
              f"{result.wall_time_s:.1f}s, {result.iterations} iterations, {t.calls} calls, {t.tokens:,} tokens, "
              f"{t.cost_text()}, {result.saved_calls} sub-calls saved by caching{_samples_note(result)}",
              file=sys.stderr)
    if result.status == "failed":
        print(f"rlm: the run failed: {terminal_safe(result.error or '')}", file=sys.stderr)
        return EXIT_FAILED
    if result.answer is None and result.status == "answered":  # FINAL(None) insisted on: the model gave up
        print("rlm: no answer: the model gave none (FINAL(None))", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_LIMIT if result.status == "limit" else EXIT_OK


def _samples_note(result) -> str:
    """With --samples: how many ran and which was chosen (the counts before it are all samples')."""
    chosen = result.samples
    return "" if chosen is None else f"; {chosen.ran} samples, sample {chosen.chosen} chosen"


def cmd_ask(args) -> int:
    return _run(args, _read_context(args.path, args.encoding), args.question)


def cmd_demo(args) -> int:
    from .demo import needle_document
    from .models.registry import resolve_model

    model = resolve_model(args.model, temperature=args.temperature, endpoints=args.endpoints)
    window = model.context_window
    doc = needle_document(target_tokens=window * args.times, seed=args.seed)
    print(f"[rlm demo] a generated log of {len(doc.text):,} characters (~{doc.est_tokens:,} tokens): "
          f"{doc.est_tokens / window:.0f}x the {window:,}-token window of {model.name}", file=sys.stderr)
    print(f"[rlm demo] question: {doc.question}", file=sys.stderr)
    args.model = model
    answers: list[str | None] = []
    code = _run(args, doc.text, doc.question, answers)
    correct = bool(answers) and answers[0] is not None and doc.answer in answers[0]
    verdict = "correct" if correct else "NOT correct"
    print(f"[rlm demo] expected answer: {doc.answer}: the answer is {verdict}", file=sys.stderr)
    return code if correct or code != EXIT_OK else EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rlm", description="Recursive Language Models: ask questions of inputs "
                                     "far larger than any context window.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    ask = sub.add_parser("ask", help="answer a question about a file, a directory, or stdin (-)")
    ask.add_argument("path", help="a text file, a directory of text files, or - for stdin")
    ask.add_argument("question")
    ask.add_argument("--encoding", default="utf-8", type=_encoding, help="text encoding of the input (default utf-8)")
    ask.add_argument("--schema", default=None, metavar="FILE.json",
                     help="a JSON Schema the answer must fit: the answer is printed as that JSON")
    ask.add_argument("--log-full", action="store_true",
                     help="log sub-call prompts whole in --log (for training data), not their head and tail")
    add_samples_option(ask)
    add_run_options(ask)
    ask.set_defaults(func=cmd_ask)

    demo = sub.add_parser("demo", help="answer a needle question over a generated document far beyond the window")
    demo.add_argument("--times", type=int, default=100, help="document size in multiples of the model's window")
    demo.add_argument("--seed", type=int, default=0)
    add_run_options(demo)
    demo.set_defaults(func=cmd_demo)

    from .batching.cli import add_batch_parser
    from .bench.cli import add_bench_parser
    from .chat import add_chat_parser
    from .export import add_export_parser
    from .mcp_server import add_mcp_parser
    from .server import add_serve_parser
    from .viewer import add_view_parser

    add_chat_parser(sub, Progress, _encoding)
    add_mcp_parser(sub)
    add_export_parser(sub)
    add_view_parser(sub)
    add_serve_parser(sub)
    add_bench_parser(sub)
    add_batch_parser(sub)

    from .cli_models import add_models_parser
    from .completion import add_completion_parser
    from .schema import add_schema_parser

    add_models_parser(sub)
    add_schema_parser(sub)
    add_completion_parser(sub, parser)  # last: it completes every command above
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("recursivelm")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def main(argv: list[str] | None = None) -> int:
    return run_command(build_parser(), argv)


if __name__ == "__main__":
    sys.exit(main())
