"""What code read for a question and the answer it gives: what every reading settled by code returns (code_counts,
code_relations, table_answers, records, log_measures, measures, comparisons, mentions, judging), shown to the root
as its facts and then its answer; and whether those facts read the whole question (`read_whole`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .querywords import CHANGING


@dataclass
class Counted:
    """What code counted for a question (`facts`, shown to the root) and the answer it gives (`answer`: an
    option's letter, or the number where the question lists no options)."""
    facts: str
    answer: str

    def __str__(self) -> str:
        return f"{self.facts}\nAnswer: {self.answer}"


# The words that turn a question's meaning, each beside the words a reading that read it writes in its facts
# ("!= Sales", "email missing", "referred to nowhere", "defaults to 10", "price_2024 less price_2023"). Each kind
# of reading declines the wordings it does not read, one at a time; these caught what none declined: "started but
# never finished" over a log read as the lines holding 'started' (466 for 32), "zero stock in at least one
# warehouse" as the products held in one warehouse or more (40 for 8), "whose price changed the most times" as the
# largest total price (probe sets Z and AA): each a confident answer to another question.
_NEGATION = (re.compile(r"\b(?:no|not|never|without|zero|none|nobody|nothing|neither|nor)\b|n't\b", re.I),
             # a default is the value a call without the parameter gets
             re.compile(r"!=|\b(?:no|not|never|without|missing|nowhere|none|excluding|other than|empty|lacking"
                        r"|defaults?)\b", re.I))
_CHANGE = (re.compile(CHANGING, re.I), re.compile(CHANGING + r"|\b(?:less|minus|difference)\b|[+\u2212-]\d", re.I))
TURNING_WORDS = (_NEGATION, _CHANGE)
_ASIDE = re.compile(r"\([^()]*\)")
_ASKING = re.compile(r"[^.?!\n]*\?")  # a sentence that asks


def read_whole(question: str, found: Counted | None) -> Counted | None:
    """`found`, where its facts speak to each kind of word in `question` that turns its meaning (TURNING_WORDS);
    None where they leave one out: code answered another question, and the root's own code or a reader may read it."""
    if found is None:
        return None
    # What the question asks, not how it wants the answer: "(keywords such as metaclass= are not bases)", "Do not
    # explain." (codetree) turn nothing a reading computes.
    plain = _ASIDE.sub(" ", question)
    asked_part = " ".join(_ASKING.findall(plain)) or plain
    for asked, read in TURNING_WORDS:
        if asked.search(asked_part) and not read.search(found.facts):
            return None
    return found
