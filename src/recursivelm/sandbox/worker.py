"""The isolated sandbox's worker process (the wire it speaks with the host is in wire.py).

The host starts it fresh (never a fork of the host: it inherits no memory, secrets or clients) as
`python -I -c BOOTSTRAP <package parent>`, inside the containment of containment.py. The worker:
1. moves its channel to the host (stdin/stdout pipes) off fds 0 and 1, so model code printing to the
   real stdout cannot corrupt it; fds 1 and 2 then go to a per-cell capture file;
2. reads the "start" message, switches to its unprivileged uid (root hosts), sets its rlimits, and loads
   the context once from the sealed memory file the host passed it (never re-sent per cell);
3. answers "ready", then runs one cell per "run" message against one persistent `Namespace`.
Model code reaches models only through llm_query & co., which here are stubs that send a "call" message
and wait for the host's "reply": the worker never holds an API key or a model client.
"""

from __future__ import annotations

import ctypes
import errno
import itertools
import json
import mmap
import os
import pickle
import queue
import resource
import signal
import sys
import threading
import time
import traceback
from typing import Any, BinaryIO

from ..protocols import CellResult
from . import confine
from .capture import CappedText, _FdCapture, _OutputRouter
from .namespace import Namespace
from .wire import (FRAME_HEADER, MAX_VARIABLES_REPORTED, BadFrame, ChannelClosed, FrameTooLarge,
                   FinalValueError, encode_final, encode_frame, host_function_stubs, read_frame, remote_exception)

# Started as `python -I -c BOOTSTRAP <dir holding the recursivelm package>`. -I: no PYTHON* variables,
# no user site-packages, no current directory on sys.path. The package is registered by hand so that
# importing the worker does not run recursivelm/__init__ (the engine, asyncio, model clients): faster
# to start, and the worker provably loads none of them.
BOOTSTRAP = (
    "import sys, types; root = sys.argv[1]; pkg = types.ModuleType('recursivelm'); "
    "pkg.__path__ = [root + '/recursivelm']; sys.modules['recursivelm'] = pkg; "
    "from recursivelm.sandbox.worker import main; main()"
)
PROBE_BOOTSTRAP = BOOTSTRAP.replace("import main; main()", "import probe_main; probe_main()")  # containment.probe

MAX_DESCRIPTION_CHARS = 200  # one variable's "type, len N" description
PROCESS_CLEANUP_S = 2.0  # after a cell, how long the worker keeps killing processes the cell left
PROCESS_CLEANUP_POLL_S = 0.002
STRAY_THREAD_GRACE_S = 0.5  # after a cell, how long the threads it left get to end once interrupted
DESCRIBE_TIMEOUT_S = 5.0  # describing the variables after a cell (model-defined __len__ can loop)
RESULT_FALLBACK_OUTPUT_CHARS = 10_000  # output kept when a result was too large to send as it was


# ---------------------------------------------------------------------------------------------
# The worker side of the channel


class CellTimeout(BaseException):
    """Raised in model code when its cell's time is up. A BaseException, so `except Exception` in the
    cell does not swallow it; a cell that swallows it anyway is killed by the host a little later."""


class _Alarm:
    """The per-cell soft timeout: SIGALRM raises CellTimeout in the cell, unless the cell is inside a
    channel write at that moment (a half-written frame would break the channel): then it is deferred."""

    def __init__(self) -> None:
        self.timeout_s = 0.0
        self.armed = False
        self.fired = False
        self.shielded = False
        self.deferred = False
        signal.signal(signal.SIGALRM, self._on_alarm)

    def arm(self, timeout_s: float) -> None:
        self.timeout_s, self.fired, self.deferred, self.armed = timeout_s, False, False, True
        signal.setitimer(signal.ITIMER_REAL, max(timeout_s, 0.001))

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)

    def _on_alarm(self, signum, frame) -> None:
        if not self.armed:
            return
        self.fired = True
        if self.shielded:
            self.deferred = True
            return
        self.armed = False
        raise CellTimeout(f"the cell ran past its {self.timeout_s:g}s limit and was stopped (variables are kept)")

    def raise_if_deferred(self) -> None:
        if self.deferred and self.armed:
            self.deferred = self.armed = False
            raise CellTimeout(f"the cell ran past its {self.timeout_s:g}s limit and was stopped (variables are kept)")


