"""`rlm batch` / `recursivelm.batch()`: many jobs against real local OpenAI-compatible servers (an endpoint fleet of
two, one of them killed mid-batch), resume, failed jobs as results, and bad input as one line."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from recursivelm import ScriptedModel, batch, load_events
from recursivelm.batching import BatchInputError
from recursivelm.batching.results import run_file_name
from recursivelm.cli import main

from conftest import block

FAKE_SERVER = Path(__file__).resolve().parent.parent / "bench" / "fake_openai_server.py"
ROOT_LATENCY_S = 0.05  # each root turn takes this long on the fake server: jobs overlap, none is instant


class ServerProcess:
    """bench/fake_openai_server.py in its own process, so that killing it really cuts its connections."""

    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, str(FAKE_SERVER), "--port", "0", "--root-latency",
                                      str(ROOT_LATENCY_S), "--sub-latency", "0.01"],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("READY "), line
        self.url = line.split()[1]

    def log(self) -> list[dict]:
        import urllib.request

        with urllib.request.urlopen(self.url.replace("/v1", "/bench/log"), timeout=10) as r:
            return json.load(r)["records"]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)


@pytest.fixture
def servers():
    pair = [ServerProcess(), ServerProcess()]
    yield pair
    for s in pair:
        s.kill()


def job(n: int, turns: int = 1, **extra) -> dict:
    """A job the fake root answers after `turns` code turns, with the answer ANS-n."""
    return {"id": f"j{n}", "text": f"document {n} " * 20,
            "question": f"[bench run=j{n} turns={turns} code=len answer=ANS-{n}] what is in it?", **extra}


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def fleet_settings(servers, **kw) -> dict:
    return {"model": "openai/fake-root", "endpoints": [s.url for s in servers], "sandbox": "inprocess", **kw}


def test_a_batch_spreads_over_two_endpoints_and_completes_when_one_is_killed_mid_batch(servers, tmp_path):
    out = tmp_path / "out"
    jobs = [job(n) for n in range(16)]
    killed_after = []

    def on_record(record):
        if len(killed_after) == 0 and record["status"] == "answered":
            seen = {r["id"] for r in records(out)}
            if len(seen) >= 4:
                servers[1].kill()  # mid-batch: jobs are in flight on it right now
                killed_after.append(len(seen))

    summary = batch(jobs, out, concurrency=4, on_record=on_record, **fleet_settings(servers))
    assert killed_after, "the server was never killed"
    got = records(out)
    assert sorted(r["id"] for r in got) == sorted(j["id"] for j in jobs)  # every job, once
    assert all(r["status"] == "answered" for r in got), [r["error"] for r in got if r["status"] != "answered"]
    assert {r["id"]: r["answer"] for r in got} == {f"j{n}": f"ANS-{n}" for n in range(16)}
    assert summary.count("answered") == 16 and summary.skipped == 0
    # Requests went to both endpoints; after the kill, only to the one left.
    per_endpoint: dict[str, int] = {}
    for r in got:
        for url, totals in r["usage"]["by_endpoint"].items():
            per_endpoint[url] = per_endpoint.get(url, 0) + totals["calls"]
    assert set(per_endpoint) == {servers[0].url, servers[1].url}
    assert sum(per_endpoint.values()) == sum(r["usage"]["total"]["calls"] for r in got) == 32  # 2 root turns a job
    assert per_endpoint[servers[0].url] > per_endpoint[servers[1].url]
    for r in got:  # every record is complete, and its events load back (rlm view reads the same file)
        assert r["executor"] == "local" and r["node"] and r["wall_time_s"] > 0
        events = load_events(out / r["log"])
        assert events[0].type == "run_start" and events[-1].type == "run_end"
        assert events[-1].status == "answered"


def test_a_rerun_runs_nothing_twice(servers, tmp_path):
    out = tmp_path / "out"
    settings = fleet_settings(servers[:1])
    first = batch([job(n, turns=0) for n in range(5)], out, concurrency=2, **settings)
    assert len(first.records) == 5
    # A crash while writing leaves a cut last line: that job counts as not done, and is run again.
    text = (out / "results.jsonl").read_text().splitlines()
    (out / "results.jsonl").write_text("\n".join(text[:-1]) + "\n" + text[-1][:30])
    cut_id = json.loads(text[-1])["id"]
    again = batch([job(n, turns=0) for n in range(7)], out, concurrency=2, **settings)
    assert sorted(r["id"] for r in again.records) == sorted([cut_id, "j5", "j6"])
    assert again.skipped == 4
    runs_per_job: dict[str, int] = {}
    for rec in servers[0].log():
        runs_per_job[rec["run"]] = runs_per_job.get(rec["run"], 0) + 1
    assert runs_per_job[cut_id] == 2 and all(v == 1 for k, v in runs_per_job.items() if k != cut_id)
    third = batch([job(n, turns=0) for n in range(7)], out, **settings)
    assert third.records == [] and third.skipped == 7  # all done: nothing runs
    done = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines() if line.startswith("{\"id")
            and line.endswith("}")]
    assert sorted(r["id"] for r in done) == [f"j{n}" for n in range(7)]


def test_a_failed_job_is_a_result_and_retry_failed_runs_it_again(servers, tmp_path, monkeypatch):
    # One server through OPENAI_BASE_URL (an endpoint fleet takes OpenAI-compatible models only, and this batch
    # has a job naming a scripted model whose file is missing: that job fails, the others do not).
    monkeypatch.setenv("OPENAI_BASE_URL", servers[0].url)
    monkeypatch.setenv("OPENAI_API_KEY", "none")
    out = tmp_path / "out"
    jobs = [job(0, turns=0), job(1, turns=0, model="scripted:/no/such/replies.json"), job(2, turns=0)]
    settings = {"model": "openai/fake-root", "sandbox": "inprocess"}
    summary = batch(jobs, out, **settings)
    by_id = {r["id"]: r for r in records(out)}
    assert by_id["j0"]["status"] == by_id["j2"]["status"] == "answered"
    assert by_id["j1"]["status"] == "failed" and "not found" in by_id["j1"]["error"]
    assert summary.count("failed") == 1
    assert batch(jobs, out, **settings).records == []  # a failure is a result too
    retried = batch(jobs, out, retry_failed=True, **settings)
    assert [r["id"] for r in retried.records] == ["j1"]


def test_a_path_context_is_read_relative_to_the_jobs_file_and_the_cli_reports_in_one_line(servers, tmp_path, capsys):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("alpha " * 100)
    jobs_file = tmp_path / "jobs.jsonl"
    lines = [{"id": "path job", "context": "docs/a.txt", "question": "[bench run=p turns=1 answer=P] ?"},
             {"id": 7, "text": "inline", "question": "[bench run=t turns=0 answer=T] ?", "max_iterations": 3}]
    jobs_file.write_text("\n".join(json.dumps(x) for x in lines) + "\n\n")
    out = tmp_path / "out"
    code = main(["batch", str(jobs_file), "--out", str(out), "--model", "openai/fake-root", "--endpoints",
                 ",".join(s.url for s in servers), "--sandbox", "inprocess", "--concurrency", "2"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "2/2 done · 0 failed" in err and "2 answered" in err
    assert "$0.0000 + 3 unpriced calls" in err  # the fake model has no price: the cost says what it leaves out
    by_id = {r["id"]: r for r in records(out)}
    assert by_id["path job"]["answer"] == "P" and by_id["7"]["answer"] == "T"
    assert by_id["path job"]["log"] == f"runs/{run_file_name('path job')}"  # an id with a space: a safe file name
    assert (out / by_id["path job"]["log"]).exists() and (out / "runs" / "7.jsonl").exists()
    assert main(["view", str(out / by_id["7"]["log"]), "--html", str(tmp_path / "seven.html")]) == 0  # rlm view reads it
    assert set(by_id["path job"]["usage"]["by_endpoint"]) <= {s.url for s in servers}
    # Again: nothing to run, and it says so.
    assert main(["batch", str(jobs_file), "--out", str(out), "--model", "openai/fake-root", "--sandbox",
                 "inprocess"]) == 0
    assert "2 of 2 jobs already in" in capsys.readouterr().err


@pytest.mark.parametrize("lines, message", [
    (['{"id": 1, "text": "x", "question": "q"}', '{"id": 1, "text": "y"'], "jobs.jsonl line 2: not JSON"),
    (['{"id": 1, "text": "x", "question": "q"}', '{"id": "1", "text": "y", "question": "q"}'],
     "line 2: id '1' is given twice (first at jobs.jsonl line 1)"),
    (['{"id": "a", "context": "missing.txt", "question": "q"}'], "the context"),
    (['{"id": "a", "text": "x", "question": "q", "max_iteratons": 3}'], "unknown key 'max_iteratons'"),
    (['{"id": "a", "text": "x", "context": "y", "question": "q"}'], "not both"),
    (['{"id": "a", "text": "x", "question": ""}'], 'has no "question"'),
    (['{"id": "a", "text": "x", "question": "q", "max_iterations": 0}'], "max_iterations must be at least 1"),
    (['["a", "b"]'], "a job is a JSON object"),
])
def test_bad_jobs_are_refused_in_one_line_before_anything_runs(tmp_path, capsys, lines, message):
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    code = main(["batch", str(jobs_file), "--out", str(out), "--model", "openai/m", "--endpoints",
                 "http://127.0.0.1:9/v1", "--sandbox", "inprocess"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert not (out / "results.jsonl").exists()


def test_bad_settings_are_refused_in_one_line(tmp_path, capsys):
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text('{"id": "a", "text": "x", "question": "q"}\n')
    assert main(["batch", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    assert main(["batch", str(jobs_file), "--out", str(tmp_path / "file"), "--model", "openai/m"]) == 2
    assert "is a file" in capsys.readouterr().err
    assert main(["batch", str(jobs_file), "--out", str(tmp_path / "o"), "--log", "x.jsonl"]) == 2
    assert "leave out --log" in capsys.readouterr().err
    assert main(["batch", str(jobs_file), "--out", str(tmp_path / "o"), "--model", "openai/m", "--max-cost", "1"]) == 2
    assert "--max-cost 1 cannot be kept" in capsys.readouterr().err  # no price known for openai/m
    assert main(["batch", str(jobs_file), "--out", str(tmp_path / "o"), "--endpoints", "http://127.0.0.1:9/v1",
                 "--sandbox", "inprocess"]) == 2  # the default embedded model is not served by endpoints
    err = capsys.readouterr().err
    assert "OpenAI-compatible models only" in err and len(err.strip().splitlines()) == 1
    results = tmp_path / "o" / "results.jsonl"
    assert not results.exists() or results.read_text() == ""  # refused before any job: no failed records
    with pytest.raises(BatchInputError, match="concurrency"):
        batch([{"id": "a", "text": "x", "question": "q"}], tmp_path / "o", concurrency=0)
    with pytest.raises(SystemExit):  # argparse's own one-line usage error
        main(["batch", str(jobs_file), "--out", str(tmp_path / "o"), "--endpoints", "localhost:8000"])
    assert "http://HOST:PORT/v1" in capsys.readouterr().err


def test_run_file_names_are_safe_and_distinct():
    assert run_file_name("q1") == "q1.jsonl"
    names = {run_file_name(i) for i in ("a/b", "a b", "a:b", "../x", ".hidden")}
    assert len(names) == 5 and all("/" not in n and not n.startswith(".") for n in names)


@pytest.mark.skipif(os.name != "posix", reason="signals")
def test_interrupting_a_cli_batch_keeps_what_finished(servers, tmp_path):
    """Ctrl-C: exit 130, the finished jobs stay in results.jsonl, and a rerun runs only the rest."""
    jobs_file = tmp_path / "jobs.jsonl"
    # ~20 s of work at 2 in flight: the interrupt lands mid-batch even on a loaded machine
    jobs_file.write_text("\n".join(json.dumps(job(n, turns=20)) for n in range(40)) + "\n")
    out = tmp_path / "out"
    args = [sys.executable, "-m", "recursivelm.cli", "batch", str(jobs_file), "--out", str(out), "--model",
            "openai/fake-root", "--endpoints", servers[0].url, "--sandbox", "inprocess", "--concurrency", "2", "-q"]
    # Ctrl-C's default action in the child even when this test runs under a parent ignoring SIGINT (a script
    # started in the background, as CI may be): the child would inherit the ignore and finish with exit 0.
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len((out / "results.jsonl").read_text().splitlines()
                                               if (out / "results.jsonl").exists() else []) < 2:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=90) == 130  # generous: on a loaded machine the interrupted jobs wind down slowly
    finished = {r["id"] for r in records(out)}
    assert 2 <= len(finished) < 40
    again = batch(str(jobs_file), out, model="openai/fake-root", endpoints=[servers[0].url], sandbox="inprocess",
                  concurrency=8)
    assert finished.isdisjoint(r["id"] for r in again.records)
    assert sorted(r["id"] for r in records(out)) == sorted(f"j{n}" for n in range(40))


class SwallowsCancel(ScriptedModel):
    """A root whose call swallows a cancel landing in it, as Python 3.11's asyncio.wait_for can when the call it
    waits on completes at that moment."""

    async def complete(self, messages, **options):
        try:
            await asyncio.sleep(0.3)
        except asyncio.CancelledError:
            pass
        return await super().complete(messages, **options)


def test_a_cancel_swallowed_inside_a_job_still_stops_the_batch(tmp_path):
    from recursivelm.batching.execute import BatchSettings
    from recursivelm.batching.jobs import Job
    from recursivelm.batching.results import ResultsFile
    from recursivelm.batching.runner import run_local

    root = SwallowsCancel(respond=lambda m: block('FINAL("x")'), name="scripted")
    settings = BatchSettings(model=root, profile="default", sandbox="inprocess")
    jobs = [Job(id=f"j{n}", question="q?", text="some text") for n in range(6)]
    results = ResultsFile(tmp_path / "out")

    async def main():
        task = asyncio.ensure_future(run_local(jobs, settings, results, 1, lambda record: None))
        await asyncio.sleep(0.1)
        task.cancel()
        await task

    with pytest.raises(asyncio.CancelledError):
        asyncio.run(main())
    assert len(results.done(False)) <= 1  # the job the cancel landed in may finish; no other starts
