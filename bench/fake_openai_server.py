"""A real, local OpenAI-compatible Chat Completions server with scripted replies, for benchmarks and tests.

Standard library only (`http.server.ThreadingHTTPServer`), bound to 127.0.0.1. It serves
`POST /v1/chat/completions` (plain JSON, or server-sent events when `"stream": true`) with `usage` counts
taken from the request and the reply, and `GET /v1/models`. Each request is logged with the server's own
arrival and departure times (`time.monotonic()`, which is system-wide on Linux, so another process on this
machine can subtract them from its own clock readings).

Who is asking is told by the model name: a model whose name contains "sub" (e.g. `fake-sub`) is a
sub-model: it answers a short text after `sub_latency` seconds. Any other model (e.g. `fake-root`) is a
root model: it answers with code, scripted by a directive the question carries, anywhere in the messages:

    [bench run=ID turns=N code=len n=64 answer=done]

- `run`: a label the request log is kept under (`GET /bench/log?run=ID`).
- `turns`: how many root turns answer with a code block before the turn that answers (default 0: the
  first turn answers). The turn is 1 + the number of assistant messages in the request.
- `code`: the code of those turns: `len` (`x = len(context)` / `print(x)`), `batch` (one
  `llm_query_batched` of `n` distinct prompts), `query` (one `llm_query`, a different prompt each turn).
- `answer`: the final answer's text.

Code comes in a ```repl block (both engines run those). The answering turn is written for the engine
that asks, told from its system prompt: the reference `rlms` package answers by setting
`answer["content"]` / `answer["ready"] = True`; recursivelm (and anything else) with `FINAL(...)`.

Run it on its own:  python bench/fake_openai_server.py --port 8765 --sub-latency 0.2
It prints `READY http://127.0.0.1:PORT/v1` once it listens. Control endpoints: `GET /bench/log?run=ID`
(`&clear=1` forgets them), `POST /bench/config` with `{"sub_latency": .., "root_latency": ..}`,
`POST /bench/reset`, `GET /health`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

DIRECTIVE = re.compile(r"\[bench ([^\]]*)\]")
TOKEN = re.compile(r"\w+|[^\w\s]")
EXACT_COUNT_MAX_CHARS = 1_000_000  # beyond this, usage is estimated at 4 characters per token
MESSAGE_OVERHEAD_TOKENS = 4  # chat-template tokens around each message, as OpenAI counts them

PROGRAMS = {
    # Each turn's block differs ("# turn N"): the engine does not run a block repeated word for word.
    "len": "x = len(context)  # turn {turn}\nprint(x)",
    "batch": "replies = llm_query_batched([f'[bench run={run} sub] question {{i}}' for i in range({n})])\nprint(len(replies))",
    "query": "reply = llm_query('[bench run={run} sub] the question of turn {turn}')\nprint(reply)",
}


def count_tokens(text: str) -> int:
    if len(text) > EXACT_COUNT_MAX_CHARS:
        return len(text) // 4
    return len(TOKEN.findall(text))


def parse_directive(messages: list[dict[str, Any]]) -> dict[str, str]:
    for m in messages:
        content = m.get("content")
        if isinstance(content, str):
            found = DIRECTIVE.search(content[:100_000])
            if found:
                pairs = (p.partition("=") for p in found.group(1).split())
                return {k: v for k, _, v in pairs}
    return {}


def wants_answer_dict(messages: list[dict[str, Any]]) -> bool:
    """The reference `rlms` engine answers through its `answer` dict, not FINAL()."""
    system = next((m.get("content") or "" for m in messages if m.get("role") == "system"), "")
    return 'answer["ready"]' in system


def root_reply(messages: list[dict[str, Any]], directive: dict[str, str]) -> tuple[str, int]:
    turn = 1 + sum(1 for m in messages if m.get("role") == "assistant")
    turns = int(directive.get("turns", "0"))
    run = directive.get("run", "-")
    if turn <= turns:
        program = PROGRAMS[directive.get("code", "len")].format(run=run, n=int(directive.get("n", "64")), turn=turn)
        return f"Step {turn}.\n```repl\n{program}\n```", turn
    answer = directive.get("answer", "done")
    if wants_answer_dict(messages):
        code = f'answer["content"] = {answer!r}\nanswer["ready"] = True'
    else:
        code = f"FINAL({answer!r})"
    return f"Done.\n```repl\n{code}\n```", turn


class FakeOpenAIServer:
    """The server: `start()` it (in a thread of this process), read `.url`, `stop()` it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, root_latency: float = 0.0, sub_latency: float = 0.2):
        self.root_latency = root_latency
        self.sub_latency = sub_latency
        self._lock = threading.Condition()
        self._log: list[dict[str, Any]] = []
        self._in_flight: dict[str, int] = {}
        self.max_in_flight: dict[str, int] = {}
        self.httpd = _HTTPServer((host, port), _Handler)
        self.httpd.app = self
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the request log ----------------------------------------------------------------------
    def log(self, run: str | None = None, clear: bool = False, settle_s: float = 2.0) -> list[dict[str, Any]]:
        """The records of `run` (all runs: None). Waits up to `settle_s` for that run's requests still in
        flight: a client may ask for the log as soon as it has read a reply, before its record is in."""
        return self.snapshot(run, clear, settle_s)["records"]

    def snapshot(self, run: str | None = None, clear: bool = False, settle_s: float = 2.0) -> dict[str, Any]:
        """{"records": [...], "max_in_flight": N} for `run` (all runs: None); `clear` forgets them."""
        def matches(key: str) -> bool:
            return run is None or key == run

        with self._lock:
            self._lock.wait_for(lambda: not any(n for k, n in self._in_flight.items() if matches(k)), timeout=settle_s)
            out = {"records": [r for r in self._log if matches(r["run"])],
                   "max_in_flight": max((n for k, n in self.max_in_flight.items() if matches(k)), default=0)}
            if clear:
                self._log = [r for r in self._log if not matches(r["run"])]
                for key in [k for k in self.max_in_flight if matches(k)]:
                    del self.max_in_flight[key]
            return out

    def _enter(self, run: str) -> None:
        with self._lock:
            n = self._in_flight.get(run, 0) + 1
            self._in_flight[run] = n
            self.max_in_flight[run] = max(self.max_in_flight.get(run, 0), n)

    def _leave(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._in_flight[record["run"]] -= 1
            self._log.append(record)
            self._lock.notify_all()

    # -- one completion -----------------------------------------------------------------------
    def complete(self, body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """The reply to a chat request, and its log record (without the times)."""
        model = str(body.get("model") or "")
        messages = body.get("messages") or []
        if not isinstance(messages, list) or not messages:
            raise ValueError("'messages' must be a non-empty list")
        directive = parse_directive(messages)
        kind = "sub" if "sub" in model.lower() else "root"
        if kind == "sub":
            latency, turn = self.sub_latency, None
            text = f"sub-answer to: {str(messages[-1].get('content') or '')[-40:]}"
        else:
            latency = float(directive.get("latency", self.root_latency))
            text, turn = root_reply(messages, directive)
        if latency > 0:
            time.sleep(latency)
        prompt_tokens = sum(count_tokens(str(m.get("content") or "")) + MESSAGE_OVERHEAD_TOKENS for m in messages)
        completion_tokens = count_tokens(text)
        response = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:20]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop",
                         "logprobs": None}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        }
        record = {"run": directive.get("run", "-"), "kind": kind, "model": model, "turn": turn,
                  "messages": len(messages), "latency_s": latency, "prompt_tokens": prompt_tokens,
                  "completion_tokens": completion_tokens}
        return response, record