class _Pending:
    __slots__ = ("done", "reply")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.reply: dict | None = None


class WorkerChannel:
    """The worker's end: frames out (any thread), frames in (a reader thread that dispatches them)."""

    def __init__(self, reader: BinaryIO, out_fd: int, max_message_bytes: int, alarm: _Alarm):
        self.reader = reader
        self.out_fd = out_fd
        self.max_message_bytes = max_message_bytes
        self.alarm = alarm
        self.write_lock = threading.Lock()
        self.pending: dict[int, _Pending] = {}
        self.pending_lock = threading.Lock()
        self.ids = itertools.count(1)
        self.runs: queue.Queue[dict] = queue.Queue()
        self.owner_pid = os.getpid()
        self.notices: list[str] = []  # errors the host sent back about our messages, shown in the cell
        # A process forked by model code must not speak on the channel: the host would read its frames
        # as ours. Close the channel in the child (os.fork() runs this; subprocess execs and closes fds).
        os.register_at_fork(after_in_child=self._close_in_child)

    def _close_in_child(self) -> None:
        for fd in (self.out_fd, self.reader.fileno()):
            try:
                os.close(fd)
            except OSError:
                pass
        self.out_fd = -1

    def send(self, message: dict) -> None:
        frame = encode_frame(message)
        if len(frame) - FRAME_HEADER.size > self.max_message_bytes:
            raise ValueError(f"the message is {len(frame):,} bytes; the sandbox channel carries at most "
                             f"{self.max_message_bytes:,}")
        if os.getpid() != self.owner_pid or self.out_fd < 0:
            raise RuntimeError("the sub-call channel is not available in a process forked by the cell")
        in_main = threading.current_thread() is threading.main_thread()  # the only thread the alarm hits
        with self.write_lock:
            if in_main:
                self.alarm.shielded = True
            try:
                view = memoryview(frame)
                while view:
                    view = view[os.write(self.out_fd, view):]
            finally:
                if in_main:
                    self.alarm.shielded = False
        if in_main:
            self.alarm.raise_if_deferred()

    def call(self, fn: str, args: list, kwargs: dict) -> Any:
        """Ask the host to run host function `fn`; block (interruptibly) for its reply."""
        call_id = next(self.ids)
        slot = _Pending()
        with self.pending_lock:
            self.pending[call_id] = slot
        try:
            self.send({"op": "call", "id": call_id, "fn": fn, "args": args, "kwargs": kwargs})
            slot.done.wait()
        finally:
            with self.pending_lock:
                self.pending.pop(call_id, None)
        reply = slot.reply or {}
        if "error" in reply:
            error = reply["error"] if isinstance(reply["error"], dict) else {"message": str(reply["error"])}
            raise remote_exception(str(error.get("type", "HostError")), str(error.get("message", "")))
        return reply.get("value")

    def read_forever(self) -> None:
        """The reader thread. The host gone means the run is over: exit at once, whatever the cell does."""
        try:
            while True:
                message = read_frame(self.reader, sys.maxsize)
                op = message["op"]
                if op == "run":
                    self.runs.put(message)
                elif op == "reply":
                    with self.pending_lock:
                        slot = self.pending.get(message.get("id"))
                    if slot is not None:  # a reply to a call that gave up (timeout) is dropped
                        slot.reply = message
                        slot.done.set()
                elif op == "error":
                    self.notices.append(str(message.get("error")))
        except BaseException:  # noqa: BLE001 - EOF, or a host that broke protocol: either way, stop
            os._exit(0)


# ---------------------------------------------------------------------------------------------
# The worker


