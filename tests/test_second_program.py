"""Beside the root's first program over a table's rows, a second one written the other way (second_program.py):
the root is told where the two agree, shown the second where they differ. On the scripted model."""

import json
import re
from pathlib import Path

import pytest

from recursivelm import RLM, Limits, ScriptedModel, prompts
from recursivelm.prompts import load_profile
from recursivelm.second_program import PANDAS, PLAIN, same, style

from conftest import block

STAFF = "name,team,birth_year\n" + "\n".join(f"{n},{t},{y}" for n, t, y in [
    ("Enzo", "Dev", 1950), ("Runa", "Sales", 1979), ("Bela", "Ops", 2000), ("Ilse", "Sales", 1958)] * 5)
OLDEST = "Who is the oldest employee?"


@pytest.fixture(autouse=True, scope="module")
def second_profile(tmp_path_factory):
    """The small profile with `second_program` on: it is off there (the 1.5B root judged two programs worse than
    its first alone, bench/RESULTS.md), an option for roots that judge better."""
    global SECOND
    small = (Path(prompts.__file__).parent / "small.toml").read_text()
    SECOND = tmp_path_factory.mktemp("profile") / "small-second.toml"
    SECOND.write_text(re.sub(r"(?m)^second_program = false.*$", "second_program = true", small))
    assert load_profile(str(SECOND)).second_program and not load_profile("small").second_program


def run(replies, context=STAFF, question=OLDEST, profile=None, log=None):
    profile = profile or str(SECOND)
    root = ScriptedModel(replies=replies, name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile=profile, sandbox="inprocess",
                 log=log).run(context, question)
    return root, result


def test_a_second_program_that_agrees_is_said_to_and_kept_out_of_the_history(tmp_path):
    log = tmp_path / "run.jsonl"
    root, result = run([block('print(min(rows, key=lambda r: r["birth_year"])["name"])'),
                        block('print("The oldest is", df.loc[df["birth_year"].idxmin(), "name"])'),
                        block('FINAL("Enzo")')], log=log)
    aside = root.calls[1][-1]["content"]
    assert "from `df` with pandas" in aside and "Start it with a comment" in aside  # the first was plain Python
    assert len(root.calls[1]) == 2  # the system prompt and the variant first turn: not the root's history
    shown = root.calls[2][-1]["content"]
    assert "Output:\nEnzo" in shown and "printed the same answer" in shown
    assert [m["role"] for m in root.calls[2]] == ["system", "user", "assistant", "user"]
    assert result.answer == "Enzo" and result.usage.total().calls == 3  # the second program is charged
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert [e["prompt"] == aside for e in events if e["type"] == "root_call"] == [False, True, False]


def test_a_second_program_that_differs_is_shown_with_the_question_and_its_answer_can_be_taken():
    root, result = run([block('print(max(rows, key=lambda r: r["birth_year"])["name"])'),
                        block('# the oldest: the smallest birth_year\nprint(df.loc[df["birth_year"].idxmin(), "name"])'),
                        block('FINAL("Enzo")')])
    shown = root.calls[2][-1]["content"]
    assert "Output:\nBela" in shown and "printed something else" in shown
    assert "# the oldest: the smallest birth_year" in shown and "Output:\nEnzo" in shown
    assert f"Question: {OLDEST}" in shown and "Which program computes exactly what the question asks?" in shown
    assert result.answer == "Enzo"  # in what the root was shown: not refused as unseen


def test_the_second_program_reads_the_rows_as_given_and_the_roots_names_keep_its_values():
    pytest.importorskip("pandas")
    root, result = run([block('rows["birth_year"] = 0\nwho = df["name"].iloc[0]\nprint(who)'),  # changes the rows
                        block('who = "second"\nprint(df["birth_year"].min())'),
                        block("FINAL(who)")])
    shown = root.calls[2][-1]["content"]
    assert "Output:\n1950" in shown  # the second program saw the birth years as first given
    assert result.answer == "Enzo"  # `who` is the root's again


def test_a_plain_first_program_is_asked_again_in_pandas_and_a_pandas_one_in_plain_python():
    assert style('print(df.groupby("team").size())') == PANDAS
    assert style('print(rows["team"].value_counts())') == PANDAS
    assert style('print(len([r for r in rows if r["team"] == "Ops"]))') == PLAIN
    root, _ = run([block('print(df["name"].iloc[0])'), block('print(rows[0]["name"])'), block('FINAL("Enzo")')])
    assert "in plain Python (a list of dicts; no pandas)" in root.calls[1][-1]["content"]


def test_outputs_agree_by_their_values_not_their_wording():
    assert same("The oldest employee is Enzo", "Enzo", OLDEST)
    assert same("2695", "2695.0", "How many items are listed?") and not same("59", "2695", "How many items are listed?")
    assert same("North, South", "South\nNorth", "Which regions?") and not same("Bela", "Enzo", OLDEST)
    assert same("Items in March 2024: 12", "12", "How many items in March 2024?")
    assert same("Bela", "{'name': 'Bela', 'team': 'Ops', 'birth_year': 2000}", OLDEST)  # the row printed whole
    assert not same("2695", str(list(range(59))), "How many items are listed?")


