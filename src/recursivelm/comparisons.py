"""Which of two things a question names came first, or measures more, settled by code (`answer`, through
records.settled: count_table() in the REPL and the small profile's first reading).

"Which happened first, the data-centre migration or the security audit?" over a long text that dates each in
a sentence (14 May 2023, 2 February 2023): the 1.5B reader, shown both sentences, named the one it was shown
first (bench/issue12/fresh_probe.py, set I). Code compares them:

- the question: "which / what / who ... <first, earlier, later, older, longer, larger, ...>, X or Y?";
- each of X and Y: the sentences holding the most of its words, at least half ("the start of the bridge
  repairs": "The bridge repairs began on ...");
- "first", "earlier", "later", "older", "newer" ...: the one date those sentences write ("14 May 2023", "May 14,
  2023", "2023-05-14", "May 2023", or a year alone where they write no other date), X's against Y's;
- "longer", "larger", "higher", "heavier" ...: the one number both write with the same unit ("412 metres");
- "how many days (weeks, months, years) passed between X and Y?": the days between the one full date each
  writes.

- "which crew member joined the expedition last?" (no "X or Y"): of the sentences holding the most words of what
  was done, each writing one date and one name, the name of the latest (earliest) date (`_which_dated`).

Where either has no sentence, or its sentences write several dates or numbers in that unit, or the two are
equal, no answer: the passages are read. Nothing here knows a task.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from .counted import Counted
from .measures import measurements
from .per_context import cached
from .querywords import query_terms
from .periods import MONTH_NAMES, MONTH_WORD
from .tables import plain_number
from .wordcounts import SentenceWords

MAX_SENTENCES = 6  # a thing named in more sentences than this is a topic of the text, not one dated fact
_EARLIER = ("first", "earlier", "earliest", "sooner", "before", "older", "oldest")
_LATER = ("later", "last", "latest", "more recently", "most recently", "after", "newer", "newest")
_MORE = ("longer", "longest", "larger", "largest", "bigger", "biggest", "higher", "highest", "taller", "tallest",
         "heavier", "heaviest", "wider", "widest", "deeper", "deepest", "greater", "more expensive", "costlier")
_LESS = ("shorter", "shortest", "smaller", "smallest", "lower", "lowest", "lighter", "lightest", "narrower",
         "shallower", "cheaper", "cheapest")
_WORDS = "|".join(sorted((*_EARLIER, *_LATER, *_MORE, *_LESS), key=len, reverse=True)).replace(" ", r"\s+")
_WHICH_OF_TWO = re.compile(rf"^\W*(?:which|what|who)\b[^?]*?\b(?P<cmp>{_WORDS})\b[^?]*?[,:]\s*(?:was it\s+)?"
                           rf"(?P<a>[^?,]+?),?\s+or\s+(?P<b>[^?]+?)\s*\??\s*$", re.I)
# "Was the bridge reopened before the festival began?", "Is the Tana bridge longer than the Alta bridge?": yes or no.
_THAN_WORDS = "|".join(sorted((*_MORE, *_LESS, "earlier", "later", "sooner", "older", "newer"), key=len, reverse=True))
_WAS_IT = re.compile(rf"^\W*(?:was|were|is|are|did|does|do|has|had|have)\s+(?P<a>[^?]+?)\s+"
                     rf"(?P<cmp>before|after|(?:{_THAN_WORDS})\s+than)\s+(?P<b>[^?]+?)\s*\??\s*$", re.I)
_MONTH = rf"(?P<mon>{MONTH_WORD})\.?"
_DATES = (  # each gives a year, and a month and day where written
    re.compile(r"\b(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH}\s+(?P<y>\d{{4}})\b", re.I),
)
_YEAR = re.compile(r"\b(?P<y>1[5-9]\d\d|20\d\d)\b")
# "Which crew member joined the expedition last?", "who arrived first?": of many dated sentences, the name of the
# latest (earliest).
_WHICH_WHEN = re.compile(r"^\W*(?:(?:which|what)\s+(?:[\w-]+\s+){0,2}?|who\s+)(?P<done>[^?]*?)\s+(?P<cmp>first|last|earliest"
                         r"|latest|most recently)\s*\??\s*$", re.I)
_NAME_RUN = re.compile(r"\b[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*")
_MONTHS = {name[:3] for name in MONTH_NAMES}
MIN_DATED, MAX_DATED = 3, 40  # fewer dated sentences are read by a reader; more are a topic's, not a list's
DATED_SHARE = 0.5  # ...and this share of the sentences holding the words must each write one date and one name
# "How many days passed between the start of the repairs and the reopening?": the days between two dates.
_BETWEEN = re.compile(r"^\W*how many\s+(?P<unit>days|weeks|months|years)\s+(?:(?:passed|elapsed|went by|were there|are there|lie)\s+)?"
                      r"between\s+(?P<a>.+?)\s+and\s+(?P<b>[^?]+?)\s*\??\s*$", re.I)


def _dates(sentence: str) -> set[tuple[int, int, int]]:
    """The dates a sentence writes, as (year, month, day); 0 for a month or day it does not write. A year
    alone counts only where the sentence writes no fuller date."""
    found: dict[tuple[int, int], tuple[int, int, int]] = {}  # by where it starts: "May 2023" inside "14 May 2023"
    for pattern in _DATES:
        for m in pattern.finditer(sentence):
            if any(start <= m.start() < end for start, end in found):
                continue
            parts = m.groupdict()
            month = int(parts["mo"]) if parts.get("mo") else MONTH_NAMES.index(parts["mon"][:3].lower()) + 1
            found[m.span()] = (int(parts["y"]), month, int(parts.get("d") or 0))
    if not found:
        return {(int(y), 0, 0) for y in _YEAR.findall(sentence)}
    return set(found.values())


def _sentences_of(sentences: SentenceWords, thing: str) -> list[str]:
    """The sentences holding the most of the thing's words, at least half of them: "the start of the bridge
    repairs" is "The bridge repairs began on ..." (bridge, repairs)."""
    terms = query_terms(thing)
    held: dict[int, int] = {}
    for term in terms:
        for i in sentences.postings.get(term, ()):
            held[i] = held.get(i, 0) + 1
    most = max(held.values(), default=0)
    if not terms or 2 * most < len(terms):
        return []
    return [sentences.sentences[i] for i in sorted(held) if held[i] == most]


