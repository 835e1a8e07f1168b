"""The run registry: every request's RLM run, its queue slot, its live events and its final record.

Runs are isolated by construction: each request gets its own `RLM` (own limits, own event log, own
sandbox per run) and only the model objects are shared. At most `max_concurrent` runs execute at
once; the others wait in FIFO order, at most `max_queued` of them (beyond that a request gets 429).
Finished runs stay retrievable by id until `keep_finished` newer ones have finished.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from ..engine import RLM, Result
from ..events import Event
from ..settings import Limits
from .errors import APIError

QUEUED, RUNNING, CANCELLED, FAILED = "queued", "running", "cancelled", "failed"
ACTIVE = (QUEUED, RUNNING)


@dataclass(frozen=True)
class Queued:
    """Published while a run waits for a slot."""

    ahead: int


@dataclass(frozen=True)
class Finished:
    """Published once, last: the record then holds the outcome."""


@dataclass
class RunRecord:
    id: str
    question: str
    limits: Limits
    model_id: str
    created: int = field(default_factory=lambda: int(time.time()))
    status: str = QUEUED  # queued | running | answered | limit | failed | cancelled
    error: str | None = None  # why a run failed outside the engine (the engine's own go in `result`)
    result: Result | None = None
    events: list[Event] = field(default_factory=list)  # every event so far, in arrival order
    streaming: bool = False  # a streaming response reads `updates`; without one nothing is queued there
    updates: asyncio.Queue = field(default_factory=asyncio.Queue)  # Event | Queued | Finished, for that reader
    started_at: float | None = None
    ended_at: float | None = None
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    def on_event(self, event: Event) -> None:
        """The RLM's listener. Events come from the event loop and from cell threads (a cell's
        sub-call bookkeeping), so each is handed to the loop, which keeps one order for both uses."""
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._publish, event)

    def _publish(self, item: Event | Queued | Finished) -> None:
        if isinstance(item, Event):
            self.events.append(item)
        if self.streaming:
            self.updates.put_nowait(item)

    def as_dict(self) -> dict[str, Any]:
        """The Result's dict (answer, status, limit, error, usage tree, trajectory), with this run's id;
        while a run is queued or running, or once cancelled, the same keys hold what is known so far."""
        if self.result is not None:
            outcome = self.result.as_dict()
        else:
            elapsed = (self.ended_at or time.monotonic()) - self.started_at if self.started_at else 0.0
            outcome = {
                "answer": None, "status": self.status, "limit": None, "error": self.error,
                "wall_time_s": round(elapsed, 3),
                "iterations": sum(1 for e in self.events if e.type == "root_call" and e.depth == 0),
                "usage": None,  # the usage tree exists once the run returns; the events carry each call's tokens
                "trajectory": [e.as_dict() for e in self.events],
            }
        return {"id": self.id, "object": "rlm.run", "created": self.created, "model": self.model_id,
                "question": self.question, **outcome}

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "object": "rlm.run", "created": self.created, "status": self.status,
                "question": self.question[:200]}


class RunRegistry:
    def __init__(self, max_concurrent: int = 4, max_queued: int = 64, keep_finished: int = 256):
        if max_concurrent < 1:
            raise ValueError(f"max_concurrent_runs must be at least 1, got {max_concurrent}")
        if max_queued < 0 or keep_finished < 0:
            raise ValueError("max_queued_runs and keep_runs must be >= 0")
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued
        self.keep_finished = keep_finished
        self._slots = asyncio.Semaphore(max_concurrent)
        self._runs: OrderedDict[str, RunRecord] = OrderedDict()
        self.running = 0
        self.queued = 0
        self.peak_running = 0  # the most runs ever executing at once (tests, and operators sizing the limit)

    def admit(self, question: str, limits: Limits, model_id: str, streaming: bool = False) -> RunRecord:
        """A new record holding a queue place, or 429 when every slot is busy and the queue is full."""
        if self.running + self.queued >= self.max_concurrent + self.max_queued:
            raise APIError(429, f"the server is busy: {self.running} runs are executing and {self.queued} are "
                           f"queued (at most {self.max_queued}); retry later", code="too_many_queued_runs",
                           headers={"Retry-After": "5"})
        record = RunRecord(id=f"chatcmpl-{uuid.uuid4().hex}", question=question, limits=limits, model_id=model_id,
                           streaming=streaming, _loop=asyncio.get_running_loop())
        self.queued += 1
        self._runs[record.id] = record
        return record

    def abandon(self, record: RunRecord) -> None:
        """Give back the queue place of a record whose run could not be started."""
        self.queued -= 1
        self._runs.pop(record.id, None)

    def get(self, run_id: str) -> RunRecord | None:
        return self._runs.get(run_id)

    def all(self) -> list[RunRecord]:
        return list(self._runs.values())

    async def execute(self, record: RunRecord, rlm: RLM, context: Any, ask=None) -> None:
        """Wait for a slot, run `rlm` on `context` (or `ask(question, run_id)`: a session's turn, a typed
        answer; followups.py), and record the outcome in `record`. Cancelling the task that awaits this
        cancels the run (the engine then closes its sandbox) and marks it cancelled."""
        waiting = True
        try:
            if self._slots.locked():
                record._publish(Queued(ahead=self.queued - 1))
            async with self._slots:
                waiting = False
                self.queued -= 1
                self.running += 1
                self.peak_running = max(self.peak_running, self.running)
                record.status, record.started_at = RUNNING, time.monotonic()
                try:
                    record.result = await (ask(record.question, record.id) if ask is not None
                                           else rlm.arun(context, record.question, run_id=record.id))
                    record.status = record.result.status
                finally:
                    self.running -= 1
        except asyncio.CancelledError:
            record.status = CANCELLED
            raise
        except Exception as e:  # noqa: BLE001 - a bug or an unexpected backend error: report it, keep serving
            record.status, record.error = FAILED, f"{type(e).__name__}: {e}"
        finally:
            if waiting:
                self.queued -= 1
            record.ended_at = time.monotonic()
            # call_soon, not a direct publish: events handed over from threads before the run returned
            # are already scheduled, so Finished stays the last item the reader sees.
            asyncio.get_running_loop().call_soon(record._publish, Finished())
            self._forget_old()

    def _forget_old(self) -> None:
        finished = [r for r in self._runs.values() if not r.active]
        for old in finished[: max(0, len(finished) - self.keep_finished)]:
            del self._runs[old.id]
