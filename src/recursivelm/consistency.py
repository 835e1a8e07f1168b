"""Self-consistency (`RLM(samples=K)`): of K root trajectories' answers, the one with the most evidence.

The rule, in order:
1. Answers are grouped by their normalised form (`normalise`: whitespace, case, surrounding quotes and a
   trailing period do not matter), so "Paris", "paris." and '"Paris"' are one answer given three times.
2. An answer found verbatim (as some sample wrote it, stripped of whitespace, quotes and a trailing period)
   in a cell output of a sample that gave it, or in the context (any document of a list, any path or text
   of a dict or directory), beats every answer found nowhere. Small roots answer from priors: an answer the
   REPL never showed and the input does not hold is the likeliest guess. An error message given as an
   answer ("Error: SyntaxError ...", copied from a failed cell) is found in that cell's output and proves
   nothing: it counts as found nowhere.
3. Among answers equally found (or equally not), the one most samples gave wins (the majority).
4. Ties go to the answer given first; the chosen outcome is that of the earliest sample giving it.
Samples with no answer (failed, FINAL(None)) do not vote; with no answer at all, the first sample's
outcome is the result, as with one sample.

Pure: `choose` reads answers and texts only; engine.py runs the samples and logs the choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from .documents import documents
from .parsing import is_error_text

# An answer shorter than this stands in almost any text ("4", "B"): finding it proves nothing (loop.py
# holds the same floor for answers it checks against what was shown).
MIN_EVIDENCE_CHARS = 2
QUOTES = "\"'`"


@dataclass
class Sample:
    answer: str | None  # the sample's answer, None when it gave none
    outputs: list[str] = field(default_factory=list)  # its cell outputs as shown (its child runs' too)


@dataclass
class Candidate:
    answer: str  # as the first sample giving it wrote it
    samples: list[int]  # 1-based numbers of the samples that gave it
    found: str | None  # "cell output", "context", or None (found nowhere)

    def as_dict(self) -> dict[str, Any]:
        return {"answer": self.answer, "samples": self.samples, "votes": len(self.samples), "found": self.found}


@dataclass
class Choice:
    winner: int  # 0-based index of the sample whose outcome is the result
    candidates: list[Candidate]  # best first


def normalise(answer: str) -> str:
    """The form answers are compared in: case-folded, without surrounding whitespace, quotes or period."""
    return _clean(answer).casefold()


def _clean(answer: str) -> str:
    text = answer
    while True:  # '"Paris".' and "'Paris.'" both end as Paris
        cut = text.strip().strip(QUOTES).removesuffix(".")
        if cut == text:
            return text
        text = cut


def choose(samples: list[Sample], context: Any) -> Choice:
    """The winning sample of `samples` (in the order they ran) by the rule above; `context` is the loaded
    context's value (a str, a list of str, or a dict of name to text)."""
    groups: dict[str, list[int]] = {}
    for index, sample in enumerate(samples):
        if sample.answer is not None and normalise(sample.answer):
            groups.setdefault(normalise(sample.answer), []).append(index)
    if not groups:
        return Choice(winner=0, candidates=[])
    candidates = []
    for indices in groups.values():
        wordings = {_clean(samples[i].answer) for i in indices}
        outputs = [text for i in indices for text in samples[i].outputs]
        candidates.append((indices, Candidate(answer=samples[indices[0]].answer, samples=[i + 1 for i in indices],
                                              found=_where_found(wordings, outputs, context))))
    # Found beats not found; then more votes; then the earlier first sample (sorted() keeps that order).
    candidates.sort(key=lambda c: (c[1].found is None, -len(c[0]), c[0][0]))
    return Choice(winner=candidates[0][0][0], candidates=[c for _, c in candidates])


def _where_found(wordings: set[str], outputs: list[str], context: Any) -> str | None:
    wordings = {w for w in wordings if len(w) >= MIN_EVIDENCE_CHARS and not is_error_text(w)}
    if not wordings:
        return None
    if any(w in text for text in outputs for w in wordings):
        return "cell output"
    if any(w in text for text in _texts(context) for w in wordings):
        return "context"
    return None


def _texts(context: Any) -> Iterator[str]:
    """Every text of the context (documents.documents): the string, each document of a list, each name and
    text of a dict."""
    for label, text in documents(context):
        if isinstance(context, dict):
            yield label
        yield text
