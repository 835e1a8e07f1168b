"""The in-process sandbox: fastest, and no isolation at all. For trusted code only.

Each cell runs in its own thread, so a per-cell timeout can interrupt it (an asynchronous exception,
delivered between bytecodes; code stuck inside one C call cannot be stopped and is reported).
Output is captured per cell through a router installed once on sys.stdout/sys.stderr that sends each
write to the buffer of the cell whose thread made it, so parallel runs never see each other's output.
"""

from __future__ import annotations

import contextvars
import ctypes
import io
import sys
import threading
import time
from typing import Any

from ..protocols import CellResult, HostFunctions
from .namespace import CLOSED_MID_CELL, DEFAULT_CHUNK_CHARS, Namespace

TIMEOUT_GRACE_S = 2.0  # how long an interrupted cell gets to unwind before we give up on it
CLOSE_POLL_S = 0.1  # how often a waiting run_cell checks whether close() was called

_current_buffer: contextvars.ContextVar[io.StringIO | None] = contextvars.ContextVar("rlm_cell_out", default=None)


class _Router(io.TextIOBase):
    """Stands in for sys.stdout/sys.stderr: writes from a cell go to that cell's buffer."""

    def __init__(self, fallback):
        self.fallback = fallback

    def write(self, s: str) -> int:
        buf = _current_buffer.get()
        return (buf if buf is not None else self.fallback).write(s)

    def flush(self) -> None:
        if _current_buffer.get() is None:
            self.fallback.flush()

    def writable(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno...: the real stream's
        return getattr(self.fallback, name)


_install_lock = threading.Lock()


def install_output_router() -> None:
    with _install_lock:
        if not isinstance(sys.stdout, _Router):
            sys.stdout = _Router(sys.stdout)
        if not isinstance(sys.stderr, _Router):
            sys.stderr = _Router(sys.stderr)


class CellTimeout(Exception):
    pass


class SandboxClosed(Exception):
    pass


def _interrupt(thread: threading.Thread, exception: type[Exception] = CellTimeout) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(exception))


class InProcessSandbox:
    isolation = (
        "none: model code runs inside this process with its full rights (it can read the environment, "
        "files and network). Use only for trusted models and inputs."
    )

    def __init__(self, chunk_chars: int = DEFAULT_CHUNK_CHARS):
        self.chunk_chars = chunk_chars
        self.ns: Namespace | None = None
        self._closed = threading.Event()

    def start(self, context: Any, host_functions: HostFunctions) -> None:
        install_output_router()
        self.ns = Namespace(context, host_functions, self.chunk_chars)

    def run_cell(self, code: str, timeout_s: float) -> CellResult:
        ns = self.ns  # held here: close() from another thread (a cancelled run) must not pull it from a running cell
        assert ns is not None, "start() the sandbox first"
        buf = io.StringIO()
        box: dict[str, CellResult] = {}

        def target() -> None:
            _current_buffer.set(buf)
            box["result"] = ns.execute(code, buf.write)

        started = time.monotonic()
        thread = threading.Thread(target=contextvars.copy_context().run, args=(target,), daemon=True)
        thread.start()
        # Wait for the cell, its timeout, or close(): a cancelled run (Ctrl-C, a client gone) closes the
        # sandbox and must not wait minutes for a cell nobody will read.
        deadline = started + timeout_s
        while thread.is_alive() and not self._closed.is_set() and time.monotonic() < deadline:
            thread.join(min(CLOSE_POLL_S, max(0.0, deadline - time.monotonic())))
        if self._closed.is_set() and thread.is_alive():
            _interrupt(thread, SandboxClosed)  # a daemon thread: if stuck in native code it cannot hold up exit
            return CellResult(output=buf.getvalue(), error=CLOSED_MID_CELL, duration_s=time.monotonic() - started)
        timed_out = thread.is_alive()
        if timed_out:
            _interrupt(thread)
            thread.join(TIMEOUT_GRACE_S)
        result = box.get("result") or CellResult(output="", restored_names=ns.restore_protected())
        result.output = buf.getvalue()
        result.duration_s = time.monotonic() - started
        if timed_out:
            result.timed_out = True
            stuck = " It could not be stopped (stuck in native code) and still runs." if thread.is_alive() else ""
            result.error = f"TimeoutError: the cell ran past its {timeout_s:g}s limit and was stopped.{stuck}"
        return result

    def variables(self) -> dict[str, str]:
        return self.ns.user_variables() if self.ns else {}

    def close(self) -> None:
        self._closed.set()
        self.ns = None
