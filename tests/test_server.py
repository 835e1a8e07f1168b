"""`rlm serve`: the OpenAI-compatible API, driven by the official `openai` SDK against scripted models.

Each test starts its own server on 127.0.0.1 (a free port) in a background thread. The scripted root
model answers with code that reads `context` in the sandbox, so an answer can only be right if the
request's own document reached its own run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import openai
import pytest
from openai import OpenAI

from recursivelm import Limits, ScriptedModel
from recursivelm.protocols import Message
from recursivelm.sandbox.inprocess import InProcessSandbox
from recursivelm.sandbox.isolated import IsolatedSandbox
from recursivelm.server import add_serve_parser, config_from_args
from recursivelm.server.app import build_app
from recursivelm.server.background import BackgroundServer
from recursivelm.server.config import ServerConfig
from recursivelm.server.conversation import LONG_MESSAGE_QUESTION, QUESTION_MAX_CHARS, split_conversation
from recursivelm.server.errors import APIError
from recursivelm.server.validation import ChatMessage

pytestmark = pytest.mark.timeout(120)


# ---------------------------------------------------------------------------------------------
# Scripted models and helpers


def doc_reader(messages: list[Message]) -> str:
    """Turn 1: look at the context and make one sub-call. Turn 2: answer with the document's code
    word (read by code in the sandbox) and the question's tag (read from the prompt by the model)."""
    if not any(m["role"] == "assistant" for m in messages):
        return "```python\nprint(len(context))\nprint(llm_query('say ok'))\n```"
    tag = re.search(r"ask-\d+", messages[1]["content"])
    return ("```python\nimport re\nword = re.search(r'code word is (\\w+)', context).group(1)\n"
            f"FINAL(word + '/{tag.group(0) if tag else 'no-tag'}')\n```")


def never_answers(messages: list[Message]) -> str:
    # A new block each turn: the engine does not run a block repeated word for word, and ends a run
    # that keeps repeating one (limit repeated_code), so a run meant to go on must vary its code.
    turn = sum(m["role"] == "assistant" for m in messages)
    return f"```python\nprint('still looking', {turn})\n```"


def tracked_sandboxes(kind: type, made: list):
    """A sandbox factory whose sandboxes remember whether they were closed."""

    class Tracked(kind):
        closed = False

        def close(self) -> None:
            self.closed = True
            super().close()

    def factory():
        made.append(Tracked())
        return made[-1]

    return factory


def make_config(respond=doc_reader, latency_s: float = 0.0, sandbox="inprocess", **settings) -> ServerConfig:
    """Scripted models; the in-process sandbox unless a test asks for another (the scripted code is ours)."""
    root = ScriptedModel(respond=respond, latency_s=latency_s)
    sub = ScriptedModel(respond=lambda m: "ok", name="scripted-sub")
    return ServerConfig.from_specs(root, sub_model=sub, sandbox=sandbox, **settings)


@contextmanager
def serving(config: ServerConfig):
    app = build_app(config)
    with BackgroundServer(app) as base_url:
        yield base_url, app.state.registry


def client(base_url: str, api_key: str = "unused", **kwargs) -> OpenAI:
    return OpenAI(base_url=base_url, api_key=api_key, max_retries=0, **kwargs)


def ask(n: int, word: str) -> list[dict]:
    document = f"<document>\nThe code word is {word}.\n</document>"
    return [{"role": "user", "content": f"{document}\nWhat is the code word? ask-{n}"}]


