"""OpenAIModel against a real local Chat Completions server: what is sent, what is parsed, streaming, providers."""

import asyncio
import sys

import pytest

import fault_server as fs
from fault_server import FaultServer
from recursivelm.models.openai_compat import (
    DEFAULT_CONTEXT_WINDOW,
    OLLAMA_DEFAULT_CONTEXT_WINDOW,
    OpenAIModel,
    context_window_for,
)
from recursivelm.models.api import TextCollector
from recursivelm.models.resilience import RetryPolicy
from recursivelm.protocols import Completion, Model, ModelError

MESSAGES = [{"role": "system", "content": "You answer briefly."},
            {"role": "user", "content": "What is the vault code, exactly?"}]
CODE_REPLY = "Let me look.\n```python\nx = len(context)\nprint(x)\n```\nOutput: 42\n" + "and more invented text " * 30


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def model(server, **settings) -> OpenAIModel:
    return OpenAIModel("fake-model", base_url=server.url, api_key="test-key", **settings)


def ask(m, messages=MESSAGES, **kwargs) -> Completion:
    return asyncio.run(m.complete(messages, **kwargs))


def test_it_satisfies_the_model_protocol(server):
    assert isinstance(model(server), Model)


# -- usage ------------------------------------------------------------------------------------------
def test_usage_is_the_servers_own_count(server):
    server.script(fs.answer("The code is 4417.", cached_tokens=3))
    c = ask(model(server))
    served = server.served_usage[-1]
    assert (c.text, c.input_tokens, c.output_tokens, c.cached_tokens) == (
        "The code is 4417.", served["input"], served["output"], 3)
    assert not c.estimated and c.model == "openai/fake-model"


def test_a_reply_without_usage_is_estimated_and_says_so(server):
    server.script(fs.answer("no counts here", usage=False))
    c = ask(model(server))
    assert c.estimated and c.input_tokens > 0 and c.output_tokens > 0


def test_a_provider_reported_cost_is_kept(server):
    server.script(fs.answer("priced", cost=0.00042))
    assert ask(model(server)).cost == pytest.approx(0.00042)


def test_reasoning_text_is_not_part_of_the_answer(server):
    server.script(fs.answer("the answer", thinking="first I think about it"))
    assert ask(model(server)).text == "the answer"
    server.script(fs.answer("the answer", thinking="first I think about it"))
    assert ask(model(server), on_token=lambda p: None).text == "the answer"


# -- streaming --------------------------------------------------------------------------------------
def test_streaming_returns_the_same_completion_and_calls_on_token(server):
    text = "The vault code is 4417, as the third line says."
    server.script(fs.answer(text, cached_tokens=2), fs.answer(text, cached_tokens=2))
    m = model(server)
    plain = ask(m)
    pieces: list[str] = []
    streamed = ask(m, on_token=pieces.append)
    assert streamed == plain
    assert len(pieces) > 5 and "".join(pieces) == text
    assert server.requests[1].body["stream"] is True
    assert server.requests[1].body["stream_options"] == {"include_usage": True}
    assert "stream" not in server.requests[0].body


def test_a_stream_without_usage_falls_back_to_an_estimate(server):
    server.script(fs.answer("counted by us", usage=False))
    c = ask(model(server), on_token=lambda p: None)
    assert c.text == "counted by us" and c.estimated


def test_stop_after_first_code_block_closes_the_stream_early(server):
    server.script(fs.answer(CODE_REPLY, piece_delay_s=0.005))
    pieces: list[str] = []
    c = ask(model(server), on_token=pieces.append, stop_after_first_code_block=True)
    assert c.text == "Let me look.\n```python\nx = len(context)\nprint(x)\n```\n"
    assert c.estimated  # the usage chunk never came: counts are estimates
    assert "".join(pieces).count("invented") < 3
    server.wait_for_requests(1)
    for _ in range(200):  # the server notices the closed connection on its next write
        if server.abandoned_streams:
            break
        asyncio.run(asyncio.sleep(0.01))
    assert server.abandoned_streams


def test_without_streaming_the_first_block_hint_leaves_the_reply_whole(server):
    server.script(fs.answer(CODE_REPLY))
    c = ask(model(server), stop_after_first_code_block=True)
    assert c.text == CODE_REPLY and not c.estimated


def test_stream_setting_streams_without_a_callback(server):
    server.script(fs.answer(CODE_REPLY))
    c = ask(model(server, stream=True), stop_after_first_code_block=True)
    assert c.text.endswith("```\n") and server.requests[0].body["stream"] is True


def test_the_collector_waits_for_the_closing_fence_line_to_end():
    collector = TextCollector(None, stop_after_first_code_block=True)
    for piece in ["```py", "thon\nx = 1\n", "```", "python"]:  # "```python" inside a block is not a closing fence
        collector.add(piece)
    assert not collector.cut
    collector.add("\nprint(x)\n```\n")
    assert collector.cut and collector.final_text().endswith("print(x)\n```\n")


