"""The REPL's namespace, in both sandboxes: what model code can and cannot change."""

import pytest

from recursivelm import RLM, Limits, ScriptedModel

from conftest import block


def run(replies, context, sandbox):
    root = ScriptedModel(replies=replies, name="scripted")
    RLM(root, sandbox=sandbox, limits=Limits(max_sub_calls=0)).run(context, "q")
    return root.calls


def shown(calls, turn):
    return calls[turn][-1]["content"]


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
@pytest.mark.parametrize("context, change", [
    ({"a.txt": "alpha", "b.txt": "beta"}, 'context["a.txt"] = "changed"'),
    ({"a.txt": "alpha", "b.txt": "beta"}, 'context.update({"c.txt": "new"})'),
    (["alpha", "beta"], 'context.append("changed")'),
    (["alpha", "beta"], 'context[0] = "changed"'),
])
def test_a_dict_or_list_context_cannot_be_changed_in_place_for_later_cells(context, change, sandbox):
    replies = [block(change), block("print(sorted(context) if isinstance(context, dict) else context)"),
               block('FINAL("x")')]
    calls = run(replies, context, sandbox)
    assert "TypeError: context is read-only" in shown(calls, 1)
    assert ("['a.txt', 'b.txt']" if isinstance(context, dict) else "['alpha', 'beta']") in shown(calls, 2)
