"""The benchmark's fake OpenAI-compatible server speaks the protocol (checked through the official SDK),
and our RLM runs end-to-end against it through `openai/NAME` with OPENAI_BASE_URL / OPENAI_API_KEY."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import openai
import pytest

from recursivelm import RLM, Limits

_PATH = Path(__file__).resolve().parents[1] / "bench" / "fake_openai_server.py"
_spec = importlib.util.spec_from_file_location("fake_openai_server", _PATH)
fake = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fake_openai_server", fake)
_spec.loader.exec_module(fake)


@pytest.fixture
def server():
    with fake.FakeOpenAIServer(sub_latency=0.05) as s:
        yield s


def test_chat_completion_through_the_sdk(server):
    client = openai.OpenAI(base_url=server.url, api_key="test")
    messages = [{"role": "system", "content": "You are the root."},
                {"role": "user", "content": "Count it. [bench run=sdk turns=1 code=len]"}]
    first = client.chat.completions.create(model="fake-root", messages=messages)
    text = first.choices[0].message.content
    assert "```repl\nx = len(context)  # turn 1\nprint(x)\n```" in text
    assert first.choices[0].finish_reason == "stop"
    assert first.usage.prompt_tokens > 0 and first.usage.completion_tokens > 0
    assert first.usage.total_tokens == first.usage.prompt_tokens + first.usage.completion_tokens

    # After one assistant turn the scripted root answers, FINAL-style for anything but rlms.
    second = client.chat.completions.create(model="fake-root", messages=messages + [
        {"role": "assistant", "content": text}, {"role": "user", "content": "Block 1 output:\n3"}])
    assert "FINAL('done')" in second.choices[0].message.content
    assert second.usage.prompt_tokens > first.usage.prompt_tokens

    records = server.log("sdk")
    assert [(r["kind"], r["turn"]) for r in records] == [("root", 1), ("root", 2)]
    assert all(r["t_out"] >= r["t_in"] for r in records)
    assert client.models.list().data[0].id == "fake-root"


def test_streaming_and_sub_model_latency(server):
    client = openai.OpenAI(base_url=server.url, api_key="test")
    started = time.monotonic()
    stream = client.chat.completions.create(
        model="fake-sub", messages=[{"role": "user", "content": "[bench run=st sub] hello"}],
        stream=True, stream_options={"include_usage": True})
    parts, usage = [], None
    for chunk in stream:
        if chunk.choices:
            parts.append(chunk.choices[0].delta.content or "")
        if chunk.usage:
            usage = chunk.usage
    assert time.monotonic() - started >= 0.05  # the sub-model's latency
    assert "".join(parts).startswith("sub-answer to:")
    assert usage is not None and usage.completion_tokens > 0
    assert server.log("st")[0]["stream"] is True


def test_bad_request_is_a_400(server):
    client = openai.OpenAI(base_url=server.url, api_key="test", max_retries=0)
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="fake-root", messages=[])


def test_our_rlm_end_to_end_through_openai_name(server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server.url)
    monkeypatch.setenv("OPENAI_API_KEY", "test")
    rlm = RLM("openai/fake-root", sub_model="openai/fake-sub", limits=Limits(max_iterations=5), profile="default")
    result = rlm.run("line one\nline two\n", "What is it? [bench run=e2e turns=2 code=query answer=42]")

    assert (result.status, result.answer, result.iterations) == ("answered", "42", 3)
    records = server.log("e2e")
    roots = [r for r in records if r["kind"] == "root"]
    subs = [r for r in records if r["kind"] == "sub"]
    assert [r["turn"] for r in roots] == [1, 2, 3] and len(subs) == 2
    assert {r["model"] for r in subs} == {"fake-sub"}
    # The usage the engine recorded is the server's own count, per role.
    by_role = result.usage.by_role()
    assert by_role["root"].calls == 3 and by_role["sub"].calls == 2
    assert by_role["root"].input_tokens == sum(r["prompt_tokens"] for r in roots)
    assert by_role["sub"].output_tokens == sum(r["completion_tokens"] for r in subs)
    outputs = [e.output for e in result.trajectory if e.type == "cell_end"]
    assert any("sub-answer to:" in o for o in outputs)
