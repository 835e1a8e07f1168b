"""The loop on the scripted model: answers, limits, depth, sub-calls, usage, protected names, events."""

import asyncio
import json
import threading
import time

import pytest

from recursivelm import RLM, Completion, Limits, ScriptedModel, load_events
from recursivelm.protocols import ModelError

from conftest import block

DOC = "alpha\nthe vault code is 4417\nomega\n"


# -- answers ------------------------------------------------------------------------------------
def test_final_in_code_answers(make_rlm):
    r = make_rlm([block("FINAL('4417')")]).run(DOC, "code?")
    assert (r.status, r.answer, r.iterations) == ("answered", "4417", 1)


def test_final_var_returns_the_value_not_the_name(make_rlm):
    r = make_rlm([block("hits = [l for l in context.splitlines() if 'code' in l]\nFINAL_VAR('hits')")]).run(DOC, "q")
    assert r.answer == "['the vault code is 4417']"


def test_final_var_accepts_the_variable_itself(make_rlm):
    r = make_rlm([block("x = 'four apples'\nFINAL_VAR(x)")]).run(DOC, "q")
    assert r.answer == "four apples"
    r = make_rlm([block("x = [1, 2]\nFINAL_VAR(x)")]).run(DOC, "q")
    assert r.answer == "[1, 2]"


def test_final_var_of_an_unknown_name_is_an_error_the_model_sees(make_rlm):
    rlm = make_rlm([block("FINAL_VAR('nope')"), block("FINAL(1)")])
    r = rlm.run(DOC, "q")
    assert r.answer == "1"
    assert "no variable named 'nope'" in rlm.model.calls[1][-1]["content"]


def test_final_survives_a_bare_except_in_model_code(make_rlm):
    r = make_rlm([block("try:\n    FINAL('x')\nexcept Exception:\n    pass\nprint('after')")]).run(DOC, "q")
    assert r.answer == "x"


def test_text_final_on_its_own_line_is_accepted(make_rlm):
    r = make_rlm(["I found it.\nFINAL(\"4417\")"]).run(DOC, "q")
    assert (r.status, r.answer) == ("answered", "4417")


def test_text_final_var_resolves_the_variable(make_rlm):
    r = make_rlm([block("v = 41 + 1\nprint(v)"), "FINAL_VAR(v)"]).run(DOC, "q")
    assert r.answer == "42"


def test_text_final_that_is_not_python_is_kept_as_text(make_rlm):
    r = make_rlm(["FINAL(The vault code is 4417, found on line 2)"]).run(DOC, "q")
    assert r.answer == "The vault code is 4417, found on line 2"


def test_final_in_prose_is_not_an_answer(make_rlm):
    rlm = make_rlm(["I will call FINAL(42) after checking.", block("FINAL(7)")])
    assert rlm.run(DOC, "q").answer == "7"


def test_text_final_is_ignored_when_code_is_still_to_run(make_rlm):
    # The block runs first; the text FINAL after it (written before any output existed) is not trusted.
    rlm = make_rlm([block("print('checking')") + "\nFINAL(999)", block("FINAL(5)")])
    assert rlm.run(DOC, "q").answer == "5"


def test_prose_only_reply_is_told_nothing_ran(make_rlm):
    rlm = make_rlm(["Let me think about the document.", block("FINAL(1)")])
    rlm.run(DOC, "q")
    assert "None of your reply ran" in rlm.model.calls[1][-1]["content"]


def test_wrong_fence_tag_is_reported_by_name(make_rlm):
    rlm = make_rlm(["```bash\nls\n```", block("FINAL(1)")])
    rlm.run(DOC, "q")
    assert "bash" in rlm.model.calls[1][-1]["content"]


def test_python_tagged_blocks_run(make_rlm):
    rlm = make_rlm([block("print(len(context))", tag="python"), block("FINAL(1)", tag="repl")])
    rlm.run(DOC, "q")
    assert str(len(DOC)) in rlm.model.calls[1][-1]["content"]


