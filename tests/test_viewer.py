"""`rlm view`: the page data built from a real run's events, the one-file export, the local server."""

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.events import Answer, CellEnd, CellStart, RootCall, RunEnd, RunStart, SubCall, SubCallsQueued
from recursivelm.viewer import ViewerServer, add_view_parser, cmd_view
from recursivelm.viewer.reader import EventFile, RunSelection
from recursivelm.viewer.render import page_data, standalone_html, write_standalone_html
from recursivelm.viewer.summary import usage_totals

from conftest import block

CHILD_QUESTION = "CHILD-TASK: which supplier sent invoice 7, and when?"
ANSWER = "Supplier Kestrel Ltd, 2024-03-07; vault code 4417"
DOC = "\n".join(
    [f"2024-03-{d:02d} invoice {d} from {name}: {'late' if d % 3 else 'on time'} delivery, {d * 37} units"
     for d, name in zip(range(1, 31), ["Kestrel Ltd", "Acme", "Borealis", "Quill & Co", "Nimbus"] * 6)]
    + ["the vault code is 4417"]
)


def _root_or_child(messages):
    """The root model of both runs: the root asks a batch and a child run, the child asks one sub-call."""
    question = messages[1]["content"]
    turn = sum(1 for m in messages if m["role"] == "assistant")
    if "CHILD-TASK" in question:
        return block("who = llm_query('Which supplier sent invoice 7? ' + search('invoice 7 '))\nFINAL(who)")
    if turn == 0:
        return ("Let me look at the late deliveries first.\n"
                + block("late = [l for l in context.splitlines() if 'late' in l]\nprint(len(late), 'late deliveries')\n"
                        "for line in late:\n    print(line * 3)  # more than the root model may see"))
    if turn == 1:
        return ("I'll summarise each week in parallel and hand the invoice question to a child RLM.\n"
                + block("weeks = chunks(size=400)\n"
                        "notes = llm_query_batched([f'Summarise the late deliveries: {w}' for w in weeks] + "
                        "['Summarise the late deliveries: ' + weeks[0]])\n"
                        f"who = rlm_query({CHILD_QUESTION!r})\n"
                        "print(len(notes), 'notes;', who)"))
    return block(f"FINAL({ANSWER!r})")


def _sub_reply(messages):
    prompt = messages[-1]["content"]
    if "invoice 7" in prompt:
        return "Kestrel Ltd sent invoice 7 on 2024-03-07."
    return f"{prompt.count('late')} late deliveries in this part, mostly from Acme and Borealis. " * 3


def record_run(log: Path, latency_s: float = 0.0):
    """A real run on scripted models, logged to `log`: root → cell → llm_query_batched + rlm_query child → FINAL."""
    root = ScriptedModel(respond=_root_or_child, name="openai/gpt-5", latency_s=latency_s)
    sub = ScriptedModel(respond=_sub_reply, name="openai/gpt-5-mini", latency_s=latency_s)
    rlm = RLM(root, sub_model=sub, limits=Limits(max_output_chars=900, max_depth=1), log=log)
    return rlm.run(DOC, "Which supplier was late most often, and what is the vault code?")


def big_log(path: Path, sub_calls: int) -> Path:
    """A log of one root run whose one cell made `sub_calls` sub-calls (written directly: fast)."""
    rows = [RunStart(id="run1", run="r", depth=0, t=0.0, question="q", model="m", sub_model="s")]
    rows.append(RootCall(id="root2", run="r", depth=0, t=1.0, iteration=1, reply=block("llm_query_batched(...)"),
                         model="m", input_tokens=900, output_tokens=60, duration_s=1.0))
    rows.append(CellStart(id="cell3", parent="root2", run="r", depth=0, t=1.0, iteration=1, index=1, code="x = 1"))
    rows.append(SubCallsQueued(id="queue4", parent="cell3", run="r", depth=1, t=1.0, count=sub_calls, kind="llm_query_batched"))
    for i in range(sub_calls):
        t = 1.0 + i * 0.01
        prompt, cached = f"Summarise part {i}: " + "lorem ipsum dolor sit amet " * 8, i % 50 == 0
        rows.append(SubCall(id=f"sub{i + 5}", parent="cell3", run="r", depth=1, t=t + 0.5, prompt=prompt,
                            prompt_chars=len(prompt), reply=f"Part {i} says little. " * 5, model="s",
                            input_tokens=0 if cached else 70, output_tokens=0 if cached else 30,
                            cost=None if cached else 0.0001, duration_s=0.5, cached=cached))
    end_t = 1.0 + sub_calls * 0.01 + 1
    rows.append(CellEnd(id="end", parent="cell3", run="r", depth=0, t=end_t, output="done", output_chars=4, duration_s=end_t - 1))
    rows.append(Answer(id="ans", run="r", depth=0, t=end_t, answer="42", via="FINAL"))
    rows.append(RunEnd(id="runend", run="r", depth=0, t=end_t, status="answered", answer="42", wall_time_s=end_t))
    path.write_text("".join(json.dumps(e.as_dict()) + "\n" for e in rows))
    return path


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    log = tmp_path_factory.mktemp("viewer") / "run.jsonl"
    result = record_run(log)
    assert result.status == "answered" and result.answer == ANSWER
    return log, result


