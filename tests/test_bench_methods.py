"""The benchmark methods, end to end on real components (our engine, sandbox, BM25, generators) with
the deterministic scripted model: every method on every task gives a well-formed record; each method
does what its name says (cutting, compaction, retrieval, CodeAct, no sub-calls); budgets and errors
end in a recorded status, never an exception."""

from __future__ import annotations

import asyncio
import json

import pytest

from recursivelm import ScriptedModel
from recursivelm.bench import TASKS, generate
from recursivelm.bench.methods import METHODS, RunSettings, resolve_bench_model, run_method
from recursivelm.bench.methods.base import Meter, Record, fit_head, split_passages
from recursivelm.bench.methods.scripted import BenchScriptedModel
from recursivelm.protocols import ContextWindowError

from conftest import block

SMALL_WINDOW = 2_048  # small enough that every task's tiny instance must be cut, chunked or retrieved from
ALL_TASKS = sorted(TASKS)
ALL_METHODS = list(METHODS)


def needs(method: str) -> None:
    if method.startswith("bm25"):
        pytest.importorskip("bm25s")


def tiny(task: str, seed: int = 1, **settings):
    return generate(task, seed=seed, target_tokens=TASKS[task].min_target_tokens, **settings)


def check_well_formed(record: Record, instance, method: str) -> None:
    assert record.status == "ok", (record.error, record.details.get("traceback"))
    assert (record.task, record.method, record.instance_id) == (instance.task, method, instance.id)
    assert record.fingerprint == instance.fingerprint()
    assert isinstance(record.prediction, str) and record.prediction
    assert 0.0 <= record.score <= 1.0 and record.score == instance.score(record.prediction)
    assert record.input_tokens > 0 and record.output_tokens > 0
    assert record.model_calls >= 1 and record.iterations >= 1 and record.sub_calls >= 0
    assert record.latency_s >= 0 and record.cost == 0.0 and record.unpriced_calls == 0
    assert record.budget is None and record.error is None
    again = Record.from_dict(json.loads(json.dumps(record.as_dict())))
    assert again == record


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize("task", ALL_TASKS)
def test_every_method_runs_every_task_end_to_end(task, method):
    needs(method)
    instance = tiny(task)
    record = run_method(method, instance, BenchScriptedModel(context_window=SMALL_WINDOW))
    check_well_formed(record, instance, method)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_every_method_on_the_default_window(method):
    needs(method)
    instance = tiny("sniah")
    record = run_method(method, instance, resolve_bench_model("scripted"))
    check_well_formed(record, instance, method)
    assert record.score == 1.0  # the whole tiny context fits: the scripted model finds the needle


# -- direct -------------------------------------------------------------------------------------
def test_direct_keeps_the_head_that_fits_and_says_how_much_was_cut():
    instance = generate("sniah", seed=3, target_tokens=16_000, depth=1.0)
    model = BenchScriptedModel(context_window=SMALL_WINDOW)
    record = run_method("direct", instance, model)
    d = record.details
    assert record.status == "ok" and record.score == 0.0  # the needle is at the end, cut off
    assert d["cut_chars"] > 0 and d["kept_chars"] + d["cut_chars"] == len(instance.context)
    assert 0 < d["kept_fraction"] < 0.2 and d["cut_tokens"] > 10_000
    prompt = model.calls[0][-1]["content"]
    assert instance.context[: d["kept_chars"]] in prompt and "was cut" in prompt
    assert record.input_tokens <= SMALL_WINDOW - RunSettings().reply_tokens + 100

    early = generate("sniah", seed=3, target_tokens=16_000, depth=0.0)
    assert run_method("direct", early, BenchScriptedModel(context_window=SMALL_WINDOW)).score == 1.0


def test_fit_head_is_exact_and_cheap_on_a_huge_text():
    text = "word " * 2_000_000
    counted = []

    def count(s):
        counted.append(len(s))
        return len(s) // 5

    head = fit_head(text, count, 1_000)
    assert 4_900 <= len(head) <= 5_000 and count(head) <= 1_000
    assert max(counted) <= 1_000 * 8


# -- compaction ---------------------------------------------------------------------------------
def test_compaction_reads_every_piece_and_keeps_what_helps():
    instance = generate("sniah", seed=2, target_tokens=8_000, depth=0.9)
    model = BenchScriptedModel(context_window=SMALL_WINDOW)
    record = run_method("compaction", instance, model)
    d = record.details
    assert d["pieces"] >= 4 and d["pieces_read"] == d["pieces"] and d["compactions"] == 0
    assert record.iterations == d["pieces"] + 1 and record.model_calls == d["pieces"] + 1
    assert d["notes"].startswith("[piece ") and d["notes"].endswith(instance.metadata["needle"])  # NONE elsewhere
    assert all(sum(model.count_tokens(m["content"]) for m in call) <= SMALL_WINDOW for call in model.calls)
    assert record.score == 1.0  # the needle survived in the notes to the answer


