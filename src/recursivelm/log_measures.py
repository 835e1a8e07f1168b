"""A log's measurements settled by code: the average, total, median, largest or smallest duration or size its
lines write ("GET /api/login 200 1245ms", "took=3.2s", "sent 512KB"), over the lines the question picks; and how
long something took, from the first to the last line naming it (`took`).

"What was the average response time of /api/login requests in milliseconds?" over 4,500 request lines: the
1.5B reader, shown some of them, averaged what it was shown (bench/issue12/fresh_probe.py, set I). Code reads
every line:

- the lines: those of the question's span of time (records.py cuts them), narrowed to the addresses, paths,
  numbers and words the question names that some of them hold (log_lines.picked_lines);
- the measure: in each line, its one number written with a unit of time (ms, s, min) or of size (B, KB, MB,
  GB); of the kind the question's words ask ("time", "latency", "slowest"; "size", "bytes"), else the only kind
  the lines write; at least MEASURED_SHARE of the lines must write one;
- the statistic: average, total, median, largest, smallest, or a percentile ("the 95th percentile", "p99"),
  linear between the closest ranks;
- the unit: the one the question names ("in milliseconds", "in seconds"), else the lines' commonest; each
  measure converted to it.

"How many minutes did the release 4.2 rollout take?", "how long did the backup run?": the lines the thing's
words and numbers pick (picked_lines; at least two), from the first time stamp to the last, in the unit asked
(minutes, seconds, hours, days; "how long": hours, minutes and seconds).

"How many seconds after the deployment of v9.1 started was the first ERROR logged?": from the first line the event's
words pick to the first line after it that the thing's words pick (`after_event`).

"Which endpoint has the highest average response time?" (lowest, total, median): each line's value of the field
the noun names (log_lines.field_values: a path for an endpoint, a URL or a route; an address; a key=value) and its
measure, the statistic per value, the extreme value; a tie answers nothing. The reader, whose passages held no word
of the question, said nothing was found (set L).

Anything else is left to the reader. Nothing here knows a task.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

from .counted import Counted
from .log_lines import FAILED, SECONDS, STATUS, field_values, full_stamps, picked_lines, stamped
from .querywords import HOW_MANY, LEAST_WORDS, MOST_WORDS, any_word, asked_statistic, computed, described
from .tables import plain_number, shown_number

MEASURED_SHARE = 0.9  # the lines picked must write a measure this often: else it is not what each line records
# Each unit, as lines and questions write it, with its kind and its size in the kind's base unit.
UNITS = {
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), ("time", 0.001)),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), ("time", 1.0)),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), ("time", 60.0)),
    **dict.fromkeys(("b", "byte", "bytes"), ("size", 1.0)),
    **dict.fromkeys(("kb", "kilobytes"), ("size", 1e3)), **dict.fromkeys(("mb", "megabytes"), ("size", 1e6)),
    **dict.fromkeys(("gb", "gigabytes"), ("size", 1e9)),
    "kib": ("size", 1024.0), "mib": ("size", 1024.0 ** 2), "gib": ("size", 1024.0 ** 3),
}
_UNIT = "|".join(sorted(UNITS, key=len, reverse=True))
_MEASURE = re.compile(rf"(?<![\w.:/-])(?P<n>\d+(?:\.\d+)?)\s?(?P<unit>{_UNIT})(?![\w/-])", re.I)
_ASKED_UNIT = re.compile(rf"\bin\s+(?P<unit>{_UNIT})\b", re.I)  # "in milliseconds"
_KIND_WORDS = {"time": re.compile(r"\b(?:time|times|duration|latency|took|slow\w*|fast\w*|long\w*|short\w*|elapsed)\b", re.I),
               "size": re.compile(r"\b(?:size|sizes|bytes|large\w*|small\w*|big\w*|payload|transferred|sent)\b", re.I)}
# A duration's or size's extreme in a log's words too: the longest, the slowest, the peak.
_MOST = any_word((*MOST_WORDS, "longest", "slowest", "peak", "worst"))
_LEAST = any_word((*LEAST_WORDS, "shortest", "fastest", "best"))
# "How many minutes did the release 4.2 rollout take?", "how long did the nightly backup run?"
_TOOK = re.compile(r"^\W*how\s+(?:long|many\s+(?P<unit>seconds|minutes|hours|days))\s+did\s+(?P<thing>.+?)\s+"
                   r"(?:take|last|run|go on)\b", re.I)
# "How long does the log cover?", "how many whole hours does the log span from its first line to its last?": the
# whole log, from its first time stamp to its last.
_LOG_SPAN = re.compile(r"^\W*how\s+(?:long|many\s+(?P<whole>whole\s+|full\s+|complete\s+)?(?P<unit>seconds|minutes|hours"
                       r"|days))\s+(?:does|did)\s+(?:the|this)\s+(?:log|file|text|data)\s+(?:cover|span|last|run|go on)\b", re.I)
# "How many seconds after the deployment of v9.1 started was the first ERROR logged?", "how long after the restart did
# the first timeout appear?": from an event's first line to the first line of a thing after it.
_AFTER_EVENT = re.compile(r"^\W*how\s+(?:long|many\s+(?P<unit>seconds|minutes|hours|days))\s+after\s+(?P<event>.+?)\s+"
                          r"(?:was|were|did|is|came)\s+(?:the\s+)?first\s+(?P<thing>[^?]+?)\s*\??\s*$", re.I)
# "the longest gap, in seconds, between two consecutive lines", "the average time between successive entries"
_GAP = re.compile(r"\b(?P<which>longest|largest|biggest|maximum|shortest|smallest|minimum|average|mean|median)\s+(?:gap|pause"
                  r"|interval|silence|break|time|delay)\b[^?]*?\bbetween\s+(?:two\s+|any\s+two\s+)?(?:consecutive|successive"
                  r"|adjacent|neighbouring|neighboring)\s+(?:log\s+)?(?:lines|entries|events|records|messages)\b", re.I)
_GAP_STATISTICS = {"longest": max, "largest": max, "biggest": max, "maximum": max, "shortest": min, "smallest": min,
                   "minimum": min, "average": statistics.fmean, "mean": statistics.fmean, "median": statistics.median}
_IN_UNIT = re.compile(r"\bin\s+(?P<unit>seconds|minutes|hours|days)\b", re.I)
# "Which endpoint has the highest average response time?": the field whose lines' measure is the extreme.
_WHICH_GROUP = re.compile(r"^\W*(?:which|what)\s+(?P<noun>(?:ip\s+)?[\w-]+)\s+(?:has|had|have|shows?|showed|sees?|saw|gets?|got"
                          r"|is|was|with)\b", re.I)
SHOWN_GROUPS = 8  # the groups shown to the root, the extreme first
_ASKS = re.compile(r"^\W*(?:what|how)\b", re.I)  # "what was the average ...", "how long ..."; "which ..." is a field's


def aggregate(question: str) -> str | None:
    """Which of the measures the question asks: "median", "average", "total", "largest" or "smallest"; None."""
    if not _ASKS.match(question) or HOW_MANY.search(question):
        return None
    if (name := asked_statistic(question)):
        # "What is the most common status code?" asks no duration or size: the largest duration was given (54 ms)
        return None if name == "mode" and not any(p.search(question) for p in _KIND_WORDS.values()) else name
    most, least = bool(_MOST.search(question)), bool(_LEAST.search(question))
    return ("largest" if most else "smallest") if most != least else None


def answer(everything: list[str], lines: list[str], question: str, spanned: str) -> Counted | None:
    """The measure the question asks of `lines` (those of `everything` in its span of time), by the rules above;
    None where `everything` is no time-stamped log, the question asks none, or the lines write none."""
    asked = aggregate(question)
    if asked is None or not stamped(everything):
        return None
    found = picked_lines(lines, _ASKED_UNIT.sub(" ", question))
    if found is None:
        return None
    mine, picked_by = found
    measured = _measured(mine, question)
    if measured is None:
        return None
    kind, unit, per_line = measured
    values = [v for v in per_line if v is not None]
    if asked == "mode" and len(statistics.multimode(values)) > 1:
        return None  # no one commonest value
    value = computed(asked, values)
    among = f"lines{' stamped ' + spanned if spanned else ''}: {len(lines):,}"
    picked = f"; of them holding {' and '.join(map(repr, picked_by))}: {len(mine):,}" if picked_by else ""
    said = _said(unit)
    facts = (f"Read by code over the {among}{picked}; the {kind} each writes, in {said}: {len(values):,} lines; "
             f"their {described(asked)}: {shown_number(round(value, 2))}")
    return Counted(facts, f"{plain_number(round(value, 2))} {said}")


def grouped(lines: list[str], question: str, spanned: str) -> Counted | None:
    """For "which <field> has the highest (lowest) average (total, median) <measure>?": the field's value in each
    line (log_lines.field_values: an endpoint's path, an address, a user=), each value's lines' measure, and the
    value whose statistic is the extreme; None for any other question, lines of a field or measure this share of
    them does not write, or a tie."""
    asked = _WHICH_GROUP.match(question.strip())
    statistic = asked_statistic(question)
    most, least = bool(_MOST.search(question)), bool(_LEAST.search(question))
    if asked is None or statistic in (None, "mode") or most == least or not stamped(lines):
        return None  # "which endpoint is the most common?": its lines counted (records.py), no measure
    keys = [(field_values(line, asked["noun"]) or [None])[0] for line in lines]
    measured = _measured(lines, question)
    if measured is None or sum(k is not None for k in keys) < MEASURED_SHARE * len(lines):
        return None
    kind, unit, per_line = measured
    by_key: dict[str, list[float]] = {}
    for key, value in zip(keys, per_line):
        if key is not None and value is not None:
            by_key.setdefault(key, []).append(value)
    stats = {k: computed(statistic, values) for k, values in by_key.items()}
    ranked = sorted(stats, key=stats.get, reverse=most)
    if len(ranked) < 2 or stats[ranked[0]] == stats[ranked[1]]:
        return None
    said = _said(unit)
    shown = "\n".join(f"  {k}: {shown_number(round(stats[k], 2))} {said} over {len(by_key[k]):,} lines"
                      for k in ranked[:SHOWN_GROUPS])
    among = f"lines{' stamped ' + spanned if spanned else ''}: {len(lines):,}"
    facts = (f"Read by code over the {among}; the {asked['noun']} and the {kind} each writes; the {statistic} {kind} "
             f"of each {asked['noun']}, {'highest' if most else 'lowest'} first:\n{shown}")
    return Counted(facts, ranked[0])


def _measured(lines: list[str], question: str) -> tuple[str, str, list[float | None]] | None:
    """The kind of measure the lines write that the question asks (time or size; the only one written where it
    names none), the unit it is read in (the question's, else the lines' commonest) and each line's measure in it
    (None where a line writes none, or several of the kind); None where fewer than MEASURED_SHARE of the lines
    write one."""
    per_line = [_measures(line) for line in lines]
    kinds = {kind for measures in per_line for _, kind, _, _ in measures}
    named = [k for k in kinds if _KIND_WORDS[k].search(question)]
    kind = named[0] if len(named) == 1 else next(iter(kinds)) if len(kinds) == 1 else None
    if kind is None:
        return None
    theirs = [[m for m in measures if m[1] == kind] for measures in per_line]
    written = [measures[0] for measures in theirs if len(measures) == 1]
    if not lines or len(written) < MEASURED_SHARE * len(lines):
        return None  # lines writing none, or several of the kind: which is the one asked is not read here
    named_unit = _ASKED_UNIT.search(question)
    unit = named_unit["unit"] if named_unit and UNITS[named_unit["unit"].lower()][0] == kind else \
        Counter(u for _, _, _, u in written).most_common(1)[0][0]  # as written: "KB", "ms"
    scale = UNITS[unit.lower()][1]
    return kind, unit, [measures[0][0] * measures[0][2] / scale if len(measures) == 1 else None for measures in theirs]


def _said(unit: str) -> str:
    return "bytes" if unit.lower() in ("b", "byte") else unit


def _measures(line: str) -> list[tuple[float, str, float, str]]:
    """The line's numbers written with a unit: each with its kind, its unit's size and its unit as written."""
    return [(float(m["n"]), *UNITS[m["unit"].lower()], m["unit"]) for m in _MEASURE.finditer(line)]


def asks_took(question: str) -> bool:
    """Whether the question asks how long something took ("how many minutes did ... take?"); not "how long did the
    slowest backup take?", which asks a measure of the lines (aggregate)."""
    return bool(_TOOK.match(question.strip()) or _LOG_SPAN.match(question.strip())) and aggregate(question) is None


def took(everything: list[str], question: str) -> Counted | None:
    """How long the thing the question names took: from the first to the last of the lines naming it (rules
    above), or the whole log, from its first stamp to its last ("how long does the log cover?"); None for any
    other question, or fewer than two such lines with a full time stamp."""
    asked = _TOOK.match(question.strip()) or _LOG_SPAN.match(question.strip())
    if asked is None or not stamped(everything):
        return None
    found = (everything, ["a time stamp"]) if asked.re is _LOG_SPAN else picked_lines(everything, asked["thing"])
    if found is None or not found[1] or len(found[0]) < 2:
        return None
    mine, picked_by = found
    times = full_stamps(mine)
    if len(times) < 2:
        return None  # year-less stamps (syslog's) are not read across days here
    (first, first_written, first_line), (last, last_written, last_line) = min(times), max(times)
    seconds = (last - first).total_seconds()
    whole = asked.re is _LOG_SPAN and bool(asked["whole"])  # "how many whole hours": the hours completed
    said = _duration(seconds, (asked["unit"] or "").lower(), whole)
    facts = (f"Read by code over every line ({len(everything):,}): lines holding {' and '.join(map(repr, picked_by))}: "
             f"{len(mine):,}; the first at {first_written}:\n  {first_line.strip()}\nthe last at {last_written}:\n"
             f"  {last_line.strip()}\nbetween them: {_clock(seconds)}")
    return Counted(facts, said)


def after_event(everything: list[str], question: str) -> Counted | None:
    """"How many seconds after the deployment of v9.1 started was the first ERROR logged?": from the first line the
    event's words pick (log_lines.picked_lines) to the first line after it that the thing's words pick, in the unit
    asked; None for another question, an event or thing no line names, or year-less stamps."""
    asked = _AFTER_EVENT.match(question.strip())
    if asked is None or not stamped(everything):
        return None
    events, things = picked_lines(everything, asked["event"]), picked_lines(everything, asked["thing"])
    if not events or not things or not events[1] or not things[1]:
        return None
    started = min(full_stamps(events[0]), default=None)
    if started is None:
        return None
    later = [t for t in full_stamps(things[0]) if t[0] >= started[0] and t[2] != started[2]]
    if not later:
        return None
    first = min(later)
    seconds = (first[0] - started[0]).total_seconds()
    facts = (f"Read by code over every line ({len(everything):,}): the first holding {' and '.join(map(repr, events[1]))}, "
             f"at {started[1]}:\n  {started[2].strip()}\nthe first after it holding {' and '.join(map(repr, things[1]))}, "
             f"at {first[1]}:\n  {first[2].strip()}\nbetween them: {_clock(seconds)}")
    return Counted(facts, _duration(seconds, (asked["unit"] or "").lower()))


def _duration(seconds: float, unit: str, whole: bool = False) -> str:
    """A duration in the unit asked ("2.5 hours"; whole units completed where `whole`: "2 hours"), else as
    hours, minutes and seconds (_clock)."""
    if not unit:
        return _clock(seconds)
    size = SECONDS[unit.removesuffix("s")]  # "hours": an hour's seconds
    return f"{plain_number(seconds // size if whole else round(seconds / size, 2))} {unit}"


def _clock(seconds: float) -> str:
    """A duration as hours, minutes and seconds: "2 h 40 min", "45 s"."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return " ".join(f"{n} {u}" for n, u in ((hours, "h"), (minutes, "min"), (secs, "s")) if n) or "0 s"


def asks_gap(question: str) -> bool:
    """Whether the question asks the time between consecutive lines ("the longest gap between two consecutive
    lines"), read by gap()."""
    return bool(_GAP.search(question))


def gap(everything: list[str], question: str) -> Counted | None:
    """The longest (shortest, average, median) time between two consecutive time-stamped lines, in the unit the
    question asks ("in seconds"), else as hours, minutes and seconds; None for another question, or a log of
    fewer than two full stamps (a syslog stamp has no year: not read across days here)."""
    asked = _GAP.search(question)
    if asked is None or not stamped(everything):
        return None
    times = full_stamps(everything)
    if len(times) < 2:
        return None
    times.sort(key=lambda t: t[0])  # consecutive in time: a log written out of order has no negative gaps
    gaps = [((b[0] - a[0]).total_seconds(), a, b) for a, b in zip(times, times[1:])]
    which = asked["which"].lower()
    seconds = _GAP_STATISTICS[which]([g for g, _, _ in gaps])
    said = _duration(seconds, m["unit"].lower() if (m := _IN_UNIT.search(question)) else "")
    facts = f"Read by code over the lines' time stamps ({len(times):,}), in time order: {len(gaps):,} gaps; the {which}: {_clock(seconds)}"
    if _GAP_STATISTICS[which] in (max, min):
        _, a, b = next(g for g in gaps if g[0] == seconds)
        facts += f", between\n  {a[2].strip()}\n  {b[2].strip()}"
    return Counted(facts, said)


# "Which endpoint has the highest error rate?", "which host has the lowest failure rate?", "the largest share of errors"
_RATE = re.compile(r"\b(?:error|failure|fail|success)\s+(?:rate|ratio|percentage|share)\b|\bshare\s+of\s+(?:errors|failures)\b",
                   re.I)


def error_rate(lines: list[str], question: str) -> Counted | None:
    """For "which <field> has the highest (lowest) error rate?": each value of the field (log_lines.field_values) with
    the share of its lines that failed (a failure word, or a 5xx status as a field of its own; "success rate": the
    others); the extreme one. Counting each value's failed lines instead answers another question: the busiest
    endpoint, not the worst (set V). None for another question, or a tie."""
    asked = _WHICH_GROUP.match(question.strip())
    most, least = bool(_MOST.search(question)), bool(_LEAST.search(question))
    if asked is None or not _RATE.search(question) or most == least or not stamped(lines):
        return None
    success = bool(re.search(r"\bsuccess\b", question, re.I))
    per: dict[str, list[bool]] = {}
    for line in lines:
        if keys := field_values(line, asked["noun"]):
            status = STATUS.search(line)
            per.setdefault(keys[0], []).append(bool(FAILED.search(line) or (status and status.group().startswith("5"))))
    if sum(map(len, per.values())) < MEASURED_SHARE * len(lines) or len(per) < 2:
        return None
    rates = {k: round(100 * (len(v) - sum(v) if success else sum(v)) / len(v), 2) for k, v in per.items()}
    ranked = sorted(rates, key=rates.get, reverse=most)
    if rates[ranked[0]] == rates[ranked[1]]:
        return None
    said = "succeeded" if success else "failed (a failure word or a 5xx status)"
    shown = "\n".join(f"  {k}: {shown_number(rates[k])}% of {len(per[k]):,} lines" for k in ranked[:SHOWN_GROUPS])
    return Counted(f"Read by code over the lines ({len(lines):,}): the {asked['noun']} of each, and the share that {said}, "
                   f"{'highest' if most else 'lowest'} first:\n{shown}", ranked[0])