def events_of(log):
    return RunSelection(EventFile(log)).events()


# -- the data the page is given --------------------------------------------------------------------
def test_the_child_run_nests_under_the_cell_that_spawned_it(recorded):
    log, _ = recorded
    events = events_of(log)
    by_id = {e["id"]: e for e in events}
    root, child = [e for e in events if e["type"] == "run_start"]
    assert root["parent"] is None and child["question"] == CHILD_QUESTION
    cell = by_id[child["parent"]]
    turn = by_id[cell["parent"]]
    assert (cell["type"], turn["type"], turn["run"], turn["iteration"]) == ("cell_start", "root_call", root["run"], 2)
    child_cells = [e for e in events if e["type"] == "cell_start" and e["run"] == child["run"]]
    assert child_cells and all(by_id[c["parent"]]["run"] == child["run"] for c in child_cells)
    child_subs = [e for e in events if e["type"] == "sub_call" and e["run"] == child["run"]]
    assert len(child_subs) == 1 and by_id[child_subs[0]["parent"]]["run"] == child["run"]
    batch = [e for e in events if e["type"] == "sub_call" and e["parent"] == cell["id"]]
    assert len(batch) == 6 and sum(e["cached"] for e in batch) == 1


def test_totals_per_model_and_depth_equal_the_runs_usage(recorded):
    log, result = recorded
    totals = usage_totals(events_of(log))

    def same(shown, expected):
        assert (shown["calls"], shown["input_tokens"], shown["output_tokens"]) == \
            (expected.calls, expected.input_tokens, expected.output_tokens)
        assert shown["cost"] == pytest.approx(expected.cost) and shown["unpriced_calls"] == expected.unpriced_calls

    same(totals["total"], result.usage.total())
    assert set(totals["by_model"]) == set(result.usage.by_model()) == {"openai/gpt-5", "openai/gpt-5-mini"}
    for name, expected in result.usage.by_model().items():
        same(totals["by_model"][name], expected)
    assert set(totals["by_depth"]) == {str(d) for d in result.usage.by_depth()} == {"0", "1", "2"}
    for depth, expected in result.usage.by_depth().items():
        same(totals["by_depth"][str(depth)], expected)
    assert totals["total"]["cache_hits"] == 1 and totals["total"]["cost"] > 0


def test_the_header_names_the_answer_status_and_where_the_time_went(recorded):
    log, result = recorded
    data = page_data(events_of(log), source="run.jsonl")
    s = data["summary"]
    assert (s["finished"], s["status"], s["answer"], s["answer_via"], s["limit"]) == (True, "answered", ANSWER, "FINAL", None)
    assert (s["iterations"], s["runs"], s["sub_calls"]) == (3, 2, 7)
    rows = {(r["kind"], r["depth"]): r for r in data["timeline"]["rows"]}
    assert set(rows) == {("root", 0), ("cell", 0), ("sub", 1), ("root", 1), ("cell", 1), ("sub", 2)}
    assert len(rows["root", 0]["bars"]) == 3 and len(rows["sub", 1]["bars"]) == 6
    assert data["timeline"]["span_s"] >= max(s + d for r in rows.values() for s, d, *_ in r["bars"])


def test_a_run_stopped_by_a_limit_says_which_and_why(tmp_path):
    log = tmp_path / "limit.jsonl"
    root = ScriptedModel(replies=[block("print(1)"), block("print(2)"), "FINAL(best guess)"], name="scripted")
    RLM(root, limits=Limits(max_iterations=2), log=log).run(DOC, "q")
    s = page_data(events_of(log), "limit")["summary"]
    assert (s["status"], s["limit"], s["answer"], s["answer_via"]) == ("limit", "max_iterations", "best guess", "answer_now")
    assert "2 root turns" in s["limit_detail"] and s["iterations"] == 3


def test_the_truncation_note_reaches_the_page(recorded):
    log, _ = recorded
    first_output = next(e for e in page_data(events_of(log), "x")["events"] if e["type"] == "cell_end")
    assert re.search(r"\.\.\. \[[\d,]+ characters cut", first_output["output"])
    assert first_output["output_chars"] > len(first_output["output"])


def test_parallel_sub_calls_stack_in_lanes(tmp_path):
    record_run(tmp_path / "slow.jsonl", latency_s=0.05)
    rows = {(r["kind"], r["depth"]): r for r in page_data(events_of(tmp_path / "slow.jsonl"), "x")["timeline"]["rows"]}
    assert rows["sub", 1]["lanes"] >= 5  # five distinct prompts in flight at once
    assert rows["root", 0]["lanes"] == 1  # root turns never overlap


