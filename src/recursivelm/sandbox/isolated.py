"""The isolated sandbox: model-written code runs in a separate, contained worker process.

Model code is untrusted. It runs in a worker started fresh per run (never a fork of this process, so it
inherits no secrets, clients or memory), walled in as containment.py describes, and talking to us only
over its stdin/stdout pipes (the wire protocol is in wire.py). The worker holds no API key: its
llm_query & co. send a "call" message, and this side runs the host functions it was given in `start()`.

- The context goes to the worker once, as a sealed memory file (memfd) it maps and decodes: never
  re-sent per cell, reachable by no path, and immutable, so a restarted worker reloads the original.
- Everything the worker sends is checked. A bad message gets an error back; a message too large, or
  anything that breaks the framing, ends the worker (it is restarted); the host never crashes on it.
- Each cell has a deadline: the worker interrupts the cell itself at the timeout (variables kept); a
  cell that does not stop is killed with its whole sandbox `kill_grace_s` later. After any death
  (timeout, crash, OOM, exit) the worker restarts with the context and host functions in place, and
  the cell's result names the variables that were lost.
"""

from __future__ import annotations

import concurrent.futures
import fcntl
import logging
import os
import pickle
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..protocols import CellResult, HostFunctions
from .containment import (BWRAP, NONE, Plan, SANDBOX_WORKDIR, SandboxLimits, SandboxUnavailable, UNSHARE,
                          WeakIsolationWarning, choose_plan, command, confine_spec, describe, exit_status,
                          kill_children, new_sandbox_uid, package_dir, warn_if_weak, worker_environment)
from .host_calls import HostCalls
from .namespace import CLOSED_MID_CELL, DEFAULT_CHUNK_CHARS
from .wire import BadFrame, ChannelClosed, FrameTooLarge, ProtocolError, encode_frame, parse_result, read_sized_frame
from .worker import BOOTSTRAP

__all__ = ["IsolatedSandbox", "SandboxLimits", "SandboxError", "SandboxUnavailable", "WeakIsolationWarning"]

log = logging.getLogger("recursivelm.sandbox")

KILL_WAIT_S = 5.0  # after SIGKILL, how long we wait for the worker to be reaped
CLOSED_EXIT_WAIT_S = 1.0  # after the channel closed, how long we wait for the worker's own exit status
INBOX_BACKSTOP_S = 5.0  # extra wait past the deadline in case the watchdog thread itself is late
SEND_TIMEOUT_S = 10.0  # a worker that takes no message for this long has stopped reading: it is killed
SEND_POLL_S = 0.05  # while the pipe to the worker is full, how often we look again
STARTUP_LOG_CHARS = 2_000  # the tail of the worker's startup stderr quoted when it fails to start
ASK_NO_CELL = "no cell is running: sub-calls are answered only while a cell runs"
MAX_MESSAGES_BETWEEN_CELLS = 1_000  # more than this sent while no cell ran: a flood, the worker is restarted
INBOX_FULL_POLL_S = 0.1  # a reader held by a full inbox looks this often whether its worker died

# All workers are spawned from this one long-lived thread: bwrap's --die-with-parent (and the kernel's
# parent-death signal under it) fires when the *thread* that forked bwrap ends, so a worker restarted
# from a short-lived thread would die with that thread.
_spawner = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="rlm-sandbox-spawner")


class SandboxError(RuntimeError):
    """The isolated sandbox could not start (or restart) its worker. The message says why."""


