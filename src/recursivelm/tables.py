"""Questions over a table (CSV, TSV or ;-separated text with a header row), settled by code: `count_table()` in
the REPL, and the small profile's first reading where the context is one.

A reader shown a table's passages counts the rows it was shown: over 6,000 orders, the 1.5B reader answered
"how many orders did the customer Okafor place?" with 7 (578), and "which city has the largest total order
amount?" with "City D" (bench/issue12/fresh_probe.py). Code reads every row:

- the question's values: a cell value it names ("Okafor"), found in the column that holds it; the rows holding
  all of them are the ones asked about;
- the question's columns: a header it names ("city", "amount"; `order_id` is named by "order id");
- its comparisons of a number ("more than 100000", "under 50", "at least 3"): of the number column it names,
  or of the table's only one; the rows holding the values and meeting them are the ones asked about;
- "how many ...?" is the number of those rows; "what is the total / average <number column> ...?" their sum
  or mean; "which <column> has the most / largest / fewest ...?" the value of that column whose rows have the
  extreme count, or, where a number column is named, the extreme sum ("total") or mean ("average"), else sum.

A question none of these fits, or with a condition code here does not read (a comparison, a date, a number that
is no value of the table), gets no answer here: the passages are read as before. Nothing here knows a task.
"""

from __future__ import annotations

import csv
import io
import operator
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .code_counts import Counted
from .per_context import cached

MIN_ROWS = 10  # fewer rows under a header is a short list, which the passages show whole
SNIFF_LINES = 50  # lines that decide the delimiter: each must split into the header's number of fields
DELIMITERS = (",", "\t", ";")
NUMERIC_SHARE = 0.9  # a column whose cells are numbers this often is a number column
SHOWN_GROUPS = 12  # rows of a grouped count or sum shown to the root, the extreme first
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)")
_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)
_WHICH = re.compile(r"^\W*(?:which|what)\s+(?P<noun>\w+(?:\s+\w+)?)", re.I)  # "which customer placed", "which city has"
_MOST = re.compile(r"\b(?:most|largest|greatest|highest|biggest|maximum|max|top)\b", re.I)
_LEAST = re.compile(r"\b(?:fewest|least|smallest|lowest|minimum|min)\b", re.I)
_TOTAL = re.compile(r"\b(?:total|sum|overall|combined|altogether)\b", re.I)
_AVERAGE = re.compile(r"\b(?:average|mean|typical)\b", re.I)
# "more than 100000", "over 350", "under $50", "at least 3": a number column's cells compared with a number.
_COMPARISON = re.compile(r"\b(?P<op>more than|greater than|larger than|higher than|above|over|exceeding|at least|less than"
                         r"|fewer than|smaller than|lower than|below|under|at most)\s+[$€£]?(?P<n>\d[\d,]*(?:\.\d+)?)\b", re.I)
_SIGNS = {"at least": ">=", "at most": "<=", **dict.fromkeys(("less than", "fewer than", "smaller than", "lower than",
                                                                "below", "under"), "<")}
_SIGNS.update({op: ">" for op in ("more than", "greater than", "larger than", "higher than", "above", "over",
                                    "exceeding")})
_TESTS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}
# A condition code here does not read (a comparison, a date or period): the question is left to the reader, not
# answered as if it were not there ("how many orders over 300 ..." is not every order).
_CONDITION = re.compile(r"\b(?:over|under|above|below|exceed\w*|more than|less than|fewer than|greater than|at least"
                        r"|at most|between|before|after|since|until|during|within|per|each|every|excluding|except|not"
                        r"|jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
                        r"|nov(?:ember)?|dec(?:ember)?|week|month|year|quarter|day)\b", re.I)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    numbers: set[int]  # the number columns' indices

    def column_words(self, i: int) -> set[str]:
        """The words a question may name column i by: "order_id" by "order" and "id", "city" by "cities"."""
        words = {w.lower() for w in _WORD.findall(self.columns[i])}
        return words | {plural(w) for w in words}


def plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def _number(cell: str) -> float | None:
    text = cell.strip().lstrip("$€£")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def parse(context: Any) -> Table | None:
    """The context as a table: text whose first line is a header of two or more names and whose lines split,
    by one of DELIMITERS, into as many fields; None for anything else."""
    if not isinstance(context, str):
        return None
    context = context.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets save CSV
    head = context[:20_000].splitlines()[:SNIFF_LINES]
    for delimiter in DELIMITERS:
        lines = list(csv.reader(head, delimiter=delimiter))
        width = len(lines[0]) if lines else 0
        header = [c.strip() for c in lines[0]] if lines else []
        if (width < 2 or len(set(header)) < width or any(not c or _number(c) is not None for c in header)
                or any(len(row) != width for row in lines[1:] if row)):
            continue
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(context), delimiter=delimiter) if row][1:]
        rows = [row for row in rows if len(row) == width]
        if len(rows) < MIN_ROWS:
            return None
        numbers = {i for i in range(width)
                   if sum(_number(row[i]) is not None for row in rows) >= NUMERIC_SHARE * len(rows)}
        return Table(header, rows, numbers)
    return None


def _holds(cell: float | None, op: str, n: float) -> bool:
    return cell is not None and _TESTS[_SIGNS[op]](cell, n)


