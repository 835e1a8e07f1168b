"""bAbI-style state tracking hidden in long background text, as in BABILong.

A short story of people moving between rooms and picking up and dropping objects (bAbI tasks 1-3) is
spread, in order, through a noise or essay haystack. The question asks where a person or an object is
at the end; the gold comes from simulating the story. Scored exactly over the set of rooms.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from recursivelm.bench import haystacks
from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tokens import chars_for_tokens

NAME = "babi"

PEOPLE = ("Mary", "John", "Sandra", "Daniel", "Fred", "Bill", "Julie", "Emily", "Jeff", "Gertrude")
ROOMS = ("kitchen", "garden", "bathroom", "bedroom", "hallway", "office", "cellar", "balcony")
OBJECTS = ("apple", "football", "milk", "umbrella", "notebook", "lantern", "violin", "kettle")
MOVE_VERBS = ("went to", "moved to", "travelled to", "journeyed to", "walked to")
TAKE_VERBS = ("picked up", "grabbed", "got", "took")
DROP_VERBS = ("dropped", "put down", "left", "discarded")

QUESTION_KINDS = ("object", "person")

# Relative odds of each kind of event while the story is being written.
EVENT_WEIGHTS = {"move": 5, "take": 3, "drop": 2}

SETTINGS = (
    Setting("haystack", "noise", "background text: RULER's repeated noise sentences or Paul Graham essays",
            haystacks.HAYSTACK_KINDS),
    Setting("num_facts", 30, "story sentences spread through the haystack"),
    Setting("num_people", 4, "people in the story", tuple(range(1, len(PEOPLE) + 1))),
    Setting("num_rooms", 6, "rooms in the story", tuple(range(2, len(ROOMS) + 1))),
    Setting("num_objects", 3, "objects in the story", tuple(range(1, len(OBJECTS) + 1))),
    Setting("question", "object", "ask where an object is (two or three supporting facts, bAbI 2-3) or "
            "where a person is (one supporting fact, bAbI 1)", QUESTION_KINDS),
)


@dataclass
class World:
    """Where everyone and everything is. An object is held (it goes where its holder goes) or lies in
    a room; None means the story has not placed it yet."""

    person_room: dict[str, str | None]
    object_holder: dict[str, str | None]
    object_room: dict[str, str | None]
    # Index of each person's latest move, and of each object's latest pick-up or drop.
    last_move: dict[str, int] = field(default_factory=dict)
    last_handled: dict[str, int] = field(default_factory=dict)
    # Where each object was when last picked up or dropped: an object now elsewhere was carried.
    handled_in: dict[str, str | None] = field(default_factory=dict)
    # For a dropped object, the facts that placed it: the dropper's move and the drop.
    drop_support: dict[str, list[int]] = field(default_factory=dict)

    def where_is_object(self, obj: str) -> str | None:
        holder = self.object_holder[obj]
        return self.person_room[holder] if holder else self.object_room[obj]

    def supporting_facts(self, subject: str) -> list[int]:
        """The story sentences (by index) that settle where `subject` is now: bAbI's supporting facts."""
        if subject in self.person_room:
            return [self.last_move[subject]]
        holder = self.object_holder[subject]
        if holder is not None:
            return sorted({self.last_handled[subject], self.last_move[holder]})
        return self.drop_support.get(subject, [])


def _possible_events(world: World, people: list[str], rooms: list[str]) -> list[tuple[str, str, str]]:
    """(kind, person, room-or-object) for every event that is legal now."""
    events = []
    for person in people:
        here = world.person_room[person]
        events += [("move", person, room) for room in rooms if room != here]
        if here is None:
            continue  # nobody takes or drops anything before the story has put them somewhere
        for obj, holder in world.object_holder.items():
            lying_here = world.object_room[obj] in (None, here)  # unplaced objects can be found anywhere
            if holder is None and lying_here:
                events.append(("take", person, obj))
            if holder == person:
                events.append(("drop", person, obj))
    return events


def _apply(world: World, event: tuple[str, str, str], index: int) -> None:
    kind, person, target = event
    if kind == "move":
        world.person_room[person] = target
        world.last_move[person] = index
        return
    world.handled_in[target] = world.person_room[person]
    world.last_handled[target] = index
    if kind == "take":
        world.object_holder[target] = person
        world.object_room[target] = None
    else:  # drop
        world.object_holder[target] = None
        world.object_room[target] = world.person_room[person]
        world.drop_support[target] = sorted({world.last_move[person], index})


def _sentence(rng: random.Random, event: tuple[str, str, str]) -> str:
    kind, person, target = event
    if kind == "move":
        return f"{person} {rng.choice(MOVE_VERBS)} the {target}."
    verbs = TAKE_VERBS if kind == "take" else DROP_VERBS
    return f"{person} {rng.choice(verbs)} the {target} there." if kind == "drop" and rng.random() < 0.3 \
        else f"{person} {rng.choice(verbs)} the {target}."


def write_story(rng: random.Random, num_facts: int, people: list[str], rooms: list[str], objects: list[str]
                ) -> tuple[list[str], World]:
    world = World({p: None for p in people}, {o: None for o in objects}, {o: None for o in objects})
    sentences = []
    for index in range(num_facts):
        events = _possible_events(world, people, rooms)
        weights = [EVENT_WEIGHTS[kind] for kind, _, _ in events]
        event = rng.choices(events, weights)[0]
        _apply(world, event, index)
        sentences.append(_sentence(rng, event))
    return sentences, world


def _pick_subject(rng: random.Random, kind: str, world: World) -> str:
    """Who or what to ask about: someone or something whose place the story settles. Among objects,
    prefer one carried after it was picked up, so the answer needs more than one fact."""
    if kind == "person":
        placed = [p for p, room in world.person_room.items() if room is not None]
        return rng.choice(placed)
    placed = [o for o in world.object_holder if world.where_is_object(o) is not None]
    if not placed:
        raise ValueError("babi: the story placed no object; raise num_facts")
    carried = [o for o in placed if world.where_is_object(o) != world.handled_in.get(o)]
    return rng.choice(carried or placed)


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    people = rng.sample(PEOPLE, settings["num_people"])
    rooms = rng.sample(ROOMS, settings["num_rooms"])
    objects = rng.sample(OBJECTS, settings["num_objects"])
    if settings["num_facts"] < 1:
        raise ValueError("babi: num_facts must be at least 1")
    sentences, world = write_story(rng, settings["num_facts"], people, rooms, objects)
    subject = _pick_subject(rng, settings["question"], world)
    if settings["question"] == "person":
        answer, question = world.person_room[subject], f"Where is {subject}?"
    else:
        answer, question = world.where_is_object(subject), f"Where is the {subject}?"

    haystack = haystacks.build_haystack(
        settings["haystack"], chars_for_tokens(target_tokens) - haystacks.planted_chars(sentences), rng
    )
    fractions = sorted(rng.random() for _ in sentences)
    context, offsets = haystacks.plant_sentences(haystack, sentences, fractions)
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=context,
        question=(
            "A story about people moving between rooms and handling objects is scattered through the "
            f"text, in order. {question} Answer with the room's name only."
        ),
        gold={"answer": answer, "choices": list(rooms)},
        scorer="exact_choice",
        metadata={
            "story": sentences,
            "story_offsets": offsets,
            "subject": subject,
            "supporting_facts": world.supporting_facts(subject),
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="bAbI-style state tracking (people, rooms, objects) scattered through a long haystack.",
    settings=SETTINGS,
    build=build,
    scorers=("exact_choice",),
)
