"""What `rlm serve` adds for issue 13: a conversation kept as a session, and typed answers.

**Sessions.** A chat client sends the whole conversation each turn. When the input is marked (`<document>`
sections or `rlm_context`), the earlier user questions and the assistant's answers are the session's
history: the server keeps the session that answered them (its REPL and variables) under a key made of
the input and that history, and the next turn that continues the same conversation finds it. A turn
whose history the server does not hold (another server answered it, or it idled out) gets a new session
with that history, so the model still sees the earlier questions. A conversation without marked input is
its own context (conversation.py) and runs as before. At most `max_sessions` are held (the least recently
used idle one makes room), each for at most `idle_s` unused; `--max-sessions 0` turns sessions off.

**Typed answers.** `response_format: {"type": "json_schema", "json_schema": {"schema": {...}}}` (or
`{"type": "json_object"}`) makes the run's root answer data that fits (answers.py); the reply's content is
that JSON.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from .errors import bad_request

if TYPE_CHECKING:
    from ..engine import RLM, Result
    from ..session import Session

DEFAULT_MAX_SESSIONS = 16  # conversations whose session (REPL, sandbox) the server keeps at once; 0: none
DEFAULT_SESSION_IDLE_S = 600.0  # a kept session unused this long is closed
MARKED_SOURCES = ("documents", "rlm_context")  # conversations whose input is marked, so turns can be told apart

Ask = Callable[[str, str], Awaitable["Result"]]  # (question, run id) -> Result


def response_schema(value: Any) -> dict | None:
    """The JSON Schema a request's `response_format` asks for, or None for plain text. Raises a 400."""
    if value is None:
        return None
    kind = value.get("type") if isinstance(value, dict) else None
    if kind == "text":
        return None
    if kind == "json_object":
        return {"type": "object"}
    if kind == "json_schema":
        spec = value.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if isinstance(schema, dict):
            from ..answers import AnswerSchema

            try:
                AnswerSchema(schema)  # refused now, as a 400, not as a failed run
            except ValueError as e:
                raise bad_request(f"response_format.json_schema.schema: {e}", "response_format.json_schema.schema",
                                  code="invalid_value") from None
            return schema
        raise bad_request("response_format.json_schema.schema must be a JSON Schema object",
                          "response_format.json_schema.schema", code="invalid_type")
    raise bad_request("response_format.type must be text, json_object or json_schema", "response_format.type",
                      code="invalid_value")


def earlier_turns(messages: list[Any], document: Any) -> list[tuple[str, str]]:
    """The (question, answer) pairs before the last user message: each user message (its documents cut
    out) with the assistant message that follows it."""
    last_user = max(i for i, m in enumerate(messages) if m.role == "user")
    turns, question = [], None
    for m in messages[:last_user]:
        if m.role == "user":
            question = document.sub("", m.text).strip()
        elif m.role == "assistant" and question:
            turns.append((question, m.text.strip()))
            question = None
    return turns


@dataclass
class _Kept:
    session: Session
    last_used: float
    busy: bool = False


class SessionTable:
    """The sessions a server keeps, by conversation."""

    def __init__(self, max_sessions: int = DEFAULT_MAX_SESSIONS, idle_s: float = DEFAULT_SESSION_IDLE_S):
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        self._kept: OrderedDict[str, _Kept] = OrderedDict()  # least recently used first

    def __len__(self) -> int:
        return len(self._kept)

    def asker(self, rlm: RLM, context: Any, question_turns: list[tuple[str, str]] | None, schema: dict | None) -> Ask:
        """How this request's run is made: in a session when `question_turns` is given (a marked conversation)
        and sessions are on, else a run of its own."""
        if question_turns is None or self.max_sessions == 0:
            return lambda question, run_id: rlm.arun(context, question, run_id=run_id, schema=schema)

        async def ask(question: str, run_id: str) -> Result:
            fingerprint = _fingerprint(context)
            kept = self._take(_key(fingerprint, question_turns))
            if kept is None:
                kept = _Kept(rlm.session(context), time.monotonic())
                kept.session.history = list(question_turns)
            kept.session.rlm = rlm  # this request's limits, event listener and log
            kept.busy = True
            try:
                result = await kept.session.aask(question, schema=schema, run_id=run_id)
            except BaseException:
                kept.session.close()
                raise
            if result.answer is None:
                kept.session.close()
            else:
                self._keep(_key(fingerprint, kept.session.history), kept)
            return result

        return ask

    def close_all(self) -> None:
        while self._kept:
            self._kept.popitem()[1].session.close()

    def _take(self, key: str) -> _Kept | None:
        """The idle session that answered this conversation so far, taken out of the table while it works."""
        self._close_idle()
        kept = self._kept.get(key)
        if kept is None or kept.busy:
            return None  # a second request continuing the same conversation at once gets a session of its own
        return self._kept.pop(key)

    def _keep(self, key: str, kept: _Kept) -> None:
        kept.busy, kept.last_used = False, time.monotonic()
        old = self._kept.pop(key, None)
        if old is not None and old is not kept:
            old.session.close()
        self._kept[key] = kept
        self._close_idle()
        while len(self._kept) > self.max_sessions:
            self._kept.popitem(last=False)[1].session.close()

    def _close_idle(self) -> None:
        now = time.monotonic()
        for key, kept in list(self._kept.items()):
            if now - kept.last_used > self.idle_s:
                self._kept.pop(key).session.close()


def _fingerprint(context: Any) -> str:
    value = getattr(context, "value", context)  # a LoadedContext, or the value itself
    digest = hashlib.sha256()
    digest.update(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
                  if not isinstance(value, str) else value.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def _key(fingerprint: str, turns: list[tuple[str, str]]) -> str:
    turns = [(q.strip(), a.strip()) for q, a in turns]  # as the client sends them back: stripped
    return hashlib.sha256(json.dumps([fingerprint, turns], ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
