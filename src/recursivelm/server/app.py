"""The HTTP app: OpenAI's /v1/chat/completions and /v1/models, answered by an RLM, plus /v1/rlm/runs.

A request becomes one run: its messages give (context, question) (see conversation.py), the run
waits for a slot in the registry (runs.py), and its events stream back as progress while it works.
A client that goes away cancels its run, which frees the run's sandbox and model slots.
"""

from __future__ import annotations

import asyncio
import hmac
import sys
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from ..context import ContextError, LoadedContext, load_context
from ..settings import Limits
from ..text import json_bytes
from . import openai_format
from .config import ServerConfig
from .conversation import _DOCUMENT, split_conversation
from .followups import MARKED_SOURCES, SessionTable, earlier_turns
from .errors import NO_RETRY, APIError, SafeJSONResponse, error_body, unprocessable
from .hosts import HostCheckMiddleware
from .progress import ProgressLines, queued_line
from .runs import CANCELLED, FAILED, Finished, Queued, RunRecord, RunRegistry
from .validation import ChatRequest, limits_for, parse_chat_request, parse_json_body

HEARTBEAT_S = 15.0  # an SSE comment this often while a run is silent, so proxies keep the stream open
OPEN_PATHS = ("/health",)  # answered without the API key
CORS_MAX_AGE_S = 600  # how long a browser may reuse a preflight answer
DRAIN_LIMIT_BYTES = 16 * 1024 * 1024  # an oversized body is read and dropped up to this, so the client sees the 413


def build_app(config: ServerConfig) -> Starlette:
    config.check()
    registry = RunRegistry(config.max_concurrent_runs, config.max_queued_runs, config.keep_runs)
    sessions = SessionTable(config.max_sessions, config.session_idle_s)
    tasks: set[asyncio.Task] = set()

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield  # (each run tree brings its own cell thread pool: runs cannot starve each other of threads)
        for task in list(tasks):  # shutting down: runs still going are cancelled, then the models freed
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        sessions.close_all()
        await config.aclose()

    app = Starlette(
        routes=[
            Route("/v1/chat/completions", chat_completions, methods=["POST"]),
            Route("/v1/models", list_models, methods=["GET"]),
            Route("/v1/models/{model_id:path}", get_model, methods=["GET"]),
            Route("/v1/rlm/runs", list_runs, methods=["GET"]),
            Route("/v1/rlm/runs/{run_id}", get_run, methods=["GET"]),
            Route("/health", health, methods=["GET"]),
        ],
        # CORS outermost, and only for the origins named (--cors): a browser's preflight carries no API key.
        middleware=[*([Middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                                  allow_headers=["*"], max_age=CORS_MAX_AGE_S)] if config.cors_origins else []),
                    Middleware(HostCheckMiddleware, allowed=config.allowed_hosts,
                               enforce=config.api_key is None or bool(config.allowed_hosts)),
                    Middleware(APIKeyMiddleware, api_key=config.api_key, open_paths=OPEN_PATHS)],
        exception_handlers={APIError: _api_error, HTTPException: _http_error, Exception: _unexpected_error},
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.registry = registry
    app.state.sessions = sessions
    app.state.tasks = tasks
    app.state.started = int(time.time())
    return app


# ---------------------------------------------------------------------------------------------
# Routes


@dataclass(frozen=True)
class _Prepared:
    chat: ChatRequest
    question: str
    context: LoadedContext
    limits: Limits
    turns: list[tuple[str, str]] | None = None  # a marked conversation's earlier (question, answer) pairs


