"""max_tokens holds with a big batch in flight: calls that may spend what is left wait, and none starts
once it is spent (a 64-prompt batch used to start all 64 before the first was charged: twice the limit)."""

from conftest import block
from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.text import estimate_tokens

DOC = "The report is long. " * 50


def test_a_batch_in_flight_does_not_overshoot_max_tokens():
    batch = block("notes = llm_query_batched([f'Summarise part {i} of the report.' for i in range(64)])\n"
                  "print(sum(n.startswith('Error') for n in notes), 'failed')")
    root = ScriptedModel(replies=[batch], respond=lambda m: "FINAL('done')", name="scripted")
    sub = ScriptedModel(respond=lambda m: "A short summary of this part of the report.", name="scripted-sub",
                        latency_s=0.05)
    limit = 1_500
    rlm = RLM(root, sub_model=sub, limits=Limits(max_tokens=limit, max_sub_reply_tokens=64), profile="default")
    result = rlm.run(DOC, "q")
    assert (result.status, result.limit) == ("limit", "max_tokens")
    calls = result.usage.all_calls()
    answer_now = calls[-1]  # the last root turn, asked for after the limit fired: not part of the overshoot
    spent = sum(c.input_tokens + c.output_tokens for c in calls if c is not answer_now)
    one_call = max(c.input_tokens + c.output_tokens for c in calls if c.role == "sub")
    assert spent <= limit + one_call  # at most the call that crossed the line; without the fix ~2x
    made = len(sub.calls)
    assert 10 < made < 64  # it used the budget, then stopped starting calls
    assert spent >= limit - estimate_tokens("x" * 400)  # and did not stop early for fear of spending
