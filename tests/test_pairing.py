"""labels.pairs(): the pairs of a labelled list's groups (a record field's values) that meet a condition, the
condition read as tests of one group each; and the small profile's first reading of a question asking for them."""

import itertools
import random
import re
from collections import Counter

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, pairing
from recursivelm.sandbox.namespace import Namespace

from conftest import block
from test_labelling import LABELS, WORDS, labeller

INTERESTS = {31001: {"cooking"}, 31002: {"cooking", "sports"}, 31003: {"sports", "travel"}, 31004: {"travel"},
             31005: {"cooking", "travel"}, 31006: {"sports"}}
DESCRIBED = ("Each line is 'Date: <date> || User: <user id> || Post: <text>'. Every post is about exactly one of "
             "these topics: cooking, sports, travel.\n\n")


def records(per_user=12, seed=0):
    rng = random.Random(seed)
    lines = []
    for user, topics in INTERESTS.items():
        for i in range(per_user):
            topic = rng.choice(sorted(topics))
            lines.append(f"Date: Mar {i + 1:02}, 2023 || User: {user} || Post: Ugh, {rng.choice(WORDS[topic])}, lol")
    rng.shuffle(lines)
    return lines


def write_test(messages):
    """The sub-model at the edge: writes a test of one user for a clause, as a coder model does; labels as
    test_labelling's does."""
    prompt = messages[-1]["content"]
    clause = re.search(r"True exactly when the user (.+)\.\n", prompt)
    if not clause:
        return labeller(messages)
    parts = [f"u['{x}'] > 0" for x in re.findall(r"at least one item about (\w+)", clause.group(1))]
    parts += [f"u['{x}'] == 0" for x in re.findall(r"none about (\w+)", clause.group(1))]
    return "```python\n" + " and ".join(parts) + "\n```"


def ask_batch(prompts, max_tokens=None):
    return [write_test([{"role": "user", "content": p}]) for p in prompts]


def test_a_records_fields_are_read_and_its_items_grouped_by_one():
    line = "Date: Mar 01, 2023 || User: 31001 || Post: Ugh: the soup needed more salt"
    assert pairing.fields_of(line) == {"Date": "Mar 01, 2023", "User": "31001", "Post": "Ugh: the soup needed more salt"}
    assert pairing.fields_of("a line of prose, no fields") == {}
    assert pairing.field_named([line], "users") == "User" and pairing.field_named([line], "topic") is None
    grouped = pairing.groups([line, line.replace("31001", "31002"), line], ["cooking", "sports", "travel"], "User")
    assert grouped == {"31001": Counter(cooking=1, travel=1), "31002": Counter(sports=1)}


def test_a_pair_question_is_read_for_the_field_it_pairs_and_its_condition():
    lines = records()
    asked = "List every pair of user IDs such that both users posted at least one item about sports. One per line."
    assert pairing.pairs_asked(asked, lines) == {
        "field": "User", "condition": "both users posted at least one item about sports"}
    assert pairing.pairs_asked("Which pairs of users both posted about travel?", lines) == {}  # no condition
    assert pairing.pairs_asked("Name the pairs of users who both posted about travel.", lines) == {
        "field": "User", "condition": "both posted about travel"}
    assert pairing.pairs_asked("Which pairs of topics appear together?", lines) == {}  # no such field
    assert pairing.pairs_asked("Which user posted the most?", lines) == {}


def test_a_pair_condition_is_read_as_tests_of_one_member():
    assert pairing.shape("both users posted about sports", "user") == ("both", ["posted about sports"])
    assert pairing.shape("neither of them posted about travel", "user") == ("neither", ["posted about travel"])
    assert pairing.shape("at least one user posted about travel", "user") == ("either", ["posted about travel"])
    assert pairing.shape("one user posted about x but none about y, and the other user posted about y", "user") == (
        "one_other", ["posted about x but none about y", "posted about y"])
    assert pairing.shape("the users share a topic", "user") == ("", [])


def test_a_label_held_by_few_of_a_groups_items_is_taken_for_labelling_noise():
    # 33 posts about technology and one labelled finance: the labeller's error, not an interest.
    assert pairing.without_noise(Counter(technology=33, finance=1)) == Counter(technology=33)
    assert pairing.without_noise(Counter(technology=20, finance=2)) == Counter(technology=20, finance=2)
    assert pairing.without_noise(Counter(cooking=3, sports=1)) == Counter(cooking=3, sports=1)  # a small group


def test_a_test_the_sub_model_writes_must_be_one_expression_over_the_member():
    def replying(text):
        return lambda prompts, max_tokens=None: [text]
    test = pairing.member_test("posted about sports", "user", LABELS, "topics", replying("u['sports'] >= 1"))
    assert test(Counter(sports=2)) and not test(Counter(cooking=2))
    test = pairing.member_test("posted about sports", "user", LABELS, "topics", replying("u.get('sports', 0) > 0"))
    assert test(Counter(sports=1)) and not test(Counter())
    for reply in ("__import__('os').system('true')", "a['sports'] > 0", "Sure! The user posts about sports."):
        with pytest.raises(ValueError, match=r"test=lambda a, b"):
            pairing.member_test("posted about sports", "user", LABELS, "topics", replying(reply))
    with pytest.raises(ValueError, match="cannot tell how"):
        pairing.pair_test("the users share a topic", "user", LABELS, "topics", replying("u['sports'] > 0"))


def test_pairs_in_the_repl_are_every_pair_of_values_meeting_the_condition():
    ns = Namespace("\n".join(records()), {"llm_query": lambda p: "", "llm_query_batched": ask_batch})
    labels = ns.globals["classify"](LABELS)
    topics = {str(user): set(counts) for user, counts in labels.by("User").items()}
    assert topics == {str(u): t for u, t in INTERESTS.items()}
    both = labels.pairs("User", "both users posted at least one item about travel")
    assert both == [("31003", "31004"), ("31003", "31005"), ("31004", "31005")]
    assert str(both).splitlines()[0] == "(31003, 31004)"
    one_each = labels.pairs("User", "one user posted at least one item about cooking but none about sports, "
                                    "and the other user posted at least one item about sports but none about cooking")
    assert one_each == [("31001", "31003"), ("31001", "31006"), ("31003", "31005"), ("31005", "31006")]
    assert labels.pairs("User", test=lambda a, b: a["sports"] > 0 and b["sports"] > 0) == list(
        itertools.combinations(["31002", "31003", "31006"], 2))
    assert str(labels.pairs("User", test=lambda a, b: False)) == "no pair meets the condition"


def test_a_question_asking_for_pairs_of_groups_is_answered_by_code_over_every_items_label():
    lines = records()
    question = DESCRIBED + ("List every pair of user IDs such that both users posted at least one item about "
                            "cooking. Give each pair once, smaller ID first, as (ID1, ID2).")
    template, values = first_reading.choose(False, True, "\n".join(lines), question, lambda: False)
    assert template == first_reading.LABELS and values["paired"]["field"] == "User"
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=write_test, name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run("\n".join(lines), question)
    assert result.answer.splitlines() == ["(31001, 31002)", "(31001, 31005)", "(31002, 31005)"]
    assert not any(c[-1]["content"].startswith("Counted") for c in sub.calls)  # no reader: code lists the pairs
