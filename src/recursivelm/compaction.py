"""Compaction of the root's history: before a root call would overflow the root model's window, older turns
are folded into one short note, so a long run (or a long session question) goes on instead of failing.

Measured before issue 13: a root with a 4,000-token window failed at iteration 5 with ContextWindowError,
no answer and no answer-now turn. Now, before each root call (the answer-now turn too), `fit` counts the
history with the root model's own token counter; if the history and the reply would not fit, the turns
before the latest `KEEP_RECENT_TURNS` are replaced by the profile's `compacted` note: what each ran and
what it printed, cut to their essentials (the REPL still holds their variables). If that is still too
large, the longest messages (never the system prompt) are cut to their head and tail until it fits. No
model call is made for it: compaction costs nothing and cannot itself overflow. The system prompt and the
first message (the question, the context's description) are always kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .events import Compacted
from .parsing import find_blocks
from .text import head_and_tail

if TYPE_CHECKING:
    from .loop import Run

KEEP_RECENT_TURNS = 2  # the latest root turns (a reply and what it was shown) kept whole when folding
MESSAGE_OVERHEAD_TOKENS = 8  # chat-template tokens around each message (role markers, separators)
WINDOW_MARGIN_TOKENS = 64  # kept free besides the reply: token counts of API models are estimates
STEP_CODE_CHARS = 400  # of each folded turn's code, in the note
STEP_OUTPUT_CHARS = 300  # of what each folded turn was shown, in the note
MAX_NOTE_STEPS = 20  # folded turns the note lists (the latest); older ones are only counted
SHRINK_FACTOR = 0.6  # a message cut to fit keeps this share of its characters per pass
MAX_SHRINK_PASSES = 12  # passes of cutting the longest message before giving up (the call then fails as before)
MIN_MESSAGE_CHARS = 200  # no message is cut below this
CUT_NOTE = "\n... [{cut:,} characters cut to fit the window] ...\n"


@dataclass
class _State:
    """What a run's compaction remembers: the first message as it was, and the turns folded so far."""

    first_user: str
    steps: list[dict[str, str]] = field(default_factory=list)


def tokens(run: Run, messages: list[dict[str, str]]) -> int:
    model = run.model
    return sum(model.count_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def room(run: Run) -> int:
    return run.model.context_window - run.limits.max_reply_tokens - WINDOW_MARGIN_TOKENS


def fit(run: Run) -> None:
    """Make `run.messages` fit the root model's window with room for the reply (in place). Called before
    every root call; does nothing while the history fits."""
    before = tokens(run, run.messages)
    if before <= room(run) or len(run.messages) < 2:
        return
    state: _State = getattr(run, "compaction", None) or _State(first_user=run.messages[1]["content"])
    run.compaction = state  # type: ignore[attr-defined] - kept on the run: a later compaction adds to it
    system, turns = run.messages[0], run.messages[2:]
    for keep in range(KEEP_RECENT_TURNS, 0, -1):  # fold as little as will do
        messages, folded = _folded(run, state, system, turns, keep)
        if tokens(run, messages) <= room(run):
            break
    messages = _shrunk(run, messages)
    state.steps.extend(_steps(turns[: 2 * folded]))
    run.messages[:] = messages
    log = run.shared.log
    log.emit(Compacted(id=log.new_id("comp"), run=run.run_id, depth=run.depth, t=log.now(), iteration=run.iteration,
                       turns=folded, tokens_before=before, tokens_after=tokens(run, messages)))


def _folded(run: Run, state: _State, system: dict, turns: list[dict], keep: int) -> tuple[list[dict], int]:
    """The history with all but the latest `keep` turns folded into the note; and how many were folded.
    Turns come in pairs (the root's reply, then what it was shown) and the history ends with a user
    message, so what is kept starts with a reply: roles still alternate."""
    pairs = len(turns) // 2
    folded = max(0, pairs - keep)
    steps = state.steps + _steps(turns[: 2 * folded])
    first = state.first_user
    if steps:
        first += "\n\n" + run._render("compacted", turns=len(steps), steps=steps[-MAX_NOTE_STEPS:])
    return [system, {"role": "user", "content": first}, *turns[2 * folded:]], folded


def _steps(turns: list[dict]) -> list[dict[str, str]]:
    steps = []
    for reply, shown in zip(turns[0::2], turns[1::2]):
        blocks = [b.code.strip() for b in find_blocks(reply["content"]) if b.runnable]
        code = "\n".join(blocks) if blocks else reply["content"].strip()
        steps.append({"code": head_and_tail(code, STEP_CODE_CHARS, CUT_NOTE),
                      "output": head_and_tail(shown["content"].strip(), STEP_OUTPUT_CHARS, CUT_NOTE)})
    return steps


def _shrunk(run: Run, messages: list[dict]) -> list[dict]:
    """Cut the longest messages (never the system prompt) to their head and tail until the history fits."""
    messages = [dict(m) for m in messages]
    for _ in range(MAX_SHRINK_PASSES):
        if tokens(run, messages) <= room(run):
            break
        longest = max(range(1, len(messages)), key=lambda i: len(messages[i]["content"]))
        text = messages[longest]["content"]
        if len(text) <= MIN_MESSAGE_CHARS:
            break
        messages[longest]["content"] = head_and_tail(text, max(MIN_MESSAGE_CHARS, int(len(text) * SHRINK_FACTOR)), CUT_NOTE)
    return messages
