"""Whether a text mentions a name at all, where it does not: settled by code (`absent()`), through count_table()
in the REPL and as the small profile's first reading.

"Does the text mention a research vessel called the Corvina?" over 465K characters that never write "Corvina":
the reader said no, rightly; the loop refused the claim of absence as one a search that missed had made, and the
1.5B root, sent to look again, gave a line about another vessel as its answer (bench/issue12/fresh_probe.py,
set F). A search over every character settles absence: the names the question writes (as querywords.named_words
finds them: capitalised, quoted, with a digit; a run of them is one name, "Halcyon Drift"), each as whole words
in any case, the spaces between them any. Where every name is written somewhere, whether the text speaks of
the thing asked about is a reading, not a search: no answer here.
"""

from __future__ import annotations

import re
from typing import Any

from .code_counts import Counted
from .evidence import flat_text
from .querywords import named_words

# "Does the text mention ...", "Is Corvina mentioned ...", "Does the log contain ...": a question of presence.
_ASKS_PRESENCE = re.compile(r"^\W*(?:does|do|did|is|are|was|were|has|have)\b.*\b(?:mention\w*|appear\w*|contain\w*"
                            r"|refer\w*|occur\w*|cite[sd]?|name[sd]?|talk\w* about|speak\w* of|say anything about)\b", re.I)
_WORD = re.compile(r"[\w'-]+")


def names(question: str) -> list[str]:
    """The names a question writes, each a run of its named words ("Halcyon Drift"), in its order."""
    named = named_words(question)
    runs: list[list[str]] = []
    previous_end = -1
    for m in _WORD.finditer(question):
        word = m.group().strip("'-")
        if word.lower() in named:
            joined = runs and previous_end >= 0 and question[previous_end:m.start()].strip() == ""
            runs[-1].append(word) if joined else runs.append([word])
            previous_end = m.end()
        else:
            previous_end = -1
    return [" ".join(run) for run in runs]


def absent(context: Any, question: str) -> Counted | None:
    """For a question of whether the text mentions a name: "No" with what was searched, where some name it writes
    is written nowhere in the text; None for any other question, or where every name is written."""
    if not _ASKS_PRESENCE.search(question) or re.search(r"\bor\b", question, re.I):
        return None  # "does it mention X or Y": which one, not whether
    asked = names(question)
    if not asked:
        return None
    text = flat_text(context)
    missing = [name for name in asked
               if not re.search(r"(?<![\w-])" + r"\s+".join(map(re.escape, name.split())) + r"(?![\w-])", text, re.I)]
    if not missing:
        return None
    said = " or ".join(repr(name) for name in missing)
    facts = (f"Searched by code over the whole text ({len(text):,} characters), as whole words in any case: "
             f"{said} is written nowhere in it")
    return Counted(facts, f"No: the text never mentions {' or '.join(missing)}.")