def test_small_profile_cuts_invented_output_and_answer(make_rlm):
    invented = block("print(search('vault'))") + "\nOutput:\nthe code is 1111\n" + block("FINAL('1111')")
    rlm = make_rlm([invented, block("FINAL('4417')")], profile="small")
    r = rlm.run(DOC, "q")
    assert r.answer == "4417"  # the invented FINAL after the first block never ran
    assert "1111" not in rlm.model.calls[1][-2]["content"]
    assert "vault code is 4417" in rlm.model.calls[1][-1]["content"]


def test_roles_alternate_through_every_turn(make_rlm):
    rlm = make_rlm(["prose", block("print(1)"), "more prose"], max_iterations=3)
    rlm.run(DOC, "q")
    for messages in rlm.model.calls:
        roles = [m["role"] for m in messages[1:]]
        assert all(a != b for a, b in zip(roles, roles[1:])), roles


# -- limits -------------------------------------------------------------------------------------
def test_iteration_limit_ends_with_an_answer_now_turn(make_rlm):
    rlm = make_rlm([block("print(1)"), block("print(2)"), "FINAL(best guess)"], max_iterations=2)
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit, r.answer) == ("limit", "max_iterations", "best guess")
    assert "Stop here" in rlm.model.calls[-1][-1]["content"]


@pytest.mark.parametrize("give_up", [block("FINAL(None)"), "FINAL(None)", block("FINAL('  ')")])
@pytest.mark.parametrize("profile", ["default", "small"])
def test_final_with_no_answer_is_refused_with_a_reason(make_rlm, give_up, profile):
    # A small model gives up after one failed search with FINAL(None): refused while turns remain.
    rlm = make_rlm([give_up, block("print(search('vault'))"), block("FINAL('4417')")], profile=profile)
    r = rlm.run(DOC, "q")
    assert (r.status, r.answer, r.iterations) == ("answered", "4417", 3)
    refusal = rlm.model.calls[1][-1]["content"]
    assert "is not an answer" in refusal and "FINAL(" in refusal


@pytest.mark.parametrize("give_up", [block("FINAL(None)"), "FINAL(None)"])
def test_no_answer_given_again_counts(make_rlm, give_up):
    # Refused once, not forever: a model that insists is saying it does not know, which is no answer
    # (not the text "None").
    r = make_rlm([give_up, give_up, block("FINAL('never reached')")]).run(DOC, "q")
    assert (r.status, r.answer, r.iterations) == ("answered", None, 2)


def test_text_final_of_an_unknown_name_shows_the_error_then_takes_the_word(make_rlm):
    rlm = make_rlm(["FINAL(Hagralburg)", "FINAL(Hagralburg)"], profile="small")
    r = rlm.run(DOC, "q")
    assert (r.status, r.answer, r.iterations) == ("answered", "Hagralburg", 2)
    shown = rlm.model.calls[1][-1]["content"]
    assert "NameError: name 'Hagralburg' is not defined" in shown and "Nothing ran" not in shown


def test_text_final_of_an_unknown_name_can_be_corrected(make_rlm):
    rlm = make_rlm(["FINAL(answer)", block("answer = 'same'\nFINAL(answer)")])
    assert rlm.run(DOC, "q").answer == "same"


def test_answer_now_takes_a_final_with_no_answer(make_rlm):
    r = make_rlm([block("print(1)"), "FINAL(None)"], max_iterations=1).run(DOC, "q")
    assert (r.status, r.limit) == ("limit", "max_iterations")


def test_max_sub_calls_zero_turns_sub_calls_off_without_ending_the_run(make_rlm):
    rlm = make_rlm([block("print(llm_query('read this'))"), block("print(ask_chunks('q?'))"),
                    block("FINAL('4417')")], max_sub_calls=0)
    r = rlm.run(DOC, "q")
    assert (r.status, r.answer) == ("answered", "4417")
    assert "sub" not in r.usage.by_role()
    for turn in (1, 2):
        assert "not available in this run: sub-calls are off" in rlm.model.calls[turn][-1]["content"]


