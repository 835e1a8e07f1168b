"""classify(): every item of a list labelled by meaning, the sub-model labelling a sample and a word model the
rest; and the small profile's first reading of a question that gives its items' labels."""

import random
import re

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, labelling
from recursivelm.sandbox.namespace import Namespace

from conftest import block

WORDS = {  # what a post about each topic says; no post writes its topic
    "cooking": ["the soup needed more salt", "burned the onions in the oven", "a new recipe for bread dough"],
    "sports": ["the coach benched our striker", "we won the match by a goal", "ran ten laps at the track"],
    "travel": ["my flight was delayed again", "the hotel had a view of the harbour", "lost my passport at the border"],
}
LABELS = ["cooking", "sports", "travel"]
QUESTION = ("Every post is about exactly one of these topics: cooking, sports, travel.\n\n"
            "Which topic has the most posts? Answer with the topic only.")


def posts(n=300, seed=0, weights=(1, 2, 3)):
    """Dated posts by users, each `User: ... || Post: ...`, with their gold topics."""
    rng = random.Random(seed)
    topics = rng.choices(LABELS, weights, k=n)
    lines = [f"Date: Mar {i % 28 + 1:02}, 2023 || User: {31821 if i % 10 == 0 else 40000 + i % 37} || "
             f"Post: {rng.choice(['Ugh,', 'So', 'Update:'])} {rng.choice(WORDS[t])}, {rng.choice(['lol', 'anyone else?', 'what a day'])}"
             for i, t in enumerate(topics)]
    return lines, topics


def labeller(messages):
    """The sub-model at the edge: names a post's topic by its words, and answers a count question from counts."""
    prompt = messages[-1]["content"]
    if prompt.startswith("Write six words"):
        return {"cooking": "Cooking, oven, recipe, salt", "sports": "match, coach"}.get(prompt.split("about ")[1].split(" would")[0], "")
    if prompt.startswith("Which one of these"):
        text = prompt.split("Text: ", 1)[1]
        return next(t for t, phrases in WORDS.items() if any(p in text for p in phrases)).capitalize() + "."
    counts = dict(re.findall(r"(\w+): (\d+)", prompt))
    asked = re.search(r"Question: How many posts are about (\w+)", prompt)
    return counts[asked.group(1)] if asked and counts else "no counts"


def ask_batch(prompts, max_tokens=None):
    return [labeller([{"role": "user", "content": p}]) for p in prompts]


def test_the_labels_a_question_gives_are_read_with_what_it_calls_them():
    found = labelling.categories(QUESTION)
    assert found == LABELS and found.noun == "topics"
    assert labelling.categories("Each report is one of the following categories: bug, feature or question.") == [
        "bug", "feature", "question"]
    assert labelling.categories("Tag each line with one of: red, green.") == ["red", "green"]
    assert labelling.categories("Which topic has the most posts?") == []
    assert labelling.categories("Is the server up? Answer with one of these words: yes, no, unknown.") == []
    assert labelling.categories("Is it one of these: a long sentence that is not a label at all, b.") == []


def test_a_records_free_text_is_its_longest_field():
    assert labelling.text_of("Date: Mar 01, 2023 || User: 5 || Post: the soup needed salt") == "Post: the soup needed salt"
    assert labelling.text_of("plain line") == "plain line"


def test_the_sample_covers_every_kind_of_item_after_those_naming_what_the_question_names():
    lines, topics = posts()
    named = [i for i, line in enumerate(lines) if "31821" in line]
    sample = labelling.choose_sample(labelling.features_of(lines), 12, first=named)
    assert sample[:6] == named[:6]  # at most half the sample for the named ones
    said = {p for i in sample for phrases in WORDS.values() for p in phrases if p in lines[i]}
    assert said == {p for phrases in WORDS.values() for p in phrases}  # every kind of post, from 12 of 300
    assert labelling.anchored(lines, "How many posts about travel did user 31821 write?") == {"31821": named}


