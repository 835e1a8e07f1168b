"""OOLONG: aggregate over thousands of short items whose labels must be inferred one by one.

Questions: how many items have a label (overall, for one user, within a date window), which label is
most or least frequent, and whether one label is more or less frequent than another. Counts are scored
with OOLONG's partial credit (0.75 ** |error|); labels and comparisons exactly.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from recursivelm.bench.tasks import oolong_items as items_mod
from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.oolong_phrases import LABELS
from recursivelm.bench.tokens import chars_for_tokens

NAME = "oolong"

QUESTION_TYPES = (
    "label_count", "most_frequent", "least_frequent", "comparison", "user_label_count", "window_label_count",
)

# Labels are drawn with weights 1, 1 + step, 1 + 2 * step, ... (shuffled per seed) so frequencies
# differ clearly and the most and least frequent labels are rarely close.
LABEL_WEIGHT_STEP = 0.25
# Date windows for window_label_count span this many days (inclusive bounds).
WINDOW_DAYS_RANGE = (30, 120)

COMPARISON_CHOICES = {
    "more": ["more common", "more frequent", "greater", "higher"],
    "fewer": ["less", "less common", "less frequent", "lower"],
    "same": ["equal", "the same", "same number", "as many", "tie", "tied"],
}

SETTINGS = (
    Setting("question_type", "random", "which question to ask; random draws one from the seed",
            ("random", *QUESTION_TYPES)),
    Setting("num_users", 50, "distinct users the items are spread over"),
    Setting("first_date", "2023-01-01", "earliest item date (ISO)"),
    Setting("num_days", 365, "items are dated uniformly over this many days"),
)


def _label_weights(rng: random.Random) -> dict[str, float]:
    weights = [1.0 + i * LABEL_WEIGHT_STEP for i in range(len(LABELS))]
    rng.shuffle(weights)
    return dict(zip(LABELS, weights))


def _make_extreme_unique(items: list[items_mod.Item], rng: random.Random, most: bool) -> None:
    """Relabel a few items so exactly one label is the most (or least) frequent: the gold must be one."""
    while True:
        counts = items_mod.label_counts(items)
        extreme = max(counts.values()) if most else min(counts.values())
        tied = sorted(label for label, count in counts.items() if count == extreme)
        if len(tied) == 1:
            return
        keep, other = tied[0], tied[1]
        # Moving one item between two tied labels separates them by two; the rest of the tie stays
        # on the far side of `keep`.
        source, target = (other, keep) if most else (keep, other)
        index = max(i for i, item in enumerate(items) if item.label == source)
        items[index] = items_mod.relabel(items[index], target, rng)


def _count(items: list[items_mod.Item], label: str, user: int | None = None,
           window: tuple[dt.date, dt.date] | None = None) -> int:
    return sum(
        1
        for item in items
        if item.label == label
        and (user is None or item.user == user)
        and (window is None or window[0] <= item.date <= window[1])
    )


def _ask(question_type: str, items: list[items_mod.Item], users: list[int], settings: dict[str, Any],
         rng: random.Random) -> tuple[str, Any, str, dict[str, Any]]:
    """(question, gold, scorer, metadata) for one question type over the final items."""
    label = rng.choice(LABELS)
    if question_type == "label_count":
        question = f"How many items are about {label}? Answer with a number."
        return question, _count(items, label), "numeric_decay", {"label": label}
    if question_type in ("most_frequent", "least_frequent"):
        counts = items_mod.label_counts(items)
        pick = max if question_type == "most_frequent" else min
        answer = pick(counts, key=counts.__getitem__)
        word = "most" if question_type == "most_frequent" else "fewest"
        question = f"Which topic has the {word} items? Answer with the topic name only."
        return question, {"answer": answer, "choices": items_mod.label_choices()}, "exact_choice", {}
    if question_type == "comparison":
        first, second = rng.sample(LABELS, 2)
        a, b = _count(items, first), _count(items, second)
        answer = "more" if a > b else "fewer" if a < b else "same"
        question = (
            f"Are there more, fewer, or the same number of items about {first} compared with items about "
            f"{second}? Answer with one word: more, fewer, or same."
        )
        gold = {"answer": answer, "choices": COMPARISON_CHOICES}
        return question, gold, "exact_choice", {"labels": [first, second]}
    if question_type == "user_label_count":
        user = rng.choice(users)
        question = f"How many items about {label} did user {user} post? Answer with a number."
        return question, _count(items, label, user=user), "numeric_decay", {"label": label, "user": user}
    if question_type == "window_label_count":
        first_date = dt.date.fromisoformat(settings["first_date"])
        span = min(rng.randint(*WINDOW_DAYS_RANGE), settings["num_days"])
        start = first_date + dt.timedelta(days=rng.randrange(settings["num_days"] - span + 1))
        end = start + dt.timedelta(days=span - 1)
        question = (
            f"How many items about {label} are dated between {items_mod.format_date(start)} and "
            f"{items_mod.format_date(end)}, both days included? Answer with a number."
        )
        gold = _count(items, label, window=(start, end))
        return question, gold, "numeric_decay", {"label": label, "window": [start.isoformat(), end.isoformat()]}
    raise ValueError(f"unknown question type {question_type!r}")


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    if settings["num_days"] < 1:
        raise ValueError("oolong: num_days must be at least 1")
    rng = random.Random(seed)
    question_type = settings["question_type"]
    if question_type == "random":
        question_type = rng.choice(QUESTION_TYPES)
    users = items_mod.draw_user_ids(rng, settings["num_users"])
    weights = _label_weights(rng)
    labels, label_weights = list(weights), list(weights.values())
    items = items_mod.generate_items(
        rng,
        chars_for_tokens(target_tokens),
        users,
        lambda _user: rng.choices(labels, label_weights)[0],
        dt.date.fromisoformat(settings["first_date"]),
        settings["num_days"],
    )
    if question_type in ("most_frequent", "least_frequent"):
        _make_extreme_unique(items, rng, most=question_type == "most_frequent")
    question, gold, scorer, question_facts = _ask(question_type, items, users, settings, rng)
    context = items_mod.render(items)
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=f"{items_mod.describe_data(len(items))}\n\n{question}",
        gold=gold,
        scorer=scorer,
        metadata={
            "question_type": question_type,
            "num_items": len(items),
            "label_counts": items_mod.label_counts(items),
            **question_facts,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="OOLONG-style aggregation: count, rank and compare labels inferred from thousands of posts.",
    settings=SETTINGS,
    build=build,
    scorers=("numeric_decay", "exact_choice"),
)
