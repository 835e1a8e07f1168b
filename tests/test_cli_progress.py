"""The command line's progress line: sub-calls finish (an rlm_query too), child turns are labelled, the cost
runs, and a long batch without a terminal still writes a line now and then."""

import io
import json
import subprocess
import sys

from conftest import block
from recursivelm.events import RootCall, RunEnd, SubCall, SubCallsQueued
from recursivelm.progress import QUIET_LINE_EVERY_S, Progress

RLM = [sys.executable, "-m", "recursivelm.cli"]


def test_an_rlm_query_counts_as_done_and_child_turns_are_labelled(tmp_path):
    replies = [
        block("r = rlm_query('what does the child say?')\nprint(r)"),  # root turn 1
        block("FINAL('from the child')"),  # the child run's turn 1
        block("FINAL(r)"),  # root turn 2
    ]
    model = tmp_path / "script.json"
    model.write_text(json.dumps(replies))
    p = subprocess.run(RLM + ["ask", "-", "q", "--model", f"scripted:{model}", "--sandbox", "inprocess"],
                       input="text", capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (0, "from the child\n"), p.stderr
    lines = [line for line in p.stderr.splitlines() if line.startswith("[rlm] iteration")]
    assert "(child run, depth 1, turn 1)" in lines[1] and "sub-calls 0/1" in lines[1]
    assert "sub-calls 1/1" in lines[-1] and "child run" not in lines[-1]  # done, and the root speaks again
    assert "$0.0000" in lines[-1]


def _event(cls, **fields):
    return cls(id="e", run="r", depth=fields.pop("depth", 1), t=0.0, **fields)


def test_without_a_terminal_a_long_batch_writes_a_line_every_so_often():
    now = [0.0]
    out = io.StringIO()  # not a terminal
    progress = Progress(stream=out, max_iterations=12, clock=lambda: now[0])
    progress(_event(RootCall, depth=0, iteration=1, input_tokens=100, output_tokens=10, cost=0.001))
    progress(_event(SubCallsQueued, count=64, kind="llm_query_batched"))
    for i in range(64):
        now[0] += 1.0  # one sub-call a second: 64 s with no root turn
        progress(_event(SubCall, input_tokens=10, output_tokens=5, cost=None if i % 2 else 0.0001))
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 + 64 // int(QUIET_LINE_EVERY_S)
    assert "sub-calls 60/64" in lines[-1]
    assert "$0.0040 + 30 unpriced calls" in lines[-1]  # 0.001 + 30 x 0.0001, and 30 with no price
    progress(_event(RunEnd, depth=1, status="answered"))  # a child run ending is an rlm_query done
    assert progress.sub_done == 65
