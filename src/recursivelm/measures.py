"""Measurements in prose, settled by code: a name's highest, lowest, total or average, and which name's is highest
or lowest (`answer`, through records.answer: count_table() in the REPL and the small profile's first reading).

- "what was the highest / lowest / total / average <measure> ... <name>?" over prose whose sentences each report
  a measurement of a name ("On day 3 the inspector measured a water level of 460 cm at the Brekke station."):
  the sentences holding the name and the question's other words, the one number of each written with the unit
  most of them use ("cm"; "day 3" has none), and their extreme, sum or mean. The 1.5B reader, shown some of
  twenty such sentences, answered 410 for 460 (bench/issue12/fresh_probe.py, set D).
- "which <noun> recorded the highest / lowest ...?" (of one reading, or with "total" / "average" of each name's):
  the same over the sentences holding the noun and a word of the question saying what is measured, grouped by
  the name written beside the noun ("at the Brekke station"); the name with the extreme reading, total or mean.
  The 1.5B reader answered "<no information provided>" (set F).

- "how many <unit> of ... did ... <verb> in total?" over sentences that each write a number in that unit: those
  of the one wording the question's words pick ("bought ... litres of fuel", not "burned ... litres of fuel";
  an irregular verb's forms count as its words: querywords.verb_forms), summed. The 1.5B reader, shown the
  sentences its passages held, gave one of them (115 for 4,068; set L).

- "how many <things> ... above 3000 metres?": the sentences writing one number in that unit, the things and the
  question's other words, of the one wording its words pick, counted where their number meets the comparison
  (`count_compared`). The 1.5B reader counted 3 of 5 (set S).

Only where nine in ten of the sentences hold exactly one such number. Nothing here knows a task.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from typing import Any

from .counted import Counted
from .per_context import cached
from .querywords import (AVERAGE, HOW_MANY, LEAST, MOST, STEM_CHARS, TOTAL, bm25s_module, meets, named_words,
                         query_terms)
from .table_rows import COMPARISON
from .tables import plain_number, shown_number
from .wordcounts import SentenceWords
from .wordings import of_the_wording_picked

MIN_MEASURES = 3  # a name measured in fewer sentences is a fact stated: its passages are read
MEASURED_SHARE = 0.9  # ...and this share of its sentences must each hold one number in the common unit
SHOWN_NAMES = 8  # names shown to the root, the extreme first

_EXTREME = re.compile(r"\b(?:highest|lowest|largest|smallest|greatest|biggest|maximum|minimum|peak)\b", re.I)
_HIGH = re.compile(r"\b(?:highest|largest|greatest|biggest|maximum|peak)\b", re.I)
# A number and the unit written after it ("460 cm", "12.5 kg", "3%"), or a sum of money ("$40", "€12.50").
_MEASURE = re.compile(r"(?P<money>[$€£])\s?(?P<amount>\d[\d,]*(?:\.\d+)?)"
                      r"|(?<![\w.])(?P<n>[-+]?\d[\d,]*(?:\.\d+)?)\s?(?P<unit>%|[^\W\d_]+)")
_HOW_MUCH_UNIT = re.compile(r"^\W*how\s+(?:many|much)\s+(?P<unit>[^\W\d_]+)\b", re.I)  # "how many litres ..."
# "how many camps ...", "how many of the expedition's camps ...": what is counted, a sentence each
_HOW_MANY_OF = re.compile(r"^\W*how\s+many\s+(?:of\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+'s\s+)?)?(?P<noun>[^\W\d_]+)\b", re.I)
SHOWN_SENTENCES = 12  # the sentences a count is shown with
_WHICH_NAME = re.compile(r"^\W*which\s+(?P<noun>[^\W\d_]+)\b", re.I)  # "which station recorded ..."


def measurements(sentence: str) -> list[tuple[float, str]]:
    """The numbers of a sentence written with a unit after them (or a currency sign before), with the unit."""
    stop_words = bm25s_module().stopwords.STOPWORDS_EN_PLUS  # "day 3 the": "the" is no unit
    found = []
    for m in _MEASURE.finditer(sentence):
        if m["money"]:
            found.append((float(m["amount"].replace(",", "")), m["money"]))
        elif m["unit"].lower() not in stop_words:
            found.append((float(m["n"].replace(",", "")), m["unit"]))
    return found


def _one_measure_each(sentences: SentenceWords, word: str, terms: list[str]) -> tuple[str, dict[int, float]] | None:
    """The sentences holding `word`, narrowed by the question's other words (`terms`) to those reporting what it
    asks about, and of each the one number written in the unit most of them use; None where fewer than
    MIN_MEASURES, or than MEASURED_SHARE of them, report one."""
    mine = sentences.postings[word]
    for term in terms:
        narrowed = mine & sentences.postings[term]
        if term != word and len(narrowed) >= MIN_MEASURES:
            mine = narrowed
    measured = {i: measurements(sentences.sentences[i]) for i in sorted(mine)}
    units = Counter(unit for found in measured.values() for unit in {u for _, u in found})
    if not units:
        return None
    unit = units.most_common(1)[0][0]
    values = {i: [n for n, u in found if u == unit] for i, found in measured.items()}
    ones = {i: v[0] for i, v in values.items() if len(v) == 1}
    if len(ones) < max(MIN_MEASURES, MEASURED_SHARE * len(mine)):
        return None
    return unit, ones


def _written(unit: str) -> str:
    """How a number in `unit` is written: "{} cm", "{}%", "$" + "{}"."""
    return f"{{}} {unit}" if unit != "%" and unit not in "$€£" else ("{}%" if unit == "%" else unit + "{}")


def _which_measured(context: Any, question: str, noun: str) -> Counted | None:
    """For "which <noun> recorded the highest / lowest <measure>?" (of one reading, or with "total" / "average" of
    each name's): the sentences holding the noun and the question's other words, each reporting one measurement,
    grouped by the name written next to the noun ("at the Brekke station"); the name with the extreme reading,
    or the extreme total or mean. A tie is said."""
    sentences = cached(context, SentenceWords)
    if not sentences.postings.get(noun):
        return None
    found = _one_measure_each(sentences, noun, [t for t in query_terms(question) if sentences.postings.get(t)])
    if found is None:
        return None
    unit, ones = found
    # Some word of the question besides the noun must say what is measured ("water level"): "the highest
    # temperature" over sentences of water levels is no question they answer.
    describing = [t for t in query_terms(question) if t != noun and len(sentences.postings.get(t, ())) < sentences.count]
    if not any(set(ones) <= sentences.postings.get(t, set()) for t in describing):
        return None
    by_name: dict[str, list[float]] = {}
    for i, value in ones.items():
        words = re.findall(r"[\w'-]+", sentences.sentences[i])
        at = [j for j, w in enumerate(words) if w.lower() == noun]
        beside = [words[j + d] for j in at for d in (-1, 1) if 0 <= j + d < len(words)
                  and words[j + d].lower() in sentences.names]
        if len(set(beside)) == 1:
            by_name.setdefault(beside[0], []).append(value)
    if len(by_name) < 2 or sum(map(len, by_name.values())) < MEASURED_SHARE * len(ones):
        return None
    high = bool(_HIGH.search(question) or MOST.search(question))
    mean, total = bool(AVERAGE.search(question)), bool(TOTAL.search(question))
    score = {k: statistics.fmean(v) if mean else sum(v) if total else (max(v) if high else min(v)) for k, v in by_name.items()}
    ranked = sorted(score, key=score.get, reverse=high)
    tied = [k for k in ranked if score[k] == score[ranked[0]]]
    said = "average" if mean else "total" if total else "highest" if high else "lowest"
    rows = "\n".join(f"  {k}: {_written(unit).format(shown_number(score[k]))} ({len(by_name[k])} sentences)"
                     for k in ranked[:SHOWN_NAMES])
    facts = (f"Read by code over every sentence ({sentences.count:,}): sentences holding {noun!r} with one number in "
             f"{unit}: {len(ones)}; by the name beside {noun!r}, each one's {said}, {'highest' if high else 'lowest'} "
             f"first:\n{rows}")
    return Counted(facts, ranked[0] if len(tied) == 1 else f"{' and '.join(tied)} (tied)")


def _unit_total(context: Any, question: str) -> Counted | None:
    """For "how many <unit> of ... did ... <verb> in total?" ("how many litres of fuel did the expedition buy in
    total?"): the sentences writing a number in that unit and the question's other words, of the one wording its
    words pick where they are of several ("bought ... litres" and "burned ... litres"), summed. None where the
    question asks no total in a unit, fewer than MIN_MEASURES sentences write it, or no one wording is picked."""
    asked = _HOW_MUCH_UNIT.match(question)
    if asked is None or not TOTAL.search(question):
        return None
    unit = asked["unit"].lower()
    sentences = cached(context, SentenceWords)
    if not sentences.postings.get(unit):
        return None
    found = _one_measure_each(sentences, unit, [t for t in query_terms(question) if sentences.postings.get(t)])
    if found is None or found[0].lower() != unit:
        return None
    _, ones = found
    texts = [sentences.sentences[i] for i in ones]
    kept = of_the_wording_picked(texts, question, unit)
    if kept is None:
        return None
    several = len(kept) < len(texts)
    kept = set(kept)
    ones = {i: v for i, v in ones.items() if sentences.sentences[i] in kept}
    total = sum(ones.values())
    first = sentences.sentences[min(ones)].strip()
    facts = (f"Read by code over every sentence ({sentences.count:,}): sentences with one number in {unit}"
             f"{' of the wording the question picks' if several else ''}: {len(ones)}, such as:\n  {first}\n"
             f"their total: {shown_number(total)} {unit}")
    return Counted(facts, f"{plain_number(total)} {unit}")


def count_compared(context: Any, question: str) -> Counted | None:
    """For "how many <things> ... above 3000 metres?" ("how many of the expedition's camps were pitched above 3000
    metres?"): the sentences writing one number in the unit the comparison names and the question's other words,
    of the one wording its words pick, counted where their number meets it. The 1.5B reader counted 3 of 5 (set
    S). None where the question compares no number written with a unit, or fewer than MIN_MEASURES sentences
    report one."""
    compared = COMPARISON.search(question)
    unit = re.match(r"\s*(?P<unit>[^\W\d_]+)", question[compared.end():]) if compared else None
    if unit is None or not HOW_MANY.search(question) or not _HOW_MANY_OF.match(question):
        return None
    word = unit["unit"].lower()
    sentences = cached(context, SentenceWords)
    if not sentences.postings.get(word):
        return None
    terms = [t for t in query_terms(COMPARISON.sub(" ", question)) if sentences.postings.get(t) and t != word]
    found = _one_measure_each(sentences, word, terms)
    if found is None or found[0].lower() != word:
        return None
    ones = found[1]
    kept = of_the_wording_picked([sentences.sentences[i] for i in ones], question, word)
    counted = _HOW_MANY_OF.match(question)["noun"].lower()
    stem = counted.removesuffix("s")[:STEM_CHARS]  # "camps" in "pitched camp 5"
    if not kept or not all(stem in s.lower() for s in kept):
        return None  # "how many camps": each sentence must say what it counts
    kept_set = set(kept)
    ones = {i: v for i, v in ones.items() if sentences.sentences[i] in kept_set}
    op, n = compared["op"].lower(), float(compared["n"].replace(",", ""))
    met = [i for i, v in ones.items() if meets(v, op, n)]
    shown = "".join(f"\n  {sentences.sentences[i].strip()}" for i in met[:SHOWN_SENTENCES])
    facts = (f"Read by code over every sentence ({sentences.count:,}): sentences with one number in {word} and "
             f"{counted!r}: {len(ones)}; of them {op} {compared['n']} {word}: {len(met)}{':' if met else ''}{shown}")
    return Counted(facts, str(len(met)))


def answer(context: Any, question: str) -> Counted | None:
    """The extreme, total or mean of a name's measurements in prose, or a total in the unit a question asks (rules
    above); None where the question asks none of those, or the sentences do not each report one number in one
    unit."""
    if (in_unit := _unit_total(context, question)):
        return in_unit
    high, total, mean = bool(_HIGH.search(question)), bool(TOTAL.search(question)), bool(AVERAGE.search(question))
    if (which := _WHICH_NAME.match(question)) and (_EXTREME.search(question) or MOST.search(question)
                                                  or LEAST.search(question)):
        return _which_measured(context, question, which["noun"].lower())
    if (bool(_EXTREME.search(question)) + total + mean != 1
            or re.match(r"^\W*(?:which|who|when|where)\b", question, re.I)):  # "who ...": not one name's
        return None
    sentences = cached(context, SentenceWords)
    terms = [t for t in query_terms(question) if sentences.postings.get(t)]
    named = [t for t in terms if t in named_words(question) and len(sentences.postings[t]) >= MIN_MEASURES]
    if not named:
        return None
    name = min(named, key=lambda t: len(sentences.postings[t]))
    found = _one_measure_each(sentences, name, terms)
    if found is None:
        return None
    unit, ones = found
    written = _written(unit)
    if total or mean:
        value = sum(ones.values()) / (len(ones) if mean else 1)
        said = "average" if mean else "total"
        return Counted(f"Read by code over every sentence ({sentences.count:,}): sentences holding {name!r} with one "
                       f"number in {unit}: {len(ones)}; their {said}: {written.format(shown_number(value))}",
                       written.format(plain_number(value)))
    best = (max if high else min)(ones, key=lambda i: ones[i])
    facts = (f"Read by code over every sentence ({sentences.count:,}): sentences holding {name!r} with one number in "
             f"{unit}: {len(ones)}; the {'highest' if high else 'lowest'}: {written.format(shown_number(ones[best]))}, "
             f"in:\n"
             f"  {sentences.sentences[best].strip()}")
    return Counted(facts, written.format(plain_number(ones[best])))