def wait_for(condition, timeout_s: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def get_run(base_url: str, run_id: str, **kwargs) -> dict:
    return httpx.get(f"{base_url}/rlm/runs/{run_id}", **kwargs).json()


# ---------------------------------------------------------------------------------------------
# Answers, usage, run records


def test_non_streaming_answer_usage_and_run_record():
    with serving(make_config()) as (url, _):
        response = client(url).chat.completions.create(model="anything", messages=ask(1, "ZEBRA"))
        assert response.object == "chat.completion"
        assert response.model == "rlm-scripted"
        choice = response.choices[0]
        assert choice.message.role == "assistant"
        assert choice.message.content == "ZEBRA/ask-1"
        assert choice.finish_reason == "stop"
        assert "iteration 1/12" in choice.message.model_extra["reasoning_content"]

        run = get_run(url, response.id)
        assert run["id"] == response.id and run["object"] == "rlm.run"
        assert run["status"] == "answered" and run["answer"] == "ZEBRA/ask-1" and run["limit"] is None
        assert run["question"] == "What is the code word? ask-1"
        total = run["usage"]["total"]
        assert total["calls"] == 3  # two root turns and one sub-call, all counted
        assert response.usage.prompt_tokens == total["input_tokens"] > 0
        assert response.usage.completion_tokens == total["output_tokens"] > 0
        assert response.usage.total_tokens == total["input_tokens"] + total["output_tokens"]
        types = [e["type"] for e in run["trajectory"]]
        assert types[0] == "run_start" and types[-1] == "run_end" and "sub_call" in types
        assert response.model_extra["rlm"]["status"] == "answered"
        assert response.model_extra["rlm"]["run"] == f"/v1/rlm/runs/{response.id}"


def test_streaming_progress_is_reasoning_and_the_answer_is_the_only_content():
    with serving(make_config()) as (url, _):
        stream = client(url).chat.completions.create(model="m", messages=ask(2, "OTTER"), stream=True,
                                                     stream_options={"include_usage": True})
        chunks = list(stream)
    assert {c.object for c in chunks} == {"chat.completion.chunk"}
    assert len({c.id for c in chunks}) == 1
    assert chunks[0].choices[0].delta.role == "assistant"
    content = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert content == "OTTER/ask-2"  # a client concatenating content gets the answer and nothing else
    reasoning = "".join((c.choices[0].delta.model_extra or {}).get("reasoning_content", "")
                        for c in chunks if c.choices)
    for expected in ("reading a context", "iteration 1/12", "sub-call", "iteration 2/12", "answer ready"):
        assert expected in reasoning
    finish = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finish) == 1 and finish[0].choices[0].finish_reason == "stop"
    last = chunks[-1]
    assert last.choices == [] and last.usage is not None
    assert all(c.usage is None for c in chunks[:-1])
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens > 0


def test_streaming_usage_matches_the_run_and_the_stream_ends_with_done():
    with serving(make_config()) as (url, _):
        body = {"model": "m", "messages": ask(3, "LYNX"), "stream": True, "stream_options": {"include_usage": True}}
        with httpx.stream("POST", f"{url}/chat/completions", json=body) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/event-stream")
            events = [line for line in response.iter_lines() if line]
        assert events[-1] == "data: [DONE]"
        usage = json.loads(events[-2].removeprefix("data: "))
        run = get_run(url, usage["id"])
        assert usage["usage"]["prompt_tokens"] == run["usage"]["total"]["input_tokens"]
        assert usage["usage"]["completion_tokens"] == run["usage"]["total"]["output_tokens"]


def surrogate_writer(messages: list[Message]) -> str:
    """Cells that make text UTF-8 cannot encode: a lone surrogate printed, and one in the answer."""
    if not any(m["role"] == "assistant" for m in messages):
        return '```python\nprint("cell \\ud800 output")\n```'
    return '```python\nFINAL("answer \\udfff end")\n```'


