"""What the engine does so a small root runs the loop instead of guessing (issue 12), on the scripted model:
evidence in the first turn, searches that miss showing what is near, answers checked against what the
code saw, slips that carry an answer forgiven, and a directory's shape shown."""

import pytest

from recursivelm import RLM, Limits, ScriptedModel, evidence, querywords, wordcounts  # noqa: F401 (modules)
from recursivelm.parsing import final_in_reply, reads_context, text_final

from conftest import block

FILLER = [f"Line {i}: the weather report for the harbour was calm." for i in range(2_000)]
DOC = "\n".join(FILLER[:1_200] + ["The ferry from Oslo was late again, said the harbour master."] + FILLER[1_200:])
CODE = {
    "pkg/__init__.py": "from .core import LineEnd, Token\n__all__ = ['LineEnd', 'Token']\n",
    "pkg/core.py": "import re\n\n\nclass Token:\n    pass\n\n\nclass LineEnd(Token):\n    def parse(self, text, strict=False):\n        return text\n",
    "pkg/util.py": "from .core import LineEnd\n\n\ndef helper(x):\n    return LineEnd()\n",
}


def run(replies, context=DOC, question="How many sentences report on the ferry of Oslo?", profile="small",
        sandbox="inprocess", **limits):
    root = ScriptedModel(replies=replies, name="scripted")
    sub = ScriptedModel(respond=lambda m: "sub", name="scripted-sub")
    rlm = RLM(root, sub_model=sub, profile=profile, sandbox=sandbox, limits=Limits(**limits))
    return rlm.run(context, question), root.calls


def shown(calls, turn):
    """What the model was shown before reply `turn` (0-based): the last user message."""
    return calls[turn][-1]["content"]


# -- evidence -----------------------------------------------------------------------------------
def test_rank_finds_the_passage_in_a_long_line_with_where_it_is():
    text = " ".join(["The sky is blue."] * 3_000 + ["The vault's access code is 4471."] + ["The sun is out."] * 3_000)
    best = evidence.rank(text, "What is the access code of the vault?", 3)[0]
    assert "4471" in best.text
    start = int(best.where.split("line 1, character ")[1].replace(",", ""))
    assert start <= text.index("The vault's") < start + len(best.text)


def test_rank_puts_a_definition_above_its_mentions_and_says_path_and_line():
    ranked = evidence.rank(CODE, "Where is the class LineEnd defined?", 5)
    assert ranked[0].where == "pkg/core.py:8"
    assert ranked[0].text.startswith("class LineEnd(Token)")
    assert any(p.where.startswith("pkg/__init__.py:") for p in ranked[1:])  # mentions still shown, below it


def test_near_reports_the_parts_of_a_pattern_that_occur():
    near = wordcounts.near(DOC, r"report on the ferry of Oslo")
    phrases = {p["phrase"]: p["count"] for p in near["phrases"]}
    assert phrases.get("the ferry") == 1 and "Oslo" in phrases
    assert "report on the ferry of Oslo" not in phrases
    assert "ferry from Oslo" in near["passages"][0]["text"]
    assert wordcounts.pattern_words(r"magic\s+number\b for (\w+)") == ["magic", "number", "for"]


# -- the first turn -----------------------------------------------------------------------------
def test_the_first_turn_shows_the_lines_that_share_the_questions_words():
    result, calls = run([block('FINAL("late")')], max_sub_calls=0)
    first = shown(calls, 0)
    assert "[line 1201] The ferry from Oslo was late again" in first
    assert result.answer == "late"  # evidence shown counts as a look: the answer is taken


def test_a_first_reading_is_shown_instead_of_the_lines():
    # Shown both, the 1.5B root answered from a line using the question's words over a right reading.
    result, calls = run([block('FINAL("late")')], question="What happened to the ferry of Oslo?")
    first = shown(calls, 0)
    assert "print(reading)" in first and "sub" in first.split("Output:\n", 1)[1].splitlines()
    assert "reply with FINAL(reading)" in first  # passed on as it is, not retyped
    assert "[line 1201] The ferry from Oslo" not in first and "found these lines" not in first
    assert result.answer == "late"  # the reading counts as a look


