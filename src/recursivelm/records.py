"""Questions over records settled by code: a log's lines (when a name's lines were first or last written; which
value of a field the lines hold most or least often, how many different ones, which appear), a list's documents
(how many a name wrote), measurements in prose (measures.py). `count_table()` in the REPL answers them where the
context is no table, and the small profile's first reading is theirs where it is one.

"When did mkovacs last log in?" over 3,000 login lines: the 1.5B reader, shown a few of mkovacs's lines, gave
one of them (May for December). "Which IP address made the most requests?" over an access log: no line holds a
word of the question but "ip", and the reading said nothing was found (bench/issue12/fresh_probe.py, set D).
Code reads every line:

- "when did <name> last / first ...?", "what is the latest / earliest ...": the lines holding the question's
  rarest word held by a few lines (the name); where those are records of several wordings, the one wording the
  question's words pick (wordings.picked), else no answer; of them, the latest or earliest time stamp
  (ISO "2025-03-12 10:04", an access log's "12/Mar/2025:10:04:17", syslog's "Mar 12 10:04:17"), as written;
- "which <field> ... the most / fewest ...?", "how many different <field>s ...?", "which <field>s appear ...?":
  the field's value in each line (an IP address, an e-mail address, a key=value field whose key the question
  names, or an id the noun names: user17 for users), among the lines holding a date the question names and
  its other words where some lines do and some do not; the commonest or rarest value, the number of different
  ones, or the different ones (twenty at most). A tie answers nothing.
- "how many <records> ...?" and "what percentage of ...?": the lines holding the IP addresses and numbers the
  question names as fields of their own (a status: "returned 404", "failed with status 500", where most lines
  holding it hold it, not a response of 404 bytes; not a piece of an address, a time or a path) and its words
  that some lines hold ("errors" also as ERROR), counted, or their share of all lines; only where what is picked
  is of one wording over the whole log (a path's words and key=value values left out: user=jdoe and
  user=mkovacs are one wording) or the question's words pick one (wordings.picked): alice's lines of several
  kinds are line_kinds's. Where nothing the question names picks lines, every line of a time-stamped log of one
  wording sharing a stem with a word of the question ("how many logins ...?" over login lines). A question of
  failure ("fail", "unsuccessful", "errors") counts only lines that all say one; a count of what the question
  writes as a name ("How many ERROR lines ...") is tally's, as in any text;
- a span of time the question names ("between 10:00 and 12:00": from the first, up to the second, on any day;
  "between 2025-03-01 and 2025-03-04", both days in; "in March", "during 2025") narrows the lines to those
  stamped in it, for every kind of question here over lines;
- a span of the log's own events ("while the nightly backup was running", "during the migration"): the lines from
  the first naming the thing to the last (log_lines.during), for every kind of question here over lines; a count
  of what the question names as a name ("How many ERROR lines ...") is read here within it, since tally() counts
  over the whole text (343 for 150, set L);
- "what was the average / total / median / 95th percentile / largest duration or size ...?": log_measures.py, over
  the lines the question picks; "which <field> has the highest average ...?": the same per value of the field;
- "what was the longest run of consecutive failed health checks?", "the largest number of requests in a single
  minute": log_runs.py; "which user logged in from the most different IP addresses?": each user's different
  addresses (a user read from "password for ana from" where no user= is written); "how many seconds after the
  deployment started was the first ERROR logged?": log_measures.after_event;
- "how many <documents> did <name> ...?" over a list of documents (memos, tickets): those holding the name,
  narrowed by the question's other words that some of them hold; the reader counted the memos it was shown;
- measurements in prose: measures.py, also counted by a comparison ("how many camps were pitched above 3000
  metres?").

Anything else, or another condition (a period, a comparison), is left to the reader. Nothing here knows a task.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from . import comparisons, log_measures, log_runs, measures
from .blocks import PARTS, listed_under, parts_counted
from .counted import Counted, read_whole
from .documents import documents
from .log_lines import (EVENT, FAILED, STAMP_SAMPLE, STAMPED_SHARE, during, event, field_values, in_time, latest_day, picked_lines,
                        slots_out, stamp, stamped)
from .mentions import absent, named, two_words
from .querywords import DISTINCT, HOW_MANY, LEAST, MOST, STEM_CHARS, named_words, query_terms
from .periods import days_asked
from .tables import PERCENT, has_condition, plain_number, shown_number, table_of
from .table_answers import answer as table_answer
from .wordcounts import asks_count
from .wordings import Kind, by_wording, holding, name_lines, of_the_wording_picked, picked, whole_word

MIN_LINES = 20  # fewer lines are a note, not a log: their passages are read
FIELD_SHARE = 0.5  # a field is the lines' where at least this share of them holds it
SHOWN_VALUES = 8  # values of a field shown to the root, the extreme first
MAX_LISTED = 20  # "which error codes appear?": a field with more values than this is not listed

_WHEN = re.compile(r"^\W*(?:when\b|at what time\b|what time\b|on what (?:date|day)\b|what (?:date|day)\b"
                   r"|which (?:date|day)\b|what (?:is|was) the (?:latest|earliest|last|first|most recent)\b)", re.I)
_LAST = re.compile(r"\b(?:last|latest|most recent(?:ly)?|final)\b", re.I)
_FIRST = re.compile(r"\b(?:first|earliest)\b", re.I)
_TIME_WORDS = {"last", "latest", "recent", "recently", "first", "earliest", "final", "time", "date", "day"}
# "Which IP address ...", "what user ...": the field asked about ("what was ..." asks of none).
_WHICH_FIELD = re.compile(r"^\W*(?:(?:in|during|on|at)\s+)?(?:which|what)\s+(?!(?:is|was|are|were|do|does|did|has|had|have)\b)"
                          r"(?P<noun>(?:ip|e-?mail)\s+address(?:es)?|[\w-]+(?:\s+[\w-]+)?)", re.I)
# "During which hour of the day ...", "which month ...": a part of the time stamps asked as the field, no condition.
_STAMP_FIELD = re.compile(r"^\W*(?:(?:in|during|on|at)\s+)?(?:which|what)\s+(?:hour|day|date|month|year|weekday)"
                          r"(?:\s+of\s+the\s+(?:day|week|month|year))?\b", re.I)
_LISTED = re.compile(r"\b(?:appears?|occurs?|exist|are there|are (?:used|listed|mentioned|seen|logged))\b", re.I)
_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
# "between 10:00 and 12:00", "from 9:30 to 11:00": a span of the lines' clock times, from the first up to (not
# including) the second, on any day.
_CLOCK_SPAN = re.compile(r"\b(?:between|from)\s+(?P<start>\d{1,2}):(?P<start_mi>\d{2})\s+(?:and|to|until)\s+"
                         r"(?P<end>\d{1,2}):(?P<end_mi>\d{2})\b", re.I)


def settled(context: Any, question: str) -> Counted | None:
    """What code reads for the question over a table (table_answers.answer) or else its records (answer), that the
    text never writes a name the question asks whether it mentions (mentions.absent), the names of a kind it
    mentions (mentions.named), how many lines hold two words (mentions.two_words), which of two things it names
    came first or measures more (comparisons.answer), how many chapters (sections ...) it has
    (blocks.parts_counted), or the items of a list under a heading it names (blocks.listed_under); None where what
    code read leaves out a word that turns the question's meaning (counted.read_whole)."""
    return read_whole(question, table_answer(context, question) or two_words(context, question)
                      or answer(context, question) or absent(context, question) or named(context, question)
                      or comparisons.answer(context, question)
                      or (parts_counted(question, _lines_of(context)) if PARTS.match(question) else None)
                      or (listed_under(question, _lines_of(context)) if isinstance(context, str) else None))


