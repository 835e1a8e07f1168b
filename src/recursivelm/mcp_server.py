"""`rlm mcp`: recursivelm as a Model Context Protocol server, so a coding agent can hand it inputs far
larger than its own window (the official `mcp` SDK, `pip install 'recursivelm[mcp]'`).

Tools:
- `ask(question, path=None, text=None, handle=None, model=None, max_iterations=None, ..., schema=None)`: one
  RLM run over a file or directory (`path`) or a text (`text`), or a follow-up in an open session (`handle`),
  its answer fitting `schema` (a JSON Schema) when given; returns
  the answer, the status, the iterations and the usage of the whole run tree. Progress notifications
  (iteration and sub-calls) are sent while it runs, to a client that asked for them.
- `open(path=None, text=None)`: a session over that input (session.py: the REPL kept between questions,
  each question seeing the earlier ones); returns its `handle`. `close(handle)` ends it.

The server holds at most `--max-sessions` sessions; one idle longer than `--session-idle-s` is closed, and
when the table is full the least recently used idle one makes room. Transport: stdio (the default), or
streamable HTTP with `--http PORT` (loopback unless `--host` says otherwise). The model flags are
`rlm ask`'s. Bad input is a tool error of one line, never a traceback.
"""

# No `from __future__ import annotations` here: the MCP SDK finds the tools' `ctx: Context` parameter
# from evaluated annotations, and Context is imported inside build_server (the SDK is an optional extra).
import asyncio
import dataclasses
import time
import uuid
from pathlib import Path
from typing import Any

from .command import add_run_options, limits_from_args, named_models, prices_from_args
from .context import ContextError, load_context
from .events import Event
from .protocols import ModelError
from .sandbox.containment import SandboxUnavailable
from .session import Session, SessionBusy, SessionClosed

DEFAULT_MAX_SESSIONS = 16  # sessions (open handles) the server holds at once
DEFAULT_SESSION_IDLE_S = 1_800.0  # a session unused this long is closed
PROGRESS_DRAIN_S = 2.0  # after a run, how long its last progress notifications get to go out
SERVER_INSTRUCTIONS = (
    "Answers questions about inputs far larger than your context window (files, directories, long texts) "
    "with a Recursive Language Model: a model that reads the input through code and sub-calls. Give `ask` a "
    "`path` (or the `text`) and a question. For follow-ups over the same input, `open` it once and pass the "
    "returned `handle` to `ask`: the REPL and what was found stay between questions."
)


class _Relay:
    """The on_event listener of an RLM the server made: events go to the request running now (its progress
    notifications), or nowhere between requests."""

    def __init__(self) -> None:
        self.target = None

    def __call__(self, event: Event) -> None:
        if self.target is not None:
            self.target(event)


@dataclasses.dataclass
class _Open:
    session: Session
    relay: _Relay
    last_used: float
    busy: bool = False