def test_lone_surrogates_neither_break_a_stream_nor_the_run_list():
    # A lone surrogate used to stop the stream before [DONE], and one in a question made GET /v1/rlm/runs
    # fail for every client. JSON escapes it (\ud800), so it travels and reads back as the same str.
    with serving(make_config(respond=surrogate_writer)) as (url, _):
        question = "<document>The code word is ASH.</document> Which word? \ud800"
        body = json.dumps({"model": "m", "messages": [{"role": "user", "content": question}], "stream": True,
                           "stream_options": {"include_usage": True}})  # ensure_ascii: "\ud800" as an escape
        with httpx.stream("POST", f"{url}/chat/completions", content=body,
                          headers={"content-type": "application/json"}) as response:
            events = [line for line in response.iter_lines() if line]
        assert events[-1] == "data: [DONE]"
        chunks = [json.loads(line.removeprefix("data: ")) for line in events[:-1]]
        assert "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"]) \
            == "answer \udfff end"
        listed = httpx.get(f"{url}/rlm/runs")
        assert listed.status_code == 200 and len(listed.json()["data"]) == 1
        run = get_run(url, chunks[-1]["id"])
        assert run["status"] == "answered" and run["answer"] == "answer \udfff end"
        cell = next(e for e in run["trajectory"] if e["type"] == "cell_end")
        assert "cell \ud800 output" in cell["output"]
        plain = httpx.post(f"{url}/chat/completions", content=body.replace('"stream": true', '"stream": false'),
                           headers={"content-type": "application/json"})
        assert plain.status_code == 200 and plain.json()["choices"][0]["message"]["content"] == "answer \udfff end"


def test_streaming_without_include_usage_sends_no_usage():
    with serving(make_config()) as (url, _):
        chunks = list(client(url).chat.completions.create(model="m", messages=ask(4, "MOLE"), stream=True))
    assert all(c.choices for c in chunks)
    assert all(c.usage is None for c in chunks)
    assert chunks[-1].choices[0].finish_reason == "stop"


def test_a_limit_reads_as_finish_reason_length_with_the_limit_named():
    with serving(make_config(respond=never_answers, limits=Limits(max_iterations=4))) as (url, _):
        response = client(url).chat.completions.create(model="m", messages=ask(5, "NEWT"),
                                                       extra_body={"rlm_limits": {"max_iterations": 2}})
        assert response.choices[0].finish_reason == "length"
        assert response.model_extra["rlm"]["limit"] == "max_iterations"
        run = get_run(url, response.id)
        assert run["status"] == "limit" and run["iterations"] == 2  # the request's lower limit applied


def test_a_failed_run_is_a_500_and_an_error_event_mid_stream():
    failing = ServerConfig.from_specs(ScriptedModel(replies=[]))  # no reply left: every call is a ModelError
    with serving(failing) as (url, _):
        with pytest.raises(openai.InternalServerError) as err:
            client(url).chat.completions.create(model="m", messages=ask(6, "KIWI"))
        assert err.value.status_code == 500
        assert err.value.body["code"] == "rlm_run_failed" and "no reply left" in err.value.body["message"]
        with pytest.raises(openai.APIError, match="no reply left"):
            list(client(url).chat.completions.create(model="m", messages=ask(7, "KIWI"), stream=True))


def test_documents_can_come_as_rlm_context():
    with serving(make_config()) as (url, _):
        response = client(url).chat.completions.create(
            model="m", messages=[{"role": "user", "content": "What is the code word? ask-8"}],
            extra_body={"rlm_context": "Noise. The code word is HERON. More noise."})
        assert response.choices[0].message.content == "HERON/ask-8"


def test_models_endpoint_lists_the_served_rlm():
    with serving(make_config(served_model_name="my-rlm")) as (url, _):
        models = client(url).models.list()
        assert [m.id for m in models.data] == ["my-rlm"]
        assert models.data[0].owned_by == "recursivelm"
        assert client(url).models.retrieve("my-rlm").id == "my-rlm"
        # A chat completion naming any model is answered (test_server_cli), so retrieving that name is too.
        assert client(url).models.retrieve("gpt-4o").id == "gpt-4o"
    with serving(make_config()) as (url, _):
        assert [m.id for m in client(url).models.list().data] == ["rlm-scripted"]


# ---------------------------------------------------------------------------------------------
# Authentication