def answer(context: Any, question: str) -> Counted | None:
    """The latest / earliest time of a name's lines, a field's commonest / rarest value, number of different
    values or values, the documents of a list a name wrote, or a name's measurements' extreme, total or mean
    (rules above); None for any other question, for a table, or for a directory (its code is count_code's)."""
    if not isinstance(context, (str, list)) or (isinstance(context, str) and (table := table_of(context)) is not None
                                                  and not table.line):
        return None  # a table's questions are table_answers.answer's; a text holding a markdown table, and a list of
        # documents with header lines (how many memos a name wrote), are still read here
    # A span of time ("between 10:00 and 12:00", "between 2025-03-01 and 2025-03-04") is read over the lines' time
    # stamps; "What day did ... last ...": the asking words are no period. Any other condition is left to the reader.
    clock, days = _CLOCK_SPAN.search(question), days_asked(question)
    events = event(question)  # "while the nightly backup was running": the lines between its first and last
    timed = clock or days or events
    unevented = EVENT.sub(" ", question) if events else question  # the event's words pick no line of the span
    asked = _CLOCK_SPAN.sub(" ", unevented)
    asked = days.cut(asked) if days else asked
    whole = _lines_of(context)  # split once: each reading below reads these lines (each split the text again)
    if not timed and log_measures.asks_gap(question) and (found := log_measures.gap(whole, question)):
        return found  # "What was the longest gap between two consecutive lines?": its "between" is no span
    if not timed and (found := log_measures.after_event(whole, question)):
        return found  # "How many seconds after the deployment started was the first ERROR logged?": no span
    if not timed and (found := log_runs.per_span(whole, question)):
        return found  # "On average, how many requests were logged per hour?"
    if not timed and (found := log_runs.peak(whole, question)):
        return found  # "What was the largest number of requests logged in a single minute?"
    if not timed and (found := log_runs.longest_run(whole, question)):
        return found  # "What was the longest run of consecutive failed health checks?"
    if not timed and (found := measures.count_compared(context, question)):
        return found  # "How many camps were pitched above 3000 metres?": a condition on measurements in prose
    if has_condition(_WHEN.sub(" ", _STAMP_FIELD.sub(" ", asked))):  # "during which hour of the day": the field asked
        return None
    if isinstance(context, list) and not timed and (found := _documents_count(context, question)):
        return found
    when = _WHEN.search(question) and bool(_LAST.search(question)) != bool(_FIRST.search(question))
    # "How many times did mkovacs log in?", "How many requests returned 404 between 10:00 and 12:00?", "what
    # percentage of requests failed with 500?": lines counted. A count of what the question names as a name
    # ("How many ERROR lines ...") is tally's, as in any text.
    # tally() counts over the whole text: a count within a span of the log's events ("How many ERROR lines were
    # logged while the backup was running?") is read here, whatever it names.
    counting = (HOW_MANY.search(question) and not DISTINCT.search(question)
                and (not asks_count(question) or not named_words(asked) or events)) or PERCENT.search(question)
    if not timed and log_measures.asks_took(question) and (found := log_measures.took(whole, question)):
        return found  # "How many minutes did the release 4.2 rollout take?"
    measuring = log_measures.aggregate(question)  # "what was the average response time of /api/login requests?"
    if when or DISTINCT.search(question) or _WHICH_FIELD.search(question) or counting or measuring:  # else no lines cut
        lines = whole
        if len(lines) >= MIN_LINES:
            everything = lines
            if days and days.recent:  # "in the last 7 days of the log": back from its latest stamp's day
                days = days.anchored(latest_day(lines))
            if clock or days:
                lines = in_time(lines, clock, days)
                if lines is None:
                    return None  # lines without time stamps: the span is not read here
            spans = ([f"from {clock['start']}:{clock['start_mi']} up to {clock['end']}:{clock['end_mi']}"] if clock else []) \
                + ([days.said()] if days else [])
            if events:
                found = during(lines, events)
                if found is None:
                    return None  # the event is named in fewer than two lines: its span is not read here
                lines, said = found
                spans.append(said)
            # What the question names as a name ("ERROR lines") is counted wherever a line holds it, as tally()
            # counts it; within an event's span only, where it names one.
            as_named = bool(events and asks_count(question) and named_words(asked))
            spanned = " and ".join(spans)
            if counting and (found := _counted(everything, lines, asked, spanned, as_named)):
                return found
            if measuring and (found := log_measures.answer(everything, lines, asked, spanned)):
                return found
            if when:
                return _when(lines, unevented)
            # The lines are those of the span already: its words ("between 10:00 and 11:00") pick none of them.
            if found := log_measures.error_rate(lines, asked):
                return found  # "which endpoint has the highest error rate?"
            if found := log_measures.grouped(lines, asked, spanned):
                return found  # "which endpoint has the highest average response time?"
            if found := _field_values(lines, asked):
                return found
    return None if timed else measures.answer(context, question)