class RLMServer:
    """What the MCP tools do, apart from the protocol: make RLMs from the command's flags, hold sessions."""

    def __init__(self, args: Any, max_sessions: int = DEFAULT_MAX_SESSIONS, idle_s: float = DEFAULT_SESSION_IDLE_S):
        from .engine import RLM

        self.args = args
        self.max_sessions = max_sessions
        self.idle_s = idle_s
        # Resolved once: every request reuses these backend objects (the embedded model loads once).
        limits = limits_from_args(args)
        self.base = RLM(model=args.model, sub_model=args.sub_model, child_model=args.child_model,
                        models=named_models(args), limits=limits, profile=args.profile,
                        temperature=args.temperature, sandbox=args.sandbox, log=args.log, cache=args.cache,
                        endpoints=args.endpoints, prices=prices_from_args(args, limits),  # as rlm ask: --prices, --max-cost
                        allow_unpriced=getattr(args, "allow_unpriced", False))
        self.sessions: dict[str, _Open] = {}

    def rlm(self, relay: _Relay, model: str | None = None, **limits: Any):
        """An RLM like the base one (the same backends), with this request's model, limits and listener."""
        from .engine import RLM

        base = self.base
        given = {k: v for k, v in limits.items() if v is not None}
        return RLM(model=model or base.model, sub_model=None if model else base.sub_models,
                   child_model=None if model else base.child_models, models=base.named_models,
                   limits=dataclasses.replace(base.limits, **given), profile=base._profile_spec,
                   sandbox=self.args.sandbox, log=self.args.log, cache=base.cache, prices=base.prices,
                   temperature=self.args.temperature, on_event=relay, endpoints=self.args.endpoints,
                   allow_unpriced=getattr(self.args, "allow_unpriced", False))

    async def ask(self, question: str, path: str | None, text: str | None, handle: str | None, model: str | None,
                  limits: dict[str, Any], progress, schema: dict | None = None) -> dict[str, Any]:
        if handle is not None:
            if path is not None or text is not None or model is not None or any(v is not None for v in limits.values()):
                raise ValueError("with a handle, give only the question: the session keeps its input, model and limits")
            entry = self._session(handle)
            entry.busy, entry.last_used = True, time.monotonic()
            entry.relay.target = progress
            try:
                result = await entry.session.aask(question, schema=schema)
            finally:
                entry.busy, entry.relay.target, entry.last_used = False, None, time.monotonic()
            return _reply(result, handle)
        relay = _Relay()
        relay.target = progress
        context = _input(path, text)
        return _reply(await self.rlm(relay, model, **limits).arun(context, question, schema=schema))

    def open(self, path: str | None, text: str | None) -> dict[str, Any]:
        context = _input(path, text)
        self._make_room()
        relay = _Relay()
        session = self.rlm(relay).session(context)
        handle = uuid.uuid4().hex[:16]
        self.sessions[handle] = _Open(session, relay, time.monotonic())
        info = session.loaded
        return {"handle": handle, "documents": len(info.value) if isinstance(info.value, (dict, list)) else 1,
                "skipped": list(info.skipped)[:20]}

    def close(self, handle: str) -> dict[str, Any]:
        entry = self.sessions.pop(handle, None)
        if entry is None:
            raise ValueError(f"no open session {handle!r}: it was closed, or it idled out")
        entry.session.close()
        return {"closed": handle}

    def close_all(self) -> None:
        for handle in list(self.sessions):
            self.sessions.pop(handle).session.close()

    def _session(self, handle: str) -> _Open:
        self._close_idle()
        entry = self.sessions.get(handle)
        if entry is None:
            raise ValueError(f"no open session {handle!r}: open the input again with the open tool")
        return entry

    def _close_idle(self) -> None:
        now = time.monotonic()
        for handle, entry in list(self.sessions.items()):
            if not entry.busy and now - entry.last_used > self.idle_s:
                self.sessions.pop(handle).session.close()

    def _make_room(self) -> None:
        self._close_idle()
        if len(self.sessions) < self.max_sessions:
            return
        idle = [(e.last_used, h) for h, e in self.sessions.items() if not e.busy]
        if not idle:
            raise ValueError(f"{self.max_sessions} sessions are open and all busy (--max-sessions): close one first")
        self.sessions.pop(min(idle)[1]).session.close()


def _input(path: str | None, text: str | None) -> Any:
    if (path is None) == (text is None):
        raise ValueError("give the input as exactly one of `path` (a file or directory) or `text`")
    return load_context(Path(path).expanduser()) if path is not None else text


def _reply(result, handle: str | None = None) -> dict[str, Any]:
    reply = {"answer": result.answer, "status": result.status, "limit": result.limit, "error": result.error,
             "iterations": result.iterations, "wall_time_s": round(result.wall_time_s, 3),
             "usage": result.usage.total().as_dict()}
    if handle is not None:
        reply["handle"] = handle
    return reply


class _Progress:
    """Events of one request turned into MCP progress notifications (progress = root iterations so far)."""

    def __init__(self, ctx: Any, max_iterations: int):
        self.ctx, self.total = ctx, max_iterations
        self.loop = asyncio.get_running_loop()
        self.queue: asyncio.Queue = asyncio.Queue()
        self.iteration = self.sub_started = self.sub_done = 0

    def __call__(self, event: Event) -> None:  # any thread: the run's loop, a cell's thread
        self.loop.call_soon_threadsafe(self.queue.put_nowait, event)

    def finish(self) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, None)  # after every event already queued

    async def forward(self) -> None:
        while True:
            event = await self.queue.get()
            if event is None:
                return
            if event.type == "root_call" and event.depth == 0:
                self.iteration = event.iteration
            elif event.type == "sub_calls_queued":
                self.sub_started += event.count
            elif event.type == "sub_call":
                self.sub_done += 1
            else:
                continue
            await self.ctx.report_progress(self.iteration, self.total, f"iteration {self.iteration}/{self.total}, "
                                           f"sub-calls {self.sub_done}/{self.sub_started}")


