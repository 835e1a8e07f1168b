"""Counting the items of a list that meet a condition only a reading tells (judging.py, issue 12): each item read
yes or no by the sub-model (a sample of a long list, a word model the rest); as a small root's first reading."""

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, judging

from conftest import block

LATE = ["The parcel arrived two weeks late.", "Shipping took forever.", "It came long after the promised date."]
OTHER = ["Lovely colour, sturdy.", "Broke after a week.", "Great value for the price.", "Too small for my desk."]
REVIEWS = "\n".join(f"Review {i + 1} ({1 + i % 5} stars): " + (LATE[i % 3] if i % 4 == 0 else OTHER[i % 4]) for i in range(40))
QUESTION = "How many reviews complain about slow delivery?"


def reader(messages):
    """The sub-model: yes for an item about a late delivery, in any of its words."""
    prompt = messages[-1]["content"]
    item = prompt.split("\n\n")[0]
    return "Yes." if any(w in item for w in ("late", "forever", "after the promised")) else "No."


def test_each_item_is_read_yes_or_no_in_the_questions_words_and_counted():
    sub = ScriptedModel(respond=reader, name="sub")
    asked = []

    def ask_batch(prompts, max_tokens=None):
        asked.extend(prompts)
        return [reader([{"content": p}]) for p in prompts]

    items = REVIEWS.splitlines()
    found = judging.judge(items, "complain about slow delivery", "reviews", ask_batch)
    assert found.answer == "10"  # every fourth of 40
    assert len(asked) == 40 and asked[0] == ("Review: Review 1 (1 stars): The parcel arrived two weeks late.\n\n"
                                             "Does this review complain about slow delivery? Reply yes or no.")
    # A longer list: a sample read, the rest by a word model learnt from it; the facts say so.
    found = judging.judge(items * 5, "complain about slow delivery", "reviews", ask_batch, sample=60)
    assert found.answer == "50" and "by a word model learnt from those answers" in found.facts
    assert sub.calls == []  # judge() asked through ask_batch only


@pytest.mark.parametrize("context, question", [
    (REVIEWS, "How many reviews mention the word late?"),  # a count of words: tally's
    (REVIEWS, "Which reviews complain about slow delivery?"),  # not a count
    (REVIEWS, "How many reviews are there?"),  # no condition: every one
    (REVIEWS, "How many reviews are there in total?"),
    (REVIEWS, "How many reviews did Okafor write?"),  # a name picks them: records' and wordings' to read
    ("\n".join(["The weather was mild and the harbour was calm."] * 40), "How many ships arrived late?"),  # lines: no ships
    ("id,review\n" + "\n".join(f"{i},{line}" for i, line in enumerate(REVIEWS.splitlines())), QUESTION),  # a table
    ("\n".join(REVIEWS.splitlines()[:10]), QUESTION),  # a short list: read whole
])
def test_what_is_no_count_of_a_lists_items_is_not_judged(context, question):
    assert judging.asked(context, question) is None


def test_a_small_roots_first_reading_is_the_judged_count():
    assert first_reading.choose(True, True, REVIEWS, QUESTION, lambda: True)[0] == first_reading.JUDGED
    root = ScriptedModel(replies=[block("FINAL(reading)")])
    sub = ScriptedModel(respond=reader, name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(REVIEWS, QUESTION)
    assert result.answer == "10"
    assert len(sub.calls) == 40
    # A list context: its elements are the items, whatever they write.
    emails = [f"Subject: order {i}\n\n" + (LATE[i % 3] if i % 4 == 0 else OTHER[i % 4]) for i in range(40)]
    assert judging.asked(emails, "How many emails complain about slow delivery?") == ("emails", "complain about slow delivery")


@pytest.mark.parametrize("condition, asked", [
    ("complain about slow delivery", "Does this review complain about slow delivery?"),
    ("are about printers", "Is this review about printers?"),
    ("were returned", "Was this review returned?"),
    ("did not arrive", "Did this review not arrive?"),
])
def test_the_condition_is_asked_of_one_item_in_the_questions_words(condition, asked):
    assert judging.asked_of("review", condition) == asked