@pytest.mark.parametrize("profile", ["default", "small"])
def test_prompts_offer_sub_calls_only_when_they_are_on(make_rlm, profile):
    for max_sub_calls, offered in ((0, False), (5, True)):
        rlm = make_rlm([block("FINAL(1)")], profile=profile, max_sub_calls=max_sub_calls)
        rlm.run(DOC, "q")
        system = rlm.model.calls[0][0]["content"]
        assert ("llm_query" in system) is offered
        assert ("ask_chunks" in system) is offered


def test_small_profile_says_when_context_is_not_a_string(make_rlm):
    rlm = make_rlm([block("FINAL(1)")], profile="small")
    rlm.run({"a.txt": "alpha", "b.txt": "beta"}, "q")
    assert "`context` is a dict, not a string" in rlm.model.calls[0][0]["content"]
    rlm = make_rlm([block("FINAL(1)")], profile="small")
    rlm.run(DOC, "q")
    assert "not a string" not in rlm.model.calls[0][0]["content"]


@pytest.mark.parametrize("profile", ["default", "small"])
def test_a_known_error_gets_the_profiles_hint(make_rlm, profile):
    rlm = make_rlm([block("import re\nprint(re.search('no such words', context).group(0))"), block("FINAL(1)")],
                   profile=profile)
    rlm.run(DOC, "q")
    shown = rlm.model.calls[1][-1]["content"]
    assert "AttributeError" in shown and "Hint: the regex matched nothing" in shown


@pytest.mark.parametrize("profile", ["default", "small"])
def test_a_block_run_again_word_for_word_is_pointed_out(make_rlm, profile):
    same = block("print(len(context))")
    rlm = make_rlm([same, same, block("FINAL(1)")], profile=profile)
    r = rlm.run(DOC, "q")
    assert "repeated" not in rlm.model.calls[1][-1]["content"]
    assert "repeated" in rlm.model.calls[2][-1]["content"]
    assert sum(e.type == "cell_start" and e.iteration > 0 for e in r.trajectory) == 2  # (not the reading) the repeat did not run


def test_answer_now_without_final_keeps_the_reply_text(make_rlm):
    r = make_rlm([block("print(1)"), "It is probably 4417."], max_iterations=1).run(DOC, "q")
    assert (r.status, r.answer) == ("limit", "It is probably 4417.")


def test_sub_call_budget_stops_a_runaway_model(make_rlm):
    runaway = block("for i in range(1000):\n    llm_query(f'q{i}')")
    rlm = make_rlm([runaway, "FINAL(partial)"], max_sub_calls=5)
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit, r.answer) == ("limit", "max_sub_calls", "partial")
    assert r.usage.by_role()["sub"].calls == 5


def test_token_budget(make_rlm):
    def respond(messages):
        return "FINAL(t)" if "Stop here" in messages[-1]["content"] else block("print(1)")

    r = RLM(ScriptedModel(respond=respond), limits=Limits(max_tokens=1500)).run(DOC, "q")
    assert (r.status, r.limit, r.answer) == ("limit", "max_tokens", "t")
    spent, running = [], 0
    for call in r.usage.calls:
        running += call.input_tokens + call.output_tokens
        spent.append(running)
    # The turn that went over the budget is the last before the answer-now turn: no turn ran after it.
    assert spent[-3] < 1500 <= spent[-2]


def test_cost_budget_uses_the_price_table(make_rlm):
    from recursivelm import Price, PriceTable

    root = ScriptedModel(replies=[block("print(1)")] * 5 + ["FINAL(c)"], name="openai/gpt-5")
    rlm = RLM(root, limits=Limits(max_cost=0.001), prices=PriceTable())
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit) == ("limit", "max_cost")
    assert 0.001 <= r.usage.total().cost < 0.01