async def chat_completions(request: Request) -> Any:
    config: ServerConfig = request.app.state.config
    registry: RunRegistry = request.app.state.registry
    raw = await _read_body(request, config.max_body_bytes, config.body_timeout_s)
    # Parsing a body of tens of MB takes a while: off the event loop, so other streams keep flowing.
    prepared = await asyncio.to_thread(_prepare, raw, config.limits)
    chat, limits = prepared.chat, prepared.limits
    if limits.max_cost is not None and config.limits.max_cost is None and not config.allow_unpriced:
        unpriced = config.unpriced_models()  # the server's own max_cost was checked at start-up
        if unpriced:
            raise unprocessable(f"rlm_limits.max_cost cannot be kept: no price is known for {', '.join(unpriced)} "
                                "(start the server with --prices FILE.json, or --allow-unpriced)",
                                "rlm_limits.max_cost", code="unpriced_model")

    record = registry.admit(prepared.question, limits, config.model_id, streaming=chat.stream)
    try:
        rlm = config.make_rlm(limits, on_event=record.on_event, run_id=record.id)
    except Exception:
        registry.abandon(record)
        raise
    ask = request.app.state.sessions.asker(rlm, prepared.context, prepared.turns, chat.response_schema)
    task = asyncio.create_task(_run_and_announce(registry, record, rlm, prepared.context, config.on_run_end, ask))
    tasks: set[asyncio.Task] = request.app.state.tasks
    tasks.add(task)
    task.add_done_callback(tasks.discard)

    if chat.stream:
        return EventStream(_stream_run(record, chat.include_usage), on_disconnect=task.cancel)
    return await _answer_when_done(request, record, task)


def _prepare(raw: bytes, server_limits: Limits) -> _Prepared:
    """The request body checked and turned into what a run needs, or an APIError."""
    chat = parse_chat_request(parse_json_body(raw), server_limits)
    conversation = split_conversation(chat.messages, chat.context)
    try:
        loaded = load_context(conversation.context)  # checked here, so a bad context is a 422, not a failed run
    except ContextError as e:
        param = "rlm_context" if conversation.source == "rlm_context" else "messages"
        raise unprocessable(f"unusable context: {e}", param, code="bad_context") from None
    turns = earlier_turns(chat.messages, _DOCUMENT) if conversation.source in MARKED_SOURCES else None
    return _Prepared(chat, conversation.question, loaded, limits_for(server_limits, chat.limit_overrides), turns)


async def list_models(request: Request) -> SafeJSONResponse:
    state = request.app.state
    return SafeJSONResponse({"object": "list", "data": [openai_format.model_object(state.config.model_id, state.started)]})


async def get_model(request: Request) -> SafeJSONResponse:
    """Any name: a chat completion naming any model is answered by this server's one RLM, so a client that
    checks a name before using it must hear the same (a 404 here beside a 200 there misled tools)."""
    state = request.app.state
    return SafeJSONResponse(openai_format.model_object(request.path_params["model_id"], state.started))


async def health(request: Request) -> SafeJSONResponse:
    """For load balancers and `docker run --health-cmd`: no API key needed, nothing about the runs' content."""
    registry: RunRegistry = request.app.state.registry
    return SafeJSONResponse({"status": "ok", "model": request.app.state.config.model_id,
                             "running": registry.running, "queued": registry.queued})


async def list_runs(request: Request) -> SafeJSONResponse:
    registry: RunRegistry = request.app.state.registry
    return SafeJSONResponse({"object": "list", "running": registry.running, "queued": registry.queued,
                         "data": [r.summary() for r in registry.all()]})


async def get_run(request: Request) -> SafeJSONResponse:
    registry: RunRegistry = request.app.state.registry
    run_id = request.path_params["run_id"]
    record = registry.get(run_id)
    if record is None:
        raise APIError(404, f"no run {run_id!r}: it never existed, or it was dropped (the server keeps the last "
                            f"{registry.keep_finished} finished runs)", param="run_id", code="run_not_found")
    return SafeJSONResponse(record.as_dict())


# ---------------------------------------------------------------------------------------------
# Running and answering


