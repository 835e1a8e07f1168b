"""Multi-hop retrieval over a document corpus, in the spirit of BrowseComp-Plus.

A made-up world of people, companies and cities is written up as encyclopedia-style documents
(title -> text). The question follows a chain across documents: person -> the company they founded ->
the city of its headquarters (2 hops) -> the river through that city (3 hops). Near-miss distractors
sit beside the chain: a person with a look-alike name who founded another company, a look-alike
company, a look-alike city on a look-alike river, the company the person worked at before, the city
they were born in, and the company's second office. Filler documents from the same world pad the
corpus to the requested length.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.multihop_world import (
    PROFESSIONS,
    City,
    Company,
    Doc,
    Person,
    World,
)
from recursivelm.bench.tokens import CHARS_PER_TOKEN, chars_for_tokens

NAME = "multihop"

SETTINGS = (
    Setting("hops", 3, "documents to chain: 2 asks for the headquarters city, 3 for its river", (2, 3)),
    Setting("distractors", True, "plant near-miss people, companies and cities beside the chain", (True, False)),
)

# Share of filler people who founded a company (the rest only worked somewhere).
FOUNDER_SHARE = 0.6
# Share of filler people who worked at an earlier company (any company, the chain's included).
WORKED_AT_SHARE = 0.5
# A filler city gets its own document the first time it is named, with this probability.
CITY_DOC_SHARE = 0.5
# Padding filler documents with extra sentences stops once the gap to the target is below this many
# characters, or after this many tries.
PAD_TOLERANCE_CHARS = 60
MAX_PAD_ATTEMPTS = 50


@dataclass
class Chain:
    person: Person
    company: Company
    city: City
    distractor_answers: list[str]
    documents: list[Doc]


def _plant_chain(world: World, hops: int, with_distractors: bool) -> Chain:
    rng = world.rng
    city = world.cities[0]
    person = Person(world.names.person(), rng.choice(PROFESSIONS), born_in=world.city_other_than(city))
    company = world.new_company(person.name, city)
    person.founded = company
    documents: list[Doc] = []
    # Each distractor leads to a city that is not the answer; at 3 hops its river is the wrong answer.
    # Every one of them lies on another river than the answer's.
    wrong_cities: list[City] = []

    look_alike_city = None
    if with_distractors:
        # The city the person was born in, and the company they worked at before.
        wrong_cities.append(person.born_in)
        previous = world.new_company(world.names.person(), world.city_other_than(city))
        person.worked_at = previous
        wrong_cities.append(previous.hq)
        documents.append(world.company_doc(previous))
        # The company's second office.
        company.second_office = world.city_other_than(city, *wrong_cities)
        wrong_cities.append(company.second_office)
        # A look-alike person who founded another company elsewhere.
        twin = Person(world.names.near_miss(person.name), rng.choice(PROFESSIONS),
                      born_in=world.city_other_than(city))
        twin.founded = world.new_company(twin.name, world.city_other_than(city, *wrong_cities))
        wrong_cities.append(twin.founded.hq)
        documents += [world.person_doc(twin), world.company_doc(twin.founded)]
        # A look-alike company founded by someone else, elsewhere.
        twin_company = world.new_company(world.names.person(), world.city_other_than(city, *wrong_cities),
                                         name=world.names.near_miss(company.name))
        wrong_cities.append(twin_company.hq)
        documents.append(world.company_doc(twin_company))
        # A look-alike city on a look-alike river.
        look_alike_city = world.new_city(world.names.near_miss(city.river), city.region,
                                         name=world.names.near_miss(city.name))
        wrong_cities.append(look_alike_city)
        documents.append(world.city_doc(look_alike_city, look_alike=city))

    documents += [world.person_doc(person), world.company_doc(company), world.city_doc(city, look_alike_city)]
    for wrong in wrong_cities:
        if wrong.name not in world.documented_cities:
            documents.append(world.city_doc(wrong))
    gold = city.river if hops == 3 else city.name
    answers = {c.river if hops == 3 else c.name for c in wrong_cities}
    return Chain(person, company, city, sorted(answers - {gold}), documents)


def _filler_cluster(world: World) -> list[Doc]:
    """A few more documents of the world: a person, maybe their company, maybe a city."""
    rng = world.rng
    person = Person(world.names.person(), rng.choice(PROFESSIONS), born_in=rng.choice(world.cities))
    documents: list[Doc] = []
    if rng.random() < FOUNDER_SHARE:
        person.founded = world.new_company(person.name, rng.choice(world.cities))
        documents.append(world.company_doc(person.founded))
    if rng.random() < WORKED_AT_SHARE:
        # Anyone may have worked at any company, the chain's included: that is what makes it a near miss.
        person.worked_at = rng.choice(world.companies)
    documents.append(world.person_doc(person))
    for city in (person.born_in, person.founded.hq if person.founded else None):
        if city and city.name not in world.documented_cities and rng.random() < CITY_DOC_SHARE:
            documents.append(world.city_doc(city))
    return documents


def _pad(world: World, documents: list[Doc], gap: int) -> None:
    """Close the gap to the target with extra filler sentences on filler documents (never the chain's)."""
    for _ in range(MAX_PAD_ATTEMPTS):
        if gap < PAD_TOLERANCE_CHARS or not documents:
            return
        doc = world.rng.choice(documents)
        sentence = world.extra_fluff(doc)
        if sentence is not None and len(sentence) + 1 <= gap:
            doc.sentences.append(sentence)
            gap -= len(sentence) + 1


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    budget = chars_for_tokens(target_tokens)
    world = World.sized_for(rng, budget)
    hops = settings["hops"]
    chain = _plant_chain(world, hops, settings["distractors"])

    used = sum(doc.chars for doc in chain.documents)
    if used > budget:
        raise ValueError(f"multihop: the chain alone takes {used // CHARS_PER_TOKEN} tokens; raise target_tokens")
    filler: list[Doc] = []
    while True:
        cluster = _filler_cluster(world)
        cost = sum(doc.chars for doc in cluster)
        if used + cost > budget:
            break
        filler += cluster
        used += cost
    _pad(world, filler, budget - used)

    documents = chain.documents + filler
    rng.shuffle(documents)
    context = {doc.title: " ".join(doc.sentences) for doc in documents}
    if len(context) != len(documents):
        raise AssertionError("document titles must be unique")

    if hops == 3:
        question = (f"Which river flows through the city where the company founded by {chain.person.name} has its "
                    "headquarters? Answer with the river's name.")
        gold = chain.city.river
    else:
        question = (f"In which city does the company founded by {chain.person.name} have its headquarters? "
                    "Answer with the city's name.")
        gold = chain.city.name
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=question,
        gold={"answer": gold, "choices": [gold, *chain.distractor_answers]},
        scorer="exact_choice",
        metadata={
            "num_documents": len(context),
            "chain": [chain.person.name, chain.company.name, chain.city.name, chain.city.river][: hops + 1],
            "distractor_answers": chain.distractor_answers,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="Multi-hop retrieval over a made-up encyclopedia: person -> company -> HQ city (-> river), "
                "with near-miss distractors.",
    settings=SETTINGS,
    build=build,
    scorers=("exact_choice",),
    min_target_tokens=4_000,
)
