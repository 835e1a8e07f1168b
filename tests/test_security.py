"""Escape attempts against the isolated sandbox, each with its expected outcome.

Every attempt runs under both containments, bubblewrap and the worker's own namespaces (the fallback of
a machine without bubblewrap), and in each twice:
- contained: in a sandbox of its own, the attempt fails (or is cut short), the host is untouched (no
  secret read, no file written, no connection made, no process left behind) and the sandbox still works;
- through the engine: a scripted root model whose first cell is the attempt and whose second calls
  FINAL still gets its answer.
The attack code holds placeholders (__PORT__, ...) filled in with this host's values.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from recursivelm import RLM, Limits, ScriptedModel
from recursivelm.protocols import CellResult
from recursivelm.sandbox.containment import BWRAP, UNSHARE, SandboxLimits, package_dir, probe
from recursivelm.sandbox import confine, isolated
from recursivelm.sandbox.isolated import IsolatedSandbox

from conftest import block

CONTEXT = "line one\nthe code is 4417\nline three\n"
SECRET = "sk-secret-do-not-leak"
CELL_TIMEOUT_S = 1.0
LIMITS = SandboxLimits(kill_grace_s=1.0, max_cell_output_chars=100_000)


def _mode(mode: str):
    reason = probe(mode, os.geteuid() == 0)
    # CI runs as root on Linux, where the fallback always works and bwrap is installed (unless .ci/run hid
    # it from PATH on purpose): there a mode that cannot start is a failure, never a quiet skip. A clone
    # under /tmp once made the fallback skip all its tests while CI stayed green.
    if os.environ.get("CI") and (mode != "bwrap" or shutil.which("bwrap")):
        reason = None
    return pytest.param(mode, id=mode, marks=pytest.mark.skipif(
        reason is not None, reason=f"{mode} cannot run here: {reason} (CI must: apt-get install bubblewrap)"))


MODES = [_mode(BWRAP), _mode(UNSHARE)]


@pytest.fixture(params=MODES)
def containment(request) -> str:
    return request.param


@dataclass
class Host:
    """What the sandbox must not reach on this host."""

    secret_file: Path
    outside_dir: Path
    port: int
    abstract_socket: str
    connections: list = field(default_factory=list)

    def fill(self, code: str) -> str:
        return (code.replace("__SECRET_PATH__", str(self.secret_file)).replace("__OUTSIDE_DIR__", str(self.outside_dir))
                .replace("__PORT__", str(self.port)).replace("__ABSTRACT__", self.abstract_socket)
                .replace("__PACKAGE_DIR__", str(package_dir())))


def _listen(sock: socket.socket, connections: list) -> None:
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            return
        connections.append(conn)


@pytest.fixture
def host(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    secret_file = tmp_path / "secrets" / "api_key.txt"
    secret_file.parent.mkdir()
    secret_file.write_text(SECRET)
    outside = tmp_path / "outside"
    outside.mkdir()
    tcp = socket.create_server(("127.0.0.1", 0))
    unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    abstract = f"rlm-test-{uuid.uuid4().hex[:8]}"
    unix.bind("\0" + abstract)
    unix.listen()
    h = Host(secret_file, outside, tcp.getsockname()[1], abstract)
    for sock in (tcp, unix):
        threading.Thread(target=_listen, args=(sock, h.connections), daemon=True).start()
    yield h
    for sock in (tcp, unix, *h.connections):
        sock.close()


# -- expected outcomes ----------------------------------------------------------------------------------
def works_after(sb: IsolatedSandbox) -> CellResult:
    after = sb.run_cell("print(len(context), llm_query('still there'))", 10)
    assert after.output == f"{len(CONTEXT)} echo:still there\n", after.error
    return after


def expect_output(expected: str) -> Callable:
    def check(r, sb, host):
        assert r.output == expected, (r.output, r.error)
    return check


def expect_error(*fragments: str) -> Callable:
    def check(r, sb, host):
        assert r.error and any(f in r.error for f in fragments), r.error
    return check


def nothing_written(r, sb, host):
    assert "WROTE" not in r.output, r.output
    assert list(host.outside_dir.iterdir()) == []
    for path in ("/usr/pwned.txt", "/etc/pwned.txt", "/pwned.txt", str(package_dir() / "pwned.py")):
        assert not os.path.exists(path), path
    assert r.output.rstrip().endswith("workdir ok")  # its own working directory is writable


def no_connection(r, sb, host):
    assert "CONNECTED" not in r.output and r.output.count("blocked") == 2, r.output
    assert host.connections == []


def process_limit_held(r, sb, host):
    assert r.error and ("BlockingIOError" in r.error or r.timed_out), r.error


def stopped_and_kept(r, sb, host):
    assert r.timed_out and r.lost_variables == [] and "limit" in r.error
    assert sb.run_cell("print(before)", 10).output == "1\n"


def killed_and_restarted(r, sb, host):
    assert r.timed_out and "killed" in r.error and r.lost_variables == ["before"], r


def contained_somehow(r, sb, host):
    assert r.error is not None  # an error, a timeout or a dead worker: the checks after say it is contained


def output_capped(r, sb, host):
    assert len(r.output) <= LIMITS.max_cell_output_chars + 200
    assert "cut" in r.output or "not shown" in r.output


def names_restored(r, sb, host):
    assert set(r.restored_names) == {"context", "llm_query", "FINAL", "SHOW_VARS"}, r.restored_names
    assert sb.run_cell("print('printing works')", 10).output == "printing works\n"


def channel_broken_and_restarted(r, sb, host):
    assert "ChannelError" in r.error and r.lost_variables == ["before"], r.error


def forgeries_rejected(r, sb, host):
    assert r.error is None, r.error
    assert "TypeError: no host function 'os_system'" in r.output and "llm_query(prompt) takes a str" in r.output
    assert r.output.count("the host rejected a message") >= 5, r.output


@dataclass(frozen=True)
class Attack:
    name: str
    code: str
    check: Callable


ATTACKS = [
    Attack("read_environment_secrets", f"""
