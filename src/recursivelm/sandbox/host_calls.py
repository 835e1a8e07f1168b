"""The worker's sub-calls, served on the host while a cell runs (the isolated sandbox's side of them).

A "call" message is checked against the host functions offered and their signatures (`wire.check_call`),
run in a thread of its own (a sub-call may take minutes: the sandbox's reader must go on), and answered
with a "reply": the value, or the host function's error as the model would see it in process. At most
`max_concurrent` run at once. When the cell ends (finished, timed out, the worker died), the calls still
running are cancelled and the worker is told, so no thread of it waits for them forever.
"""

from __future__ import annotations

import ctypes
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .wire import ProtocolError, check_call, jsonable


class SubCallCancelled(BaseException):
    """Raised inside a host function's thread when its cell ended (timeout, death) before it returned."""


@dataclass
class _SubCall:
    id: int
    thread: threading.Thread | None = None
    finished: bool = False
    cancelled: bool = False


class HostCalls:
    """The calls in flight for one sandbox. `send(worker, message)` and `reject(worker, why)` are the
    sandbox's: the one writer to the worker, and its answer to a message the protocol does not allow."""

    def __init__(self, max_concurrent: int, send: Callable[[Any, dict], Any], reject: Callable[[Any, str], None]):
        self.host_functions: dict[str, Callable[..., Any]] = {}
        self.max_concurrent = max_concurrent
        self._send = send
        self._reject = reject
        self._calls: dict[int, _SubCall] = {}
        self._lock = threading.Lock()

    def start(self, worker: Any, message: dict) -> None:
        """A "call" from the worker: checked, then run in a thread of its own (the reader must go on)."""
        call_id = message.get("id")
        if type(call_id) is not int:
            self._reject(worker, "a 'call' message needs an integer 'id'")
            return
        try:
            fn, args, kwargs = check_call(message, self.host_functions)
        except ProtocolError as e:
            self.reply_error(worker, call_id, "TypeError", str(e))
            return
        with self._lock:
            if call_id in self._calls:
                self._reject(worker, f"call id {call_id} is already in flight")
                return
            if len(self._calls) >= self.max_concurrent:
                self.reply_error(worker, call_id, "RuntimeError",
                                 f"more than {self.max_concurrent} sub-calls in flight at once: "
                                 "use llm_query_batched for many prompts")
                return
            call = self._calls[call_id] = _SubCall(call_id)
            call.thread = threading.Thread(target=self._run, args=(worker, call, fn, args, kwargs), daemon=True,
                                           name=f"rlm-sandbox-call-{call_id}")
            call.thread.start()

    def _run(self, worker: Any, call: _SubCall, fn: Callable[..., Any], args: list, kwargs: dict) -> None:
        try:
            try:
                reply: dict[str, Any] = {"value": jsonable(fn(*args, **kwargs))}
            except SubCallCancelled:
                raise
            except BaseException as e:  # noqa: BLE001 - the model sees the host function's error, as in process
                reply = {"error": {"type": type(e).__name__, "message": str(e)}}
            with self._lock:
                if call.cancelled:
                    return
                call.finished = True
                self._calls.pop(call.id, None)
            self._send(worker, {"op": "reply", "id": call.id, **reply})
        except SubCallCancelled:
            pass

    def reply_error(self, worker: Any, call_id: int, type_name: str, message: str) -> None:
        self._send(worker, {"op": "reply", "id": call_id, "error": {"type": type_name, "message": message}})

    def end(self, worker: Any) -> None:
        """The cell is over: stop its sub-calls still running (their model calls are cancelled, as in
        process) and tell the worker, so no thread of it waits for them forever."""
        with self._lock:
            calls, self._calls = list(self._calls.values()), {}
            for call in calls:
                if call.finished:
                    continue
                call.cancelled = True
                if call.thread is not None and call.thread.is_alive():
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(call.thread.ident),
                                                               ctypes.py_object(SubCallCancelled))
        for call in calls:
            self.reply_error(worker, call.id, "RuntimeError", "cancelled: the cell ended before the reply came")
