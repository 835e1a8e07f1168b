"""read(question) (reading.py, issue 12): each passage find() gathers is checked alone, those that give the
answer are read together and their answer kept when it is written in them, else all are read together.
On scripted sub-models: the engine's own REPL, sandboxes and usage tree, with the model faked at the edge."""

import pytest

from recursivelm import RLM, Limits, ScriptedModel, evidence, parsing, reading
from recursivelm.evidence import Passage

from conftest import block

SITE_LOG = [
    Passage("line 3", "Dorozor Workshop: the cipher for the treasury door is now 4748-SD."),
    Passage("line 9", "Noted for Dorozor Workshop: the wifi password is badger-7386."),
    Passage("line 12", "At Dorozor Workshop, the emergency hotline is 0122 126 9870."),
]
WIFI = "What is the login key of the internet connection at Dorozor Workshop?"
STORY = [
    Passage("character 10", "Fred grabbed the umbrella."),
    Passage("character 90", "Fred travelled to the cellar."),
    Passage("character 200", "Fred moved to the balcony."),
]
WHERE = "In which room is the umbrella?"  # a question story.where_now does not take


class Reader:
    """A sub-model at the edge: says yes to the passages holding `yes_for`, answers reads with `answers`
    (first matching key in the prompt wins); records every prompt."""

    def __init__(self, yes_for: str, answers: dict[str, str]):
        self.yes_for, self.answers, self.prompts, self.reply_tokens = yes_for, answers, [], []

    def ask(self, prompt: str, max_tokens: int | None = None) -> str:
        self.prompts.append(prompt)
        self.reply_tokens.append(max_tokens)
        if prompt.endswith("Reply yes or no."):
            passage = prompt.split("Passage: ", 1)[1].split("\n\nQuestion: ", 1)[0]
            return "Yes." if self.yes_for in passage else "No"
        return next(answer for key, answer in self.answers.items() if key in prompt)

    def ask_batch(self, prompts: list[str], max_tokens: int | None = None) -> list[str]:
        self.batch_reply_tokens = max_tokens
        return [self.ask(p) for p in prompts]


def reads(reader: Reader) -> list[str]:
    return [p for p in reader.prompts if p.startswith("Here are passages")]


def test_the_passages_that_give_the_answer_alone_are_read_without_the_others():
    reader = Reader("wifi password", {"4748-SD": "4748-SD", "badger-7386": "badger-7386"})
    answer = reading.read(WIFI, SITE_LOG, reader.ask, reader.ask_batch)
    assert answer == "badger-7386"
    assert len(reader.prompts) == 4  # three checks, one reading
    assert "4748-SD" not in reads(reader)[0] and "[line 9] Noted for Dorozor" in reads(reader)[0]


def test_an_answer_not_written_in_the_chosen_passages_is_read_again_from_all_of_them():
    # "Fred grabbed the umbrella" gives an answer alone to a 1.5B reader; the room is not in it.
    reader = Reader("umbrella", {"balcony": "balcony", "grabbed": "Fred's room"})
    answer = reading.read(WHERE, STORY, reader.ask, reader.ask_batch)
    assert answer == "balcony"
    first, second = reads(reader)
    assert "cellar" not in first and "[character 200] Fred moved to the balcony." in second
    # The chosen passages' value is copied, a short reply; thinking over all of them is bounded.
    assert [reader.reply_tokens[reader.prompts.index(p)] for p in (first, second)] == [
        None, reading.READ_TOGETHER_REPLY_TOKENS]


def test_an_answer_saying_the_question_again_is_its_value_where_that_is_written_in_the_chosen_passages():
    reader = Reader("wifi password", {"badger-7386": "The login key of the internet connection is badger-7386."})
    assert reading.read(WIFI, SITE_LOG, reader.ask, reader.ask_batch) == "badger-7386"
    assert len(reads(reader)) == 1  # not read again from every passage
    # A value written in no chosen passage is no copy: every passage is read again.
    reader = Reader("wifi password", {"Think step by step": "Answer: badger-7386", "badger-7386": "The key is badger-9999."})
    assert reading.read(WIFI, SITE_LOG, reader.ask, reader.ask_batch) == "badger-7386"
    assert len(reads(reader)) == 2
    assert reading.restated_value("Cyra Okoro's supervisor is Ivo Weber.") == "Ivo Weber"
    assert reading.restated_value("`logging._handlerList[:]`") is None  # a colon inside code says nothing


