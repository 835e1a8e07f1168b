"""The local web server behind `rlm view RUN.jsonl`: the page, its two static files, and `/events?after=N`.

It binds 127.0.0.1 only and answers only requests addressed to that host (a web page elsewhere
cannot read a trajectory through DNS rebinding). The page polls `/events?after=N` every second:
the events after the N it already has, and the header recomputed when there are any.
"""

from __future__ import annotations

import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..text import json_bytes
from .reader import EventFile, RunSelection
from .render import header, page_event, static_text

HOST = "127.0.0.1"
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/viewer.js": ("viewer.js", "text/javascript; charset=utf-8"),
    "/viewer.css": ("viewer.css", "text/css; charset=utf-8"),
}


class ViewerServer:
    """Serves one root run of one log file until closed. `port=0` picks a free port."""

    def __init__(self, log: str | Path, port: int = 0, run: int | None = None):
        self.log = Path(log)
        self.selection = RunSelection(EventFile(self.log), run)
        self.selection.check()
        self._lock = threading.Lock()
        try:
            self.httpd = _QuietServer((HOST, port), self._handler_class())
        except OSError as e:
            raise ValueError(f"cannot listen on {HOST}:{port}: {e.strerror or e}") from None
        self.port = self.httpd.server_address[1]
        self.url = f"http://{HOST}:{self.port}/"
        self._thread: threading.Thread | None = None

    # -- what the page asks for ------------------------------------------------------------------
    def events_after(self, after: int) -> dict[str, Any]:
        with self._lock:  # one reader of the file at a time; the answer is a consistent snapshot
            events = self.selection.events()
            new = events[after:]
            reply: dict[str, Any] = {
                "source": self.log.name,
                "runs_in_file": self.selection.runs_in_file(),
                "run_number": (self.selection.index or 0) + 1,
                "next": len(events),
                "events": [page_event(e) for e in new],
            }
            if new or after == 0:  # an idle poll stays tiny
                reply.update(header(events))
            return reply

    # -- lifecycle -------------------------------------------------------------------------------
    def serve_forever(self) -> None:
        self.httpd.serve_forever(poll_interval=0.2)

    def start(self) -> ViewerServer:
        """Serve from a background thread (tests, notebooks)."""
        self._thread = threading.Thread(target=self.serve_forever, name="rlm-view", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        if self._thread:
            self.httpd.shutdown()
            self._thread.join(timeout=5)
        self.httpd.server_close()

    def __enter__(self) -> ViewerServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    def _handler_class(self):
        server = self

        class Handler(_Handler):
            viewer = server

        return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A tab closed mid-response is routine for a page that polls: no traceback for that.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    viewer: ViewerServer
    server_version = "rlm-view"

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if not self._addressed_to_us():
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden: this viewer answers only 127.0.0.1", "text/plain")
        url = urlsplit(self.path)
        if url.path in STATIC_FILES:
            name, content_type = STATIC_FILES[url.path]
            return self._send(HTTPStatus.OK, static_text(name).encode("utf-8"), content_type)
        if url.path == "/events":
            try:
                after = int(parse_qs(url.query).get("after", ["0"])[0])
            except ValueError:
                return self._send(HTTPStatus.BAD_REQUEST, b"after must be an integer", "text/plain")
            body = json_bytes(self.viewer.events_after(max(0, after)), separators=(",", ":"))
            return self._send(HTTPStatus.OK, body, "application/json; charset=utf-8")
        self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")

    def _addressed_to_us(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        return host in (HOST, "localhost")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - a poll a second would flood the terminal
        pass