def stream_events(response: dict[str, Any], include_usage: bool) -> bytes:
    """The same reply as server-sent `chat.completion.chunk` events."""
    base = {"id": response["id"], "object": "chat.completion.chunk", "created": response["created"],
            "model": response["model"]}
    text = response["choices"][0]["message"]["content"]
    pieces = [text[i:i + 64] for i in range(0, len(text), 64)] or [""]
    chunks = [{**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}]
    chunks += [{**base, "choices": [{"index": 0, "delta": {"content": p}, "finish_reason": None}]} for p in pieces]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    if include_usage:
        chunks.append({**base, "choices": [], "usage": response["usage"]})
    out = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    return out.encode()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # 64 concurrent connects must not overflow the listen backlog (1 s SYN retry)
    app: FakeOpenAIServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    disable_nagle_algorithm = True
    server: _HTTPServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
        pass

    def parse_request(self) -> bool:
        # Arrival: stamped as soon as the request line is in, before the headers are parsed.
        self.t_in, self.t_out = time.monotonic(), None
        return super().parse_request()

    def _send(self, status: int, payload: bytes, content_type: str = "application/json") -> None:
        head = (f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n"
                f"Connection: keep-alive\r\n\r\n").encode()
        # Departure: stamped before the write, so a server thread preempted right after it (the client woke
        # first) cannot push the stamp past the client's next request.
        self.t_out = time.monotonic()
        self.wfile.write(head + payload)  # one write: no Nagle / delayed-ACK stall between head and body
        self.wfile.flush()

    def _json(self, status: int, obj: Any) -> None:
        self._send(status, json.dumps(obj).encode())

    def _error(self, status: int, message: str, code: str = "invalid_request_error") -> None:
        self._json(status, {"error": {"message": message, "type": code, "param": None, "code": code}})

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        app = self.server.app
        if url.path in ("/v1/models", "/models"):
            self._json(200, {"object": "list", "data": [
                {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in ("fake-root", "fake-sub")]})
        elif url.path == "/bench/log":
            q = parse_qs(url.query)
            self._json(200, app.snapshot(q.get("run", [None])[0], clear=q.get("clear", ["0"])[0] == "1"))
        elif url.path == "/health":
            self._json(200, {"ok": True})
        else:
            self._error(404, f"no route {url.path}", "not_found")

    def do_POST(self) -> None:  # noqa: N802
        t_in = self.t_in
        app = self.server.app
        url = urlparse(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError as e:
            self._error(400, f"the body is not JSON: {e}")
            return
        if url.path == "/bench/config":
            for key in ("root_latency", "sub_latency"):
                if key in body:
                    setattr(app, key, float(body[key]))
            self._json(200, {"root_latency": app.root_latency, "sub_latency": app.sub_latency})
            return
        if url.path == "/bench/reset":
            app.log(None, clear=True)
            self._json(200, {"ok": True})
            return
        if url.path not in ("/v1/chat/completions", "/chat/completions"):
            self._error(404, f"no route {url.path}", "not_found")
            return
        run = parse_directive(body.get("messages") or []).get("run", "-")
        app._enter(run)
        record: dict[str, Any] = {"run": run, "kind": "error"}
        try:
            try:
                response, record = app.complete(body)
            except (ValueError, KeyError, TypeError) as e:
                self._error(400, str(e))
                return
            if body.get("stream"):
                include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
                self._send(200, stream_events(response, include_usage), "text/event-stream")
            else:
                self._send(200, json.dumps(response).encode())
        finally:
            record.update(t_in=t_in, t_out=self.t_out or time.monotonic(), stream=bool(body.get("stream")),
                          body_bytes=length)
            app._leave(record)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="A local OpenAI-compatible server with scripted replies.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0: any free port (printed on the READY line)")
    p.add_argument("--root-latency", type=float, default=0.0, help="seconds before a root-model reply")
    p.add_argument("--sub-latency", type=float, default=0.2, help="seconds before a sub-model reply")
    a = p.parse_args(argv)
    if a.host not in ("127.0.0.1", "localhost", "::1"):
        p.error("this server is for this machine only: use 127.0.0.1")
    server = FakeOpenAIServer(a.host, a.port, root_latency=a.root_latency, sub_latency=a.sub_latency)
    print(f"READY {server.url}", flush=True)
    try:
        server.httpd.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
