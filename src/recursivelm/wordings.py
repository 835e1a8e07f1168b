"""How many records say one kind of thing about a name, where the question's words are not the text's:
`line_kinds()` in the REPL, and the small profile's first reading for such a count.

"How many unsuccessful login attempts were there for the user alice?" over an sshd log: no line says
"unsuccessful" or "login"; 520 say "Failed password for alice". "How many tickets did the Lisbon desk
escalate?": the text says "escalated". Read from a few passages, the 1.5B reader answered 0 and 3 (520 and 37;
bench/issue12/fresh_probe.py). Records of a few kinds are worded alike, so code groups the lines holding the
question's name by their wording (the words most of them share, numbers and ids left out) and counts each
group; the question's words pick the group where their stems name exactly one, else a reader compares the
groups' examples two at a time (the one that wins the most comparisons), or says of each whether the question
counts it. The count is code's.

Only where the name's lines are records: at least MIN_LINES of them, and a few wordings hold nearly all.
A name in a line or two is a fact stated (its passages are read); prose about a name is worded every time
anew. Counts of sentences, lines or mentions are wordcounts.tally's. Nothing here knows a task.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Sequence

from .documents import documents
from .querywords import HOW_MANY, STEM_CHARS, anchor_words, query_terms, verb_forms
from .parsing import options
from .reading import says_yes
from .tables import has_condition
from .wordcounts import asks_count

MIN_LINES = 5  # a name in fewer lines is a fact stated once or twice
MAX_KINDS = 8  # more wordings than this is prose, not records of a few kinds
MIN_KIND_LINES = 3  # a kind of record recurs: a wording of fewer lines is not one
COVERED_SHARE = 0.9  # ...and the MAX_KINDS commonest kinds hold at least this share of the name's lines
COMMON_WORD_SHARE = 0.05  # a word in fewer of the name's lines than this is a slot's value (a city, a host): left out
EXAMPLE_CHARS = 160
# Each kind's example asked about alone, with what the question counts in its own words. On 8 examples of three
# logs (bench/issue12/fresh_probe.py's), given the counted thing ("unsuccessful login attempts") the 1.5B reader
# said right 7 times; given the whole question ("Is this line one of the things the question counts?"), 6 and
# yes to cron sessions as failed logins; shown all kinds at once and asked for the one, 3 of 6 over two orders.
CHECK_PROMPT = "Line: {line}\n\nIs this line about {thing}? Reply yes or no."
# Asked alone, the 1.5B reader says yes too often: to lines answered 200 as "requests for missing pages", to a
# backup "finished OK" as one that did not complete, to "Accepted publickey" as a failed login in one run of
# three. Two kinds at a time, in both orders ("which line is about ...?"), the kind that won more comparisons
# than any other was the counted one in 5 of 6 logs no probe uses and never another (a tie in the sixth; it
# favours the first line, but each kind is first equally often); where kinds tie, the checks one at a time
# decide: 6 of 6 logs then, against 3 of 6 by the checks alone (bench/issue12/kinds_checks.py). Requiring a
# win of every comparison picked 4 of 6, and lost alice's failed logins to the cron line shown first.
PAIR_PROMPT = "Line 1: {first}\n\nLine 2: {second}\n\nWhich line is about {thing}? Reply 1 or 2."
MAX_PAIRED_KINDS = 4  # kinds compared two at a time: k(k-1) short calls, 12 at most
# What a how-many question counts: its words after "how many" ("of" and the name's words left out) up to the
# first word that starts what it says of them: "unsuccessful login attempts" (were there ...), "uploads failed"
# (how many of bob's uploads failed), "tickets" (did the Lisbon desk escalate).
_COUNTED = re.compile(r"\b(?:how many|number of)\s+(?:of\s+)?(?P<thing>.+?)\s*(?:\b(?:were|was|are|is|did|does|do|have|"
                      r"has|had|can|could|will|would|for|in|on|at|by|from|with|to|that|which|who)\b|[?.!]|$)", re.I)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Kind:
    words: frozenset[str]  # the wording: the common words its lines hold
    lines: int
    example: str


class Kinds(list):
    """The name's lines by wording, the commonest first: Kind each."""

    def __init__(self, name: str, kinds: list[Kind], question: str, picked: list[int]):
        super().__init__(kinds)
        self.name, self.question, self.picked = name, question, picked

    def __str__(self) -> str:
        rows = [f"  {k}) {kind.lines:,} lines like: {kind.example}" for k, kind in enumerate(self, 1)]
        head = f"Lines holding {self.name!r} ({sum(k.lines for k in self):,}), by their wording, counted by code:"
        return "\n".join([head, *rows])

    def prompts(self) -> list[str]:
        """What a reader is asked where the question's words pick no one kind: of each kind alone, whether it is
        about what the question counts (CHECK_PROMPT); then, of a few kinds, of each two in both orders, which is
        (PAIR_PROMPT). Shown the kinds as one list, the 1.5B reader picked "1, 3" for failed logins, cron
        sessions among them (bench/issue12/fresh_probe.py)."""
        thing = counted_thing(self.question, self.name)
        checks = [CHECK_PROMPT.format(line=kind.example, thing=thing) for kind in self]
        return checks + [PAIR_PROMPT.format(first=self[i].example, second=self[j].example, thing=thing)
                         for i, j in self._pairs()]

    def _pairs(self) -> list[tuple[int, int]]:
        n = len(self)
        return [(i, j) for i in range(n) for j in range(n) if i != j] if n <= MAX_PAIRED_KINDS else []

    def total(self, replies: Sequence[str] = ()) -> str:
        """The lines of the kinds the question's words picked, or else of the kind that won the most comparisons,
        or else (a tie) of those a reader said yes to (`replies` to `prompts()`, in its order)."""
        chosen = self.picked or self._chosen([str(r) for r in replies])
        return str(sum(self[k - 1].lines for k in chosen)) if chosen else "no kind was picked"

    def _chosen(self, replies: list[str]) -> list[int]:
        checks, compared = replies[:len(self)], replies[len(self):]
        wins = Counter()
        for (i, j), reply in zip(self._pairs(), compared):
            said = re.match(r"\W*(?:line\s*)?([12])\b", reply, re.I)
            if said:
                wins[i if said[1] == "1" else j] += 1
        ranked = wins.most_common(2)
        if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
            return [ranked[0][0] + 1]  # more comparisons won than any other kind
        return [k for k, reply in enumerate(checks, 1) if says_yes(reply)]


