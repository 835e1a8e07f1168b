"""Compaction of the root's history: before a root call would overflow the root model's window, older turns
are folded into one short note, so a long run (or a long session question) goes on instead of failing.

Measured before issue 13: a root with a 4,000-token window failed at iteration 5 with ContextWindowError,
no answer and no answer-now turn. Now, before each root call (the answer-now turn too), `fit` counts the
history with the root model's own token counter; if the history and the reply would not fit, the turns
before the latest `KEEP_RECENT_TURNS` are replaced by the profile's `compacted` note: what each ran and
what it printed, cut to their essentials (the REPL still holds their variables). If that is still too
large, the longest messages (never the system prompt) are cut to their head and tail until it fits. The
system prompt and the first message (the question, the context's description) are always kept.

Two modes (`RLM(compaction=...)`): "cut" (the default) makes no model call: it costs nothing and cannot
itself overflow. "summary" (as the reference implementation's compaction=True does) asks the root model
to fold the turns into a short summary, merged with the previous one; the call is charged to the usage
tree (role "compaction") and the budget, and when it fails (an error, a limit, too large) the turns are
cut instead.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .budget import LimitReached
from .deadline import complete_within
from .events import Compacted
from .parsing import find_blocks
from .protocols import ModelError
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
SUMMARY_REPLY_TOKENS = 400  # the root model's summary of folded turns ("summary" mode)
MODES = ("cut", "summary")


@dataclass
class _State:
    """What a run's compaction remembers: the first message as it was, and the turns folded so far."""

    first_user: str
    steps: list[dict[str, str]] = field(default_factory=list)
    summary: str = ""  # "summary" mode: the model's summary of every turn folded so far
    folded: int = 0  # turns folded so far, all told


def tokens(run: Run, messages: list[dict[str, str]]) -> int:
    model = run.model
    return sum(model.count_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def room(run: Run) -> int:
    return run.model.context_window - run.limits.max_reply_tokens - WINDOW_MARGIN_TOKENS


async def fit(run: Run) -> None:
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
    new_steps = _steps(turns[: 2 * folded])
    mode = "cut"
    if run.config.compaction == "summary" and new_steps and await _summarise(run, state, new_steps):
        mode, state.steps = "summary", []
        messages = [system, {"role": "user", "content": _first(run, state)}, *turns[2 * folded:]]
    else:
        state.steps.extend(new_steps)
    state.folded += folded
    messages = _shrunk(run, messages)
    run.messages[:] = messages
    log = run.shared.log
    log.emit(Compacted(id=log.new_id("comp"), run=run.run_id, depth=run.depth, t=log.now(), iteration=run.iteration,
                       turns=folded, tokens_before=before, tokens_after=tokens(run, messages), mode=mode))


def _folded(run: Run, state: _State, system: dict, turns: list[dict], keep: int) -> tuple[list[dict], int]:
    """The history with all but the latest `keep` turns folded into the note; and how many were folded.
    Turns come in pairs (the root's reply, then what it was shown) and the history ends with a user
    message, so what is kept starts with a reply: roles still alternate."""
    pairs = len(turns) // 2
    folded = max(0, pairs - keep)
    steps = state.steps + _steps(turns[: 2 * folded])
    return [system, {"role": "user", "content": _first(run, state, steps, state.folded + folded)},
            *turns[2 * folded:]], folded


def _first(run: Run, state: _State, steps: list[dict] | None = None, folded: int | None = None) -> str:
    """The first message: as it was, then the note standing for the folded turns."""
    steps = state.steps if steps is None else steps
    folded = state.folded if folded is None else folded
    if not steps and not state.summary:
        return state.first_user
    return state.first_user + "\n\n" + run._render("compacted", turns=folded, steps=steps[-MAX_NOTE_STEPS:],
                                                     summary=state.summary)


async def _summarise(run: Run, state: _State, steps: list[dict]) -> bool:
    """The root model folds `steps` (and the summary so far) into one summary. False when it cannot: then
    the turns are cut instead."""
    prompt = run._render("compaction_summary", summary=state.summary, steps=steps)
    if run.model.count_tokens(prompt) + SUMMARY_REPLY_TOKENS + WINDOW_MARGIN_TOKENS > run.model.context_window:
        return False
    budget = run.shared.budget

    def charge(completion):  # every token in the one tree, a summary cut at the deadline too
        budget.charge(run.usage.record(completion, "compaction", run.config.prices))

    try:
        budget.check()
        completion = await complete_within(run.model, [{"role": "user", "content": prompt}], budget.time_left(),
                                           on_cut=charge, max_tokens=SUMMARY_REPLY_TOKENS)
    except (ModelError, LimitReached, asyncio.TimeoutError):
        return False
    charge(completion)
    summary = completion.text.strip()
    if not summary:
        return False
    state.summary = summary
    return True


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
