"""Which row of a table is the oldest, the youngest, the latest or the earliest: "who is the oldest employee?",
"which note was written most recently?", "what is the newest product?"; and a statistic of the n rows of a number
column's extreme ("What is the total amount of the five largest orders?": `top_rows`; before, the total of every
order was given, set U); and the row whose number columns sum (average) the most ("Which region had the largest
total over all four quarters?": `across_columns`; before, the regions were counted, one row each, set U).

Shown a few rows, the 1.5B reader named the oldest of those it was shown (born 1994, of twenty people born 1950
to 2003), and the path of a note with a date it was never shown (bench/issue12/fresh_probe.py, set O). Code reads
every row of those the question's conditions pick (table_rows.py):

- an age: of a column of birth (`birth_year`, `born`, `date_of_birth`, `dob`), the oldest is the earliest, of a
  column of `age`, the largest;
- a time ("most recent", "latest", "newest", "last", "earliest", "first"): of the table's date column (ISO dates);
- the answer: the row's value of the column the question's noun names ("which customer placed the first
  order?": the customer), else the row's name (tables.row_names); rows tied at the extreme are all named.

The noun the superlative ranks ("employee", "note") and the verb it is said with ("written") name what every row
is: they are no condition. Any other word no column, value or the table's name explains is (table_rows.py's
unread_words), and leaves the question to the reader.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .counted import Counted
from .querywords import LEAST, MOST, asked_statistic, computed, described
from .table_groups import SHOWN_GROUPS, top
from .table_rows import Asked, unread_words
from .tables import Table, named_columns, number, plain_number, row_names, shown_number

_BIRTH_WORDS = {"birth", "born", "dob", "birthday", "birthdate", "birthyear"}
_AGE_WORDS = {"age"}
_OLDEST = {"oldest", "eldest"}
_LATEST = {"most recent", "most recently", "latest", "newest", "last"}
_RANK = r"oldest|eldest|youngest|most recent(?:ly)?|latest|newest|last|earliest|first"
# "who is the oldest employee?", "which is the most recent note?", "what is the newest product?"
_THE_RANKED = re.compile(rf"^\W*(?:who|which|what)\s+(?:\w+\s+)?(?:is|was|are|were)\s+the\s+(?P<rank>{_RANK})"
                         rf"\s+(?P<noun>[a-z]+)\b", re.I)
# "which note was written most recently?", "which order was placed first?", "which customer placed the first order?"
_RANKED_BY_VERB = re.compile(rf"^\W*(?:who|(?:which|what)\s+(?P<noun>[a-z]+))\s+(?:(?:was|were|is|has been|had been)\s+)?"
                             rf"(?P<verb>[a-z]+)\s+(?:the\s+)?(?P<rank>{_RANK})(?:\s+(?P<thing>[a-z]+))?", re.I)
_WHICH = re.compile(r"^\W*(?:which|what)\s+(?P<noun>[a-z]+)\b", re.I)  # the column the answer is of, if it names one


def ranked_row(asked: Asked, question: str) -> Counted | None:
    """The row (rows, where tied) at the extreme of age or time the question asks, named (rules above); None for a
    question of no such shape, a table of no column it ranks by, or a word left unread."""
    found = _THE_RANKED.match(question) or _RANKED_BY_VERB.match(question)
    if found is None:
        return None
    table, rank = asked.table, found["rank"].lower()
    by, largest_first = _ranked_by(table, rank)
    if by is None:
        return None
    # What the rank is said with names what every row is ("the oldest employee", "written most recently").
    said_with = [w for w in (found.groupdict().get(g) for g in ("noun", "verb", "thing")) if w] + rank.split()
    rest = re.sub(r"\b(?:" + "|".join(map(re.escape, said_with)) + r")\b", " ", asked.rest, flags=re.I)
    if not asked.conditions and unread_words(replace(asked, rest=rest)):
        return None
    keys = [(key, row) for row in asked.rows if (key := _key(row[by])) is not None]
    if not keys:
        return None
    extreme = (max if largest_first else min)(key for key, _ in keys)
    rows = [row for key, row in keys if key == extreme]
    which = _WHICH.match(question)
    named = [i for i in named_columns(table, which["noun"]) if i != by] if which else []
    column = named[0] if len(named) == 1 else row_names(table)
    if column is None:
        return None
    said = "latest" if rank in _LATEST else "earliest" if rank == "first" else rank
    how = f"{said} by {table.columns[by]}" + (" (the oldest was born first)" if by in _birth(table) else "")
    rows_said = f"rows with {asked.where}" if asked.where else "rows"
    shown = "\n".join(f"  {table.shown(row)}" for row in rows)
    tie = f"; {len(rows)} rows tied" if len(rows) > 1 else ""
    return Counted(f"{asked.shape}:\n{rows_said}: {len(asked.rows):,}; the {how}{tie}:\n{shown}",
                   ", ".join(dict.fromkeys(row[column] for row in rows)))


def _ranked_by(table: Table, rank: str) -> tuple[int | None, bool]:
    """The column the rank orders rows by, and whether its largest value comes first."""
    if rank in _OLDEST or rank == "youngest":
        birth, age = _birth(table), [i for i in table.numbers if table.column_words(i) & _AGE_WORDS]
        if birth:
            return birth[0], rank == "youngest"  # born later is younger
        return (age[0], rank in _OLDEST) if age else (None, False)
    return table.dates, rank in _LATEST


def _birth(table: Table) -> list[int]:
    """The columns of a birth's year or date."""
    return [i for i in range(len(table.columns))
            if table.column_words(i) & _BIRTH_WORDS and (i in table.numbers or i == table.dates)]