RLIMITS = {  # start-message key -> resource
    "memory_bytes": resource.RLIMIT_AS,
    "cpu_seconds": resource.RLIMIT_CPU,
    "max_open_files": resource.RLIMIT_NOFILE,
    "max_file_bytes": resource.RLIMIT_FSIZE,
    "max_processes": resource.RLIMIT_NPROC,
}


def apply_rlimits(limits: dict[str, int], limit_processes: bool) -> dict[str, int]:
    """Soft = hard = the limit, so model code cannot raise it again. Returns what was set."""
    applied = {}
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not write a core file of the context
    for key, res in RLIMITS.items():
        if key == "max_processes" and not limit_processes:
            continue
        value = int(limits[key])
        _, hard = resource.getrlimit(res)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(res, (value, value))
        applied[key] = value
    return applied


def drop_root(uid: int, workdir: str) -> None:
    """Become `uid` (and gid `uid`, no groups) for good, owning the workdir. Verified, not assumed."""
    os.chmod(workdir, 0o700)
    os.chown(workdir, uid, uid)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise RuntimeError("the worker could regain root after dropping it; refusing to run model code")
    confine.drop_capabilities()  # the inheritable set too (bwrap's --cap-add leaves it set)
    with open("/proc/self/status") as f:
        caps = {k: v.strip() for k, v in (line.split(":", 1) for line in f)
                if k in ("CapInh", "CapPrm", "CapEff", "CapAmb")}
    if any(int(v, 16) for v in caps.values()):
        raise RuntimeError(f"the worker still holds capabilities after dropping root ({caps}); refusing to run")
    confine.prctl(confine.PR_SET_NO_NEW_PRIVS, 1)  # setuid programs cannot give root back (bwrap sets this too)
    confine.prctl(confine.PR_SET_PDEATHSIG, signal.SIGKILL)  # a uid change clears it; die with our parent again


def load_context(fd: int, kind: str, size: int) -> Any:
    """The context, from the host's sealed memory file: decoded straight from the mapping, once."""
    if size == 0:  # mmap cannot map nothing
        value: Any = "" if kind == "text" else None
    else:
        with mmap.mmap(fd, size, prot=mmap.PROT_READ) as data:
            value = str(data, "utf-8", "surrogatepass") if kind == "text" else pickle.loads(data)
    os.close(fd)
    return value