def _which_dated(context: Any, asked: re.Match) -> Counted | None:
    """For "which crew member joined the expedition last?" ("who ... first?"): the sentences holding every word of
    what was done (_sentences_of: "joined", "expedition"), each writing one date and one name (capitalised
    words the text never writes in lower case, months aside); the name of the latest (earliest) date. The 1.5B
    reader was shown some of them (set T's kinds). None where fewer than MIN_DATED or more than MAX_DATED sentences
    are such, or on a tie."""
    sentences = cached(context, SentenceWords)
    mine = _sentences_of(sentences, asked["done"])  # "crew member joined the expedition": joined, expedition
    dated = []
    for text in mine:
        names = [run for run in _NAME_RUN.findall(text)
                 if all(w.lower() not in sentences.lower and w[:3].lower() not in _MONTHS for w in run.split())]
        days = _dates(text)
        if len(names) == 1 and len(days) == 1:
            dated.append((next(iter(days)), names[0], text.strip()))
    if not MIN_DATED <= len(dated) <= MAX_DATED or len(dated) < DATED_SHARE * len(mine):
        return None
    latest = asked["cmp"].lower() in _LATER
    ranked = sorted(dated, reverse=latest)
    if ranked[0][0] == ranked[1][0]:
        return None
    shown = "\n".join(f"  {_shown(day, 'date')}: {name}, in: {text}" for day, name, text in ranked)
    facts = (f"Read by code over every sentence ({sentences.count:,}): sentences holding the most words of "
             f"{asked['done']!r} ({len(mine)}), with one date and one name: {len(dated)}, "
             f"{'latest' if latest else 'earliest'} first:\n{shown}")
    return Counted(facts, ranked[0][1])


def answer(context: Any, question: str) -> Counted | None:
    """For "which ... first / longer ..., X or Y?": X or Y, by the dates or numbers code reads; for "how many days
    passed between X and Y?": the days between their dates (rules above). None for any other question, or where
    code cannot tell."""
    if not isinstance(context, (str, list, dict)):
        return None
    if (between := _BETWEEN.match(question.strip())):
        return _between(context, between)
    if (yes_no := _WAS_IT.match(question.strip())):
        return _yes_or_no(context, yes_no)
    if (dated := _WHICH_WHEN.match(question.strip())) and not _WHICH_OF_TWO.match(question.strip()):
        return _which_dated(context, dated)
    asked = _WHICH_OF_TWO.match(question.strip())
    found = _two_things(context, asked) if asked else None
    if found is None:
        return None
    things, theirs = found
    comparing = re.sub(r"\s+", " ", asked["cmp"].lower())
    read = _values(theirs, comparing)
    if read is None:
        return None
    (a, b), unit = read
    pick = 0 if (a < b) == (comparing in _EARLIER or comparing in _LESS) else 1
    return Counted(_facts(things, (a, b), unit, theirs), things[pick])


