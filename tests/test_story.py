"""Where someone or something is now in a story told in order (story.py, issue 12): code walks the story, the
sub-model reads one sentence at a time. The sub-model is faked at the edge: a reader of single sentences."""

import re

import pytest

from recursivelm import RLM, ScriptedModel, reading, story
from recursivelm.evidence import Passage

from conftest import block

TAKE = re.compile(r"\b(?:took|grabbed|picked up|got)\b")


class SentenceReader:
    """Answers story.py's two one-sentence questions as the 1.5B model did when probed (a room after "to the" or
    "in the", else "no"; "take" for a taking verb, else "let go"); records every prompt and reply cap."""

    def __init__(self, places: dict[str, str] | None = None):
        self.places = places or {}  # sentence -> a reply of our choosing
        self.prompts, self.reply_tokens = [], []

    def ask(self, prompt: str, max_tokens: int | None = None) -> str:
        self.prompts.append(prompt)
        self.reply_tokens.append(max_tokens)
        sentence = prompt.split("Sentence: ", 1)[1].split("\n\n", 1)[0] if prompt.startswith("Sentence: ") else ""
        if 'Reply "take" or "let go".' in prompt:
            return "take" if TAKE.search(sentence) else "Let go."
        if prompt.endswith('Reply with the place only, or "no".'):
            if sentence in self.places:
                return self.places[sentence]
            room = re.search(r"\b(?:to|in) the (\w+)", sentence)
            return f"The {room[1]}." if room else "no"
        return "Answer: the reader's answer"

    def ask_batch(self, prompts: list[str], max_tokens: int | None = None) -> list[str]:
        return [self.ask(p, max_tokens) for p in prompts]


def passages(*sentences: str) -> list[Passage]:
    return [Passage(f"character {10 * i}", text, i) for i, text in enumerate(sentences)]


CARRIED = passages("Fred went to the kitchen.", "Fred grabbed the umbrella.", "Mary moved to the garden.",
                   "Fred travelled to the cellar.", "Fred dropped the apple.", "Fred moved to the balcony.")


def test_a_thing_taken_is_where_its_holder_went_last():
    reader = SentenceReader()
    assert story.where_now("A story is told in order. Where is the umbrella? Answer with the room.", CARRIED,
                           reader.ask) == "balcony"
    # Its last sentence (no place in it), who handled it and how, then the holder's last sentence with a place.
    asked = [p.split("\n\n")[0] for p in reader.prompts]
    assert asked == ["Sentence: Fred grabbed the umbrella.", "Sentence: Fred grabbed the umbrella.",
                     "Sentence: Fred moved to the balcony."]
    assert reader.reply_tokens == [story.PLACE_REPLY_TOKENS, story.HANDLING_REPLY_TOKENS, story.PLACE_REPLY_TOKENS]


def test_a_thing_let_go_is_where_its_holder_was_then_not_where_they_went_after():
    dropped = passages("Julie took the milk.", "Julie went to the office.", "Julie journeyed to the hallway.",
                       "Julie discarded the milk.", "Julie moved to the garden.")
    reader = SentenceReader()
    assert story.where_now("Where is the milk?", dropped, reader.ask) == "hallway"
    assert not any("garden" in p for p in reader.prompts)  # a move after the drop is never asked about


def test_a_person_is_where_their_last_sentence_with_a_place_puts_them():
    reader = SentenceReader()
    assert story.where_now("Where is Fred?", CARRIED, reader.ask) == "balcony"
    assert len(reader.prompts) == 1
    # Sentences without a place ("Fred dropped the apple") are passed over, from the last backwards.
    reader = SentenceReader()
    assert story.where_now("Where is Fred?", CARRIED[:5], reader.ask) == "cellar"
    assert len(reader.prompts) == 2


def test_a_place_not_written_in_the_sentence_or_naming_the_actor_is_no_place():
    for reply in ["the garden", "Fred", "there", "no"]:
        reader = SentenceReader({"Fred moved to the balcony.": reply})
        assert story.where_now("Where is Fred?", CARRIED, reader.ask) == "cellar"  # the sentence before answers


