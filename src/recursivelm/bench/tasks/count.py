"""Counts that need a pattern over the whole text: how many sentences report on one thing of one town.

The context is a regional news digest: paragraphs of short sentences, each about one thing (a ferry, a
library, a bakery, ...) of one town, written in several sentence shapes ("The ferry of Dunmore reopened
...", "Dunmore's ferry ...", "In Dunmore, the ferry ...", "Ferry news from Dunmore: ..."). The question
asks how many sentences report on the <thing> of <town>, in framing words no sentence uses, so a literal
search of the question finds nothing; a pattern over the sentence shapes, or reading every sentence,
finds them all.

What makes it as hard as real text: the same thing in other towns, other things in the same town, a
look-alike town one vowel away ("Dunmere") with the same thing, and sentences naming the town and the
thing that report on another town's ("Visitors from Dunmore said the ferry of Brimley ..."). A sentence
that reports on the thing of the town names that town and no other; every other sentence naming both
names a second town. The truth is typically tens to about a hundred (fewer in short texts), scored with
OOLONG's partial credit (`numeric_decay`: 0.75 per unit off).

This is the failure of small roots measured in issue 12: `re.findall(r"report on the ferry of X", context)`,
zero matches, answer 0.
"""

from __future__ import annotations

import random
from typing import Any

from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.names import NameBook
from recursivelm.bench.tokens import chars_for_tokens

NAME = "count"

THINGS = ("ferry", "library", "bakery", "bridge", "market", "clinic", "school", "harbour", "museum", "stadium",
          "orchard", "brewery", "railway", "theatre", "reservoir", "zoo")

# What a thing did: lower case, no town and no thing in them.
EVENTS = (
    "reopened after a week of repairs", "raised its prices again", "hired two new staff members",
    "was praised by visitors", "closed early on Sunday", "received a fresh coat of paint", "drew a large crowd",
    "reported a small budget surplus", "changed its opening hours", "was inspected without complaint",
    "lost power for an hour", "hosted a charity morning", "won a regional award", "faced complaints about noise",
    "celebrated its anniversary", "cut its waiting times", "asked for volunteers", "installed new lighting",
    "was briefly flooded", "posted record numbers", "stayed open late for the festival",
    "welcomed a new director", "was closed for a private event", "ran out of tickets by noon",
)

# A sentence reporting on `thing` of `town`: it names that town and no other.
REPORT_TEMPLATES = (
    "The {thing} of {town} {event}.",
    "{town}'s {thing} {event}.",
    "In {town}, the {thing} {event}.",
    "The {town} {thing} {event}.",
    "{Thing} news from {town}: it {event}.",
    "Locals in {town} say their {thing} {event}.",
    "According to the council of {town}, the local {thing} {event}.",
)
# Sentences that name `town` and `thing` but report on another town's: they always name a second town.
CROSS_TEMPLATES = (
    "Visitors from {town} said the {thing} of {other} {event}.",
    "A reporter from {town} wrote that {other}'s {thing} {event}.",
    "Unlike the {thing} of {other}, the {second} of {town} {event}.",
)
# Sentences about a town and no thing.
TOWN_TEMPLATES = (
    "It rained in {town} for most of the week.",
    "The mayor of {town} gave a short speech.",
    "Roadworks slowed traffic through {town}.",
    "{town} held its spring fair.",
)
# How a question frames "report on": none of these words are in any sentence shape.
FRAMINGS = (
    "How many sentences report on the {thing} of {town}?",
    "How many sentences are about the {thing} of {town}?",
    "How many sentences give news of the {thing} of {town}?",
    "How many sentences deal with the {thing} of {town}?",
)
QUESTION_TEMPLATE = (
    "The context is a regional news digest in paragraphs of short sentences.\n\n{framing} Answer with a number."
)

TRUTH_RANGE = (20, 100)  # at most len(REPORT_TEMPLATES) * len(EVENTS) distinct sentences
TYPICAL_SENTENCE_CHARS = 60
# In a short text the truth is at most this share of its sentences.
MAX_TRUTH_SHARE = 0.1
# Per matching sentence: look-alike sentences, cross mentions and the town's other things.
LOOKALIKE_SHARE = 0.25
CROSS_SHARE = 0.1
TOWN_OTHER_SHARE = 0.5
TOWN_SENTENCE_RATE = 0.1  # sentences about a town and no thing
TOWNS_PER_SENTENCES = 1 / 40  # more towns in longer texts, so each pair stays rare
TOWNS_RANGE = (6, 300)
PARAGRAPH_SENTENCES = (3, 7)

