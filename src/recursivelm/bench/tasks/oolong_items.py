"""The labelled items OOLONG-style tasks aggregate over: one dated post by one user per line.

A line reads "Date: Mar 04, 2023 || User: 48213 || Instance: <text>", as in OOLONG's synthetic
splits. The label is never written: it is the topic of the text (see oolong_phrases).
"""

from __future__ import annotations

import datetime as dt
import random
import string
from dataclasses import dataclass
from typing import Callable

from recursivelm.bench.tasks.oolong_phrases import (
    CLOSERS,
    LABEL_ALIASES,
    LABELS,
    MONEY_SLOTS,
    NUMBER_SLOTS,
    OPENERS,
    SLOTS,
    TEMPLATES,
)

DATE_FORMAT = "%b %d, %Y"  # "Mar 04, 2023", OOLONG's date style
LINE_TEMPLATE = "Date: {date} || User: {user} || Instance: {text}"
LINE_SEPARATOR = "\n"
USER_ID_RANGE = (10_000, 99_999)  # five-digit ids: easy to tell from counts and dates
# Draws that may overflow the budget before the list is closed: the last ones fill the gap.
FILL_ATTEMPTS = 20


@dataclass
class Item:
    date: dt.date
    user: int
    label: str
    text: str

    def line(self) -> str:
        return LINE_TEMPLATE.format(date=format_date(self.date), user=self.user, text=self.text)


def format_date(date: dt.date) -> str:
    return date.strftime(DATE_FORMAT)


def _template_fields(template: str) -> list[str]:
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


# Parsed once: rendering tens of thousands of posts must not re-parse templates.
_FIELDS = {label: [_template_fields(t) for t in templates] for label, templates in TEMPLATES.items()}


class PostWriter:
    """Writes a fresh post about a given topic, every choice drawn from the caller's rng."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def _slot_value(self, field: str, taken: dict[str, str]) -> str:
        if field in NUMBER_SLOTS:
            return str(self.rng.randint(*NUMBER_SLOTS[field]))
        if field in MONEY_SLOTS:
            return f"${self.rng.randint(*MONEY_SLOTS[field]):,}"
        if field.endswith("2") and field[:-1] in SLOTS:
            first = taken.get(field[:-1])
            return self.rng.choice([v for v in SLOTS[field[:-1]] if v != first])
        return self.rng.choice(SLOTS[field])

    def write(self, label: str) -> str:
        index = self.rng.randrange(len(TEMPLATES[label]))
        values: dict[str, str] = {}
        for field in _FIELDS[label][index]:  # in template order, so "city" is drawn before "city2"
            values[field] = self._slot_value(field, values)
        body = TEMPLATES[label][index].format(**values)
        if body[-1] not in ".?!":
            body += "."
        opener = self.rng.choice(OPENERS)
        text = opener + (body if opener else body[0].upper() + body[1:])
        return text + self.rng.choice(CLOSERS)


def draw_user_ids(rng: random.Random, count: int) -> list[int]:
    available = USER_ID_RANGE[1] - USER_ID_RANGE[0] + 1
    if not 1 <= count <= available:
        raise ValueError(f"num_users must be between 1 and {available}, got {count}")
    return sorted(rng.sample(range(USER_ID_RANGE[0], USER_ID_RANGE[1] + 1), count))


def generate_items(
    rng: random.Random,
    budget_chars: int,
    users: list[int],
    label_for_user: Callable[[int], str],
    first_date: dt.date,
    num_days: int,
) -> list[Item]:
    """Items, one line each, filling `budget_chars` (separators counted) to within about a line.

    Once a drawn item overflows, a few more draws may still find short items that fit the rest.
    """
    writer = PostWriter(rng)
    items: list[Item] = []
    used = 0
    misses = 0
    while misses < FILL_ATTEMPTS:
        user = rng.choice(users)
        label = label_for_user(user)
        date = first_date + dt.timedelta(days=rng.randrange(num_days))
        item = Item(date=date, user=user, label=label, text=writer.write(label))
        cost = len(item.line()) + (len(LINE_SEPARATOR) if items else 0)
        if used + cost > budget_chars:
            misses += 1
            continue
        items.append(item)
        used += cost
    return items


def relabel(item: Item, label: str, rng: random.Random) -> Item:
    """The same user and date, with a fresh post about `label` (used to break ties in the gold)."""
    return Item(date=item.date, user=item.user, label=label, text=PostWriter(rng).write(label))


def render(items: list[Item]) -> str:
    return LINE_SEPARATOR.join(item.line() for item in items)


def label_counts(items: list[Item]) -> dict[str, int]:
    counts = dict.fromkeys(LABELS, 0)
    for item in items:
        counts[item.label] += 1
    return counts


def label_choices() -> dict[str, list[str]]:
    """The label set as `exact_choice` gold choices, with the spellings that also count."""
    return {label: list(LABEL_ALIASES[label]) for label in LABELS}


DATA_DESCRIPTION = (
    "The context lists {num_items} items, one per line, each formatted as "
    "'Date: <date> || User: <user id> || Instance: <text>'. Every instance's text is about exactly one of "
    "these topics: {labels}. The topic is not written anywhere: infer it from what the text says."
)


def describe_data(num_items: int) -> str:
    return DATA_DESCRIPTION.format(num_items=num_items, labels=", ".join(LABELS))
