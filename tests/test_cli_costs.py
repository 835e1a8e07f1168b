"""Cost limits and prices through the `rlm` command, against a real local OpenAI-compatible server.

A cost limit must protect something: a model with no known price refuses to start (exit 2) unless
--allow-unpriced; prices come from genai-prices, with --prices FILE.json on top; every cost shown says how
many calls it leaves out.
"""

import json
import os
import subprocess
import sys

import pytest

import fault_server as fs
from conftest import block
from fault_server import FaultServer

RLM = [sys.executable, "-m", "recursivelm.cli"]


@pytest.fixture
def server():
    with FaultServer() as s:
        yield s


def run(args, server, stdin="some text to read"):
    env = {**os.environ, "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "test-key"}
    return subprocess.run(RLM + ["ask", "-", "what is it?", "--sandbox", "inprocess", *args], input=stdin,
                          capture_output=True, text=True, timeout=60, env=env)


def test_a_cost_limit_on_a_model_with_no_known_price_refuses_to_start(server):
    server.default = fs.answer(block("FINAL('x')"))
    p = run(["--model", "openai/my-house-model", "--max-cost", "0.0001"], server)
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "no price is known for openai/my-house-model" in p.stderr and "--allow-unpriced" in p.stderr
    assert "--prices" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert server.requests == []  # refused before any call was paid for


def test_allow_unpriced_runs_and_every_total_counts_the_unpriced_calls(server, tmp_path):
    server.script(fs.answer(block("print(len(context))")), fs.answer(block("FINAL('done')")))
    log = tmp_path / "events.jsonl"
    p = run(["--model", "openai/my-house-model", "--max-cost", "0.0001", "--allow-unpriced", "--log", str(log)],
            server)
    assert (p.returncode, p.stdout) == (0, "done\n")
    assert p.stderr.startswith("rlm: warning: no price is known for openai/my-house-model: --max-cost 0.0001 "
                               "counts only the other calls")
    assert "$0.0000 + 2 unpriced calls" in p.stderr.splitlines()[-1]  # the summary line
    assert "+ 1 unpriced call ·" in p.stderr  # the progress line after the first turn


def test_a_dated_snapshot_is_priced_by_the_library_and_the_cost_limit_fires(server):
    # gpt-4o-2024-08-06 is in no table of ours: genai-prices knows it ($2.50 / $10 per 1M tokens).
    server.default = fs.answer(block("print(len(context))"), cached_tokens=0)
    p = run(["--model", "openai/gpt-4o-2024-08-06", "--max-cost", "0.0002", "--max-iterations", "30"], server)
    assert p.returncode == 3 and "max_cost" in p.stderr
    summary = p.stderr.strip().splitlines()[-1]
    assert "unpriced" not in summary
    spent = float(summary.split("$")[1].split(",")[0])
    assert spent >= 0.0002  # a first turn of ~1,000 prompt tokens already spends it
    assert len(server.requests) == 2  # that turn, then the answer-now turn: no third


def test_a_prices_file_prices_a_house_model_and_overrides_the_library(server, tmp_path):
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"openai/my-house-model": {"input": 1000.0, "output": 1000.0}}))
    server.default = fs.answer(block("print(len(context))"))
    p = run(["--model", "openai/my-house-model", "--max-cost", "0.01", "--prices", str(prices)], server)
    assert p.returncode == 3 and "max_cost" in p.stderr
    assert len(server.requests) <= 2  # $1,000 per 1M tokens: the first turns spend the cent


@pytest.mark.parametrize("content, says", [
    (None, "not found"),
    ("{not json", "cannot read the prices file"),
    ('["a"]', "expected a JSON object"),
    ('{"openai/x": {"input": 1}}', "'openai/x'"),
    ('{"openai/x": {"input": "cheap", "output": 1}}', "numbers >= 0"),
])
def test_a_bad_prices_file_is_one_line_and_exit_2(server, tmp_path, content, says):
    prices = tmp_path / "prices.json"
    if content is not None:
        prices.write_text(content)
    p = run(["--model", "openai/my-house-model", "--prices", str(prices)], server)
    assert p.returncode == 2 and says in p.stderr and len(p.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", [["chat", "{doc}"], ["mcp"]])
def test_every_command_that_runs_refuses_a_cost_limit_it_cannot_keep(server, tmp_path, command):
    doc = tmp_path / "doc.txt"
    doc.write_text("text")
    env = {**os.environ, "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "test-key"}
    args = [a.format(doc=doc) for a in command]
    p = subprocess.run(RLM + args + ["--model", "openai/my-house-model", "--max-cost", "0.01"], input="q?\n",
                       capture_output=True, text=True, timeout=60, env=env)
    assert p.returncode == 2 and "no price is known for openai/my-house-model" in p.stderr, p.stderr
    assert server.requests == []


def test_the_python_api_refuses_a_cost_limit_it_cannot_keep_unless_told():
    from recursivelm import RLM, Limits, Price, PriceTable, ScriptedModel

    unpriced = ScriptedModel(replies=[block('FINAL("ok")')], name="house-model-7")
    with pytest.raises(ValueError, match=r"max_cost=0\.01 cannot be kept: no price is known for house-model-7"):
        RLM(unpriced, limits=Limits(max_cost=0.01), sandbox="inprocess")
    assert RLM(unpriced, limits=Limits(max_cost=0.01), sandbox="inprocess",
               allow_unpriced=True).run("text", "q").answer == "ok"
    priced = PriceTable({"house-model-7": Price(input=1.0, output=2.0)})
    RLM(unpriced, limits=Limits(max_cost=0.01), sandbox="inprocess", prices=priced)  # a price given: kept
    RLM(unpriced, sandbox="inprocess")  # no cost limit: nothing to keep
