"""The answer-protocol traps listed in shared/LESSONS.md, one test each."""

import pytest

from recursivelm import parsing
from recursivelm.parsing import cut_after_first_block, find_blocks, first_block_end, literal_or_text, text_final


def test_python_and_repl_and_untagged_blocks_all_run():
    reply = "```repl\na=1\n```\n```python\nb=2\n```\n```py\nc=3\n```\n```\nd = 4\n```"
    assert [b.code.strip() for b in find_blocks(reply) if b.runnable] == ["a=1", "b=2", "c=3", "d = 4"]


def test_output_and_prose_blocks_do_not_run():
    reply = "```output\n42\n```\n```text\nhello there friend\n```\n```\nthis is not python at all\n```"
    assert [b for b in find_blocks(reply) if b.runnable] == []


def test_final_inside_a_code_fence_is_not_a_text_final():
    assert text_final("```python\nFINAL(42)\n```") is None


def test_final_in_prose_is_not_an_answer():
    assert text_final("I will return FINAL_VAR(out) once I have checked the rest.") is None
    assert text_final("Plan: compute x, then FINAL(x).") is None


def test_final_on_its_own_line_is_found_with_nested_parentheses():
    assert text_final("Done.\nFINAL(f(g(1), (2, 3)))\n") == ("FINAL", "f(g(1), (2, 3))")
    assert text_final("FINAL_VAR(result)") == ("FINAL_VAR", "result")


def test_the_last_text_final_wins():
    assert text_final("FINAL(1)\nthinking again\nFINAL(2)") == ("FINAL", "2")


def test_literal_or_text_unquotes_literals_only():
    assert literal_or_text('"Paris"') == "Paris"
    assert literal_or_text("42") == "42"
    assert literal_or_text("Paris, the capital") == "Paris, the capital"


def test_cut_after_first_block_drops_invented_output():
    reply = "```python\nprint(search('x'))\n```\nOutput:\nthe answer is 7\n```python\nFINAL(7)\n```"
    cut = cut_after_first_block(reply)
    assert cut.rstrip().endswith("```") and "Output" not in cut and "FINAL" not in cut


def test_unclosed_block_is_kept_as_runnable():
    blocks = find_blocks("```python\nx = 1\nprint(x)")
    assert len(blocks) == 1 and not blocks[0].closed and blocks[0].runnable


def test_longer_fence_holds_inner_fences():
    reply = "````python\ns = '''\n```\n'''\nprint(s)\n````"
    (b,) = find_blocks(reply)
    assert "print(s)" in b.code and b.runnable


def test_first_block_end_waits_for_the_closing_fence_line_to_end():
    assert first_block_end("no block here") is None
    assert first_block_end("text\n```python\nx = 1\n") is None  # still open
    assert first_block_end("text\n```python\nx = 1\n```") is None  # the closing line has not ended yet
    text = "Here:\n```python\nx = 1\n```\nMore text\n```python\ny = 2\n```\n"
    assert text[: first_block_end(text)] == "Here:\n```python\nx = 1\n```\n"
    text = "````\n```\ninner\n```\n````\nafter"  # a longer opening fence is only closed by one as long
    assert text[: first_block_end(text)] == "````\n```\ninner\n```\n````\n"


@pytest.mark.parametrize("text, absent", [
    ("Traceback (most recent call last):\n  File ...", True),  # an error copied as the answer
    ("NameError: name 'x' is not defined", True),
    ("The code is not found in the text.", True),
    ("traceback.FrameSummary", False),  # a dotted name: a class's base, not a traceback
    ("Error", False),  # a value: a class's base
])
def test_what_says_the_answer_is_absent_or_an_error(text, absent):
    assert parsing.says_absent(text) is absent
