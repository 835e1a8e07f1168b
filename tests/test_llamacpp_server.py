"""`rlm ask --model openai/NAME` through llama.cpp's own HTTP server (serving the embedded model on
loopback), with the usage totals checked against the server's own counters (/metrics)."""

import json
import os
import re
import socket
import subprocess
import sys
import urllib.request

import pytest

from recursivelm.demo import needle_document
from recursivelm.embedded import model_path

pytestmark = pytest.mark.embedded

N_CTX = 8_192


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server():
    import xllamacpp

    p = xllamacpp.CommonParams()
    p.model.path = str(model_path())
    p.n_ctx = N_CTX
    p.n_parallel = 1
    p.port = free_port()
    p.hostnames = ["127.0.0.1"]
    p.endpoint_metrics = True
    p.cache_prompt = False  # so the server's prompt-token counter counts every prompt token it was sent
    # llama-server samples at temperature 0.8 with a random seed unless the request says otherwise, and
    # `openai/NAME` sends no temperature by default: greedy decoding keeps this test's answer reproducible.
    p.sampling.temp = 0.0
    server = xllamacpp.Server(p)  # listens until the object is freed
    yield f"http://127.0.0.1:{p.port}"
    del server


def metrics(url: str) -> dict[str, float]:
    text = urllib.request.urlopen(f"{url}/metrics", timeout=30).read().decode()
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^llamacpp:(\w+) ([\d.e+]+)$", text, re.M)}


def test_rlm_ask_answers_through_llama_cpps_server_and_usage_matches_its_counters(llama_server, tmp_path):
    doc = needle_document(target_tokens=30_000, seed=21)
    path = tmp_path / "log.txt"
    path.write_text(doc.text)
    before = metrics(llama_server)
    env = {**os.environ, "OPENAI_BASE_URL": f"{llama_server}/v1", "OPENAI_API_KEY": "x"}
    p = subprocess.run(
        [sys.executable, "-m", "recursivelm.cli", "ask", str(path), doc.question, "--json", "--max-iterations", "5",
         "--model", "openai/qwen2.5-coder-1.5b-instruct"],
        capture_output=True, text=True, timeout=900, env=env,
    )
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    assert doc.answer in result["answer"]
    after = metrics(llama_server)
    total = result["usage"]["total"]
    assert total["calls"] >= 2
    assert total["input_tokens"] == after["prompt_tokens_total"] - before["prompt_tokens_total"]
    assert total["output_tokens"] == after["tokens_predicted_total"] - before["tokens_predicted_total"]
