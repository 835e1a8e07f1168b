"""Every fault a real deployment meets, against a real local HTTP server: survived, or reported clearly.

Waits are measured on a fake sleep injected into the RetryPolicy, never on the wall clock; only the timeout and
cancellation tests take real (sub-second) time.
"""

import asyncio
import email.utils
import time

import pytest

import fault_server as fs
from fault_server import FaultServer
from recursivelm.models.openai_compat import OpenAIModel
from recursivelm.models.resilience import (
    RetriesExhaustedError,
    RetryPolicy,
    TransientModelError,
    classify_http_error,
    retry_after_s,
)
from recursivelm.models.api import estimate_prompt_tokens
from recursivelm.protocols import ContextWindowError, ModelError
from recursivelm.text import estimate_tokens

HI = [{"role": "user", "content": "hello there"}]
FIXED_NOW = 1_800_000_000.0  # the fake wall clock, for Retry-After given as an HTTP date


class FakeSleep:
    """Records each wait instead of waiting."""

    def __init__(self):
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


@pytest.fixture
def sleep():
    return FakeSleep()


def model(server, sleep, **settings) -> OpenAIModel:
    policy = settings.pop("retry", None) or RetryPolicy(sleep=sleep, random=lambda: 0.5, clock=lambda: FIXED_NOW)
    return OpenAIModel("fake-model", base_url=server.url, api_key="test-key", retry=policy,
                       timeout_s=settings.pop("timeout_s", 5.0), **settings)


def ask(m, **kwargs):
    return asyncio.run(m.complete(HI, **kwargs))


# -- rate limits and Retry-After --------------------------------------------------------------------
def test_429_is_retried_after_the_seconds_the_server_asks(server, sleep):
    server.script(fs.rate_limited(retry_after="7"))
    c = ask(model(server, sleep))
    assert c.text == "ok"
    assert sleep.delays == [7.0]
    assert len(server.requests) == 2


def test_retry_after_as_an_http_date_is_honoured(server, sleep):
    server.script(fs.rate_limited(retry_after=email.utils.formatdate(FIXED_NOW + 30, usegmt=True)))
    ask(model(server, sleep))
    assert sleep.delays == [30.0]


def test_a_long_retry_after_is_capped_at_the_policys_maximum(server, sleep):
    server.script(fs.rate_limited(retry_after="3600"))
    policy = RetryPolicy(max_retry_after_s=45, sleep=sleep)
    ask(model(server, sleep, retry=policy))
    assert sleep.delays == [45]


def test_429_without_retry_after_backs_off_with_jitter(server, sleep):
    server.script(fs.rate_limited(retry_after=None))
    ask(model(server, sleep))
    assert sleep.delays == [0.5]  # random 0.5 x base 1.0


def test_an_exhausted_quota_is_not_retried(server, sleep):
    server.script(fs.status(429, {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota",
                                            "code": "insufficient_quota"}}))
    with pytest.raises(ModelError, match="out of credit"):
        ask(model(server, sleep))
    assert len(server.requests) == 1


# -- server errors and backoff ----------------------------------------------------------------------
def test_5xx_are_retried_with_exponential_backoff_and_full_jitter(server, sleep):
    server.script(fs.server_error(500), fs.server_error(502), fs.server_error(503))
    c = ask(model(server, sleep))
    assert c.text == "ok"
    assert sleep.delays == [0.5, 1.0, 2.0]  # random 0.5 x (1, 2, 4)


def test_backoff_never_grows_past_the_maximum_delay(server, sleep):
    server.script(fs.server_error(), fs.server_error(), fs.server_error())
    policy = RetryPolicy(attempts=4, base_delay_s=10, max_delay_s=15, sleep=sleep, random=lambda: 1.0)
    ask(model(server, sleep, retry=policy))
    assert sleep.delays == [10, 15, 15]


def test_retries_stop_after_the_policys_attempts(server, sleep):
    server.default = fs.server_error(503)
    policy = RetryPolicy(attempts=3, sleep=sleep, random=lambda: 0.0)
    with pytest.raises(RetriesExhaustedError, match=r"HTTP 503.*gave up after 3 attempts") as raised:
        ask(model(server, sleep, retry=policy))
    assert isinstance(raised.value, ModelError)
    assert len(server.requests) == 3
    assert len(sleep.delays) == 2