import os
found = '{SECRET}' in repr(dict(os.environ))
for pid in os.listdir('/proc'):
    if pid.isdigit():
        try:
            found |= b'{SECRET}' in open(f'/proc/{{pid}}/environ', 'rb').read()
        except OSError:
            pass
print('LEAKED' if found else 'clean')
""", expect_output("clean\n")),
    Attack("read_a_host_file", """
import os
leaked = False
for path in ['__SECRET_PATH__', '/proc/1/root__SECRET_PATH__', '/proc/self/root__SECRET_PATH__']:
    try:
        leaked |= 'sk-secret' in open(path).read()
    except OSError:
        pass
print('LEAKED' if leaked else 'clean', os.path.exists(os.path.dirname('__SECRET_PATH__')))
""", expect_output("clean False\n")),
    Attack("list_the_host_filesystem", """
import os
seen = set(os.listdir('/'))
print(sorted(seen & {'home', 'var', 'srv', 'mnt', 'boot'}), os.listdir('/root') if os.path.isdir('/root') else [])
""", lambda r, sb, host: only_allowlisted_paths(r)),
    Attack("write_outside_the_workdir", """
targets = ['__OUTSIDE_DIR__/pwned.txt', '/usr/pwned.txt', '/etc/pwned.txt', '/pwned.txt', '__PACKAGE_DIR__/pwned.py']
for target in targets:
    try:
        with open(target, 'w') as f:
            f.write('x')
        print('WROTE', target)
    except OSError as e:
        print('blocked', target, type(e).__name__)
open('mine.txt', 'w').write('workdir ok')
print(open('mine.txt').read())
""", nothing_written),
    Attack("connect_to_a_host_loopback_listener", """
import socket
for family, address in [(socket.AF_INET, ('127.0.0.1', __PORT__)), (socket.AF_UNIX, '\\0__ABSTRACT__')]:
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(address)
        print('CONNECTED', address)
    except OSError as e:
        print('blocked', type(e).__name__)
""", no_connection),
    Attack("reach_the_internet", """
import socket
try:
    socket.create_connection(('1.1.1.1', 443), timeout=2)
    print('CONNECTED')
except OSError as e:
    print(e)
""", expect_output("[Errno 101] Network is unreachable\n")),
    Attack("become_root", """
import os
try:
    os.setuid(0)
    print('ROOT')
except OSError as e:
    print('refused')
""", expect_output("refused\n")),
    Attack("see_host_processes", """
import os
mine = set()
for pid in [p for p in os.listdir('/proc') if p.isdigit()]:
    try:
        mine.add(open(f'/proc/{pid}/cmdline', 'rb').read().split(b'\\0')[0].decode())
    except OSError:
        pass