class Worker:
    def __init__(self, channel: WorkerChannel, start: dict, alarm: _Alarm):
        self.channel = channel
        self.alarm = alarm
        self.pid = os.getpid()
        self.workdir = start["workdir"]
        # Decide now, as the sandbox's root process: killing "every other process" after a cell is only
        # safe in a pid namespace of our own (elsewhere kill(-1) would hit the host's processes).
        self.own_pid_namespace = os.stat("/proc/self/ns/pid").st_ino != start["host_pid_namespace"]
        if start["sandbox_uid"] is not None:
            drop_root(int(start["sandbox_uid"]), self.workdir)
        self.limits = apply_rlimits(start["limits"], start["limit_processes"])
        try:
            context = load_context(start["context_fd"], start["context_kind"], start["context_bytes"])
        except (MemoryError, OSError) as e:
            if isinstance(e, OSError) and e.errno != errno.ENOMEM:
                raise
            raise MemoryError(f"the context ({start['context_bytes']:,} bytes) does not fit in the worker's "
                              f"memory limit of {start['limits']['memory_bytes']:,} bytes: raise "
                              "SandboxLimits(memory_bytes=...)") from None
        self.max_output_chars = int(start["max_cell_output_chars"])
        self.capture = _FdCapture(self.workdir, self.max_output_chars)
        self.router = _OutputRouter()
        stubs = host_function_stubs(channel, list(start["host_functions"]), context)
        self.ns = Namespace(context, stubs, int(start["chunk_chars"]))
        os.chdir(self.workdir)
        # Last, while this is the only thread (a filter binds the thread that installs it and what it
        # starts later): from here on, nothing can make namespaces, mount, ptrace or memory files.
        self.seccomp = confine.seal()
        self.exit_after_result = False  # a thread the cell started would not stop (_stop_stray_threads)

    def serve_forever(self) -> None:
        while True:
            result = self.run_cell(self.channel.runs.get())
            try:
                self.channel.send(result)
            except ValueError as e:  # too large for the channel: almost always a huge FINAL value
                result.update(final=None, output=result["output"][:RESULT_FALLBACK_OUTPUT_CHARS], error=(
                    f"the cell's result is too large to send back ({e}). FINAL a shorter value: a summary, "
                    "or the part that answers the question."))
                self.channel.send(result)
            if self.exit_after_result:
                os._exit(0)

    def run_cell(self, message: dict) -> dict:
        code, timeout_s = str(message.get("code", "")), float(message.get("timeout_s", 60.0))
        out = CappedText(self.max_output_chars)
        self.router.current = out
        sys.stdout = sys.stderr = self.router  # model code may have replaced them in an earlier cell
        self.capture.reset()
        self.channel.notices.clear()
        final = None
        threads_before = set(threading.enumerate())
        try:
            self.alarm.arm(timeout_s)
            try:
                result = self.ns.execute(code, out.write)
                final = encode_final(result.final, keep=(CellTimeout,)) if result.final is not None else None
            finally:
                self.alarm.disarm()
        except CellTimeout as e:  # the alarm fired after execute() returned, before it was disarmed
            result = CellResult(output="", error=f"CellTimeout: {e}", restored_names=self.ns.restore_protected())
        except KeyboardInterrupt:  # the only exception execute() lets through
            result = CellResult(output="", error="KeyboardInterrupt", restored_names=self.ns.restore_protected())
        except FinalValueError as e:
            result.error, final = str(e), None
        if os.getpid() != self.pid:  # a process forked by the cell got here too: it must not report, or
            os._exit(0)  # kill its siblings (and the worker) below; it just ends
        self._end_cell_processes()
        self._stop_stray_threads(threads_before, out)
        sys.stdout = sys.stderr = self.router
        fd_text, fd_cut = self.capture.read()
        if fd_text:
            out.write(fd_text)
        if fd_cut:
            out.write(f"\n... [{fd_cut:,} more bytes written to the process's stdout/stderr not shown] ...\n")
        for notice in self.channel.notices:
            out.write(f"\n[sandbox channel: the host rejected a message: {notice}]\n")
        timed_out = self.alarm.fired  # before _variables() arms the alarm again
        variables = self._variables(out)
        self.router.current = None
        return {
            "op": "result",
            "cell": message.get("cell"),
            "output": out.text(),
            "error": result.error,
            "final": final,
            "timed_out": timed_out,
            "ending": self.exit_after_result,  # the worker exits after this result: the host restarts it
            "restored_names": result.restored_names,
            "misses": result.misses,
            "variables": {k[:MAX_DESCRIPTION_CHARS]: v[:MAX_DESCRIPTION_CHARS]
                          for k, v in itertools.islice(variables.items(), MAX_VARIABLES_REPORTED)},
        }

    def _variables(self, out: CappedText) -> dict[str, str]:
        """The user variables, described. Describing runs model code (a list subclass's __len__): it may
        raise or never return, which must not take the worker down after the cell."""
        self.alarm.arm(DESCRIBE_TIMEOUT_S)
        try:
            try:
                return self.ns.user_variables()
            finally:
                self.alarm.disarm()
        except BaseException as e:  # noqa: BLE001 - CellTimeout included
            out.write(f"\n[sandbox: the variables could not be listed ({type(e).__name__}: {str(e)[:200]}); "
                      "a __len__ of your own that raises or loops?]\n")
            return {}

    def _stop_stray_threads(self, before: set, out: CappedText) -> None:
        """Threads a cell started do not outlive it: between cells they would burn CPU and could flood
        the channel. Each is interrupted (CellTimeout raised in it); one that does not end within
        STRAY_THREAD_GRACE_S (it caught that, or waits in a lock or a sleep) ends the worker after this
        result, so the next cell runs in a fresh one."""
        stray = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not stray:
            return
        for t in stray:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(t.ident), ctypes.py_object(CellTimeout))
        deadline = time.monotonic() + STRAY_THREAD_GRACE_S
        for t in stray:
            t.join(max(0.0, deadline - time.monotonic()))
        left = [t.name for t in stray if t.is_alive()]
        if left:
            self.exit_after_result = True
            out.write(f"\n[sandbox: {len(left)} thread(s) this cell started did not stop ({', '.join(left[:5])}): "
                      "the worker restarts before the next cell, and variables are lost. Join your threads "
                      "within the cell.]\n")

    def _end_cell_processes(self) -> None:
        """Processes a cell started do not outlive it: a fork bomb that caught its errors, a daemon.
        kill(-1) reaches every process of ours in this namespace but this one; it is repeated because a
        process forking at that very moment can slip through, until none is left (or time is up)."""
        if not self.own_pid_namespace:
            return
        deadline = time.monotonic() + PROCESS_CLEANUP_S
        while time.monotonic() < deadline:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                break  # nothing else is left, not even a zombie
            self._reap_children()
            time.sleep(PROCESS_CLEANUP_POLL_S)
        self._reap_children()

    @staticmethod
    def _reap_children() -> None:
        """Collect our dead children, so zombies do not count against the process limit."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return


def _move_channel_off_stdio() -> tuple[int, int]:
    """Our pipes to the host become private fds; 0 reads /dev/null, 1 and 2 are redirected later."""
    in_fd, out_fd = os.dup(0), os.dup(1)  # os.dup: not inherited by subprocesses
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    os.close(devnull)
    return in_fd, out_fd


def _fail_before_channel(out_fd: int, e: BaseException) -> None:
    """Say why we cannot start, on the raw channel (the WorkerChannel may not exist yet), and exit."""
    detail = "".join(traceback.format_exception_only(type(e), e)).strip()
    view = memoryview(encode_frame({"op": "failed", "error": detail}))
    try:
        while view:
            view = view[os.write(out_fd, view):]
    finally:
        os._exit(1)


def main() -> None:
    in_fd, out_fd = _move_channel_off_stdio()
    reader = os.fdopen(in_fd, "rb", buffering=1 << 16)
    try:
        start = read_frame(reader, sys.maxsize)
    except (ChannelClosed, BadFrame, FrameTooLarge):
        os._exit(2)
    try:
        if start.get("confine"):  # before the channel exists: its fork handler would close it in our child
            confine.enter(start["confine"], keep_fds=(in_fd, out_fd, int(start["context_fd"])))
        alarm = _Alarm()
        channel = WorkerChannel(reader, out_fd, int(start["max_message_bytes"]), alarm)
        worker = Worker(channel, start, alarm)
    except BaseException as e:  # noqa: BLE001 - report why we cannot start, whatever it is
        _fail_before_channel(out_fd, e)
    threading.Thread(target=channel.read_forever, name="rlm-channel", daemon=True).start()
    channel.send({"op": "ready", "pid": os.getpid(), "uid": os.getuid(), "limits": worker.limits,
                  "own_pid_namespace": worker.own_pid_namespace, "seccomp": worker.seccomp})
    worker.serve_forever()


def probe_main() -> None:
    """A trial start of a containment (containment.probe): confine, drop root, seal; exit 0 if all held."""
    spec = json.loads(sys.argv[2])
    if spec["confine"]:
        confine.enter(spec["confine"], keep_fds=())
    if spec["uid"] is not None:
        drop_root(int(spec["uid"]), spec["workdir"])
        missing = [p for p in spec["needed"] if not os.access(p, os.R_OK | os.X_OK)]
        if missing:
            sys.exit("unreadable after dropping root: " + ", ".join(missing))
    confine.seal()