class _Inbox:
    """What the workers' readers hand the serving thread: a queue bounded in bytes. A worker that sends
    while nobody reads (something a cell left running, between cells) is held back by its own pipe once
    the inbox is full, never by our memory. Items of size 0 (deadline, closed) are never held."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.held_bytes = 0
        self._queue: queue.Queue = queue.Queue()
        self._room = threading.Condition()

    def put(self, item: tuple, size: int = 0, give_up: Callable[[], bool] = lambda: False) -> None:
        with self._room:
            while size and self.held_bytes and self.held_bytes + size > self.max_bytes:
                if give_up():
                    return
                self._room.wait(INBOX_FULL_POLL_S)
            self.held_bytes += size
        self._queue.put((item, size))

    def get(self, timeout: float) -> tuple:
        return self._took(self._queue.get(timeout=timeout))

    def get_nowait(self) -> tuple:
        return self._took(self._queue.get_nowait())

    def _took(self, entry: tuple) -> tuple:
        item, size = entry
        if size:
            with self._room:
                self.held_bytes -= size
                self._room.notify_all()
        return item


@dataclass
class _Worker:
    """One generation of the worker process."""

    proc: subprocess.Popen
    generation: int
    startup_log: Any  # a temporary file: the worker's stderr until it redirects it
    host_workdir: str | None
    info: dict = field(default_factory=dict)  # its "ready" message
    reader: threading.Thread | None = None
    killed_because: str | None = None  # set when we kill it for a reason of ours (not a cell's timeout)
    kill_lock: threading.Lock = field(default_factory=threading.Lock)


class IsolatedSandbox:
    """Runs model code in a contained worker process. `isolation` says what is active here.

    `containment`: "auto" (bwrap, else unshare, else refuse), "bwrap", "unshare" or "none".
    `allow_network`: accept running with no network namespace when none can be had (a loud warning);
    the environment variable RECURSIVELM_ALLOW_NO_NETNS=1 does the same.
    """

    def __init__(self, chunk_chars: int = DEFAULT_CHUNK_CHARS, *, limits: SandboxLimits | None = None,
                 containment: str = "auto", allow_network: bool = False):
        self.chunk_chars = chunk_chars
        self.limits = limits or SandboxLimits()
        self.plan: Plan = choose_plan(containment, allow_network)
        self.sandbox_uid = new_sandbox_uid() if self.plan.drop_root else None
        self.isolation = describe(self.plan, self.limits, self.sandbox_uid)
        warn_if_weak(self.plan)
        self._context: tuple[int, str, int] | None = None  # (memfd, "text" | "pickle", size)
        self._worker: _Worker | None = None
        self._generations = 0
        # (generation, kind, payload) from readers and the watchdog, bounded in bytes
        self._inbox = _Inbox(self.limits.max_inbox_bytes)
        self._write_lock = threading.Lock()
        self._variables: dict[str, str] = {}  # the user variables as of the last finished cell
        self._cell = 0  # number of the running (or last) cell
        self._serving: int | None = None  # the cell being served now; the watchdog acts only on it
        self._serving_lock = threading.Lock()
        self._calls = HostCalls(self.limits.max_concurrent_subcalls, self._send, self._reject)
        self._closed = False
        self.restarts = 0
        self.bytes_sent = 0  # to the worker, all told: the context is not among them

    # -- the Sandbox protocol -----------------------------------------------------------------------
    def start(self, context: Any, host_functions: HostFunctions) -> None:
        if self._worker is not None or self._closed:
            raise RuntimeError("this IsolatedSandbox was already started: make one per run")
        self._calls.host_functions = dict(host_functions)
        self._context = _seal_context(context)
        try:
            self._worker = self._spawn()
        except BaseException:
            self.close()
            raise

    def run_cell(self, code: str, timeout_s: float) -> CellResult:
        if self._worker is None or self._closed:
            raise RuntimeError("start() the sandbox first" if not self._closed else "the sandbox is closed")
        started = time.monotonic()
        lost: list[str] = []
        if self._drain_between_cells():  # the worker died or broke protocol since the last cell
            lost = self._restart()
        self._cell += 1
        cell, worker = self._cell, self._worker
        watchdog = threading.Timer(timeout_s + self.limits.kill_grace_s, self._on_deadline, (worker, cell))
        watchdog.daemon = True
        with self._serving_lock:
            self._serving = cell
        watchdog.start()
        try:
            self._send(worker, {"op": "run", "cell": cell, "code": code, "timeout_s": timeout_s})
            kind, payload = self._serve_cell(worker, cell, timeout_s)
        finally:
            with self._serving_lock:
                self._serving = None
            watchdog.cancel()
            self._calls.end(worker)
        if kind == "result":
            (result, self._variables), ending = payload
            if ending:  # a thread the cell left would not stop: the worker exits; make sure, now
                self._kill(worker)
        elif self._closed:  # close() killed the worker under this cell (a cancelled run): no new one
            return CellResult(output="", error=CLOSED_MID_CELL, duration_s=time.monotonic() - started)
        else:
            lost = self._restart()
            result = CellResult(output="", error=_failure_message(kind, payload, timeout_s),
                                timed_out=kind == "deadline")
        result.lost_variables = lost
        result.duration_s = time.monotonic() - started
        return result

    def variables(self) -> dict[str, str]:
        return dict(self._variables)

    def close(self) -> None:
        self._closed = True
        if self._worker is not None:
            self._calls.end(self._worker)
            self._kill(self._worker)
        if self._context is not None:
            os.close(self._context[0])
            self._context = None

    def __enter__(self) -> IsolatedSandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- starting workers --------------------------------------------------------------------------
    def _spawn(self) -> _Worker:
        """Start a worker, hand it the context, and wait until it says it is ready."""
        self._generations += 1
        # unshare: an empty directory its new root is mounted on (in its own mount namespace); none: its cwd
        host_workdir = None if self.plan.mode == BWRAP else tempfile.mkdtemp(prefix="rlm-sandbox-")
        workdir = host_workdir if self.plan.mode == NONE else SANDBOX_WORKDIR
        argv = [sys.executable, "-I", "-c", BOOTSTRAP, str(package_dir().parent)]
        startup_log = tempfile.TemporaryFile()
        context_fd, kind, size = self._context
        proc = _spawner.submit(
            subprocess.Popen, command(self.plan, argv, self.limits), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=startup_log, env=worker_environment(workdir), cwd=workdir if self.plan.mode == NONE else "/",
            pass_fds=(context_fd,),
            start_new_session=True,  # its own process group: one killpg ends it, and our Ctrl-C does not reach it
        ).result()
        os.set_blocking(proc.stdin.fileno(), False)  # see _send
        worker = _Worker(proc, self._generations, startup_log, host_workdir)
        worker.reader = threading.Thread(target=self._read_from, args=(worker,), daemon=True,
                                         name=f"rlm-sandbox-reader-{proc.pid}")
        worker.reader.start()
        try:
            self._send(worker, {
                "op": "start", "context_fd": context_fd, "context_kind": kind, "context_bytes": size,
                "chunk_chars": self.chunk_chars, "host_functions": sorted(self._calls.host_functions),
                "limits": {"memory_bytes": self.limits.memory_bytes, "cpu_seconds": self.limits.cpu_seconds,
                           "max_open_files": self.limits.max_open_files, "max_file_bytes": self.limits.max_file_bytes,
                           "max_processes": self.limits.max_processes},
                "limit_processes": self.plan.limits_processes, "sandbox_uid": self.sandbox_uid, "workdir": workdir,
                "host_pid_namespace": os.stat("/proc/self/ns/pid").st_ino,
                "max_cell_output_chars": self.limits.max_cell_output_chars,
                "max_message_bytes": self.limits.max_message_bytes,
                "confine": confine_spec(self.limits, host_workdir) if self.plan.mode == UNSHARE else None,
            })
            worker.info = self._await_ready(worker)
        except BaseException:
            self._kill(worker)
            raise
        return worker

    def _await_ready(self, worker: _Worker) -> dict:
        deadline = time.monotonic() + self.limits.start_timeout_s
        while True:
            try:
                generation, kind, payload = self._inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise SandboxError(f"the sandbox worker did not start within {self.limits.start_timeout_s:g}s "
                                   "(SandboxLimits.start_timeout_s)") from None
            if generation != worker.generation:
                continue
            if kind == "message" and payload["op"] == "ready":
                uid = payload.get("uid")
                if self.sandbox_uid is not None and uid != self.sandbox_uid:
                    raise SandboxError(f"the sandbox worker runs as uid {uid!r}, not {self.sandbox_uid}: refusing it")
                return payload
            if kind == "message" and payload["op"] == "failed":
                raise SandboxError(f"the sandbox worker could not start: {payload.get('error')}")
            if kind in ("closed", "broken"):
                raise SandboxError(f"the sandbox worker exited before it was ready "
                                   f"({exit_status(worker.proc, KILL_WAIT_S)}): {_startup_log_tail(worker)}")
            raise SandboxError(f"the sandbox worker sent {kind} {str(payload)[:200]!r} instead of 'ready'")

    def _restart(self) -> list[str]:
        """A fresh worker with the same context and functions. Returns the variables that were lost."""
        lost = sorted(self._variables)
        self._variables = {}
        if self._worker is not None:
            self._kill(self._worker)
        self.restarts += 1
        try:
            self._worker = self._spawn()
        except SandboxError as e:
            raise SandboxError(f"the sandbox worker died and could not be restarted: {e}") from None
        return lost

    def _kill(self, worker: _Worker) -> None:
        """SIGKILL the worker's whole sandbox (its process group; bwrap and the pid namespace take the rest)."""
        with worker.kill_lock:
            proc = worker.proc
            if proc.poll() is None and kill_children(proc.pid):
                # The sandbox's pid 1 first: its parent (bwrap, or the "unshare" worker's waiting parent)
                # reaps it and exits. Killed together, it would be left a zombie of the host's init, which
                # in a container may never reap it (and zombies count against the process limit).
                try:
                    proc.wait(timeout=KILL_WAIT_S)
                except subprocess.TimeoutExpired:
                    pass
            if proc.poll() is None:
                for kill in (lambda: os.killpg(proc.pid, signal.SIGKILL), lambda: os.kill(proc.pid, signal.SIGKILL)):
                    try:
                        kill()
                    except (ProcessLookupError, PermissionError):
                        pass
            try:
                proc.wait(timeout=KILL_WAIT_S)
            except subprocess.TimeoutExpired:
                log.warning("sandbox worker %s did not exit after SIGKILL", proc.pid)
            try:
                proc.stdin.close()
            except OSError:
                pass
            if worker.reader is not None and worker.reader is not threading.current_thread():
                worker.reader.join(timeout=KILL_WAIT_S)
                if not worker.reader.is_alive():  # closing under a reader still in read() would block
                    proc.stdout.close()
            worker.startup_log.close()
            if worker.host_workdir:
                shutil.rmtree(worker.host_workdir, ignore_errors=True)
                worker.host_workdir = None

    # -- the channel -------------------------------------------------------------------------------
    def _send(self, worker: _Worker, message: dict) -> bool:
        """Write one frame; False when the worker is gone (its reader reports that). The pipe is
        non-blocking: a worker that stops reading is killed after SEND_TIMEOUT_S, so no thread of ours
        ever hangs on it."""
        frame = encode_frame(message)
        view = memoryview(frame)
        deadline = time.monotonic() + SEND_TIMEOUT_S
        with self._write_lock:
            try:
                fd = worker.proc.stdin.fileno()
            except ValueError:  # closed after a kill
                return False
            while view:
                try:
                    view = view[os.write(fd, view):]
                except BlockingIOError:
                    pass
                except OSError:  # the worker is gone (broken pipe)
                    return False
                if view:
                    if time.monotonic() > deadline:
                        log.warning("sandbox worker %s stopped reading its channel: killing it", worker.proc.pid)
                        worker.killed_because = f"it took no message for {SEND_TIMEOUT_S:g}s, so it was killed"
                        threading.Thread(target=self._kill, args=(worker,), daemon=True).start()
                        return False
                    select.select([], [fd], [], SEND_POLL_S)
            self.bytes_sent += len(frame)
        return True

    def _read_from(self, worker: _Worker) -> None:
        """The reader thread of one worker: frames into the inbox, tagged with its generation."""
        stream, generation = worker.proc.stdout, worker.generation
        gone = lambda: worker.proc.poll() is not None  # noqa: E731 - then a full inbox stops holding us
        while True:
            try:
                message, size = read_sized_frame(stream, self.limits.max_message_bytes)
            except BadFrame as e:  # the frame was complete: the stream is still in step
                self._inbox.put((generation, "bad", str(e)), 1, gone)
                continue
            except FrameTooLarge as e:
                self._inbox.put((generation, "broken", str(e)))
                return
            except (ChannelClosed, OSError, ValueError):
                self._inbox.put((generation, "closed", None))
                return
            self._inbox.put((generation, "message", message), size, gone)

    def _reject(self, worker: _Worker, why: str) -> None:
        self._send(worker, {"op": "error", "error": why})

    def _drain_between_cells(self) -> bool:
        """Handle what the worker sent while no cell ran. True if it must be restarted."""
        worker = self._worker
        broken = worker.proc.poll() is not None
        for _ in range(MAX_MESSAGES_BETWEEN_CELLS):
            try:
                generation, kind, payload = self._inbox.get_nowait()
            except queue.Empty:
                return broken
            if generation != worker.generation:
                continue
            if kind in ("closed", "broken"):
                broken = True
            elif kind == "message" and payload["op"] == "call" and type(payload.get("id")) is int:
                self._calls.reply_error(worker, payload["id"], "RuntimeError", ASK_NO_CELL)
            elif kind == "message" and payload["op"] != "result":
                self._reject(worker, f"unexpected {payload['op']!r} message while no cell runs")
        log.warning("sandbox worker %s kept sending while no cell ran: restarting it", worker.proc.pid)
        return True  # something it left running floods us: a restart ends it

    # -- one cell --------------------------------------------------------------------------------
    def _serve_cell(self, worker: _Worker, cell: int, timeout_s: float) -> tuple[str, Any]:
        """Serve the worker's sub-calls until its result. Returns (kind, payload): ("result", (CellResult,
        variables)), ("deadline", None), ("closed", exit status) or ("broken", why)."""
        backstop = time.monotonic() + timeout_s + self.limits.kill_grace_s + INBOX_BACKSTOP_S
        while True:
            try:
                generation, kind, payload = self._inbox.get(timeout=max(0.0, backstop - time.monotonic()))
            except queue.Empty:
                self._kill(worker)
                return "deadline", None
            if generation != worker.generation:
                continue
            if kind == "deadline":
                if payload == cell:
                    return "deadline", None
            elif kind == "closed":
                return "closed", worker.killed_because or exit_status(worker.proc, CLOSED_EXIT_WAIT_S)
            elif kind == "broken":
                return "broken", payload
            elif kind == "bad":
                self._reject(worker, payload)
            elif payload["op"] == "call":
                self._calls.start(worker, payload)
            elif payload["op"] == "result" and payload.get("cell") == cell:
                try:
                    return "result", (parse_result(payload, self.limits.max_cell_output_chars, self._calls.host_functions),
                                      payload.get("ending") is True)
                except ProtocolError as e:
                    return "broken", f"an invalid result: {e}"
            else:
                self._reject(worker, f"unknown or unexpected op {payload['op']!r}")

    def _on_deadline(self, worker: _Worker, cell: int) -> None:
        """The watchdog: the cell is past its timeout plus grace. Kill first-hand: whatever is blocked
        (a write to a worker that stopped reading, a read) comes loose when the process is gone."""
        with self._serving_lock:
            if self._serving != cell or self._worker is not worker:
                return  # the cell finished just in time
            self._inbox.put((worker.generation, "deadline", cell))
        self._kill(worker)