def counted_thing(question: str, name: str) -> str:
    """What a how-many question counts, in its words, the name left out (_COUNTED); the question's words
    without the name where it has no such phrase."""
    m = _COUNTED.search(question)
    words = _WORD.findall(m["thing"]) if m else query_terms(question)
    kept = [w for w in words if w.lower() != name and w.lower() != "s"]  # bob's -> bob, s
    return " ".join(kept) or question


def _wording(line: str, common: set[str]) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(line.lower()) if w in common)


def line_kinds(context: Any, question: str) -> Kinds | None:
    """The lines holding the question's name, grouped by wording, for a how-many question that is not a count of
    sentences or lines (asks_count) and lists no lettered options; None where the name's lines are not records
    of a few kinds."""
    if not HOW_MANY.search(question) or asks_count(question) or options(question) or has_condition(question):
        return None  # lettered options: the answer is a letter; a condition (a period, a comparison) is not read here
    lines = [line for _, doc in documents(context) for line in doc.splitlines() if line.strip()]
    named = name_lines(lines, question, query_terms(question), MIN_LINES)
    if named is None:
        return None
    name, mine = named
    if any(n not in name for n in re.findall(r"\d+", question)):
        return None  # a number that is not the name: a condition (a year, an amount) code here does not read
    ranked = by_wording(mine, name)
    if ranked is None or len(ranked) < 2:
        return None
    kinds = [Kind(words, len(group), _cut(group[0])) for words, group in ranked]
    return Kinds(name, kinds, question, picked(kinds, question, name))


