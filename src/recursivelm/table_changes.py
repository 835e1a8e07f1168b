"""A number column read from each row to the next, for table_answers.py: "In which month did the number of visitors
rise the most over the month before?", "which year saw the biggest drop from the previous year?"; and a running
total ("On which date did the running total of the order amounts first exceed 20000?": `running_total`); a row
from one number column to another ("Which product's price rose the most from 2023 to 2024?": `between_columns`).

Over a markdown table of twelve months within a report, the 1.5B reader named a month of the largest count, not
of the largest rise (bench/issue12/fresh_probe.py, set S). Code reads every row: in date order where the table
has a date column, else in the order written; each row's value of the number column the question names (or the
table's only one) less the row's before; the row of the largest rise (or fall), named by its name column
(tables.row_names), else its first text column. A tie is said.
"""

from __future__ import annotations

import re

from .counted import Counted
from .querywords import LEAST, MOST
from .tables import Table, named_columns, number, plain_number, row_names, shown_number

SHOWN_CHANGES = 12  # the changes shown to the root, the extreme first
_RISE = re.compile(r"\b(?:rise|rises|rose|risen|increase[sd]?|increasing|grow|grows|grew|grown|growth|gain(?:s|ed)?"
                   r"|jump(?:s|ed)?|climb(?:s|ed)?|go(?:es)? up|went up)\b", re.I)
_FALL = re.compile(r"\b(?:fall|falls|fell|fallen|drop(?:s|ped)?|decrease[sd]?|decreasing|decline[sd]?|shrink|shrank"
                   r"|go(?:es)? down|went down)\b", re.I)
# "over the month before", "from the previous year", "compared with the prior week", "from one month to the next",
# "month over month": each row against the one before it.
_BEFORE = re.compile(r"\b(?:the|its|their)\s+(?:\w+\s+)?(?:before|previous|prior|preceding)\b|\b(?:previous|prior|preceding)\s+\w+"
                     r"|\bfrom\s+(?:one|each)\s+\w+\s+to\s+the\s+next\b|\b(?:consecutive|successive)\b"
                     r"|\b(?:month|year|week|day|quarter)[- ]over[- ](?:month|year|week|day|quarter)\b", re.I)
_ASKS_ROW = re.compile(r"^\W*(?:(?:in|during|on|at|for)\s+)?(?:which|what|when)\b", re.I)


def largest_change(table: Table, question: str) -> Counted | None:
    """The row whose number rose (fell) the most from the row before it (rules above); None for another question,
    a table of no one number column named, or of fewer than three rows."""
    rise, fall = bool(_RISE.search(question)), bool(_FALL.search(question))
    most = bool(MOST.search(question)) or bool(re.search(r"\bthe most\b", question, re.I))
    if rise == fall or not most or LEAST.search(question) or not _BEFORE.search(question) or not _ASKS_ROW.match(question):
        return None
    measure, names = _measure(table, question), _names(table)
    if measure is None or names is None or len(table.rows) < 3:
        return None
    rows, order = _in_order(table)
    values = [number(row[measure]) for row in rows]
    if any(v is None for v in values):
        return None
    changes = {rows[k][names]: values[k] - values[k - 1] for k in range(1, len(rows))}
    return _ranked(table, changes, rise, f"{table.columns[measure]} less the row before's, rows {order}, "
                                         f"{'largest rise' if rise else 'largest fall'} first")


def _names(table: Table) -> int | None:
    """The column that names a row: its name column (tables.row_names), else its first text column."""
    texts = [i for i in range(len(table.columns)) if i not in table.numbers]
    names = row_names(table)
    return names if names is not None else texts[0] if texts else None


def _ranked(table: Table, changes: dict[str, float], largest_first: bool, said: str) -> Counted:
    """Each row's change, the extreme first (the answer; a tie is said), after what was read."""
    ranked = sorted(changes, key=changes.get, reverse=largest_first)
    best = [k for k in ranked if changes[k] == changes[ranked[0]]]
    shown = "\n".join(f"  {k}: {'+' if changes[k] > 0 else ''}{shown_number(round(changes[k], 2))}" for k in ranked[:SHOWN_CHANGES])
    answer = best[0] if len(best) == 1 else f"{' and '.join(best)} (tied at {plain_number(changes[best[0]])})"
    return Counted(f"{table.shape()}:\n{said}:\n{shown}", answer)