SETTINGS = (
    Setting("cross_mentions", True,
            "include sentences that name the town and the thing but report on another town's thing"),
)


def _sentence(rng: random.Random, template: str, **slots: str) -> str:
    thing = slots.get("thing", "")
    return template.format(Thing=thing.capitalize(), event=rng.choice(EVENTS), **slots)


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    budget = chars_for_tokens(target_tokens)
    expected = budget // TYPICAL_SENTENCE_CHARS
    truth = min(rng.randint(*TRUTH_RANGE), max(2, int(expected * MAX_TRUTH_SHARE)))
    book = NameBook(rng)
    towns = [book.city() for _ in range(min(max(TOWNS_RANGE[0], int(expected * TOWNS_PER_SENTENCES)),
                                           TOWNS_RANGE[1]))]
    town, thing = towns[0], rng.choice(THINGS)
    lookalike = book.near_miss(town)
    others = towns[1:]
    other_things = [t for t in THINGS if t != thing]

    # Distinct sentences: a digest does not repeat itself word for word, and a reader who drops repeats
    # must not be punished for it.
    matching: list[str] = []
    while len(matching) < truth:
        sentence = _sentence(rng, rng.choice(REPORT_TEMPLATES), thing=thing, town=town)
        if sentence not in matching:
            matching.append(sentence)
    lures = [_sentence(rng, rng.choice(REPORT_TEMPLATES), thing=thing, town=lookalike)
             for _ in range(max(1, round(truth * LOOKALIKE_SHARE)))]
    lures += [_sentence(rng, rng.choice(REPORT_TEMPLATES), thing=rng.choice(other_things), town=town)
              for _ in range(max(1, round(truth * TOWN_OTHER_SHARE)))]
    if settings["cross_mentions"]:
        lures += [_sentence(rng, rng.choice(CROSS_TEMPLATES), thing=thing, town=town, other=rng.choice(others),
                            second=rng.choice(other_things))
                  for _ in range(max(1, round(truth * CROSS_SHARE)))]
    fixed = [*matching, *lures]

    def cost(sentence: str) -> float:  # its space, and its share of the paragraph breaks
        return len(sentence) + 1 + 2 / (PARAGRAPH_SENTENCES[0] + PARAGRAPH_SENTENCES[1])

    used = sum(cost(s) for s in fixed)
    filler: list[str] = []
    while used < budget:
        if rng.random() < TOWN_SENTENCE_RATE:
            sentence = rng.choice(TOWN_TEMPLATES).format(town=rng.choice(towns))
        else:
            pair_town, pair_thing = rng.choice(towns + [lookalike]), rng.choice(THINGS)
            if (pair_town, pair_thing) == (town, thing):
                continue
            sentence = _sentence(rng, rng.choice(REPORT_TEMPLATES), thing=pair_thing, town=pair_town)
        filler.append(sentence)
        used += cost(sentence)
    while filler and used > budget:  # met from below, to about a sentence
        used -= cost(filler.pop())
    entries = [(sentence, i < truth) for i, sentence in enumerate([*fixed, *filler])]
    rng.shuffle(entries)

    # Paragraphs of a few sentences; where each matching sentence starts is kept for checking.
    paragraphs: list[str] = []
    offsets: list[int] = []
    position = 0
    start = 0
    while start < len(entries):
        chunk = entries[start:start + rng.randint(*PARAGRAPH_SENTENCES)]
        for sentence, is_match in chunk:
            if is_match:
                offsets.append(position)
            position += len(sentence) + 1  # a space, or the first of the paragraph break's newlines
        position += 1
        paragraphs.append(" ".join(sentence for sentence, _ in chunk))
        start += len(chunk)
    context = "\n\n".join(paragraphs)
    framing = rng.choice(FRAMINGS).format(thing=thing, town=town)
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=QUESTION_TEMPLATE.format(framing=framing),
        gold=truth,
        scorer="numeric_decay",
        metadata={
            "thing": thing,
            "town": town,
            "lookalike_town": lookalike,
            "towns": towns,
            "framing": framing,
            "num_sentences": len(entries),
            "matching_offsets": offsets,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="Count the sentences that report on one thing of one town, written in several shapes, with look-alikes.",
    settings=SETTINGS,
    build=build,
    scorers=("numeric_decay",),
)
