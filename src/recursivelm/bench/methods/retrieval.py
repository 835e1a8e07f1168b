"""`bm25` and `bm25-plain`: a retrieval agent on BM25 (the `bm25s` library).

The context is split into passages of about `PASSAGE_TOKENS` (at line ends; a document's passages are
labelled with its key), indexed with BM25 (bm25s, English stop words, no stemming), and searched with
the question. `bm25` first asks the model for a keyword query (one short call) and searches with the
question and that query together; `bm25-plain` searches with the question alone. The best-ranked
passages are added until the window (minus the question and the reply room) is full, then shown to
the model in their original order (a story or a log reads in order) for one answer.

If the budget runs out while the model writes its query, the search uses the question alone and the
answer call is the one answer-now turn (as the RLM engine's); if it runs out during the answer call,
the query ends without an answer.
"""

from __future__ import annotations

import asyncio
from typing import Any

from ...protocols import Message, Model
from ..tasks import Instance
from .base import (
    PROMPT_MARGIN_TOKENS, BudgetExceeded, Meter, Outcome, RunSettings, load_prompts, prompt_tokens, split_passages,
)

PASSAGE_TOKENS = 200  # about 800 characters: a few lines of a log, a paragraph, a short function
CANDIDATES = 400  # passages ranked; the window decides how many are shown
QUERY_TOKENS = 64

PROMPTS = load_prompts("retrieval")  # query_user, system, user, passage, passage_of, nothing_found


def _bm25s():
    try:
        import bm25s
    except ImportError:
        raise RuntimeError("the bm25 methods need the bm25s package: pip install 'recursivelm[bench]'") from None
    return bm25s


class Index:
    """BM25 over the passages of one context."""

    def __init__(self, passages: list[tuple[str, str]]):
        bm25s = _bm25s()
        self.passages = passages
        texts = [f"{label}\n{text}" if label else text for label, text in passages]
        self.retriever = bm25s.BM25()
        self.retriever.index(self._tokenize(texts), show_progress=False)

    @staticmethod
    def _tokenize(texts: list[str]) -> list[list[str]]:
        tokens = _bm25s().tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
        return [t if t else ["_"] for t in tokens]

    def search(self, query: str, k: int) -> list[int]:
        """Passage indices, best first (passages sharing no word with the query are left out)."""
        k = min(k, len(self.passages))
        if k == 0:
            return []
        ids, scores = self.retriever.retrieve(self._tokenize([query]), k=k, show_progress=False)
        return [int(i) for i, s in zip(ids[0], scores[0]) if s > 0]


def answer_messages(passages: str, question: str) -> list[Message]:
    return [{"role": "system", "content": PROMPTS["system"]},
            {"role": "user", "content": PROMPTS["user"].format(passages=passages, question=question)}]


def format_passage(number: int, label: str, text: str) -> str:
    where = PROMPTS["passage_of"].format(label=label) if label else ""
    return PROMPTS["passage"].format(number=number, where=where, text=text.rstrip())


def pack(index: Index, ranked: list[int], model: Model, room: int) -> tuple[str, list[int]]:
    """The best-ranked passages that fit `room` tokens together, in their original order."""
    chosen: list[int] = []
    used = 0
    for i in ranked:
        label, text = index.passages[i]
        cost = model.count_tokens(format_passage(i, label, text)) + 2
        if used + cost > room:
            continue  # a shorter one further down may still fit
        chosen.append(i)
        used += cost
    chosen.sort()
    return "\n\n".join(format_passage(i, *index.passages[i]) for i in chosen), chosen


def build_index(instance: Instance) -> Index:
    return Index(split_passages(instance.context, PASSAGE_TOKENS * 4))


async def _run(instance: Instance, model: Model, settings: RunSettings, meter: Meter, rewrite: bool) -> Outcome:
    index = await asyncio.to_thread(build_index, instance)
    details: dict[str, Any] = {"passages": len(index.passages)}
    meter.details.update(details)
    query = instance.question
    ran_out: BudgetExceeded | None = None
    if rewrite:
        try:
            completion = await meter.complete(
                model, [{"role": "user", "content": PROMPTS["query_user"].format(question=instance.question)}],
                max_tokens=QUERY_TOKENS)
            meter.iterations += 1
            written = completion.text.strip().splitlines()[0] if completion.text.strip() else ""
            details["model_query"] = written
            query = f"{instance.question}\n{written}"
        except BudgetExceeded as e:  # answer from the question's own search
            ran_out = e
    fixed = prompt_tokens(model, answer_messages("", instance.question))
    room = model.context_window - settings.reply_tokens - fixed - PROMPT_MARGIN_TOKENS
    if room <= 0:
        raise ValueError(f"{model.name}'s window of {model.context_window:,} tokens leaves no room for passages")

    def retrieve() -> tuple[str, list[int], list[int]]:
        ranked = index.search(query, CANDIDATES)
        text, chosen = pack(index, ranked, model, room)
        return text, chosen, ranked

    text, chosen, ranked = await asyncio.to_thread(retrieve)
    details.update(ranked=len(ranked), passages_shown=len(chosen), shown_tokens=model.count_tokens(text),
                   shown=chosen[:50])
    meter.details.update(details)
    messages = answer_messages(text or PROMPTS["nothing_found"], instance.question)
    completion = await meter.complete(model, messages, max_tokens=settings.reply_tokens, final=ran_out is not None)
    meter.iterations += 1
    if ran_out is not None:
        details["budget_detail"] = ran_out.detail
    return Outcome(completion.text.strip(), budget=ran_out.budget if ran_out else None, details=details)


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    return await _run(instance, model, settings, meter, rewrite=True)


async def run_plain(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    return await _run(instance, model, settings, meter, rewrite=False)