print('pytest' in ' '.join(mine))
""", expect_output("False\n")),
    # Without bubblewrap the worker used to run as host root in the host's mount namespace: these escaped.
    Attack("uncover_the_host_proc_and_secrets", f"""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
refused = [libc.umount2(b'/proc', 2), libc.umount2(b'/', 2), libc.chroot(b'/proc/1/root'),
           libc.mount(b'proc', b'/tmp', b'proc', 0, None)]
found = []
for pid in filter(str.isdigit, os.listdir('/proc')):
    try:
        if b'{SECRET}' in open(f'/proc/{{pid}}/environ', 'rb').read():
            found.append(pid)
    except OSError:
        pass
for path in ['/etc/shadow', '/proc/1/root/etc/shadow', '/proc/1/root__SECRET_PATH__']:
    try:
        open(path).read()
        found.append(path)
    except OSError:
        pass
print('LEAKED', found) if found else print('clean', refused)
""", expect_output("clean [-1, -1, -1, -1]\n")),
    Attack("join_the_host_network_namespace", """
import ctypes, os, socket
libc = ctypes.CDLL(None, use_errno=True)
joined = 0
for pid in filter(str.isdigit, os.listdir('/proc')):
    for kind in ('net', 'mnt', 'pid', 'user'):
        try:
            fd = os.open(f'/proc/{pid}/ns/{kind}', os.O_RDONLY)
        except OSError:
            continue
        joined += libc.setns(fd, 0) == 0
s = socket.socket()
s.settimeout(2)
try:
    s.connect(('127.0.0.1', __PORT__))
    print('CONNECTED', joined)
except OSError:
    print('blocked', joined)
""", expect_output("blocked 0\n")),
    Attack("make_namespaces_and_mounts_of_its_own", """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET = 0x10000000, 0x20000, 0x40000000
tries = [libc.unshare(CLONE_NEWUSER), libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), libc.unshare(CLONE_NEWNET),
         libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, None), libc.pivot_root(b'/tmp', b'/tmp')
         if hasattr(libc, 'pivot_root') else -1]
print(tries, ctypes.get_errno())
""", expect_output("[-1, -1, -1, -1, -1] 1\n")),
    Attack("hold_memory_outside_the_limits", """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
held = []
for _ in range(8):  # 8 x 256 MiB memory files used to be held, outside RLIMIT_AS and the tmpfs size
    try:
        fd = os.memfd_create('hoard')
        os.ftruncate(fd, 256 << 20)
        held.append(fd)
    except OSError as e:
        print('memfd', type(e).__name__)
        break
shm = libc.shmget(0, 256 << 20, 0o1600)  # SysV shared memory: IPC_PRIVATE, IPC_CREAT | 0600
print(len(held), shm, os.access('/dev/shm', os.W_OK))
""", expect_output("memfd PermissionError\n0 -1 False\n")),
    Attack("reach_kernel_surfaces", """
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
numbers = sys.modules['recursivelm.sandbox.confine']._ARCHES[__import__('platform').machine()][1]
names = ['ptrace', 'process_vm_readv', 'bpf', 'perf_event_open', 'keyctl', 'add_key', 'io_uring_setup',
         'userfaultfd', 'init_module', 'kexec_load', 'open_by_handle_at', 'clone3']
print({name: libc.syscall(numbers[name], 0, 0, 0, 0, 0) for name in names if libc.syscall(numbers[name], 0, 0, 0, 0, 0) != -1})
""", expect_output("{}\n")),
    Attack("hold_capabilities", """