def test_api_key_is_required_when_set():
    with serving(make_config(api_key="s3cret-key")) as (url, _):
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic s3cret-key"}):
            for method, path in (("GET", "/models"), ("POST", "/chat/completions"), ("GET", "/rlm/runs/x")):
                response = httpx.request(method, url + path, headers=headers, json={})
                assert response.status_code == 401, (headers, path)
                error = response.json()["error"]
                assert error["type"] == "invalid_request_error" and error["code"] == "invalid_api_key"
                assert set(error) == {"message", "type", "param", "code"}
                assert response.headers["www-authenticate"] == "Bearer"
        with pytest.raises(openai.AuthenticationError):
            client(url, api_key="wrong").chat.completions.create(model="m", messages=ask(9, "CRANE"))
        good = client(url, api_key="s3cret-key")
        answer = good.chat.completions.create(model="m", messages=ask(9, "CRANE")).choices[0].message.content
        assert answer == "CRANE/ask-9"
        assert good.models.list().data


# ---------------------------------------------------------------------------------------------
# Bad requests: status code and OpenAI's error object

GOOD = {"model": "m",
        "messages": [{"role": "user", "content": "<document>The code word is ASH.</document> Which? ask-1"}]}

BAD_REQUESTS = [
    # (name, body (bytes or JSON-able), status, param, code)
    ("malformed JSON", b"{not json", 400, None, "invalid_json"),
    ("not an object", b"[1, 2]", 400, None, "invalid_type"),
    ("messages missing", {"model": "m"}, 400, "messages", "missing_required_parameter"),
    ("messages empty", {"model": "m", "messages": []}, 400, "messages", "empty_array"),
    ("messages not a list", {"model": "m", "messages": "hi"}, 400, "messages", "invalid_type"),
    ("message not an object", {"messages": ["hi"]}, 400, "messages[0]", "invalid_type"),
    ("unknown role", {"messages": [{"role": "robot", "content": "hi"}]}, 400, "messages[0].role", "invalid_value"),
    ("content wrong type", {"messages": [{"role": "user", "content": 42}]}, 400, "messages[0].content", "invalid_type"),
    ("content missing", {"messages": [{"role": "user"}]}, 400, "messages[0].content", "missing_required_parameter"),
    ("stream not a boolean", {**GOOD, "stream": "yes"}, 400, "stream", "invalid_type"),
    ("include_usage not a boolean", {**GOOD, "stream_options": {"include_usage": 1}}, 400,
     "stream_options.include_usage", "invalid_type"),
    ("model not a string", {**GOOD, "model": 7}, 400, "model", "invalid_type"),
    ("unknown limit", {**GOOD, "rlm_limits": {"max_fun": 1}}, 400, "rlm_limits.max_fun", "invalid_value"),
    ("limit wrong type", {**GOOD, "rlm_limits": {"max_iterations": "3"}}, 400, "rlm_limits.max_iterations",
     "invalid_value"),
    ("limit not an object", {**GOOD, "rlm_limits": [1]}, 400, "rlm_limits", "invalid_value"),
    ("limit invalid", {**GOOD, "rlm_limits": {"max_iterations": 0}}, 400, "rlm_limits.max_iterations",
     "invalid_value"),
    # JSON NaN compares false with the server's ceiling: it must not pass as "lower" and lift it.
    ("limit NaN", {**GOOD, "rlm_limits": {"deadline_s": float("nan")}}, 400, "rlm_limits.deadline_s", "invalid_value"),
    ("limit infinite", {**GOOD, "rlm_limits": {"max_cost": float("inf")}}, 400, "rlm_limits.max_cost",
     "invalid_value"),
    ("rlm_context wrong type", {**GOOD, "rlm_context": 5}, 400, "rlm_context", "invalid_type"),
    ("limit above the server's", {**GOOD, "rlm_limits": {"max_iterations": 99}}, 422, "rlm_limits.max_iterations",
     "limit_above_server"),
    ("limit lifted", {**GOOD, "rlm_limits": {"max_tokens": None}}, 422, "rlm_limits.max_tokens",
     "limit_above_server"),
    ("limit nulled", {**GOOD, "rlm_limits": {"max_sub_calls": None}}, 400, "rlm_limits.max_sub_calls",
     "invalid_value"),
    ("no user message", {"messages": [{"role": "system", "content": "be brief"}]}, 422, "messages", "no_question"),
    ("only a document", {"messages": [{"role": "user", "content": "<document>x</document>"}]}, 422,
     "messages[0].content", "no_question"),
    ("unclosed document", {"messages": [{"role": "user", "content": "<document>x... what?"}]}, 422,
     "messages[0].content", "unclosed_document"),
    ("empty document", {"messages": [{"role": "user", "content": "<document> </document> what?"}]}, 422,
     "messages", "bad_context"),
    ("image part", {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]},
     422, "messages[0].content[0]", "unsupported"),
    ("n above 1", {**GOOD, "n": 2}, 422, "n", "unsupported"),
    ("both context kinds", {**GOOD, "rlm_context": "doc"}, 422, "rlm_context", "ambiguous_context"),
]