def _counted(everything: list[str], lines: list[str], question: str, spanned: str, as_named: bool = False) -> Counted | None:
    """How many of the lines (those of `everything` in the question's span of time) hold the numbers the question
    names as fields of their own and its words that some of them hold, or what share of them; None where
    nothing the question names picks lines (what it counts is then said in other words than the lines'), or
    where the lines picked are of several wordings the question's words do not pick one of (line_kinds's), or
    a share is asked with two things picked (of which is the whole, is not read), or the text is no time-stamped
    log (tally's and line_kinds's): told first, before any line is searched."""
    if not stamped(everything):
        return None
    found = picked_lines(everything, question)
    if found is None:
        return None  # a number no line holds: a condition (an amount, a year) not read here
    mine, picked_by = found
    if PERCENT.search(question) and len(picked_by) != 1:
        return None  # a share of what, where two things pick
    if _COUNTS_PERIODS.search(question) or _denied(question, picked_by):
        # "On how many days of the log was no ERROR logged?": days, and those without it; counted as the lines
        # holding 'error', 13 for 19 (set Z).
        return None
    if not picked_by:
        # Nothing named picks lines: every line (of the span) is counted only where the log is of one wording its
        # words share a stem with the question's ("how many logins were there in March?" over login lines).
        groups = by_wording([slots_out(line) for line in everything], "")
        stems = {t[:STEM_CHARS] for t in query_terms(question) if len(t) >= 3}
        if not groups or len(groups) > 1 or not any(w[:STEM_CHARS] in stems for w in groups[0][0]):
            return None
        picked_by, mine = ["every line"], everything
    if (FAILED.search(question) and not any(p[0].isdigit() for p in picked_by)
            and not all(FAILED.search(line) for line in mine[:STAMP_SAMPLE])):
        # "how many times did mkovacs fail to log in?" over lines that say "login ok", or over some that say
        # "result=failure" and some "result=success": the kind is a reader's to pick. A status says it itself.
        return None
    # Over the whole log, the lines picked of several wordings (their paths left out: /docs and /home are one
    # slot's values) that the question's words do not pick one of: "how many unsuccessful logins for alice" is not
    # every line of alice's.
    if not as_named:
        kind = of_the_wording_picked([slots_out(line) for line in mine], question, picked_by[0])
        if kind is None:
            return None
        kind = set(kind)  # "tickets the Lisbon desk escalated": that kind's lines only
        mine = [line for line in mine if slots_out(line) in kind]
    kept = set(lines)
    mine = [line for line in mine if line in kept]
    among = f"lines{' stamped ' + spanned if spanned else ''}: {len(lines):,}; of them holding {' and '.join(map(repr, picked_by))}"
    if picked_by == ["every line"]:
        among = f"lines{' stamped ' + spanned if spanned else ''}, all of one wording"
    if PERCENT.search(question):
        share = round(100 * len(mine) / len(lines), 2) if lines else 0.0
        return Counted(f"Read by code over the {among}: {len(mine):,}, {shown_number(share)}%", f"{plain_number(share)}%")
    return Counted(f"Read by code over the {among}: {len(mine):,}", str(len(mine)))


