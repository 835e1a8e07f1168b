"""Runs of consecutive lines in a log, settled by code: "What was the longest run of consecutive failed health
checks?", "how many times in a row did the backup fail, at most?"; and the most lines in one second, minute, hour
or day ("What was the largest number of requests logged in a single minute?": `peak`; the 1.5B reader counted the
lines of a minute it was shown, set U); and how many on average ("On average, how many requests were logged per
hour?": `per_span`, over the hours from the first line's to the last's, both in).

Over 1,800 health-check lines, the 1.5B reader, shown a few failures, answered "11 minutes" for a run of 8
(bench/issue12/fresh_probe.py, set S). Code reads every line:

- the lines run through: those of the kind the marked lines are, the lines holding every word all the marked
  lines hold but the mark itself ("healthcheck", "target", "db" of "healthcheck FAILED target=db timeout"), so
  that "ok" lines of the same check break a run and lines of other kinds (a poller's) do not;
- the marked lines: where the question says failure ("failed", "errors", "timed out"), those that say one;
  else those holding the question's words that some lines hold and some do not (log_lines.picked_lines);
- the answer: the longest run's length, with its first and last line.

Anything else is left to the reader. Nothing here knows a task.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

from .counted import Counted
from .log_lines import FAILED, SECONDS, full_stamps, picked_lines, slots_out, stamp, stamped
from .querywords import AVERAGE, DISTINCT, HOW_MANY
from .table_cells import WORD
from .tables import plain_number, shown_number

# "the longest run of consecutive failures", "the most successive errors", "how many times in a row ... at most"
_RUN = re.compile(r"\b(?:consecutive|successive|back-to-back|in a row|streak)\b", re.I)
_LONGEST = re.compile(r"\b(?:longest|most|max\w*|largest|biggest|greatest|at most)\b", re.I)
_RUN_WORDS = re.compile(r"\b(?:longest|most|maximum|largest|biggest|greatest|at most|run|runs|streak|streaks|series"
                        r"|sequence|stretch|consecutive|successive|back-to-back|in a row|times|number)\b", re.I)


def asks_run(question: str) -> bool:
    """Whether the question asks the longest run of consecutive lines of a kind (read by longest_run)."""
    return bool(_RUN.search(question) and _LONGEST.search(question))


def longest_run(lines: list[str], question: str) -> Counted | None:
    """The longest run of consecutive marked lines among the lines of their kind (rules above); None for another
    question, a text that is no time-stamped log, or lines the question marks none of (or all of)."""
    if not asks_run(question) or not stamped(lines):
        return None
    asked = _RUN_WORDS.sub(" ", question)
    if FAILED.search(asked):
        marked, said = [line for line in lines if FAILED.search(line)], "saying failure"
    else:
        found = picked_lines(lines, asked)
        if found is None or not found[1]:
            return None
        marked, said = found[0], f"holding {' and '.join(map(repr, found[1]))}"
    if not marked or len(marked) == len(lines):
        return None
    kind = set.intersection(*(_words(line) for line in marked)) - _words(" ".join(FAILED.findall(" ".join(marked))))
    through = [line for line in lines if kind <= _words(line)]
    marks = set(marked)
    length, first, run = 0, 0, 0
    for i, line in enumerate(through):
        run = run + 1 if line in marks else 0
        if run > length:  # the first of the longest runs
            length, first = run, i - run + 1
    if not length:
        return None
    of_kind = f"lines holding {', '.join(map(repr, sorted(kind)))}" if kind else "lines"
    facts = (f"Read by code over the {of_kind} ({len(through):,} of {len(lines):,}), in order; of them {said}: "
             f"{sum(line in marks for line in through):,}; the longest run of consecutive ones: {length:,} lines, "
             f"from\n  {through[first].strip()}\nto\n  {through[first + length - 1].strip()}")
    return Counted(facts, str(length))


def _words(line: str) -> set[str]:
    """The words of a line's wording (log_lines.slots_out): no digits, no slot values, in lower case."""
    return {w.lower() for w in WORD.findall(slots_out(line)) if not any(c.isdigit() for c in w)}


