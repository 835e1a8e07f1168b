"""`compaction`: read the context piece by piece, keeping bounded running notes; answer from the notes.

The summary / compaction agent baseline (the RLM paper's "summary agent": an iterative agent that
compacts what it has read as its context fills). Each step shows the model the question and the next
piece, and asks for the piece's relevant sentences copied exactly (or NONE; or the piece's count, when
the question counts); those notes are appended to the running notes, labelled with the piece. When the
notes outgrow their bound (`notes_tokens`: min(1024, window / 8)), one more call compacts them to half
of it, keeping what bears on the question. The last call answers from the notes alone. Every prompt fits
the window whatever the context's length: a piece is what the window leaves beside the instructions and
the step's reply.

Why not "rewrite your whole notes every step": measured on the embedded 1.5B model, that prompt got
the placeholder back ("(none yet)") or the old notes repeated, and lost an S-NIAH needle that the
copy-what-helps step kept.

When the budget runs out while reading, the method still answers from the notes it has (one answer-now
turn, as the RLM engine does), and the record says how many pieces it read (`details.pieces_read`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ...protocols import Message, Model
from ..tasks import Instance
from .base import (
    PROMPT_MARGIN_TOKENS, BudgetExceeded, Meter, Outcome, RunSettings, chars_per_token, context_text, fit_head,
    load_prompts, prompt_tokens,
)

MAX_NOTES_TOKENS = 1_024  # the notes' bound; an eighth of the window when that is smaller
NOTES_SHARE_OF_WINDOW = 8
NOTHING = "NONE"  # a step's reply that starts with this adds nothing (the step prompt asks for it)
PROMPTS = load_prompts("compaction")  # system, step_user, compact_user, answer_system, answer_user, partial, no_notes

def notes_bound(model: Model) -> int:
    return min(MAX_NOTES_TOKENS, model.context_window // NOTES_SHARE_OF_WINDOW)


def step_messages(question: str, piece: str, index: int, total: int) -> list[Message]:
    return [{"role": "system", "content": PROMPTS["system"]},
            {"role": "user", "content": PROMPTS["step_user"].format(question=question, piece=piece, index=index, total=total)}]


def compact_messages(question: str, notes: str, words: int) -> list[Message]:
    return [{"role": "system", "content": PROMPTS["system"]},
            {"role": "user", "content": PROMPTS["compact_user"].format(question=question, notes=notes, words=words)}]


def answer_messages(question: str, notes: str, partial: bool) -> list[Message]:
    note = PROMPTS["partial"] if partial else ""
    return [{"role": "system", "content": PROMPTS["answer_system"]},
            {"role": "user", "content": PROMPTS["answer_user"].format(partial=note, notes=notes or PROMPTS["no_notes"],
                                                                     question=question)}]


def plan_pieces(instance: Instance, model: Model, step_tokens: int) -> tuple[list[str], dict[str, Any]]:
    """The context cut into pieces that each fit one step's prompt beside the instructions and the reply."""
    text = context_text(instance.context)
    fixed = prompt_tokens(model, step_messages(instance.question, "", 9999, 9999))
    room = model.context_window - fixed - step_tokens - PROMPT_MARGIN_TOKENS
    if room <= 64:
        raise ValueError(f"{model.name}'s window of {model.context_window:,} tokens leaves no room for a piece")
    step = max(256, int(room * chars_per_token(model, text) * 0.95))
    pieces: list[str] = []
    start = 0
    while start < len(text):
        candidate = text[start:start + step]
        if start + step < len(text):  # end on a line where one is near
            cut = candidate.rfind("\n", len(candidate) // 2)
            candidate = candidate[: cut + 1] if cut > 0 else candidate
        piece = fit_head(candidate, model.count_tokens, room) or candidate[: max(1, room)]  # exact, not estimated
        pieces.append(piece)
        start += len(piece)
    return pieces, {"piece_tokens": room, "pieces": len(pieces)}


def _says_nothing(reply: str) -> bool:
    text = reply.strip().strip(".").strip()
    return not text or (text.upper().startswith(NOTHING) and len(text) < 40)


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    notes_tokens = notes_bound(model)
    step_tokens = max(32, notes_tokens // 2)
    pieces, details = await asyncio.to_thread(plan_pieces, instance, model, step_tokens)
    details.update(notes_tokens=notes_tokens, compactions=0, pieces_read=0)
    meter.details.update(details)
    notes = ""
    ran_out: BudgetExceeded | None = None
    for index, piece in enumerate(pieces, 1):
        try:
            completion = await meter.complete(model, step_messages(instance.question, piece, index, len(pieces)),
                                              max_tokens=step_tokens)
            meter.iterations += 1
            if not _says_nothing(completion.text):
                found = fit_head(completion.text.strip(), model.count_tokens, step_tokens)
                notes = f"{notes}\n[piece {index}] {found}".strip()
            meter.details["pieces_read"] = index
            meter.partial = notes
            if model.count_tokens(notes) > notes_tokens:
                completion = await meter.complete(model, compact_messages(instance.question, notes, notes_tokens // 3),
                                                  max_tokens=notes_tokens // 2)
                meter.iterations += 1
                notes = fit_head(completion.text.strip(), model.count_tokens, notes_tokens // 2)
                meter.details["compactions"] += 1
                meter.partial = notes
        except BudgetExceeded as e:
            ran_out = e
            break
    completion = await meter.complete(model, answer_messages(instance.question, notes, ran_out is not None),
                                      max_tokens=settings.reply_tokens, final=ran_out is not None)
    meter.iterations += 1
    details = {**meter.details, "notes": notes}
    if ran_out is not None:
        details["budget_detail"] = ran_out.detail
    return Outcome(completion.text.strip(), budget=ran_out.budget if ran_out else None, details=details)