_COUNTS_PERIODS = re.compile(r"\bhow many\s+(?:different\s+|separate\s+)?(?:days|hours|weeks|months|minutes|years)\b", re.I)


def _denied(question: str, picked_by: list[str]) -> bool:
    """Whether the question asks for what does not hold a word that picks lines ("no ERROR", "without a timeout")."""
    return any(re.search(rf"\b(?:no|not|without|never)\s+(?:\w+\s+)?{re.escape(word)}\b", question, re.I)
               for word in picked_by if not word[:1].isdigit())


def _lines_of(context: Any) -> list[str]:
    return [line for _, doc in documents(context) for line in doc.splitlines() if line.strip()]


def _documents_count(items: list[str], question: str) -> Counted | None:
    """For "how many <documents> did <name> ...?" over a list of documents: those holding every word of the name,
    narrowed by the question's other words that some of them hold and some do not ("about the budget")."""
    if not HOW_MANY.search(question) or DISTINCT.search(question) or asks_count(question):
        return None  # a count of sentences, lines or mentions is tally's
    terms = query_terms(question)
    names = [t for t in terms if t in named_words(question)]
    if not names:
        return None
    theirs = [item for item in items if all(whole_word(name).search(item) for name in names)]
    if not theirs or len(theirs) == len(items):
        return None  # the name is in no document, or in every one (a field of each, not a thing)
    theirs = _narrowed(theirs, terms)
    facts = (f"Read by code over every document of the list ({len(items):,}): documents holding "
             f"{' and '.join(map(repr, names))} and the question's other words that some of them hold: "
             f"{len(theirs):,}")
    return Counted(facts, str(len(theirs)))


def _narrowed(texts: list[str], terms: list[str]) -> list[str]:
    """`texts` narrowed by each of `terms` that some of them hold and some do not, in turn."""
    for term in terms:
        held = holding(texts, term)
        if 0 < len(held) < len(texts):
            texts = held
    return texts


