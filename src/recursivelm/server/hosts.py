"""Which Host headers the server answers: a guard against DNS rebinding.

A web page the user visits can point a name it controls at 127.0.0.1 and make the browser send requests
to `rlm serve` under that name; without an API key the server would run them (model code in the
sandbox, on the user's machine and budget). Browsers always send the name they used as the Host
header, so a server that answers only loopback names (and the names its operator allowed) is out of
reach of such a page.
"""

from __future__ import annotations

import ipaddress

from .defaults import LOOPBACK_HOSTS
from .errors import APIError

ANY_HOST = "*"


def is_loopback_host(name: str) -> bool:
    """localhost, or an address in 127.0.0.0/8 or ::1."""
    if name in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a Host header: lower case, without the port or IPv6 brackets or a trailing dot."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8000
        return header[1:].split("]", 1)[0]
    if header.count(":") == 1:  # name:port (more colons: a bare IPv6 address)
        header = header.split(":", 1)[0]
    return header.rstrip(".")


class HostCheckMiddleware:
    """Refuse (403, OpenAI's error shape) a request whose Host is neither a loopback name nor allowed.

    On when the server has no API key (DNS rebinding cannot supply a key) or when hosts are named;
    `allowed` holding "*" turns it off."""

    def __init__(self, app, allowed: tuple[str, ...], enforce: bool):
        self.app = app
        self.allowed = {host_name(h) for h in allowed}
        self.enforce = enforce and ANY_HOST not in allowed

    async def __call__(self, scope, receive, send) -> None:
        if self.enforce and scope["type"] == "http":
            raw = next((value for key, value in scope["headers"] if key == b"host"), None)
            name = host_name(raw.decode("latin-1")) if raw is not None else None
            # No Host at all (HTTP/1.0): not a browser, which always sends one.
            if name is not None and not is_loopback_host(name) and name not in self.allowed:
                error = APIError(403, f"this server does not answer the host name {name!r}: start it with "
                                      f"--allowed-host {name} (or set an API key) to allow it", code="host_not_allowed")
                await error.response()(scope, receive, send)
                return
        await self.app(scope, receive, send)
