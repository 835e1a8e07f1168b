"""`codeact`: a CodeAct-style REPL agent whose input stays in its prompt.

As the CodeAct baseline of the RLM paper: the model reads the context in its prompt, and can also run
code; unlike an RLM, the context is not offloaded to the REPL. What we chose, concretely:

- The prompt holds the head of the context, cut to fit as `direct` cuts it (the record says how much).
  Its window is shared: `TEXT_SHARE` of what the fixed prompt leaves goes to the text, the rest to the
  conversation (code replies and their output, for as many turns as fit, then one answer turn).
- The REPL's `context` variable holds that same cut text, so code computes exactly over what the model
  sees (counting, searching, parsing), never over the part it cannot see.
- No sub-calls: `max_sub_calls=0`, so the engine refuses them with an error the model sees, and the
  prompt offers none.
- The loop is our engine's (`RLM` with a per-query prompt profile): one ```python block per reply, its
  output shown, FINAL(answer) to end, the engine's answer-now turn when the turns run out or a budget
  ends. The turns are `max_iterations`; a run that uses them all is status "ok" with `details.limit`.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import jinja2

from ...engine import RLM
from ...prompts import Profile, load_profile
from ...protocols import Model
from ..tasks import Instance
from .base import (
    MESSAGE_OVERHEAD_TOKENS, PROMPT_MARGIN_TOKENS, Meter, Outcome, RunSettings, context_text, fit_head, load_prompts,
)
from .direct import cut_details
from .rlm import limits_for, run_engine

TEXT_SHARE = 0.5  # of the window left after the fixed prompt: the text; the rest is the conversation
MAX_TURN_REPLY_TOKENS = 384  # code replies are short: one block, cut after it
MAX_TURN_OUTPUT_CHARS = 1_500
OUTPUT_CHARS_PER_TOKEN = 3  # conservative: printed output is often numbers and punctuation

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)

PROMPTS = load_prompts("codeact")  # system, first_user (Jinja: the engine's profiles are Jinja too)


def profile_for(text: str, cut_note: str) -> Profile:
    """The small profile's turn templates, with CodeAct's system prompt and the text in the first message."""
    base = load_profile("small")
    return dataclasses.replace(
        base, name="codeact", description="CodeAct: the text in the prompt and in a REPL",
        templates={**base.templates, "system": _ENV.from_string(PROMPTS["system"]),
                   "first_user": _ENV.from_string(PROMPTS["first_user"], globals={"text": text, "cut_note": cut_note})},
    )


def plan(instance: Instance, model: Model) -> tuple[str, Profile, dict[str, Any]]:
    """How much text fits, and the turns the rest of the window allows."""
    text = context_text(instance.context)
    empty = profile_for("", "only its first 50% fits")
    fixed_text = empty.render("system") + empty.render("first_user", question=instance.question)
    answer_now = empty.render("answer_now", reason="the deadline of 1000000s passed during a root call")
    fixed = model.count_tokens(fixed_text) + model.count_tokens(answer_now) + 4 * MESSAGE_OVERHEAD_TOKENS
    free = model.context_window - fixed - PROMPT_MARGIN_TOKENS
    if free <= 256:
        raise ValueError(f"{model.name}'s window of {model.context_window:,} tokens is too small for codeact")
    text_room = int(free * TEXT_SHARE)
    conversation = free - text_room
    reply_tokens = min(MAX_TURN_REPLY_TOKENS, conversation // 4)
    output_chars = min(MAX_TURN_OUTPUT_CHARS, conversation // 4 * OUTPUT_CHARS_PER_TOKEN)
    per_turn = reply_tokens + output_chars // OUTPUT_CHARS_PER_TOKEN + 2 * MESSAGE_OVERHEAD_TOKENS
    turns = max(1, (conversation - reply_tokens) // per_turn)  # then the answer-now reply
    head = fit_head(text, model.count_tokens, text_room)
    details = cut_details(text, head, model)
    note = (f"only its first {details['kept_fraction']:.0%} fits here; the rest, about "
            f"{details['cut_tokens']:,} tokens, is not shown") if details["cut_chars"] else ""
    details.update(turns=turns, turn_reply_tokens=reply_tokens, turn_output_chars=output_chars)
    return head, profile_for(head, note), details


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    head, profile, details = await asyncio.to_thread(plan, instance, model)
    meter.details.update(details)
    limits = limits_for(meter, settings, suite_overrides=False, max_sub_calls=0, max_depth=0,
                        max_iterations=details["turns"],
                        max_reply_tokens=details["turn_reply_tokens"],
                        max_output_chars=details["turn_output_chars"])
    rlm = RLM(model=model, limits=limits, profile=profile, sandbox=settings.sandbox, log=settings.trajectory_path)
    outcome = await run_engine(rlm, head or " ", instance.question, meter)
    outcome.details = {**details, **outcome.details}
    return outcome
