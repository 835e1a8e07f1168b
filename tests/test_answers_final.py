"""FINAL as models write it: in the answer-now turn inside a fenced block, with words and commas in text,
and FINAL(None). Parsing alone, then whole runs on the scripted model."""

import pytest

from conftest import block
from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.parsing import (answer_now_code, answer_text, final_in_reply, literal_or_text, names_no_option,
                                 option_letter, printed_literal, text_final)

DOC = "The capital of France is Paris. " * 5


def answer_now_answer(reply: str) -> str:
    found = text_final(reply) or final_in_reply(reply)
    return literal_or_text(found[1])


@pytest.mark.parametrize("reply", [
    block("FINAL('Paris')"),
    block("FINAL('Paris')  # the answer"),
    block("x = 'Paris'\nFINAL(x)"),
    block("answer = 'Paris'\nprint(answer)\nFINAL(answer)"),
    block("city = 'Paris'\nFINAL_VAR('city')"),
    block("if True:\n    FINAL('Paris')"),
    "Here is my answer:\n" + block("FINAL('Paris')") + "\nDone.",
    "FINAL('Paris')  # final",
    block("x = 'Lyon'\nx = 'Paris'\nFINAL(x)"),
])
def test_the_answer_now_turn_finds_a_fenced_final_and_its_value(reply):
    assert answer_now_answer(reply) == "Paris"


def test_a_name_the_block_does_not_bind_to_a_literal_is_left_as_written():
    # Only the REPL knows `hits` (an earlier cell made it): parsing cannot resolve it.
    assert final_in_reply(block("FINAL(hits[0])")) == ("FINAL", "hits[0]")
    assert final_in_reply(block("x = search('a')\nFINAL(x)")) == ("FINAL", "x")


def test_text_final_with_commas_is_the_text_not_two_arguments():
    assert text_final("FINAL(Paris, France)") == ("FINAL", "'Paris, France'")
    assert literal_or_text(text_final("FINAL(Paris, France)")[1]) == "Paris, France"
    assert text_final("FINAL('Paris, France')") == ("FINAL", "'Paris, France'")  # one argument: as written
    assert text_final("FINAL(x)") == ("FINAL", "x")
    assert text_final("FINAL(the capital is Paris)") == ("FINAL", "the capital is Paris")


def test_no_answer_is_none_not_the_word_none():
    assert answer_text(None) is None and answer_text("  ") is None
    assert answer_text(42) == "42" and answer_text("Paris") == "Paris"


def run(replies, **limits):
    root = ScriptedModel(replies=replies, name="scripted")
    return RLM(root, limits=Limits(**limits), sandbox="inprocess").run(DOC, "What is the capital?")


def test_a_run_takes_text_final_with_a_comma():
    r = run([block("print(context[:40])"), "FINAL(Paris, France)"])
    assert (r.status, r.answer) == ("answered", "Paris, France")


@pytest.mark.parametrize("reply", [block("FINAL('Paris')  # the answer"), block("x = 'Paris'\nFINAL(x)")])
def test_a_run_answers_from_a_fenced_final_in_the_answer_now_turn(reply):
    r = run([block("print(1)"), reply], max_iterations=1)
    assert (r.status, r.answer) == ("limit", "Paris")


def test_an_answer_now_reply_echoing_a_cells_error_is_no_answer():
    # Seen on the embedded model at temperature 0.7: the last reply was the error of the cell before it.
    echo = block("Error:\nSyntaxError: invalid syntax (line 1)\n    Error:")
    r = run([block("print(1)"), echo], max_iterations=1)
    assert (r.status, r.answer) == ("limit", None)


def test_an_answer_now_reply_of_code_to_run_is_no_answer():
    r = run([block("print(1)"), block('print(find("health"))')], max_iterations=1)
    assert (r.status, r.answer) == ("limit", None)


@pytest.mark.parametrize("text, code", [
    ('print(find("x"))', True), ("x = 3", True), ("for l in context: pass", True), ('re.findall("x", context)', True),
    ("2423915", False), ("hallway", False), ("A, B", False), ("The Megraca River", False), ("0697 323 9268", False),
    ("_handlerList[:]", False), ("c_short(_SimpleCData)", False),  # values a code question asks for, as written
])
def test_is_code_not_answer(text, code):
    from recursivelm.parsing import is_code_not_answer

    assert is_code_not_answer(text) is code


def test_final_none_given_twice_is_no_answer():
    r = run([block("print(context[:40])"), block("FINAL(None)"), block("FINAL(None)")])
    assert r.answer is None


@pytest.mark.parametrize("reply, code", [
    (block("FINAL(result)"), "FINAL(result)"),
    (block("FINAL_VAR('hits')"), "FINAL_VAR('hits')"),
    ("FINAL(hits[0])", "FINAL(hits[0])"),
    (block("x = 'Paris'\nFINAL(x)"), None),  # resolved by parsing: no REPL needed
    ("FINAL('Paris')", None),
    ("FINAL(Paris, France)", None),
    ("FINAL(the capital is Paris)", None),
    ("no final here", None),
])
def test_the_answer_now_turn_knows_when_only_the_repl_can_say_what_final_names(reply, code):
    assert answer_now_code(reply) == code


def test_an_answer_now_final_of_a_repl_variable_gives_its_value():
    r = run([block("result = 'Paris'\nprint(result)"), block("FINAL(result)")], max_iterations=1)
    assert (r.status, r.answer) == ("limit", "Paris")


