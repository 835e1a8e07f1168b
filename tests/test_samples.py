"""RLM(samples=K), self-consistency, on the scripted model: K root trajectories in one log, one usage tree
and one budget; the answer with the most evidence wins (consistency.py holds the rule itself)."""

import json
import subprocess
import sys

import jsonschema
import pytest

from conftest import block
from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.bench import generate
from recursivelm.bench.methods import RunSettings, run_method
from recursivelm.bench.methods.scripted import BenchScriptedModel
from recursivelm.events import load_events
from recursivelm.models.resample import SAMPLE_TEMPERATURE
from recursivelm.schema import SCHEMAS
from recursivelm.viewer.summary import summarize

DOC = "alpha\nthe vault code is 4417\nomega\n"


def make(replies, samples, sub=None, **kwargs):
    root = ScriptedModel(replies=replies, name="scripted")
    sub_model = ScriptedModel(respond=sub or (lambda m: "sub says hi"), name="scripted-sub")
    return RLM(root, sub_model=sub_model, profile="default", sandbox="inprocess", samples=samples, **kwargs)


def finals(*answers):
    return [block(f"FINAL({a!r})") for a in answers]


def test_the_majority_answer_wins_when_no_answer_is_found():
    r = make(finals("1234", "9999", "1234"), 3).run(DOC, "code?")
    assert (r.answer, r.status) == ("1234", "answered")
    assert (r.samples.ran, r.samples.chosen) == (3, 1)
    candidates = [(c["answer"], c["votes"], c["found"]) for c in r.samples.candidates]
    assert candidates == [("1234", 2, None), ("9999", 1, None)]


def test_an_answer_found_verbatim_beats_a_majority_of_unfounded_ones():
    r = make(finals("1234", "4417", "1234"), 3).run(DOC, "code?")
    assert (r.answer, r.samples.chosen, r.samples.candidates[0]["found"]) == ("4417", 2, "context")
    assert r.trajectory[-1] is r.samples  # the choice is the log's last event


def test_a_spent_budget_after_sample_one_stops_sampling_and_keeps_its_answer():
    rlm = make(finals("1234", "4417", "4417"), 3, limits=Limits(max_tokens=50))
    r = rlm.run(DOC, "code?")
    assert (r.answer, r.samples.ran, r.samples.stopped) == ("1234", 1, "max_tokens")
    assert rlm.model.replies_left == 2  # no second sample was started
    assert sum(1 for e in r.trajectory if e.type == "run_start") == 1


def test_every_call_of_every_sample_is_in_the_one_usage_tree():
    replies = [block("print(llm_query('a'))"), block("FINAL('x1')"),
               block("print(llm_query('b'))"), block("FINAL('x2')"),
               block("print(llm_query('c'))"), block("FINAL('x1')")]
    rlm = make(replies, 3)
    r = rlm.run(DOC, "code?")
    total = r.usage.total()
    calls = [e for e in r.trajectory if e.type in ("root_call", "sub_call")]
    assert total.calls == len(calls) == len(rlm.model.calls) + len(rlm.sub_model.calls) == 9
    assert total.tokens == sum(e.input_tokens + e.output_tokens for e in calls)
    # each sample's run_end counts its own calls; together they are the run's total, as the choice says
    ends = [e for e in r.trajectory if e.type == "run_end" and e.depth == 0]
    assert [e.run for e in ends] == [r.usage.run_id, r.usage.run_id + "-s2", r.usage.run_id + "-s3"]
    assert sum(e.usage["tokens"] for e in ends) == total.tokens == r.samples.usage["tokens"]
    assert r.iterations == 6  # all samples' root turns
    assert (r.answer, r.samples.chosen) == ("x1", 1)


def test_samples_after_the_first_are_told_apart_and_sit_under_the_root():
    r = make(finals("a1", "a2"), 2).run(DOC, "code?")
    starts = [e for e in r.trajectory if e.type == "run_start"]
    assert [(s.run, s.parent) for s in starts] == [(r.usage.run_id, None), (r.usage.run_id + "-s2", starts[0].id)]
    assert {e.run for e in r.trajectory} == {r.usage.run_id, r.usage.run_id + "-s2"}


def test_one_sample_leaves_the_trajectory_as_it_was():
    plain = RLM(ScriptedModel(replies=finals("4417"), name="scripted"), profile="default", sandbox="inprocess")
    one = make(finals("4417"), 1)
    a, b = plain.run(DOC, "code?"), one.run(DOC, "code?")
    assert [e.type for e in a.trajectory] == [e.type for e in b.trajectory]
    assert b.samples is None and b.usage.children == [] and len({e.run for e in b.trajectory}) == 1
    assert (b.answer, b.iterations) == (a.answer, a.iterations)


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "3"])
def test_a_bad_number_of_samples_is_refused(bad):
    with pytest.raises(ValueError, match="samples="):
        make([], bad)