import os
status = dict(line.split(':', 1) for line in open('/proc/self/status'))
caps = {k: int(status[k], 16) for k in ('CapInh', 'CapPrm', 'CapEff', 'CapAmb')}
print(os.getuid() != 0 and os.geteuid() != 0, caps, status['NoNewPrivs'].strip(), status['Seccomp'].strip())
""", expect_output("True {'CapInh': 0, 'CapPrm': 0, 'CapEff': 0, 'CapAmb': 0} 1 2\n")),
    Attack("look_up_users", "import pwd\nprint(pwd.getpwuid(0).pw_name)", expect_output("root\n")),
    Attack("fork_bomb", "import os\nwhile True:\n    os.fork()", process_limit_held),
    Attack("fork_bomb_that_swallows_errors",
           "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", contained_somehow),
    Attack("allocate_far_past_the_memory_limit", "blocks = []\nwhile True:\n    blocks.append(bytes(256 * 2**20))",
           expect_error("MemoryError")),
    Attack("loop_forever", "while True:\n    pass", stopped_and_kept),
    Attack("loop_forever_ignoring_interrupts",
           "while True:\n    try:\n        n = 0\n        while True:\n            n += 1\n"
           "    except BaseException:\n        pass",
           killed_and_restarted),
    Attack("stuck_in_native_code", "sum(range(10**15))", killed_and_restarted),
    Attack("recurse_without_end", "def f(n):\n    return f(n + 1)\nf(0)", expect_error("RecursionError")),
    Attack("recurse_with_the_limit_lifted",
           "import sys\nsys.setrecursionlimit(10**9)\ndef f(n):\n    return f(n + 1)\nf(0)", contained_somehow),
    Attack("flood_stdout", "for _ in range(200):\n    print('x' * 100_000)", output_capped),
    Attack("flood_the_real_stdout_fd", "import os\nfor _ in range(50):\n    os.write(1, b'y' * 1_000_000)",
           output_capped),
    Attack("rebind_protected_names",
           "context = None\nllm_query = lambda p: 'fake'\nFINAL = print\ndel SHOW_VARS\nimport sys\nsys.stdout = None",
           names_restored),
    Attack("kill_the_parent", """
import os, signal
for pid in (os.getppid(), 1):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as e:
        print(type(e).__name__)
""", lambda r, sb, host: None),
    Attack("kill_everything_it_can", "import os\nos.kill(-1, 9)\nos.killpg(0, 9)", lambda r, sb, host: None),
    Attack("write_garbage_to_the_channel", """
import os
for fd in range(3, 64):
    try:
        os.write(fd, b'\\xff' * 64)
    except OSError:
        pass
""", channel_broken_and_restarted),
    Attack("announce_an_oversized_message", """
import gc, struct, sys
worker = sys.modules['recursivelm.sandbox.worker']
channel = next(o for o in gc.get_objects() if isinstance(o, worker.WorkerChannel))
os_write = __import__('os').write
os_write(channel.out_fd, struct.pack('>I', 2**31))
import time
time.sleep(5)
""", channel_broken_and_restarted),
    Attack("forge_messages_on_the_channel", """
import gc, json, os, struct, sys
worker = sys.modules['recursivelm.sandbox.worker']
channel = next(o for o in gc.get_objects() if isinstance(o, worker.WorkerChannel))
def raw(body):
    os.write(channel.out_fd, struct.pack('>I', len(body)) + body)
raw(b'{"op": "evil"}')
raw(b'[1, 2, 3]')
raw(b'not json at all')
raw(b'{"op": "reply", "id": 1, "value": "x"}')
raw(b'{"op": "call", "id": "one", "fn": "llm_query", "args": ["x"]}')
raw(b'{"op": "result", "cell": 999, "output": "forged"}')
for fn, args in [('llm_query', [123]), ('os_system', ['rm -rf /'])]:
    try:
        channel.call(fn, args, {})
    except Exception as e:
        print(type(e).__name__ + ':', e)
import time
time.sleep(0.3)
print('done')
""", forgeries_rejected),
    Attack("forge_a_malformed_result", """
import gc, sys
worker = sys.modules['recursivelm.sandbox.worker']
channel = next(o for o in gc.get_objects() if isinstance(o, worker.WorkerChannel))
for cell in range(1, 4):
    channel.send({'op': 'result', 'cell': cell, 'output': 'forged', 'error': None, 'final': None,
                  'timed_out': False, 'restored_names': ['os.system'], 'variables': {}})
