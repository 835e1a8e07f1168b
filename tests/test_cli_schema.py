"""`rlm ask --json` and the event log have a versioned JSON Schema, shipped in docs/schema/, and what the
command writes fits it: the question, the model, the run id and a wall-clock start at the top level."""

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest

from conftest import block
from recursivelm.schema import SCHEMAS

RLM = [sys.executable, "-m", "recursivelm.cli"]
DOCS = Path(__file__).parent.parent / "docs" / "schema"


@pytest.mark.parametrize("which", sorted(SCHEMAS))
def test_the_shipped_schema_is_what_the_code_makes_and_what_rlm_schema_prints(which):
    shipped = json.loads((DOCS / f"{which}.v1.json").read_text())
    assert shipped == SCHEMAS[which](), f"regenerate: rlm schema {which} > docs/schema/{which}.v1.json"
    printed = subprocess.run(RLM + ["schema", which], capture_output=True, text=True, timeout=60)
    assert json.loads(printed.stdout) == shipped
    jsonschema.Draft202012Validator.check_schema(shipped)


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_json_output_and_every_log_line_fit_their_schema(tmp_path, sandbox):
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps([block("print(llm_query('hi'))"), "sub reply", block("FINAL('done')")]))
    log = tmp_path / "run.jsonl"
    before = datetime.now(timezone.utc)
    p = subprocess.run(RLM + ["ask", "-", "What is it?", "--model", f"scripted:{replies}", "--json", "--log", str(log),
                              "--sandbox", sandbox], input="text", capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    jsonschema.validate(result, SCHEMAS["result"]())
    assert (result["schema"], result["question"], result["model"]) == ("recursivelm.result.v1", "What is it?", "scripted")
    started = datetime.fromisoformat(result["started_at"])
    assert before <= started <= datetime.now(timezone.utc)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    events = SCHEMAS["events"]()
    for line in lines:
        jsonschema.validate(line, events)
    first = lines[0]
    assert first["type"] == "run_start" and first["schema"] == "recursivelm.events.v1"
    assert (first["run"], first["question"], first["started_at"]) == (result["run_id"], "What is it?", result["started_at"])
    assert first["sandbox"] == sandbox  # it used to log "sandbox_factory.<locals>.<lambda>"


def test_a_run_with_samples_fits_too_and_ends_with_its_choice(tmp_path):
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps([block("FINAL('one')"), block("FINAL('text')")]))
    log = tmp_path / "run.jsonl"
    p = subprocess.run(RLM + ["ask", "-", "What is it?", "--model", f"scripted:{replies}", "--json", "--log", str(log),
                              "--sandbox", "inprocess", "--samples", "2"], input="text", capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    result = json.loads(p.stdout)
    jsonschema.validate(result, SCHEMAS["result"]())
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    for line in lines:
        jsonschema.validate(line, SCHEMAS["events"]())
    assert lines[-1]["type"] == "samples" and lines[-1]["chosen"] == 2 and result["answer"] == "text"
    assert {line["run"] for line in lines} == {result["run_id"], result["run_id"] + "-s2"}


def test_a_line_that_does_not_fit_is_refused():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"type": "run_start", "id": "r1", "run": "r", "depth": "zero", "t": 0.0}, SCHEMAS["events"]())
