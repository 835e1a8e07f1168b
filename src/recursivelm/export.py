"""`rlm export RUN.jsonl... --format sft --out FILE.jsonl`: run logs as training data.

One chat sample per root turn, the form the research fine-tuned its root on (RLM-Qwen3-8B, one sample per
root turn of a strong root's trajectories): the run's system prompt, the turns so far, and the reply that
turn gave, as `{"messages": [...], "metadata": {...}}` lines (the chat form fine-tuning APIs take).

What the log keeps for it: the system prompt once per run (a `system_prompt` event) and each root call's
new user message and reply (`root_call`). The history is rebuilt from them as the loop built it: a reply
the loop dropped (a block repeated word for word is not kept) shows as the next prompt extending the
previous one. Where a run's history was compacted (`compacted` events), the samples hold the whole
history, not the folded one the model saw: `--max-chars` drops samples too long to train on.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Iterable, Iterator

from .events import Event, load_events
from .text import json_text

FORMATS = ("sft",)


def add_export_parser(sub: Any) -> None:
    p = sub.add_parser("export", help="turn run logs (--log files) into training data: one chat sample per root turn")
    p.add_argument("logs", nargs="+", metavar="RUN.jsonl", help="event logs written by --log")
    p.add_argument("--format", default="sft", choices=FORMATS, help="sft: chat samples {messages, metadata} (default)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.jsonl", help="where to write the samples")
    p.add_argument("--answered-only", action="store_true", help="only runs that ended with an accepted answer")
    p.add_argument("--max-chars", type=int, default=None, metavar="N", help="drop samples longer than N characters")
    p.add_argument("--root-only", action="store_true", help="only the top-level runs, not child RLMs (rlm_query)")
    p.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    if args.max_chars is not None and args.max_chars < 1:
        raise ValueError("--max-chars must be at least 1")
    for log in args.logs:
        if not Path(log).is_file():
            raise ValueError(f"no run log at {log}: give the JSONL files written by --log")
    written = skipped = 0
    try:
        out = args.out.open("w", encoding="utf-8")
    except OSError as e:
        raise ValueError(f"cannot write {args.out}: {e.strerror}") from None
    with out:
        for log in args.logs:
            counts: dict[str, int] = {}
            for sample in sft_samples(load_events(log), answered_only=args.answered_only, max_chars=args.max_chars,
                                      root_only=args.root_only, counts=counts):
                out.write(json_text(sample) + "\n")
                written += 1
            skipped += counts.get("no_system_prompt", 0)
    note = f" ({skipped} runs logged without their system prompt were left out)" if skipped else ""
    print(f"[rlm] {written} samples written to {args.out}{note}", file=sys.stderr)
    return 0


def sft_samples(events: Iterable[Event], answered_only: bool = False, max_chars: int | None = None,
                root_only: bool = False, counts: dict[str, int] | None = None) -> Iterator[dict[str, Any]]:
    """One sample per root turn of every run in `events` (a log may hold many runs: appended runs, a
    session's questions, child RLMs)."""
    counts = counts if counts is not None else {}
    for run_id, run in _runs(events).items():
        start, end = run.get("run_start"), run.get("run_end")
        if start is None or (root_only and start.depth > 0):
            continue
        if answered_only and (end is None or end.status != "answered"):
            continue
        if "system_prompt" not in run:
            counts["no_system_prompt"] = counts.get("no_system_prompt", 0) + 1
            continue
        system = run["system_prompt"].content
        history: list[dict[str, str]] = []
        for call in run["root_calls"]:
            if call.aside:  # its own first turn, beside the history (a second program)
                yield from _sample(system, [{"role": "user", "content": call.prompt}], call, run_id, start, end, max_chars)
                continue
            if len(history) >= 2 and call.prompt.startswith(history[-2]["content"] + "\n\n"):
                # The loop did not keep the previous reply (a repeated block) and added to the user message
                # before it: the history the model saw has that message, extended, and not the reply.
                del history[-2:]
            history.append({"role": "user", "content": call.prompt})
            yield from _sample(system, history, call, run_id, start, end, max_chars)
            history.append({"role": "assistant", "content": call.reply})


def _sample(system: str, turns: list[dict[str, str]], call: Event, run_id: str, start: Event, end: Event | None,
            max_chars: int | None) -> Iterator[dict[str, Any]]:
    """The sample of one root call: the system prompt, the turns before it and its reply (none if too long)."""
    messages = [{"role": "system", "content": system}, *turns, {"role": "assistant", "content": call.reply}]
    if max_chars is None or sum(len(m["content"]) for m in messages) <= max_chars:
        yield {"messages": messages, "metadata": {
            "run": run_id, "depth": start.depth, "iteration": call.iteration, "answer_now": call.answer_now,
            "aside": call.aside, "question": start.question, "model": call.model,
            "status": end.status if end else None, "answer": end.answer if end else None}}


def _runs(events: Iterable[Event]) -> dict[str, dict[str, Any]]:
    runs: dict[str, dict[str, Any]] = {}
    for event in events:
        run = runs.setdefault(event.run, {"root_calls": []})
        if event.type in ("run_start", "run_end", "system_prompt"):
            run[event.type] = event
        elif event.type == "root_call":
            run["root_calls"].append(event)
    return runs

