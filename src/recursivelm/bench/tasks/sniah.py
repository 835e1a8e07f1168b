"""S-NIAH: one needle in a haystack, as RULER's niah_single tasks.

A sentence "One of the special magic numbers for <key> is: <number>." is planted at a seeded depth of a
noise or essay haystack; the question asks for the number. Scored by containment, as RULER does.
"""

from __future__ import annotations

import random
from typing import Any

from recursivelm.bench import haystacks
from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tokens import chars_for_tokens

NAME = "sniah"

NEEDLE_TEMPLATE = "One of the special magic numbers for {key} is: {value}."
QUESTION_TEMPLATE = (
    "Some special magic numbers are hidden within the text. "
    "What is the special magic number for {key} mentioned in the text? Answer with the number only."
)

# Keys are "adjective-noun" pairs as in RULER's word keys: 50 x 50 = 2,500 distinct keys.
KEY_ADJECTIVES = (
    "amber", "brave", "calm", "dusty", "eager", "faint", "gentle", "hollow", "icy", "jolly", "keen",
    "lively", "mellow", "narrow", "odd", "pale", "quiet", "rapid", "silent", "tidy", "upbeat", "vivid",
    "wary", "young", "zesty", "bitter", "crisp", "dense", "early", "fuzzy", "grand", "hasty", "idle",
    "jagged", "kind", "lucky", "misty", "noble", "open", "proud", "rusty", "sharp", "tender", "unusual",
    "vast", "witty", "yellow", "zealous", "ancient", "bold",
)
KEY_NOUNS = (
    "anchor", "badger", "candle", "dolphin", "engine", "falcon", "garden", "harbor", "island", "jacket",
    "kettle", "lantern", "meadow", "needle", "orchard", "pepper", "quarry", "ribbon", "saddle", "tunnel",
    "umbrella", "violin", "wagon", "yogurt", "zipper", "blanket", "compass", "dragon", "feather", "glacier",
    "hammer", "igloo", "jungle", "kitten", "ladder", "marble", "nugget", "otter", "pillow", "quilt",
    "rocket", "shovel", "teapot", "unicorn", "valley", "walrus", "yacht", "zebra", "beacon", "cactus",
)

SETTINGS = (
    Setting("haystack", "noise", "background text: RULER's repeated noise sentences or Paul Graham essays",
            haystacks.HAYSTACK_KINDS),
    Setting("depth", None, "where the needle goes, 0.0 (start) to 1.0 (end); None draws it from the seed"),
    Setting("value_digits", 7, "digits in the magic number"),
)


def _draw_key(rng: random.Random) -> str:
    return f"{rng.choice(KEY_ADJECTIVES)}-{rng.choice(KEY_NOUNS)}"


def _draw_value(rng: random.Random, digits: int) -> str:
    return str(rng.randint(10 ** (digits - 1), 10**digits - 1))


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    if settings["value_digits"] < 1:
        raise ValueError("sniah: value_digits must be at least 1")
    rng = random.Random(seed)
    depth = settings["depth"] if settings["depth"] is not None else rng.random()
    if not 0.0 <= depth <= 1.0:
        raise ValueError(f"sniah: depth must be within [0, 1], got {depth}")
    key = _draw_key(rng)
    value = _draw_value(rng, settings["value_digits"])
    needle = NEEDLE_TEMPLATE.format(key=key, value=value)

    haystack = haystacks.build_haystack(
        settings["haystack"], chars_for_tokens(target_tokens) - haystacks.planted_chars([needle]), rng
    )
    # Essays hold numbers of their own; the answer must occur in the context exactly once.
    while value in haystack:
        value = _draw_value(rng, settings["value_digits"])
        needle = NEEDLE_TEMPLATE.format(key=key, value=value)
    context, (needle_offset,) = haystacks.plant_sentences(haystack, [needle], [depth])

    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=QUESTION_TEMPLATE.format(key=key),
        gold=value,
        scorer="contains",
        metadata={
            "needle": needle,
            "depth": depth,
            "needle_offset": needle_offset,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="Single needle in a haystack (RULER niah_single): find one planted magic number.",
    settings=SETTINGS,
    build=build,
    scorers=("contains",),
)
