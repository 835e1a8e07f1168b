"""`rlm batch --ray`: the same batch on a real Ray cluster on loopback (`ray start --head`, started and stopped here),
with the same results file and resume, every result saying `executor: "ray"`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

pytest.importorskip("ray", reason="the Ray extra is not installed (pip install 'recursivelm[ray]')")

from test_batch import ServerProcess, job, records  # noqa: E402 - after the skip: same servers, same jobs

from recursivelm import batch, load_events  # noqa: E402
from recursivelm.cli import main  # noqa: E402

CLUSTER_START_S = 120  # `ray start` takes ~10 s on an idle 2-core machine; much longer on a loaded one
CLUSTER_STOP_S = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def ray_cluster():
    """A one-node cluster on 127.0.0.1 with 2 CPUs and a 100 MB object store, in its own process group: it is
    stopped by SIGTERM to `ray start --block` (which ends what it started), and its group killed if that fails."""
    port = free_port()
    # Ray's token authentication keeps one token per user (~/.ray): a second cluster started on this machine
    # meanwhile (another test run) replaces it, and this cluster's driver is refused. On loopback it guards
    # nothing, so it is off, for the cluster's processes and for this process's driver alike.
    saved_auth = os.environ.get("RAY_AUTH_MODE")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    temp_dir = tempfile.mkdtemp(prefix="rlmray", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    proc = subprocess.Popen(
        [sys.executable, "-m", "ray.scripts.scripts", "start", "--head", "--node-ip-address", "127.0.0.1",
         "--port", str(port), "--dashboard-agent-listen-port", str(free_port()), "--num-cpus", "2",
         "--object-store-memory", "100000000", "--include-dashboard", "false", "--disable-usage-stats",
         "--temp-dir", temp_dir, "--block"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"})
    try:
        deadline = time.monotonic() + CLUSTER_START_S
        seen = []
        for line in proc.stdout:  # the line `ray start --block` prints once every component is up
            seen.append(line)
            if "block forever" in line or time.monotonic() > deadline:
                break
        if proc.poll() is not None or not any("block forever" in line for line in seen):
            pytest.fail("ray start --head did not come up:\n" + "".join(seen[-20:]))
        yield f"127.0.0.1:{port}"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=CLUSTER_STOP_S)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # whatever of this cluster is still alive
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)
        if saved_auth is None:
            os.environ.pop("RAY_AUTH_MODE", None)
        else:
            os.environ["RAY_AUTH_MODE"] = saved_auth


@pytest.fixture
def servers():
    pair = [ServerProcess(), ServerProcess()]
    yield pair
    for s in pair:
        s.kill()


def test_a_batch_on_a_ray_cluster_has_the_same_results_file_and_resume(ray_cluster, servers, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "shared.txt").write_text("a document on the shared path " * 40)
    jobs = [job(n) for n in range(6)]  # their text travels through the object store
    jobs += [{"id": f"p{n}", "context": str(docs / "shared.txt"),  # read where the task runs
              "question": f"[bench run=p{n} turns=1 answer=P-{n}] ?"} for n in range(2)]
    out = tmp_path / "out"
    settings = {"model": "openai/fake-root", "endpoints": [s.url for s in servers], "sandbox": "inprocess",
                "ray": ray_cluster, "concurrency": 4}
    summary = batch(jobs, out, **settings)
    got = records(out)
    assert summary.executor == "ray" and len(summary.records) == 8
    assert {r["id"]: r["answer"] for r in got} == {**{f"j{n}": f"ANS-{n}" for n in range(6)},
                                                   **{f"p{n}": f"P-{n}" for n in range(2)}}
    assert all(r["status"] == "answered" and r["executor"] == "ray" and r["node"] for r in got)
    for r in got:  # each task's events came back from its node into runs/ID.jsonl
        events = load_events(out / r["log"])
        assert events[0].type == "run_start" and events[-1].status == "answered"
    used = {url for r in got for url in r["usage"]["by_endpoint"]}
    assert used == {s.url for s in servers}  # the tasks' requests went to both replicas
    served = sum(len(s.log()) for s in servers)
    assert served == sum(r["usage"]["total"]["calls"] for r in got) == 16

    again = batch(jobs + [job(9, turns=0)], out, **settings)  # resume: only the new job runs
    assert [r["id"] for r in again.records] == ["j9"] and again.skipped == 8
    assert sum(len(s.log()) for s in servers) == served + 1
    assert [r["executor"] for r in records(out)] == ["ray"] * 9


def test_the_cli_on_ray_and_a_cluster_that_is_not_there(ray_cluster, servers, tmp_path, capsys):
    jobs_file = tmp_path / "jobs.jsonl"
    jobs_file.write_text("\n".join(json.dumps(job(n, turns=0)) for n in range(3)) + "\n")
    # The default sandbox: each job starts an isolated worker process on the node its Ray worker runs on.
    args = ["batch", str(jobs_file), "--model", "openai/fake-root", "--endpoints", servers[0].url]
    assert main([*args, "--out", str(tmp_path / "a"), "--ray", ray_cluster]) == 0
    assert "3/3 done · 0 failed" in capsys.readouterr().err
    assert [(r["executor"], r["status"]) for r in records(tmp_path / "a")] == [("ray", "answered")] * 3
    assert main([*args, "--out", str(tmp_path / "b"), "--ray", f"127.0.0.1:{free_port()}"]) == 2
    err = capsys.readouterr().err
    assert "cannot join the Ray cluster" in err and "ray start --head" in err and "Traceback" not in err