def test_bad_requests_get_the_right_status_and_an_openai_error_object():
    config = make_config(limits=Limits(max_iterations=5, max_tokens=100_000, deadline_s=600),
                         max_body_bytes=64 * 1024)
    with serving(config) as (url, registry):
        for name, body, status, param, code in BAD_REQUESTS:
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            response = httpx.post(f"{url}/chat/completions", content=content,
                                  headers={"content-type": "application/json"})
            assert response.status_code == status, (name, response.text)
            error = response.json()["error"]
            assert set(error) == {"message", "type", "param", "code"}, name
            assert error["type"] == "invalid_request_error", name
            assert (error["param"], error["code"]) == (param, code), (name, error)
            assert error["message"], name
        assert registry.all() == []  # none of them started a run

        big = {"messages": [{"role": "user", "content": "x" * 100_000}]}
        response = httpx.post(f"{url}/chat/completions", json=big)
        assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"
        chunked = (b"x" * 8192 for _ in range(20))  # no Content-Length: counted as it arrives
        response = httpx.post(f"{url}/chat/completions", content=chunked)
        assert response.status_code == 413

        response = httpx.get(f"{url}/rlm/runs/chatcmpl-nope")
        assert response.status_code == 404 and response.json()["error"]["code"] == "run_not_found"
        response = httpx.get(f"{url}/nowhere")
        assert response.status_code == 404 and response.json()["error"]["code"] == "unknown_url"
        response = httpx.get(f"{url}/chat/completions")
        assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"

        with pytest.raises(openai.BadRequestError) as err:  # the SDK raises the matching class
            client(url).chat.completions.create(model="m", messages=[])
        assert err.value.body["param"] == "messages"
        with pytest.raises(openai.UnprocessableEntityError):
            client(url).chat.completions.create(model="m", messages=[{"role": "system", "content": "hi"}])


# ---------------------------------------------------------------------------------------------
# Cancellation, queueing, isolation


def test_a_streaming_client_that_disconnects_cancels_its_run_and_frees_the_sandbox():
    sandboxes: list = []
    config = make_config(respond=never_answers, latency_s=0.05, limits=Limits(max_iterations=10_000),
                         sandbox=tracked_sandboxes(IsolatedSandbox, sandboxes))
    with serving(config) as (url, registry):
        body = {"model": "m", "messages": ask(1, "WREN"), "stream": True}
        with httpx.stream("POST", f"{url}/chat/completions", json=body) as response:
            for line in response.iter_lines():
                if "iteration 3/" in line:
                    run_id = json.loads(line.removeprefix("data: "))["id"]
                    break
        # The connection is closed: the run must end as cancelled, its sandbox closed, no more model calls.
        wait_for(lambda: get_run(url, run_id)["status"] == "cancelled", what="the run to be cancelled")
        assert len(sandboxes) == 1 and sandboxes[0].closed
        worker = sandboxes[0]._worker.proc  # the isolated sandbox's worker process: it must be gone
        assert worker.poll() is not None
        root = config.model
        calls = len(root.calls)
        time.sleep(0.3)
        assert len(root.calls) == calls
        assert registry.running == 0 and registry.queued == 0


