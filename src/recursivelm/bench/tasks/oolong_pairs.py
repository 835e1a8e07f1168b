"""OOLONG-Pairs: which pairs of users jointly satisfy a condition on the labels of their items.

Every user posts about a few topics of their own, so per-user topic sets differ. The answer is a set
of user-id pairs (quadratic in the users who qualify), scored by F1 over the pairs a reply lists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from recursivelm.bench.tasks import oolong_items as items_mod
from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.oolong_phrases import LABELS
from recursivelm.bench.tokens import chars_for_tokens

NAME = "oolong-pairs"

# Each user posts about this many topics (inclusive range), drawn per user.
INTERESTS_PER_USER = (2, 4)

CONDITIONS = {
    "both_have_label": "both users posted at least one item about {x}",
    "both_have_labels": "both users posted at least one item about {x} and at least one item about {y}",
    "one_each": (
        "one user posted at least one item about {x} but none about {y}, and the other user posted at least "
        "one item about {y} but none about {x}"
    ),
}

SETTINGS = (
    Setting("condition", "random", "the joint condition; random tries them in a seeded order",
            ("random", *CONDITIONS)),
    Setting("num_users", 30, "distinct users; the candidate pairs grow with its square"),
    Setting("max_gold_pairs", 150, "conditions whose answer has more pairs than this are not asked"),
    Setting("first_date", "2023-01-01", "earliest item date (ISO)"),
    Setting("num_days", 365, "items are dated uniformly over this many days"),
)


def _qualifying_pairs(condition: str, topics: dict[int, set[str]], x: str, y: str) -> set[tuple[int, int]]:
    users = sorted(topics)
    if condition == "both_have_label":
        qualified = [u for u in users if x in topics[u]]
        return set(itertools.combinations(qualified, 2))
    if condition == "both_have_labels":
        qualified = [u for u in users if x in topics[u] and y in topics[u]]
        return set(itertools.combinations(qualified, 2))
    if condition == "one_each":
        only_x = [u for u in users if x in topics[u] and y not in topics[u]]
        only_y = [u for u in users if y in topics[u] and x not in topics[u]]
        return {(min(a, b), max(a, b)) for a in only_x for b in only_y}
    raise ValueError(f"unknown condition {condition!r}")


def _choose_condition(rng: random.Random, setting: str, topics: dict[int, set[str]], max_pairs: int
                      ) -> tuple[str, str, str, set[tuple[int, int]]]:
    """The first (condition, x, y) in a seeded order whose answer has 1..max_pairs pairs.

    If none fits, the one with the fewest (non-zero) pairs: an empty answer tests nothing.
    """
    conditions = list(CONDITIONS) if setting == "random" else [setting]
    candidates = [(c, x, y) for c in conditions for x, y in itertools.permutations(LABELS, 2)]
    rng.shuffle(candidates)
    best: tuple[str, str, str, set[tuple[int, int]]] | None = None
    for condition, x, y in candidates:
        pairs = _qualifying_pairs(condition, topics, x, y)
        if 1 <= len(pairs) <= max_pairs:
            return condition, x, y, pairs
        if pairs and (best is None or len(pairs) < len(best[3])):
            best = (condition, x, y, pairs)
    if best is None:
        raise ValueError("oolong-pairs: no condition has a non-empty answer; raise num_users or target_tokens")
    return best


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    if settings["num_users"] < 2 or settings["num_days"] < 1:
        raise ValueError("oolong-pairs: num_users must be at least 2 and num_days at least 1")
    rng = random.Random(seed)
    users = items_mod.draw_user_ids(rng, settings["num_users"])
    interests = {user: sorted(rng.sample(LABELS, rng.randint(*INTERESTS_PER_USER))) for user in users}
    items = items_mod.generate_items(
        rng,
        chars_for_tokens(target_tokens),
        users,
        lambda user: rng.choice(interests[user]),
        dt.date.fromisoformat(settings["first_date"]),
        settings["num_days"],
    )
    # The gold follows what was written, not the interests: a user may not have reached every topic.
    topics: dict[int, set[str]] = {user: set() for user in users}
    for item in items:
        topics[item.user].add(item.label)
    condition, x, y, pairs = _choose_condition(rng, settings["condition"], topics, settings["max_gold_pairs"])

    question = (
        f"{items_mod.describe_data(len(items))}\n\n"
        f"List every pair of user IDs such that {CONDITIONS[condition].format(x=x, y=y)}. "
        "Give each pair once, smaller ID first, one pair per line, as (ID1, ID2)."
    )
    context = items_mod.render(items)
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=question,
        gold=[list(pair) for pair in sorted(pairs)],
        scorer="pairs_f1",
        metadata={
            "condition": condition,
            "labels": [x] if condition == "both_have_label" else [x, y],
            "num_items": len(items),
            "num_gold_pairs": len(pairs),
            "user_topics": {str(user): sorted(topics[user]) for user in users},
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="OOLONG-Pairs: list the user pairs whose inferred topics jointly meet a condition (F1).",
    settings=SETTINGS,
    build=build,
    scorers=("pairs_f1",),
)
