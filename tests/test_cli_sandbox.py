"""The isolated sandbox on a machine without bubblewrap, as `rlm ask` shows it: one warning line per command
(a child run makes its own sandbox: still one line), none with -q, and no machine at all: one line, exit 2."""

import json
import os
import subprocess
import sys

import pytest

from conftest import block
from recursivelm.sandbox import confine
from recursivelm.sandbox.containment import UNSHARE, probe

REPLIES = [
    block("r = rlm_query('What does the text say?')\nprint(r)"),  # root: a child run, with its own sandbox
    block("FINAL(context.strip())"),  # the child
    block("FINAL(r)"),  # the root
]


def ask_without_bwrap(tmp_path, *extra, preexec_fn=None):
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(REPLIES))
    empty_bin = tmp_path / "bin"  # no bwrap, no unshare: a fresh machine, a slim container
    empty_bin.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "recursivelm.cli", "ask", "-", "q", "--model", f"scripted:{replies}",
                           *extra], input="hello", capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PATH": str(empty_bin)}, preexec_fn=preexec_fn)


@pytest.mark.skipif(probe(UNSHARE, os.geteuid() == 0) is not None, reason="this kernel gives no namespaces")
def test_the_weak_isolation_warning_is_one_line_once_with_a_child_run_and_gone_with_q(tmp_path):
    done = ask_without_bwrap(tmp_path)
    assert (done.returncode, done.stdout) == (0, "hello\n"), done.stderr
    warned = [line for line in done.stderr.splitlines() if "sandbox" in line and not line.startswith("[rlm]")]
    assert len(warned) == 1 and warned[0].startswith("rlm: sandbox: "), done.stderr
    assert "Warning" not in done.stderr and "warn(" not in done.stderr  # no "file:line: Warning" + source line
    quiet = ask_without_bwrap(tmp_path, "-q")
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "hello\n", "")


def test_no_containment_at_all_is_one_line_exit_2_naming_the_way_out(tmp_path):
    done = ask_without_bwrap(tmp_path, preexec_fn=confine.seal)  # our seccomp filter: no namespaces can be made
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "--sandbox inprocess" in done.stderr and "SandboxUnavailable" not in done.stderr


def test_off_linux_the_one_line_names_the_flag_and_no_linux_package(tmp_path):
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(REPLIES))
    # This Python says it is macOS, and our filter stops it making namespaces: as on a Mac, nothing contains.
    as_macos = ("import sys; sys.platform = 'darwin'; from recursivelm.cli import main; "
                "sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", as_macos, "ask", "-", "q", "--model", f"scripted:{replies}"],
                          input="hello", capture_output=True, text=True, timeout=120, preexec_fn=confine.seal,
                          env={**os.environ, "PATH": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == ("rlm: the isolated sandbox needs Linux (bubblewrap or user namespaces), and this "
                                   "is darwin: use --sandbox inprocess (trusted models only), or run rlm in a Linux "
                                   "VM or container")


def test_on_linux_the_advice_is_in_flags_not_python(tmp_path):
    done = ask_without_bwrap(tmp_path, preexec_fn=confine.seal)
    assert done.returncode == 2 and "sandbox='inprocess'" not in done.stderr and "--sandbox inprocess" in done.stderr