def test_compaction_compacts_its_notes_when_they_outgrow_the_bound():
    model = BenchScriptedModel(context_window=SMALL_WINDOW)
    record = run_method("compaction", tiny("multihop"), model)
    d = record.details
    assert d["compactions"] >= 1 and record.iterations == d["pieces"] + d["compactions"] + 1
    assert model.count_tokens(d["notes"]) <= d["notes_tokens"]
    assert any(call[-1]["content"].endswith("Shorter notes:") for call in model.calls)
    assert all(sum(model.count_tokens(m["content"]) for m in call) <= SMALL_WINDOW for call in model.calls)


def test_compaction_answers_from_its_notes_when_the_token_budget_runs_out():
    instance = generate("sniah", seed=2, target_tokens=8_000, depth=0.0)
    record = run_method("compaction", instance, BenchScriptedModel(context_window=SMALL_WINDOW),
                        RunSettings(token_budget=1_500))
    assert (record.status, record.budget) == ("budget", "tokens")
    assert 1 <= record.details["pieces_read"] < record.details["pieces"]
    assert record.prediction and record.score == 1.0  # the needle was in the first piece's notes


# -- bm25 ---------------------------------------------------------------------------------------
def test_bm25_retrieves_the_needle_passage_and_fits_the_window():
    pytest.importorskip("bm25s")
    instance = generate("sniah", seed=4, target_tokens=32_000, depth=0.7)
    model = BenchScriptedModel(context_window=SMALL_WINDOW)
    record = run_method("bm25", instance, model)
    d = record.details
    assert record.score == 1.0 and d["model_query"]
    assert 0 < d["passages_shown"] < d["passages"]
    assert sum(model.count_tokens(m["content"]) for m in model.calls[-1]) <= SMALL_WINDOW
    plain = run_method("bm25-plain", instance, BenchScriptedModel(context_window=SMALL_WINDOW))
    assert plain.score == 1.0 and plain.model_calls == 1 and "model_query" not in plain.details


def test_passages_are_line_aligned_and_labelled_by_document():
    pieces = split_passages({"a.py": "x = 1\n" * 300, "b.py": "y\n"}, passage_chars=400)
    assert {label for label, _ in pieces} == {"a.py", "b.py"}
    assert all(len(p) <= 400 and p.endswith("\n") for _, p in pieces)
    assert "".join(p for label, p in pieces if label == "a.py") == "x = 1\n" * 300


# -- codeact ------------------------------------------------------------------------------------
def test_codeact_sees_and_computes_over_the_cut_text_only():
    model = BenchScriptedModel()
    early = generate("sniah", seed=5, target_tokens=32_000, depth=0.0)
    record = run_method("codeact", early, model)
    assert record.score == 1.0 and record.sub_calls == 0
    assert record.details["cut_chars"] > 0 and record.details["turns"] >= 2
    first = model.calls[0]
    assert early.context[:1_000] in first[1]["content"]  # the text is in the prompt
    assert "llm_query" not in first[0]["content"]
    # The needle beyond the cut: the code runs over `context`, which holds the cut text only.
    late = generate("sniah", seed=5, target_tokens=32_000, depth=1.0)
    assert run_method("codeact", late, BenchScriptedModel()).score == 0.0
    assert run_method("rlm", late, BenchScriptedModel()).score == 1.0


def test_codeact_prompts_fit_the_window_through_every_turn():
    model = BenchScriptedModel(context_window=SMALL_WINDOW)
    record = run_method("codeact", tiny("multihop"), model)
    assert record.status == "ok"  # the scripted model raises ContextWindowError on an overfull prompt
    assert all(sum(model.count_tokens(m["content"]) for m in call) <= SMALL_WINDOW for call in model.calls)


# -- rlm and rlm-nosub --------------------------------------------------------------------------
def test_rlm_makes_sub_calls_and_counts_them():
    model = BenchScriptedModel()
    record = run_method("rlm", generate("sniah", seed=6, target_tokens=32_000), model)
    assert record.score == 1.0 and record.sub_calls == 1 and record.iterations == 2
    assert record.model_calls == 3 and record.details["engine_status"] == "answered"
    assert "llm_query" in model.calls[0][0]["content"]


def test_rlm_nosub_never_offers_a_sub_call():
    model = BenchScriptedModel()
    record = run_method("rlm-nosub", generate("sniah", seed=6, target_tokens=32_000), model)
    assert record.score == 1.0 and record.sub_calls == 0
    system = model.calls[0][0]["content"]
    for name in ("llm_query", "ask_chunks", "rlm_query"):
        assert name not in system
    small = ScriptedModel(replies=[block("FINAL('x')")], name="embedded")  # picks the small profile
    run_method("rlm-nosub", tiny("sniah"), small)
    assert "llm_query" not in small.calls[0][0]["content"] and "search(pattern)" in small.calls[0][0]["content"]