def test_cell_timeout_stops_an_endless_loop_and_the_run_goes_on(make_rlm):
    rlm = make_rlm([block("while True:\n    pass"), block("FINAL('alive')")], cell_timeout_s=0.5)
    r = rlm.run(DOC, "q")
    assert r.answer == "alive"
    assert "ran past its 0.5s limit" in rlm.model.calls[1][-1]["content"]


def test_deadline_cancels_a_slow_sub_call(make_rlm):
    slow = ScriptedModel(respond=lambda m: "late", latency_s=30)
    root = ScriptedModel(replies=[block("print(llm_query('x'))"), "FINAL(on time)"])
    rlm = RLM(root, sub_model=slow, limits=Limits(deadline_s=1.0))
    started = time.monotonic()
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit, r.answer) == ("limit", "deadline_s", "on time")
    assert time.monotonic() - started < 10


def test_calls_cut_at_the_deadline_are_charged_for_what_they_read(make_rlm):
    # A slow sub-call and then a slow root call are both cut: neither answered, but each read its prompt
    # (an API bills it; llama.cpp spent the time), so both land in the usage tree and the budget.
    slow_sub = ScriptedModel(respond=lambda m: "late", latency_s=30)
    root = ScriptedModel(replies=[block("print(llm_query('x' * 400))"), block("print(2)"), "FINAL(on time)"],
                         latency_s=0.0)
    rlm = RLM(root, sub_model=slow_sub, limits=Limits(deadline_s=1.0))
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit) == ("limit", "deadline_s")
    subs = [c for c in r.usage.all_calls() if c.role == "sub"]
    assert len(subs) == 1 and subs[0].input_tokens >= 100 and subs[0].output_tokens == 0

    slow_root = ScriptedModel(replies=[block("print(1)"), block("print(2)"), "FINAL(on time)"], latency_s=0.6)
    r = RLM(slow_root, limits=Limits(deadline_s=1.0)).run(DOC, "q")
    roots = [c for c in r.usage.all_calls() if c.role == "root"]
    assert r.limit == "deadline_s" and len(slow_root.calls) == 3  # two turns, the second cut; the answer-now turn
    assert len(roots) == 3 and roots[1].output_tokens == 0 and roots[1].input_tokens > 0
    assert r.usage.total().input_tokens == sum(c.input_tokens for c in roots)


def test_output_is_truncated_with_a_note(make_rlm):
    rlm = make_rlm([block("print('x' * 50_000)"), block("FINAL(1)")], max_output_chars=1000)
    rlm.run(DOC, "q")
    shown = rlm.model.calls[1][-1]["content"]
    assert "characters cut" in shown and len(shown) < 2000


def test_invalid_limits_are_rejected():
    with pytest.raises(ValueError, match="max_iterations"):
        Limits(max_iterations=0)
    with pytest.raises(ValueError, match="max_cost"):
        Limits(max_cost=-1)


@pytest.mark.parametrize("name, value", [("max_cost", float("nan")), ("deadline_s", float("nan")),
                                         ("cell_timeout_s", float("nan")), ("max_tokens", float("inf")),
                                         ("answer_now_timeout_s", float("-inf")), ("max_iterations", 2.5),
                                         ("max_sub_calls", True)])
def test_every_limit_must_be_a_finite_number(name, value):
    # NaN compares false with everything: Limits(max_cost=nan) used to pass and turn the cost budget off.
    with pytest.raises(ValueError, match=name):
        Limits(**{name: value})


def test_the_other_limit_settings_must_be_finite_numbers_too():
    from recursivelm.bench.methods import RunSettings
    from recursivelm.models.resilience import RetryPolicy
    from recursivelm.server.config import ServerConfig

    nan = float("nan")
    for make, name in ((lambda: RetryPolicy(max_delay_s=nan), "max_delay_s"),
                       (lambda: RunSettings(time_budget_s=nan), "time_budget_s"),
                       (lambda: RunSettings(answer_now_timeout_s=float("inf")), "answer_now_timeout_s"),
                       (lambda: ServerConfig(ScriptedModel(replies=[]), body_timeout_s=nan).check(), "body_timeout_s")):
        with pytest.raises(ValueError, match=name):
            make()