def test_the_default_profile_primes_nothing():
    _, calls = run([block('FINAL("x")')], profile="default")
    assert "The ferry from Oslo" not in shown(calls, 0)


def test_a_directory_shows_its_tree_and_path_line_hits():
    context = {**CODE, **{f"docs/page{i}.txt": "nothing here" for i in range(3)}}
    _, calls = run([block('FINAL("pkg/core.py")')], context=context, question="Where is class LineEnd defined?",
                   max_sub_calls=0)
    first = shown(calls, 0)
    assert "docs/ (3 files)" in first and "pkg/ (3 files)" in first
    assert "[pkg/core.py:8] class LineEnd(Token):" in first


# -- searches that miss -------------------------------------------------------------------------
@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
@pytest.mark.parametrize("code", [
    'import re\nprint(len(re.findall(r"report on the ferry of Oslo", context)))',
    'from re import search as s\nprint(s("report on the ferry of Oslo", context))',
    'import re\nrx = re.compile("report on the ferry of Oslo", re.I)\nprint(list(rx.finditer(context.lower())))',
    'print(search("report on the ferry of Oslo"))',
])
def test_a_search_that_finds_nothing_shows_what_is_near(code, sandbox):
    _, calls = run([block(code), block('FINAL("done")')], sandbox=sandbox)
    after = shown(calls, 1)
    assert '"report on the ferry of Oslo" matched nothing' in after
    assert '"the ferry" (1 times)' in after
    assert "[line 1201] The ferry from Oslo was late again" in after


def test_a_search_that_finds_something_adds_no_note_and_re_still_works():
    code = ('import re\nprint(len(re.findall(r"ferry from Oslo", context)))\n'
            'print(re.sub(re.compile("a"), "b", "aa"), re.split(",", "x,y"), re.escape("a.b"))\n'
            'print(len(re.findall("zzz", "short text")))')  # a miss in a short string is not about the context
    _, calls = run([block(code), block('FINAL("done")')])
    after = shown(calls, 1)
    assert "1\nbb ['x', 'y'] a\\.b\n0" in after
    assert "matched nothing" not in after


# -- answers checked against what the code saw --------------------------------------------------
@pytest.mark.parametrize("answer", ["0", '"The text does not mention it."', '"Error: list index out of range"', "None"])
def test_an_answer_of_absence_right_after_a_miss_is_refused_once(answer):
    miss = block('import re\nn = len(re.findall(r"report on the ferry of Oslo", context))\nprint(n)')
    result, calls = run([miss, block(f"FINAL({answer})"), block(f"FINAL({answer})")])
    assert "not" in shown(calls, 2) and "FINAL(" in shown(calls, 2)
    assert result.status == "answered" and result.iterations == 3  # given again, it counts


def test_an_answer_after_a_search_that_found_it_is_taken():
    result, _ = run([block('import re\nprint(re.findall(r"ferry from \\w+", context))'), block('FINAL("0")')])
    assert (result.answer, result.iterations) == ("0", 2)


def test_an_answer_before_any_look_is_refused_once_by_the_small_profile():
    replies = [block('FINAL("pip/_vendor/x.py")'), block('FINAL("pip/_vendor/x.py")')]
    # No word to prime with, and no sub-calls to read it whole: nothing was shown before the answer.
    result, calls = run(replies, context=CODE, question="q", max_sub_calls=0)
    assert "is a guess" in shown(calls, 1)
    assert (result.answer, result.iterations) == ("pip/_vendor/x.py", 2)
    result, _ = run(replies[:1], context=CODE, question="q", profile="default", max_sub_calls=0)
    assert (result.answer, result.iterations) == ("pip/_vendor/x.py", 1)


# -- slips that carry an answer -----------------------------------------------------------------
@pytest.mark.parametrize("reply", [block('Final("7731")'), block('final("7731")'), 'final("7731")', 'Final("7731")'])
def test_final_in_another_case_is_an_answer(reply):
    result, _ = run([block('print(search("vault code"))'), reply], context=DOC + "\nThe vault code is 7731.")
    assert (result.status, result.answer) == ("answered", "7731")


def test_the_answer_now_turn_takes_a_final_written_inside_a_block():
    replies = [block("print(len(context))"), block('FINAL("7731")')]
    result, _ = run(replies, max_iterations=1)
    assert (result.status, result.answer) == ("limit", "7731")


