"""`rlm serve` as clients meet it: no paid retries of a failed run, a port in use, /health, CORS, model
names that agree. Through the `openai` SDK (with its default retries), raw HTTP, and the real process."""

import json
import os
import re
import socket
import subprocess
import sys

import httpx
import openai
import pytest
from openai import OpenAI

from recursivelm import ScriptedModel
from recursivelm.server.app import build_app
from recursivelm.server.config import ServerConfig
from recursivelm.server.background import BackgroundServer

RLM = [sys.executable, "-m", "recursivelm.cli"]
QUESTION = [{"role": "user", "content": "<document>The code word is HERON.</document> What is the code word?"}]


def answers(messages):
    return "```python\nFINAL('HERON')\n```"


def config(respond=answers, **settings) -> ServerConfig:
    return ServerConfig.from_specs(ScriptedModel(respond=respond), sandbox="inprocess", **settings)


def test_a_failed_run_is_not_retried_by_the_sdk():
    failing = ScriptedModel(replies=[])  # no reply left: every root call fails, so every run fails
    app = build_app(ServerConfig.from_specs(failing, sandbox="inprocess"))
    with BackgroundServer(app) as url:
        sdk = OpenAI(base_url=url, api_key="unused")  # the SDK's default: max_retries=2
        with pytest.raises(openai.InternalServerError) as caught:
            sdk.chat.completions.create(model="m", messages=QUESTION)
        assert caught.value.response.headers["x-should-retry"] == "false"
        assert "the run failed" in caught.value.message
        assert len(app.state.registry.all()) == 1  # one request, one run: not three paid for


def test_health_answers_without_the_api_key_and_says_nothing_of_the_runs():
    with BackgroundServer(build_app(config(api_key="s3cret"))) as url:
        root = url.removesuffix("/v1")
        health = httpx.get(f"{root}/health")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "model": "rlm-scripted", "running": 0, "queued": 0}
        assert httpx.get(f"{url}/models").status_code == 401  # everything else still needs the key


def test_cors_is_off_unless_an_origin_is_named():
    preflight = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization, content-type"}
    with BackgroundServer(build_app(config())) as url:
        response = httpx.options(f"{url}/chat/completions", headers=preflight)
        assert "access-control-allow-origin" not in response.headers
        response = httpx.get(f"{url}/models", headers={"Origin": "http://localhost:3000"})
        assert "access-control-allow-origin" not in response.headers
    with BackgroundServer(build_app(config(cors_origins=("http://localhost:3000",), api_key="k"))) as url:
        response = httpx.options(f"{url}/chat/completions", headers=preflight)  # no key: a preflight has none
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert "POST" in response.headers["access-control-allow-methods"]
        other = httpx.options(f"{url}/chat/completions", headers={**preflight, "Origin": "http://evil.example"})
        assert "access-control-allow-origin" not in other.headers
        response = httpx.post(f"{url}/chat/completions", json={"model": "m", "messages": QUESTION},
                              headers={"Origin": "http://localhost:3000", "Authorization": "Bearer k"})
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_a_model_name_a_post_accepts_is_one_get_finds():
    with BackgroundServer(build_app(config())) as url:
        sdk = OpenAI(base_url=url, api_key="unused", max_retries=0)
        for name in ("rlm-scripted", "gpt-4o", "openai/gpt-5-mini"):
            assert sdk.models.retrieve(name).id == name
            answer = sdk.chat.completions.create(model=name, messages=QUESTION)
            assert answer.choices[0].message.content == "HERON"


@pytest.fixture
def replies(tmp_path):
    path = tmp_path / "replies.json"
    path.write_text(json.dumps(["```python\nFINAL('HERON')\n```"] * 4))
    return f"scripted:{path}"


def test_a_port_in_use_is_one_line_and_exit_1_before_any_listening_line(replies):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        p = subprocess.run(RLM + ["serve", "--model", replies, "--port", str(port)], capture_output=True,
                           text=True, timeout=60)
    assert p.returncode == 1
    assert p.stderr.strip() == f"rlm: cannot listen on 127.0.0.1:{port}: the port is in use (stop what listens " \
                               f"there, or pass --port N)"


