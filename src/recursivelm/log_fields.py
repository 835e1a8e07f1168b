"""The fields a log line writes by their form rather than as `key=value`: what the common formats put in a line
(an access log's client address, request and status; an application log's `[source]` and a duration in ms), for
a log's rows (row_dicts.log_rows).

    10.4.2.242 - - [09/Nov/2025:09:44:07 +0000] "GET /x HTTP/1.1" 200 512  ->  ip, method, path, status
    2025-05-09T00:00:13Z GET /api/cart 200 480ms                             ->  method, path, status, ms
    2025-06-02 00:56:00 INFO [worker-6] job step 1 done                      ->  source
    2025-06-01 00:34:00 sshd[411]: Accepted password for ana from 10.0.0.1   ->  source, ip

Given only the line's text, the 1.5B root wrote "the text does not contain any IP addresses" and counted 0
requests for 133 different addresses (fallback probe, set O): it does not parse a line's parts itself.
"""

from __future__ import annotations

import re

_IP = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
_REQUEST = re.compile(r"\b(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(/\S*|https?://\S+)")
_STATUS = re.compile(r"^(?:\s*HTTP/[\d.]+)?\"?\s+([1-5]\d\d)\b")  # right after the request: "... HTTP/1.1" 200
_MS = re.compile(r"(?<![\w.=])(\d+(?:\.\d+)?)\s?ms\b")
LEVELS = re.compile(r"\b(DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|CRITICAL|FATAL)\b")  # a line's level, as written
_SOURCE = re.compile(r"^\s*(?:[A-Z]+\s+)?(?:\[([A-Za-z][\w.-]*)\]|([A-Za-z][\w.-]*)(?:\[\d+\])?:\s)")


def fields_of(line: str, rest: str) -> dict[str, str]:
    """The fields `line` writes by form (the module's docstring); `rest` is the line after its stamp, where a source
    is written first."""
    found: dict[str, str] = {}
    if ip := _IP.search(line):
        found["ip"] = ip[1]
    if request := _REQUEST.search(line):
        found["method"], found["path"] = request[1], request[2].rstrip('"')
        if status := _STATUS.match(line[request.end():]):
            found["status"] = status[1]
    if ms := _MS.search(rest):
        found["ms"] = ms[1]
    if (source := _SOURCE.match(rest)) and not LEVELS.fullmatch((source[1] or source[2]).upper()):
        found["source"] = source[1] or source[2]  # "ERROR: disk full" names a level, not a source
    return found
