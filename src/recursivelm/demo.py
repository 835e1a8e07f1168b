"""A generated long document with one fact hidden in it: the demo and the end-to-end tests use it.

Deterministic by seed; any size. The filler is varied prose about a fictional logistics company, so the
fact cannot be found by looking for the only unusual line, only by searching for what the question asks.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .text import CHARS_PER_TOKEN

_SUBJECTS = ["The night shift", "The warehouse team", "A courier", "The audit office", "The Oslo depot",
             "Maintenance", "The planning desk", "A supplier from Porto", "The customs broker", "Fleet control"]
_VERBS = ["reported", "reviewed", "delayed", "rescheduled", "inspected", "approved", "flagged", "logged",
          "forwarded", "cancelled"]
_OBJECTS = ["the weekly pallet count", "a shipment of ceramic tiles", "the cold-storage readings",
            "three overdue invoices", "the route to the northern terminal", "a damaged forklift",
            "the quarterly safety drill", "a batch of spare tyres", "the loading-bay schedule",
            "an urgent order of printer toner"]
_TAILS = ["after a short meeting.", "without further comment.", "because of heavy rain.", "as agreed last week.",
          "pending a second opinion.", "before the morning briefing.", "at the request of head office.",
          "while the scanners were offline.", "ahead of the holiday rush.", "once the paperwork arrived."]
_STATIONS = ["Aldermoor", "Brightwater", "Cinderfell", "Dunmore", "Eastreach", "Foxhollow", "Greywick",
             "Highmarsh", "Ironbridge", "Juniper Point"]


@dataclass(frozen=True)
class NeedleDocument:
    text: str
    question: str
    answer: str
    needle_line: int
    est_tokens: int


def needle_document(target_tokens: int, seed: int = 0, depth: float | None = None) -> NeedleDocument:
    """About `target_tokens` tokens of log prose with one access code hidden at `depth` (0..1)."""
    rng = random.Random(seed)
    station = rng.choice(_STATIONS)
    code = f"{rng.randint(1000, 9999)}-{rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ')}{rng.randint(10, 99)}"
    needle = f"Security note: the access code for the vault at {station} station is {code}."
    target_chars = target_tokens * CHARS_PER_TOKEN
    lines: list[str] = []
    size = 0
    day = 0
    while size < target_chars:
        if len(lines) % 40 == 0:
            day += 1
            line = f"Day {day} log."
        else:
            line = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
        lines.append(line)
        size += len(line) + 1
    at = int((rng.random() if depth is None else depth) * (len(lines) - 1))
    lines.insert(at, needle)
    text = "\n".join(lines) + "\n"
    return NeedleDocument(
        text=text,
        question=f"What is the access code for the vault at {station} station?",
        answer=code,
        needle_line=at + 1,
        est_tokens=len(text) // CHARS_PER_TOKEN,
    )