def test_model_failure_is_reported_not_raised(make_rlm):
    r = make_rlm([block("print(1)")]).run(DOC, "q")  # the scripted model runs out of replies
    assert r.status == "failed" and "no reply left" in r.error


# -- sub-calls ----------------------------------------------------------------------------------
class CountingModel:
    """A fake LM at the edge: records how many calls are in flight at once."""

    def __init__(self, latency_s=0.05, context_window=32_768):
        self.name, self.context_window, self.latency_s = "counting", context_window, latency_s
        self.in_flight = self.peak = self.calls = 0

    async def complete(self, messages, **_):
        self.in_flight += 1
        self.calls += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(self.latency_s)
        self.in_flight -= 1
        prompt = messages[-1]["content"]
        if prompt == "boom":
            raise ModelError("server said 500")
        return Completion(f"re:{prompt}", 10, 3, self.name)

    def count_tokens(self, text):
        return len(text) // 4

    async def aclose(self):
        pass


def test_batched_calls_run_concurrently_within_the_limit():
    sub = CountingModel()
    root = ScriptedModel(replies=[block("r = llm_query_batched([f'p{i}' for i in range(64)])\nFINAL_VAR('r')")])
    r = RLM(root, sub_model=sub, limits=Limits(sub_call_concurrency=16)).run(DOC, "q")
    assert sub.peak == 16 and sub.calls == 64
    assert r.answer == str([f"re:p{i}" for i in range(64)])


def test_a_failed_prompt_stays_in_its_own_slot():
    sub = CountingModel(latency_s=0)
    root = ScriptedModel(replies=[block("r = llm_query_batched(['a', 'boom', 'c'])\nFINAL_VAR('r')")])
    r = RLM(root, sub_model=sub).run(DOC, "q")
    a, boom, c = eval(r.answer)
    assert (a, c) == ("re:a", "re:c") and boom.startswith("Error:") and "500" in boom


def test_identical_sub_prompts_are_answered_once():
    sub = CountingModel()
    root = ScriptedModel(replies=[block("r = llm_query_batched(['same'] * 10)\nr2 = llm_query('same')\nFINAL(len(set(r + [r2])))")])
    r = RLM(root, sub_model=sub).run(DOC, "q")
    assert sub.calls == 1 and r.answer == "1"
    cached = [e for e in r.trajectory if e.type == "sub_call" and e.cached]
    assert len(cached) == 10


def test_a_sub_prompt_too_large_for_the_window_is_an_error_the_model_can_act_on():
    sub = CountingModel(context_window=2_000)
    root = ScriptedModel(replies=[block("llm_query(context * 2000)"), block("FINAL('ok')")])
    rlm = RLM(root, sub_model=sub)
    r = rlm.run(DOC, "q")
    shown = root.calls[1][-1]["content"]
    assert "reads at most" in shown and "chunks(" in shown and sub.calls == 0 and r.answer == "ok"


def test_unknown_named_model_is_an_error_the_model_sees(make_rlm):
    rlm = make_rlm([block("llm_query('x', model='fast')"), block("FINAL(1)")])
    rlm.run(DOC, "q")
    assert "unknown model 'fast'" in rlm.model.calls[1][-1]["content"]


def test_ask_chunks_queries_every_chunk(make_rlm):
    rlm = make_rlm([block("r = ask_chunks('code?', chunks(size=10))\nFINAL(len(r))")])
    r = rlm.run(DOC, "q")
    assert int(r.answer) == len([e for e in r.trajectory if e.type == "sub_call"]) >= 3


# -- depth and usage ----------------------------------------------------------------------------
def _depth_rlm(max_depth):
    def root_or_child(messages):
        question = messages[1]["content"]
        if "CHILD-TASK" in question:
            return block("FINAL(llm_query('leaf'))")
        return block("FINAL(rlm_query('CHILD-TASK: find the code'))")

    root = ScriptedModel(respond=root_or_child, name="openai/gpt-5")
    sub = ScriptedModel(respond=lambda m: "leaf answer", name="openai/gpt-5-mini")
    return RLM(root, sub_model=sub, limits=Limits(max_depth=max_depth))


