"""Whether a text mentions a name at all, where it does not (`absent()`), and which names of a kind it mentions
(`named()`): settled by code, through count_table() in the REPL and as the small profile's first reading.

"Does the text mention a research vessel called the Corvina?" over 465K characters that never write "Corvina":
the reader said no, rightly; the loop refused the claim of absence as one a search that missed had made, and the
1.5B root, sent to look again, gave a line about another vessel as its answer (bench/issue12/fresh_probe.py,
set F). A search over every character settles absence: the names the question writes (as querywords.named_words
finds them: capitalised, quoted, with a digit; a run of them is one name, "Halcyon Drift"), each as whole words
in any case, the spaces between them any. Where every name is written somewhere, whether the text speaks of
the thing asked about is a reading, not a search: no answer here.

"How many different research vessels does the text mention?", "Which research vessels are mentioned in the
text?": the names written right after the noun ("the research vessel Aurora Vale", "a vessel called Sea Lark"),
a run of capitalised words, each once; their number or the names. The 1.5B reader, shown the passages, listed
or counted those it was shown (bench/issue12/fresh_probe.py, set K). Where the noun is written before no name,
no answer here.
"""

from __future__ import annotations

import re
from typing import Any

from .counted import Counted
from .documents import flat_text
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


# "How many different research vessels does the text mention?", "Which research vessels are mentioned ...?"
_NAMES_OF_KIND = re.compile(
    r"^\W*(?:how many\s+(?:different\s+|distinct\s+|unique\s+|separate\s+)?(?P<counted>[a-z][a-z -]*?s)|which\s+(?P<listed>[a-z][a-z -]*?s))"
    r"\s+(?:does|do|did)\s+the\s+\w+\s+(?:mention|name|list|refer to)\b|"
    r"^\W*(?:how many\s+(?:different\s+|distinct\s+|unique\s+|separate\s+)?(?P<counted2>[a-z][a-z -]*?s)|which\s+(?P<listed2>[a-z][a-z -]*?s))"
    r"\s+(?:are|were)\s+(?:mentioned|named|listed|referred to)\b", re.I)
MAX_NAMED = 40  # more names of a kind than this: the noun is a common word, not a kind of named thing


def named(context: Any, question: str) -> Counted | None:
    """The names a text writes after the noun the question asks about (rules above): how many, or which; None for
    any other question, or where no name follows the noun."""
    asked = _NAMES_OF_KIND.match(question.strip())
    if asked is None:
        return None
    noun = next(asked[k] for k in ("counted", "listed", "counted2", "listed2") if asked[k])
    one = re.sub(r"s$", "", noun.strip())
    # The noun in any case, the name capitalised: "The research vessel Aurora Vale docked".
    pattern = re.compile(r"\b(?i:" + r"\s+".join(map(re.escape, one.split())) + r"\s+(?:called\s+|named\s+)?(?:the\s+)?)"
                         r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")
    text = flat_text(context)
    found = list(dict.fromkeys(m["name"] for m in pattern.finditer(text)))
    if not found or len(found) > MAX_NAMED:
        return None
    facts = (f"Searched by code over the whole text ({len(text):,} characters): the names written after "
             f"{one!r}, each once: {len(found)}\n" + "\n".join(f"  {name}" for name in found))
    counting = asked["counted"] or asked["counted2"]
    return Counted(facts, str(len(found)) if counting else ", ".join(found))

