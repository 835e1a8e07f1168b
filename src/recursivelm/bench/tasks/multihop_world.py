"""The made-up world behind the multihop task: cities on rivers, companies and their founders, and
the encyclopedia-style documents that describe them.

Facts live in a few fixed sentences per document; filler sentences from shared templates surround
them, so every document reads alike and only the facts tell them apart.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from recursivelm.bench.tasks.names import NameBook

# One city per this many expected documents, and one river per this many cities: cities and rivers
# recur across documents, as in a real encyclopedia.
DOCS_PER_CITY = 6
CITIES_PER_RIVER = 2
MIN_CITIES = 12
# Rough size of a document, used only to size the pools of cities and rivers up front.
EXPECTED_DOC_CHARS = 800
# Filler sentences per document (inclusive range).
FLUFF_SENTENCES = (3, 7)

PROFESSIONS = ("engineer", "chemist", "economist", "designer", "physician", "architect", "statistician",
               "geologist", "journalist", "software developer", "agronomist", "materials scientist")
INDUSTRIES = ("logistics", "food processing", "medical devices", "renewable energy", "textile", "software",
              "robotics", "shipping", "publishing", "agricultural machinery", "water treatment", "insurance")
YEARS = (1968, 2021)

PERSON_FLUFF = (
    "{first} is known among colleagues for {trait}.",
    "Outside work, {first} enjoys {hobby}.",
    "{first} studied {subject} before starting a career in {industry}.",
    "In interviews, {first} often credits an early mentor with teaching {lesson}.",
    "{first} has spoken at {n} industry conferences.",
    "A profile in a regional newspaper described {first} as {adjective}.",
    "{first} serves on the board of a small foundation that funds {cause}.",
)
COMPANY_FLUFF = (
    "The company employs roughly {employees} people.",
    "Its best-known product line is a range of {product}.",
    "Analysts describe {name} as {adjective} within the {industry} sector.",
    "The company's annual report highlighted {report_topic}.",
    "{name} has won {n} regional business awards.",
    "Its research group publishes regularly on {subject}.",
    "The firm was briefly listed on a regional exchange in {year}.",
)
CITY_FLUFF = (
    "The old market square hosts a {festival} every {season}.",
    "{name} is known for its {specialty}.",
    "The city's {landmark} dates back to {old_year}.",
    "Local government has invested heavily in {civic_project}.",
    "Tourism peaks in the {season}, when visitors come for the {festival}.",
    "{name} has {n} public libraries and a small university.",
    "The surrounding countryside is known for {countryside}.",
)
FLUFF_SLOTS = {
    "trait": ("meticulous planning", "blunt feedback", "long walking meetings", "an encyclopedic memory",
              "a dry sense of humour", "working unusual hours"),
    "hobby": ("long-distance cycling", "restoring old radios", "amateur astronomy", "choir singing",
              "woodworking", "chess problems"),
    "subject": ("applied mathematics", "industrial chemistry", "economics", "mechanical engineering",
                "linguistics", "marine biology"),
    "lesson": ("patience with suppliers", "the value of small experiments", "how to read a balance sheet",
               "the importance of documentation"),
    "adjective": ("quietly ambitious", "methodical", "unusually cautious", "restless", "well regarded",
                  "hard to pin down"),
    "cause": ("rural schools", "river clean-ups", "music education", "public libraries", "youth apprenticeships"),
    "product": ("industrial sensors", "packaging machines", "water filters", "inventory software",
                "solar inverters", "lab instruments"),
    "report_topic": ("a shift towards export markets", "rising raw material costs", "a new training programme",
                     "investments in automation", "a long dispute with a supplier"),
    "festival": ("lantern festival", "harvest fair", "jazz week", "boat parade", "book market"),
    "season": ("spring", "summer", "autumn", "winter"),
    "specialty": ("smoked fish", "ceramics", "stone bridges", "glassworks", "wool markets", "botanical garden"),
    "landmark": ("cathedral", "clock tower", "covered market", "town hall", "lighthouse", "city wall"),
    "civic_project": ("tram lines", "flood defences", "public housing", "cycle paths", "a new harbour"),
    "countryside": ("orchards", "vineyards", "limestone caves", "wetlands", "sheep farms"),
}


FLUFF_TEMPLATES = {"person": PERSON_FLUFF, "company": COMPANY_FLUFF, "city": CITY_FLUFF}


def _article(word: str) -> str:
    return "an" if word[0].lower() in "aeiou" else "a"


@dataclass
class City:
    name: str
    river: str
    region: str
    population: int


@dataclass
class Company:
    name: str
    industry: str
    founder: str
    hq: City
    year: int
    second_office: City | None = None


@dataclass
class Doc:
    """One corpus document; `kind` says which filler sentences suit it when padding."""

    title: str
    kind: str  # "person" | "company" | "city"
    sentences: list[str]
    known: dict[str, Any]  # slot values its filler sentences must use (its own name)
    fluff_used: set[int]  # filler templates already in it

    @property
    def chars(self) -> int:
        return len(self.title) + len(" ".join(self.sentences))


@dataclass
class Person:
    name: str
    profession: str
    born_in: City
    founded: Company | None = None
    worked_at: Company | None = None

    @property
    def first(self) -> str:
        return self.name.split(" ")[0]


class World:
    """The entities of one instance and the documents that describe them."""

    @classmethod
    def sized_for(cls, rng: random.Random, budget_chars: int) -> World:
        """A world with enough cities and rivers for a corpus of `budget_chars` characters."""
        return cls(rng, num_cities=max(MIN_CITIES, budget_chars // EXPECTED_DOC_CHARS // DOCS_PER_CITY))

    def __init__(self, rng: random.Random, num_cities: int):
        self.rng = rng
        self.names = NameBook(rng)
        rivers = [self.names.river() for _ in range(max(1, num_cities // CITIES_PER_RIVER))]
        regions = [self.names.region() for _ in range(max(1, num_cities // DOCS_PER_CITY))]
        self.cities = [self.new_city(rng.choice(rivers), rng.choice(regions)) for _ in range(num_cities)]
        self.companies: list[Company] = []
        self.documented_cities: set[str] = set()

    def new_city(self, river: str, region: str, name: str | None = None) -> City:
        return City(name or self.names.city(), river, region, self.rng.randint(8_000, 2_400_000))

    def new_company(self, founder: str, hq: City, name: str | None = None) -> Company:
        company = Company(name or self.names.company(), self.rng.choice(INDUSTRIES), founder, hq,
                          self.rng.randint(*YEARS), second_office=None)
        self.companies.append(company)
        return company

    def city_other_than(self, *excluded: City) -> City:
        """A city whose name and river differ from every excluded city's."""
        names = {c.name for c in excluded}
        rivers = {c.river for c in excluded}
        candidates = [c for c in self.cities if c.name not in names and c.river not in rivers]
        if not candidates:  # a small world may run out: found a city on a river of its own
            candidates = [self.new_city(self.names.river(), self.rng.choice(self.cities).region)]
            self.cities += candidates
        return self.rng.choice(candidates)

    # --- documents ------------------------------------------------------------------------------

    def _fill(self, template: str, known: dict[str, Any]) -> str:
        values = {slot: self.rng.choice(options) for slot, options in FLUFF_SLOTS.items()}
        values.update(
            n=self.rng.randint(2, 30),
            employees=f"{self.rng.randint(12, 40_000):,}",
            year=self.rng.randint(*YEARS),
            old_year=self.rng.randint(1200, 1900),
            industry=self.rng.choice(INDUSTRIES),
        )
        values.update(known)
        return template.format(**values)

    def _document(self, title: str, kind: str, facts: list[str], known: dict[str, Any]) -> Doc:
        """The first fact opens the document; the other facts are scattered among filler sentences,
        each filler template used at most once (a document must not contradict itself)."""
        templates = FLUFF_TEMPLATES[kind]
        count = min(self.rng.randint(*FLUFF_SENTENCES), len(templates))
        chosen = self.rng.sample(range(len(templates)), count)
        fluff = [self._fill(templates[i], known) for i in chosen]
        return Doc(title, kind, facts[:1] + self._interleave(facts[1:], fluff), known, set(chosen))

    def extra_fluff(self, doc: Doc) -> str | None:
        """One more filler sentence for `doc` from a template it has not used, or None."""
        templates = FLUFF_TEMPLATES[doc.kind]
        unused = [i for i in range(len(templates)) if i not in doc.fluff_used]
        if not unused:
            return None
        index = self.rng.choice(unused)
        doc.fluff_used.add(index)
        return self._fill(templates[index], doc.known)

    def person_doc(self, person: Person) -> Doc:
        facts = [f"{person.name} is {_article(person.profession)} {person.profession} born in {person.born_in.name}."]
        if person.worked_at is not None:
            facts.append(
                f"Early in {'their' if person.founded else 'a long'} career, {person.first} spent "
                f"{self.rng.randint(2, 12)} years at {person.worked_at.name}."
            )
        if person.founded is not None:
            facts.append(f"In {person.founded.year}, {person.first} founded {person.founded.name}.")
        return self._document(person.name, "person", facts, {"first": person.first})

    def company_doc(self, company: Company) -> Doc:
        facts = [
            f"{company.name} is {_article(company.industry)} {company.industry} company founded in {company.year} "
            f"by {company.founder}.",
            f"Its headquarters are in {company.hq.name}.",
        ]
        if company.second_office is not None:
            facts.append(
                f"In {company.year + self.rng.randint(3, 20)}, {company.name} opened a second office in "
                f"{company.second_office.name}."
            )
        return self._document(company.name, "company", facts, {"name": company.name, "industry": company.industry})

    def city_doc(self, city: City, look_alike: City | None = None) -> Doc:
        self.documented_cities.add(city.name)
        facts = [
            f"{city.name} is a city in the {city.region} region with about {city.population:,} inhabitants.",
            f"The {city.river} River flows through the city centre.",
        ]
        if look_alike is not None:
            facts.append(
                f"It is not to be confused with {look_alike.name}, which lies on the {look_alike.river} River."
            )
        return self._document(city.name, "city", facts, {"name": city.name})

    def _interleave(self, facts: list[str], fluff: list[str]) -> list[str]:
        """Facts in their order, with fluff scattered between them: facts are not always up front."""
        merged = list(fluff)
        positions = sorted(self.rng.randint(0, len(merged) + i) for i in range(len(facts)))
        for offset, (position, fact) in enumerate(zip(positions, facts)):
            merged.insert(position + offset, fact)
        return merged