MULTIPLE_CHOICE = "Which city is the capital?\n\nA) Lyon\nB) Paris\nC) Nice\n\nAnswer with the letter of the correct option."


def test_the_text_of_an_option_where_its_letter_is_asked_for_is_refused_once_with_the_letter():
    root = ScriptedModel(replies=[block("print(context[:40])"), block('FINAL("Paris")'), block('FINAL("B")')],
                         name="scripted")
    result = RLM(root, sandbox="inprocess").run(DOC, MULTIPLE_CHOICE)
    assert 'the text of option B. Answer FINAL("B")' in root.calls[2][-1]["content"]
    assert result.answer == "B"


def test_an_answer_naming_no_option_where_a_letter_is_asked_for_is_refused_once_with_the_letters():
    copied = "Counted by code (ast): 5 definitions call `different_locale` in their own body"
    root = ScriptedModel(replies=[block("print(context[:40])"), block(f"FINAL({copied!r})"), block('FINAL("B")')],
                         name="scripted")
    result = RLM(root, sandbox="inprocess").run(DOC, MULTIPLE_CHOICE)
    assert ('the question asks for the letter of one of its options (A, B, C), and this names none. Answer with '
            'one letter: FINAL("<letter>")') in root.calls[2][-1]["content"]
    assert result.answer == "B"
    # Given again, it is taken: a refusal that repeats makes a small model loop.
    root = ScriptedModel(replies=[block("print(context[:40])"), block(f"FINAL({copied!r})"),
                                  block(f"FINAL({copied!r})")], name="scripted")
    assert RLM(root, sandbox="inprocess").run(DOC, MULTIPLE_CHOICE).answer == copied


@pytest.mark.parametrize("answer, names_none", [
    ("Counted by code (ast): 5 definitions", True), ("Rome", True), ("the answer is b", True),
    ("B", False), ("B) Paris", False), ("Answer: B", False), ("(C)", False), ("Paris", False),  # its text: option_letter's
    ("D", True),  # no option D
])
def test_names_no_option(answer, names_none):
    assert names_no_option(MULTIPLE_CHOICE, answer) is names_none
    assert names_no_option("Which city is the capital? Answer with its name.", answer) is False


@pytest.mark.parametrize("question, answer, letter", [
    (MULTIPLE_CHOICE, "Paris", "B"), (MULTIPLE_CHOICE, " paris. ", "B"), (MULTIPLE_CHOICE, "B", None),
    (MULTIPLE_CHOICE, "Rome", None), ("Which city is the capital? Answer with its name.", "Paris", None),
    (MULTIPLE_CHOICE.replace("letter", "name"), "Paris", None),  # a name asked for: the text is right
    ("How many?\n(A) 0\n(B) 4\n(C) 1\nGive the letter.", 1, "C"),
])
def test_option_letter(question, answer, letter):
    assert option_letter(question, answer) == letter


@pytest.mark.parametrize("reply, answer", [
    (block('print("Paris")'), "Paris"), ('print("Paris")', "Paris"), (block("print(42)"), "42"),
    (block("print(x)"), None), (block('print("a")\nprint("b")'), None), ("Paris is the answer.", None),
])
def test_printed_literal(reply, answer):
    assert printed_literal(reply) == answer


def test_an_answer_now_reply_that_prints_its_answer_gives_the_printed_text_not_the_code():
    r = run([block("print(context[:20])"), block('print("Paris")')], max_iterations=1)
    assert (r.status, r.answer) == ("limit", "Paris")


CODE = {"pkg/types.py": "class c_short(_SimpleCData):\n    _type_ = 'h'\n\n\ndef shutdown(handlerList=_handlerList):\n    pass\n"}


def test_a_name_spelt_without_the_texts_underscores_is_refused_once_with_the_texts_spelling():
    root = ScriptedModel(replies=[block('print(find("c_short"))'), block('FINAL("SimpleCData")'),
                                  block('FINAL("_SimpleCData")')], name="scripted")
    result = RLM(root, profile="small", sandbox="inprocess", limits=Limits(max_sub_calls=0)).run(
        CODE, "What are the base classes of the class `c_short`?")
    assert 'the text writes a name in it with other underscores' in root.calls[2][-1]["content"]
    assert 'FINAL("_SimpleCData")' in root.calls[2][-1]["content"]
    assert result.answer == "_SimpleCData"


@pytest.mark.parametrize("answer, written", [
    ("SimpleCData", "_SimpleCData"),
    ("The base is `SimpleCData`.", "The base is `_SimpleCData`."),
    ("_SimpleCData", None),  # as written
    ("_simplecdata", None),  # a name differing only in case is the same name
    ("handlerList", None),
    ("Hagralburg", None),  # not in the text at all: nothing to spell it as
])
def test_as_written(answer, written):
    from recursivelm import wordcounts

    assert wordcounts.as_written(CODE, answer) == written


def test_a_name_spelt_without_underscores_given_twice_counts():
    root = ScriptedModel(replies=[block('print(find("c_short"))'), block('FINAL("SimpleCData")'),
                                  block('FINAL("SimpleCData")')], name="scripted")
    result = RLM(root, profile="small", sandbox="inprocess", limits=Limits(max_sub_calls=0)).run(
        CODE, "What are the base classes of the class `c_short`?")
    assert result.answer == "SimpleCData"