async def _run_and_announce(registry: RunRegistry, record: RunRecord, rlm, loaded,
                            on_run_end: Callable[[RunRecord], None] | None, ask=None) -> None:
    try:
        await registry.execute(record, rlm, loaded, ask)
    finally:
        if on_run_end is not None:
            try:
                on_run_end(record)
            except Exception as e:  # noqa: BLE001 - a broken log line must not break serving
                print(f"[rlm serve] could not log run {record.id}: {e!r}", file=sys.stderr)


async def _answer_when_done(request: Request, record: RunRecord, task: asyncio.Task) -> Response:
    """Wait for the run, or for the client to leave (then the run is cancelled)."""
    left = asyncio.create_task(_client_left(request.receive))
    try:
        done, _ = await asyncio.wait({task, left}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:  # the server is stopping this request: stop its run too
        task.cancel()
        raise
    finally:
        left.cancel()
    if task not in done:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        return Response(status_code=499)  # nginx's "client closed request": nobody will read it
    if record.status == CANCELLED:
        raise APIError(500, f"run {record.id} was cancelled (the server is shutting down)", code="rlm_run_cancelled")
    _raise_if_failed(record)
    reasoning = "".join(_progress_text(record))
    return SafeJSONResponse(openai_format.completion(record, reasoning))


def _raise_if_failed(record: RunRecord) -> None:
    if record.status == FAILED:
        error = record.error or (record.result.error if record.result else None) or "unknown error"
        raise APIError(500, f"the run failed: {error} (its trajectory: GET /v1/rlm/runs/{record.id})",
                       code="rlm_run_failed", headers=dict(NO_RETRY))


def _progress_text(record: RunRecord) -> list[str]:
    progress = ProgressLines(record.limits.max_iterations)
    return [line for e in record.events if (line := progress.line_for(e))]


async def _stream_run(record: RunRecord, include_usage: bool) -> AsyncIterator[bytes]:
    """SSE chunks: the role, progress as `delta.reasoning_content`, the answer as `delta.content` (one
    chunk, once the run answered), a finish chunk, the usage chunk if asked for, then [DONE]."""
    progress = ProgressLines(record.limits.max_iterations)
    yield _sse(openai_format.chunk(record, {"role": "assistant", "content": ""}, include_usage=include_usage))
    getter: asyncio.Task | None = None
    try:
        while True:
            if getter is None:
                getter = asyncio.ensure_future(record.updates.get())
            done, _ = await asyncio.wait({getter}, timeout=HEARTBEAT_S)
            if not done:
                yield b": keep-alive\n\n"  # an SSE comment: clients skip it
                continue
            item, getter = getter.result(), None
            if isinstance(item, Finished):
                break
            line = queued_line(item.ahead) if isinstance(item, Queued) else progress.line_for(item)
            if line:
                yield _sse(openai_format.chunk(record, {"reasoning_content": line}, include_usage=include_usage))
    finally:
        if getter is not None:
            getter.cancel()
    if record.status == CANCELLED:
        return  # the client left, or the server is stopping: nobody reads the rest
    try:
        _raise_if_failed(record)
    except APIError as e:
        yield _sse(e.body())  # OpenAI's way to fail mid-stream: the SDK raises it as an APIError
        yield b"data: [DONE]\n\n"
        return
    yield _sse(openai_format.chunk(record, {"content": record.result.answer or ""}, include_usage=include_usage))
    yield _sse(openai_format.chunk(record, {}, finish=openai_format.finish_reason(record), include_usage=include_usage,
                                   rlm=openai_format.rlm_extra(record)))
    if include_usage:
        yield _sse(openai_format.chunk(record, None, include_usage=True))
    yield b"data: [DONE]\n\n"


class EventStream:
    """A text/event-stream response that also listens for the client leaving while it streams, so a
    silent stretch of a run (a long model call) still notices a disconnect at once."""

    def __init__(self, chunks: AsyncIterator[bytes], on_disconnect: Callable[[], Any]):
        self.chunks = chunks
        self.on_disconnect = on_disconnect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # nginx: do not buffer the stream
        ]})
        watcher = asyncio.create_task(self._watch(receive))
        try:
            async for piece in self.chunks:
                await send({"type": "http.response.body", "body": piece, "more_body": True})
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the connection broke while writing
            self.on_disconnect()
        except asyncio.CancelledError:
            self.on_disconnect()
            raise
        finally:
            watcher.cancel()
            await self.chunks.aclose()

    async def _watch(self, receive: Receive) -> None:
        await _client_left(receive)
        self.on_disconnect()


