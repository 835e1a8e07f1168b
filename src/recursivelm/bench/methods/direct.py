"""`direct`: the base model reads the context in its prompt, cut to its window.

The head of the context is kept, up to the window minus the question, the prompt's own text and the
room for the reply; the rest is cut, and the record says how much (`details.kept_fraction`, ...).
The model is told that the text was cut, not what the cut part held.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ...protocols import Message, Model
from ..tasks import Instance
from .base import (
    PROMPT_MARGIN_TOKENS, Meter, Outcome, RunSettings, context_text, fit_head, load_prompts, prompt_tokens,
)

PROMPTS = load_prompts("direct")  # system, user, cut_note


def build_messages(text: str, question: str, cut_note: str = "") -> list[Message]:
    return [
        {"role": "system", "content": PROMPTS["system"]},
        {"role": "user", "content": PROMPTS["user"].format(text=text, cut_note=cut_note, question=question)},
    ]


def fit_context(instance: Instance, model: Model, reply_tokens: int) -> tuple[list[Message], dict[str, Any]]:
    """The prompt with as much of the context's head as fits, and how much was cut."""
    text = context_text(instance.context)
    fixed = prompt_tokens(model, build_messages("", instance.question, PROMPTS["cut_note"].format(kept=0.5, cut=10**9)))
    room = model.context_window - reply_tokens - fixed - PROMPT_MARGIN_TOKENS
    if room <= 0:
        raise ValueError(f"{model.name}'s window of {model.context_window:,} tokens leaves no room for the text")
    head = fit_head(text, model.count_tokens, room)
    details = cut_details(text, head, model)
    note = PROMPTS["cut_note"].format(kept=details["kept_fraction"], cut=details["cut_tokens"]) if details["cut_chars"] else ""
    return build_messages(head, instance.question, note), details


def cut_details(text: str, head: str, model: Model) -> dict[str, Any]:
    kept_tokens = model.count_tokens(head) if head else 0
    cut_chars = len(text) - len(head)
    # The cut part is never counted exactly (it may be millions of tokens): scaled from the kept part.
    cut_tokens = round(cut_chars * kept_tokens / len(head)) if head and cut_chars else (cut_chars // 4)
    return {
        "text_chars": len(text),
        "kept_chars": len(head),
        "cut_chars": cut_chars,
        "kept_tokens": kept_tokens,
        "cut_tokens": cut_tokens,
        "kept_fraction": round(len(head) / len(text), 4) if text else 1.0,
    }


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    messages, details = await asyncio.to_thread(fit_context, instance, model, settings.reply_tokens)
    meter.details.update(details)
    meter.iterations = 1
    completion = await meter.complete(model, messages, max_tokens=settings.reply_tokens)
    return Outcome(completion.text.strip(), details=details)
