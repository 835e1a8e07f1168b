"""Whether a text mentions a name, where it does not: settled by a search of every character (mentions.py,
issue 12), as the small profile's first reading and through count_table(); a claim of absence code proved is
not refused as one a missed search made."""

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, mentions, records

from conftest import block

SHIPS = "\n\n".join(["The harbour was quiet."] * 40 + ["The research vessel Halcyon  Drift left port at dawn.",
                                                         "Nobody saw the Northern Tern again."])


@pytest.mark.parametrize("question, names", [
    ("Does the text mention a research vessel called the Corvina?", ["Corvina"]),
    ("Is the Halcyon Drift mentioned anywhere?", ["Halcyon Drift"]),  # a run of named words is one name
    ("Does the text mention Corvina or Halcyon?", ["Corvina", "Halcyon"]),
    ('Does the log contain "disk full" or user17?', ["disk full", "user17"]),
])
def test_the_names_a_question_writes(question, names):
    assert mentions.names(question) == names


@pytest.mark.parametrize("question, answer", [
    ("Does the text mention a research vessel called the Corvina?", "No: the text never mentions Corvina."),
    ("Does the text mention the Northern Tern or the Corvina?", None),  # which one, not whether
    ("Is the Halcyon Drift mentioned?", None),  # written (the spaces between its words any): a reading's question
    ("Does the text mention halcyon drift?", None),  # lower case: no name the question writes as one
    ("Where did the Corvina sail?", None),  # not a question of presence
    ("Does the text mention the Halcyon Drift and the Corvina?", "No: the text never mentions Corvina."),
])
def test_a_name_written_nowhere_is_absent_by_a_search_of_every_character(question, answer):
    found = mentions.absent(SHIPS, question)
    assert (found and found.answer) == answer
    if found:
        assert "as whole words in any case: 'Corvina' is written nowhere" in found.facts


def test_a_directory_is_searched_in_every_file():
    tree = {"docs/a.md": "Corvina notes", "docs/b.md": "nothing here"}
    assert mentions.absent(tree, "Does the documentation mention Corvina?") is None
    assert mentions.absent(tree, "Does the documentation mention Halvorsen?").answer.startswith("No:")


def test_a_proven_absence_is_the_first_reading_and_is_not_refused():
    question = "Does the text mention a research vessel called the Corvina?"
    template, _ = first_reading.choose(True, True, SHIPS, question, lambda: False)
    assert template == first_reading.TABLE
    assert records.settled(SHIPS, question).answer.startswith("No")
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=["no"], name="sub"), profile="small",
                 sandbox="inprocess").run(SHIPS, question)
    assert result.answer == "No: the text never mentions Corvina."
    assert len(root.calls) == 1  # taken at once: a search of every character is no search that missed


FLEET = ("The harbour log for the year. " * 50 + "\nThe research vessel Aurora Vale docked at Tromso. A research vessel "
         "called Sea Lark left port.\nThe research vessel Aurora Vale returned in May. Fishing boats stayed in. The "
         "research vessel Grey Petrel logged a storm.\n")


@pytest.mark.parametrize("question, want", [
    ("How many different research vessels does the text mention?", "3"),  # Aurora Vale twice, once counted
    ("Which research vessels are mentioned in the text?", "Aurora Vale, Sea Lark, Grey Petrel"),
    ("How many research vessels are named?", "3"),
    ("Which tankers does the text mention?", None),  # the noun is written before no name
    ("How many fishing boats does the text mention?", None),  # "Fishing boats stayed in": no name after it
])
def test_the_names_written_after_a_noun_are_the_names_of_its_kind(question, want):
    found = mentions.named(FLEET, question)
    assert (found and found.answer) == want
