"""End to end on the real embedded model (Qwen2.5-Coder-1.5B on llama.cpp): the README's promise.

Slow on 2 CPU cores (about a minute a run), so a short set: the demo far beyond the window, and
`rlm ask` on a file. Deselect with `-m "not embedded"`.
"""

import subprocess
import sys

import pytest

from recursivelm import RLM, Limits
from recursivelm.demo import needle_document

pytestmark = pytest.mark.embedded


def test_demo_answers_a_needle_question_100x_beyond_the_window():
    p = subprocess.run([sys.executable, "-m", "recursivelm.cli", "demo", "--seed", "3"],
                       capture_output=True, text=True, timeout=900)
    assert "100x the 8,192-token window of embedded" in p.stderr
    assert "the answer is correct" in p.stderr, p.stderr
    expected = p.stderr.split("expected answer: ")[1].split(":")[0]
    # The answer alone on stdout: the code itself, or the reading's sentence holding it (FINAL(reading)).
    assert p.returncode == 0 and expected in p.stdout and len(p.stdout.strip().splitlines()) == 1


def test_rlm_ask_on_a_file_prints_only_the_answer(tmp_path):
    doc = needle_document(target_tokens=30_000, seed=11)
    path = tmp_path / "log.txt"
    path.write_text(doc.text)
    p = subprocess.run([sys.executable, "-m", "recursivelm.cli", "ask", str(path), doc.question,
                        "--max-iterations", "5"], capture_output=True, text=True, timeout=900)
    assert p.returncode == 0, p.stderr
    assert doc.answer in p.stdout and len(p.stdout.strip().splitlines()) == 1


def test_api_run_records_real_usage_and_events(tmp_path):
    doc = needle_document(target_tokens=20_000, seed=5)
    rlm = RLM("embedded", limits=Limits(max_iterations=5), log=tmp_path / "run.jsonl")
    r = rlm.run(doc.text, doc.question)
    assert r.status == "answered" and doc.answer in r.answer
    total = r.usage.total()
    root_calls = [e for e in r.trajectory if e.type == "root_call"]
    assert total.calls == len(root_calls) + len([e for e in r.trajectory if e.type == "sub_call" and not e.cached])
    assert total.input_tokens == sum(e.input_tokens for e in root_calls) + sum(
        e.input_tokens for e in r.trajectory if e.type == "sub_call")
    assert not any(c.estimated for c in r.usage.all_calls())  # llama.cpp's own counts
    assert (tmp_path / "run.jsonl").stat().st_size < 50_000  # the 80K-character context is never logged