@pytest.mark.parametrize("yes_for", ["no passage says this", "Dorozor"])
def test_when_no_passage_or_every_passage_gives_the_answer_all_are_read_once(yes_for):
    reader = Reader(yes_for, {"4748-SD": "0122 126 9870"})
    assert reading.read(WIFI, SITE_LOG, reader.ask, reader.ask_batch) == "0122 126 9870"
    assert len(reads(reader)) == 1 and len(reader.prompts) == 4


def test_of_many_passages_those_gathered_first_are_checked_and_the_one_that_answers_is_read_alone():
    # codetree seed 2 at 4K: 13 code passages read together unchecked; the reader named a file after the
    # function, not the one the definition's outline named. The definition is chosen first (chosen_at 0).
    others = [Passage(f"pkg/mod{i}.py:1", f"from pkg import helper as h{i}", chosen_at=i + 1) for i in range(14)]
    definition = Passage("pkg/core.py:7", "def helper(*, verbosity=0):  # outline: defined in pkg/core.py", chosen_at=0)
    passages = [*others[:6], definition, *others[6:]]  # in the text's order
    reader = Reader("defined in", {"verbosity=0": "pkg/core.py", "mod13": "pkg/mod13.py"})
    assert reading.read("Where is `helper` defined?", passages, reader.ask, reader.ask_batch) == "pkg/core.py"
    checks = [p for p in reader.prompts if p.endswith("Reply yes or no.")]
    assert len(checks) == reading.MAX_CHECKED_PASSAGES and not any("h12" in c or "h13" in c for c in checks)
    assert reads(reader)[0].count("\n[") == 1  # the definition alone
    reader = Reader("no passage says this", {"verbosity=0": "pkg/core.py"})  # none says yes: all are read
    assert reading.read("Where is `helper` defined?", passages, reader.ask, reader.ask_batch) == "pkg/core.py"
    assert "[pkg/mod13.py:1]" in reads(reader)[0]


def test_what_code_counted_of_the_definitions_is_listed_before_the_passages():
    # Shown only as a comment over the class's code, the 1.5B reader counted the defs it could see ("2" for 9,
    # codeqa seed 3 at 64K); listed first, it took the count.
    code = {"pkg/feed.py": "class FeedParser:\n" + "".join(f"    def m{i}(self):\n        pass\n" for i in range(9)),
            "pkg/other.py": "def parse(text, strict=True):\n    return FeedParser()\n"}
    question = "How many methods does the class `FeedParser` define in its class body?"
    passages = evidence.gather(code, question)
    reader = Reader("FeedParser", {"Here are passages": "9"})
    assert reading.read(question, passages, reader.ask, reader.ask_batch) == "9"
    intro, facts, shown = reads(reader)[-1].split("\n\n", 2)
    assert facts.splitlines() == [
        "Counted by code from the definitions below (exact):",
        "- `FeedParser` in pkg/feed.py: bases none; 9 methods defined in this class body: "
        + ", ".join(f"m{i}" for i in range(9))]
    assert shown.startswith("[pkg/feed.py:1] # outline: defined in pkg/feed.py;")  # the passages as find() shows them
    reader = Reader("umbrella", {"Here are passages": "cellar"})
    reading.read(WHERE, STORY, reader.ask, reader.ask_batch)
    assert "Counted by code" not in reads(reader)[-1]  # no definitions, no list


def test_a_reply_pointing_at_a_passage_answers_which_heading_by_the_heading_it_is_under():
    manual = [Passage("line 1", "# Owner's manual"), Passage("line 246, under '## Storage'", "Typical usage of the debugger."),
              Passage("line 295, under '## Specifications'", "The warranty covers parts for 36 months.")]
    question = "Under which heading of the manual is the warranty period given?"
    reader = Reader("warranty", {"warranty covers": "[line 295]"})
    assert reading.read(question, manual, reader.ask, reader.ask_batch) == "Specifications"
    # Any other question pointed at a place is read again from every passage, as before.
    reader = Reader("warranty", {"Answer from the passages": "Answer: 36 months", "warranty covers": "[line 295]"})
    assert reading.read("How long is the warranty period?", manual, reader.ask, reader.ask_batch) == "36 months"


