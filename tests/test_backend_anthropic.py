"""AnthropicModel against a real local Messages API endpoint (`/v1/messages` on the fault server)."""

import asyncio

import pytest

import fault_server as fs
from fault_server import FaultServer
from recursivelm.models.anthropic_backend import (
    CLAUDE_CONTEXT_WINDOW,
    DEFAULT_MAX_TOKENS,
    OPENING_USER_TURN,
    AnthropicModel,
    to_messages_request,
)
from recursivelm.models.resilience import RetriesExhaustedError, RetryPolicy
from recursivelm.protocols import ContextWindowError, Model, ModelError

pytest.importorskip("anthropic", reason="the anthropic SDK is not installed: pip install -e '.[test]'")

MESSAGES = [{"role": "system", "content": "You answer briefly."},
            {"role": "user", "content": "What is the vault code?"}]


class FakeSleep:
    def __init__(self):
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def model(server, sleep=None, **settings) -> AnthropicModel:
    retry = RetryPolicy(sleep=sleep or FakeSleep(), random=lambda: 0.5)
    return AnthropicModel("claude-test", base_url=server.root_url, api_key="test-key", retry=retry, **settings)


def ask(m, messages=MESSAGES, **kwargs):
    return asyncio.run(m.complete(messages, **kwargs))


def test_it_satisfies_the_model_protocol(server):
    m = model(server)
    assert isinstance(m, Model)
    assert m.name == "anthropic/claude-test" and m.context_window == CLAUDE_CONTEXT_WINDOW


# -- the request ------------------------------------------------------------------------------------
def test_the_system_message_goes_to_system_and_max_tokens_is_always_sent(server):
    ask(model(server))
    body = server.requests[0].body
    assert body["system"] == "You answer briefly."
    assert body["messages"] == [{"role": "user", "content": "What is the vault code?"}]
    assert body["max_tokens"] == DEFAULT_MAX_TOKENS and body["model"] == "claude-test"
    assert server.requests[0].path == "/v1/messages"


def test_turns_are_made_to_alternate():
    system, turns = to_messages_request([
        {"role": "system", "content": "rule one"},
        {"role": "assistant", "content": "I start."},
        {"role": "user", "content": "first"},
        {"role": "user", "content": "second"},
        {"role": "assistant", "content": ""},
        {"role": "system", "content": "rule two"},
        {"role": "user", "content": "third"},
    ])
    assert system == "rule one\n\nrule two"
    assert turns == [{"role": "user", "content": OPENING_USER_TURN},
                     {"role": "assistant", "content": "I start."},
                     {"role": "user", "content": "first\n\nsecond\n\nthird"}]


def test_stop_sequences_and_max_tokens_are_sent(server):
    ask(model(server), max_tokens=200, stop=["\n```output", "  ", "END"])
    body = server.requests[0].body
    assert body["stop_sequences"] == ["\n```output", "END"]  # whitespace-only ones are refused by the API
    assert body["max_tokens"] == 200


def test_extended_thinking_adds_its_budget_on_top_of_the_reply_limit(server):
    ask(model(server, thinking_budget=2048), max_tokens=500)
    body = server.requests[0].body
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["max_tokens"] == 2548 and "temperature" not in body


def test_thinking_settings_are_checked():
    with pytest.raises(ValueError, match="at least 1024"):
        AnthropicModel("claude-x", api_key="k", thinking_budget=10)
    with pytest.raises(ValueError, match="temperature"):
        AnthropicModel("claude-x", api_key="k", thinking_budget=2048, temperature=0.5)


def test_anthropic_environment_variables_are_honoured(server, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_BASE_URL", server.root_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "key-from-env")
    assert ask(AnthropicModel("claude-test")).text == "ok"
    headers = server.requests[0].headers
    assert "key-from-env" in (headers.get("x-api-key", "") + headers.get("authorization", ""))


# -- the reply --------------------------------------------------------------------------------------
def test_thinking_blocks_are_left_out_of_the_text_and_usage_is_the_apis(server):
    server.script(fs.answer("The code is 4417.", thinking="The user wants the code; line 3 has it.",
                            cached_tokens=4))
    c = ask(model(server))
    served = server.served_usage[-1]
    assert c.text == "The code is 4417."
    assert c.input_tokens == served["input"]  # uncached input + cache reads, as one count
    assert c.cached_tokens == 4
    assert c.output_tokens == served["output"]  # thinking included, as the API counts it
    assert not c.estimated


def test_streaming_returns_the_same_completion_and_passes_only_answer_text(server):
    reply = fs.answer("The code is 4417.", thinking="Line 3 has it.", cached_tokens=2)
    server.script(reply, reply)
    m = model(server)
    plain = ask(m)
    pieces: list[str] = []
    streamed = ask(m, on_token=pieces.append)
    assert streamed == plain
    assert "".join(pieces) == "The code is 4417."
    assert server.requests[1].body["stream"] is True


def test_stop_after_first_code_block_ends_the_stream(server):
    text = "Look:\n```python\nprint(len(context))\n```\nOutput: 12\n" + "more made-up text " * 30
    server.script(fs.answer(text, piece_delay_s=0.005))
    c = ask(model(server, stream=True), stop_after_first_code_block=True)
    assert c.text == "Look:\n```python\nprint(len(context))\n```\n" and c.estimated


# -- errors -----------------------------------------------------------------------------------------
def test_a_stream_cut_at_the_deadline_is_charged_its_prompt_and_what_it_had_sent(server):
    from recursivelm.deadline import complete_within
    server.script(fs.answer("one two three four five six seven eight nine ten", piece_delay_s=0.15))
    spent = []
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(complete_within(model(server, stream=True), MESSAGES, 0.5, on_cut=spent.append))
    [cut] = spent
    assert cut.estimated and cut.input_tokens > 0 and cut.text and "ten" not in cut.text


def test_rate_limits_and_overload_are_retried(server):
    sleep = FakeSleep()
    server.script(fs.rate_limited(retry_after="4", anthropic=True),
                  fs.status(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}))
    assert ask(model(server, sleep)).text == "ok"
    assert sleep.delays == [4.0, 1.0]  # Retry-After, then jittered backoff 0.5 x 2


def test_an_overloaded_error_inside_a_stream_is_retried(server):
    server.script(fs.anthropic_stream_error("overloaded_error"))
    assert ask(model(server), on_token=lambda p: None).text == "ok"
    assert len(server.requests) == 2


def test_prompt_too_long_is_a_context_window_error(server):
    server.script(fs.anthropic_context_error())
    with pytest.raises(ContextWindowError, match="prompt is too long"):
        ask(model(server))
    assert len(server.requests) == 1


def test_a_bad_key_is_reported_and_not_retried(server):
    server.script(fs.status(401, {"type": "error", "error": {"type": "authentication_error",
                                                             "message": "invalid x-api-key"}}))
    with pytest.raises(ModelError, match="check the API key"):
        ask(model(server))
    assert len(server.requests) == 1


def test_persistent_overload_gives_up_after_the_policys_attempts(server):
    server.default = fs.status(529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
    m = AnthropicModel("claude-x", base_url=server.root_url, api_key="k",
                       retry=RetryPolicy(attempts=2, sleep=FakeSleep()))
    with pytest.raises(RetriesExhaustedError, match="529"):
        ask(m)
    assert len(server.requests) == 2


def test_a_dropped_connection_is_retried(server):
    server.script(fs.drop())
    assert ask(model(server)).text == "ok"
