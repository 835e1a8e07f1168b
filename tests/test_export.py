"""`rlm export`: one chat sample per root turn, rebuilt from the log exactly as the root model saw it."""

import json

import pytest

from recursivelm import RLM, Limits, ScriptedModel, load_events
from recursivelm.cli import main
from recursivelm.export import sft_samples

from conftest import block

DOC = "alpha\nthe vault code is 4417\nomega\n" + "filler line\n" * 500


def run_logged(tmp_path, replies, sandbox="inprocess", **kwargs):
    log = tmp_path / "run.jsonl"
    root = ScriptedModel(replies=replies, name="scripted")
    sub = ScriptedModel(respond=lambda m: "sub reply", name="scripted-sub")
    rlm = RLM(root, sub_model=sub, sandbox=sandbox, profile="default", log=log, **kwargs)
    return rlm, log


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_each_sample_is_what_the_root_saw_and_replied(tmp_path, sandbox):
    replies = [block("print(len(context))"), block("print(len(context))"),  # the repeat is not kept in the history
               block("x = llm_query('read: ' + context[:50])\nprint(x)"), block("FINAL('4417')")]
    rlm, log = run_logged(tmp_path, replies, sandbox)
    r = rlm.run(DOC, "What is the vault code?")
    assert r.answer == "4417"
    samples = list(sft_samples(load_events(log)))
    assert len(samples) == len(rlm.model.calls) == 4
    for sample, seen, reply in zip(samples, rlm.model.calls, replies):
        assert sample["messages"][:-1] == seen  # system prompt and the history, as the model got them
        assert sample["messages"][-1] == {"role": "assistant", "content": reply}
    assert samples[0]["metadata"]["status"] == "answered" and samples[-1]["metadata"]["answer"] == "4417"


def test_sessions_children_and_the_filters(tmp_path, capsys):
    child = ScriptedModel(respond=lambda m: block("FINAL('child answer')"), name="child")
    log = tmp_path / "run.jsonl"
    root = ScriptedModel(replies=[block("FINAL(rlm_query('sub-question'))"), block("print(1)"), "FINAL('late')"],
                         name="scripted")
    rlm = RLM(root, child_model=child, sandbox="inprocess", profile="default", log=log,
              limits=Limits(max_depth=1, max_iterations=1))
    with rlm.session(DOC) as session:
        assert session.ask("first?").answer == "child answer"
        assert session.ask("second?").status == "limit"
    out = tmp_path / "train.jsonl"
    assert main(["export", str(log), "--format", "sft", "--out", str(out)]) == 0
    samples = [json.loads(line) for line in out.read_text().splitlines()]
    # first question: 1 root turn + the child's 1; second: 1 turn + the answer-now turn
    assert [(s["metadata"]["depth"], s["metadata"]["question"]) for s in samples] == [
        (0, "first?"), (1, "sub-question"), (0, "second?"), (0, "second?")]
    assert "Q: first?" in samples[2]["messages"][1]["content"]  # the session's history is in what the root saw
    assert main(["export", str(log), "--out", str(out), "--answered-only", "--root-only"]) == 0
    assert [json.loads(line)["metadata"]["question"] for line in out.read_text().splitlines()] == ["first?"]
    assert main(["export", str(log), "--out", str(out), "--max-chars", "10"]) == 0
    assert out.read_text() == "" and "0 samples written" in capsys.readouterr().err


def test_log_full_keeps_whole_sub_call_prompts(tmp_path):
    code = block("x = llm_query('read: ' + context)\nFINAL('done')")
    for full in (False, True):
        rlm, log = run_logged(tmp_path / str(full), [code], log_full=full)
        rlm.run(DOC, "q")
        (sub,) = [e for e in load_events(log) if e.type == "sub_call"]
        assert (sub.prompt == "read: " + DOC) is full


def test_bad_input_is_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "o.jsonl")]) == 2
    assert "no run log at" in capsys.readouterr().err
    old = tmp_path / "old.jsonl"  # a log from before the system prompt was logged: left out, and said so
    old.write_text(json.dumps({"type": "run_start", "id": "r1", "run": "a", "depth": 0, "t": 0, "question": "q"}) + "\n"
                   + json.dumps({"type": "root_call", "id": "c1", "run": "a", "depth": 0, "t": 1, "prompt": "p",
                                 "reply": "r"}) + "\n")
    assert main(["export", str(old), "--out", str(tmp_path / "o.jsonl")]) == 0
    assert "1 runs logged without their system prompt" in capsys.readouterr().err
