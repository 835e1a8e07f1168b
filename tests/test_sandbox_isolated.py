"""The isolated sandbox: the model's view (same as in process), the host functions over the channel,
the context loaded once, timeouts, and restarts after a killed cell. Escape attempts: test_security.py."""

import io
import statistics
import threading
import time

import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.sandbox.containment import BWRAP, UNSHARE, SandboxLimits, SandboxUnavailable, WeakIsolationWarning
from recursivelm.sandbox.isolated import IsolatedSandbox
from recursivelm.sandbox.capture import CappedText
from recursivelm.sandbox.wire import BadFrame, FrameTooLarge, encode_frame, read_frame

from conftest import block

FAST = SandboxLimits(kill_grace_s=1.0)
TIMEOUT = 10.0


class SubCallError(Exception):
    pass


def echo_functions(seen: list | None = None):
    """Plain callables standing in for the engine's host functions."""
    seen = [] if seen is None else seen

    def llm_query(prompt, model=None):
        seen.append(("llm_query", prompt, model))
        if prompt == "fail":
            raise SubCallError("the sub-model is down")
        return f"echo:{prompt}"

    def llm_query_batched(prompts, model=None):
        seen.append(("llm_query_batched", prompts, model))
        return [p.upper() for p in prompts]

    def rlm_query(prompt, context=None):
        seen.append(("rlm_query", prompt, context))
        return f"child:{prompt}"

    return {"llm_query": llm_query, "llm_query_batched": llm_query_batched, "rlm_query": rlm_query}


@pytest.fixture
def sandbox():
    sb = IsolatedSandbox(limits=FAST)
    sb.start("line one\nthe code is 4417\nline three\n", echo_functions())
    yield sb
    sb.close()


def run(sb, code, timeout=TIMEOUT):
    return sb.run_cell(code, timeout)


# -- what is active ---------------------------------------------------------------------------
def test_isolation_says_what_is_active():
    sb = IsolatedSandbox()
    assert sb.plan.mode in (BWRAP, UNSHARE), "bwrap, or the worker's own namespaces: never weaker by default"
    assert "no network" in sb.isolation and "read-only" in sb.isolation and "seccomp" in sb.isolation
    assert "4 GiB" in sb.isolation  # the memory limit, named


# -- the model's view ---------------------------------------------------------------------------
def test_namespace_persists_across_cells(sandbox):
    assert run(sandbox, "x = 40\ndef add(a): return a + x").error is None
    r = run(sandbox, "print(add(2))")
    assert r.output == "42\n" and r.error is None
    assert sandbox.variables() == {"x": "int"}


def test_trailing_expression_is_echoed_and_output_is_per_cell(sandbox):
    assert run(sandbox, "import sys\nprint('out')\nprint('err', file=sys.stderr)\n1 + 1").output == "out\nerr\n2\n"
    assert run(sandbox, "y = 1").output == ""


def test_output_of_subprocesses_is_captured(sandbox):
    r = run(sandbox, "import subprocess\nsubprocess.run(['echo', 'from a child'])")
    assert "from a child" in r.output


def test_final_and_final_var(sandbox):
    assert run(sandbox, "FINAL('4417')").final.value == "4417"
    r = run(sandbox, "answer = {'code': 4417, 'ok': True}\nFINAL_VAR('answer')")
    assert (r.final.value, r.final.via) == ({"code": 4417, "ok": True}, "FINAL_VAR")
    assert run(sandbox, "FINAL((1, 2))").final.value == "(1, 2)"  # as str() in process would give
    r = run(sandbox, "FINAL_VAR('nope')")
    assert r.final is None and "no variable named 'nope'" in r.error


def test_errors_quote_the_failing_line(sandbox):
    r = run(sandbox, "a = 1\nb = a / 0\nc = 3")
    assert "line 2: b = a / 0" in r.error and "ZeroDivisionError" in r.error
    assert run(sandbox, "def f(:\n  pass").error.startswith("SyntaxError")


def test_protected_names_are_restored(sandbox):
    r = run(sandbox, "context = 'mine'\nllm_query = None\ndel FINAL")
    assert set(r.restored_names) == {"context", "llm_query", "FINAL"}
    assert run(sandbox, "print(context.splitlines()[1], llm_query('hi'))").output == "the code is 4417 echo:hi\n"


def test_helpers_work_on_the_loaded_context(sandbox):
    assert "line 2" in run(sandbox, "print(search('code is'))").output
    assert run(sandbox, "print(len(chunks(size=12)))").output.strip().isdigit()


def test_list_and_dict_contexts():
    cases = [(["a", "b"], "print(len(context), context[1])", "2 b\n"),
             ({"x.txt": "hello", 3: "three"}, "print(context['x.txt'], context[3])", "hello three\n")]
    for context, code, expected in cases:
        with IsolatedSandbox(limits=FAST) as sb:
            sb.start(context, {})
            assert run(sb, code).output == expected