def test_the_listening_line_names_the_bound_port_and_the_server_answers_there(replies):
    process = subprocess.Popen(RLM + ["serve", "--model", replies, "--port", "0", "-q"], stderr=subprocess.PIPE,
                               text=True)
    try:
        line = process.stderr.readline()
        url = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", line).group(1)
        assert not url.endswith(":0/v1")
        sdk = OpenAI(base_url=url, api_key="unused", max_retries=0)
        assert sdk.chat.completions.create(model="m", messages=QUESTION).choices[0].message.content == "HERON"
        assert httpx.get(url.removesuffix("/v1") + "/health").json()["status"] == "ok"
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_serve_refuses_a_cost_limit_it_cannot_keep(tmp_path):
    env = {**os.environ, "OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "k"}
    p = subprocess.run(RLM + ["serve", "--model", "openai/my-house-model", "--max-cost", "1", "--port", "0"],
                       capture_output=True, text=True, timeout=60, env=env)
    assert p.returncode == 2 and "no price is known for openai/my-house-model" in p.stderr
    assert "Traceback" not in p.stderr


def test_the_api_key_variable_has_our_prefix_and_the_old_name_still_works(tmp_path, replies, monkeypatch):
    import argparse

    from recursivelm.server import add_serve_parser, config_from_args

    parser = argparse.ArgumentParser(prog="rlm")
    add_serve_parser(parser.add_subparsers(dest="command", required=True))
    monkeypatch.delenv("RLM_SERVER_API_KEY", raising=False)
    monkeypatch.setenv("RECURSIVELM_SERVER_API_KEY", "new")
    assert config_from_args(parser.parse_args(["serve", "--model", replies])).api_key == "new"
    monkeypatch.delenv("RECURSIVELM_SERVER_API_KEY")
    monkeypatch.setenv("RLM_SERVER_API_KEY", "old")
    assert config_from_args(parser.parse_args(["serve", "--model", replies])).api_key == "old"


def test_the_response_and_the_run_line_count_unpriced_calls():
    import fault_server as fs

    with fs.FaultServer() as upstream:  # a real OpenAI-compatible server, serving a model no price is known for
        upstream.default = fs.answer("```python\nFINAL('HERON')\n```")
        env = {**os.environ, "OPENAI_API_KEY": "k", "OPENAI_BASE_URL": upstream.url}
        process = subprocess.Popen(RLM + ["serve", "--model", "openai/my-house-model", "--port", "0",
                                          "--sandbox", "inprocess"], stderr=subprocess.PIPE, text=True, env=env)
        try:
            url = re.search(r"on (http://127\.0\.0\.1:\d+/v1)", process.stderr.readline()).group(1)
            sdk = OpenAI(base_url=url, api_key="unused", max_retries=0)
            response = sdk.chat.completions.create(model="m", messages=QUESTION)
            assert response.choices[0].message.content == "HERON"
            assert response.model_extra["rlm"]["unpriced_calls"] == 1
        finally:
            process.terminate()
            _, stderr = process.communicate(timeout=30)
    assert "tokens, $0.0000 + 1 unpriced call" in stderr


def test_a_request_cost_limit_on_an_unpriced_model_is_refused_not_ignored():
    unpriced = ServerConfig.from_specs(ScriptedModel(respond=answers, name="openai/my-house-model"), sandbox="inprocess")
    with BackgroundServer(build_app(unpriced)) as url:
        body = {"model": "m", "messages": QUESTION, "rlm_limits": {"max_cost": 0.01}}
        response = httpx.post(f"{url}/chat/completions", json=body)
        assert response.status_code == 422
        error = response.json()["error"]
        assert error["code"] == "unpriced_model" and "openai/my-house-model" in error["message"]
        assert httpx.post(f"{url}/chat/completions", json={"model": "m", "messages": QUESTION}).status_code == 200
    with BackgroundServer(build_app(config())) as url:  # the scripted model is free: a cost limit can be kept
        response = httpx.post(f"{url}/chat/completions", json={"model": "m", "messages": QUESTION,
                                                               "rlm_limits": {"max_cost": 0.01}})
        assert response.status_code == 200