def test_parsing_helpers():
    assert final_in_reply('```python\nFINAL("a")\n```') == ("FINAL", '"a"')
    assert text_final('final("a")') == ("FINAL", '"a"')
    assert reads_context("print(search('x'))") and not reads_context("print('pip/x.py')")


# -- every root turn runs code --------------------------------------------------------------------
class CodeOnlyModel(ScriptedModel):
    """A backend that can constrain decoding: it records what each call asked for (the edge: an LM)."""

    def __init__(self, replies):
        super().__init__(replies=replies, name="scripted-code-only")
        self.code_only: list[bool] = []

    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False,
                       code_only=False):
        self.code_only.append(code_only)
        return await super().complete(messages, max_tokens=max_tokens, stop=stop,
                                      stop_after_first_code_block=stop_after_first_code_block)


@pytest.mark.parametrize("profile, expected", [("small", [True, False]), ("default", [False, False])])
def test_small_profiles_ask_for_code_only_root_turns_but_not_in_the_answer_now_turn(profile, expected):
    root = CodeOnlyModel([block("print(len(context))"), 'FINAL("x")'])
    RLM(root, profile=profile, sandbox="inprocess", limits=Limits(max_iterations=1, max_sub_calls=0)).run(DOC, "q")
    assert root.code_only == expected


def test_python_without_a_fence_runs():
    result, calls = run(['import re\nn = len(re.findall("ferry", context))\nprint(n)', block("FINAL(n)")])
    assert shown(calls, 1).startswith("Output:\n1")
    assert result.answer == "1"


# -- within the window ----------------------------------------------------------------------------
def test_a_context_that_fits_one_sub_call_is_read_whole_before_the_first_turn_when_asked_about_as_a_whole():
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=lambda m: "4417" if "vault code is 4417" in m[-1]["content"] else "?", name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(
        "alpha\nthe vault code is 4417\nomega\n", "Which number stands in it?")
    first = root.calls[0][-1]["content"]
    assert "so I ran this first" in first and "whole_text = context" in first and "Output:\n4417" in first
    assert result.answer == "4417"
    cells = [e for e in result.trajectory if e.type == "cell_start"]
    assert cells[0].parent is None and cells[0].iteration == 0  # the engine's cell, before any root turn
    assert result.usage.total().calls == 2  # the reading, and the one root turn


def test_a_question_naming_what_few_lines_hold_is_read_from_passages_also_within_the_window():
    # Read whole, the 1.5B reader took another site's value, the wrong module or an earlier room where the
    # passage reading got them (bench/RESULTS.md, issue 12, sixth step).
    text = "\n".join([f"Site {town} keeps its vault code at {1000 + i}." for i, town in enumerate(
        ["Arnby", "Belcross", "Corvale", "Dunmore"])] + [f"Filler line {i} about the weather." for i in range(30)])
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=lambda m: ("yes" if "Corvale" in m[-1]["content"] else "no")
                        if m[-1]["content"].startswith("Passage:") else "1002", name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(
        text, "What is the vault code of Corvale?")
    first = root.calls[0][-1]["content"]
    assert "read the passages most related" in first and "read(" in first and "whole_text" not in first
    assert result.answer == "1002"
    reads = [m[-1]["content"] for m in sub.calls if not m[-1]["content"].startswith("Passage:")]
    assert reads and "Corvale" in reads[0] and "Arnby" not in reads[0]  # only the passage that said yes


def test_a_context_beyond_one_sub_call_is_not_read_whole():
    _, calls = run([block('FINAL("x")')], context=DOC * 2)  # ~55K tokens against a 32K-token sub-model
    assert "so I ran this first" not in shown(calls, 0)


def test_a_small_model_named_without_a_temperature_decodes_greedily():
    assert RLM(model="ollama/qwen2.5-coder:1.5b", sandbox="inprocess").model.temperature == 0.0
    assert RLM(model="ollama/qwen2.5-coder:1.5b", sandbox="inprocess", temperature=0.7).model.temperature == 0.7
    assert RLM(model="ollama/qwen2.5-coder:1.5b", sandbox="inprocess", profile="default").model.temperature is None


