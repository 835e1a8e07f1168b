"""S-NIAH asked in other words: one fact among thousands of facts of the same kind, asked for in a
phrasing that shares no content word with the sentence that holds it.

The context is a facility log, one dated line per entry: "[2024-03-17] At Dunmore Depot, the vault's
access code is 4471-KQ." Every site has a few facts (an access code, a wifi password, a night manager,
an emergency line, a loading bay), each written with one of several phrasings of its kind. The question
asks for one site's fact with another phrasing of the same kind ("What is the combination that opens the
safe at Dunmore Depot?"), drawn per seed so that no phrasing pair is learnable, and sharing no content
word with the line that answers it.

A literal search misleads, as it does on real input: other sites' lines of the same kind use the
question's own phrasing; look-alike sites (one vowel changed: "Dunmere Depot") hold the same kind of fact
in the question's words; the asked site has notes in the question's words that hold no value, and other
facts. The answer is one site's value: a reply naming it and a lure (the look-alikes' and other sites'
values in the question's words, the site's other facts) hedges and scores 0 (`exact_choice`).

This is the failure of small roots measured in issue 12: searching the question's own words, finding
nothing, and answering "not found".
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from typing import Any, Callable

from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.names import NameBook
from recursivelm.bench.tasks.sniah import KEY_NOUNS
from recursivelm.bench.tokens import chars_for_tokens

NAME = "sniah-paraphrase"

# Each kind of fact: how a question asks for it, and the phrasings (noun phrases) that name it. A text
# line and a question may use any phrasing; the needle's and the question's share no word stem.
KINDS: dict[str, dict[str, Any]] = {
    "code": {"wh": "What is", "phrasings": (
        "the vault's access code", "the combination that opens the safe", "the keypad PIN for the strongroom",
        "the unlock sequence of the secure cabinet", "the number that releases the lockbox",
        "the cipher for the treasury door",
    )},
    "wifi": {"wh": "What is", "phrasings": (
        "the wifi password", "the passphrase for the wireless network", "the secret word for the guest hotspot",
        "the login key of the internet connection", "the credential that joins the visitor LAN",
    )},
    "manager": {"wh": "Who is", "phrasings": (
        "the night manager", "the supervisor of the overnight crew", "the person in charge after dark",
        "the duty officer for late hours", "the boss of the graveyard shift",
    )},
    "hotline": {"wh": "What is", "phrasings": (
        "the emergency hotline", "the phone line to ring in a crisis", "the urgent contact telephone",
        "the number to dial when disaster strikes", "the helpline for accidents",
    )},
    "dock": {"wh": "What is", "phrasings": (
        "the loading dock", "the bay where trucks unload", "the berth for incoming freight",
        "the platform that receives deliveries", "the goods entrance for suppliers",
    )},
}
KIND_NAMES = tuple(KINDS)

FACILITIES = ("Depot", "Archive", "Clinic", "Station", "Warehouse", "Observatory", "Library", "Workshop",
              "Terminal", "Laboratory", "Hangar", "Garage")

# A fact line: where the site and the phrasing go. Every template fits every kind.
FACT_TEMPLATES = (
    "At {site}, {phrase} is {value}.",
    "{site}: {phrase} is {value}.",
    "{Phrase} at {site} is now {value}.",
    "Noted for {site}: {phrase} is {value}.",
    "{site} confirms that {phrase} is {value}.",
    "Update from {site}: {phrase} changed to {value}.",
)
# A note names a site and a phrasing but holds no value of that kind.
NOTE_TEMPLATES = (
    "{site} asked staff not to share {phrase} with visitors.",
    "A reminder from {site}: {phrase} is reviewed every month.",
    "Visitors at {site} keep asking about {phrase}.",
    "{site} will revise {phrase} next quarter.",
    "Nobody at {site} could remember {phrase} during the audit.",
)
QUESTION_TEMPLATE = (
    "The context is a log of dated entries from many sites.\n\n"
    "{wh} {phrase} at {site}? Answer with the value only."
)

FACTS_PER_SITE = (2, 4)  # kinds of fact a site has besides the asked kind, at most one value per kind
NOTE_RATE = 0.2  # chance a site also has a note
LOOKALIKE_SITES = 2  # sites one vowel away from the asked site, with the asked kind in the question's words
ASKED_SITE_NOTES = 2  # notes at the asked site in the question's words
# Other sites' values of the asked kind in the question's words kept as lures in the gold (the first ones).
MAX_LURES = 12
FIRST_DATE_ORDINAL = 738_886  # 2024-01-01
DAYS_SPANNED = 720

SETTINGS = (
    Setting("kind", "random", "which kind of fact to ask for; random draws one from the seed",
            ("random", *KIND_NAMES)),
    Setting("depth", None, "where the answering line goes, 0.0 (start) to 1.0 (end); None draws it from the seed"),
)

_WORD = re.compile(r"[a-z]+")
STOP_WORDS = frozenset(
    "the a an of for to that at in on is are was who what which when where after with by into its it's s"
    .split()
)


def stems(phrase: str) -> set[str]:
    """Content words of a phrase, cut to five letters so "unlock" meets "unlocks" and "lock" stays apart."""
    return {word[:5] for word in _WORD.findall(phrase.lower()) if word not in STOP_WORDS}


def _value_makers(rng: random.Random, book: NameBook) -> dict[str, Callable[[], str]]:
    letters = string.ascii_uppercase
    return {
        "code": lambda: f"{rng.randint(1000, 9999)}-{rng.choice(letters)}{rng.choice(letters)}",
        "wifi": lambda: f"{rng.choice(KEY_NOUNS)}-{rng.randint(1000, 9999)}",
        "manager": book.person,
        "hotline": lambda: f"0{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        "dock": lambda: f"Bay {rng.randint(1, 999)}-{rng.choice(letters)}",
    }


class _Log:
    """Draws sites, unique values and lines; every choice from the caller's rng."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.book = NameBook(rng)
        self.makers = _value_makers(rng, self.book)
        self.values: set[str] = set()

    def site(self) -> str:
        return f"{self.book.city()} {self.rng.choice(FACILITIES)}"

    def lookalike(self, site: str) -> str:
        city, facility = site.rsplit(" ", 1)
        return f"{self.book.near_miss(city)} {facility}"

    def value(self, kind: str) -> str:
        while True:
            value = self.makers[kind]()
            if value not in self.values:
                self.values.add(value)
                return value

    def fact(self, site: str, kind: str, phrase: str | None = None) -> tuple[str, str]:
        phrase = phrase or self.rng.choice(KINDS[kind]["phrasings"])
        value = self.value(kind)
        template = self.rng.choice(FACT_TEMPLATES)
        line = template.format(site=site, phrase=phrase, Phrase=phrase[0].upper() + phrase[1:], value=value)
        return line, value

    def note(self, site: str, kind: str, phrase: str | None = None) -> str:
        phrase = phrase or self.rng.choice(KINDS[kind]["phrasings"])
        return self.rng.choice(NOTE_TEMPLATES).format(site=site, phrase=phrase)

    def site_lines(self, site: str, exclude: str | None = None) -> list[tuple[str, str | None]]:
        """A site's facts (line, value) and maybe a note (line, None)."""
        kinds = [k for k in KIND_NAMES if k != exclude]
        lines: list[tuple[str, str | None]] = [
            self.fact(site, kind) for kind in self.rng.sample(kinds, min(len(kinds), self.rng.randint(*FACTS_PER_SITE)))
        ]
        if self.rng.random() < NOTE_RATE:
            lines.append((self.note(site, self.rng.choice(KIND_NAMES)), None))
        return lines


