"""The `rlm` command, run as a real subprocess on the scripted model."""

import json
import os
import subprocess
import sys

import pytest

from conftest import block

RLM = [sys.executable, "-m", "recursivelm.cli"]


def run(args, stdin=None, cwd=None):
    return subprocess.run(RLM + args, input=stdin, capture_output=True, text=True, timeout=60, cwd=cwd)


def script(tmp_path, replies):
    p = tmp_path / "script.json"
    p.write_text(json.dumps(replies))
    return f"scripted:{p}"


def test_ask_prints_only_the_answer_on_stdout(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("one\nthe code is 99\n")
    model = script(tmp_path, [block("print(search('code'))"), block("FINAL('99')")])
    p = run(["ask", str(doc), "what is the code?", "--model", model])
    assert p.returncode == 0 and p.stdout == "99\n"
    assert "iteration" in p.stderr and "answered" in p.stderr


def test_ask_reads_stdin(tmp_path):
    model = script(tmp_path, [block("FINAL(len(context))")])
    p = run(["ask", "-", "how long?", "--model", model, "-q"], stdin="12345")
    assert (p.returncode, p.stdout, p.stderr) == (0, "5\n", "")


def test_json_and_log(tmp_path):
    log = tmp_path / "events.jsonl"
    model = script(tmp_path, [block("FINAL(1)")])
    p = run(["ask", "-", "q", "--model", model, "--json", "--log", str(log)], stdin="text")
    result = json.loads(p.stdout)
    assert result["status"] == "answered" and result["answer"] == "1"
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert events[0]["type"] == "run_start" and events[-1]["type"] == "run_end"


def test_a_limit_flag_fires_and_exits_3_with_the_answer(tmp_path):
    model = script(tmp_path, [block("print(1)"), "FINAL(best)"])
    p = run(["ask", "-", "q", "--model", model, "--max-iterations", "1"], stdin="text")
    assert (p.returncode, p.stdout) == (3, "best\n")
    assert "max_iterations" in p.stderr


def test_bad_input_exits_2_with_a_clear_message(tmp_path):
    model = script(tmp_path, [block("FINAL(1)")])
    missing = run(["ask", str(tmp_path / "nope.txt"), "q", "--model", model])
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
    binary = tmp_path / "b.bin"
    binary.write_bytes(b"\x00\x01\x02")
    p = run(["ask", str(binary), "q", "--model", model])
    assert p.returncode == 2 and "binary" in p.stderr
    empty = run(["ask", "-", "q", "--model", model], stdin="")
    assert empty.returncode == 2 and "empty" in empty.stderr
    latin = tmp_path / "l.txt"
    latin.write_bytes("caf\xe9".encode("latin-1"))
    p = run(["ask", str(latin), "q", "--model", model])
    assert p.returncode == 2 and "--encoding" in p.stderr
    p = run(["ask", str(latin), "q", "--model", model, "--encoding", "latin-1", "-q"])
    assert p.returncode == 0 and p.stdout == "1\n"


def test_bad_settings_and_models_are_clear_errors(tmp_path):
    p = run(["ask", "-", "q", "--model", "nosuch/provider-x"], stdin="text")
    assert p.returncode == 2 and "unknown model" in p.stderr and "Traceback" not in p.stderr
    p = run(["ask", "-", "q", "--model", f"scripted:{tmp_path}/missing.json"], stdin="text")
    assert p.returncode == 2 and "not found" in p.stderr
    p = run(["ask", "-", "q", "--model", script(tmp_path, []), "--max-iterations", "0"], stdin="text")
    assert p.returncode == 2 and "max_iterations" in p.stderr


@pytest.mark.parametrize("flag, value", [("--cell-timeout-s", "nan"), ("--deadline-s", "inf"),
                                         ("--max-cost", "NaN"), ("--temperature", "nan")])
def test_a_limit_that_is_not_a_finite_number_is_refused(tmp_path, flag, value):
    # --cell-timeout-s nan used to be accepted and kill every cell; --max-cost nan turned the budget off.
    p = run(["ask", "-", "q", "--model", script(tmp_path, [block("FINAL(1)")]), flag, value], stdin="text")
    assert p.returncode == 2 and "not a finite number" in p.stderr and flag in p.stderr and p.stdout == ""


def test_a_failed_run_exits_1_and_says_why(tmp_path):
    model = script(tmp_path, [block("print(1)")])  # runs out of replies
    p = run(["ask", "-", "q", "--model", model], stdin="text")
    assert p.returncode == 1 and "no reply left" in p.stderr


def test_demo_on_the_scripted_model_reports_the_size_ratio(tmp_path):
    model = script(tmp_path, [block("print(search('access code'))"), block("FINAL('x')")])
    p = run(["demo", "--model", model, "--times", "3"])
    assert "3x the" in p.stderr and "expected answer" in p.stderr
    assert p.returncode == 1 and "the answer is NOT correct" in p.stderr  # a wrong demo answer is a failure


def test_demo_with_the_right_answer_exits_0(tmp_path):
    from recursivelm.demo import needle_document

    code = needle_document(32_768 * 3, seed=0).answer
    model = script(tmp_path, [block(f"FINAL({code!r})")])
    p = run(["demo", "--model", model, "--times", "3"])
    assert p.returncode == 0 and "the answer is correct" in p.stderr and p.stdout.strip() == code


def test_temperature_is_sent_to_a_model_named_on_the_command_line(tmp_path):
    # llama-server and others sample at their own default (often 0.7-1) when a request names none.
    import os

    import fault_server as fs

    doc = tmp_path / "doc.txt"
    doc.write_text("the code is 99\n")
    with fs.FaultServer() as server:
        server.script(fs.answer(block("FINAL('99')")))
        env = {**os.environ, "OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "k"}
        p = subprocess.run(RLM + ["ask", str(doc), "code?", "--model", "openai/m", "--temperature", "0"],
                           capture_output=True, text=True, timeout=60, env=env)
        assert p.returncode == 0 and p.stdout == "99\n", p.stderr
        assert server.requests[0].body["temperature"] == 0
        server.script(fs.answer(block("FINAL('99')")))
        p = subprocess.run(RLM + ["ask", str(doc), "code?", "--model", "openai/m"],
                           capture_output=True, text=True, timeout=60, env=env)
        assert p.returncode == 0 and "temperature" not in server.requests[1].body  # the server's own default


def test_a_temperature_out_of_range_is_refused_before_any_work(tmp_path):
    doc = tmp_path / "doc.txt"
    doc.write_text("x")
    p = run(["ask", str(doc), "q", "--model", "openai/m", "--temperature", "-1"])
    assert p.returncode == 2 and "temperature must be between 0 and 2, got -1" in p.stderr


def test_lone_surrogates_lose_neither_the_answer_nor_the_log(tmp_path):
    # UTF-8 cannot encode a lone surrogate: the log write raised, the run ended with exit 2, no run_end.
    log = tmp_path / "run.jsonl"
    model = script(tmp_path, [block('print("cell \\ud800 output")'), block('FINAL("x\\udfffy")')])
    p = run(["ask", "-", "q", "--model", model, "--sandbox", "inprocess", "--log", str(log), "-q"], stdin="text")
    assert (p.returncode, p.stdout, p.stderr) == (0, "x\\udfffy\n", "")  # shown as its escape
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert events[-1]["type"] == "run_end" and events[-1]["answer"] == "x\udfffy"  # read back exactly
    assert "cell \ud800 output" in next(e for e in events if e["type"] == "cell_end")["output"]
    p = run(["ask", "-", "q", "--model", model, "--sandbox", "inprocess", "--json", "-q"], stdin="text")
    assert p.returncode == 0 and json.loads(p.stdout)["answer"] == "x\udfffy"


def test_line_breaks_json_keeps_raw_never_split_a_log_line(tmp_path):
    # str.splitlines() (load_events) breaks at U+2028, U+2029 and NEL: the answer and run_end were lost.
    from recursivelm import load_events

    log = tmp_path / "run.jsonl"
    model = script(tmp_path, [block('FINAL("a\\u2028b\\x85c\\u2029d")')])
    p = run(["ask", "-", "q", "--model", model, "--sandbox", "inprocess", "--log", str(log), "-q"], stdin="text")
    assert p.returncode == 0
    events = load_events(log)
    assert [e.type for e in events][-2:] == ["answer", "run_end"] and events[-1].answer == "a\u2028b\x85c\u2029d"


def run_on_a_terminal(args):
    """Run `rlm` with its stdout on a pseudo-terminal; return (exit code, what the terminal received)."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(RLM + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL)
    os.close(slave)
    received = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        received += chunk
    os.close(master)
    return proc.wait(timeout=60), received.decode("utf-8").replace("\r\n", "\n")


def test_an_answer_shown_on_a_terminal_cannot_send_it_control_sequences(tmp_path):
    # OSC 52 (write the clipboard), OSC 0 (the window title), ESC [2J (clear the screen), a bare CR.
    hostile = "a\x1b]52;c;aGVsbG8=\x07b\x1b]0;owned\x07c\x1b[2Jd\re\u009bf"
    model = script(tmp_path, [block(f"FINAL({hostile!r})")])
    doc = tmp_path / "doc.txt"
    doc.write_text("text")
    code, shown = run_on_a_terminal(["ask", str(doc), "q", "--model", model, "--sandbox", "inprocess", "-q"])
    assert code == 0 and "\x1b" not in shown and "\x07" not in shown and "\r" not in shown
    assert shown == "a\\x1b]52;c;aGVsbG8=\\x07b\\x1b]0;owned\\x07c\\x1b[2Jd\\x0de\\x9bf\n"
    piped = subprocess.run(RLM + ["ask", str(doc), "q", "--model", model, "--sandbox", "inprocess", "-q"],
                           capture_output=True, timeout=60)
    assert piped.stdout.decode() == hostile + "\n"  # a pipe or a file gets the answer as it is


# `rlm` started from a terminal, where Ctrl-C raises KeyboardInterrupt (a test run started in the
# background would otherwise pass SIGINT-ignored down to the child).
RLM_FROM_A_TERMINAL = [sys.executable, "-c",
                       "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
                       "from recursivelm.cli import main; sys.exit(main(sys.argv[1:]))"]


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_ctrl_c_stops_a_running_cell_and_says_where_the_events_so_far_are(tmp_path, sandbox):
    import signal
    import time

    doc = tmp_path / "doc.txt"
    doc.write_text("x")
    log = tmp_path / "run.jsonl"
    model = script(tmp_path, [block("import time\ntime.sleep(60)"), block("FINAL(1)")])
    proc = subprocess.Popen(RLM_FROM_A_TERMINAL + ["ask", str(doc), "q", "--model", model, "--sandbox", sandbox,
                                                   "--log", str(log)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while '"cell_start"' not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 130
        err = proc.stderr.read()
        assert f"rlm: interrupted (the events so far are in {log})" in err and "Traceback" not in err
        assert '"root_call"' in log.read_text()
        last = json.loads(log.read_text().splitlines()[-1])  # the log says how the run ended
        assert (last["type"], last["status"], last["depth"]) == ("run_end", "interrupted", 0)
    finally:
        proc.kill()
        proc.wait()


def test_a_directory_context_stays_inside_its_folder(tmp_path):
    # repo/innocent.txt -> ../creds.txt used to put the secret into the context the model reads.
    (tmp_path / "creds.txt").write_text("API_KEY=sk-secret")
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "main.py").write_text("print('hi')\n")
    (repo / "innocent.txt").symlink_to("../creds.txt")
    (repo / "outside").symlink_to(tmp_path)  # a folder link out
    (repo / "alias.py").symlink_to("src/main.py")  # a link inside the tree is read
    os.mkfifo(repo / "pipe")
    model = script(tmp_path, [block("FINAL(sorted(context) + ['sk-secret' in str(context)])")])
    p = run(["ask", str(repo), "which files?", "--model", model, "--sandbox", "inprocess"])
    assert p.returncode == 0 and p.stdout == "['alias.py', 'src/main.py', False]\n", p.stderr
    assert "innocent.txt (a link out of the folder)" in p.stderr and "outside (a link out of the folder)" in p.stderr
    assert "pipe (a FIFO (named pipe))" in p.stderr


def test_a_device_or_a_fifo_is_refused_not_read_forever(tmp_path):
    # /dev/zero was read until memory ran out; a FIFO with no writer hung in open().
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    model = script(tmp_path, [block("FINAL(1)")])
    for path, kind in (("/dev/zero", "a character device"), (str(fifo), "a FIFO")):
        p = run(["ask", path, "q", "--model", model])
        assert p.returncode == 2 and f"is {kind}" in p.stderr and "stdin" in p.stderr and "Traceback" not in p.stderr


def test_a_large_answer_is_written_into_the_log_once(tmp_path):
    log = tmp_path / "run.jsonl"
    model = script(tmp_path, [block("FINAL('x' * 200_000)")])
    p = run(["ask", "-", "q", "--model", model, "--sandbox", "inprocess", "--log", str(log), "-q"], stdin="text")
    assert p.returncode == 0 and p.stdout == "x" * 200_000 + "\n"
    events = {e["type"]: e for e in map(json.loads, log.read_text().splitlines())}
    assert events["run_end"]["answer"] == "x" * 200_000
    assert len(events["answer"]["answer"]) < 5_000 and "the whole answer is in" in events["answer"]["answer"]
    assert log.stat().st_size < 250_000  # it used to be over 400,000: the answer twice


def test_unusable_files_and_settings_are_one_clear_line_and_exit_2(tmp_path):
    model = script(tmp_path, [block("FINAL(1)")])
    folder = tmp_path / "folder"
    folder.mkdir()
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_text("not a database, and never to be overwritten")
    for flags, says in ((["--log", str(folder)], "cannot write the event log"),
                        (["--log", "/proc/no-such-dir/run.jsonl"], "cannot write the event log"),
                        (["--cache", str(folder)], "cannot use"),
                        (["--cache", str(garbage)], "file is not a database"),
                        (["--encoding", "klingon"], "unknown encoding 'klingon'"),
                        (["--model", f"scripted:{folder}"], "cannot read the scripted model file")):
        p = run(["ask", "-", "q", "--model", model, "-q", *flags], stdin="text")
        last = p.stderr.strip().splitlines()[-1]  # argparse's usage lines may come before it
        assert p.returncode == 2 and "Traceback" not in p.stderr, (flags, p.stderr)
        assert last.startswith(("rlm: ", "rlm ask: error: ")) and says in last, (flags, p.stderr)
    assert garbage.read_text() == "not a database, and never to be overwritten"
    p = run(["serve", "--model", model, "--log", str(garbage)])
    assert p.returncode == 2 and "cannot write run logs" in p.stderr and "Traceback" not in p.stderr