def _key(cell: str) -> tuple | None:
    """A cell as it sorts: an ISO date as written, a number as a number."""
    if re.match(r"\d{4}-\d{2}-\d{2}", cell):
        return (cell[:10],)
    value = number(cell)
    return (value,) if value is not None else None


def top_rows(asked: Asked, question: str) -> Counted | None:
    """"What is the total amount of the five largest orders?", "the average price of the 3 cheapest products": the
    total (average, median) of the number column over the n rows at its extreme, among the rows asked about; None
    where the question names no n, no extreme, no statistic or no one number column."""
    most, least = bool(MOST.search(question)), bool(LEAST.search(question) or re.search(r"\bcheapest\b", question, re.I))
    n, kind = top(question), asked_statistic(question)
    if n < 2 or most == least or kind is None or asked.measure is None:
        return None
    cells = sorted((c for row in asked.rows if (c := number(row[asked.measure])) is not None), reverse=most)
    if len(cells) < n:
        return None
    value = computed(kind, cells[:n])
    column = asked.table.columns[asked.measure]
    rows = f"rows with {asked.where}" if asked.where else "rows"
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; the {n} {'largest' if most else 'smallest'} {column}: "
                   f"{', '.join(shown_number(c) for c in cells[:n])}; their {described(kind)}: {shown_number(value)}",
                   plain_number(round(value, 2)))


# "over all four quarters", "across the months", "combined": the table's number columns together (Q1 ... Q4).
ACROSS = re.compile(r"\b(?:over|across)\s+(?:all\s+)?(?:the\s+|its\s+|their\s+)?(?:(?:two|three|four|five|six|seven|eight|nine"
                    r"|ten|eleven|twelve|\d+)\s+)?[a-z]+s\b|\b(?:all|every)\s+(?:the\s+)?columns\b", re.I)


def across_columns(asked: Asked, question: str) -> Counted | None:
    """"Which region had the largest total over all four quarters?": each row's total (average) of the table's
    number columns (of those the question names, where it names two or more), and the row's name at the extreme;
    ties named. None where the question asks no extreme with a total or average, or names one number column."""
    table = asked.table
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    kind = asked_statistic(question)
    if (most == least or kind not in ("total", "average") or len(asked.numbers) == 1 or len(table.numbers) < 2
            or not ACROSS.search(question)):
        return None
    columns = asked.numbers if len(asked.numbers) > 1 else sorted(table.numbers)
    names = row_names(table)
    if names is None:
        return None
    score = {}
    for row in asked.rows:
        cells = [c for i in columns if (c := number(row[i])) is not None]
        if len(cells) == len(columns):
            score[row[names]] = sum(cells) / (len(cells) if kind == "average" else 1)
    ranked = sorted(score, key=score.get, reverse=most)
    if len(ranked) < 2:
        return None
    best = [k for k in ranked if score[k] == score[ranked[0]]]
    said = ", ".join(table.columns[i] for i in columns)
    shown = "\n".join(f"  {k}: {shown_number(round(score[k], 2))}" for k in ranked[:SHOWN_GROUPS])
    return Counted(f"{asked.shape}:\neach row's {kind} of {said}, {'largest' if most else 'smallest'} first:\n{shown}",
                   " and ".join(best) + (" (tied)" if len(best) > 1 else ""))