# -- host functions ------------------------------------------------------------------------------
def test_host_functions_round_trip():
    seen = []
    with IsolatedSandbox(limits=FAST) as sb:
        sb.start("the context", echo_functions(seen))
        r = run(sb, "print(llm_query('hi'), llm_query('hi', model='big'))\n"
                    "print(llm_query_batched(['a', 'b']))\n"
                    "print(rlm_query('q'), rlm_query('q2', context), rlm_query('q3', ['doc']))\n"
                    "print(ask_chunks('what?', ['p1', 'p2']))")
        assert r.error is None, r.error
        assert r.output.splitlines() == ["echo:hi echo:hi", "['A', 'B']", "child:q child:q2 child:q3",
                                         "['WHAT?\\n\\nTEXT:\\nP1', 'WHAT?\\n\\nTEXT:\\nP2']"]
    assert ("llm_query", "hi", "big") in seen
    # The run's own context is never shipped back: the host gets None and uses the context it has.
    assert ("rlm_query", "q2", None) in seen and ("rlm_query", "q3", ["doc"]) in seen


def test_host_function_errors_reach_the_model_by_name(sandbox):
    r = run(sandbox, "llm_query('fail')")
    assert "line 1: llm_query('fail')" in r.error and "SubCallError: the sub-model is down" in r.error
    r = run(sandbox, "try:\n  llm_query(123)\nexcept TypeError as e:\n  print('caught', e)")
    assert "caught llm_query(prompt) takes a str" in r.output


def test_concurrent_sub_calls_from_threads(sandbox):
    r = run(sandbox, "from concurrent.futures import ThreadPoolExecutor\n"
                     "with ThreadPoolExecutor(8) as pool:\n"
                     "    out = list(pool.map(llm_query, [str(i) for i in range(32)]))\n"
                     "print(out == ['echo:' + str(i) for i in range(32)])")
    assert r.output == "True\n", r.error


def test_a_timed_out_cells_sub_calls_are_cancelled():
    cancelled = threading.Event()

    def slow(prompt, model=None):
        try:
            while True:
                time.sleep(0.01)
        except BaseException:
            cancelled.set()
            raise

    with IsolatedSandbox(limits=FAST) as sb:
        sb.start("c", {"llm_query": slow})
        r = run(sb, "x = 1\nllm_query('forever')", timeout=0.5)
        assert r.timed_out and "limit" in r.error
        assert cancelled.wait(5), "the host function kept running after its cell timed out"
        assert run(sb, "print(x)").output == "1\n"  # the worker stopped the cell itself: nothing lost


# -- timeouts, deaths and restarts ----------------------------------------------------------------
def test_soft_timeout_stops_the_cell_and_keeps_variables(sandbox):
    run(sandbox, "kept = 7")
    r = run(sandbox, "while True:\n    pass", timeout=0.5)
    assert r.timed_out and "line 1: while True" in r.error and r.lost_variables == []
    assert run(sandbox, "print(kept)").output == "7\n"


def test_a_cell_that_will_not_stop_is_killed_and_the_worker_restarted(sandbox):
    run(sandbox, "a = 1\nb = 'two'")
    started = time.monotonic()
    swallows_interrupts = ("while True:\n    try:\n        n = 0\n        while True:\n            n += 1\n"
                           "    except BaseException:\n        pass")
    r = run(sandbox, swallows_interrupts, timeout=0.5)
    assert time.monotonic() - started < 0.5 + FAST.kill_grace_s + 3
    assert r.timed_out and "killed" in r.error and r.lost_variables == ["a", "b"]
    after = run(sandbox, "print(context.splitlines()[1], llm_query('back'))")
    assert after.output == "the code is 4417 echo:back\n" and after.lost_variables == []
    assert "NameError" in run(sandbox, "a").error
    assert sandbox.restarts == 1


@pytest.mark.parametrize("crash", ["import os; os.kill(os.getpid(), 9)", "import os; os._exit(3)",
                                   "import ctypes; ctypes.string_at(0)"])
def test_restart_after_the_worker_dies_names_lost_variables(sandbox, crash):
    run(sandbox, "x = [1, 2]\ny = 'kept?'")
    r = run(sandbox, crash)
    assert "WorkerDied" in r.error and r.lost_variables == ["x", "y"] and not r.timed_out
    after = run(sandbox, "print(len(context), llm_query_batched(['z']))")
    assert after.error is None and after.output == "37 ['Z']\n"
    assert sandbox.variables() == {}


def test_a_worker_that_dies_between_cells_is_restarted(sandbox):
    # A thread the cell leaves running that will not stop: the worker ends after the cell's result.
    r = run(sandbox, "v = 1\nimport threading\ndef linger():\n    while True:\n        try:\n            threading.Event().wait()\n"
                     "        except BaseException:\n            pass\nthreading.Thread(target=linger).start()")
    assert "did not stop" in r.output and "restarts before the next cell" in r.output
    r = run(sandbox, "print('fresh')")
    assert r.output == "fresh\n" and r.lost_variables == ["v"]


