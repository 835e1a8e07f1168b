"""Made-up names for made-up worlds: people, companies, cities, rivers, regions.

Invented names keep a model from answering from memory: the facts exist only in the context. Every
name a `NameBook` hands out is unique within it, and `near_miss` makes look-alikes (one vowel changed,
or a company's suffix swapped) for distractors.
"""

from __future__ import annotations

import random

FIRST_NAMES = (
    "Marta", "Jonas", "Ines", "Tomas", "Elena", "Viktor", "Nadia", "Oskar", "Lena", "Pavel", "Sofia", "Emil",
    "Clara", "Anton", "Hanna", "Felix", "Irene", "Lukas", "Mira", "Bruno", "Alma", "Kasper", "Vera", "Hugo",
    "Ada", "Matteo", "Nora", "Rafael", "Greta", "Simon", "Leah", "Dario", "Ilse", "Noah", "Petra", "Jakob",
    "Olga", "Teo", "Rosa", "Milan", "Selma", "Aron", "Livia", "Gustav", "Yara", "Ruben", "Edith", "Caspar",
)

# Word parts: a name is two or three onset+vowel syllables and an optional coda.
ONSETS = ("b", "br", "c", "d", "dr", "f", "g", "gr", "h", "k", "l", "m", "n", "p", "r", "s", "st", "t", "tr",
          "v", "z", "th", "sh", "qu")
VOWELS = ("a", "e", "i", "o", "u")
CODAS = ("", "", "n", "r", "l", "s", "th", "x", "m", "nd")
SYLLABLES_RANGE = (2, 3)

COMPANY_SUFFIXES = ("Systems", "Labs", "Works", "Dynamics", "Analytics", "Holdings", "Foods", "Logistics",
                    "Robotics", "Energy", "Textiles", "Instruments", "Media", "Materials")
CITY_SUFFIXES = ("", "", "port", "ford", "haven", "burg", "dale", "mouth", "field", "ton", "wick", "mere")

# Attempts to find an unused name before giving up: the name space is far larger than any world.
MAX_NAME_ATTEMPTS = 1_000


class NameBook:
    """Hands out unique names; all choices come from the caller's rng."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def _word(self) -> str:
        syllables = self.rng.randint(*SYLLABLES_RANGE)
        word = "".join(self.rng.choice(ONSETS) + self.rng.choice(VOWELS) for _ in range(syllables))
        return (word + self.rng.choice(CODAS)).capitalize()

    def _unique(self, make) -> str:
        for _ in range(MAX_NAME_ATTEMPTS):
            name = make()
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of unique names")

    def person(self) -> str:
        return self._unique(lambda: f"{self.rng.choice(FIRST_NAMES)} {self._word()}")

    def company(self) -> str:
        return self._unique(lambda: f"{self._word()} {self.rng.choice(COMPANY_SUFFIXES)}")

    def city(self) -> str:
        return self._unique(lambda: (self._word() + self.rng.choice(CITY_SUFFIXES)).capitalize())

    def river(self) -> str:
        return self._unique(self._word)

    def region(self) -> str:
        return self._unique(self._word)

    def near_miss(self, name: str) -> str:
        """A new name that differs from `name` by one vowel of its last word, or, for a company, by
        its suffix ("Norvane Labs" for "Norvane Systems")."""
        words = name.split(" ")
        if words[-1] in COMPANY_SUFFIXES and self.rng.random() < 0.5:
            return self._unique(
                lambda: " ".join([*words[:-1], self.rng.choice([s for s in COMPANY_SUFFIXES if s != words[-1]])])
            )
        target = len(words) - 1 if words[-1] not in COMPANY_SUFFIXES else len(words) - 2
        word = words[target]
        # Not the first letter: look-alikes keep their initial, as misremembered names do.
        vowel_positions = [i for i, ch in enumerate(word) if ch in VOWELS and i > 0]
        if not vowel_positions:
            raise ValueError(f"no vowel to change in {name!r}")

        def variant() -> str:
            i = self.rng.choice(vowel_positions)
            changed = word[:i] + self.rng.choice([v for v in VOWELS if v != word[i]]) + word[i + 1:]
            return " ".join(words[:target] + [changed] + words[target + 1:])

        return self._unique(variant)
