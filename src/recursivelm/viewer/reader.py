"""Reading an event log incrementally, while a run may still be appending to it.

The engine writes one JSON object per line and flushes after each, so a reader can only ever see a
torn *last* line: it is left unread until its newline arrives. `--log` appends, so one file may hold
several root runs one after another (and their event ids restart at 1): `RunSelection` picks one.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from ..events import EVENT_TYPES

Event = dict[str, Any]


class EventFile:
    """The parsed events of one JSONL log; `refresh()` reads only what was appended since the last call."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.events: list[Event] = []
        self._offset = 0  # bytes consumed: always just after a newline
        self._lock = threading.Lock()  # the server reads from several request threads

    def refresh(self) -> int:
        """Read newly completed lines; returns how many events they held. A missing file reads as empty."""
        with self._lock:
            try:
                with self.path.open("rb") as f:
                    if f.seek(0, 2) < self._offset:  # rewritten from scratch: start over
                        self._offset, self.events = 0, []
                    f.seek(self._offset)
                    chunk = f.read()
            except FileNotFoundError:
                return 0
            complete = chunk[: chunk.rfind(b"\n") + 1]  # a torn last line waits for its newline
            self._offset += len(complete)
            before = len(self.events)
            self.events.extend(e for e in map(_parse, complete.splitlines()) if e is not None)
            return len(self.events) - before


def _parse(line: bytes) -> Event | None:
    try:
        event = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None  # a corrupt line costs that line only
    if isinstance(event, dict) and event.get("type") in EVENT_TYPES:
        return event
    return None


def is_root_start(event: Event) -> bool:
    return event["type"] == "run_start" and event.get("parent") is None


def root_run_starts(events: list[Event]) -> list[int]:
    """Index of each root run's run_start: one per `rlm ask --log` that appended to this file."""
    return [i for i, e in enumerate(events) if is_root_start(e)]


class RunSelection:
    """One root run out of an EventFile: the events from its run_start up to the next root run_start.

    `which` is 1-based (negative counts from the end); None means the last run present when the
    selection is first made, so a page opened on a log that a new run starts appending to keeps
    showing the run it opened on. Indices into `events()` are stable while the file grows.
    """

    def __init__(self, file: EventFile, which: int | None = None):
        self.file = file
        self.which = which
        self._index: int | None = None  # 0-based index among root runs, fixed once a run exists

    def runs_in_file(self) -> int:
        return len(root_run_starts(self.file.events))

    def events(self) -> list[Event]:
        self.file.refresh()
        starts = root_run_starts(self.file.events)
        if self._index is None:
            self._index = self._resolve(len(starts))
            if self._index is None:
                return []  # not written yet: a live page waits for it
        begin = starts[self._index]
        end = starts[self._index + 1] if self._index + 1 < len(starts) else len(self.file.events)
        return self.file.events[begin:end]

    @property
    def index(self) -> int | None:
        return self._index

    def check(self) -> None:
        """Refuse a --run the file cannot hold (it already has runs, and not that one)."""
        self.file.refresh()
        count = self.runs_in_file()
        if count and self.which is not None and self._resolve(count) is None:
            raise ValueError(f"{self.file.path} holds {count} run{'s' if count != 1 else ''}: "
                             f"--run {self.which} is not one of them (use 1 to {count})")

    def _resolve(self, count: int) -> int | None:
        if count == 0:
            return None
        if self.which is None:
            return count - 1
        index = self.which - 1 if self.which > 0 else count + self.which
        return index if 0 <= index < count else None
