"""An opt-in persistent cache of sub-call results, in SQLite, so a repeated run does not pay twice.

Keyed by a hash of what decides the reply: the model's name, the messages, and the sampling settings
(max_tokens, stop, temperature, ...), passed as one dict (`key_parts`; `sub_call_key` builds it). A completion
is stored as JSON of its fields and handed back as it was, with `hit=True`: the caller reports a hit with
zero cost and tokens (the stored counts say what the call cost when it was made).

Identical requests in flight at once share one call: the first starts it as its own task, the others await
the same task. One asker giving up (cancelled) does not cancel the call for the others; the call is
cancelled only when every asker has gone. Failures are never stored, so an identical retry calls again.

Safe from many threads and event loops at once: SQLite runs in WAL mode with one connection per thread,
and database work runs in worker threads (`asyncio.to_thread`), never on the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable

from .protocols import Completion, Message
from .text import json_text

CACHE_FORMAT_VERSION = 1  # part of every key: a change of format misses old entries instead of misreading them
SQLITE_BUSY_TIMEOUT_S = 30.0  # another process holding the write lock is waited for this long
SCHEMA = """
CREATE TABLE IF NOT EXISTS completions (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    completion TEXT NOT NULL,
    created_at REAL NOT NULL
)
"""


def sub_call_key(model: Any, messages: list[Message], *, max_tokens: int | None = None,
                 stop: list[str] | None = None, **sampling: Any) -> dict:
    """The key parts of one call: `model` is a Model (its name and its `sampling` settings, when it has
    them, are used) or a model name. Extra keyword arguments are further sampling settings."""
    name = model if isinstance(model, str) else model.name
    settings = dict(getattr(model, "sampling", None) or {}) if not isinstance(model, str) else {}
    settings.update(sampling)
    return {"model": name, "messages": [dict(m) for m in messages], "max_tokens": max_tokens,
            "stop": list(stop) if stop else None, "sampling": settings}


def cache_key(key_parts: dict) -> str:
    """A stable hash of the key parts: canonical JSON (sorted keys), SHA-256."""
    canonical = json.dumps({"v": CACHE_FORMAT_VERSION, **key_parts}, sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"), default=repr)
    # surrogatepass: a prompt may hold a lone surrogate (model code made it); strict UTF-8 would raise
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class CacheStats:
    hits: int = 0  # answered from the store
    shared: int = 0  # joined an identical call already in flight
    misses: int = 0  # calls made
    errors: int = 0  # calls that failed (not stored)
    saved_input_tokens: int = 0  # what the hits and shared answers would have cost again
    saved_output_tokens: int = 0

    @property
    def saved_calls(self) -> int:
        return self.hits + self.shared

    def as_dict(self) -> dict:
        return {**dataclasses.asdict(self), "saved_calls": self.saved_calls}


class _InFlight:
    """One call being made, and how many askers are waiting for it."""

    def __init__(self, task: asyncio.Task):
        self.task = task
        self.waiters = 0


class SubCallCache:
    """`SubCallCache(path)`; `await cache.get_or_call(key_parts, call)` -> (completion, hit)."""

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()  # guards the in-flight table, the counters and the connection list
        self._in_flight: dict[tuple[int, str], _InFlight] = {}  # (id of the event loop, key) -> the call
        self._stats = CacheStats()
        self._closed = False
        try:  # create the file and the table now, so a bad path fails here, in one line
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection()
        except (OSError, sqlite3.Error) as e:
            self.close()
            what = "a directory" if self.path.is_dir() else getattr(e, "strerror", None) or str(e)
            raise ValueError(f"cannot use {self.path} as the sub-call cache: {what} (pass a SQLite file path, "
                             "e.g. subcalls.sqlite; a file that is not SQLite is never overwritten)") from None

    # -- the one entry point ----------------------------------------------------------------------
    async def get_or_call(self, key_parts: dict, call: Callable[[], Awaitable[Completion]]) -> tuple[Completion, bool]:
        """The stored completion for these key parts, else `call()`'s (stored once it succeeds).

        `hit` is True when no call was made for this asker: an answer from the store, or one shared with an
        identical call in flight. A failed call raises, for every asker sharing it."""
        key = cache_key(key_parts)
        loop = asyncio.get_running_loop()
        slot = (id(loop), key)
        with self._lock:
            entry = self._in_flight.get(slot)
            owner = entry is None
            if owner:
                entry = _InFlight(loop.create_task(self._lookup_or_call(key, key_parts, call)))
                self._in_flight[slot] = entry
                entry.task.add_done_callback(lambda _: self._forget(slot, entry))
            entry.waiters += 1
        try:
            completion, from_store = await asyncio.shield(entry.task)
        except asyncio.CancelledError:
            if self._leave(entry, cancelled=True):
                # The last asker waits for the call it cancelled to stop: a call cut at the deadline is
                # charged by its own cancellation (deadline.py), and that must land before the run reports.
                await asyncio.gather(entry.task, return_exceptions=True)
            raise
        self._leave(entry, cancelled=False)
        if owner:
            return completion, from_store
        self._count("shared", completion)
        return completion, True

    # -- plumbing -------------------------------------------------------------------------------
    async def _lookup_or_call(self, key: str, key_parts: dict, call) -> tuple[Completion, bool]:
        stored = await asyncio.to_thread(self._load, key)
        if stored is not None:
            self._count("hits", stored)
            return stored, True
        try:
            completion = await call()
        except Exception:
            with self._lock:
                self._stats.errors += 1
            raise
        self._count("misses", None)
        await asyncio.to_thread(self._store, key, str(key_parts.get("model", "")), completion)
        return completion, False

    def _leave(self, entry: _InFlight, cancelled: bool) -> bool:
        """True when this asker was the last and the call was cancelled for it."""
        with self._lock:
            entry.waiters -= 1
            abandon = cancelled and entry.waiters == 0 and not entry.task.done()
        if abandon:
            entry.task.cancel()  # nobody is waiting for this call any more
        return abandon

    def _forget(self, slot, entry: _InFlight) -> None:
        with self._lock:
            if self._in_flight.get(slot) is entry:
                del self._in_flight[slot]
        if not entry.task.cancelled():
            entry.task.exception()  # mark it retrieved: askers re-raise it, the loop need not warn

    def _count(self, what: str, completion: Completion | None) -> None:
        with self._lock:
            setattr(self._stats, what, getattr(self._stats, what) + 1)
            if completion is not None:
                self._stats.saved_input_tokens += completion.input_tokens
                self._stats.saved_output_tokens += completion.output_tokens

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._closed:
                raise RuntimeError(f"the sub-call cache {self.path} is closed")
            conn = sqlite3.connect(self.path, timeout=SQLITE_BUSY_TIMEOUT_S, check_same_thread=False,
                                   isolation_level=None)  # autocommit: each statement is its own transaction
            conn.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            conn.execute("PRAGMA synchronous=NORMAL")  # durable enough for a cache, far fewer fsyncs
            conn.execute(SCHEMA)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _load(self, key: str) -> Completion | None:
        row = self._connection().execute("SELECT completion FROM completions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return None
        try:
            return Completion(**json.loads(row[0]))
        except (TypeError, ValueError):
            return None  # written by an incompatible version: treat as a miss, the call overwrites it

    def _store(self, key: str, model: str, completion: Completion) -> None:
        self._connection().execute(
            "INSERT OR REPLACE INTO completions (key, model, completion, created_at) VALUES (?, ?, ?, ?)",
            (key, model, json_text(dataclasses.asdict(completion)), time.time()))  # sqlite encodes strictly

    # -- reporting and closing ------------------------------------------------------------------
    def stats(self) -> dict:
        """This instance's counters (hits, shared, misses, errors, saved_calls, saved tokens) and the number of
        entries stored."""
        with self._lock:
            counters = self._stats.as_dict()
        counters["entries"] = len(self)
        return counters

    def __len__(self) -> int:
        return self._connection().execute("SELECT COUNT(*) FROM completions").fetchone()[0]

    def clear(self) -> None:
        self._connection().execute("DELETE FROM completions")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> SubCallCache:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