def test_the_second_program_is_asked_beside_the_first_that_ran_and_printed():
    root, result = run([block('print(rows[0]["birth_yaer"])'),  # fails: no second program beside it
                        block('print(min(rows, key=lambda r: r["birth_year"])["name"])'),
                        block('print(df.loc[df["birth_year"].idxmin(), "name"])'), block('FINAL("Enzo")')])
    assert "KeyError" in root.calls[1][-1]["content"] and "Start it with a comment" in root.calls[2][-1]["content"]
    assert result.answer == "Enzo" and result.usage.total().calls == 4
    root, result = run([block("oldest = 1"), block('FINAL("Enzo")')])  # printed nothing: nothing to compare
    assert result.usage.total().calls == 2


@pytest.mark.parametrize("profile", ["small", "default"])
def test_no_second_program_where_the_profile_does_not_ask_for_one(profile):
    root, result = run([block('print(min(rows, key=lambda r: r["birth_year"])["name"])'), block('FINAL("Enzo")')],
                       profile=profile)
    assert result.answer == "Enzo" and result.usage.total().calls == 2


def test_a_deadline_during_the_second_program_keeps_the_first_programs_output_for_the_last_turn():
    def respond(messages):
        asked = messages[-1]["content"]
        if "Stop:" in asked:
            return 'FINAL("Enzo")'
        if "Start it with a comment" in asked:
            return block('print("second")')
        return block('print(min(rows, key=lambda r: r["birth_year"])["name"])')

    root = ScriptedModel(respond=respond, latency_s=0.6, name="scripted")  # the second program's call is cut
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile=str(SECOND), sandbox="inprocess",
                 limits=Limits(deadline_s=1.0)).run(STAFF, OLDEST)
    last = root.calls[-1][-1]["content"]
    assert "Output:\nEnzo" in last and "Stop:" in last and "second" not in last
    assert result.answer == "Enzo" and result.status == "limit"


def test_the_second_programs_call_is_its_own_training_sample_not_part_of_the_history(tmp_path):
    from recursivelm.events import load_events
    from recursivelm.export import sft_samples
    log = tmp_path / "run.jsonl"
    run([block('print(min(rows, key=lambda r: r["birth_year"])["name"])'),
         block('print(df.loc[df["birth_year"].idxmin(), "name"])'), block('FINAL("Enzo")')], log=log)
    samples = list(sft_samples(load_events(log)))
    assert [s["metadata"]["aside"] for s in samples] == [False, True, False]
    aside, last = samples[1]["messages"], samples[2]["messages"]
    assert [m["role"] for m in aside] == ["system", "user", "assistant"] and "Start it with a comment" in aside[1]["content"]
    assert [m["role"] for m in last] == ["system", "user", "assistant", "user", "assistant"]
    assert not any("Start it with a comment" in m["content"] for m in last)


def test_the_viewer_counts_the_roots_turns_not_the_second_programs_call(tmp_path):
    from recursivelm.viewer.summary import summarize
    log = tmp_path / "run.jsonl"
    run([block('print(min(rows, key=lambda r: r["birth_year"])["name"])'),
         block('print(df.loc[df["birth_year"].idxmin(), "name"])'), block('FINAL("Enzo")')], log=log)
    s = summarize([json.loads(line) for line in log.read_text().splitlines()])
    assert s["iterations"] == 2 and s["root_calls"] == 3


JOBS = "\n\n".join(f"[job-{i:03d}]\nschedule = daily\n" + ("" if i % 4 == 0 else f"timeout = {30 * (1 + i % 3)}\n")
                   for i in range(20))


def test_none_said_after_code_over_the_rows_picked_nothing_is_refused_once_with_what_to_print():
    question = "Which jobs lack a timeout value?"
    root, result = run([block('print([r["section"] for r in rows if r["timeout"] == ""])'),
                        block('print(df[df["timeout"] == ""]["section"].tolist())'),
                        block('FINAL("No jobs have no timeout set.")'),
                        block('ids = [r["section"] for r in rows if r["timeout"] is None]\nprint(ids)'),
                        block("FINAL(ids)")], context=JOBS, question=question)
    refused = root.calls[3][-1]["content"]
    assert "is not proven: your code picked no rows" in refused and "unique()[:20]" in refused
    assert "job-000" in result.answer and "job-016" in result.answer


def test_an_empty_result_is_told_from_a_value():
    from recursivelm.parsing import picked_nothing
    assert picked_nothing("[]") and picked_nothing("0") and picked_nothing("Empty DataFrame\nColumns: [a]\nIndex: []")
    assert picked_nothing("<StringArray>\n[]\nLength: 0, dtype: str") and picked_nothing("Series([], Name: x, dtype: int64)")
    assert not picked_nothing("10") and not picked_nothing("['job-000']") and not picked_nothing("") and not picked_nothing("0.5")


def test_none_said_again_after_its_refusal_is_taken():
    root, result = run([block('print([r["name"] for r in rows if r["birth_year"] < 1940])'), block("print(df[df.birth_year < 1940].name.tolist())"),
                        block("FINAL([])"), block("FINAL([])")], question="Which employees were born before 1940?")
    assert "picked no rows" in root.calls[3][-1]["content"] and result.answer == "[]"