def test_an_answer_right_after_a_failed_cell_is_refused_once_and_re_needs_no_import():
    replies = [block('print(context.no_such_attribute)'), block('FINAL("4")'), block('print(len(re.findall("ferry", context)))'),
               block('FINAL("1")')]
    result, calls = run(replies)
    assert "is a guess: your last code failed" in shown(calls, 2)
    assert shown(calls, 3).startswith("Output:\n1")  # `re` is there without an import
    assert (result.answer, result.iterations) == ("1", 4)


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_around_shows_the_text_at_a_place_the_evidence_named(sandbox):
    replies = [block('print(around("pkg/core.py:8"))\nprint(around("nowhere.py:3"))'), block('FINAL("x")')]
    _, calls = run(replies, context=CODE, question="Where is class LineEnd defined?", sandbox=sandbox,
                   max_sub_calls=0)
    after = shown(calls, 1)
    assert " 8: class LineEnd(Token):\n 9:     def parse(self, text, strict=False):" in after
    assert "KeyError" in after and "no document 'nowhere.py'" in after



@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_search_returns_the_hits_as_a_list_that_prints_as_before(sandbox):
    code = ('hits = search("ferry")\n'
            'print(len(hits), hits[0].where, "Oslo" in hits, bool(search("zebra crossing")))\n'
            'print(hits[0].split()[1])\n'
            'print(around(hits[0].where).splitlines()[0])\n'
            'print("Found: " + hits)')
    _, calls = run([block(code), block('FINAL("x")')], sandbox=sandbox, max_sub_calls=0)
    after = shown(calls, 1)
    assert "1 line 1201 True False\nferry\n1198: Line 1197" in after
    assert "Found: --- line 1201:\nLine 1199: the weather" in after


def test_a_block_repeated_word_for_word_is_not_run_again_nor_kept_in_the_history():
    again = block('print(search("ferry")[0])')
    result, calls = run([again, again, block('FINAL("late")')])
    assert "Your reply repeated code you already ran" in shown(calls, 2)
    assert [m["content"] for m in calls[2]].count(again) == 1  # the repeat is not in the history
    assert sum(e.type == "cell_start" and e.iteration > 0 for e in result.trajectory) == 2  # (not the reading) the block, then FINAL: not the repeat


def test_an_answer_found_in_what_the_model_was_shown_is_taken_even_after_a_failed_look():
    # The miss note showed the line; the model's code then failed; its answer is what the note showed.
    replies = [block('print(search("ferry of Oslo report")[0].split(":")[5])'), block('FINAL("late again")')]
    result, _ = run(replies, max_sub_calls=0)
    assert (result.answer, result.iterations) == ("late again", 2)


def test_a_model_that_keeps_repeating_itself_gets_the_answer_now_turn():
    again = block('print(len(context))')
    result, calls = run([again, again, again, 'FINAL("late")'], max_sub_calls=0)
    assert (result.status, result.limit, result.answer) == ("limit", "repeated_code", "late")
    assert len(calls) == 4  # the block, two repeats (not run), then the answer-now turn


def test_rank_passes_over_lines_of_one_shape_and_ignores_how_the_question_is_framed():
    cities = {f"City{i}": f"The River{i} River flows through the city centre. City{i} has a market." for i in range(40)}
    people = {"Lena Moquogox": "Lena Moquogox is a chemist. In 1969, Lena founded Saridro Energy, a company.",
              "Saridro Energy": "Saridro Energy has its headquarters in City7."}
    ranked = evidence.rank({**cities, **people}, "Which river flows through the city where the company founded by "
                           "Lena Moquogox has its headquarters? Answer with the river's name.", 4)
    wheres = [p.where for p in ranked]
    assert wheres[0] == "Lena Moquogox:1" and "Saridro Energy:1" in wheres
    assert sum(w.startswith("City") for w in wheres) <= 2
    assert querywords.query_terms("Which river flows... the river's name? Answer with it.") == ["river", "flows", "name"]


