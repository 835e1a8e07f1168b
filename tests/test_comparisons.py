"""Which of two things a question names came first or measures more, settled by code (comparisons.py, issue 12):
the dates or numbers the sentences naming each write, compared; as a small root's first reading."""

import pytest

from recursivelm import RLM, ScriptedModel, comparisons, first_reading

from conftest import block

FILLER = "The committee met again to review the minutes and the agenda for the coming quarter. " * 40
TEXT = "\n\n".join([
    FILLER,
    "The harbour crane was replaced on March 3rd, 2021, after a winter of repairs.",
    FILLER,
    "Work on the north pier began in 1998 and took four years.",
    "The ferry terminal opened on 2020-11-30 with a small ceremony.",
    FILLER,
    "The Ossel river runs 214 km from the hills to the sea; the Varn river runs 187 km.",
    "The Lenn river runs 90 km and the Tarr river 95 km.",
    "The lighthouse keeper's cottage dates from 1877.",
    "The lighthouse keeper retired in 1877 as well.",
])


@pytest.mark.parametrize("question, want", [
    ("Which happened first, the crane replacement or the terminal opening?", "terminal opening"),  # half its words
    ("Which happened first, the harbour crane or the ferry terminal?", "ferry terminal"),  # 2020-11-30 < 2021
    ("Which came later: the ferry terminal or the harbour crane?", "harbour crane"),
    ("Which is older, the north pier or the ferry terminal?", "north pier"),  # a year alone: 1998
    ("Which river is longer, the Ossel river or the Varn river?", "Ossel river"),  # a sentence ends at ";"
    ("Which river is longer, the Lenn river or the Tarr river?", None),  # one sentence writes both lengths
    ("Which is older, the lighthouse keeper's cottage or the lighthouse keeper?", None),  # the keeper: two sentences
    ("Was the harbour crane replaced before the ferry terminal opened?", "No"),  # yes or no: 2021 after 2020
    ("Did the ferry terminal open before the harbour crane was replaced?", "Yes"),
    ("Was the north pier begun after the ferry terminal opened?", "No"),  # 1998
    ("Is the Ossel river longer than the Varn river?", "Yes"),
    ("Is the Ossel river shorter than the Varn river?", "No"),
    ("Was the Lenn river longer than the Tarr river?", None),  # one sentence writes both lengths
])
def test_the_dates_or_numbers_of_the_sentences_naming_each_are_compared(question, want):
    found = comparisons.answer(TEXT, question)
    assert (found and found.answer) == want
    if want:
        assert found.facts.startswith("Read by code from the sentences naming each")


def test_numbers_in_one_unit_are_compared_where_each_is_written_once():
    text = FILLER + "\nThe Orvik bridge spans 412 metres.\n" + FILLER + "\nBuilt in 1961, the Tarsund bridge spans 388 metres.\n"
    assert comparisons.answer(text, "Which bridge is longer, the Orvik bridge or the Tarsund bridge?").answer == "Orvik bridge"
    assert comparisons.answer(text, "Which is shorter, the Orvik bridge or the Tarsund bridge?").answer == "Tarsund bridge"
    assert comparisons.answer(text, "Which bridge is the Orvik bridge?") is None  # not a question of two


def test_a_small_roots_first_reading_is_what_code_compared():
    question = "Which happened first, the harbour crane or the ferry terminal?"
    assert first_reading.choose(True, True, TEXT, question, lambda: True)[0] == first_reading.TABLE
    root = ScriptedModel(replies=[block("FINAL(reading)")])
    result = RLM(root, profile="small", sandbox="inprocess").run(TEXT, question)
    assert result.answer == "ferry terminal"


@pytest.mark.parametrize("question, want", [
    ("How many days passed between the harbour crane replacement and the ferry terminal opening?", "93 days"),
    ("How many weeks passed between the ferry terminal opening and the harbour crane?", "13.3 weeks"),
    ("How many days passed between the north pier and the ferry terminal?", None),  # 1998: no day written
])
def test_the_days_between_two_things_dates_are_counted(question, want):
    found = comparisons.answer(TEXT, question)
    assert (found and found.answer) == want



def test_of_many_dated_sentences_the_name_of_the_latest_or_earliest():
    crew = {"Mira Holt": 4, "Anders Vik": 19, "Tomas Reyes": 11, "Ilse Brandt": 25, "Kofi Mensah": 2}
    text = " ".join(f"The weather held. {name} joined the expedition on {day} March 1911. The camp was quiet."
                    for name, day in crew.items())
    found = comparisons.answer(text, "Which crew member joined the expedition last?")
    assert found is not None and found.answer == "Ilse Brandt" and "25 Mar 1911: Ilse Brandt" in found.facts
    assert comparisons.answer(text, "Who joined the expedition first?").answer == "Kofi Mensah"
    # Two of the same day: no one name answers.
    tied = text + " Ada Lind joined the expedition on 25 March 1911."
    assert comparisons.answer(tied, "Which crew member joined the expedition last?") is None