def test_a_list_is_read_from_the_passages_saying_the_questions_verb_and_kept_where_each_item_is_written():
    journal = [Passage("line 57", "Among its instruments the survey party carried a barometer."),
               Passage("line 300", "Attributes of the object are listed in order."),
               Passage("line 1377", "Among its instruments the survey party carried a sextant."),
               Passage("line 5487", "The survey party left the lantern and the spare oars at the harbour."),
               Passage("line 7078", "Among its instruments the survey party carried a rain gauge.")]
    question = "Which instruments did the survey party carry?"
    # The checker says yes to every passage of the survey party, the lantern's too; a reader shown it lists it.
    reader = Reader("survey party", {"lantern": "Answer: barometer, sextant, lantern",
                                     "Answer from the passages": "The survey party carried a barometer, a sextant, and a rain gauge."})
    answer = reading.read(question, journal, reader.ask, reader.ask_batch)
    assert answer == "The survey party carried a barometer, a sextant, and a rain gauge."
    assert "lantern" not in reader.prompts[-1]  # read from the three saying "carried", and kept: each item is written
    # A list whose item no passage writes is not kept: every passage is read together, as before.
    reader = Reader("survey party", {"Answer from the passages": "a barometer, a sextant, a compass",
                                     "lantern": "Answer: barometer, sextant, rain gauge"})
    assert reading.read(question, journal, reader.ask, reader.ask_batch) == "barometer, sextant, rain gauge"


def test_one_passage_is_read_without_a_check():
    reader = Reader("wifi", {"badger": "badger-7386"})
    assert reading.read(WIFI, SITE_LOG[1:2], reader.ask, reader.ask_batch) == "badger-7386"
    assert len(reader.prompts) == 1


def test_an_answer_is_written_in_a_passage_whatever_its_case_quotes_or_full_stop():
    assert reading.written_in('"Badger-7386".', SITE_LOG)
    assert not reading.written_in("Fred's room", STORY) and not reading.written_in("a", STORY)


LOG = "\n".join(
    [f"[2024-01-{d:02}] {site} Workshop: the login key of the internet connection is key-{d}."
     for d, site in enumerate(["Alder", "Birch", "Cedar"], 1)]
    + [f"[2024-02-{d:02}] Routine inspection of the loading bay went fine." for d in range(1, 28)] * 40
    + ["[2024-03-01] Dorozor Workshop: the cipher for the treasury door is now 4748-SD.",
       "[2024-03-02] Noted for Dorozor Workshop: the wifi password is badger-7386."]
)


def site_reader(messages):
    prompt = messages[-1]["content"]
    if prompt.endswith("Reply yes or no."):
        return "yes" if "wifi password" in prompt else "no"
    return "4748-SD" if "4748-SD" in prompt else "badger-7386"


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_read_in_the_repl_checks_each_passage_on_the_sub_model_and_counts_every_call(sandbox):
    root = ScriptedModel(replies=[block(f"print(read({WIFI!r}))"), block("print(read(''))"),
                                  block('FINAL("badger-7386")')], name="scripted")
    sub = ScriptedModel(respond=site_reader, name="sub")
    result = RLM(root, sub_model=sub, profile="default", sandbox=sandbox).run(LOG, WIFI)
    assert "badger-7386" in root.calls[1][-1]["content"]
    assert "read(question) takes the question to answer" in root.calls[2][-1]["content"]
    checks = [i for i, c in enumerate(sub.calls) if c[-1]["content"].endswith("Reply yes or no.")]
    assert len(checks) >= 2 and len(sub.calls) == len(checks) + 1
    # A check is read by its first word: its reply is capped, across the sandbox's wire too; the reading is not.
    assert [sub.reply_limits[i] for i in checks] == [reading.CHECK_REPLY_TOKENS] * len(checks)
    assert [n for i, n in enumerate(sub.reply_limits) if i not in checks] == [Limits().max_sub_reply_tokens]
    assert result.usage.total().calls == 3 + len(sub.calls)


def test_read_without_sub_calls_says_the_limit_as_llm_query_does():
    root = ScriptedModel(replies=[block(f"print(read({WIFI!r}))"), block('FINAL("x")')], name="scripted")
    RLM(root, profile="default", sandbox="inprocess", limits=Limits(max_sub_calls=0)).run(LOG, WIFI)
    assert "SubCallError:" in root.calls[1][-1]["content"]
    assert "sub-calls are off (max_sub_calls=0)" in root.calls[1][-1]["content"]


