"""Compaction of the root's history near its window, on the scripted model (whose window is enforced)."""

import pytest

from recursivelm import RLM, Limits, ScriptedModel

from conftest import block

DOC = "\n".join(f"line {i}: the value of item {i} is {i * 7}" for i in range(2_000))
WINDOW = 4_000  # tokens; the scripted model fails a prompt over it with ContextWindowError


def printing_replies(turns: int) -> list[str]:
    # Each turn prints ~3,600 characters (~900 tokens): five turns overflow a 4,000-token window.
    replies = [block(f"part{i} = context[{i % 20} * 3600:{i % 20 + 1} * 3600]\nprint(part{i})") for i in range(turns)]
    return replies + [block("FINAL(part0.splitlines()[1])")]


def make(replies, sandbox="inprocess", window=WINDOW, **limits):
    root = ScriptedModel(replies=replies, name="scripted", context_window=window)
    return RLM(root, sandbox=sandbox, profile="default", limits=Limits(max_reply_tokens=256, **limits))


def roles_alternate(messages) -> bool:
    roles = [m["role"] for m in messages]
    return roles[0] == "system" and all(a != b for a, b in zip(roles[1:], roles[2:]))


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_a_long_run_is_compacted_instead_of_overflowing(sandbox):
    rlm = make(printing_replies(8), sandbox)
    r = rlm.run(DOC, "What is on line 1?")
    assert (r.status, r.answer) == ("answered", "line 1: the value of item 1 is 7")
    compactions = [e for e in r.trajectory if e.type == "compacted"]
    assert compactions and all(e.tokens_after < e.tokens_before for e in compactions)
    for messages in rlm.model.calls:
        assert sum(len(m["content"]) // 4 + 1 for m in messages) <= WINDOW
        assert roles_alternate(messages)
    last = rlm.model.calls[-1]
    assert last[0] == rlm.model.calls[0][0]  # the system prompt is never cut
    assert "What is on line 1?" in last[1]["content"]  # nor the question
    assert "earlier turns were folded" in last[1]["content"] and "part0 = context[0 * 3600" in last[1]["content"]


def test_a_window_too_small_even_for_the_system_prompt_fails_in_one_line():
    # Compaction never cuts the system prompt: when that alone overflows, the run fails as before, with the
    # backend's window error (no crash, no call over the window).
    r = make(printing_replies(8), window=300).run(DOC, "What is on line 1?")
    assert r.status == "failed" and "ContextWindowError" in r.error


def test_the_answer_now_turn_still_happens_when_a_limit_fires():
    rlm = make(printing_replies(7)[:-1] + ["FINAL('item 1 is 7')"], max_iterations=7)
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit, r.answer) == ("limit", "max_iterations", "item 1 is 7")
    assert any(e.type == "compacted" for e in r.trajectory)
    assert "answer" in rlm.model.calls[-1][-1]["content"].lower()  # the answer-now prompt reached the model


def test_the_note_lists_the_latest_folded_turns_only():
    from recursivelm.compaction import MAX_NOTE_STEPS

    turns = 2 * MAX_NOTE_STEPS + 10
    rlm = make(printing_replies(turns), window=12_000, max_iterations=turns + 2)
    r = rlm.run(DOC, "q")
    assert r.status == "answered"
    folded = sum(e.turns for e in r.trajectory if e.type == "compacted")
    first = rlm.model.calls[-1][1]["content"]
    assert folded > MAX_NOTE_STEPS and f"[{folded} earlier turns were folded" in first
    assert first.count("--- turn ") == MAX_NOTE_STEPS and f"--- turn {folded}:" in first and "--- turn 1:" not in first


def test_one_huge_cell_output_is_cut_to_fit():
    rlm = make([block("print(context[:30000])"), block("FINAL('ok')")], max_output_chars=30_000)
    r = rlm.run(DOC, "q")
    assert r.answer == "ok"
    assert "cut to fit the window" in rlm.model.calls[1][-1]["content"]


def test_a_session_question_is_compacted_too():
    rlm = make(printing_replies(6)[:-1] + [block("FINAL(1)"), *printing_replies(6)[:-1], block("FINAL(2)")])
    with rlm.session(DOC) as session:
        assert session.ask("first?").answer == "1"
        second = session.ask("second?")
    assert second.answer == "2" and any(e.type == "compacted" for e in second.trajectory)


def summary_rlm(replies, summarise, window=WINDOW):
    pending = iter(replies)

    def respond(messages):
        if messages[0]["content"].startswith("You are compacting"):
            return summarise(messages[0]["content"])
        return next(pending)

    root = ScriptedModel(respond=respond, name="scripted", context_window=window)
    return RLM(root, sandbox="inprocess", profile="default", compaction="summary", limits=Limits(max_reply_tokens=256))


def test_summary_mode_folds_turns_with_the_root_model_and_charges_it():
    prompts = []

    def summarise(prompt):
        prompts.append(prompt)
        return f"SUMMARY {len(prompts)}: part0 holds line 1."

    rlm = summary_rlm(printing_replies(8), summarise)
    r = rlm.run(DOC, "What is on line 1?")
    assert (r.status, r.answer) == ("answered", "line 1: the value of item 1 is 7")
    compactions = [e for e in r.trajectory if e.type == "compacted"]
    assert compactions and all(e.mode == "summary" for e in compactions)
    last_first = rlm.model.calls[-1][1]["content"]
    assert f"Summary of them so far: SUMMARY {len(prompts)}" in last_first and "--- turn" not in last_first
    assert "What is on line 1?" in prompts[0] and "part0 = context[0 * 3600" in prompts[0]
    if len(prompts) > 1:
        assert "SUMMARY 1" in prompts[1]  # each summary folds in the one before
    by_role = r.usage.by_role()
    assert by_role["compaction"].calls == len(prompts)
    assert r.usage.total().calls == by_role["root"].calls + len(prompts)  # every call in the one usage tree


def test_a_failed_summary_falls_back_to_cutting():
    from recursivelm.protocols import ModelError

    def summarise(prompt):
        raise ModelError("the summary call failed")

    r = summary_rlm(printing_replies(8), summarise).run(DOC, "What is on line 1?")
    assert r.status == "answered"
    assert {e.mode for e in r.trajectory if e.type == "compacted"} == {"cut"}


def test_an_unknown_compaction_mode_is_refused():
    with pytest.raises(ValueError, match="compaction='zip'"):
        RLM(ScriptedModel([]), compaction="zip")
