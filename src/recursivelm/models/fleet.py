"""An endpoint fleet: one model served by several OpenAI-compatible replicas (vLLM, SGLang, llama.cpp).

`OpenAIModel(name, base_urls=[...])` asks `Fleet.acquire()` for an endpoint before each attempt:
- the endpoint with the fewest requests in flight from this process (ties: the one sent fewest so far), so a
  slow or busy replica gets less and a fast one more, without knowing the replicas' speeds;
- an endpoint whose attempt failed in a way worth another try (refused, reset, timed out, 5xx, 429) is set aside
  for `set_aside_s` and the request goes at once to another one; once that time is over it is tried again
  (one request: if it fails, it is set aside again);
- when every endpoint is set aside, the one that comes back soonest is used, and the backend's retry policy
  backs off between attempts as it does for a single server.

The fleet only chooses and keeps counts; the call, the retries and the accounting stay in the backend. Each
process balances its own requests: Ray tasks on different workers do not see each other's counts.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator
from urllib.parse import urlparse

log = logging.getLogger(__name__)

FLEET_SET_ASIDE_S = 30.0
"""Seconds a failed endpoint gets no new requests: long enough for a replica's restart not to eat a batch's
retries, short enough that a replica back from a blip is used again within the minute."""


class FleetError(ValueError):
    """The endpoints given cannot make a fleet (none, not http(s) URLs, the same one twice)."""


@dataclass
class EndpointState:
    """One replica and what this process knows of it."""

    url: str
    in_flight: int = 0  # requests sent and not yet answered
    sent: int = 0  # attempts sent since the fleet was made
    failures: int = 0  # attempts that failed in a way worth another try
    set_aside_until: float = 0.0  # clock time before which it gets no new request (unless all are set aside)
    last_error: str | None = None

    def as_dict(self) -> dict:
        return {"url": self.url, "in_flight": self.in_flight, "sent": self.sent, "failures": self.failures,
                "last_error": self.last_error}


def parse_endpoints(text: str | list[str] | tuple[str, ...]) -> list[str]:
    """`URL,URL` (a flag's value) or a list, checked: each an http(s) URL, none twice. Raises FleetError."""
    urls = [u.strip() for u in (text.split(",") if isinstance(text, str) else text)]
    urls = [u.rstrip("/") for u in urls if u]
    if not urls:
        raise FleetError("no endpoint given: pass base URLs separated by commas, e.g. "
                         "--endpoints http://10.0.0.1:8000/v1,http://10.0.0.2:8000/v1")
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise FleetError(f"endpoint {url!r} is not an http(s) base URL: write it as http://HOST:PORT/v1")
    twice = sorted({u for u in urls if urls.count(u) > 1})
    if twice:
        raise FleetError(f"endpoint {twice[0]} is given twice: list each replica once")
    return urls


class Fleet:
    """Chooses the endpoint of each attempt. Thread-safe: one fleet may serve several event loops."""

    def __init__(self, urls: list[str], *, set_aside_s: float = FLEET_SET_ASIDE_S,
                 clock: Callable[[], float] = time.monotonic, shuffle: bool = True):
        if set_aside_s < 0:
            raise FleetError(f"set_aside_s must be at least 0, got {set_aside_s!r}")
        urls = parse_endpoints(urls)
        if shuffle:
            # Processes that start together (Ray tasks, several `rlm` commands) would all send their first
            # request to the first URL; a random starting order spreads them.
            start = random.randrange(len(urls))
            urls = urls[start:] + urls[:start]
        self.endpoints = [EndpointState(u) for u in urls]
        self.set_aside_s = set_aside_s
        self.clock = clock
        self._lock = threading.Lock()

    @property
    def urls(self) -> list[str]:
        return [e.url for e in self.endpoints]

    def _usable(self, now: float) -> list[EndpointState]:
        return [e for e in self.endpoints if e.set_aside_until <= now]

    @contextmanager
    def acquire(self) -> Iterator[EndpointState]:
        """The endpoint for one attempt, counted in flight until the block ends."""
        with self._lock:
            now = self.clock()
            usable = self._usable(now) or [min(self.endpoints, key=lambda e: e.set_aside_until)]
            chosen = min(usable, key=lambda e: (e.in_flight, e.sent))
            chosen.in_flight += 1
            chosen.sent += 1
        try:
            yield chosen
        finally:
            with self._lock:
                chosen.in_flight -= 1

    def set_aside(self, endpoint: EndpointState, reason: str) -> None:
        with self._lock:
            endpoint.failures += 1
            endpoint.last_error = reason
            endpoint.set_aside_until = self.clock() + self.set_aside_s
        log.warning("endpoint %s set aside for %gs: %s", endpoint.url, self.set_aside_s, reason)

    def another_usable(self, than: EndpointState) -> bool:
        """Whether a request that just failed on `than` can go at once to another endpoint."""
        with self._lock:
            return any(e is not than for e in self._usable(self.clock()))