# -- what is sent -----------------------------------------------------------------------------------
def test_stop_sequences_max_tokens_and_temperature_are_sent(server):
    m = model(server, temperature=0.2)
    ask(m, max_tokens=321, stop=["\n```output", "A", "B", "C", "D", "E"])
    body = server.requests[0].body
    assert body["stop"] == ["\n```output", "A", "B", "C"]  # the API takes at most four
    assert body["max_tokens"] == 321 and body["temperature"] == 0.2
    assert body["messages"] == MESSAGES and body["model"] == "fake-model"
    assert server.requests[0].headers["authorization"] == "Bearer test-key"


def test_extra_body_and_headers_are_sent(server):
    ask(model(server, extra_body={"top_k": 20, "seed": 7}, default_headers={"X-Title": "recursivelm"}))
    assert server.requests[0].body["top_k"] == 20 and server.requests[0].body["seed"] == 7
    assert server.requests[0].headers["x-title"] == "recursivelm"


def test_reasoning_models_get_max_completion_tokens(server):
    m = OpenAIModel("gpt-5-mini", base_url=server.url, api_key="k")
    ask(m, max_tokens=100)
    assert server.requests[0].body["max_completion_tokens"] == 100 and "max_tokens" not in server.requests[0].body


def test_a_refused_parameter_is_dropped_once_and_remembered(server):
    server.script(fs.unsupported_parameter("stop"))
    m = model(server)
    assert ask(m, stop=["```output"]).text == "ok"
    assert ask(m, stop=["```output"]).text == "ok"
    sent = [r.body.get("stop") for r in server.requests]
    assert sent == [["```output"], None, None]


def test_max_tokens_is_renamed_when_the_server_asks(server):
    server.script(fs.unsupported_parameter("max_tokens"))
    ask(model(server), max_tokens=50)
    assert server.requests[1].body["max_completion_tokens"] == 50


def test_an_answer_lost_to_reasoning_says_to_raise_the_limit(server):
    server.script(fs.answer("", finish_reason="length"))
    with pytest.raises(ModelError, match="raise the reply limit"):
        ask(model(server), max_tokens=10)