def test_max_retries_keeps_its_sdk_meaning(server, sleep):
    server.default = fs.server_error()
    m = OpenAIModel("fake-model", base_url=server.url, api_key="k", max_retries=1)
    assert m.retry.attempts == 2


def test_the_sdks_own_retries_are_off(server, sleep):
    server.script(fs.server_error())
    m = model(server, sleep)
    ask(m)
    assert all(r.headers.get("x-stainless-retry-count") == "0" for r in server.requests)
    assert asyncio.run(_client_retries(m)) == 0


async def _client_retries(m):
    return m._clients.get().max_retries


# -- broken connections ---------------------------------------------------------------------------
def test_a_connection_closed_without_a_reply_is_retried(server, sleep):
    server.script(fs.drop())
    assert ask(model(server, sleep)).text == "ok"
    assert len(server.requests) == 2


def test_a_connection_cut_mid_body_is_retried(server, sleep):
    server.script(fs.drop_mid_body())
    assert ask(model(server, sleep)).text == "ok"
    assert len(server.requests) == 2


def test_a_stream_cut_mid_reply_is_retried_from_the_start(server, sleep):
    server.script(fs.stream_then_drop("partial answer that breaks", after_pieces=2), fs.answer("whole answer"))
    pieces = []
    c = ask(model(server, sleep), on_token=pieces.append)
    assert c.text == "whole answer"
    assert "".join(pieces) == "partial answer whole answer"  # the second attempt's pieces follow the first's


def test_an_error_event_inside_a_stream_is_retried(server, sleep):
    server.script(fs.stream_error_event("server_error"))
    c = ask(model(server, sleep), on_token=lambda p: None)
    assert c.text == "ok"
    assert len(server.requests) == 2


def test_a_server_that_hangs_past_the_timeout_is_retried(server, sleep):
    server.script(fs.hang(10))
    started = time.monotonic()
    c = ask(model(server, sleep, timeout_s=0.3))
    assert c.text == "ok"
    assert 0.3 <= time.monotonic() - started < 3
    assert len(server.requests) == 2


def test_a_server_that_always_hangs_fails_with_the_timeout_named(server, sleep):
    server.default = fs.hang(10)
    policy = RetryPolicy(attempts=2, sleep=sleep)
    with pytest.raises(RetriesExhaustedError, match=r"within 0.2s \(timeout_s\)"):
        ask(model(server, sleep, timeout_s=0.2, retry=policy))


# -- replies that are wrong -------------------------------------------------------------------------
def test_malformed_json_is_a_clear_model_error_and_not_retried(server, sleep):
    server.script(fs.malformed())
    with pytest.raises(ModelError, match="not valid JSON"):
        ask(model(server, sleep))
    assert len(server.requests) == 1


def test_an_empty_choices_list_is_a_clear_model_error(server, sleep):
    server.script(fs.empty_choices())
    with pytest.raises(ModelError, match="empty completion"):
        ask(model(server, sleep))


def test_a_reply_that_is_not_json_at_all_is_a_clear_model_error(server, sleep):
    server.script(fs.status(200, "<html>a login page</html>"))
    with pytest.raises(ModelError, match="not a Chat Completions response"):
        ask(model(server, sleep))


def test_bad_credentials_are_reported_and_not_retried(server, sleep):
    server.script(fs.status(401, {"error": {"message": "Incorrect API key provided", "type": "invalid_request_error",
                                            "code": "invalid_api_key"}}))
    with pytest.raises(ModelError, match="check the API key"):
        ask(model(server, sleep))
    assert len(server.requests) == 1


def test_an_unknown_model_is_reported_with_what_to_check(server, sleep):
    server.script(fs.status(404, {"error": {"message": "The model `nope` does not exist",
                                            "type": "invalid_request_error"}}))
    with pytest.raises(ModelError, match="check the model name and the base URL"):
        ask(model(server, sleep))


# -- context-window errors --------------------------------------------------------------------------
@pytest.mark.parametrize("reply", [fs.openai_context_error(), fs.llamacpp_context_error()], ids=["openai", "llama.cpp"])
def test_context_length_errors_become_context_window_errors(server, sleep, reply):
    server.script(reply)
    with pytest.raises(ContextWindowError, match="does not fit the model's context window"):
        ask(model(server, sleep))
    assert len(server.requests) == 1  # the same prompt would fail the same way


