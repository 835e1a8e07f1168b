"""Counting the items of a list that meet a condition only a reading tells: `judge()` in the REPL, and the small
profile's first reading for "how many <items> <condition>?" over a list of such items.

"How many reviews complain about slow delivery?" over 160 reviews that say it in five ways ("arrived two weeks
after the promised date", "took forever") and never in the question's words: the reader, shown the ten reviews
that share the most words with the question, counted those (5 for 49; bench/issue12/fresh_probe.py, set I).
No word picks them; each must be read. As `labelling.classify` labels a list by meaning, within a budget:

1. the sub-model answers yes or no for each item of a sample (all of them, where they are no more than
   SAMPLE_ITEMS), shown the item and then asked the question's condition of it, in its own words ("Does this
   review complain about slow delivery?");
2. a word model learnt from those answers (labelling.extend) answers for the rest.

The count is the items answered yes. It is as good as the sub-model's reading of each item, and the word
model's beyond the sample: the facts say how many were read and how many were modelled. Nothing here knows a
task.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from .counted import Counted
from .labelling import MIN_ITEMS, SAMPLE_ITEMS, choose_sample, extend, features_of, items_of, singular, text_of
from .log_lines import stamped
from .reading import says_yes
from .querywords import AGGREGATE_WORDS, named_words, query_terms, said_words
from .tables import table_of
from .wordcounts import asks_count

JUDGE_REPLY_TOKENS = 3  # "Yes." or "No."
ITEM_NOUN_SHARE = 0.5  # the items of a text are its lines where this share of them write the noun ("Review 12")
SHOWN_ITEMS = 5  # items answered yes shown to the root
# The item first, then the question of it: asked "Is this review one of the reviews that complain about slow
# delivery?" with the review after, the 1.5B model said yes to 4 of 7 other complaints ("The lid cracked on day
# one."); asked after the review "Does this review complain about slow delivery?", 12 of 12 right, and 15 of 15
# over tickets about printers and e-mails asking for a refund (bench/RESULTS.md, twenty-fifth step).
JUDGE_PROMPT = "{title}: {item}\n\n{asked} Reply yes or no."
# "How many reviews complain about slow delivery?", "how many tickets were about printers?": the items counted
# (a plural noun) and the condition, in the question's words.
_COUNTED = re.compile(r"^\W*how many\s+(?P<noun>[a-z]+s)\s+(?P<condition>[^?]{3,}?)\s*\??\s*$", re.I)


def asked(context: Any, question: str) -> tuple[str, str] | None:
    """The noun and condition of "how many <items> <condition>?" over a list of such items: a list context, or a
    text (not a table) most of whose lines write the noun; None for any other question or context, or where the
    condition names something (a name, a number)."""
    found = _counted(context, question)
    return found and found[:2]


def _counted(context: Any, question: str) -> tuple[str, str, list[str]] | None:
    """asked()'s noun and condition, and the context's items (read once: every line of a long text)."""
    counted = _COUNTED.match(question.strip())
    if counted is None or asks_count(question) or said_words(question) or table_of(context) is not None:
        return None  # a count of words said ("mention the word late") is code's over the text
    noun, condition = counted["noun"].lower(), counted["condition"]
    if named_words(condition) or not [t for t in query_terms(condition) if t not in AGGREGATE_WORDS]:
        return None  # "did the Lisbon desk escalate": a name picks the records (records.py, wordings.py); "are there": none
    items = items_of(context)
    if len(items) < MIN_ITEMS or (isinstance(context, str) and stamped(items)):
        # A log's lines are events, not the items counted: "how many jobs were started but never finished?" is asked
        # of a job's two lines together, which code over the log's rows reads (first_reading.rows_asked).
        return None
    if not isinstance(context, list):
        written = re.compile(rf"\b{re.escape(singular(noun))}s?\b", re.I)
        if sum(bool(written.search(item)) for item in items) < ITEM_NOUN_SHARE * len(items):
            return None  # lines of a text that are not each one of the items counted
    return noun, condition, items


def asked_of(one: str, condition: str) -> str:
    """The question's condition asked of one item: "Does this review complain about slow delivery?", "Is this
    ticket about printers?" (for "are about printers"), "Was this order late?"."""
    first, _, rest = condition.strip().partition(" ")
    verb = {"are": "Is", "were": "Was", "do": "Does", "did": "Did"}.get(first.lower())
    return f"{verb} this {one} {rest}?" if verb and rest else f"Does this {one} {condition.strip()}?"


def judge(items: Sequence[str], condition: str, noun: str, ask_batch: Callable[..., list[str]],
          sample: int = SAMPLE_ITEMS) -> Counted:
    """How many of `items` meet `condition` (rules above): the facts say how many the sub-model read and what it
    said yes to; the answer is the count."""
    features = features_of(items)
    picked = list(range(len(items))) if len(items) <= sample else choose_sample(features, sample)
    one = singular(noun)
    asked_of_one = asked_of(one, condition)
    prompts = [JUDGE_PROMPT.format(title=one.capitalize(), item=text_of(items[i]), asked=asked_of_one) for i in picked]
    replies = ask_batch(prompts, max_tokens=JUDGE_REPLY_TOKENS)
    known = {i: "yes" if says_yes(str(reply)) else "no" for i, reply in zip(picked, replies)}
    said = extend(features, known, ["yes", "no"]) if len(set(known.values())) > 1 else \
        [known.get(i, next(iter(known.values()), "no")) for i in range(len(items))]
    yes = [i for i, label in enumerate(said) if label == "yes"]
    read_yes = sum(1 for i in picked if known[i] == "yes")
    rest = len(items) - len(picked)
    modelled = f"; the other {rest:,} by a word model learnt from those answers: {len(yes) - read_yes:,} yes" if rest else ""
    shown = "\n".join(f"  {items[i].strip()[:160]}" for i in yes[:SHOWN_ITEMS])
    facts = (f"Each of {len(picked):,} {noun} read by the sub-model, asked whether it is one of the {noun} that "
             f"{condition.strip()}: {read_yes:,} yes{modelled}. {noun.capitalize()} counted: {len(yes):,} of "
             f"{len(items):,}" + (f"; the first:\n{shown}" if shown else ""))
    return Counted(facts, str(len(yes)))


def judge_context(context: Any, question: str, ask_batch: Callable[..., list[str]]) -> Counted | None:
    """judge() over the context's items for the question, where it asks such a count (asked()); else None."""
    found = _counted(context, question)
    if found is None:
        return None
    noun, condition, items = found
    return judge(items, condition, noun, ask_batch)