import time
time.sleep(5)
""", channel_broken_and_restarted),
]


def only_allowlisted_paths(r: CellResult) -> None:
    hidden, root_listing = r.output.split("] ", 1)
    assert hidden == "[", f"host directories visible: {hidden}]"
    assert set(ast.literal_eval(root_listing)) <= {".pyenv"}, root_listing  # at most the way to this Python


def _sandbox_processes(uid: int | None) -> int:
    if uid is None:
        return -1
    count = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == uid:
                count += 1
        except OSError:
            pass
    return count


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_contained(attack: Attack, host: Host, containment: str):
    with IsolatedSandbox(limits=LIMITS, containment=containment) as sb:
        sb.start(CONTEXT, {"llm_query": lambda prompt, model=None: f"echo:{prompt}"})
        assert sb.run_cell("before = 1", 10).error is None
        r = sb.run_cell(host.fill(attack.code), CELL_TIMEOUT_S)
        attack.check(r, sb, host)
        works_after(sb)
        assert host.connections == [] and host.secret_file.read_text() == SECRET
        if sb.sandbox_uid is not None:  # nothing the cell started outlives it, only the worker is left
            assert _sandbox_processes(sb.sandbox_uid) == 1


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_engine_run_survives_attack(attack: Attack, host: Host, containment: str):
    root = ScriptedModel([block(host.fill(attack.code)), block("FINAL('done: ' + context.splitlines()[1])")])
    result = RLM(root, sub_model=ScriptedModel(respond=lambda m: "sub"),
                 sandbox=lambda: IsolatedSandbox(containment=containment),
                 limits=Limits(cell_timeout_s=1.5)).run(CONTEXT, "What is the code?")
    assert (result.status, result.answer) == ("answered", "done: the code is 4417"), result.error
    assert host.connections == [] and host.secret_file.read_text() == SECRET


def test_a_worker_that_stops_reading_its_channel_is_killed(monkeypatch, containment):
    """The worker stopped after its cell (SIGSTOP): the host's next write fills the pipe and would block forever."""
    monkeypatch.setattr(isolated, "SEND_TIMEOUT_S", 1.0)
    with IsolatedSandbox(limits=LIMITS, containment=containment) as sb:
        sb.start(CONTEXT, {"llm_query": lambda prompt, model=None: f"echo:{prompt}"})
        assert sb.run_cell("x = 1", 10).error is None
        # A cell cannot leave a thread to do it (it is stopped): stop the worker from here.
        for pid in filter(str.isdigit, os.listdir("/proc")):
            if sb.sandbox_uid is not None and os.stat(f"/proc/{pid}").st_uid == sb.sandbox_uid:
                os.kill(int(pid), signal.SIGSTOP)
        if sb.sandbox_uid is None:
            os.killpg(sb._worker.proc.pid, signal.SIGSTOP)
        r = sb.run_cell("#" + "x" * 1_000_000 + "\nprint(1)", 30)  # far more than a pipe holds
        assert "took no message for 1s" in r.error and not r.timed_out
        works_after(sb)


def test_engine_run_survives_a_worker_that_stops(containment):
    root = ScriptedModel([block("import os, signal\nos.kill(os.getpid(), signal.SIGSTOP)"), block("FINAL('done')")])
    result = RLM(root, sandbox=lambda: IsolatedSandbox(containment=containment),
                 limits=Limits(cell_timeout_s=1.0)).run(CONTEXT, "What is the code?")
    assert (result.status, result.answer) == ("answered", "done")


def test_threads_a_cell_leaves_cannot_flood_the_host(containment):
    """A thread left running writes frames while no cell runs: the host holds at most max_inbox_bytes of
    them (it used to grow from 29 MiB to 1.8 GiB in 15 s), and the worker is replaced."""
    limits = SandboxLimits(kill_grace_s=1.0, max_inbox_bytes=8 << 20)
    flood = """
import gc, os, struct, sys, threading
worker = sys.modules['recursivelm.sandbox.worker']
channel = next(o for o in gc.get_objects() if isinstance(o, worker.WorkerChannel))
body = b'{"op": "noise", "pad": "' + b'x' * (1 << 20) + b'"}'
def flood():
    while True:
        try:
            os.write(channel.out_fd, struct.pack('>I', len(body)) + body)
        except BaseException:
            pass
threading.Thread(target=flood, daemon=True).start()
"""
    with IsolatedSandbox(limits=limits, containment=containment) as sb:
        sb.start(CONTEXT, {"llm_query": lambda prompt, model=None: f"echo:{prompt}"})
        r = sb.run_cell(flood, 10)  # its frames may also cut into the result's: then the cell reports a death
        assert "did not stop" in r.output or "WorkerDied" in (r.error or "") or "ChannelError" in (r.error or ""), r
        for _ in range(200):  # let it send all it can before the next cell (no time is asserted)
            if sb._worker.proc.poll() is not None or sb._inbox.held_bytes >= limits.max_inbox_bytes - (2 << 20):
                break
            threading.Event().wait(0.05)
        assert sb._inbox.held_bytes <= limits.max_inbox_bytes
        works_after(sb)


