"""A log's lines as code reads them: their time stamps (ISO, an access log's, syslog's), whether a text is a
time-stamped log, the lines in a span of time, a number as a field of its own (a status, not a size), a line's
wording without its slots' values, the lines a question picks by the addresses, paths, numbers and words
it names, the span of the log's own events it names ("while the backup was running"), and the values of a field
a noun names in a line. records.py and log_measures.py ask their questions of these.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from .querywords import query_terms
from .periods import MONTH_NAMES, Days, date_part, days_asked
from .tables import plural
from .wordings import holding

STAMPED_SHARE = 0.9  # a name's lines are time-stamped where this share of them holds a time stamp
STAMP_SAMPLE = 300  # lines looked at to tell whether a text is a time-stamped log
_MONTH = r"(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_CLOCK = r"(?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?"
IP = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
PATH = re.compile(r"(?<!\w)/[\w./-]*")  # a URL's or file's path
_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# A number the question names: a status, a code, an id; not a piece of a token ("v9.1": its "1" picked every line
# holding a 1 as a field, and the first of them was taken for the deployment's start, set T's kinds).
_NUMBER = re.compile(r"(?<![\w.-])\d+(?:\.\d+)?(?![\w-]|\.\d)")
# Words of a record that failed: a question holding one counts no line that holds none (records.py), and a run
# of failures is of the lines holding one (log_runs.py).
FAILED = re.compile(r"\b(?:fail\w*|unsuccessful|errors?|denied|rejected|invalid|refused|timed? ?out)\b", re.I)
# A user named in a login line without a key: "password for ana from", "for invalid user ana from", "user ana".
_USER = re.compile(r"\bfor\s+(?:invalid\s+user\s+)?([\w.-]+)\s+from\b|\buser\s+([a-z][\w.-]*)\b(?!\s*=)", re.I)
_USER_NOUNS = {"user", "users", "username", "usernames", "account", "accounts"}
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_KEY_VALUE = re.compile(r"\b(?P<key>[A-Za-z_][\w.-]*)[=:]\s?(?P<value>[^\s,;\"'\]]+)")
_STAMP_PART = re.compile(r"^(hour|day|date|month|year|weekday)\b", re.I)  # "which hour of the day ...": of the stamp
_PATH_NOUN = re.compile(r"\b(?:endpoints?|paths?|urls?|routes?|pages?|resources?)\b", re.I)
_SLOT_VALUE = re.compile(r"\b([A-Za-z_][\w.-]*)=[^\s,;]+")  # user=jdoe: the key is wording, the value a slot's
_STAMPS = (  # the ways logs write a time: each match gives year (or none), month, day and a clock
    re.compile(rf"(?P<y>\d{{4}})-(?P<mo>\d{{2}})-(?P<d>\d{{2}})(?:[T ]{_CLOCK})?"),
    re.compile(rf"(?P<d>\d{{2}})/{_MONTH}/(?P<y>\d{{4}}):{_CLOCK}"),
    re.compile(rf"\b{_MONTH}\s+(?P<d>\d{{1,2}})\s+{_CLOCK}"),
)


# "while the nightly backup was running", "during the migration": a span of the log's own events, from the first
# line naming the thing to the last.
EVENT = re.compile(r"\b(?:while|when)\s+(?P<thing>[^?,]+?)\s+(?:was|were|is|are)\s+(?:running|in progress|ongoing|under ?way"
                   r"|active|happening|being\s+\w+)\b|\bduring\s+(?P<during>(?:the|a|an)\s+[^?,]+?)\s*(?=\?|,|$)", re.I)


def event(question: str) -> re.Match | None:
    """The span of the log's events the question names ("while the nightly backup was running"); not a period
    ("during March", "during the weekend" are periods.Days's)."""
    found = EVENT.search(question)
    return found if found and not days_asked(found.group()) else None


def during(lines: list[str], asked: re.Match) -> tuple[list[str], str] | None:
    """The lines from the first naming the event's thing (its words and numbers: picked_lines) to the last, and
    how the span is said; None where fewer than two lines name it."""
    thing = asked["thing"] or asked["during"]
    found = picked_lines(lines, thing)
    if found is None or not found[1] or len(found[0]) < 2:
        return None
    mine, picked_by = found
    first, last = lines.index(mine[0]), len(lines) - 1 - lines[::-1].index(mine[-1])
    said = (f"{asked.group().strip()} (from the first line holding {' and '.join(map(repr, picked_by))}, line "
            f"{first + 1:,}, to the last, line {last + 1:,})")
    return lines[first:last + 1], said


def in_time(lines: list[str], clock: re.Match | None, days: Days | None) -> list[str] | None:
    """The lines whose time stamp falls in the clock span and on the question's days ("in March", "on a weekend");
    None where the lines are not time-stamped (fewer than STAMPED_SHARE of them)."""
    times = [(key, line) for line in lines if (found := stamp(line)) for key in [found[0]]]
    if len(times) < STAMPED_SHARE * len(lines):
        return None
    start = end = None
    if clock:
        start, end = (int(clock["start"]), int(clock["start_mi"])), (int(clock["end"]), int(clock["end_mi"]))
    return [line for key, line in times
            if (not clock or start <= key[3:5] < end) and (not days or days.holds(*key[:3]))]


def latest_day(lines: list[str]) -> datetime.date | None:
    """The latest day the lines' time stamps name (of a year: a syslog stamp names none); None for none."""
    keys = [found[0] for line in lines if (found := stamp(line)) and found[0][0]]
    return datetime.date(*max(keys)[:3]) if keys else None


def stamped(lines: list[str]) -> bool:
    """Whether the lines are a log's: STAMPED_SHARE of the first few hundred hold a time stamp."""
    head = lines[:STAMP_SAMPLE]
    return sum(stamp(line) is not None for line in head) >= STAMPED_SHARE * len(head)


def _standalone(number: str) -> re.Pattern:
    """The number as a field of its own (a status, a code, `status=404`), not a piece of an address, a time,
    a path or a duration."""
    return re.compile(rf"(?<![\w.:/-]){number}(?![\w.:/%-])")


# A status: a line's first three-digit number of its own (an access log's "200 512": the status, then the bytes).
STATUS = _standalone(r"[1-5]\d\d")
# Each unit of time a question counts in, in seconds.
SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def full_stamps(lines: list[str]) -> list[tuple[datetime.datetime, str, str]]:
    """(time, its text, the line) of each line whose time stamp names a year (a syslog stamp names none)."""
    return [(datetime.datetime(*key), written, line) for line in lines if (found := stamp(line))
            for key, written in [found] if key[0]]


def slots_out(line: str) -> str:
    """A line without the values of its slots, for its wording: paths (/docs and /home) and key=value values
    (user=jdoe and user=mkovacs are one wording)."""
    return _SLOT_VALUE.sub(r"\1=", PATH.sub(" ", line))


def as_field(lines: list[str], number: str) -> list[str]:
    """The lines holding the number as a field of its own; where it stands as a whole token, at one place
    (counted in tokens): of the places holding it, the one whose values over all lines are fewest (a status
    takes a few values, a response's size many): the status of an access log, not a response of 404 bytes."""
    pattern = _standalone(re.escape(number))
    held = [line for line in lines if pattern.search(line)]
    places = Counter(i for line in held for i, token in enumerate(line.split()) if _token(token) == number)
    if not places:
        return held
    values: dict[int, set[str]] = {i: set() for i in places}
    for line in lines[:STAMP_SAMPLE * 10]:
        tokens = line.split()
        for i in values:
            if i < len(tokens):
                values[i].add(_token(tokens[i]))
    place = min(places, key=lambda i: (len(values[i]), -places[i]))
    return [line for line in held if len(tokens := line.split()) > place and _token(tokens[place]) == number]


def _token(token: str) -> str:
    return token.strip("\"'[]()")


def stamp(line: str) -> tuple[tuple[int, ...], str] | None:
    """The line's first time stamp: a key that sorts times (a year-less syslog stamp sorts within its year) and
    the text as written."""
    for pattern in _STAMPS:
        m = pattern.search(line)
        if m:
            parts = m.groupdict()
            month = int(parts["mo"]) if "mo" in parts else MONTH_NAMES.index(parts["mon"].lower()) + 1
            clock = [int(parts[k] or 0) for k in ("h", "mi", "s")]
            return (int(parts.get("y") or 0), month, int(parts["d"]), *clock), m.group()
    return None


def picked_lines(lines: list[str], question: str) -> tuple[list[str], list[str]] | None:
    """The lines holding the IP addresses, paths and days the question names, the numbers it names as fields of
    their own (as_field), and its words that some of them hold and some do not ("errors" also as ERROR), with what
    picked them; None where an address, path or number it names is in no line (a condition not read here)."""
    mine, picked_by = lines, []
    for address in IP.findall(question):  # "how many requests did 10.0.3.7 make?"
        mine = [line for line in mine if address in IP.findall(line)]
        picked_by.append(address)
    for path in [p for p in PATH.findall(question) if len(p) > 1]:  # "/api/login requests": that path, whole
        mine = [line for line in mine if path in (p.rstrip("?") for p in PATH.findall(line))]
        picked_by.append(path)
    for day in _DAY.findall(question):  # "on 2025-07-01": the lines holding the day, as ISO stamps write it
        mine = [line for line in mine if day in line]
        picked_by.append(day)
    for number in _NUMBER.findall(_DAY.sub(" ", IP.sub(" ", PATH.sub(" ", question)))):
        mine = as_field(mine, number)
        picked_by.append(number)
    if picked_by and not mine:
        return None
    for term in [t for t in query_terms(_DAY.sub(" ", IP.sub(" ", PATH.sub(" ", question)))) if not t[0].isdigit()]:
        held = holding(mine, term) or (holding(mine, term[:-1]) if term.endswith("s") else [])
        if 0 < len(held) < len(mine):
            mine = held
            picked_by.append(term)
    return mine, picked_by


def field_values(line: str, noun: str) -> list[str]:
    """The values in the line of the field `noun` names: a part of its time stamp (the hour, day, month, weekday or
    year: "which hour of the day ..."), e-mail addresses, IP addresses (an address, a host, a
    client), paths (an endpoint, a URL, a route, a page), a key=value field whose key is a word of the noun ("error
    codes": code=), or ids the noun names ("user17", "host-4" for users and hosts)."""
    if re.search(r"\b(?:e-?mails?)\b", noun, re.I):
        return _EMAIL.findall(line)
    if (part := _STAMP_PART.match(noun)) and (found := stamp(line)):
        return [date_part(found[0], part[1].lower())]
    if re.search(r"\b(?:ip|address(?:es)?|hosts?|clients?)\b", noun, re.I):
        return IP.findall(line)
    if _PATH_NOUN.search(noun):
        return [path for path in PATH.findall(line) if len(path) > 1]
    words = [w.lower() for w in noun.split()]
    keys = {form for w in words for form in (w, plural(w), w.removesuffix("s"))}
    found = [m["value"] for m in _KEY_VALUE.finditer(line) if m["key"].lower() in keys]
    if not found and keys & _USER_NOUNS:  # sshd's "Accepted password for ana from ...", "user ana"
        found = [m[1] or m[2] for m in _USER.finditer(line)][:1]
    ids = [rf"(?<![\w-]){re.escape(w.removesuffix('s'))}[-_]?\d+(?![\w-])" for w in words]
    return found or [v for pattern in ids for v in re.findall(pattern, line, re.I)]