# "from 2023 to 2024", "between Q1 and Q2": two number columns a row is read across (price_2023, price_2024).
_ACROSS = re.compile(r"\b(?:from|between)\s+(?P<a>[\w.-]+)\s+(?:to|and)\s+(?P<b>[\w.-]+)", re.I)


def between_columns(table: Table, question: str) -> Counted | None:
    """The row whose number rose (fell) the most from one number column to another the question names by a word of
    each ("Which product's price rose the most from 2023 to 2024?" over price_2023 and price_2024); None where it
    names no two such columns. Read as one column's largest value, the row of the highest 2023 price was given."""
    rise, fall = bool(_RISE.search(question)), bool(_FALL.search(question))
    across = _ACROSS.search(question)
    if rise == fall or not across or not _ASKS_ROW.match(question) or bool(MOST.search(question)) == bool(LEAST.search(question)):
        return None
    first, second = ([i for i in table.numbers if word.lower() in _words(table.columns[i])] for word in across.groups())
    names = _names(table)
    if len(first) != 1 or len(second) != 1 or first == second or names is None:
        return None
    changes = {row[names]: b - a for row in table.rows
               if (a := number(row[first[0]])) is not None and (b := number(row[second[0]])) is not None}
    if not changes:
        return None
    largest = rise == bool(MOST.search(question))
    return _ranked(table, changes, largest, f"{table.columns[second[0]]} less {table.columns[first[0]]}, row by row, "
                                            f"{'largest' if largest else 'smallest'} first")


def _words(column: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W_]+", column)}


# "the running total of the order amounts", "cumulative sales": a sum over the rows up to each.
_RUNNING = re.compile(r"\b(?:running|cumulative|accumulated)\s+(?:total|sum|amount)?|\bcumulative\b", re.I)
# "first exceed 20000", "passed 5,000", "reached 1000", "went over 300": the bound it crosses.
_CROSSED = re.compile(r"\b(?P<op>exceed(?:s|ed)?|pass(?:es|ed)?|past|surpass(?:es|ed)?|top(?:s|ped)?|reach(?:es|ed)?|hit|hits"
                      r"|go(?:es)?\s+(?:over|above)|went\s+(?:over|above)|r[io]se\s+(?:over|above))\s+[$€£]?"
                      r"(?P<n>\d[\d,]*(?:\.\d+)?)\b", re.I)
_ASKS_DATE = re.compile(r"^\W*(?:(?:on|at|in)\s+)?(?:which|what)\s+(?:date|day)\b|^\W*when\b", re.I)


def running_total(table: Table, question: str) -> Counted | None:
    """The first row (in date order where the table has a date column, else as written) at which the running total
    of the number column named (or the only one) exceeds (reaches) the bound: its date for "on which date ...?",
    else its name. None for another question, or a total that never crosses it."""
    running, crossed = _RUNNING.search(question), _CROSSED.search(question)
    if running is None or crossed is None:
        return None
    measure = _measure(table, question)
    if measure is None:
        return None
    rows, order = _in_order(table)
    bound, reaching = float(crossed["n"].replace(",", "")), crossed["op"].lower().startswith(("reach", "hit"))
    total = 0.0
    for k, row in enumerate(rows):
        total += number(row[measure]) or 0.0
        if total > bound or (reaching and total >= bound):
            break
    else:
        return None
    dated = _ASKS_DATE.match(question) and table.dates is not None
    names = row_names(table)
    said = row[table.dates] if dated else row[names] if names is not None else None
    if said is None:
        return None
    return Counted(f"{table.shape()}:\nthe running total of {table.columns[measure]}, rows {order}: "
                   f"{shown_number(round(total, 2))} at row {k + 1:,}, the first past {crossed['n']}: {table.shown(row)}", said)


def _measure(table: Table, question: str) -> int | None:
    """The number column the question names, else the table's only one; None where it names several, or none of
    several."""
    named = [i for i in named_columns(table, question) if i in table.numbers]
    return named[0] if len(named) == 1 else next(iter(table.numbers)) if len(table.numbers) == 1 and not named else None


def _in_order(table: Table) -> tuple[list[list[str]], str]:
    """The rows in date order where the table has a date column, else as written, and that order as said."""
    if table.dates is None:
        return table.rows, "in the order written"
    return sorted(table.rows, key=lambda row: row[table.dates]), "by " + table.columns[table.dates]
