"""Typed events, written to JSONL as they happen.

Every step of a run is one event: root call, cell start/end, sub-call, child run, limit, answer.
Events form a tree through `parent` (a sub-call's or child run's parent is the cell that made it), and
every event names its `run`, so one file holds the root run and all its children. The context itself is
never written: `run_start` carries its metadata only.
"""

from __future__ import annotations

import itertools
import json
import threading
from datetime import datetime, timezone
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import IO, Any, ClassVar, Iterable

from .text import head_and_tail, json_text

# The version of the event log's shape (docs/schema/events.v1.json; `rlm schema events`): a new field keeps
# it, a field renamed or removed or a meaning changed makes it v2.
EVENTS_SCHEMA_ID = "recursivelm.events.v1"

# An answer longer than this is logged whole once, in the run's run_end event (written right after it);
# the answer event keeps its head and tail. A FINAL(context) of 100 MB used to be written twice.
ANSWER_EVENT_LOG_CHARS = 4_000
ANSWER_EVENT_NOTE = "\n... [{cut:,} characters: the whole answer is in this run's run_end event] ...\n"


@dataclass
class Event:
    type: ClassVar[str] = "event"
    id: str
    run: str
    depth: int
    t: float  # seconds since the root run started
    parent: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass
class RunStart(Event):
    type: ClassVar[str] = "run_start"
    question: str = ""
    context: dict[str, Any] = field(default_factory=dict)  # metadata only, never the text
    model: str = ""
    sub_model: str = ""
    profile: str = ""
    sandbox: str = ""
    limits: dict[str, Any] = field(default_factory=dict)
    # The log's first line says what it is and when, by the wall clock (`t` counts from the root's start).
    schema: str = EVENTS_SCHEMA_ID
    started_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="milliseconds"))


@dataclass
class RootCall(Event):
    type: ClassVar[str] = "root_call"
    iteration: int = 0
    prompt: str = ""  # the user message added this turn (the history is the chain of these)
    reply: str = ""
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    duration_s: float = 0.0
    answer_now: bool = False  # the final turn forced by a limit
    aside: bool = False  # asked beside the history, not part of it: a second program (second_program.py)


@dataclass
class CellStart(Event):
    type: ClassVar[str] = "cell_start"
    iteration: int = 0
    index: int = 0
    code: str = ""


@dataclass
class CellEnd(Event):
    type: ClassVar[str] = "cell_end"
    output: str = ""  # as shown to the model (truncated, with the note)
    output_chars: int = 0  # the untruncated length
    error: str | None = None
    timed_out: bool = False
    restored_names: list[str] = field(default_factory=list)
    lost_variables: list[str] = field(default_factory=list)
    duration_s: float = 0.0


@dataclass
class SubCall(Event):
    type: ClassVar[str] = "sub_call"
    prompt: str = ""  # head and tail when long: the context is never logged again
    prompt_chars: int = 0
    reply: str = ""
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    duration_s: float = 0.0
    cached: bool = False  # answered by an identical earlier prompt in this run
    error: str | None = None


@dataclass
class SubCallsQueued(Event):
    type: ClassVar[str] = "sub_calls_queued"
    count: int = 0  # prompts (or child runs) a cell just asked for; their sub_call events follow
    kind: str = "llm_query"  # llm_query | llm_query_batched | rlm_query


@dataclass
class LimitFired(Event):
    type: ClassVar[str] = "limit"
    limit: str = ""
    detail: str = ""


@dataclass
class Answer(Event):
    type: ClassVar[str] = "answer"
    answer: str = ""
    via: str = ""  # FINAL, FINAL_VAR, text, answer_now


INTERRUPTED = "interrupted"  # a run_end status only the log holds: the run was cancelled (Ctrl-C) mid-way


@dataclass
class RunEnd(Event):
    type: ClassVar[str] = "run_end"
    status: str = ""  # answered | limit | failed | interrupted
    answer: str | None = None
    limit: str | None = None
    error: str | None = None
    wall_time_s: float = 0.0
    usage: dict[str, Any] = field(default_factory=dict)  # this run's totals, children included


