"""The user's own tools (RLM(tools=...)) and rlm_query_batched, on the scripted model, in both sandboxes."""

import asyncio

import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.tools import ToolError

from conftest import block

DOC = "alpha\nthe vault code is 4417\nomega\n"
SANDBOXES = ["inprocess", "isolated"]


def lookup_price(item: str, quantity: int = 1) -> float:
    """The unit price of an item in the shop's catalogue, times the quantity.

    More details that the system prompt leaves out."""
    return {"apple": 0.5, "pear": 0.75}[item] * quantity


async def slow_double(x: int) -> int:
    """Twice x, after a short wait (an async tool)."""
    await asyncio.sleep(0.01)
    return 2 * x


def rlm_with(replies, sandbox, tools, sub=None, **limits):
    root = ScriptedModel(replies=replies, name="scripted")
    sub_model = ScriptedModel(respond=sub or (lambda m: "sub reply"), name="scripted-sub")
    return RLM(root, sub_model=sub_model, tools=tools, sandbox=sandbox, limits=Limits(**limits), profile="default")


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_a_tool_is_called_by_name_and_its_result_comes_back(sandbox):
    rlm = rlm_with([block("p = lookup_price('pear', quantity=4)\nd = slow_double(21)\nFINAL(f'{p} {d}')")],
                   sandbox, [lookup_price, slow_double])
    r = rlm.run(DOC, "price?")
    assert (r.status, r.answer) == ("answered", "3.0 42")
    calls = [e for e in r.trajectory if e.type == "tool_call"]
    assert [(c.tool, c.error) for c in calls] == [("lookup_price", None), ("slow_double", None)]
    cell = next(e for e in r.trajectory if e.type == "cell_start")
    assert all(c.parent == cell.id for c in calls)  # logged under the cell that called them
    assert "quantity=4" in calls[0].arguments and calls[0].result == "3.0"


def test_tools_are_listed_in_the_system_prompt_from_signature_and_docstring():
    rlm = rlm_with([block("FINAL(1)")], "inprocess", {"price": lookup_price})
    rlm.run(DOC, "q")
    system = rlm.model.calls[0][0]["content"]
    assert "price(item: str, quantity: int = 1) -> float" in system
    assert "The unit price of an item" in system and "More details" not in system


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_bad_arguments_from_model_code_are_an_error_the_model_sees(sandbox):
    rlm = rlm_with([block("lookup_price(3)"), block("lookup_price('apple', 1, 2, 3)"), block("FINAL('done')")],
                   sandbox, [lookup_price])
    r = rlm.run(DOC, "q")
    assert r.answer == "done"
    assert "argument 'item' must be str, got int" in rlm.model.calls[1][-1]["content"]
    assert "too many positional arguments" in rlm.model.calls[2][-1]["content"]
    assert not [e for e in r.trajectory if e.type == "tool_call"]  # refused before the tool ran


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_a_tool_that_raises_shows_its_error_and_the_run_goes_on(sandbox):
    rlm = rlm_with([block("lookup_price('plum')"), block("FINAL('ok')")], sandbox, [lookup_price])
    r = rlm.run(DOC, "q")
    assert r.answer == "ok"
    assert "KeyError" in rlm.model.calls[1][-1]["content"]
    (call,) = [e for e in r.trajectory if e.type == "tool_call"]
    assert call.error.startswith("KeyError")


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_a_rebound_tool_name_is_restored(sandbox):
    rlm = rlm_with([block("lookup_price = 5"), block("FINAL(lookup_price('apple'))")], sandbox, [lookup_price])
    r = rlm.run(DOC, "q")
    assert r.answer == "0.5"
    assert "you rebound lookup_price" in rlm.model.calls[1][-1]["content"]


def test_a_deadline_that_passed_stops_tools_too():
    clock = iter(range(0, 10_000, 10))
    calls = []

    def record(x: int) -> int:
        calls.append(x)
        return x

    root = ScriptedModel(replies=[block("record(1)"), "FINAL('late')"], name="scripted")
    rlm = RLM(root, tools=[record], sandbox="inprocess", limits=Limits(deadline_s=5), clock=lambda: next(clock))
    r = rlm.run(DOC, "q")
    assert r.status == "limit" and calls == []