def test_a_deeply_nested_frame_is_rejected_not_a_timeout(containment):
    nested = """
import gc, os, struct, sys
worker = sys.modules['recursivelm.sandbox.worker']
channel = next(o for o in gc.get_objects() if isinstance(o, worker.WorkerChannel))
body = b'{"op": "x", "a": ' + b'[' * 200_000 + b']' * 200_000 + b'}'
os.write(channel.out_fd, struct.pack('>I', len(body)) + body)
import time
time.sleep(0.5)
print('sent')
"""
    with IsolatedSandbox(limits=LIMITS, containment=containment) as sb:
        sb.start(CONTEXT, {"llm_query": lambda prompt, model=None: f"echo:{prompt}"})
        r = sb.run_cell(nested, 10)
        assert r.error is None and not r.timed_out, r
        assert "nested deeper" in r.output, r.output
        works_after(sb)


def test_a_variable_whose_len_raises_or_loops_does_not_end_the_worker(containment):
    with IsolatedSandbox(limits=LIMITS, containment=containment) as sb:
        sb.start(CONTEXT, {"llm_query": lambda prompt, model=None: f"echo:{prompt}"})
        r = sb.run_cell("class Bad(list):\n    def __len__(self):\n        raise RuntimeError('no')\nb = Bad()", 10)
        assert r.error is None and "could not be listed" in r.output, r
        r = sb.run_cell("class Slow(list):\n    def __len__(self):\n        while True:\n            pass\n"
                        "del b\ns = Slow()", 10)
        assert "could not be listed" in r.output and r.lost_variables == [], r
        assert sb.run_cell("del s\nprint(len(context))", 10).output == f"{len(CONTEXT)}\n"


# -- a fresh machine: no bubblewrap ------------------------------------------------------------------------
HOSTILE_THEN_ANSWER = [
    block("import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
          "print(libc.umount2(b'/proc', 2), os.getuid() != 0, os.path.exists('/etc/shadow'))"),
    block("FINAL(f'{len(os.listdir(\"/proc\"))} {context.splitlines()[1]}')"),
]


def _rlm_ask_without_bwrap(tmp_path: Path, *extra: str, preexec_fn=None) -> subprocess.CompletedProcess:
    replies = tmp_path / "replies.json"
    replies.write_text(json.dumps(HOSTILE_THEN_ANSWER))
    (tmp_path / "ctx.txt").write_text(CONTEXT)
    empty_bin = tmp_path / "bin"  # a PATH with no bwrap on it: what a fresh machine has
    empty_bin.mkdir(exist_ok=True)
    env = {**os.environ, "PATH": str(empty_bin)}
    return subprocess.run([sys.executable, "-m", "recursivelm.cli", "ask", str(tmp_path / "ctx.txt"), "What is the code?",
                           "--model", f"scripted:{replies}", "--json", *extra],
                          capture_output=True, text=True, env=env, timeout=120, preexec_fn=preexec_fn)


@pytest.mark.skipif(probe(UNSHARE, os.geteuid() == 0) is not None, reason="this kernel gives no namespaces")
def test_rlm_ask_without_bubblewrap_is_contained_and_says_so_once(tmp_path):
    done = _rlm_ask_without_bwrap(tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    hostile = next(e for e in result["trajectory"] if e["type"] == "cell_end")
    assert hostile["output"] == "-1 True False", hostile  # umount2 refused, not root, no /etc/shadow
    assert result["answer"].endswith(" the code is 4417"), result
    # The host's /proc holds hundreds of entries; the sandbox's own, a few processes and the usual files.
    assert int(result["answer"].split()[0]) < 80, result["answer"]
    warnings_shown = [line for line in done.stderr.splitlines() if "contains itself" in line]
    assert len(warnings_shown) == 1 and warnings_shown[0].startswith("rlm: sandbox: bwrap"), done.stderr
    quiet = _rlm_ask_without_bwrap(tmp_path, "-q")
    assert quiet.returncode == 0 and "contains itself" not in quiet.stderr, quiet.stderr


def test_a_machine_with_no_containment_at_all_is_refused_in_one_line(tmp_path):
    """No bubblewrap, and a kernel that makes no namespaces (here: our own filter, put on rlm itself)."""
    done = _rlm_ask_without_bwrap(tmp_path, preexec_fn=confine.seal)
    assert done.returncode == 2, done
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "apt-get install bubblewrap" in done.stderr and "--sandbox inprocess" in done.stderr