def test_a_non_streaming_client_that_disconnects_cancels_its_run():
    sandboxes: list = []
    config = make_config(respond=never_answers, latency_s=0.05, limits=Limits(max_iterations=10_000),
                         sandbox=tracked_sandboxes(InProcessSandbox, sandboxes))
    with serving(config) as (url, registry):
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(f"{url}/chat/completions", json={"messages": ask(1, "WREN")}, timeout=0.5)
        run_id = registry.all()[0].id
        wait_for(lambda: get_run(url, run_id)["status"] == "cancelled", what="the run to be cancelled")
        run = get_run(url, run_id)
        assert run["iterations"] >= 1 and run["trajectory"][0]["type"] == "run_start"
        assert sandboxes[0].closed and registry.running == 0


def test_the_concurrency_limit_queues_the_rest():
    config = make_config(latency_s=0.15, max_concurrent_runs=2)
    seen = {"running": 0, "queued": 0}
    with serving(config) as (url, registry):
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                state = httpx.get(f"{url}/rlm/runs").json()
                seen["running"] = max(seen["running"], state["running"])
                seen["queued"] = max(seen["queued"], state["queued"])
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        api = client(url)
        with ThreadPoolExecutor(5) as pool:
            responses = list(pool.map(
                lambda n: api.chat.completions.create(model="m", messages=ask(n, f"WORD{n}")), range(5)))
        answers = [r.choices[0].message.content for r in responses]
        stop.set()
        watcher.join()
    assert answers == [f"WORD{n}/ask-{n}" for n in range(5)]
    assert registry.peak_running == 2
    assert seen["running"] <= 2 and seen["queued"] >= 1


def test_a_queued_stream_says_so_and_a_full_queue_is_429():
    config = make_config(respond=never_answers, latency_s=0.05, limits=Limits(max_iterations=10_000),
                         max_concurrent_runs=1, max_queued_runs=1)
    with serving(config) as (url, registry):
        # The first run holds the only slot until its client goes away.
        with httpx.stream("POST", f"{url}/chat/completions", json={"messages": ask(1, "A"), "stream": True}) as first:
            first_lines = first.iter_lines()  # kept: dropping a line iterator closes httpx's connection
            next(line for line in first_lines if "iteration 1/" in line)
            with httpx.stream("POST", f"{url}/chat/completions",
                              json={"messages": ask(2, "B"), "stream": True}) as second:
                second_lines = second.iter_lines()
                queued = next(line for line in second_lines if "reasoning_content" in line)
                progress = json.loads(queued.removeprefix("data: "))["choices"][0]["delta"]["reasoning_content"]
                assert progress == "queued: waiting for a free run slot (0 ahead)\n"
                full = httpx.post(f"{url}/chat/completions", json={"messages": ask(3, "C")})
                assert full.status_code == 429
                assert full.json()["error"]["code"] == "too_many_queued_runs"
                assert full.headers["retry-after"]
        wait_for(lambda: registry.running == 0 and registry.queued == 0, what="both runs to end")
        statuses = sorted(r.status for r in registry.all())
        assert statuses == ["cancelled", "cancelled"]  # the queued one too, without ever starting


def test_sixteen_concurrent_requests_each_get_their_own_answer():
    words = [f"W{n:02d}{'XYZQ'[n % 4]}" for n in range(16)]
    config = make_config(latency_s=0.05, max_concurrent_runs=8, sandbox="isolated")  # the server's default
    with serving(config) as (url, registry):
        api = client(url)

        def one(n: int):
            if n % 2:  # half of them stream, half do not: both paths at once
                chunks = list(api.chat.completions.create(model="m", messages=ask(n, words[n]), stream=True))
                return chunks[0].id, "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            response = api.chat.completions.create(model="m", messages=ask(n, words[n]))
            return response.id, response.choices[0].message.content

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(one, range(16)))
        for n, (run_id, answer) in enumerate(results):
            assert answer == f"{words[n]}/ask-{n}"
            run = get_run(url, run_id)
            assert run["question"].endswith(f"ask-{n}") and run["answer"] == answer
        assert len({run_id for run_id, _ in results}) == 16
        assert registry.peak_running > 1  # they really overlapped


