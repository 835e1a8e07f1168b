"""Sessions: follow-up questions over one context, the REPL kept, on the scripted model in both sandboxes."""

import asyncio

import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.session import SessionBusy, SessionClosed

from conftest import block

DOC = "alpha\nthe vault code is 4417\nomega\n"
SANDBOXES = ["inprocess", "isolated"]


def make(replies, sandbox, **kwargs):
    root = ScriptedModel(replies=replies, name="scripted")
    return RLM(root, sub_model=ScriptedModel(respond=lambda m: "sub"), sandbox=sandbox, profile="default", **kwargs)


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_variables_persist_across_questions_and_each_sees_the_earlier_ones(sandbox):
    rlm = make([block("code = context.split('code is ')[1].split()[0]\nFINAL(code)"),
                block("FINAL(int(code) + 1)")], sandbox)
    with rlm.session(DOC) as session:
        first = session.ask("What is the vault code?")
        second = session.ask("And the code plus one?")
        assert "code" in session.variables()
    assert (first.answer, second.answer) == ("4417", "4418")
    assert session.history == [("What is the vault code?", "4417"), ("And the code plus one?", "4418")]
    first_message = rlm.model.calls[1][1]["content"]  # the second question's first user message
    assert "Q: What is the vault code?" in first_message and "A: 4417" in first_message
    assert "Earlier questions" not in rlm.model.calls[0][1]["content"]
    assert first.trajectory[0].run != second.trajectory[0].run  # each question is its own run tree


def test_close_ends_the_worker_and_later_questions_are_refused():
    rlm = make([block("FINAL(1)")], "isolated")
    session = rlm.session(DOC)
    session.ask("q")
    worker = session._kept.inner._worker.proc
    assert worker.poll() is None  # alive between questions
    session.close()
    assert worker.wait(timeout=10) is not None
    with pytest.raises(SessionClosed):
        session.ask("again?")


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_the_async_twin_and_one_question_at_a_time(sandbox):
    root = ScriptedModel(replies=[block("x = 7\nFINAL(x)"), block("FINAL(x * 2)")], name="scripted", latency_s=0.2)
    rlm = RLM(root, sandbox=sandbox, profile="default")

    async def main():
        session = rlm.session(DOC)
        first = asyncio.create_task(session.aask("one"))
        await asyncio.sleep(0.05)
        with pytest.raises(SessionBusy):
            await session.aask("two, too early")
        a = await first
        b = await session.aask("two")
        session.close()
        return a, b

    a, b = asyncio.run(main())
    assert (a.answer, b.answer) == ("7", "14")


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_a_child_rlm_in_a_session_gets_a_fresh_sandbox(sandbox):
    # The child cannot see the root's variable; the root's REPL still has it for the next question.
    child = ScriptedModel(respond=lambda m: block("FINAL('secret' in dir())"), name="child")
    root = ScriptedModel(replies=[block("secret = 1\nFINAL(rlm_query('look'))"), block("FINAL(secret + 1)")], name="root")
    with RLM(root, child_model=child, sandbox=sandbox, limits=Limits(max_depth=1), profile="default").session(DOC) as s:
        assert s.ask("q1").answer == "False"
        assert s.ask("q2").answer == "2"


def test_each_question_has_its_own_usage_and_limits():
    rlm = make([block("print(1)"), block("print(2)"), "FINAL('a')", block("FINAL('b')")], "inprocess",
               limits=Limits(max_iterations=2))
    with rlm.session(DOC) as s:
        first, second = s.ask("q1"), s.ask("q2")
    assert (first.status, first.limit) == ("limit", "max_iterations")
    assert (second.status, second.answer, second.iterations) == ("answered", "b", 1)
    assert second.usage.total().calls == 1


def test_an_empty_question_is_refused_in_one_line():
    with make([], "inprocess").session(DOC) as s, pytest.raises(ValueError, match="question is empty"):
        s.ask("  ")


# -- rlm chat -------------------------------------------------------------------------------------
def test_rlm_chat_answers_each_line_of_stdin_in_one_session(tmp_path, monkeypatch, capsys):
    import io
    import json

    from recursivelm.cli import main

    doc = tmp_path / "doc.txt"
    doc.write_text(DOC)
    script = tmp_path / "replies.json"
    script.write_text(json.dumps([block("n = 4417\nFINAL(n)"), block("FINAL(n + 1)")]))
    monkeypatch.setattr("sys.stdin", io.StringIO("What is the code?\n\n  And plus one?  \n"))
    code = main(["chat", str(doc), "--model", f"scripted:{script}", "--sandbox", "inprocess"])
    out, err = capsys.readouterr()
    assert (code, out) == (0, "4417\n4418\n")
    assert err.count("[rlm] answered") == 2


def test_rlm_chat_refuses_stdin_as_the_input_in_one_line(capsys):
    from recursivelm.cli import main

    assert main(["chat", "-", "--model", "scripted:x.json"]) == 2
    assert "reads its questions from stdin" in capsys.readouterr().err


@pytest.mark.embedded
def test_a_session_on_the_embedded_model_answers_a_follow_up():
    # Not run by the engineer who wrote it (the embedded model is the lead's to run): a small needle
    # document, a first question, then a follow-up the earlier answer and the kept REPL help with.
    from recursivelm.demo import needle_document

    doc = needle_document(target_tokens=6_000, seed=7)
    with RLM("embedded", limits=Limits(max_iterations=5)).session(doc.text) as session:
        first = session.ask(doc.question)
        second = session.ask("Repeat the answer you just gave, exactly.")
    assert doc.answer in (first.answer or "")
    assert doc.answer in (second.answer or "")
    assert first.trajectory[0].run != second.trajectory[0].run


def test_a_follow_up_in_a_session_gets_no_first_reading_of_the_text_alone():
    # "Repeat the answer you just gave" read against the text alone gave a line of the text, which the small
    # root passed on; the follow-up's root has the conversation and the kept REPL instead.
    root = ScriptedModel(replies=[block("FINAL(reading)"), block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=lambda messages: "3471-N93", name="sub")
    with RLM(root, sub_model=sub, profile="small", sandbox="inprocess").session("The code is 3471-N93.") as s:
        assert s.ask("What is the code?").answer == "3471-N93"
        assert s.ask("Repeat the answer you just gave, exactly.").answer == "3471-N93"
    assert "reading = " in root.calls[0][-1]["content"]
    assert "reading = " not in root.calls[1][-1]["content"] and len(sub.calls) == 1