def test_without_a_usable_reply_the_latest_sentences_are_read_together_as_before():
    reader = SentenceReader()

    def hedging(prompt, max_tokens=None):
        return "maybe" if 'Reply "take" or "let go".' in prompt else reader.ask(prompt, max_tokens)

    assert story.where_now("Where is the umbrella?", CARRIED, hedging) is None
    answer = reading.read("Where is the umbrella?", CARRIED, hedging, reader.ask_batch)
    assert answer == "the reader's answer"
    read_together = reader.prompts[-1]
    assert read_together.startswith("Here are passages")
    assert "Mary moved to the garden." not in read_together  # story.latest_state: the holder's lines only
    assert "[character 50] Fred moved to the balcony." in read_together


def test_a_capitalised_word_that_is_no_actor_of_the_story_is_never_asked_about_as_a_holder():
    manual = passages("The retry policy is described below.", "Retries back off: retries double each time.",
                      "Retries use the policy in the settings file.")
    reader = SentenceReader({"Retries use the policy in the settings file.": "no"})
    assert story.where_now("Where is the policy?", manual, reader.ask) is None
    assert not any('Reply "take" or "let go".' in p for p in reader.prompts)


def test_several_people_in_the_things_last_sentence_are_left_to_the_reader():
    handed = passages("Bill took the kettle.", "Bill handed the kettle to Emily.", "Emily went to the garden.")
    assert story.where_now("Where is the kettle?", handed, SentenceReader().ask) is None


@pytest.mark.parametrize("question, given", [
    ("Where is class Foo defined?", CARRIED),  # a definition, not a place now
    ("Where is the violin?", CARRIED),  # no sentence names it
    ("Who took the umbrella?", CARRIED),
    ("Where is the milk?", [Passage("a.py:1", "milk = 1  # " + "x" * 300)]),  # no story's short sentences
])
def test_other_questions_and_texts_are_not_taken_and_cost_no_call(question, given):
    reader = SentenceReader()
    assert story.where_now(question, given, reader.ask) is None
    assert story.latest_state(question, given) is None
    assert reader.prompts == []


def test_the_latest_sentences_are_the_things_last_and_its_holders_around_it():
    told = [Passage("character 5", "Gertrude went to the kitchen. … Julie moved to the garden."),
            Passage("character 40", "Gertrude grabbed the milk."),
            Passage("character 80", "Julie went to the hallway."),
            Passage("character 120", "Gertrude moved to the office. … Gertrude travelled to the cellar."),
            Passage("character 160", "Gertrude picked up the umbrella.")]
    latest = story.latest_state("A story is told in order. Where is the milk? Answer with the room.", told)
    assert [p.text for p in latest] == ["Gertrude went to the kitchen.", "Gertrude grabbed the milk.",
                                        "Gertrude moved to the office.", "Gertrude travelled to the cellar.",
                                        "Gertrude picked up the umbrella."]  # Julie's moves left out
    assert latest[0].where == "character 5"


def test_the_latest_sentences_follow_names_not_every_capitalised_word():
    told = passages("Gertrude went to the kitchen.", "Then Gertrude grabbed the milk and waved to Bill.",
                    "Then the bell rang.", "Gertrude moved to the office.", "Bill went to the garden.",
                    "Then the lights went out.")
    latest = story.latest_state("Where is the milk?", told)
    assert [p.text for p in latest] == [  # "Then" names nobody; Bill, who starts one sentence, is followed
        "Gertrude went to the kitchen.", "Then Gertrude grabbed the milk and waved to Bill.",
        "Gertrude moved to the office.", "Bill went to the garden."]


def test_read_in_the_repl_answers_a_where_question_a_sentence_at_a_time_and_counts_every_call():
    text = " ".join(["The weather was mild and nothing happened."] * 40 + [p.text for p in CARRIED]
                    + ["The weather was mild and nothing happened."] * 40)
    question = "Where is the umbrella?"
    reader = SentenceReader()
    root = ScriptedModel(replies=[block(f"print(read({question!r}))"), block('FINAL("balcony")')], name="scripted")
    sub = ScriptedModel(respond=lambda messages: reader.ask(messages[-1]["content"]), name="sub")
    result = RLM(root, sub_model=sub, profile="default", sandbox="isolated").run(text, question)
    assert "balcony" in root.calls[1][-1]["content"]
    assert len(sub.calls) == 3 and sub.reply_limits == [story.PLACE_REPLY_TOKENS, story.HANDLING_REPLY_TOKENS,
                                                        story.PLACE_REPLY_TOKENS]
    assert result.usage.total().calls == 2 + 3