@pytest.mark.parametrize("message", [
    "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens",  # vLLM
    "The input (9000 tokens) is longer than the model's context length (8192 tokens).",  # SGLang
    "prompt is too long: 210012 tokens > 200000 maximum",  # Anthropic
    "input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000",  # Anthropic
])
def test_the_usual_context_messages_are_recognised(message):
    assert isinstance(classify_http_error("m", 400, message), ContextWindowError)


def test_a_429_mentioning_tokens_is_a_rate_limit_not_a_window_error():
    e = classify_http_error("m", 429, "Rate limit reached: too many tokens per minute")
    assert isinstance(e, TransientModelError)


# -- concurrency and cancellation -------------------------------------------------------------------
def test_the_concurrency_limit_holds(server, sleep):
    server.default = fs.answer("ok", delay_s=0.15)
    m = model(server, sleep, max_concurrency=3)

    async def many():
        return await asyncio.gather(*(m.complete(HI) for _ in range(9)))

    replies = asyncio.run(many())
    assert [c.text for c in replies] == ["ok"] * 9
    assert server.max_concurrent == 3


def test_cancelling_a_hanging_call_returns_promptly(server, sleep):
    server.script(fs.hang(20))
    m = model(server, sleep, timeout_s=15)

    async def cancel_mid_call():
        task = asyncio.create_task(m.complete(HI))
        while not server.requests:
            await asyncio.sleep(0.01)
        started = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - started

    assert asyncio.run(cancel_mid_call()) < 0.5
    assert len(server.requests) == 1  # a cancelled call is not retried


def test_the_engines_deadline_cancels_an_in_flight_call(server, sleep):
    server.script(fs.hang(20))
    m = model(server, sleep, timeout_s=15)
    started = time.monotonic()
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(asyncio.wait_for(m.complete(HI), timeout=0.3))
    assert time.monotonic() - started < 1.5


def cut(m, seconds: float):
    """Call `m` under a deadline of `seconds`; what the cut call reported as spent."""
    from recursivelm.deadline import complete_within
    spent = []
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(complete_within(m, HI, seconds, on_cut=spent.append))
    return spent


def test_a_call_cut_at_the_deadline_is_charged_its_prompt_estimated(server, sleep):
    # The provider bills a request cancelled on the way but says so only at the end: the prompt is estimated.
    server.script(fs.hang(20))
    [spent] = cut(model(server, sleep, timeout_s=15), 0.3)
    assert spent.estimated and spent.output_tokens == 0
    assert spent.input_tokens == estimate_prompt_tokens(HI)


def test_a_stream_cut_at_the_deadline_is_charged_what_it_had_sent(server, sleep):
    server.script(fs.answer("one two three four five six seven eight nine ten", piece_delay_s=0.15))
    [spent] = cut(model(server, sleep, stream=True), 0.5)
    assert spent.estimated and spent.input_tokens == estimate_prompt_tokens(HI)
    assert spent.text and "ten" not in spent.text and spent.output_tokens == estimate_tokens(spent.text)


def test_a_call_cut_while_waiting_to_retry_is_charged_nothing(server):
    # The first attempt failed (not billed); the deadline comes during the backoff before the second.
    async def slow_sleep(seconds):
        await asyncio.sleep(10)

    server.script(fs.server_error(500), fs.answer("late"))
    policy = RetryPolicy(sleep=slow_sleep, random=lambda: 0.5, clock=lambda: FIXED_NOW)
    assert cut(model(server, None, retry=policy), 0.5) == []
    assert len(server.requests) == 1


# -- the policy's arithmetic ------------------------------------------------------------------------
def test_retry_after_reads_milliseconds_seconds_and_dates():
    assert retry_after_s({"retry-after-ms": "1500", "retry-after": "9"}) == 1.5
    assert retry_after_s({"retry-after": "2.5"}) == 2.5
    date = email.utils.formatdate(FIXED_NOW + 12, usegmt=True)
    assert retry_after_s({"retry-after": date}, clock=lambda: FIXED_NOW) == 12
    assert retry_after_s({"retry-after": "soon"}) is None
    assert retry_after_s({}) is None


def test_a_policy_needs_at_least_one_attempt():
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)