# -- the context is loaded once ---------------------------------------------------------------------
def _per_cell_seconds(sb, cells=15):
    times = []
    for _ in range(cells):
        started = time.perf_counter()
        assert run(sb, "n = len(context)").error is None
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_a_100mb_context_is_not_resent_per_cell():
    big = ("x" * 99 + "\n") * 1_000_000  # 100 MB
    with IsolatedSandbox() as tiny_sb, IsolatedSandbox() as big_sb:
        tiny_sb.start("tiny", {})
        big_sb.start(big, {})
        assert big_sb.bytes_sent < 4_096  # the start message: the context travels as a sealed memfd
        before = big_sb.bytes_sent
        tiny_s, big_s = _per_cell_seconds(tiny_sb), _per_cell_seconds(big_sb)
        assert (big_sb.bytes_sent - before) / 15 < 200  # per cell: just the code
        assert run(big_sb, "print(n)").output == "100000000\n"
    assert big_s < tiny_s * 3 + 0.005, f"per-cell time grew with the context: {tiny_s:.4f}s vs {big_s:.4f}s"


# -- containment choices ------------------------------------------------------------------------------
def test_refuses_to_run_without_network_isolation_unless_asked(monkeypatch):
    monkeypatch.delenv("RECURSIVELM_ALLOW_NO_NETNS", raising=False)
    with pytest.raises(SandboxUnavailable, match="allow_network=True"):
        IsolatedSandbox(containment="none")
    with pytest.warns(WeakIsolationWarning, match="WITHOUT NETWORK ISOLATION"):
        sb = IsolatedSandbox(containment="none", allow_network=True)
    assert "NO NETWORK ISOLATION" in sb.isolation
    monkeypatch.setenv("RECURSIVELM_ALLOW_NO_NETNS", "1")
    with pytest.warns(WeakIsolationWarning):
        IsolatedSandbox(containment="none")


def test_unknown_containment_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown containment"):
        IsolatedSandbox(containment="docker")


# -- through the engine ---------------------------------------------------------------------------------
def test_engine_run_with_the_isolated_sandbox():
    root = ScriptedModel([block("hits = search('code')\nanswer = llm_query('the code: ' + hits)\nprint(answer)"),
                          block("FINAL(answer)")])
    sub = ScriptedModel(respond=lambda messages: "4417" if "code is 4417" in messages[-1]["content"] else "?")
    result = RLM(root, sub_model=sub, sandbox="isolated", limits=Limits(cell_timeout_s=30)).run(
        "alpha\nthe code is 4417\nomega\n", "What is the code?")
    assert (result.status, result.answer) == ("answered", "4417")
    assert any("4417" in m["content"] for m in root.calls[1])  # the cell's output reached the root model


def test_engine_run_goes_on_after_the_worker_dies():
    root = ScriptedModel([block("x = 1"), block("import os\nos._exit(1)"),
                          block("FINAL(str(len(context)) + ' ' + str('x' in SHOW_VARS()))")])
    result = RLM(root, sandbox="isolated").run("0123456789", "How long?")
    assert result.answer == "10 False"
    assert "variables were lost: x" in root.calls[2][-1]["content"]


# -- the wire protocol -------------------------------------------------------------------------------
def test_frames_round_trip_and_reject_what_they_must():
    message = {"op": "result", "output": "caf\u00e9 \ud800", "n": [1, 2]}  # a lone surrogate survives
    assert read_frame(io.BytesIO(encode_frame(message)), 1_000) == message
    with pytest.raises(FrameTooLarge):
        read_frame(io.BytesIO(encode_frame({"op": "x" * 100})), 50)
    for body in (b"not json", b"[1, 2]", b'{"no": "op"}'):
        with pytest.raises(BadFrame):
            read_frame(io.BytesIO(len(body).to_bytes(4, "big") + body), 1_000)


def test_capped_text_keeps_head_and_tail():
    out = CappedText(100)
    for i in range(1_000):
        out.write(f"{i:04d}\n")
    text = out.text()
    assert text.startswith("0000\n") and text.endswith("0999\n") and "4,900 characters of output cut" in text
    assert len(text) < 100 + 120


def test_closing_under_a_running_cell_ends_it_at_once_and_starts_no_new_worker():
    # A cancelled run (Ctrl-C, a client gone) closes its sandbox from another thread mid-cell.
    box = IsolatedSandbox()
    box.start("ctx", {})
    first_worker = box._worker.proc
    threading.Timer(0.5, box.close).start()
    started = time.monotonic()
    result = box.run_cell("import time\ntime.sleep(60)", timeout_s=60)
    assert time.monotonic() - started < 10
    assert "closed while this cell ran" in result.error
    assert box._worker.proc is first_worker and first_worker.poll() is not None