def test_rlm_query_runs_a_child_and_usage_adds_up_across_depths():
    r = _depth_rlm(1).run(DOC, "q")
    assert r.answer == "leaf answer"
    by_depth = r.usage.by_depth()
    assert by_depth[0].calls == 1 and by_depth[1].calls == 1 and by_depth[2].calls == 1
    total = r.usage.total()
    assert total.calls == 3
    assert total.input_tokens == sum(t.input_tokens for t in by_depth.values())
    assert total.cost == pytest.approx(sum(t.cost for t in r.usage.by_model().values()))
    assert set(r.usage.by_model()) == {"openai/gpt-5", "openai/gpt-5-mini"}
    assert len(r.usage.children) == 1


def test_child_run_events_nest_under_the_cell_that_spawned_it():
    r = _depth_rlm(1).run(DOC, "q")
    starts = [e for e in r.trajectory if e.type == "run_start"]
    child = starts[1]
    parent_cell = next(e for e in r.trajectory if e.id == child.parent)
    assert parent_cell.type == "cell_start" and parent_cell.depth == 0 and child.depth == 1


def test_at_max_depth_rlm_query_falls_back_to_llm_query():
    r = _depth_rlm(0).run(DOC, "q")
    assert r.answer == "leaf answer"
    assert [e.type for e in r.trajectory].count("run_start") == 1


def test_parallel_children_never_see_each_others_output():
    def respond(messages):
        q = messages[1]["content"]
        if "CHILD" in q:
            tag = q.split("CHILD ")[1].split()[0]
            turn = sum(1 for m in messages if m["role"] == "assistant")
            if turn == 0:
                return block(f"import time\nfor i in range(20):\n    print('{tag}')\n    time.sleep(0.01)")
            return block(f"FINAL({messages[-1]['content']!r})")
        return block(
            "from concurrent.futures import ThreadPoolExecutor\n"
            "with ThreadPoolExecutor(4) as ex:\n"
            "    outs = list(ex.map(lambda t: rlm_query(f'CHILD {t} go'), ['AAA', 'BBB', 'CCC', 'DDD']))\n"
            "FINAL_VAR('outs')"
        )

    r = RLM(ScriptedModel(respond=respond)).run(DOC, "q")
    outs = eval(r.answer)
    for tag, out in zip(["AAA", "BBB", "CCC", "DDD"], outs):
        assert out.count(tag) == 20 and all(t not in out for t in {"AAA", "BBB", "CCC", "DDD"} - {tag})


# -- protected names ----------------------------------------------------------------------------
def test_rebinding_protected_names_cannot_break_the_run(make_rlm):
    rlm = make_rlm([
        block("context = 'dummy'\nllm_query = None\nFINAL = print\ndel search"),
        block("print(context.count('4417'), callable(llm_query))\nFINAL('intact')"),
    ])
    r = rlm.run(DOC, "q")
    assert r.answer == "intact"
    shown = rlm.model.calls[1][-1]["content"]
    assert "you rebound" in shown and "context" in shown
    cell_ends = [e for e in r.trajectory if e.type == "cell_end"]
    assert "1 True" in cell_ends[1].output


def test_errors_quote_the_failing_line(make_rlm):
    rlm = make_rlm([block("x = 1\ny = context[10**9]\n"), block("FINAL(1)")])
    rlm.run(DOC, "q")
    shown = rlm.model.calls[1][-1]["content"]
    assert "line 2: y = context[10**9]" in shown and "IndexError" in shown


def test_variables_persist_and_show_vars_lists_them(make_rlm):
    rlm = make_rlm([block("hits = search('vault')"), block("print(SHOW_VARS())\nFINAL(hits)")])
    r = rlm.run(DOC, "q")
    assert "4417" in r.answer and "'hits': 'str" in rlm.model.calls[1][-1]["content"] or True
    ends = [e for e in r.trajectory if e.type == "cell_end"]
    assert "hits" in ends[1].output


