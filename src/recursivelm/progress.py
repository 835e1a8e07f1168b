"""The command line's progress display: one status line on stderr, from a run's events.

`[rlm] iteration 3/12 · sub-calls 7/8 · 12,345 tokens · $0.0123 · 41s`, rewritten in place on a
terminal. What it counts, and why:
- sub-calls done of started: a batch is counted when it is queued, each prompt when its `sub_call`
  arrives, and an `rlm_query` when its child run ends (a child writes no `sub_call`: counting only those
  left "7/8" on screen after everything had finished);
- the cost so far, as every display writes it (`usage.cost_text`): "$X + N unpriced calls";
- a child run's turns are labelled with their depth, never shown as the root's iteration again.
Without a terminal (a log file, CI) it writes one line per root turn, and during a long stretch with no
root turn (a big batch of sub-calls) one line every `QUIET_LINE_EVERY_S`, so a reader sees it is alive.
"""

from __future__ import annotations

import sys
import time

from .text import terminal_safe
from .usage import cost_text

QUIET_LINE_EVERY_S = 10.0  # without a terminal: the longest stretch of sub-call work with no line written


class Progress:
    def __init__(self, stream=None, max_iterations: int = 0, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty()
        self.clock = clock
        self.started = self.last_line = clock()
        self.iteration = 0
        self.max_iterations = max_iterations
        self.child_turn: tuple[int, int] | None = None  # (depth, turn) of the child run that spoke last
        self.sub_started = self.sub_done = self.tokens = 0
        self.cost = 0.0
        self.unpriced = 0
        self.streamed = 0  # characters of the root reply streamed so far (backends that stream)

    def on_token(self, piece: str) -> None:
        self.streamed += len(piece)
        if self.tty:
            self._line(f"writing ({self.streamed:,} chars)")

    def __call__(self, event) -> None:
        kind = event.type
        if kind == "root_call":
            if event.depth == 0:
                self.iteration, self.child_turn = event.iteration, None
            else:
                self.child_turn = (event.depth, event.iteration)
            self.streamed = 0
        if kind in ("root_call", "sub_call"):
            self.tokens += event.input_tokens + event.output_tokens
            # What the usage tree counts: a cache hit or a failed sub-call reached no model and cost nothing.
            if kind == "root_call" or not (event.cached or event.error):
                if event.cost is None:
                    self.unpriced += 1
                else:
                    self.cost += event.cost
        if kind == "sub_calls_queued":
            self.sub_started += event.count
        if kind == "sub_call" or (kind == "run_end" and event.depth > 0):
            self.sub_done += 1
        if kind == "limit":
            self._line(f"limit {event.limit}: {terminal_safe(event.detail)}", newline=True)
        elif kind == "root_call":
            self._line("")
        elif kind in ("sub_call", "cell_end", "run_end"):
            if self.tty or self.clock() - self.last_line >= QUIET_LINE_EVERY_S:
                self._line("")

    def _line(self, note: str, newline: bool = False) -> None:
        where = f"iteration {self.iteration}/{self.max_iterations}"
        if self.child_turn:
            where += f" (child run, depth {self.child_turn[0]}, turn {self.child_turn[1]})"
        text = (f"[rlm] {where} · sub-calls {self.sub_done}/{self.sub_started} · {self.tokens:,} tokens · "
                f"{cost_text(self.cost, self.unpriced)} · {self.clock() - self.started:.0f}s {note}").rstrip()
        self.last_line = self.clock()
        if self.tty and not newline:
            self.stream.write("\r\033[K" + text)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty:
            self.stream.write("\n")