def test_tools_that_cannot_be_used_are_refused_in_one_line():
    with pytest.raises(ToolError, match="already taken"):
        RLM(ScriptedModel([]), tools={"llm_query": len})
    with pytest.raises(ToolError, match="already taken"):
        RLM(ScriptedModel([]), tools={"print": len})
    with pytest.raises(ToolError, match="not a usable Python name"):
        RLM(ScriptedModel([]), tools=[lambda x: x])
    with pytest.raises(ToolError, match="not callable"):
        RLM(ScriptedModel([]), tools={"x": 3})
    with pytest.raises(ToolError, match="list of functions"):
        RLM(ScriptedModel([]), tools=len)


@pytest.mark.parametrize("sandbox", SANDBOXES)
def test_rlm_query_batched_runs_child_rlms_and_keeps_the_order(sandbox):
    # The root asks two children; each child answers with its own prompt's last word.
    replies = [block("out = rlm_query_batched(['say one', 'say two'])\nFINAL(' | '.join(out))")]
    child = ScriptedModel(respond=lambda m: block(f"FINAL({m[1]['content'].split('say ')[-1].split()[0]!r})"),
                          name="child")
    rlm = RLM(ScriptedModel(replies=replies, name="root"), child_model=child, sandbox=sandbox,
              limits=Limits(max_depth=1), profile="default")
    r = rlm.run(DOC, "q")
    assert r.answer == "one | two"
    queued = [e for e in r.trajectory if e.type == "sub_calls_queued"]
    assert [(q.kind, q.count) for q in queued] == [("rlm_query_batched", 2)]
    children = {e.run for e in r.trajectory if e.type == "run_start" and e.depth == 1}
    assert len(children) == 2


def test_rlm_query_batched_at_max_depth_falls_back_to_sub_calls(make_rlm):
    rlm = make_rlm([block("FINAL(rlm_query_batched(['a', 'b']))")], sub=lambda m: m[-1]["content"].upper(), max_depth=0)
    assert rlm.run(DOC, "q").answer == "['A', 'B']"


def test_rlm_query_batched_is_bounded_by_child_concurrency():
    running = {"now": 0, "most": 0}

    async def gate(x: int) -> int:  # a tool each child calls: counts children in flight at once
        running["now"] += 1
        running["most"] = max(running["most"], running["now"])
        await asyncio.sleep(0.05)
        running["now"] -= 1
        return x

    child = ScriptedModel(respond=lambda m: block("FINAL(gate(1))"), name="child")
    rlm = RLM(ScriptedModel([block("FINAL(sum(map(int, rlm_query_batched(['p'] * 6))))")], name="root"),
              child_model=child, tools=[gate], sandbox="inprocess", limits=Limits(child_concurrency=2))
    r = rlm.run(DOC, "q")
    assert r.answer == "6" and running["most"] == 2


def test_nested_batches_do_not_deadlock_on_the_child_gate():
    # Two children hold both slots of depth 1 while each batches two grandchildren at depth 2.
    def respond(messages):
        question = messages[1]["content"]
        if "grandchild" in question:
            return block("FINAL('g')")
        return block("FINAL(''.join(rlm_query_batched(['grandchild', 'grandchild'])))")

    child = ScriptedModel(respond=respond, name="child")
    rlm = RLM(ScriptedModel([block("FINAL('|'.join(rlm_query_batched(['child a', 'child b'])))")], name="root"),
              child_model=child, sandbox="inprocess", limits=Limits(max_depth=2, child_concurrency=2, deadline_s=60))
    assert rlm.run(DOC, "q").answer == "gg|gg"


def test_rlm_query_batched_counts_against_the_sub_call_budget(make_rlm):
    rlm = make_rlm([block("rlm_query_batched(['a', 'b', 'c'])"), "FINAL('x')"], max_sub_calls=2)
    r = rlm.run(DOC, "q")
    assert (r.status, r.limit) == ("limit", "max_sub_calls")
