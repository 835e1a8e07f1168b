"""A real local HTTP server that model backends are tested against, scripted one reply per request.

Standard library only (`ThreadingHTTPServer` on 127.0.0.1, an ephemeral port). It speaks the two wire
formats our backends use:

- `POST /v1/chat/completions` — OpenAI Chat Completions, plain JSON or server-sent events (`"stream": true`,
  with a final usage chunk when `stream_options.include_usage` is set).
- `POST /v1/messages` — the Anthropic Messages API, plain JSON or its event stream, with `thinking` blocks.
- `GET /v1/models` — the model list, with vLLM's `max_model_len` (`server.models` sets it).

Each request takes the next scripted reply (`server.script(...)`), or `server.default` once the script is
used up. A reply is a function of the request, built by the factories below: a normal answer (`answer`),
an HTTP error (`status`, `rate_limited`, the context-window errors), or a fault (`drop`, `drop_mid_body`,
`hang`, `malformed`, `empty_choices`). The server keeps what tests compare against: every request body
(`requests`), the usage it reported itself (`served_usage`), the most requests it held at once
(`max_concurrent`), and which streams the client abandoned (`abandoned_streams`).

Usage is counted by the server's own rule (`count_tokens`: words and punctuation; 4 tokens of overhead
per message), so a test can tell a parsed count from an estimate.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

TOKEN = re.compile(r"\w+|[^\w\s]")
MESSAGE_OVERHEAD_TOKENS = 4
HANG_LIMIT_S = 30.0  # a hanging reply never outlives this, nor the server's shutdown
STREAM_PIECE = re.compile(r"\S+\s*|\s+")  # streamed replies are cut into words, whitespace kept


def count_tokens(text: str) -> int:
    return len(TOKEN.findall(text))


def prompt_tokens(body: dict) -> int:
    messages = list(body.get("messages", []))
    system = body.get("system")
    if system:
        messages.insert(0, {"role": "system", "content": system})
    total = 0
    for m in messages:
        content = m.get("content", "")
        if isinstance(content, list):  # Anthropic content blocks
            content = " ".join(b.get("text", "") for b in content)
        total += count_tokens(content) + MESSAGE_OVERHEAD_TOKENS
    return total


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any
    arrived: float = field(default_factory=time.monotonic)


Reply = Callable[["_Handler", Request], None]


# -- the replies ------------------------------------------------------------------------------------
def answer(text: str = "ok", *, thinking: str | None = None, usage: bool = True, delay_s: float = 0.0,
           piece_delay_s: float = 0.0, cached_tokens: int = 0, finish_reason: str = "stop",
           cost: float | None = None) -> Reply:
    """A normal reply in the format the path asks for, streamed when the request says `"stream": true`.

    `thinking` adds a thinking block before the text (Anthropic) or `reasoning_content` (Chat Completions).
    `usage=False` leaves usage out, as some servers do. `piece_delay_s` spaces out streamed pieces.
    `cost` is put in the usage, as OpenRouter reports it.
    """

    def reply(h: _Handler, req: Request) -> None:
        if delay_s:
            h.server.stopping.wait(delay_s)
        input_tokens = prompt_tokens(req.body)
        output_tokens = count_tokens(text) + (count_tokens(thinking) if thinking else 0)
        usage_counts = {"input": input_tokens, "output": output_tokens, "cached": cached_tokens, "cost": cost}
        if req.path.endswith("/messages"):
            h.server.served_usage.append(usage_counts)
            if req.body.get("stream"):
                _anthropic_stream(h, req, text, thinking, input_tokens, output_tokens, cached_tokens, piece_delay_s)
            else:
                _anthropic_json(h, req, text, thinking, input_tokens, output_tokens, cached_tokens)
            return
        if usage:
            h.server.served_usage.append(usage_counts)
        if req.body.get("stream"):
            _chat_stream(h, req, text, thinking, usage_counts if usage else None, piece_delay_s, finish_reason)
        else:
            _chat_json(h, req, text, thinking, usage_counts if usage else None, finish_reason)

    return reply


def status(code: int, body: Any, headers: dict[str, str] | None = None) -> Reply:
    def reply(h: _Handler, req: Request) -> None:
        h.send_body(code, body, headers)

    return reply


def rate_limited(retry_after: str | None = "1", anthropic: bool = False) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    if anthropic:
        return status(429, {"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request "
                                                        "tokens has exceeded your per-minute rate limit"}}, headers)
    return status(429, {"error": {"message": "Rate limit reached for requests", "type": "requests",
                                  "code": "rate_limit_exceeded"}}, headers)


def server_error(code: int = 500) -> Reply:
    return status(code, {"error": {"message": "The server had an error while processing your request.",
                                   "type": "server_error"}})


def openai_context_error() -> Reply:
    return status(400, {"error": {
        "message": "This model's maximum context length is 128000 tokens. However, your messages resulted in "
                   "130512 tokens. Please reduce the length of the messages.",
        "type": "invalid_request_error", "param": "messages", "code": "context_length_exceeded"}})


def llamacpp_context_error() -> Reply:
    # llama.cpp server (tools/server): the request's prompt is longer than the slot's n_ctx.
    return status(400, {"error": {"code": 400, "message": "the request exceeds the available context size, try "
                                  "increasing it", "type": "exceed_context_size_error", "n_prompt_tokens": 9000,
                                  "n_ctx": 8192}})


def anthropic_context_error() -> Reply:
    return status(400, {"type": "error", "error": {"type": "invalid_request_error",
                                                   "message": "prompt is too long: 210012 tokens > 200000 maximum"}})


def unsupported_parameter(param: str) -> Reply:
    # What OpenAI's reasoning models say about `stop`, `temperature` or `max_tokens`.
    return status(400, {"error": {"message": f"Unsupported parameter: '{param}' is not supported with this model.",
                                  "type": "invalid_request_error", "param": param, "code": "unsupported_parameter"}})


def drop() -> Reply:
    """Close the connection without answering (a reset as far as the client can tell)."""

    def reply(h: _Handler, req: Request) -> None:
        h.abort()

    return reply


def drop_mid_body() -> Reply:
    """Promise a body, send part of it, and close the connection."""

    def reply(h: _Handler, req: Request) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", "4096")
        h.end_headers()
        h.wfile.write(b'{"id": "chatcmpl-1", "object": "chat.completion", "choi')
        h.wfile.flush()
        h.abort()

    return reply


def hang(seconds: float = HANG_LIMIT_S) -> Reply:
    """Say nothing for `seconds` (or until the server stops), then close the connection."""

    def reply(h: _Handler, req: Request) -> None:
        h.server.stopping.wait(min(seconds, HANG_LIMIT_S))
        h.abort()

    return reply


def malformed() -> Reply:
    def reply(h: _Handler, req: Request) -> None:
        cut_short = b'{"id": "chatcmpl-1", "choices": [{"index": 0, "message": {"content": "cut'
        h.send_raw(200, cut_short, "application/json")

    return reply


def empty_choices() -> Reply:
    def reply(h: _Handler, req: Request) -> None:
        h.send_body(200, {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
                          "model": req.body.get("model", "fake"), "choices": [],
                          "usage": {"prompt_tokens": 3, "completion_tokens": 0, "total_tokens": 3}})

    return reply


def stream_then_drop(text: str = "partial answer", after_pieces: int = 2) -> Reply:
    """A Chat Completions stream that breaks after `after_pieces` pieces."""

    def reply(h: _Handler, req: Request) -> None:
        h.start_sse()
        for piece in STREAM_PIECE.findall(text)[:after_pieces]:
            h.send_event(_chat_chunk(req, {"content": piece}))
        h.abort()

    return reply


def stream_error_event(error_type: str = "server_error", message: str = "the model is overloaded") -> Reply:
    """A 200 Chat Completions stream that carries an error object instead of chunks, as vLLM and proxies do."""

    def reply(h: _Handler, req: Request) -> None:
        h.start_sse()
        h.send_event(_chat_chunk(req, {"role": "assistant", "content": ""}))
        h.send_event({"error": {"message": message, "type": error_type}})

    return reply


def anthropic_stream_error(error_type: str = "overloaded_error") -> Reply:
    """An Anthropic event stream that breaks off with an `error` event (what an overloaded API sends)."""

    def reply(h: _Handler, req: Request) -> None:
        h.start_sse()
        h.send_event({"type": "message_start", "message": {
            "id": "msg_1", "type": "message", "role": "assistant", "model": req.body.get("model"), "content": [],
            "stop_reason": None, "stop_sequence": None, "usage": {"input_tokens": 5, "output_tokens": 1}}},
            event="message_start")
        h.send_event({"type": "error", "error": {"type": error_type, "message": "Overloaded"}}, event="error")

    return reply


# -- wire formats -----------------------------------------------------------------------------------
def _chat_usage(u: dict) -> dict:
    usage = {"prompt_tokens": u["input"], "completion_tokens": u["output"], "total_tokens": u["input"] + u["output"]}
    if u["cached"]:
        usage["prompt_tokens_details"] = {"cached_tokens": u["cached"]}
    if u["cost"] is not None:
        usage["cost"] = u["cost"]
    return usage


def _chat_json(h, req, text, thinking, usage, finish_reason):
    message = {"role": "assistant", "content": text}
    if thinking:
        message["reasoning_content"] = thinking
    body = {"id": "chatcmpl-1", "object": "chat.completion", "created": int(time.time()),
            "model": req.body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}]}
    if usage:
        body["usage"] = _chat_usage(usage)
    h.send_body(200, body)


def _chat_chunk(req, delta, finish_reason=None, usage=None, choices=True):
    chunk = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
             "model": req.body.get("model", "fake"),
             "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}] if choices else []}
    if usage is not None:
        chunk["usage"] = usage
    return chunk


def _chat_stream(h, req, text, thinking, usage, piece_delay_s, finish_reason):
    h.start_sse()
    wants_usage = bool((req.body.get("stream_options") or {}).get("include_usage"))
    ok = h.send_event(_chat_chunk(req, {"role": "assistant", "content": ""}))
    if thinking:
        ok = ok and h.send_event(_chat_chunk(req, {"reasoning_content": thinking}))
    for piece in STREAM_PIECE.findall(text):
        if not ok:
            break
        if piece_delay_s:
            time.sleep(piece_delay_s)
        ok = h.send_event(_chat_chunk(req, {"content": piece}))
    ok = ok and h.send_event(_chat_chunk(req, {}, finish_reason=finish_reason))
    if ok and usage and wants_usage:
        ok = h.send_event(_chat_chunk(req, None, usage=_chat_usage(usage), choices=False))
    ok = ok and h.send_data("[DONE]")
    if not ok:
        h.server.abandoned_streams.append(req)


def _anthropic_usage(input_tokens, output_tokens, cached):
    return {"input_tokens": input_tokens - cached, "output_tokens": output_tokens,
            "cache_read_input_tokens": cached, "cache_creation_input_tokens": 0}


def _anthropic_json(h, req, text, thinking, input_tokens, output_tokens, cached):
    content = []
    if thinking:
        content.append({"type": "thinking", "thinking": thinking, "signature": "sig-abc"})
        content.append({"type": "redacted_thinking", "data": "c2VjcmV0"})
    content.append({"type": "text", "text": text})
    h.send_body(200, {"id": "msg_1", "type": "message", "role": "assistant", "model": req.body.get("model"),
                      "content": content, "stop_reason": "end_turn", "stop_sequence": None,
                      "usage": _anthropic_usage(input_tokens, output_tokens, cached)})


def _anthropic_stream(h, req, text, thinking, input_tokens, output_tokens, cached, piece_delay_s):
    h.start_sse()
    start_usage = {**_anthropic_usage(input_tokens, 1, cached)}
    events = [("message_start", {"type": "message_start", "message": {
        "id": "msg_1", "type": "message", "role": "assistant", "model": req.body.get("model"), "content": [],
        "stop_reason": None, "stop_sequence": None, "usage": start_usage}})]
    index = 0
    if thinking:
        events += [
            ("content_block_start", {"type": "content_block_start", "index": index,
                                     "content_block": {"type": "thinking", "thinking": "", "signature": ""}}),
            ("content_block_delta", {"type": "content_block_delta", "index": index,
                                     "delta": {"type": "thinking_delta", "thinking": thinking}}),
            ("content_block_delta", {"type": "content_block_delta", "index": index,
                                     "delta": {"type": "signature_delta", "signature": "sig-abc"}}),
            ("content_block_stop", {"type": "content_block_stop", "index": index}),
        ]
        index += 1
    events.append(("content_block_start", {"type": "content_block_start", "index": index,
                                           "content_block": {"type": "text", "text": ""}}))
    events.append(("ping", {"type": "ping"}))
    for piece in STREAM_PIECE.findall(text):
        events.append(("content_block_delta", {"type": "content_block_delta", "index": index,
                                               "delta": {"type": "text_delta", "text": piece}}))
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": index}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                           "usage": {"output_tokens": output_tokens}}),
        ("message_stop", {"type": "message_stop"}),
    ]
    for name, data in events:
        if piece_delay_s and name == "content_block_delta":
            time.sleep(piece_delay_s)
        if not h.send_event(data, event=name):
            h.server.abandoned_streams.append(req)
            return


# -- the server -------------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # every reply says `Connection: close`: one request per connection

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_GET(self):
        if self.path.rstrip("/").endswith("/models"):  # what vLLM and SGLang list, with each model's window
            self.send_body(200, {"object": "list", "data": self.server.models})
        else:
            self.send_body(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            body = {"unparsed": raw.decode("utf-8", "replace")}
        req = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        server = self.server
        with server.lock:
            server.requests.append(req)
            server.active += 1
            server.max_concurrent = max(server.max_concurrent, server.active)
            reply = server.queue.pop(0) if server.queue else server.default
        self.chunked = False
        self.aborted = False
        try:
            reply(self, req)
            if self.chunked and not self.aborted:
                self.end_chunks()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away: that is what some tests do on purpose
        finally:
            with server.lock:
                server.active -= 1
            self.close_connection = True

    def send_raw(self, code: int, payload: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def send_body(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        if isinstance(body, (dict, list)):
            self.send_raw(code, json.dumps(body).encode(), "application/json", headers)
        else:
            self.send_raw(code, str(body).encode(), "text/plain", headers)

    def start_sse(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")  # as vLLM, llama.cpp and the hosted APIs do
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.chunked = True

    def send_data(self, data: str, event: str | None = None) -> bool:
        """One server-sent event, as one HTTP chunk; False once the client has gone."""
        frame = ((f"event: {event}\n" if event else "") + f"data: {data}\n\n").encode()
        try:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(frame), frame))
            self.wfile.flush()
            return True
        except (BrokenPipeError, ConnectionResetError):
            return False

    def end_chunks(self) -> None:
        try:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_event(self, obj: dict, event: str | None = None) -> bool:
        return self.send_data(json.dumps(obj), event)

    def abort(self) -> None:
        """Close the socket at once, without a proper end to the reply."""
        import socket

        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        self.close_connection = True
        self.aborted = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.requests: list[Request] = []
        self.queue: list[Reply] = []
        self.default: Reply = answer("ok")
        self.served_usage: list[dict] = []
        self.abandoned_streams: list[Request] = []
        self.active = 0
        self.max_concurrent = 0
        self.models: list[dict] = [{"id": "fake-model", "object": "model", "owned_by": "vllm", "max_model_len": 32768}]


class FaultServer:
    """`with FaultServer() as server:` ... `server.url` is the base URL a client is given (ends in /v1)."""

    def __init__(self):
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._server.stopping.set()  # releases hanging and delayed replies
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    @property
    def root_url(self) -> str:
        return self.url.removesuffix("/v1")

    def script(self, *replies: Reply) -> None:
        with self._server.lock:
            self._server.queue.extend(replies)

    @property
    def default(self) -> Reply:
        return self._server.default

    @default.setter
    def default(self, reply: Reply) -> None:
        self._server.default = reply

    @property
    def requests(self) -> list[Request]:
        return self._server.requests

    @property
    def served_usage(self) -> list[dict]:
        return self._server.served_usage

    @property
    def models(self) -> list[dict]:
        return self._server.models

    @property
    def max_concurrent(self) -> int:
        return self._server.max_concurrent

    @property
    def abandoned_streams(self) -> list[Request]:
        return self._server.abandoned_streams

    def wait_for_requests(self, n: int, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while len(self.requests) < n and time.monotonic() < deadline:
            time.sleep(0.01)
        return len(self.requests) >= n