# -- configuration ----------------------------------------------------------------------------------
def test_openai_base_url_and_api_key_are_honoured(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    ask(OpenAIModel("fake-model"))
    assert server.requests[0].headers["authorization"] == "Bearer from-env"


def test_a_local_openai_base_url_needs_no_key(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert ask(OpenAIModel("fake-model")).text == "ok"


def test_no_key_for_openai_says_what_to_set(monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ModelError, match="OPENAI_API_KEY"):
        OpenAIModel("gpt-5-mini")


def test_providers_have_their_own_defaults(server, monkeypatch):
    monkeypatch.delenv("OLLAMA_CONTEXT_LENGTH", raising=False)
    monkeypatch.delenv("OLLAMA_BASE_URL", raising=False)
    ollama = OpenAIModel.for_provider("ollama", "qwen2.5-coder:7b")
    assert (ollama.name, ollama.base_url) == ("ollama/qwen2.5-coder:7b", "http://localhost:11434/v1")
    assert ollama.context_window == OLLAMA_DEFAULT_CONTEXT_WINDOW and ollama.stream
    monkeypatch.setenv("OLLAMA_CONTEXT_LENGTH", "32768")
    monkeypatch.setenv("OLLAMA_BASE_URL", server.url)
    ollama = OpenAIModel.for_provider("ollama", "qwen2.5-coder:7b")
    assert ollama.context_window == 32768
    assert ask(ollama).text == "ok" and server.requests[0].body["model"] == "qwen2.5-coder:7b"


def test_a_hosted_provider_never_borrows_the_openai_key(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "an-openai-key")
    monkeypatch.delenv("OPENROUTER_API_KEY", raising=False)
    with pytest.raises(ModelError, match="OPENROUTER_API_KEY"):
        OpenAIModel.for_provider("openrouter", "openai/gpt-5-mini")


def test_openrouter_asks_for_the_cost(server, monkeypatch):
    monkeypatch.setenv("OPENROUTER_API_KEY", "or-key")
    monkeypatch.setenv("OPENROUTER_BASE_URL", server.url)
    server.script(fs.answer("priced", cost=0.0012))
    c = ask(OpenAIModel.for_provider("openrouter", "anthropic/claude-sonnet-4.5"))
    assert server.requests[0].body["usage"] == {"include": True} and c.cost == pytest.approx(0.0012)


def test_unknown_providers_are_named():
    with pytest.raises(ValueError, match="known are openai, ollama"):
        OpenAIModel.for_provider("nope", "m")


def test_known_windows_by_name():
    assert context_window_for("gpt-4o-mini") == 128_000
    assert context_window_for("openai/gpt-4.1-mini") == 1_047_576
    assert context_window_for("gpt-5-nano") == 400_000
    assert context_window_for("meta-llama/llama-3.1-70b-instruct") == 131_072
    assert context_window_for("something-new") == DEFAULT_CONTEXT_WINDOW
    assert OpenAIModel("gpt-4", api_key="k").context_window == 8_192
    assert OpenAIModel("gpt-4", api_key="k", context_window=1000).context_window == 1000


def test_the_served_window_can_be_asked_for(server):
    m = model(server)
    assert asyncio.run(m.probe_context_window()) == 32768 and m.context_window == 32768
    other = OpenAIModel("unlisted", base_url=server.url, api_key="k", context_window=5000)
    assert asyncio.run(other.probe_context_window()) is None and other.context_window == 5000


def test_one_instance_serves_several_event_loops(server):
    m = model(server)
    assert ask(m).text == "ok"
    assert ask(m).text == "ok"  # a client bound to the first (closed) loop would fail here

    async def then_close():
        await m.complete(MESSAGES)
        await m.aclose()

    asyncio.run(then_close())
    assert len(server.requests) == 3


# -- the optional SDKs: Anthropic and LiteLLM ------------------------------------------------------
def test_anthropic_missing_says_how_to_install(monkeypatch):
    from recursivelm.models import anthropic_backend

    monkeypatch.setitem(sys.modules, "anthropic", None)  # as if not installed
    with pytest.raises(ModelError, match=r"pip install 'recursivelm\[anthropic\]'"):
        anthropic_backend.AnthropicModel("claude-test")


def test_litellm_missing_says_how_to_install(monkeypatch):
    from recursivelm.models import litellm_backend

    monkeypatch.setitem(sys.modules, "litellm", None)  # as if not installed
    with pytest.raises(ModelError, match=r"pip install 'recursivelm\[litellm\]'"):
        litellm_backend.LiteLLMModel("openai/gpt-4o-mini")


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_litellm_against_the_local_server(server):
    pytest.importorskip("litellm")
    from recursivelm.models.litellm_backend import LiteLLMModel

    sleep_calls = []

    async def sleep(seconds):
        sleep_calls.append(seconds)

    m = LiteLLMModel("openai/fake-model", api_base=server.url, api_key="k", retry=RetryPolicy(sleep=sleep))
    server.script(fs.answer("via litellm"), fs.rate_limited(retry_after="3"), fs.answer("again"))
    c = ask(m, max_tokens=20)
    assert (c.text, c.input_tokens, c.output_tokens) == ("via litellm", server.served_usage[0]["input"],
                                                         server.served_usage[0]["output"])
    assert ask(m, on_token=lambda p: None).text == "again" and sleep_calls == [3.0]
    server.script(fs.openai_context_error())
    from recursivelm.protocols import ContextWindowError

    with pytest.raises(ContextWindowError):
        ask(m)


# -- through the engine -----------------------------------------------------------------------------
def test_root_tokens_stream_to_the_progress_callback_and_the_result_is_unchanged(server):
    from recursivelm import RLM

    replies = ["```python\nprint(len(context))\n```", "```python\nFINAL('done')\n```"]
    results, pieces = [], []
    for on_token in (None, pieces.append):
        server.script(*(fs.answer(r) for r in replies))
        rlm = RLM(model(server), on_token=on_token, sandbox="inprocess")
        results.append(rlm.run("some text", "q"))
    plain, streamed = results
    assert (plain.answer, plain.status) == (streamed.answer, streamed.status) == ("done", "answered")
    assert plain.usage.total() == streamed.usage.total()
    assert "".join(pieces) == "".join(replies)


def test_usage_adds_up_across_root_sub_calls_and_children_against_the_servers_counts(server):
    from recursivelm import RLM, Limits

    server.script(
        fs.answer("```python\na = llm_query('first')\nb = rlm_query('child task')\nFINAL(a + ' / ' + b)\n```"),
        fs.answer("sub answer"),                                          # llm_query('first'), depth 1
        fs.answer("```python\nFINAL(llm_query('inner'))\n```"),         # the child's root turn, depth 1
        fs.answer("inner answer"),                                        # the child's llm_query, depth 2
    )
    m = model(server)
    r = RLM(m, limits=Limits(max_depth=1), sandbox="inprocess").run("the document", "q")
    assert r.answer == "sub answer / inner answer"
    served = server.served_usage
    total = r.usage.total()
    assert total.calls == len(served) == 4
    assert total.input_tokens == sum(u["input"] for u in served)
    assert total.output_tokens == sum(u["output"] for u in served)
    by_depth = r.usage.by_depth()
    assert (by_depth[0].calls, by_depth[1].calls, by_depth[2].calls) == (1, 2, 1)


# -- code-only replies (small profiles) -------------------------------------------------------------
def test_code_only_sends_a_grammar_to_llama_cpp_and_nothing_to_servers_without_one(server):
    from recursivelm.models.constraints import CODE_BLOCK_GRAMMAR

    server.script(fs.answer("```python\nprint(1)\n```"), fs.answer("```python\nprint(1)\n```"))
    ask(OpenAIModel.for_provider("llamacpp", "qwen", base_url=server.url), code_only=True)
    ask(model(server), code_only=True)
    assert server.requests[0].body["grammar"] == CODE_BLOCK_GRAMMAR
    assert "grammar" not in server.requests[1].body