# "the largest number of requests logged in a single minute", "the most errors in any one hour", "how many requests
# were made in the busiest minute?": lines counted per span of their time stamps, the most.
_PEAK = re.compile(r"\b(?:largest|highest|greatest|biggest|most|maximum|peak)\s+(?:number\s+of\s+)?(?P<thing>[^?]*?)\s+"
                   r"(?:in|within|during)\s+(?:a|any|one)(?:\s+(?:single|one))?\s+(?P<unit>second|minute|hour|day)\b"
                   r"|^\W*how\s+many\s+(?P<thing2>[^?]*?)\s+in\s+the\s+busiest\s+(?P<unit2>second|minute|hour|day)\b", re.I)
_UNIT_PARTS = {"day": 3, "hour": 4, "minute": 5, "second": 6}  # the parts of a stamp's key (y, mo, d, h, mi, s) kept


def peak(lines: list[str], question: str) -> Counted | None:
    """The most lines (of those the thing's words pick, where they pick some) stamped within one second, minute, hour
    or day, and which; None for another question, or lines without time stamps."""
    asked = _PEAK.search(question)
    if asked is None or not stamped(lines):
        return None
    thing, unit = asked["thing"] or asked["thing2"], (asked["unit"] or asked["unit2"]).lower()
    picked = picked_lines(lines, thing)
    mine, picked_by = picked if picked and picked[1] else (lines, [])
    stamps = [found for line in mine if (found := stamp(line))]
    spans = Counter(key[:_UNIT_PARTS[unit]] for key, _ in stamps)
    if not spans:
        return None
    (busiest, count), = spans.most_common(1)
    written = next(written for key, written in stamps if key[:_UNIT_PARTS[unit]] == busiest)
    of = f"lines holding {' and '.join(map(repr, picked_by))}" if picked_by else "lines"
    return Counted(f"Read by code over the {of} ({len(mine):,}), by the {unit} of their time stamps: the busiest "
                   f"{unit}, the one of {written}, holds {count:,} of them", str(count))


# "On average, how many requests were logged per hour?", "how many errors a day on average?"
_PER_SPAN = re.compile(r"\b(?:per|each|every|an?)\s+(?P<unit>second|minute|hour|day)\b", re.I)


def per_span(lines: list[str], question: str) -> Counted | None:
    """How many lines (of those the question's words pick) a second, minute, hour or day on average: their number
    over the spans from the first line's to the last's, both in (a span without lines counts, as none). None for
    another question, or lines without full time stamps."""
    asked = _PER_SPAN.search(question)
    if asked is None or not AVERAGE.search(question) or not HOW_MANY.search(question) or not stamped(lines):
        return None
    if DISTINCT.search(question):
        return None  # "how many different users a day": values, not lines (62.5 lines a day for 31.5 users, set Y)
    unit = asked["unit"].lower()
    picked = picked_lines(lines, _PER_SPAN.sub(" ", question))
    mine, picked_by = picked if picked and picked[1] else (lines, [])
    times = [time for time, _, _ in full_stamps(mine)]
    if not times:
        return None
    first, last = (_start_of(time, unit) for time in (min(times), max(times)))
    spans = int((last - first).total_seconds() // SECONDS[unit]) + 1
    value = round(len(times) / spans, 2)
    of = f"lines holding {' and '.join(map(repr, picked_by))}" if picked_by else "lines"
    return Counted(f"Read by code over the {of} ({len(times):,}), over the {spans:,} {unit}s from the first one's to the "
                   f"last one's (both in): {shown_number(value)} {'an' if unit == 'hour' else 'a'} {unit}", plain_number(value))


def _start_of(time: datetime.datetime, unit: str) -> datetime.datetime:
    """The start of the second (minute, hour, day) a time is in."""
    kept = _UNIT_PARTS[unit]  # of year, month, day, hour, minute, second
    return time.replace(**{part: 0 for part in ("hour", "minute", "second")[max(kept - 3, 0):]}, microsecond=0)