# ---------------------------------------------------------------------------------------------
# Conversation -> (context, question)


def msgs(*pairs) -> list[ChatMessage]:
    return [ChatMessage(role, text) for role, text in pairs]


def test_a_document_section_is_the_context_and_the_rest_of_the_last_message_the_question():
    last = "Read this:\n<document>\nline 1\nline 2\n</document>\nHow many lines?"
    c = split_conversation(msgs(("system", "Be brief."), ("user", last)))
    assert (c.context, c.question, c.source) == ("line 1\nline 2", "Read this:\n\nHow many lines?", "documents")


def test_several_documents_become_a_list_or_a_dict_by_name():
    two = "<document>a</document><document>b</document> q?"
    assert split_conversation(msgs(("user", two))).context == ["a", "b"]
    named = '<document name="x.txt">a</document> <DOCUMENT name=\'y.txt\'>b</DOCUMENT> q?'
    assert split_conversation(msgs(("user", named))).context == {"x.txt": "a", "y.txt": "b"}
    earlier = msgs(("user", "<document>first</document>"), ("assistant", "ok"),
                   ("user", "<document>second</document> q?"))
    assert split_conversation(earlier).context == ["first", "second"]


def test_without_documents_the_earlier_conversation_is_the_context():
    c = split_conversation(msgs(("system", "S"), ("user", "U1"), ("assistant", "A1"), ("user", "Q?")))
    assert c.question == "Q?" and c.source == "transcript"
    assert c.context == "[system]\nS\n\n[user]\nU1\n\n[assistant]\nA1"


def test_a_single_message_is_both_context_and_question_unless_it_is_long():
    short = split_conversation(msgs(("user", "What is 2+2?")))
    assert (short.context, short.question, short.source) == ("What is 2+2?", "What is 2+2?", "message")
    text = "log line\n" * (QUESTION_MAX_CHARS // 5) + "Which line repeats?"
    long = split_conversation(msgs(("user", text)))
    assert long.context == text and long.question == LONG_MESSAGE_QUESTION
    long_last = split_conversation(msgs(("system", "S"), ("user", text)))
    assert long_last.context.endswith("Which line repeats?") and long_last.context.startswith("[system]")


def test_rlm_context_wins_and_a_long_marked_question_is_refused():
    c = split_conversation(msgs(("user", "q?")), explicit_context={"a.txt": "x"})
    assert (c.context, c.question, c.source) == ({"a.txt": "x"}, "q?", "rlm_context")
    with pytest.raises(APIError) as err:
        split_conversation(msgs(("user", "<document>d</document>" + "q" * (QUESTION_MAX_CHARS + 1))))
    assert err.value.status == 422 and err.value.code == "question_too_long"


# ---------------------------------------------------------------------------------------------
# The command line


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rlm")
    add_serve_parser(parser.add_subparsers(dest="command", required=True))
    return parser


def test_serve_flags_reuse_the_ask_limits_and_read_the_key_from_the_environment(monkeypatch, tmp_path):
    replies = tmp_path / "replies.json"
    replies.write_text("[]")
    monkeypatch.setenv("RLM_SERVER_API_KEY", "from-env")
    args = serve_parser().parse_args(["serve", "--model", f"scripted:{replies}", "--max-iterations", "3",
                                      "--deadline-s", "9.5", "--max-concurrent-runs", "2", "--max-body-mb", "0.5",
                                      "--log", str(tmp_path / "runs")])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    config = config_from_args(args)
    assert config.limits == Limits(max_iterations=3, deadline_s=9.5)
    assert config.api_key == "from-env" and config.max_concurrent_runs == 2
    assert config.max_body_bytes == 512 * 1024 and config.log_dir == tmp_path / "runs"
    assert config_from_args(serve_parser().parse_args(["serve", "--model", f"scripted:{replies}",
                                                       "--api-key", "flag"])).api_key == "flag"


def test_rlm_serve_runs_as_a_process_and_answers_the_sdk(tmp_path):
    from recursivelm.cli import build_parser

    assert "serve" in build_parser()._subparsers._group_actions[0].choices, "cli.py must call add_serve_parser"
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(["```python\nFINAL(context.strip().upper())\n```"]))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "RLM_SERVER_API_KEY": "k3y"}
    process = subprocess.Popen([sys.executable, "-m", "recursivelm.cli", "serve", "--model", f"scripted:{replies}",
                                "--port", str(port), "--json", "--log", str(tmp_path / "runs")],
                               env=env, stderr=subprocess.PIPE, text=True)
    try:
        api = client(f"http://127.0.0.1:{port}/v1", api_key="k3y")
        wait_for(lambda: _answers(api), timeout_s=30, what="the server to start")
        response = api.chat.completions.create(model="m", messages=[
            {"role": "user", "content": "<document>shout me</document> Say it loud."}])
        assert response.choices[0].message.content == "SHOUT ME"
        assert (tmp_path / "runs" / f"{response.id}.jsonl").exists()
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    logged = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert [(r["id"], r["status"]) for r in logged] == [(response.id, "answered")]