# -- the one-file export ---------------------------------------------------------------------------
def test_html_export_is_one_self_contained_file(recorded, tmp_path):
    log, _ = recorded
    out = tmp_path / "run.html"
    parser = __import__("argparse").ArgumentParser()
    add_view_parser(parser.add_subparsers())
    assert cmd_view(parser.parse_args(["view", str(log), "--html", str(out)])) == 0
    html = out.read_text()
    assert ANSWER in html and CHILD_QUESTION in html
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)="(?!data:)""", html)  # nothing to fetch
    assert html.count("<script") == 2 and "</script>" in html  # the data, then the page's code


def test_the_export_escapes_what_would_end_its_script(tmp_path):
    data = {"source": "x", "events": [{"type": "answer", "answer": "</script><script>alert(1)</script>"}],
            "summary": {}, "timeline": {"rows": []}}
    html = standalone_html(data)
    payload = html.split('id="rlm-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload)["events"][0]["answer"] == "</script><script>alert(1)</script>"


# Text the HTML parser or UTF-8 cannot take as it is: "<!--<script" used to swallow the page's end (blank page),
# a lone surrogate made the export raise.
HOSTILE = "a <!--<script> b </script> c <!-- d \udfff e"


def export_hostile_run(tmp_path) -> tuple[Path, str]:
    """`rlm ask --log` on a scripted model whose cell prints HOSTILE and answers it, then `rlm view --html`."""
    code = f"text = {HOSTILE!r}\nprint(text)\nFINAL(text)"
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps([block(code)]))
    doc, log, out = tmp_path / "doc.txt", tmp_path / "run.jsonl", tmp_path / "run.html"
    doc.write_text("text")
    rlm = [sys.executable, "-m", "recursivelm.cli"]
    asked = subprocess.run(rlm + ["ask", str(doc), "q", "--model", f"scripted:{replies}", "--sandbox", "inprocess",
                                  "--log", str(log), "-q"], capture_output=True, timeout=60)
    assert asked.returncode == 0, asked.stderr
    viewed = subprocess.run(rlm + ["view", str(log), "--html", str(out)], capture_output=True, text=True, timeout=60)
    assert viewed.returncode == 0, viewed.stderr
    return out, out.read_text(encoding="utf-8")