def test_an_answer_that_copies_a_whole_passage_is_refused_once():
    line = ("The ferry from Oslo was late again, said the harbour master, who has kept the harbour log for "
            "thirty years and never saw a winter this cold.")
    copied = block(f'FINAL("{line}")')
    context = "\n".join(FILLER[:500] + [line] + FILLER[500:])
    result, calls = run([block('print(search("ferry"))'), copied, copied], context=context, max_sub_calls=0)
    assert "copies a whole passage" in shown(calls, 2)
    assert result.iterations == 3
    # A long answer of data, not words (pairs of ids the code printed), is what was asked: taken at once.
    pairs = "\\n".join(f"({a}, {a + 7})" for a in range(10000, 10012))
    listed = block(f'reading = "{pairs}"\nprint(reading)')
    result, calls = run([listed, block("FINAL(reading)")], context=context, max_sub_calls=0)
    assert result.answer.count("\n") == 11 and result.iterations == 2


def test_the_code_grammar_asks_for_some_code_and_allows_single_backticks_inside_the_block_never_two():
    from recursivelm.models.constraints import CODE_BLOCK_GRAMMAR

    assert CODE_BLOCK_GRAMMAR == 'root ::= "```python\\n" [ \\t\\n]* [^` \\t\\n] ( [^`] | "`" [^`] )* "```"\n'


def test_an_empty_block_is_no_code_and_is_not_run():
    result, calls = run(["```python\n\n```", block('print(len(re.findall("ferry", context)))'), block('FINAL("1")')])
    assert "(no output" not in shown(calls, 1)
    root_cells = [e.code for e in result.trajectory if e.type == "cell_start" and e.iteration > 0]
    assert root_cells[0].startswith("print(len(") and shown(calls, 2).startswith("Output:\n")


def test_a_miss_in_one_file_shows_what_is_near_in_that_file():
    code = 'print(len(re.findall(r"def \\w+ \\(self", context["pkg/core.py"])))'
    _, calls = run([block(code), block('FINAL("x")')], context=CODE, question="q", max_sub_calls=0)
    after = shown(calls, 1)
    assert "[pkg/core.py:9] def parse(self, text, strict=False):" in after
    assert "pkg/util.py" not in after.split("matched nothing")[1]


@pytest.mark.parametrize("last_reply", [["```python\n```"], []])  # an empty block; no answer-now turn at all
def test_a_run_that_ends_with_nothing_keeps_the_first_reading(last_reply):
    # After a first reading the embedded root wrote an empty block turn after turn, and its run ended with
    # the answer "" (codeqa seed 0 at 64K, bench/issue12/after19-code).
    root = ScriptedModel(replies=["```python\n```", "```python\n \n```", *last_reply], name="scripted")
    sub = ScriptedModel(respond=lambda m: "4417", name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess", limits=Limits(max_iterations=2)).run(
        "alpha\nthe vault code is 4417\nomega\n", "Which number stands in it?")
    assert (result.answer, result.status) == ("4417", "limit")


def test_an_answer_now_reply_that_echoes_the_limit_is_no_answer():
    replies = [block('print(len(context))'), block('print(len(context) + 1)'), '2 root turns without an answer.']
    result, _ = run(replies, max_iterations=2, max_sub_calls=0)
    assert result.answer is None


@pytest.mark.parametrize("written, meant", [("7355-QH", "7355-QH"), ("0122 126 9870", "0122 126 9870")])
def test_a_value_given_to_final_without_quotes_is_the_answer_it_meant(written, meant):
    # FINAL(7355-QH) failed (NameError: 'QH'), and the embedded root then answered with the error message
    # itself (sniah-paraphrase seed 4 at 64K, bench/RESULTS.md issue 12 sixth step).
    context = "\n".join(FILLER[:50] + [f"The keypad PIN is {meant}."] + FILLER[50:100])
    result, _ = run([block(f"print(search('keypad'))"), block(f"FINAL({written})")], context=context, max_sub_calls=0)
    assert (result.answer, result.iterations) == (meant, 2)


def test_a_bare_name_given_to_final_is_not_taken_as_text():
    result, calls = run([block('print(search("ferry"))'), block("FINAL(result)"), block('FINAL("1")')], max_sub_calls=0)
    assert "NameError" in shown(calls, 2) and result.answer == "1"


def test_an_error_message_given_as_the_answer_is_refused_once():
    error = "Error: line 1: x\\nNameError: name 'x' is not defined"
    replies = [block('print(search("ferry"))'), block("print(x)"), block(f'FINAL("{error}")'), block('FINAL("1")')]
    result, calls = run(replies, max_sub_calls=0)
    assert "is an error message, not an answer" in shown(calls, 3) and result.answer == "1"