def _answers(api: OpenAI) -> bool:
    try:
        return bool(api.models.list().data)
    except openai.APIConnectionError:
        return False


# ---------------------------------------------------------------------------------------------
# Host names (DNS rebinding) and stalled uploads


def test_without_an_api_key_only_loopback_and_allowed_host_names_are_answered():
    # A page can point its own name at 127.0.0.1 (DNS rebinding); the browser then sends that name as Host.
    with serving(make_config()) as (url, _):
        port = url.rsplit(":", 1)[1].split("/")[0]
        for host, status in (("evil.example", 403), (f"evil.example:{port}", 403), ("localhost", 200),
                             (f"127.0.0.1:{port}", 200), (f"[::1]:{port}", 200), ("127.0.0.2", 200)):
            response = httpx.get(f"{url}/models", headers={"Host": host})
            assert response.status_code == status, host
        error = httpx.post(f"{url}/chat/completions", headers={"Host": "evil.example"}, json=GOOD).json()["error"]
        assert error["code"] == "host_not_allowed" and "--allowed-host evil.example" in error["message"]
    with serving(make_config(allowed_hosts=("rlm.internal",))) as (url, _):
        assert httpx.get(f"{url}/models", headers={"Host": "rlm.internal:80"}).status_code == 200
        assert httpx.get(f"{url}/models", headers={"Host": "evil.example"}).status_code == 403
    with serving(make_config(api_key="k")) as (url, _):  # a rebinding page cannot know the key
        assert httpx.get(f"{url}/models", headers={"Host": "any.example", "Authorization": "Bearer k"}).status_code == 200


def test_serve_answers_its_bound_host_and_the_allowed_ones(tmp_path):
    replies = tmp_path / "replies.json"
    replies.write_text("[]")
    model = f"scripted:{replies}"
    config = config_from_args(serve_parser().parse_args(["serve", "--model", model, "--host", "10.1.2.3"]))
    assert config.allowed_hosts == ("10.1.2.3",)
    config = config_from_args(serve_parser().parse_args(["serve", "--model", model, "--host", "0.0.0.0",
                                                         "--allowed-host", "rlm.lan", "--body-timeout-s", "5"]))
    assert config.allowed_hosts == ("rlm.lan",) and config.body_timeout_s == 5


def test_a_stalled_request_body_gets_408_and_frees_its_connection():
    with serving(make_config(body_timeout_s=0.3)) as (url, registry):
        host, port = "127.0.0.1", int(url.rsplit(":", 1)[1].split("/")[0])
        with socket.create_connection((host, port), timeout=30) as conn:
            conn.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"messages\": [")
            reply = b""
            while b"\r\n\r\n" not in reply or b"}}" not in reply:  # never sending the rest
                chunk = conn.recv(4096)
                if not chunk:
                    break
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 408") and b'"request_timeout"' in reply
        assert registry.all() == []