async def _client_left(receive: Receive) -> None:
    """Returns when the client disconnects (the request body has been read already)."""
    while (await receive())["type"] != "http.disconnect":
        pass


def _sse(obj: dict[str, Any]) -> bytes:
    return b"data: " + json_bytes(obj) + b"\n\n"


async def _read_body(request: Request, limit: int, timeout_s: float) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        if int(declared) <= limit + DRAIN_LIMIT_BYTES:
            async for _ in _arriving(request, timeout_s):
                pass
        raise _too_large(limit)
    pieces, size = [], 0
    stream = _arriving(request, timeout_s)  # one iterator: the body may end with the piece that crossed the limit
    async for piece in stream:
        size += len(piece)
        if size > limit:
            drained = size
            async for more in stream:
                drained += len(more)
                if drained > limit + DRAIN_LIMIT_BYTES:
                    break
            raise _too_large(limit)
        pieces.append(piece)
    return b"".join(pieces)


async def _arriving(request: Request, timeout_s: float) -> AsyncIterator[bytes]:
    """The body's pieces as they arrive; 408 when none comes for `timeout_s` (a stalled or trickling upload
    would otherwise hold its connection, and its place under --max-connections, for ever)."""
    stream = request.stream()
    while True:
        try:
            piece = await asyncio.wait_for(anext(stream), timeout_s)
        except StopAsyncIteration:
            return
        except asyncio.TimeoutError:
            raise APIError(408, f"no part of the request body arrived for {timeout_s:g} s: send it at once "
                                "(the server's --body-timeout-s)", code="request_timeout") from None
        yield piece


def _too_large(limit: int) -> APIError:
    return APIError(413, f"the request body is over this server's limit of {limit / 2**20:g} MiB (--max-body-mb)",
                    code="request_too_large")


# ---------------------------------------------------------------------------------------------
# Authentication and errors


class APIKeyMiddleware:
    """With an API key set, every request needs `Authorization: Bearer KEY` (else 401, OpenAI's shape)."""

    def __init__(self, app: ASGIApp, api_key: str | None, open_paths: tuple[str, ...] = ()):
        self.app = app
        self.api_key = api_key.encode() if api_key else None
        self.open_paths = open_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.api_key is not None and scope["path"] not in self.open_paths:
            scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                error = APIError(401, "no API key: send the header 'Authorization: Bearer KEY'", code="invalid_api_key")
            elif not hmac.compare_digest(token.strip().encode(), self.api_key):  # constant time: no timing oracle
                error = APIError(401, "incorrect API key provided", code="invalid_api_key")
            else:
                error = None
            if error is not None:
                error.headers["WWW-Authenticate"] = "Bearer"
                await error.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, APIError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: f"no route {request.method} {request.url.path}", 405: f"{request.method} is not allowed on "
               f"{request.url.path}"}.get(exc.status_code, str(exc.detail))
    code = {404: "unknown_url", 405: "method_not_allowed"}.get(exc.status_code)
    return SafeJSONResponse(error_body(exc.status_code, message, code=code), status_code=exc.status_code,
                        headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    print(f"[rlm serve] internal error on {request.method} {request.url.path}: {exc!r}", file=sys.stderr)
    return SafeJSONResponse(error_body(500, f"internal server error: {type(exc).__name__}: {exc}", code="internal_error"),
                        status_code=500, headers=dict(NO_RETRY))