def test_passages_read_together_are_thought_through_and_the_last_answer_line_is_the_reading():
    # No passage gives the answer alone: the reader reasons over all of them, in order, then answers.
    reasoning = "Fred took the umbrella, went to the cellar, then moved to the balcony.\n**Answer:** balcony"
    reader = Reader("no passage says this", {"Fred moved": reasoning})
    assert reading.read(WHERE, STORY, reader.ask, reader.ask_batch) == "balcony"
    assert reads(reader)[0].endswith("then end with a last line: Answer: <the answer>")


def test_reasoning_without_an_answer_line_is_cut_to_its_answer_by_one_more_call():
    code = [Passage("ctypes/__init__.py:165", "class c_short(_SimpleCData):\n    _type_ = \"h\"")]
    reasoning = "The base classes of `c_short` are `_SimpleCData`, which is a subclass of `ctypes._CData`."
    reader = Reader("no passage says this", {"A reader's reply": "_SimpleCData", "class c_short": reasoning})
    assert reading.read("What are the base classes of `c_short`?", code, reader.ask, reader.ask_batch) == "_SimpleCData"
    extract = reader.prompts[-1]
    assert reasoning in extract and extract.endswith("in the form the question asks for.")
    assert reader.reply_tokens[-1] == reading.EXTRACT_REPLY_TOKENS  # a short answer: a long one ran out of time


@pytest.mark.parametrize("reasoning", [
    "The passage names the payments image only.\nTherefore, the answer is: <the answer>",  # the prompt echoed
    "The image line says nothing of replicas.\nSo the number of replicas cannot be determined from these passages.",
    "The image line says nothing of replicas.\nTherefore, the answer is: <no information provided>",  # a slot of its own
])
def test_a_reply_that_gives_no_answer_is_said_so_not_cut_to_an_invented_one(reasoning):
    yaml = [Passage("line 960", "payments:"), Passage("line 961", "image: registry.local/payments:36.2")]
    reader = Reader("no passage says this", {"payments:": reasoning, "A reader's reply": "3"})
    said = reading.read("How many replicas does the payments deployment run?", yaml, reader.ask, reader.ask_batch)
    assert said == reading.NO_ANSWER.format(said=reasoning.splitlines()[-1])
    assert parsing.says_absent(said)  # a look that missed: "not given" copied from it is refused once
    # Cut from a reply that names it, though it then doubts it, an answer is kept.
    options = "D) email/_header_value_parser.py defines it, but it is not listed.\nTherefore, the answer is: <the answer>"
    reader = Reader("no passage says this", {"payments:": options, "A reader's reply": "D"})
    assert reading.read("Which option?", yaml, reader.ask, reader.ask_batch) == "D"
    # Asked to cut the answer from a reply ending in the placeholder, the reader wrote the placeholder.
    reader = Reader("no passage says this", {"payments:": reasoning, "A reader's reply": "<the answer>"})
    said = reading.read("How many replicas does the payments deployment run?", yaml, reader.ask, reader.ask_batch)
    assert said == reading.NO_ANSWER.format(said=reasoning.splitlines()[-1])
    # ...or one of its own: "<the name of the employee>".
    named = "So the answer is: The deployment with the most replicas is <the name of the deployment>."
    reader = Reader("no passage says this", {"payments:": named, "A reader's reply": named.split(": ", 1)[1]})
    said = reading.read("Which deployment runs the most replicas?", yaml, reader.ask, reader.ask_batch)
    assert said == reading.NO_ANSWER.format(said=named)


def test_an_answer_line_or_a_short_reply_is_the_reading_as_it_is():
    assert reading.answer_line("The umbrella is on the balcony.") == "The umbrella is on the balcony."
    assert reading.answer_line("To answer: look.\nAnswer: A\nAnswer: B") == "B"
    assert reading.answer_line("Fred took it and went on.\nSo it is on the balcony.") is None
    assert reading.answer_line("Answer:") is None


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_model_code_may_ask_for_shorter_replies_but_never_longer_than_the_runs_limit(sandbox):
    root = ScriptedModel(replies=[block('print(llm_query("hi", max_tokens=5), llm_query_batched(["a"], max_tokens=10**6))'),
                                  block('llm_query("hi", max_tokens="5")'), block('FINAL("done")')], name="scripted")
    sub = ScriptedModel(respond=lambda messages: "ok", name="sub")
    RLM(root, sub_model=sub, profile="default", sandbox=sandbox, limits=Limits(max_sub_reply_tokens=300)).run(LOG, WIFI)
    assert sub.reply_limits == [5, 300]
    assert "max_tokens" in root.calls[2][-1]["content"] and "TypeError" in root.calls[2][-1]["content"]
