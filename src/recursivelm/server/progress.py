"""Short progress lines from run events, streamed as `delta.reasoning_content` (never as `content`).

One `ProgressLines` per run: it keeps counters (sub-calls done of queued) so that a run making
hundreds of sub-calls reports them in about ten steps per batch rather than one line each.
"""

from __future__ import annotations

from ..events import Event


class ProgressLines:
    def __init__(self, max_iterations: int):
        self.max_iterations = max_iterations
        self.sub_queued = 0
        self.sub_done = 0
        self._batch_end = 0  # sub_done value at which the current batch is complete
        self._step = 1

    def line_for(self, event: Event) -> str | None:
        """The line to show for `event` (newline-terminated), or None for events not worth a line."""
        kind, depth = event.type, event.depth
        indent = "  " * depth
        child = f"child run (depth {depth}) " if depth else ""
        if kind == "run_start":
            info = event.context
            return (f"{indent}{child}reading a context of {info.get('chars', 0):,} characters "
                    f"(~{info.get('est_tokens', 0):,} tokens) with {event.model}\n")
        if kind == "root_call":
            turn = "answer-now turn" if event.answer_now else f"iteration {event.iteration}/{self.max_iterations}"
            return (f"{indent}{child}{turn}: {event.model} replied "
                    f"({event.input_tokens:,} in / {event.output_tokens:,} out tokens, {event.duration_s:.1f}s)\n")
        if kind == "cell_end":
            if event.error:
                first = event.error.strip().splitlines()[-1] if event.error.strip() else "error"
                return f"{indent}code failed after {event.duration_s:.1f}s: {_clip(first)}\n"
            return f"{indent}code ran in {event.duration_s:.1f}s, printed {event.output_chars:,} characters\n"
        if kind == "sub_calls_queued":
            self.sub_queued += event.count
            self._batch_end = self.sub_queued
            self._step = max(1, event.count // 10)
            noun = "child run" if event.kind == "rlm_query" else "sub-call"
            return f"{indent}{event.count} {noun}{'s' if event.count != 1 else ''} started ({event.kind})\n"
        if kind == "sub_call":
            self.sub_done += 1
            if event.error:
                return f"{indent}sub-call failed: {_clip(event.error)}\n"
            if self.sub_done == self._batch_end or self.sub_done % self._step == 0:
                return f"{indent}sub-calls done: {self.sub_done}/{self.sub_queued}\n"
            return None
        if kind == "limit":
            return f"{indent}limit {event.limit}: {_clip(event.detail)}\n"
        if kind == "answer" and depth == 0:
            return f"answer ready (via {event.via})\n"
        if kind == "run_end" and depth > 0:
            self.sub_done += 1  # an rlm_query is done when its child run ends (a child writes no sub_call)
            return f"{indent}{child}ended: {event.status} (sub-calls done: {self.sub_done}/{self.sub_queued})\n"
        return None


def queued_line(ahead: int) -> str:
    return f"queued: waiting for a free run slot ({ahead} ahead)\n"


def _clip(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
