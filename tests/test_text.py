"""Text end to end: a lone surrogate (a `str` from model code or a caller can hold one) reaches a real
OpenAI-compatible server as U+FFFD instead of failing the client's strict UTF-8 encode, and the run answers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from recursivelm import RLM, Limits, load_events

_PATH = Path(__file__).resolve().parents[1] / "bench" / "fake_openai_server.py"
_spec = importlib.util.spec_from_file_location("fake_openai_server", _PATH)
fake = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("fake_openai_server", fake)
_spec.loader.exec_module(fake)


def test_a_question_with_a_lone_surrogate_reaches_an_api_model_and_the_run_answers(tmp_path, monkeypatch):
    # The OpenAI client encodes its JSON strictly: the root call raised UnicodeEncodeError and the run was lost.
    with fake.FakeOpenAIServer() as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test")
        rlm = RLM("openai/fake-root", sub_model="openai/fake-sub", limits=Limits(max_iterations=5),
                  profile="default", sandbox="inprocess", log=tmp_path / "run.jsonl")
        result = rlm.run("line one\nline two\n", "What is it \ud800? [bench run=sur turns=2 code=query answer=42]")
        roots = [r for r in server.log("sur") if r["kind"] == "root"]
    assert (result.status, result.answer) == ("answered", "42") and len(roots) == 3
    assert load_events(tmp_path / "run.jsonl")[0].question.startswith("What is it \ud800?")  # logged as it was