def _phrasing_pair(rng: random.Random, kind: str) -> tuple[str, str]:
    """(the needle's phrasing, the question's): two phrasings of `kind` with no word stem in common, and
    none of the needle's in the rest of the question either."""
    phrasings = KINDS[kind]["phrasings"]
    frame = stems(QUESTION_TEMPLATE.format(wh=KINDS[kind]["wh"], phrase="", site=""))
    pairs = [(a, b) for a in phrasings for b in phrasings if a != b and not stems(a) & (stems(b) | frame)]
    return rng.choice(pairs)


def _dated(lines: list[str], rng: random.Random) -> list[str]:
    """Lines prefixed with non-decreasing dates, as a log reads."""
    days = sorted(rng.randrange(DAYS_SPANNED) for _ in lines)
    return [f"[{dt.date.fromordinal(FIRST_DATE_ORDINAL + day).isoformat()}] {line}" for day, line in zip(days, lines)]


DATE_PREFIX_CHARS = len("[2024-01-01] ")


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    kind = settings["kind"] if settings["kind"] != "random" else rng.choice(KIND_NAMES)
    depth = settings["depth"] if settings["depth"] is not None else rng.random()
    if not 0.0 <= depth <= 1.0:
        raise ValueError(f"{NAME}: depth must be within [0, 1], got {depth}")
    log = _Log(rng)
    needle_phrase, question_phrase = _phrasing_pair(rng, kind)

    site = log.site()
    needle, answer = log.fact(site, kind, needle_phrase)
    # The lines that make a literal search mislead, scattered like the rest: notes at the asked site in
    # the question's words, its other facts, and look-alike sites with the asked kind in those words.
    own = log.site_lines(site, exclude=kind)
    lures = [log.note(site, kind, question_phrase) for _ in range(ASKED_SITE_NOTES)]
    lures += [line for line, _ in own]
    lure_values = [value for _, value in own if value]
    for _ in range(LOOKALIKE_SITES):
        other = log.lookalike(site)
        line, value = log.fact(other, kind, question_phrase)
        lures += [line, *(line for line, _ in log.site_lines(other, exclude=kind))]
        lure_values.append(value)

    def cost(line: str) -> int:
        return len(line) + DATE_PREFIX_CHARS + 1

    budget = chars_for_tokens(target_tokens)
    used = sum(cost(line) for line in [needle, *lures])
    # Other sites; some hold the asked kind in the question's words (their values are lures too).
    filler: list[tuple[str, str | None]] = []
    while used < budget:
        other = log.site()
        lines = log.site_lines(other, exclude=kind)
        if rng.random() < 0.5:
            phrase = question_phrase if rng.random() < 0.3 else None
            lines.insert(rng.randint(0, len(lines)), log.fact(other, kind, phrase) + (phrase,))
        for entry in lines:
            filler.append(entry)
            used += cost(entry[0])
    while filler and used > budget:  # the length is met from below, to the line
        used -= cost(filler.pop()[0])
    lure_values += [entry[1] for entry in filler if len(entry) == 3 and entry[2] is not None][:MAX_LURES]
    lines = [entry[0] for entry in filler]
    for line in lures:
        lines.insert(rng.randint(0, len(lines)), line)
    lines.insert(round(depth * len(lines)), needle)
    context = "\n".join(_dated(lines, rng))

    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=QUESTION_TEMPLATE.format(wh=KINDS[kind]["wh"], phrase=question_phrase, site=site),
        gold={"answer": answer, "choices": [answer, *dict.fromkeys(lure_values)]},
        scorer="exact_choice",
        metadata={
            "kind": kind,
            "site": site,
            "needle": needle,
            "needle_phrase": needle_phrase,
            "question_phrase": question_phrase,
            "depth": depth,
            "needle_offset": context.index(needle),
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="A needle asked in other words than the text's, among facts of the same kind and literal lures.",
    settings=SETTINGS,
    build=build,
    scorers=("exact_choice",),
)
