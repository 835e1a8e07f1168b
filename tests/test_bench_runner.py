"""The benchmark runner on the scripted model: results.jsonl as jobs finish, resuming, budgets,
concurrency, the report and its plots, and the `rlm bench` commands."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from recursivelm.bench import TASKS
from recursivelm.bench.cli import main as bench_main
from recursivelm.bench.methods import METHODS, RunSettings
from recursivelm.bench.methods.scripted import BenchScriptedModel
from recursivelm.bench.report import COST_PLOT, REPORT_FILE, SCORE_PLOT, percentile
from recursivelm.bench.runner import (
    MANIFEST_FILE, RESULTS_FILE, SuiteConfig, format_length, load_records, parse_length, parse_lengths, run_suite,
)

FAST = dict(tasks=["sniah", "babi"], lengths=[1_000], methods=["direct", "rlm"], n=2)


def lines(out):
    return (out / RESULTS_FILE).read_text().splitlines()


def keys(out):
    return [tuple(json.loads(line)[k] for k in ("task", "length", "seed", "method")) for line in lines(out)]


def test_a_run_writes_one_line_per_job_then_the_report_and_plots(tmp_path):
    summary = run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None)
    assert (summary.jobs, summary.ran, summary.already_done, summary.statuses["ok"]) == (8, 8, 0, 8)
    assert sorted(keys(tmp_path)) == sorted((t, 1_000, s, m) for t in FAST["tasks"] for s in (0, 1)
                                            for m in FAST["methods"])
    for record in load_records(tmp_path / RESULTS_FILE):
        assert record.status == "ok" and record.model == "scripted" and record.context_tokens > 900
    manifest = json.loads((tmp_path / MANIFEST_FILE).read_text())
    assert manifest["model"] == "scripted" and len(manifest["runs"]) == 1
    report = (tmp_path / REPORT_FILE).read_text()
    assert "### sniah" in report and "### babi" in report and "`rlm`" in report and "`direct`" in report
    assert "## Where the RLM wins and loses" in report
    assert sorted((tmp_path / "trajectories").iterdir())  # the engine's events, per rlm job
    pytest.importorskip("matplotlib")
    for name in (SCORE_PLOT, COST_PLOT):
        assert f"]({name})" in report  # a relative link
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_resume_runs_nothing_twice_and_exactly_what_was_deleted(tmp_path):
    run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    before = lines(tmp_path)
    again = run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    assert (again.ran, again.already_done) == (0, 8) and lines(tmp_path) == before

    deleted = before[3]
    (tmp_path / RESULTS_FILE).write_text("\n".join(before[:3] + before[4:]) + "\n")
    third = run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    assert (third.ran, third.already_done) == (1, 7)
    assert keys(tmp_path)[-1] == tuple(json.loads(deleted)[k] for k in ("task", "length", "seed", "method"))
    assert sorted(keys(tmp_path)) == sorted(tuple(json.loads(x)[k] for k in ("task", "length", "seed", "method"))
                                            for x in before)


def test_a_torn_last_line_is_ignored_and_its_job_reruns(tmp_path):
    run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    good = lines(tmp_path)
    (tmp_path / RESULTS_FILE).write_text("\n".join(good[:-1]) + "\n" + good[-1][:40])  # a crash mid-write
    summary = run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    assert summary.ran == 1
    assert len(load_records(tmp_path / RESULTS_FILE)) == 8 and lines(tmp_path)[-2] == good[-1][:40]


def test_a_growing_suite_runs_only_the_new_jobs(tmp_path):
    run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    bigger = SuiteConfig(**{**FAST, "n": 3, "methods": ["direct", "rlm", "rlm-nosub"]})
    summary = run_suite(bigger, BenchScriptedModel(), tmp_path, log=None, write_report=False)
    assert (summary.jobs, summary.already_done, summary.ran) == (18, 8, 10)


def test_results_of_another_model_or_other_settings_are_not_mixed(tmp_path):
    run_suite(SuiteConfig(**FAST), BenchScriptedModel(), tmp_path, log=None, write_report=False)
    with pytest.raises(ValueError, match="holds results for model 'scripted'"):
        run_suite(SuiteConfig(**FAST), BenchScriptedModel(name="other"), tmp_path, log=None)
    with pytest.raises(ValueError, match="task settings"):
        run_suite(SuiteConfig(**FAST, task_settings={"sniah": {"haystack": "essay"}}), BenchScriptedModel(),
                  tmp_path, log=None)


def test_the_time_budget_is_enforced_and_recorded_and_reported(tmp_path):
    config = SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["direct", "rlm"], n=2, concurrency=4,
                         settings=RunSettings(time_budget_s=0.3, answer_now_timeout_s=0.2))
    summary = run_suite(config, BenchScriptedModel(latency_s=5.0), tmp_path, log=None)
    assert summary.statuses == {"budget": 4}
    records = load_records(tmp_path / RESULTS_FILE)
    assert all(r.status == "budget" and r.budget == "time" and r.latency_s < 3 for r in records)
    assert all(r.budgets == {"time_budget_s": 0.3, "token_budget": None} for r in records)
    report = (tmp_path / REPORT_FILE).read_text()
    assert "0.00 (2/2 budget)" in report and "Out of budget: `direct` 2/2, `rlm` 2/2" in report


def test_errors_are_recorded_and_rerun_on_request(tmp_path):
    config = SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["direct"], n=1)
    summary = run_suite(config, BenchScriptedModel(context_window=300), tmp_path, log=None)
    assert summary.statuses == {"error": 1} and "leaves no room" in summary.errors[0]
    assert "## Errors" in (tmp_path / REPORT_FILE).read_text()
    assert "0.00 (1/1 error)" in (tmp_path / REPORT_FILE).read_text()
    assert run_suite(config, BenchScriptedModel(context_window=300), tmp_path, log=None, write_report=False).ran == 0
    retry = SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["direct"], n=1, retry_errors=True)
    fixed = run_suite(retry, BenchScriptedModel(), tmp_path, log=None, write_report=False)
    assert fixed.ran == 1 and fixed.statuses == {"ok": 1}


class Counting(BenchScriptedModel):
    """Records how many calls were in flight at once."""

    def __init__(self, **kwargs):
        super().__init__(latency_s=0.05, **kwargs)
        self.in_flight = self.most = 0

    async def complete(self, messages, **kwargs):
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            return await super().complete(messages, **kwargs)
        finally:
            self.in_flight -= 1


@pytest.mark.parametrize("concurrency", [1, 3])
def test_jobs_run_within_the_concurrency_limit(tmp_path, concurrency):
    config = SuiteConfig(tasks=["sniah", "babi", "oolong"], lengths=[1_000], methods=["direct"], n=2,
                         concurrency=concurrency)
    model = Counting()
    run_suite(config, model, tmp_path, log=None, write_report=False)
    assert model.most == concurrency


def test_the_report_says_where_the_rlm_wins_and_loses(tmp_path):
    # A 2K window: at 16K tokens `direct` sees only the head, the RLM greps the whole context.
    config = SuiteConfig(tasks=["sniah"], lengths=[1_000, 16_000], methods=["direct", "codeact", "rlm"], n=3,
                         task_settings={"sniah": {"depth": 0.9}}, settings=RunSettings(reply_tokens=256))
    run_suite(config, BenchScriptedModel(context_window=2_048), tmp_path, log=None)
    report = (tmp_path / REPORT_FILE).read_text()
    assert "**The RLM wins** (beats every other method by more than 0.05): sniah at 16K (1.00 vs 0.00" in report
    assert "**Ties**" in report and "sniah at 1K (1.00 vs 1.00" in report
    assert "| `direct` | 1.00 | 0.00 |" in report and "| `rlm` | 1.00 | 1.00 |" in report


def test_lengths_and_tasks_parse():
    assert [parse_length(x) for x in ("8k", "128K", "1m", "1.5m", "4096")] == [8_000, 128_000, 1_000_000,
                                                                              1_500_000, 4_096]
    assert parse_lengths("128k,8k,8k") == [8_000, 128_000]
    assert [format_length(n) for n in (500, 8_000, 1_500, 1_000_000)] == ["500", "8K", "1.5K", "1M"]
    with pytest.raises(ValueError):
        parse_length("lots")
    jobs, skipped = SuiteConfig(tasks=["sniah", "codeqa"], lengths=[1_000, 4_000], methods=["direct"]).jobs()
    assert [j.label() for j in jobs] == ["sniah 1K seed 0 direct", "sniah 4K seed 0 direct", "codeqa 4K seed 0 direct"]
    assert skipped == ["codeqa at 1K: below its minimum of 4,000 tokens"]
    with pytest.raises(ValueError, match="unknown method"):
        SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["gpt"])
    with pytest.raises(ValueError, match="no setting"):
        SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["direct"], task_settings={"sniah": {"nope": 1}})
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 90) == 5 and percentile([], 50) is None


# -- the commands -------------------------------------------------------------------------------
def test_bench_tasks_lists_every_task_and_its_settings(capsys):
    assert bench_main(["tasks"]) == 0
    out = capsys.readouterr().out
    for name, spec in TASKS.items():
        assert f"{name}: {spec.description}" in out
        for setting in spec.settings:
            assert f"--setting {name}.{setting.name}=" in out
    assert bench_main(["tasks", "--json"]) == 0
    assert set(json.loads(capsys.readouterr().out)) == set(TASKS)
    assert bench_main(["methods"]) == 0
    listed = capsys.readouterr().out
    assert all(f"{name}: {method.description}" in listed for name, method in METHODS.items())


def test_bench_run_and_report_from_the_command_line(tmp_path):
    out = tmp_path / "suite"
    command = [sys.executable, "-m", "recursivelm.bench.cli", "run", "--tasks", "sniah,babi", "--lengths", "1k",
               "--methods", "direct,rlm-nosub", "--n", "1", "--model", "scripted", "--out", str(out),
               "--concurrency", "4", "--setting", "sniah.value_digits=5", "--rlm-limit", "max_iterations=4"]
    p = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert "4 ran (4 ok)" in p.stderr and len(lines(out)) == 4 and (out / REPORT_FILE).exists()
    # A non-default task setting that needs no optional package (the essay haystack needs the bench extra).
    assert json.loads((out / MANIFEST_FILE).read_text())["task_settings"] == {"sniah": {"value_digits": 5}}
    again = subprocess.run([*command, "--no-report"], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "4 already in" in again.stderr
    (out / REPORT_FILE).unlink()
    assert bench_main(["report", str(out)]) == 0 and (out / REPORT_FILE).exists()
    assert bench_main(["report", str(tmp_path / "nothing")]) == 2
    assert bench_main(["run", "--model", "scripted", "--out", str(out), "--lengths", "big"]) == 2
    assert bench_main(["run", "--model", "scripted", "--out", str(out), "--rlm-limit", "max_turns=3"]) == 2


def test_the_issue_12_tasks_run_end_to_end_from_the_command_line_at_32k_and_128k(tmp_path):
    """sniah-paraphrase, count and codetree (a dict context) through `rlm bench run` on the scripted model,
    at the lengths of the headline; suite.json says which Python's stdlib codetree was cut from."""
    out = tmp_path / "suite"
    assert bench_main(["run", "--tasks", "sniah-paraphrase,count,codetree", "--lengths", "32k,128k",
                       "--methods", "direct,rlm", "--n", "1", "--model", "scripted:32768", "--out", str(out),
                       "--concurrency", "4", "--rlm-limit", "max_iterations=3", "--quiet"]) == 0
    records = load_records(out / RESULTS_FILE)
    assert sorted((r.task, r.length, r.method) for r in records) == sorted(
        (t, n, m) for t in ("sniah-paraphrase", "count", "codetree") for n in (32_000, 128_000) for m in ("direct", "rlm"))
    assert all(r.status == "ok" and r.context_tokens > 0.97 * r.length for r in records), [r.error for r in records]
    manifest = json.loads((out / MANIFEST_FILE).read_text())
    assert manifest["runs"][0]["python"] == sys.version.split()[0]
    report = (out / REPORT_FILE).read_text()
    assert all(f"### {task}" in report for task in ("sniah-paraphrase", "count", "codetree"))
    jobs, skipped = SuiteConfig(tasks=list(TASKS), lengths=parse_lengths("32k,128k"), methods=["direct"]).jobs()
    assert skipped == [] and len(jobs) == 2 * len(TASKS)