def test_a_word_model_learnt_from_the_sample_labels_the_items_the_sub_model_never_saw():
    lines, topics = posts()
    asked = []
    found = labelling.classify(lines, LABELS, lambda ps, max_tokens=None: asked.extend(ps) or ask_batch(ps), sample=12)
    assert len(asked) == 3 + 12  # a gloss of each label, then 12 of the 300 posts
    assert found == topics
    label_prompt = asked[3]
    assert "cooking (oven, recipe); sports (match, coach); travel?" in label_prompt  # the sub-model's own glosses: no label, two words
    assert label_prompt.endswith("Text: " + labelling.text_of(lines[labelling.choose_sample(labelling.features_of(lines), 12)[0]]))


def test_a_list_no_longer_than_the_sample_is_labelled_by_the_sub_model_alone():
    lines, topics = posts(n=30)
    asked = []
    assert labelling.classify(lines, LABELS, lambda ps, max_tokens=None: asked.extend(ps) or ask_batch(ps)) == topics
    assert len(asked) == 3 + 30


def test_a_sampled_item_keeps_the_label_two_reads_with_the_labels_in_other_orders_agree_on():
    def leaning(prompts, max_tokens=None):
        """A sub-model that names "a" sports wherever it stands, "b" the label listed first, and "c" whichever of
        cooking and travel is listed first."""
        replies = []
        for prompt in prompts:
            if prompt.startswith("Write six words"):  # a label's gloss
                replies.append("")
                continue
            listed = [part.split(" (")[0] for part in prompt.split(": ", 1)[1].split("?")[0].split("; ")]
            text = prompt.split("Text: ", 1)[1]
            replies.append({"a": "sports", "b": listed[0]}.get(text) or next(x for x in listed if x != "sports"))
        asked.append(prompts)
        return replies

    asked = []
    glossed = ["", "match, coach", ""]
    assert labelling.agreed_labels(["a", "b", "c"], LABELS, glossed, "topics", leaning, reads=2) == ["sports", None, "travel"]
    orders = [batch[0].split("about: ", 1)[1].split("?")[0] for batch in asked]
    assert orders == ["cooking; sports (match, coach); travel", "travel; sports (match, coach); cooking",
                      "sports (match, coach); travel; cooking"]  # as asked, reversed, rotated by half
    assert [len(batch) for batch in asked] == [3, 3, 2]  # the third read only where the first two differ
    assert labelling.agreed_labels(["b"], ["sports", "travel"], ["", ""], "topics", leaning, reads=2) == [None]  # no third order
    assert labelling.agreed_labels(["b"], LABELS, glossed, "topics", leaning, reads=1) == ["cooking"]
    lines, topics = posts()
    asked.clear()
    assert labelling.classify(lines, LABELS, leaning, sample=12, reads=2) is not None
    assert [len(batch) for batch in asked][1:3] == [12, 12]  # after the glosses: the sample in two orders
    with pytest.raises(ValueError, match=r"reads=\.\.\.\) is 1 .* or 2"):
        labelling.classify(lines, LABELS, leaning, reads=3)


def test_a_reply_is_read_for_the_label_it_names_first():
    assert labelling.parse_label("Travel.", LABELS) == "travel"
    assert labelling.parse_label("It is about sports, not travel", LABELS) == "sports"
    assert labelling.parse_label("no idea", LABELS) is None
    assert labelling.parse_label("personal finances", ["personal finance", "health"]) == "personal finance"


def test_classify_in_the_repl_refuses_bad_labels_and_a_sub_model_that_names_none():
    lines, _ = posts(n=40)
    ns = Namespace("\n".join(lines), {"llm_query": lambda p: "", "llm_query_batched": lambda ps, **k: ["hm"] * len(ps)})
    with pytest.raises(TypeError, match=r"list of str"):
        ns.globals["classify"]("sports")
    with pytest.raises(RuntimeError, match="named none of the labels"):
        ns.globals["classify"](LABELS)
    with pytest.raises(ValueError, match="at least two labels"):
        ns.globals["classify"](["sports"])
    with pytest.raises(ValueError, match=r"is 1 \(each sampled item read once\) or 2"):
        ns.globals["classify"](LABELS, reads=0)