def test_the_first_reading_has_its_own_time_limit_not_the_one_for_model_code():
    # One sub-call over a whole 4K-token text took 110-125 s on 2 cores against a 120 s cell limit; under
    # load it ran past it and the reading was lost (oolong seed 0 at 4K, bench/RESULTS.md issue 12 sixth step).
    def run_with(**limits):
        root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
        sub = ScriptedModel(respond=lambda m: "4417", name="sub", latency_s=0.6)
        return RLM(root, sub_model=sub, profile="small", sandbox="inprocess", limits=Limits(**limits)).run(
            "alpha\nthe vault code is 4417\nomega\n", "Which number stands in it?"), root
    result, root = run_with(cell_timeout_s=0.3, reading_timeout_s=5)
    assert "Output:\n4417" in root.calls[0][-1]["content"] and result.answer == "4417"
    _, root = run_with(cell_timeout_s=5, reading_timeout_s=0.3)
    assert "ran this first" not in root.calls[0][-1]["content"]  # past its own limit: no reading, the run goes on


@pytest.mark.parametrize("reading, taken_at_once", [
    ("0", True), ("Error", True),  # a value, also the name of a class (a base: codetree at 32K)
    ("The default is not given in these passages.", False), ("Error: line 1: KeyError", False)])
def test_a_first_reading_is_a_miss_only_where_it_says_it_found_nothing(reading, taken_at_once):
    # A reading of "0" (a parameter's default) was taken for a search that found nothing; FINAL(reading) was
    # refused, and the root wandered off to a copyright line (codetree seed 2 at 32K, bench/RESULTS.md).
    root = ScriptedModel(replies=[block("FINAL(reading)"), block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=lambda m: reading, name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(
        {"pkg/run.py": "def helper(*, verbosity=0):\n    return verbosity\n"},
        "What does the function `helper` return when it is called with no arguments?")  # no default asked: a reading
    assert (result.answer, result.iterations) == (reading, 1 if taken_at_once else 2)


def test_a_value_written_out_that_no_output_showed_is_refused_once_for_the_reading():
    # After a reading of "Error", the root wrote FINAL("InvalidStateError"), the class the question names
    # (codetree seed 1 at 32K). The question is shown inside the reading's code as JSON (file\u0027s): that
    # is not the text showing the answer.
    filler = "".join(f"def step_{i}(x):\n    return x + {i}\n\n\n" for i in range(40))  # the text's head and tail
    code = {"a/steps.py": filler, "futures/_base.py": "class Error(Exception):\n    pass\n\n\nclass "
            "InvalidStateError(Error):\n    pass\n", "z/steps.py": filler}
    # (Asked "which exception does it extend": code_counts reads "what are the bases of" from the syntax tree.)
    question = "The context maps each file's path to its text. Which exception does the class `InvalidStateError` extend?"
    root = ScriptedModel(replies=[block('FINAL("InvalidStateError")'), block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=lambda m: "yes" if m[-1]["content"].endswith("yes or no.") else "Error",
                        name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(code, question)
    assert "\\u0027" in root.calls[0][-1]["content"]  # the question, as the reading's code shows it
    refusal = root.calls[1][-1]["content"]
    assert "is in nothing your code printed" in refusal and "FINAL(reading)" in refusal
    assert result.answer == "Error"


@pytest.mark.parametrize("reading, answer", [
    ("Error", "Error"),  # the reading, read from the text, over the guess insisted on
    ("The bases are not given in these passages.", "InvalidStateError"),  # a reading that found nothing: the root's
])
def test_a_value_written_out_twice_that_no_output_showed_gives_way_to_the_reading(reading, answer):
    # codetree seed 1 at 32K: refused once, the root wrote FINAL('InvalidStateError') again, and it was taken.
    filler = "".join(f"def step_{i}(x):\n    return x + {i}\n\n\n" for i in range(40))  # the text's head and tail
    code = {"a/steps.py": filler, "futures/_base.py": "class Error(Exception):\n    pass\n\n\nclass "
            "InvalidStateError(Error):\n    pass\n", "z/steps.py": filler}
    question = "Which exception does the class `InvalidStateError` extend?"  # not read by code_counts
    root = ScriptedModel(replies=[block('FINAL("InvalidStateError")'), block("FINAL('InvalidStateError')")],
                         name="scripted")
    sub = ScriptedModel(respond=lambda m: reading, name="sub")
    events: list = []
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess", on_event=events.append).run(code, question)
    assert result.answer == answer and len(root.calls) == 2
    assert [e.code for e in events if e.type == "cell_start"][-1] == "FINAL(reading)"  # the trajectory shows it


def test_a_value_computed_from_the_text_or_shown_by_it_is_taken_and_one_given_twice_counts():
    computed = [block('import re\nFINAL(re.search(r"late (\\w+)", context).group(1))')]
    assert run(computed, max_sub_calls=0)[0].answer == "again"  # never printed, but read from the text
    shown_first = [block('print(search("ferry"))'), block('FINAL("The ferry from Oslo")')]
    assert run(shown_first, max_sub_calls=0)[0].answer == "The ferry from Oslo"
    insisted = [block('print(search("ferry"))'), block('FINAL("Bergen")'), block('FINAL("Bergen")')]
    result, calls = run(insisted, max_sub_calls=0)
    assert "is in nothing your code printed" in shown(calls, 2) and result.answer == "Bergen"


# FloatRange in two files: which one is asked is no question code settles (code_counts.where_defined), so the
# reader's reading is what the root is shown.
CLICK_LIKE = {"pkg/__init__.py": "from .types import FloatRange\n", "pkg/core.py": "def main(x):\n    return x\n",
              "pkg/types.py": "class FloatRange:\n    pass\n", "pkg/_compat.py": "class FloatRange:\n    pass\n"}


def test_a_dotted_value_the_model_was_shown_is_the_text_it_meant_in_final():
    # After a reading of "types.py" the 1.5B root wrote FINAL(types.py) (NameError: name 'types'), then copied
    # the error as its answer (click as a directory, bench/issue12 fresh probe).
    root = ScriptedModel(replies=[block("FINAL(types.py)")], name="scripted")
    sub = ScriptedModel(respond=lambda m: "yes" if m[-1]["content"].endswith("yes or no.") else "types.py", name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(
        CLICK_LIKE, "In which file of this package is the class FloatRange declared?")
    assert (result.answer, len(root.calls)) == ("types.py", 1)


def test_a_dotted_name_nothing_showed_is_still_a_missing_variable():
    result, calls = run([block('print(search("ferry"))'), block("FINAL(answer.text)"), block('FINAL("1")')],
                        max_sub_calls=0)
    assert "NameError" in shown(calls, 2) and result.answer == "1"


@pytest.mark.parametrize("insisted", ['FINAL("Error: line 1: x\\nNameError: name \'x\' is not defined")', "FINAL(None)"])
def test_an_error_message_or_no_answer_given_twice_gives_way_to_the_reading(insisted):
    root = ScriptedModel(replies=[block(insisted), block(insisted)], name="scripted")
    sub = ScriptedModel(respond=lambda m: "yes" if m[-1]["content"].endswith("yes or no.") else "types.py", name="sub")
    events: list = []
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess", on_event=events.append).run(
        CLICK_LIKE, "In which file of this package is the class FloatRange declared?")
    assert result.answer == "types.py" and len(root.calls) == 2
    assert [e.code for e in events if e.type == "cell_start"][-1] == "FINAL(reading)"


def test_a_bare_name_an_output_printed_alone_is_the_answer_it_means():
    context = "user,result\n" + "\n".join(f"{'raj' if i % 3 else 'pia'},failed" for i in range(30))
    root = ScriptedModel(replies=[block('print("raj")'), block("FINAL(raj)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(respond=lambda m: "a reading", name="sub"), profile="small",
                 sandbox="inprocess").run(context, "Which user failed the most often in our records?")
    assert result.answer == "raj"
    root = ScriptedModel(replies=[block('print("raj")'), block("FINAL(answer)"), block('FINAL("raj")')], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(respond=lambda m: "a reading", name="sub"), profile="small",
                 sandbox="inprocess").run(context, "Which user failed the most often in our records?")
    assert "NameError" in root.calls[2][-1]["content"]  # a name no output printed alone is still no answer