def test_bench_is_wired_into_rlm():
    from recursivelm.cli import build_parser

    args = build_parser().parse_args(["bench", "tasks"])
    assert args.func.__name__ == "cmd_tasks"


def test_compare_puts_two_runs_side_by_side_query_by_query(tmp_path, capsys):
    config = SuiteConfig(tasks=["sniah"], lengths=[1_000], methods=["direct", "rlm"], n=2)
    run_suite(config, BenchScriptedModel(), tmp_path / "a", log=None, write_report=False)
    run_suite(config, BenchScriptedModel(), tmp_path / "b", log=None, write_report=False)
    # Make one query of b worse, as a change might: its score and answer must show in the comparison.
    rows = [json.loads(line) for line in lines(tmp_path / "b")]
    worse = next(r for r in rows if r["method"] == "rlm" and r["seed"] == 1)
    worse.update(score=0.0, prediction="no idea", status="budget")
    (tmp_path / "b" / RESULTS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))

    assert bench_main(["compare", str(tmp_path / "a"), str(tmp_path / "b" / RESULTS_FILE),
                       "--methods", "rlm", "--names", "old,new"]) == 0
    text = capsys.readouterr().out
    assert "# old vs new" in text and "## `rlm`" in text and "## `direct`" not in text
    assert "2 queries: mean score 1.00 → 0.50" in text and "budget-outs 0 → 1" in text
    assert "| sniah | 1,000 | 1 | 1.00 → 0.00 |" in text and "no idea (budget)" in text
    assert bench_main(["compare", str(tmp_path / "a"), str(tmp_path / "missing")]) == 2
    assert bench_main(["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--methods", "bm25"]) == 2


def test_a_folder_refuses_results_sampled_differently(tmp_path):
    from recursivelm.bench.runner import check_manifest
    from recursivelm.models.openai_compat import OpenAIModel

    config = SuiteConfig(tasks=["sniah"], lengths=[4000], methods=["direct"])
    greedy = OpenAIModel("m", base_url="http://127.0.0.1:9/v1", api_key="k", temperature=0)
    check_manifest(tmp_path, greedy, config)
    check_manifest(tmp_path, greedy, config)  # a resume with the same settings is fine
    assert json.loads((tmp_path / MANIFEST_FILE).read_text())["sampling"]["temperature"] == 0
    sampled = OpenAIModel("m", base_url="http://127.0.0.1:9/v1", api_key="k")
    with pytest.raises(ValueError, match="sampled with .*use another --out"):
        check_manifest(tmp_path, sampled, config)