def has_condition(question: str) -> bool:
    """Whether the question limits what it counts by a comparison, a date or a period (wordings.py asks too)."""
    return bool(_CONDITION.search(question))


def _table(context: Any) -> Table | None:
    return cached(context, parse) if isinstance(context, str) else None


def named_values(table: Table, question: str) -> dict[int, str]:
    """The cell values of text columns the question names, whole and in any case, each in the column that holds
    it ("Okafor" -> customer), the longest first where one holds another."""
    asked = " " + " ".join(_WORD.findall(question.lower())) + " "
    found: dict[int, str] = {}
    for i in range(len(table.columns)):
        if i in table.numbers:
            continue
        for value in sorted({row[i] for row in table.rows}, key=len, reverse=True):
            words = " ".join(_WORD.findall(value.lower()))
            if words and f" {words} " in asked and words not in table.column_words(i) and i not in found:
                found[i] = value
    return found


def named_columns(table: Table, question: str) -> list[int]:
    """The columns whose names (a word of one) the question holds, in the table's order."""
    asked = {w.lower() for w in _WORD.findall(question)}
    return [i for i in range(len(table.columns)) if table.column_words(i) & asked]


def answer(context: Any, question: str) -> Counted | None:
    """What code reads from the table for the question, and the answer it gives (kinds above); None where the
    context is no table or the question is none of those kinds."""
    table = _table(context)
    rest = _COMPARISON.sub(" ", question)  # the question without the comparisons read below
    if table is None or has_condition(rest):
        return None
    values = named_values(table, rest)
    said = " ".join(v.lower() for v in values.values())
    if any(n not in said for n in re.findall(r"\d+", rest.lower())):
        return None  # a number that is no value named: a condition (a year, an amount) code here does not read
    numbers = [i for i in named_columns(table, question) if i in table.numbers]
    # A comparison is of the number column the question names, or of the table's only one.
    measure = numbers[0] if len(numbers) == 1 else next(iter(table.numbers)) if len(table.numbers) == 1 else None
    compared = [(m["op"].lower(), float(m["n"].replace(",", ""))) for m in _COMPARISON.finditer(question)]
    if compared and measure is None:
        return None
    rows = [row for row in table.rows if all(row[i].lower() == v.lower() for i, v in values.items())
            and all(_holds(_number(row[measure]), op, n) for op, n in compared)]
    conditions = [f"{table.columns[i]} = {v}" for i, v in values.items()]
    conditions += [f"{table.columns[measure]} {_SIGNS[op]} {_plain(n)}" for op, n in compared]
    where = " and ".join(conditions)
    shape = f"Read by code over the whole table ({len(table.rows):,} rows; columns: {', '.join(table.columns)})"
    which = _WHICH.match(question.split("\n")[-1] if "\n" in question.strip() else question)
    if which:
        by = [i for i in named_columns(table, which["noun"]) if i not in table.numbers and i not in values]
        if len(by) == 1:
            return _grouped(table, rows, by[0], numbers[:1], question, shape, where)
    if not values and not compared:
        return None
    if _HOW_MANY.search(question) and not (_TOTAL.search(question) or _AVERAGE.search(question)):
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,}", str(len(rows)))
    if len(numbers) == 1 and (_TOTAL.search(question) or _AVERAGE.search(question)):
        cells = [c for row in rows if (c := _number(row[numbers[0]])) is not None]
        mean = bool(_AVERAGE.search(question))
        value = statistics.fmean(cells) if mean and cells else sum(cells)
        said = f"{'average' if mean else 'total'} {table.columns[numbers[0]]}"
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,}; their {said}: {_shown(value)}", _plain(value))
    return None


def _grouped(table: Table, rows: list[list[str]], by: int, numbers: list[int], question: str, shape: str,
             where: str) -> Counted | None:
    """For "which <column> has the most / fewest ...?": the rows per value of column `by`, and where a number
    column is named, its sum (or mean, where the question says average) per value; the extreme one answers."""
    most, least = bool(_MOST.search(question)), bool(_LEAST.search(question))
    if most == least:
        return None
    mean = bool(_AVERAGE.search(question))
    groups: dict[str, list[float]] = defaultdict(list)
    if numbers:
        for row in rows:
            if (c := _number(row[numbers[0]])) is not None:
                groups[row[by]].append(c)
        score = {k: (statistics.fmean(v) if mean else sum(v)) for k, v in groups.items()}
        unit = f"{'average' if mean else 'total'} {table.columns[numbers[0]]}"
    else:
        score, unit = dict(Counter(row[by] for row in rows)), "rows"
    if not score:
        return None
    ranked = sorted(score, key=lambda k: score[k], reverse=most)
    if len(ranked) > 1 and score[ranked[0]] == score[ranked[1]]:
        return None  # a tie: no one value answers
    among = f" among the rows with {where}" if where else ""
    lines = [f"  {k}: {_shown(score[k])}" for k in ranked[:SHOWN_GROUPS]]
    facts = f"{shape}:\n{unit} by {table.columns[by]}{among}, {'most' if most else 'fewest'} first:\n" + "\n".join(lines)
    return Counted(facts, ranked[0])


def _shown(value: float) -> str:
    """A count or sum as the root is shown it: 1,234 or 1,234.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def _plain(value: float) -> str:
    """A sum or mean as the answer: 1234.5, no thousands separator."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