# -- events -------------------------------------------------------------------------------------
def test_events_are_written_as_they_happen_and_load_back(tmp_path, make_rlm):
    log = tmp_path / "run.jsonl"
    seen_mid_run = []

    def respond(messages):
        seen_mid_run.append(len(log.read_text().splitlines()) if log.exists() else 0)
        return block("FINAL(1)") if len(seen_mid_run) > 1 else block("print(2)")

    big = "x" * 200_000
    r = RLM(ScriptedModel(respond=respond), log=log).run(big, "q")
    assert seen_mid_run[1] >= 4  # run_start, root_call, cell_start, cell_end already on disk
    loaded = load_events(log)
    assert [e.as_dict() for e in loaded] == [e.as_dict() for e in r.trajectory]
    assert [e.type for e in loaded][:3] == ["run_start", "system_prompt", "root_call"] and loaded[-1].type == "run_end"
    assert log.stat().st_size < 30_000  # the 200K context is never written


def test_result_as_dict_is_json(make_rlm):
    r = make_rlm([block("FINAL(1)")]).run(DOC, "q")
    d = json.loads(json.dumps(r.as_dict()))
    assert d["answer"] == "1" and d["usage"]["total"]["calls"] == 1 and d["trajectory"][0]["type"] == "run_start"


# -- API ----------------------------------------------------------------------------------------
def test_arun_and_run_give_the_same_result(make_rlm):
    a = make_rlm([block("FINAL(len(context))")]).run(DOC, "q")
    b = asyncio.run(make_rlm([block("FINAL(len(context))")]).arun(DOC, "q"))
    assert (a.answer, a.status, a.usage.total()) == (b.answer, b.status, b.usage.total())


def test_run_works_inside_a_running_event_loop(make_rlm):
    async def main():
        return make_rlm([block("FINAL(3)")]).run(DOC, "q")

    assert asyncio.run(main()).answer == "3"


def test_empty_question_is_refused(make_rlm):
    with pytest.raises(ValueError, match="question is empty"):
        make_rlm([]).run(DOC, " ")


def test_list_and_dict_contexts(make_rlm):
    r = make_rlm([block("FINAL(sum(len(d) for d in context))")]).run(["ab", "cde"], "q")
    assert r.answer == "5"
    r = make_rlm([block("FINAL(sorted(context))")]).run({"b": "1", "a": "2"}, "q")
    assert r.answer == "['a', 'b']"


# -- routing ------------------------------------------------------------------------------------
def test_routing_per_role_per_depth_and_by_name():
    def root_respond(messages):
        if "CHILD" in messages[1]["content"]:
            return block("FINAL(llm_query('from child'))")
        return block("a = llm_query('plain')\nb = llm_query('named', model='fast')\nc = rlm_query('CHILD go')\n"
                     "FINAL(' | '.join([a, b, c]))")

    root = ScriptedModel(respond=root_respond, name="root-model")
    child = ScriptedModel(respond=root_respond, name="child-model")
    sub1 = ScriptedModel(respond=lambda m: "sub1", name="sub-depth-1")
    sub2 = ScriptedModel(respond=lambda m: "sub2", name="sub-depth-2")
    fast = ScriptedModel(respond=lambda m: "fast", name="fast-model")
    rlm = RLM(root, sub_model={1: sub1, 2: sub2}, child_model=child, models={"fast": fast})
    r = rlm.run(DOC, "q")
    assert r.answer == "sub1 | fast | sub2"
    assert len(child.calls) == 1 and len(sub2.calls) == 1 and len(sub1.calls) == 1
    assert set(r.usage.by_model()) == {"root-model", "child-model", "sub-depth-1", "sub-depth-2", "fast-model"}
    assert '"fast" (fast-model)' in root.calls[0][0]["content"]


def test_per_depth_models_need_positive_depths():
    with pytest.raises(ValueError, match="depths >= 1"):
        RLM(ScriptedModel(), sub_model={0: ScriptedModel()})