# ---------------------------------------------------------------------------------------------
# Helpers


def _seal_context(context: Any) -> tuple[int, str, int]:
    """Write the context once into a memory file, then seal it: the worker maps it read-only, and
    nothing (not even a worker that kept the fd) can change what a restarted worker reloads."""
    if isinstance(context, str):
        data, kind = context.encode("utf-8", "surrogatepass"), "text"
    else:
        try:
            data, kind = pickle.dumps(context, protocol=pickle.HIGHEST_PROTOCOL), "pickle"
        except Exception as e:  # noqa: BLE001
            raise SandboxError(f"the context cannot be sent to the isolated worker: {type(e).__name__}: {e}") from None
    fd = os.memfd_create("rlm-context", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS,
                    fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
    except BaseException:
        os.close(fd)
        raise
    return fd, kind, len(data)


def _startup_log_tail(worker: _Worker) -> str:
    log_file = worker.startup_log
    try:
        log_file.seek(0)
        text = log_file.read().decode("utf-8", "replace").strip()
    except (OSError, ValueError):
        text = ""
    return text[-STARTUP_LOG_CHARS:] or "(it wrote no error message)"


def _failure_message(kind: str, payload: Any, timeout_s: float) -> str:
    restarted = ("The sandbox worker was restarted: the context and llm_query & co. are back; "
                 "variables (and files in its working directory) are not, and this cell's output is lost.")
    if kind == "deadline":
        return (f"TimeoutError: the cell ran past its {timeout_s:g}s limit and did not stop when interrupted "
                f"(it caught the interrupt or was stuck in native code), so it was killed. {restarted}")
    if kind == "closed":
        hint = ""
        if "SIGSEGV" in payload or "SIGABRT" in payload:
            hint = " (a crash: e.g. recursion too deep after sys.setrecursionlimit, or native code)"
        elif "SIGKILL" in payload or "SIGXCPU" in payload:
            hint = " (killed: out of memory, CPU time, or the cell killed it)"
        return f"WorkerDied: the sandbox worker ended during the cell, {payload}{hint}. {restarted}"
    return f"ChannelError: the sandbox worker broke the channel protocol ({payload}), so it was killed. {restarted}"