def _when(lines: list[str], question: str) -> Counted | None:
    named = name_lines(lines, question, [t for t in query_terms(question) if t not in _TIME_WORDS], 1)
    if named is None:
        return None
    name, mine = named
    groups = by_wording(mine, name) if len(mine) > 1 else None
    # Records of several kinds: the one the question's words pick, or none; but "the first ERROR" asks of every
    # line the name is written in, whatever it says.
    if groups and len(groups) > 1 and not re.search(rf"\b(?:first|last|earliest|latest|most recent)\s+{re.escape(name)}\b",
                                                     question, re.I):
        kinds = [Kind(words, len(group), group[0]) for words, group in groups]
        chosen = picked(kinds, question, name)
        if not chosen:
            return None
        mine = groups[chosen[0] - 1][1]
    times = [(s, line) for line in mine if (s := stamp(line))]
    if len(times) < STAMPED_SHARE * len(mine):
        return None
    latest = bool(_LAST.search(question))
    (key, written), line = (max if latest else min)(times, key=lambda sl: sl[0][0])
    facts = (f"Read by code over every line ({len(lines):,}): lines holding {name!r}: {len(mine):,}; "
             f"the {'latest' if latest else 'earliest'} time among them: {written}, in the line:\n  {line.strip()}")
    return Counted(facts, written)


def _field_values(lines: list[str], question: str) -> Counted | None:
    distinct = DISTINCT.search(question) if HOW_MANY.search(question) else None
    which = _WHICH_FIELD.search(question)
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if which and most != least and not distinct and (per := DISTINCT.search(question)):
        return _most_distinct(lines, which["noun"], per["noun"], most)  # never the lines counted per value
    listed = which and most == least and _LISTED.search(question)  # "which error codes appear in this log?"
    if distinct:
        noun = distinct["noun"]  # "different customers placed": the first word, but "IP addresses" whole
        noun = noun if re.match(r"(?:ip|e-?mail)\s", noun, re.I) else noun.split()[0]
    elif which and (most != least or listed):
        noun = which["noun"]
    else:
        return None
    # A date the question names ("on 2025-03-04") narrows the lines to those holding it, whole.
    for date in _DATE.findall(question):
        lines = [line for line in lines if date in line]
    # The question's words that some lines hold and some do not narrow the lines ("failed" logins; "error" codes).
    terms = [t for t in query_terms(_DATE.sub(" ", question)) if t not in {"most", "fewest", "least", "different",
                                                                          "distinct", "unique"}]
    lines = _narrowed(lines, terms)
    values = [v for line in lines for v in field_values(line, noun)[:1]]
    if len(lines) < MIN_LINES or len(values) < FIELD_SHARE * len(lines):
        return None
    counts = Counter(values)
    head = f"Read by code over the lines ({len(lines):,}): {noun} in {len(values):,} of them"
    if distinct:
        return Counted(f"{head}; different values: {len(counts):,}", str(len(counts)))
    if listed:
        if len(counts) > MAX_LISTED:
            return None  # too many to name: the question wants something else of them
        shown = "\n".join(f"  {v}: {counts[v]:,} lines" for v in counts)
        return Counted(f"{head}; the different values, as first met:\n{shown}", ", ".join(counts))
    ranked = sorted(counts, key=lambda v: counts[v], reverse=most)
    if len(ranked) > 1 and counts[ranked[0]] == counts[ranked[1]]:
        return None  # a tie: no one value answers
    shown = "\n".join(f"  {v}: {counts[v]:,} lines" for v in ranked[:SHOWN_VALUES])
    return Counted(f"{head}, {'most' if most else 'fewest'} first:\n{shown}", ranked[0])


def _most_distinct(lines: list[str], noun: str, per: str, most: bool) -> Counted | None:
    """"Which user logged in from the most different IP addresses?": each value of the field `noun` names (a user)
    with how many different values of the field `per` names (an address) its lines hold; the extreme one. Counting
    each user's lines instead answers another question. None where either field is in too few lines, or on a tie."""
    pairs = [(keys[0], values[0]) for line in lines
             if (keys := field_values(line, noun)) and (values := field_values(line, per))]
    if len(pairs) < max(MIN_LINES, FIELD_SHARE * len(lines)):
        return None
    held: dict[str, set[str]] = {}
    for key, value in pairs:
        held.setdefault(key, set()).add(value)
    ranked = sorted(held, key=lambda k: len(held[k]), reverse=most)
    if len(ranked) < 2 or len(held[ranked[0]]) == len(held[ranked[1]]):
        return None
    shown = "\n".join(f"  {k}: {len(held[k]):,} different" for k in ranked[:SHOWN_VALUES])
    return Counted(f"Read by code over the lines ({len(lines):,}): {noun} and {per} in {len(pairs):,} of them; "
                   f"different {per} per {noun}, {'most' if most else 'fewest'} first:\n{shown}", ranked[0])