@dataclass
class ToolCall(Event):
    type: ClassVar[str] = "tool_call"
    tool: str = ""  # a function of the user's, RLM(tools=...), called from a cell (its parent)
    arguments: str = ""  # repr of the arguments, head and tail when long
    result: str = ""  # repr of what it returned, head and tail when long
    error: str | None = None
    duration_s: float = 0.0


@dataclass
class SystemPrompt(Event):
    type: ClassVar[str] = "system_prompt"
    content: str = ""  # the run's system prompt, once per run: with the root_call prompts, the whole history


@dataclass
class Compacted(Event):
    type: ClassVar[str] = "compacted"
    iteration: int = 0
    turns: int = 0  # earlier root turns folded into one note to fit the root model's window
    tokens_before: int = 0
    tokens_after: int = 0
    mode: str = "cut"  # "cut" (to their essentials) or "summary" (by the root model: RLM(compaction="summary"))


@dataclass
class Samples(Event):
    """Self-consistency's choice (`RLM(samples=K)`, consistency.py), the log's last event. Sample 1 runs under
    the run's id, sample k under `<id>-s<k>` with the root's run_start as its parent (one root per log)."""

    type: ClassVar[str] = "samples"
    asked: int = 0  # K, the samples asked for
    ran: int = 0  # the samples that ran: fewer when the run's budget was spent first
    stopped: str | None = None  # the limit that stopped sampling before K, if one did
    temperature: float | None = None  # the root's temperature in samples 2..K (None: the model cannot sample)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # best first: answer, samples, votes, found
    chosen: int = 1  # the sample whose outcome is the result (1-based)
    answer: str | None = None  # the chosen answer (head and tail when long: whole in that sample's run_end)
    usage: dict[str, Any] = field(default_factory=dict)  # the totals of all samples together


EVENT_TYPES: dict[str, type[Event]] = {
    cls.type: cls for cls in (RunStart, RootCall, CellStart, CellEnd, SubCallsQueued, SubCall, LimitFired, Answer, RunEnd,
                              ToolCall, SystemPrompt, Compacted, Samples)
}


def event_from_dict(d: dict[str, Any]) -> Event:
    cls = EVENT_TYPES[d["type"]]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in names})


class EventLog:
    """Collects the events of one run tree and appends each to a JSONL file as it happens."""

    def __init__(self, path: str | Path | None = None, clock=None):
        import time

        self._clock = clock or time.monotonic
        self._t0 = self._clock()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.events: list[Event] = []
        self.listeners: list = []  # called with each event after it is written (progress displays)
        self.path = Path(path) if path else None
        self._file: IO[str] | None = None
        if self.path:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self.path.open("a", encoding="utf-8")
            except OSError as e:
                what = "a directory" if self.path.is_dir() else e.strerror
                raise ValueError(f"cannot write the event log {self.path}: {what} (give a file path in a "
                                 "writable folder, e.g. run.jsonl)") from None

    def new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids)}"

    def now(self) -> float:
        return round(self._clock() - self._t0, 4)

    def emit(self, event: Event) -> Event:
        with self._lock:
            self.events.append(event)
            if self._file:
                self._file.write(json_text(_as_logged(event)) + "\n")
                self._file.flush()
        for listener in self.listeners:
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a broken progress display must not break the run
                pass
        return event

    def close(self) -> None:
        if self._file:
            self._file.close()
            self._file = None


def _as_logged(event: Event) -> dict[str, Any]:
    """The event as the JSONL file holds it (the in-memory event is never changed)."""
    record = event.as_dict()
    if isinstance(event, Answer) and isinstance(event.answer, str):
        record["answer"] = head_and_tail(event.answer, ANSWER_EVENT_LOG_CHARS, ANSWER_EVENT_NOTE)
    return record


def load_events(path: str | Path) -> list[Event]:
    """Read a JSONL event log back (also one still being written: a torn last line is skipped)."""
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        try:
            out.append(event_from_dict(json.loads(line)))
        except (json.JSONDecodeError, KeyError):
            continue
    return out


def children_of(events: Iterable[Event], parent_id: str) -> list[Event]:
    return [e for e in events if e.parent == parent_id]