def test_a_session_refuses_samples():
    with pytest.raises(ValueError, match="session"):
        make([], 2).session(DOC)


class Tempered(ScriptedModel):
    """A scripted model that samples: each call notes the temperature and seed it was made at."""

    def __init__(self, replies, temperature=0.0, seed=None):
        super().__init__(replies=replies, name="scripted")
        self.temperature, self.seed, self.seen = temperature, seed, []

    async def complete(self, messages, **options):
        self.seen.append((self.temperature, self.seed))
        return await super().complete(messages, **options)


def test_samples_after_the_first_sample_hotter_with_seeds_of_their_own_and_share_the_replies():
    root = Tempered(finals("a", "b", "c"))
    r = RLM(root, profile="default", sandbox="inprocess", samples=3).run(DOC, "code?")
    assert root.seen == [(0.0, None), (SAMPLE_TEMPERATURE, 2), (SAMPLE_TEMPERATURE, 3)]
    assert (root.temperature, root.seed) == (0.0, None)  # the user's model object is left as it was
    assert r.samples.temperature == SAMPLE_TEMPERATURE


def test_llm_querys_model_samples_too_since_the_small_profiles_answer_comes_from_a_reading():
    root = Tempered([block("FINAL(llm_query('read'))")] * 3)
    sub = Tempered(["r1", "r2", "r3"])
    r = RLM(root, sub_model=sub, profile="default", sandbox="inprocess", samples=3).run(DOC, "code?")
    assert sub.seen == [(0.0, None), (SAMPLE_TEMPERATURE, 2), (SAMPLE_TEMPERATURE, 3)]
    assert (sub.temperature, sub.seed) == (0.0, None)
    assert r.samples.ran == 3


def test_a_temperature_the_user_set_is_kept_for_every_sample():
    root = Tempered(finals("a", "b"), temperature=0.3)
    RLM(root, profile="default", sandbox="inprocess", samples=2, temperature=0.3).run(DOC, "code?")
    assert [t for t, _ in root.seen] == [0.3, 0.3]


def test_a_schema_answer_is_the_chosen_samples_value():
    replies = [block("FINAL({'code': 1234})"), block("FINAL({'code': 4417})"), block("FINAL({'code': 4417})")]
    r = make(replies, 3).run(DOC, "code?", schema={
        "type": "object", "properties": {"code": {"type": "integer"}}, "required": ["code"]})
    assert r.value == {"code": 4417} and json.loads(r.answer) == {"code": 4417} and r.samples.chosen == 2


def test_the_log_fits_the_schema_and_the_viewer_shows_the_chosen_answer(tmp_path):
    log = tmp_path / "run.jsonl"
    make(finals("1234", "4417", "1234"), 3, log=log).run(DOC, "code?")
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    for line in lines:
        jsonschema.validate(line, SCHEMAS["events"]())
    summary = summarize(lines)
    assert (summary["answer"], summary["finished"], summary["iterations"], summary["runs"]) == ("4417", True, 3, 1)
    assert summary["samples"]["chosen"] == 2 and summary["usage"]["total"]["calls"] == 3
    assert [e.type for e in load_events(log)][-1] == "samples"


def test_the_embedded_models_twin_shares_its_loaded_server():
    from recursivelm.models.embedded import EmbeddedModel

    model = EmbeddedModel()  # nothing loads until the first call
    twin = model.resampled(0.7, 2)
    assert (twin.temperature, twin.seed, model.temperature, model.seed) == (0.7, 2, 0.0, None)
    assert twin._load.__self__ is model and twin._get_executor.__self__ is model


def test_rlm_ask_samples(tmp_path):
    script = tmp_path / "script.json"
    script.write_text(json.dumps(finals("1234", "4417")))
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC)
    cmd = [sys.executable, "-m", "recursivelm.cli", "ask", str(doc), "code?", "--model", f"scripted:{script}",
           "--sandbox", "inprocess", "--profile", "default", "--samples", "2"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert (p.returncode, p.stdout) == (0, "4417\n"), p.stderr
    p = subprocess.run(cmd[:-1] + ["0"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "--samples" in p.stderr


def test_the_bench_rlm_method_takes_samples_and_says_what_won():
    record = run_method("rlm", generate("sniah", seed=6, target_tokens=32_000), BenchScriptedModel(),
                        RunSettings(samples=2))
    assert record.score == 1.0 and record.details["samples"]["ran"] == 2
    with pytest.raises(ValueError, match="samples"):
        RunSettings(samples=0)