def test_the_export_holds_text_that_html_and_utf8_cannot_take_raw(tmp_path):
    _, html = export_hostile_run(tmp_path)
    payload = html.split('id="rlm-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in payload  # nothing in the data can open a tag, a comment or an escape state
    assert html.count("<script") == 2  # the data, then the page's code
    events = json.loads(payload)["events"]  # and JSON reads every string back exactly
    assert [e["answer"] for e in events if e["type"] == "answer"] == [HOSTILE]
    assert [e["output"].strip() for e in events if e["type"] == "cell_end"] == [HOSTILE]


def test_a_log_with_several_runs_shows_the_last_by_default_or_the_one_asked_for(recorded, tmp_path):
    log, _ = recorded
    both = tmp_path / "both.jsonl"
    both.write_text(log.read_text() + log.read_text().replace(ANSWER, "second answer"))
    assert RunSelection(EventFile(both)).events()[-1]["answer"] == "second answer"
    assert RunSelection(EventFile(both), 1).events()[-1]["answer"] == ANSWER
    assert len(RunSelection(EventFile(both), 1).events()) == len(events_of(log))
    with pytest.raises(ValueError, match="holds 2 runs"):
        write_standalone_html(both, tmp_path / "x.html", run=3)


def test_export_refuses_a_missing_or_empty_log(tmp_path):
    with pytest.raises(ValueError, match="no such event log"):
        write_standalone_html(tmp_path / "nope.jsonl", tmp_path / "x.html")
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(ValueError, match="holds no run"):
        write_standalone_html(tmp_path / "empty.jsonl", tmp_path / "x.html")


# -- the server ------------------------------------------------------------------------------------
def get(server, path, host=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{server.port}"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_the_server_binds_loopback_only_and_serves_the_page(recorded):
    log, _ = recorded
    with ViewerServer(log) as server:
        assert server.httpd.server_address[0] == "127.0.0.1" and server.url == f"http://127.0.0.1:{server.port}/"
        status, page = get(server, "/")
        assert status == 200 and b'<script src="viewer.js">' in page
        assert get(server, "/viewer.js")[0] == get(server, "/viewer.css")[0] == 200
        assert get(server, "/../../etc/passwd")[0] == 404
        assert get(server, "/events", host="evil.example:80")[0] == 403  # DNS rebinding finds nothing
        for address in _other_local_addresses():
            with pytest.raises(OSError):
                socket.create_connection((address, server.port), timeout=1).close()


def _other_local_addresses():
    """This machine's non-loopback addresses: the viewer must not answer on any of them."""
    try:
        return [a for a in {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
                if not a.startswith("127.")]
    except socket.gaierror:
        return []


def test_events_after_n_returns_only_newer_events_and_waits_out_a_torn_line(recorded, tmp_path):
    log, _ = recorded
    lines = log.read_text().splitlines(keepends=True)
    live = tmp_path / "live.jsonl"
    live.write_text("".join(lines[:5]) + lines[5][:20])  # the writer is midway through line 6
    with ViewerServer(live) as server:
        first = json.loads(get(server, "/events?after=0")[1])
        assert first["next"] == 5 and [e["id"] for e in first["events"]] == [json.loads(x)["id"] for x in lines[:5]]
        assert first["summary"]["finished"] is False and first["summary"]["status"] == "running"
        idle = json.loads(get(server, "/events?after=5")[1])
        assert idle["events"] == [] and "summary" not in idle  # an idle poll is tiny
        with live.open("a") as f:
            f.write(lines[5][20:] + "".join(lines[6:9]))
        newer = json.loads(get(server, "/events?after=5")[1])
        assert newer["next"] == 9 and [e["id"] for e in newer["events"]] == [json.loads(x)["id"] for x in lines[5:9]]
        with live.open("a") as f:
            f.write("".join(lines[9:]))
        rest = json.loads(get(server, "/events?after=9")[1])
        assert rest["next"] == len(lines) and rest["summary"]["finished"] is True
        assert get(server, "/events?after=x")[0] == 400


def test_the_server_waits_for_a_log_that_does_not_exist_yet(recorded, tmp_path):
    log, _ = recorded
    later = tmp_path / "later.jsonl"
    with ViewerServer(later) as server:
        empty = json.loads(get(server, "/events?after=0")[1])
        assert empty["events"] == [] and empty["summary"]["started"] is False
        later.write_text(log.read_text())
        assert json.loads(get(server, "/events?after=0")[1])["summary"]["finished"] is True


# The child stands for `rlm view` started from a terminal, where Ctrl-C raises KeyboardInterrupt. Set
# that explicitly: a test run started in the background (`cmd &` in a script) ignores SIGINT, and
# the child would inherit that.
VIEW_COMMAND = """
import argparse, signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)
from recursivelm.viewer import add_view_parser
parser = argparse.ArgumentParser(prog="rlm")
add_view_parser(parser.add_subparsers(dest="command", required=True))
args = parser.parse_args(sys.argv[1:])
sys.exit(args.func(args))
"""


def test_the_view_command_prints_its_url_serves_and_stops_cleanly_on_ctrl_c(recorded):
    log, _ = recorded
    proc = subprocess.Popen([sys.executable, "-c", VIEW_COMMAND, "view", str(log), "--no-open"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/", url), url
        port = int(url.rsplit(":", 1)[1].strip("/"))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/events?after=0")
        assert json.loads(conn.getresponse().read())["summary"]["answer"] == ANSWER
        conn.close()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait()


def test_a_busy_port_is_a_clear_error(recorded):
    log, _ = recorded
    with ViewerServer(log) as first:
        with pytest.raises(ValueError, match=f"cannot listen on 127.0.0.1:{first.port}"):
            ViewerServer(log, port=first.port)


# -- size ------------------------------------------------------------------------------------------
def test_five_thousand_sub_calls_build_fast_and_stay_a_reasonable_size(tmp_path):
    log = big_log(tmp_path / "big.jsonl", 5_000)
    started = time.perf_counter()
    out = write_standalone_html(log, tmp_path / "big.html")
    elapsed = time.perf_counter() - started
    size = out.stat().st_size
    assert elapsed < 3.0, f"building the page took {elapsed:.1f}s"
    assert size < 8_000_000, f"the page is {size:,} bytes"
    data = page_data(events_of(log), "big")
    assert data["summary"]["sub_calls"] == 5_000 and data["summary"]["usage"]["total"]["cache_hits"] == 100
    assert max(r["lanes"] for r in data["timeline"]["rows"]) == 50  # 0.5 s calls started every 10 ms


def test_huge_strings_are_folded_before_they_reach_the_page(tmp_path):
    rows = [RunStart(id="run1", run="r", depth=0, t=0, question="q"),
            RootCall(id="root2", run="r", depth=0, t=1, iteration=1, reply="x" * 1_000_000)]
    log = tmp_path / "huge.jsonl"
    log.write_text("".join(json.dumps(e.as_dict()) + "\n" for e in rows))
    reply = page_data(events_of(log), "huge")["events"][1]["reply"]
    assert len(reply) < 25_000 and "characters not shown by the viewer" in reply