def build_server(core: RLMServer):
    from mcp.server.mcpserver import Context, MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name="recursivelm", instructions=SERVER_INSTRUCTIONS)
    expected = (ContextError, ValueError, ModelError, SandboxUnavailable, SessionBusy, SessionClosed, OSError)

    @server.tool()
    async def ask(question: str, path: str | None = None, text: str | None = None, handle: str | None = None,
                  model: str | None = None, max_iterations: int | None = None, max_sub_calls: int | None = None,
                  deadline_s: float | None = None, max_cost: float | None = None, schema: dict | None = None,
                  ctx: Context | None = None) -> dict[str, Any]:
        """Answer a question about a file or directory (`path`), a long text (`text`), or an input opened with
        `open` (`handle`, for follow-up questions). Works on inputs far beyond your context window. Optional:
        `model` (e.g. openai/gpt-5-mini), limits, and a JSON Schema the answer must fit (`schema`: the answer
        is then that JSON). Returns the answer, its status and the usage."""
        limits = {"max_iterations": max_iterations, "max_sub_calls": max_sub_calls, "deadline_s": deadline_s,
                  "max_cost": max_cost}
        progress = _Progress(ctx, max_iterations or core.base.limits.max_iterations) if ctx is not None else None
        forwarding = asyncio.create_task(progress.forward()) if progress else None
        try:
            return await core.ask(question, path, text, handle, model, limits, progress, schema)
        except expected as e:
            raise ToolError(f"{type(e).__name__}: {e}" if isinstance(e, (ModelError, OSError)) else str(e)) from None
        finally:
            if forwarding:  # the last notifications first, then the reply
                progress.finish()
                try:
                    await asyncio.wait_for(forwarding, PROGRESS_DRAIN_S)
                except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - progress is best effort
                    forwarding.cancel()

    @server.tool()
    async def open(path: str | None = None, text: str | None = None) -> dict[str, Any]:
        """Open a file, a directory (`path`) or a long text (`text`) for several questions: returns a `handle`
        to pass to `ask`. The work done for one question (the REPL, its variables) serves the next."""
        try:
            return core.open(path, text)
        except expected as e:
            raise ToolError(str(e)) from None

    @server.tool()
    async def close(handle: str) -> dict[str, Any]:
        """Close an input opened with `open`, freeing its sandbox."""
        try:
            return core.close(handle)
        except expected as e:
            raise ToolError(str(e)) from None

    return server


def add_mcp_parser(sub: Any) -> None:
    p = sub.add_parser("mcp", help="serve RLMs to coding agents over the Model Context Protocol (stdio, or --http PORT)")
    p.add_argument("--http", type=int, default=None, metavar="PORT", help="serve streamable HTTP on this port, not stdio")
    p.add_argument("--host", default="127.0.0.1", help="the address --http listens on (default: loopback only)")
    p.add_argument("--max-sessions", type=int, default=DEFAULT_MAX_SESSIONS, metavar="N",
                   help=f"sessions (open handles) held at once (default {DEFAULT_MAX_SESSIONS})")
    p.add_argument("--session-idle-s", type=float, default=DEFAULT_SESSION_IDLE_S, metavar="S",
                   help=f"close a session unused this long (default {DEFAULT_SESSION_IDLE_S:g})")
    add_run_options(p)
    p.set_defaults(func=cmd_mcp)


def cmd_mcp(args: Any) -> int:
    try:
        import mcp.server.mcpserver  # noqa: F401 - only to say what is missing, in one line
    except ImportError:
        raise ValueError("rlm mcp needs the official MCP SDK: pip install 'recursivelm[mcp]'") from None
    if args.max_sessions < 1 or not args.session_idle_s > 0:
        raise ValueError("--max-sessions must be at least 1 and --session-idle-s above 0")
    core = RLMServer(args, args.max_sessions, args.session_idle_s)
    server = build_server(core)
    try:
        if args.http is None:
            server.run("stdio")
        else:
            server.run("streamable-http", host=args.host, port=args.http)
    finally:
        core.close_all()
    return 0