def test_counts_are_given_over_all_items_and_over_those_naming_the_questions_id():
    lines, topics = posts()
    text = labelling.describe(lines, topics, LABELS, "How many posts about travel did user 31821 write?")
    total = {t: topics.count(t) for t in LABELS}
    assert text.splitlines()[0] == "all items (300): " + ", ".join(
        f"{t}: {total[t]}" for t in sorted(LABELS, key=lambda t: -total[t]))
    named = [t for line, t in zip(lines, topics) if "31821" in line]
    assert f'items holding "31821" ({len(named)}): ' in text and f"travel: {named.count('travel')}" in text.splitlines()[1]


def test_a_question_giving_its_items_labels_is_answered_from_every_items_label():
    lines, topics = posts(n=600, weights=(3, 1, 2))  # cooking the most, travel more than sports
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=labeller, name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run("\n".join(lines), QUESTION)
    first = root.calls[0][-1]["content"]
    assert "labels = classify(" in first and f"all items (600): cooking: {topics.count('cooking')}" in first
    assert result.answer == "cooking"  # the most common label, by code: no reader
    prompts = [c[-1]["content"] for c in sub.calls]
    assert prompts[:3] == [labelling.GLOSS_PROMPT.format(label=t) for t in LABELS]  # the glosses, then the sample's
    assert all(p.startswith("Which one of these topics") for p in prompts[3:])  # labels: no reader
    # The sample is 96 posts; the same post written twice is labelled once (a run answers a sub-prompt once).
    assert len(prompts) <= len(LABELS) + labelling.SAMPLE_ITEMS and len(set(prompts)) == len(prompts)
    assert result.usage.total().calls == len(sub.calls) + 1
    # Any other question about the labels: a reader answers its asking part from the counts.
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=labeller, name="sub")
    question = QUESTION.split("\n\n")[0] + "\n\nHow many posts are about sports? Answer with a number."
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run("\n".join(lines), question)
    assert result.answer == str(topics.count("sports"))
    reader_prompt = sub.calls[-1][-1]["content"]
    assert reader_prompt.startswith("Counted by code") and "exactly one of these topics" not in reader_prompt


def test_whether_one_label_is_more_common_than_another_is_read_with_the_questions_own_words():
    ask = "Posts are about one of: cooking, sports, travel.\n\nAre there more, fewer or the same number of posts about {} than about {}?"
    assert labelling.compared(ask.format("travel", "sports"), LABELS) == {
        "first": "travel", "second": "sports", "words": ["more", "fewer", "same"]}
    assert labelling.compared("Are there more or less posts about sports than travel?", LABELS)["words"] == [
        "more", "less", "same"]
    assert labelling.compared("Are there more posts about sports than travel?", LABELS) == {}  # no other outcome offered
    assert labelling.compared("More or fewer posts about sports, travel or cooking?", LABELS) == {}  # three labels
    lines, topics = posts(n=600, weights=(3, 1, 2))
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=labeller, name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run("\n".join(lines), ask.format("sports", "travel"))
    assert result.answer == "fewer" and not any(c[-1]["content"].startswith("Counted") for c in sub.calls)  # by code


def test_which_label_is_most_or_least_common_is_asked_by_the_part_of_the_question_that_asks():
    assert labelling.extreme(QUESTION) == "most"
    assert labelling.extreme("Posts are about one of: a, b, c.\n\nWhich topic has the fewest posts?") == "least"
    assert labelling.extreme("How many posts are about the most popular topic?") == ""
    assert labelling.extreme("Which topic has the most posts, and which the least?") == ""


def test_the_labels_reading_needs_both_a_list_and_labels_the_question_gives():
    lines, _ = posts(n=300)
    context = "\n".join(lines)
    never = lambda: False  # noqa: E731
    assert first_reading.choose(True, True, context, QUESTION, never)[0] == first_reading.LABELS
    assert first_reading.choose(True, True, context, "Which topic has the most posts?", never)[0] == first_reading.PASSAGES
    assert first_reading.choose(True, True, "\n".join(lines[:5]), QUESTION, never)[0] != first_reading.LABELS
    assert first_reading.choose(True, False, context, QUESTION, never) is None  # the profile's reading is off