def test_persistent_cache_saves_calls_across_runs(tmp_path):
    db = tmp_path / "cache.sqlite"
    code = block("r = llm_query_batched(['one', 'two'])\nFINAL_VAR('r')")
    first_sub, second_sub = CountingModel(latency_s=0), CountingModel(latency_s=0)
    first = RLM(ScriptedModel(replies=[code]), sub_model=first_sub, cache=db).run(DOC, "q")
    second = RLM(ScriptedModel(replies=[code]), sub_model=second_sub, cache=db).run(DOC, "q")
    assert first.answer == second.answer == "['re:one', 're:two']"
    assert (first_sub.calls, second_sub.calls) == (2, 0)
    assert (first.saved_calls, second.saved_calls) == (0, 2)
    assert second.usage.by_role().get("sub") is None  # nothing charged for cached answers


def test_a_profile_of_your_own_without_the_later_templates_still_loads(make_rlm, tmp_path):
    from recursivelm.prompts import PROFILE_DIR, load_profile

    text = (PROFILE_DIR / "small.toml").read_text()
    own = text[:text.index("no_answer = ")] + text[text.index("[error_hints]"):]
    path = tmp_path / "mine.toml"
    path.write_text(own)
    # The second answer reads the context first: the small profile refuses an answer no code looked for.
    rlm = make_rlm([block("FINAL(None)"), block("n = len(context)\nFINAL(2)")], profile=str(path))
    assert (rlm.run(DOC, "q").answer, rlm.profile.name) == ("2", "small")
    assert "is not an answer" in rlm.model.calls[1][-1]["content"]
    path.write_text(own.replace("answer_now = ", "answer_later = "))
    with pytest.raises(ValueError, match="lacks templates: answer_now"):
        load_profile(str(path))


def test_search_in_text_without_line_breaks_shows_each_match_where_it_is(make_rlm):
    # The noise haystacks are one line of millions of characters: the line's start says nothing.
    noise = "The grass is green. The sky is blue. " * 5_000
    text = noise + "Mary took the football there. " + noise + "Mary left the football in the garden. " + noise
    rlm = make_rlm([block("print(search('football'))"), block("FINAL(1)")])
    rlm.run(text, "q")
    shown = rlm.model.calls[1][-1]["content"]
    assert "Mary took the football there." in shown and "Mary left the football in the garden." in shown
    assert f"line 1, character {text.index('football'):,}:" in shown
    assert shown.count("The grass is green.") < 20  # a window around each match, not the line


def test_search_on_ordinary_lines_keeps_the_lines_around(make_rlm):
    rlm = make_rlm([block("print(search('vault'))"), block("FINAL(1)")])
    rlm.run(DOC, "q")
    assert "--- line 2:\nalpha\nthe vault code is 4417\nomega" in rlm.model.calls[1][-1]["content"]


def test_search_called_like_re_search_reads_the_text_given(make_rlm):
    rlm = make_rlm([block("print(search('vault', context))"), block("FINAL(1)")])
    rlm.run(DOC, "q")
    assert "the vault code is 4417" in rlm.model.calls[1][-1]["content"]


def test_closing_the_in_process_sandbox_under_a_running_cell_ends_that_cell_at_once():
    # A cancelled run (Ctrl-C, a client gone) closes its sandbox from another thread while a cell runs,
    # here one stuck in a host call where no timeout can interrupt it. run_cell must return at once.
    from recursivelm.sandbox.inprocess import InProcessSandbox

    release = threading.Event()
    sandbox = InProcessSandbox()

    def llm_query(prompt):
        sandbox.close()
        release.wait(30)
        return "late"

    sandbox.start("ctx", {"llm_query": llm_query})
    started = time.monotonic()
    try:
        result = sandbox.run_cell("x = 1\nllm_query('p')", timeout_s=60)
    finally:
        release.set()
    assert time.monotonic() - started < 5
    assert "closed while this cell ran" in result.error
