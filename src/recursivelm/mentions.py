"""Whether a text mentions a name at all, where it does not (`absent()`), which names of a kind it mentions
(`named()`), and how many lines mention two words together (`two_words()`): settled by code, through count_table() in the REPL and as the small profile's first reading.

"Does the text mention a research vessel called the Corvina?" over 465K characters that never write "Corvina":
the reader said no, rightly; the loop refused the claim of absence as one a search that missed had made, and the
1.5B root, sent to look again, gave a line about another vessel as its answer (bench/issue12/fresh_probe.py,
set F). A search over every character settles absence: the names the question writes (as querywords.named_words
finds them: capitalised, quoted, with a digit; a run of them is one name, "Halcyon Drift"), each as whole words
in any case, the spaces between them any. Where every name is written somewhere, whether the text speaks of
the thing asked about is a reading, not a search: no answer here.

"How many different research vessels does the text mention?", "Which research vessels are mentioned in the
text?", "Which officer does the text mention most often?": the names written right after the noun ("the research vessel Aurora Vale", "a vessel called Sea Lark"),
a run of capitalised words, each once; their number or the names, or the one written most (least) often. The 1.5B reader, shown the passages, listed
or counted those it was shown (bench/issue12/fresh_probe.py, set K). Where the noun is written before no name,
no answer here.
"""

from __future__ import annotations

import re
from collections import Counter
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
# "Which officer does the text mention most often?", "which vessel is mentioned least?": the name of the kind written
# most (least) often.
_MOST_NAMED = re.compile(
    r"^\W*(?:which|what)\s+(?P<noun>[a-z][a-z -]*?)\s+(?:does|do|did)\s+the\s+\w+\s+(?:mention|name|refer to)\s+"
    r"(?:the\s+)?(?P<extreme>most|least|fewest)\b|"
    r"^\W*(?:which|what)\s+(?P<noun2>[a-z][a-z -]*?)\s+(?:is|was)\s+(?:mentioned|named|referred to)\s+(?:the\s+)?"
    r"(?P<extreme2>most|least|fewest)\b", re.I)
MAX_NAMED = 40  # more names of a kind than this: the noun is a common word, not a kind of named thing


def named(context: Any, question: str) -> Counted | None:
    """The names a text writes after the noun the question asks about (rules above): how many, which, or which most
    (least) often; None for any other question, or where no name follows the noun."""
    if (often := _MOST_NAMED.match(question.strip())):
        return _most_named(context, often)
    asked = _NAMES_OF_KIND.match(question.strip())
    if asked is None:
        return None
    noun = next(asked[k] for k in ("counted", "listed", "counted2", "listed2") if asked[k])
    text, one = flat_text(context), re.sub(r"s$", "", noun.strip())
    found = list(dict.fromkeys(_names_after(text, noun)))
    if not found or len(found) > MAX_NAMED:
        return None
    facts = (f"Searched by code over the whole text ({len(text):,} characters): the names written after "
             f"{one!r}, each once: {len(found)}\n" + "\n".join(f"  {name}" for name in found))
    counting = asked["counted"] or asked["counted2"]
    return Counted(facts, str(len(found)) if counting else ", ".join(found))


def _names_after(text: str, noun: str) -> list[str]:
    """Each name written right after the noun ("the research vessel Aurora Vale", "a vessel called Sea Lark"), as
    often as it is: a run of capitalised words after the noun in any case."""
    one = re.sub(r"s$", "", noun.strip())
    pattern = re.compile(r"\b(?i:" + r"\s+".join(map(re.escape, one.split())) + r"\s+(?:called\s+|named\s+)?(?:the\s+)?)"
                         r"(?P<name>[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)")
    return [m["name"] for m in pattern.finditer(text)]


def _most_named(context: Any, asked: re.Match) -> Counted | None:
    """"Which officer does the text mention most often?": of the names written after the noun, the one written most
    (least) often; ties named. The 1.5B reader named one of those it was shown (set U)."""
    noun, most = asked["noun"] or asked["noun2"], (asked["extreme"] or asked["extreme2"]).lower() == "most"
    text = flat_text(context)
    counts = Counter(_names_after(text, noun))
    if len(counts) < 2 or len(counts) > MAX_NAMED:
        return None
    ranked = sorted(counts, key=counts.get, reverse=most)
    best = [n for n in ranked if counts[n] == counts[ranked[0]]]
    facts = (f"Searched by code over the whole text ({len(text):,} characters): the names written after "
             f"{noun.strip()!r}, with how often, {'most' if most else 'least'} first:\n"
             + "\n".join(f"  {n}: {counts[n]}" for n in ranked))
    return Counted(facts, " and ".join(best) + (" (tied)" if len(best) > 1 else ""))


# "How many lines mention both timeout and retry?", "how many sentences mention either Oslo or Lima?", "how many
# entries mention timeout but not retry?": lines (sentences) by the two words they hold.
_TWO_WORDS = re.compile(r"^\W*how\s+many\s+(?P<unit>lines|sentences|entries|notes|messages|records|rows|paragraphs)\s+"
                        r"(?:mention|contain|include|hold|have|refer\s+to|say)\s+(?:(?P<both>both)\s+(?P<a>.+?)\s+and\s+"
                        r"(?P<b>.+?)|(?P<either>either)\s+(?P<a2>.+?)\s+or\s+(?P<b2>.+?)|(?P<a3>.+?)\s+but\s+not\s+(?P<b3>.+?))"
                        r"\s*\??\s*$", re.I)


def two_words(context: Any, question: str) -> Counted | None:
    """How many lines (sentences, for "sentences") hold both of two words or phrases, either, or the first but not
    the second, each whole and in any case; None for another question. The 1.5B reader, shown some lines, counted
    those (set V)."""
    asked = _TWO_WORDS.match(question.strip())
    if asked is None:
        return None
    a, b = ((asked[k] or asked[f"{k}2"] or asked[f"{k}3"]).strip(" '\"") for k in ("a", "b"))
    found_a, found_b = (re.compile(r"(?<![\w-])" + r"\s+".join(map(re.escape, w.split())) + r"(?![\w-])", re.I) for w in (a, b))
    text = flat_text(context)
    unit = asked["unit"].lower()
    pieces = ([s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()] if unit == "sentences"
              else [line for line in text.splitlines() if line.strip()])
    holds = [(bool(found_a.search(piece)), bool(found_b.search(piece))) for piece in pieces]
    if asked["both"]:
        said, n = f"both {a!r} and {b!r}", sum(x and y for x, y in holds)
    elif asked["either"]:
        said, n = f"{a!r} or {b!r} (either)", sum(x or y for x, y in holds)
    else:
        said, n = f"{a!r} but not {b!r}", sum(x and not y for x, y in holds)
    facts = (f"Searched by code over every one of the text's {len(pieces):,} {unit}, as whole words in any case: holding "
             f"{a!r}: {sum(x for x, _ in holds):,}; holding {b!r}: {sum(y for _, y in holds):,}; holding {said}: {n:,}")
    return Counted(facts, str(n))