@functools.lru_cache(maxsize=256)
def whole_word(word: str) -> re.Pattern:
    """The word, whole and in any case ("alice" in "user=alice", not in "malice")."""
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)


def holding(lines: list[str], word: str) -> list[str]:
    """The lines holding the word, whole and in any case."""
    return [line for line in lines if whole_word(word).search(line)]


def name_lines(lines: list[str], question: str, terms: list[str], fewest: int) -> tuple[str, list[str]] | None:
    """The question's name and the lines holding it: of its words that name something (`anchor_words` of
    `terms`), the one in the fewest lines, at least `fewest` of them and at most half (a word in most lines is
    a field of every record); None where no word is."""
    found = {term: held for term in anchor_words(question, terms)
             if fewest <= len(held := holding(lines, term)) <= len(lines) // 2}
    if not found:
        return None
    name = min(found, key=lambda t: len(found[t]))
    return name, found[name]


def by_wording(lines: list[str], name: str) -> list[tuple[frozenset[str], list[str]]] | None:
    """A name's lines grouped by wording (the words a share of them hold, the name and slot values left out),
    the largest group first; None where a few wordings do not hold nearly all of them (prose, not records)."""
    share = Counter(w for line in lines for w in set(_WORD.findall(line.lower())))
    common = {w for w, n in share.items() if n >= COMMON_WORD_SHARE * len(lines) and w != name}
    groups: dict[frozenset[str], list[str]] = {}
    for line in lines:
        groups.setdefault(_wording(line, common), []).append(line)
    ranked = sorted((g for g in groups.items() if len(g[1]) >= MIN_KIND_LINES), key=lambda g: -len(g[1]))[:MAX_KINDS]
    if not ranked or sum(len(g) for _, g in ranked) < COVERED_SHARE * len(lines):
        return None
    return ranked


def of_the_wording_picked(texts: list[str], question: str, name: str) -> list[str] | None:
    """Of texts holding `name` (lines, sentences), all where they are of one wording (by_wording), else those of
    the one wording the question's words pick (picked); None where they are of no few wordings, or the question
    picks none of several."""
    groups = by_wording(texts, name)
    if groups is None:
        return None
    if len(groups) == 1:
        return texts
    chosen = picked([Kind(words, len(group), group[0]) for words, group in groups], question, name)
    return groups[chosen[0] - 1][1] if chosen else None


def picked(kinds: Sequence[Kind], question: str, name: str) -> list[int]:
    """The one kind (1-based) whose own words (not every kind's) share a stem with a word of the question; []
    where none or several do. The words next to the name say what it is ("the user alice", "the Lisbon desk"),
    not what its lines say: "user" picked alice's cron sessions over her failed passwords."""
    shared = frozenset.intersection(*(k.words for k in kinds))
    words = [w.lower() for w in _WORD.findall(question)]
    beside = {words[j] for i, w in enumerate(words) if w == name for j in (i - 1, i + 1) if 0 <= j < len(words)}
    asked = [t for t in query_terms(question) if t != name and t not in beside and len(t) >= 3]
    forms = {form for t in asked for form in (t, *verb_forms(t))}  # "buy" picks "bought"
    stems = {form[:STEM_CHARS] for form in forms}
    short = {form for form in forms if len(form) < STEM_CHARS}  # "burn" picks "burned", "open" picks "opened"
    hits = [i for i, k in enumerate(kinds, 1)
            if any(w[:STEM_CHARS] in stems or w[:-1] in short or w[:-2] in short for w in k.words - shared)]
    return hits if len(hits) == 1 else []


def _cut(line: str) -> str:
    line = line.strip()
    return line if len(line) <= EXAMPLE_CHARS else line[:EXAMPLE_CHARS] + " ..."
