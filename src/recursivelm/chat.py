"""`rlm chat PATH`: follow-up questions over one input, from a terminal or one per line from stdin.

Every question is asked of one session (session.py): the REPL and its variables are kept between
questions, and each question sees the earlier ones and their answers. Answers go to stdout, one per
question; progress and the prompt go to stderr. The exit code is the worst of the questions' (0 all
answered, 3 some stopped by a limit, 1 some failed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterator

from .command import (EXIT_FAILED, EXIT_LIMIT, EXIT_OK, add_run_options, limits_from_args, named_models,
                      prices_from_args)
from .context import ContextError, load_context
from .text import json_text, terminal_safe

PROMPT = "? "


def add_chat_parser(sub: Any, progress_display: Any, encoding: Any) -> None:
    """`progress_display` and `encoding` are cli.py's (its Progress line and --encoding check): given, not
    imported, so that cli.py importing this module makes no cycle."""
    chat = sub.add_parser("chat", help="ask follow-up questions about a file or directory, the REPL kept between them")
    chat.add_argument("path", help="a text file or a directory of text files")
    chat.add_argument("--encoding", default="utf-8", type=encoding, help="text encoding of the input (default utf-8)")
    add_run_options(chat)
    chat.set_defaults(func=cmd_chat, progress_display=progress_display)


def rlm_from_args(args: argparse.Namespace, on_event=None, on_token=None):
    """An RLM from the run options every command shares (command.add_run_options)."""
    from .engine import RLM

    limits = limits_from_args(args)
    return RLM(model=args.model, sub_model=args.sub_model, child_model=args.child_model, models=named_models(args),
               limits=limits, profile=args.profile, temperature=args.temperature,
               sandbox=args.sandbox, log=args.log, on_event=on_event, cache=args.cache, on_token=on_token,
               endpoints=args.endpoints, prices=prices_from_args(args, limits),  # --prices; a --max-cost it can keep
               allow_unpriced=getattr(args, "allow_unpriced", False))


def cmd_chat(args: argparse.Namespace) -> int:
    if args.path == "-":
        raise ContextError("rlm chat reads its questions from stdin: give the input as a file or directory path")
    loaded = load_context(Path(args.path), encoding=args.encoding)
    out = sys.stdout  # taken before any run: the in-process sandbox puts a router in its place
    progress = None if args.quiet else args.progress_display(max_iterations=limits_from_args(args).max_iterations)
    rlm = rlm_from_args(args, on_event=progress, on_token=progress.on_token if progress else None)
    worst = EXIT_OK
    with rlm.session(loaded) as session:
        for question in _questions(sys.stdin):
            if progress:
                progress.iteration = progress.sub_started = progress.sub_done = 0
            result = session.ask(question)
            if progress:
                progress.done()
            if args.json:
                print(json_text(result.as_dict()), file=out, flush=True)
            else:
                answer = result.answer if result.answer is not None else f"(no answer: {result.error})"
                print(terminal_safe(answer) if out.isatty() else answer, file=out, flush=True)
            if not args.quiet:
                print(f"[rlm] {result.status}{f' (limit {result.limit})' if result.limit else ''} in "
                      f"{result.wall_time_s:.1f}s, {result.iterations} iterations", file=sys.stderr)
            worst = max(worst, _exit_code(result.status), key=_severity)
    return worst


def _questions(stream) -> Iterator[str]:
    """Questions typed at a terminal (with a prompt on stderr, Ctrl-D to end) or one per line of a pipe."""
    tty = stream.isatty()
    while True:
        if tty:
            print(PROMPT, end="", file=sys.stderr, flush=True)
        line = stream.readline()
        if not line:
            if tty:
                print(file=sys.stderr)
            return
        if line.strip():
            yield line.strip()


def _exit_code(status: str) -> int:
    return {"answered": EXIT_OK, "limit": EXIT_LIMIT}.get(status, EXIT_FAILED)


def _severity(code: int) -> int:
    return {EXIT_OK: 0, EXIT_LIMIT: 1, EXIT_FAILED: 2}[code]