def test_rlm_nosub_refuses_a_sub_call_with_an_error_and_goes_on():
    model = ScriptedModel(replies=[block("print(llm_query('what is this?'))"),
                                   block("print(ask_chunks('any numbers?'))"), block("FINAL('done')")])
    record = run_method("rlm-nosub", tiny("sniah"), model)
    assert (record.status, record.prediction, record.sub_calls) == ("ok", "done", 0)
    assert "not available in this run" in model.calls[1][-1]["content"]
    assert "not available in this run" in model.calls[2][-1]["content"]


def test_an_engine_limit_is_part_of_the_method_not_a_budget_out():
    model = ScriptedModel(respond=lambda m: "FINAL(7)" if "Stop" in m[-1]["content"] else block("print(1)"))
    record = run_method("rlm", tiny("sniah"), model, RunSettings(rlm_limits={"max_iterations": 2}))
    assert (record.status, record.prediction, record.details["limit"]) == ("ok", "7", "max_iterations")


# -- budgets and errors -------------------------------------------------------------------------
@pytest.mark.parametrize("method", ALL_METHODS)
def test_a_slow_model_runs_out_of_the_time_budget_and_it_is_recorded(method):
    needs(method)
    slow = BenchScriptedModel(latency_s=5.0)
    settings = RunSettings(time_budget_s=0.3, answer_now_timeout_s=0.2)
    record = run_method(method, tiny("sniah"), slow, settings)
    assert (record.status, record.budget) == ("budget", "time"), (record.error, record.details)
    assert record.latency_s < 3.0  # stopped, not waited out
    assert record.prediction is None and record.score == 0.0 and record.budgets["time_budget_s"] == 0.3
    # No call finished, yet each cut call had read its prompt: those tokens are the query's cost.
    assert record.input_tokens >= len(slow.calls) * 50 and record.output_tokens == 0


def test_the_answer_now_turn_keeps_a_budget_outs_answer():
    # Each reply takes 0.4 s; the budget ends during the second turn; the answer-now turn answers.
    model = BenchScriptedModel(latency_s=0.4)
    settings = RunSettings(time_budget_s=0.6, answer_now_timeout_s=5.0)
    record = run_method("rlm-nosub", tiny("sniah", depth=0.0), model, settings)
    assert (record.status, record.budget, record.details["limit"]) == ("budget", "time", "deadline_s")
    assert record.score == 1.0  # the first turn printed the needle: the late answer was kept and scored


def test_the_rlm_token_budget_is_the_engines_max_tokens():
    record = run_method("rlm", tiny("sniah"), BenchScriptedModel(), RunSettings(token_budget=100))
    assert (record.status, record.budget, record.details["limit"]) == ("budget", "tokens", "max_tokens")
    assert record.prediction is not None


@pytest.mark.parametrize("method", ["direct", "compaction", "rlm", "codeact"])
def test_a_failing_model_is_an_error_record_not_an_exception(method):
    dead = ScriptedModel(replies=[], name="dead")  # raises ModelError on every call
    record = run_method(method, tiny("babi"), dead)
    assert record.status == "error" and "no reply left" in record.error
    assert record.score == 0.0


def test_an_overfull_prompt_is_an_error_not_a_silent_cut():
    class Tiny(BenchScriptedModel):
        def count_tokens(self, text):  # under-counts: the method's prompt will not fit
            return len(text) // 40

    record = run_method("direct", tiny("sniah"), Tiny(context_window=600), RunSettings(reply_tokens=100))
    assert record.status == "error" and ContextWindowError.__name__ in record.error
    record = run_method("direct", tiny("sniah"), BenchScriptedModel(context_window=600))
    assert record.status == "error" and "leaves no room" in record.error


def test_meter_counts_tokens_and_cost_from_the_price_table():
    from recursivelm.protocols import Completion

    class Priced(BenchScriptedModel):
        async def complete(self, messages, **kwargs):
            return Completion("A", 1_000_000, 1_000_000, "openai/gpt-5-mini")

    meter = Meter(RunSettings())
    asyncio.run(meter.complete(Priced(), [{"role": "user", "content": "q"}], max_tokens=10))
    assert (meter.tokens, meter.model_calls, meter.cost) == (2_000_000, 1, pytest.approx(0.25 + 2.0))


def test_the_scripted_model_knows_each_method_prompt_by_its_template_not_its_wording():
    from recursivelm.bench.methods import compaction, direct, retrieval
    from recursivelm.bench.methods.scripted import recognise

    cases = {
        "direct.user": direct.build_messages("the text", "Who?", "(cut)\n"),
        "compaction.step_user": compaction.step_messages("Who?", "a piece\nof text", 2, 5),
        "compaction.compact_user": compaction.compact_messages("Who?", "[piece 1] notes", 40),
        "compaction.answer_user": compaction.answer_messages("Who?", "", partial=True),
        "retrieval.user": retrieval.answer_messages("[passage 1]\ntext", "Who?"),
    }
    for name, messages in cases.items():
        found, fields = recognise(messages[-1]["content"])
        assert found == name and fields["question"] == "Who?"
    assert recognise(compaction.step_messages("Who?", "a piece\nof text", 2, 5)[-1]["content"])[1]["piece"] == (
        "a piece\nof text")
    assert recognise("Something no method asks") is None