def _yes_or_no(context: Any, asked: re.Match) -> Counted | None:
    """"Was the bridge reopened before the festival began?", "Is the Tana bridge longer than the Alta bridge?": yes
    where the first thing's date or number is on the side the comparison says of the second's."""
    found = _two_things(context, asked)
    if found is None:
        return None
    things, theirs = found
    comparing = re.sub(r"\s+", " ", asked["cmp"].lower()).removesuffix(" than")
    read = _values(theirs, comparing)
    if read is None:
        return None
    (a, b), unit = read
    return Counted(_facts(things, (a, b), unit, theirs), "Yes" if (a < b) == (comparing in _EARLIER or comparing in _LESS) else "No")


def _values(theirs: list[list[str]], comparing: str) -> tuple[tuple[Any, Any], str] | None:
    """The one date (for "first", "before", "later" ...) or number in one unit (for "longer", "larger" ...) each
    thing's sentences write, and the unit ("date" for dates); None where either writes several or none, or the two
    are equal or cannot be told apart (a year against a date in it)."""
    if comparing in _EARLIER or comparing in _LATER:
        read = [set().union(*(_dates(s) for s in mine)) for mine in theirs]
        unit = "date"
    else:
        per_unit = [{} for _ in theirs]
        for found, mine in zip(per_unit, theirs):
            for sentence in mine:
                for n, u in measurements(sentence):
                    found.setdefault(u.lower(), set()).add(n)
        shared = set(per_unit[0]) & set(per_unit[1])
        if len(shared) != 1:
            return None
        unit = shared.pop()
        read = [found[unit] for found in per_unit]
    if any(len(values) != 1 for values in read):
        return None
    (a,), (b,) = read
    if a == b or (unit == "date" and 0 in (a[1], b[1]) and a[0] == b[0]):
        return None  # the same, or a year against a date in it: which came first is not written
    return (a, b), unit


def _two_things(context: Any, asked: re.Match) -> tuple[list[str], list[list[str]]] | None:
    """The two things a question names (groups a and b, without "the", "a") and the sentences naming each; None
    where either is named in none, or in more than MAX_SENTENCES."""
    things = [re.sub(r"^(?:the|a|an)\s+", "", asked[k].strip(), flags=re.I) for k in ("a", "b")]
    sentences = cached(context, SentenceWords)
    theirs = [_sentences_of(sentences, thing) for thing in things]
    if any(not mine or len(mine) > MAX_SENTENCES for mine in theirs):
        return None
    return things, theirs


def _facts(things: list[str], values: tuple, unit: str, theirs: list[list[str]]) -> str:
    """What code read of each thing, as the root is shown it: its value and the first sentence naming it."""
    shown = "\n".join(f"  {thing!r}: {_shown(value, unit)}, in: {mine[0].strip()[:300]}"
                      for thing, value, mine in zip(things, values, theirs))
    return f"Read by code from the sentences naming each (most of its words), the {unit} each writes:\n{shown}"


def _shown(value: Any, unit: str) -> str:
    if unit != "date":
        return f"{value:g} {unit}"
    year, month, day = value
    return " ".join(str(p) for p in ((day or None), (MONTH_NAMES[month - 1].title() if month else None), year) if p)


def _between(context: Any, asked: re.Match) -> Counted | None:
    """The days (weeks, months, years) between the one full date each of two things' sentences writes."""
    found = _two_things(context, asked)
    if found is None:
        return None
    things, theirs = found
    read = [set().union(*(_dates(s) for s in mine)) for mine in theirs]
    if any(len(dates) != 1 or 0 in next(iter(dates)) for dates in read):
        return None  # several dates, or one without its day: the days between are not written
    (a,), (b,) = read
    days = abs((datetime.date(*b) - datetime.date(*a)).days)
    unit = asked["unit"].lower()
    value = days / {"days": 1, "weeks": 7, "months": 365.25 / 12, "years": 365.25}[unit]
    facts = f"{_facts(things, (a, b), 'date', theirs)}\nbetween them: {days:,} days"
    return Counted(facts, f"{plain_number(round(value, 1))} {unit}")

