"""A table's parts: its columns and rows with the number, date and list columns found (`Table`, `typed`), and
what a cell holds (a number, a list's items). Which texts are tables is tables.py's and record_tables.py's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .periods import ISO_DATE

MIN_ROWS = 10  # fewer rows under a header is a short list, which the passages show whole
SNIFF_LINES = 50  # lines that decide a text's shape: each must split into the header's number of fields (or be a block's)
NUMERIC_SHARE = 0.9  # a column whose cells are numbers this often is a number column
WORD = re.compile(r"[^\W_]+")  # a word of a cell, a header or a question
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)")
# A column's name cut short, and the words a question says it in ("How many units were ordered?" over `qty`; "the
# average amount" over `amt`): read as the column's own words, they named no column and the question was left to a
# reader, which found no passage holding "units" (set S).
ABBREVIATED = {
    "qty": ("quantity", "units"), "amt": ("amount",), "pct": ("percent", "percentage"), "dept": ("department",),
    "desc": ("description",), "addr": ("address",), "tel": ("phone", "telephone"), "dob": ("birth", "born"),
    "mgr": ("manager",), "emp": ("employee",), "cust": ("customer",), "temp": ("temperature",), "yr": ("year",),
    "qtr": ("quarter",), "cat": ("category",), "loc": ("location",), "usr": ("user",), "msg": ("message",),
}
_LIST_CELL = re.compile(r"\[(?P<items>[^\[\]]*)\]")  # [urgent, draft], ["vpn", "email"]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    numbers: set[int]  # the number columns' indices
    dates: int | None = None  # the first column of ISO dates, if any
    line: int = 0  # where a markdown table within a text starts (1-based); 0 where the table is the whole context
    lists: frozenset[int] = frozenset()  # the columns whose cells are lists ("[urgent, draft]", JSON's ["a", "b"])
    joined: str = ""  # a directory's tables joined into this one: what was joined, as the root is told
    source: str = ""  # blocks read as rows ("INI sections", "<product> elements"); "" for a table written as one
    name: str = ""  # what the table is called: the heading over a markdown table, a file's or directory's name

    def shape(self) -> str:
        """Which table code read and its shape, as the root is told."""
        heading = f" under {self.name!r}" if self.name else ""
        whole = self.joined or (f"the table at line {self.line:,} of the text{heading}" if self.line else
                                f"the context's {self.source}, a row each" if self.source else "the whole table")
        return f"Read by code over {whole} ({len(self.rows):,} rows; columns: {', '.join(self.columns)})"

    def shown(self, row: list[str]) -> str:
        """A row as the root is shown it: "order_id: ORD-101; customer: Okafor; ..."."""
        return "; ".join(f"{c}: {v}" for c, v in zip(self.columns, row))

    def name_words(self) -> set[str]:
        """The words of the table's name, as a question may say them ("the inventory table", "notes")."""
        words = {w.lower() for w in WORD.findall(self.name)}
        return words | {plural(w) for w in words} | {w.removesuffix("s") for w in words}

    def column_words(self, i: int) -> set[str]:
        """The words a question may name column i by: "order_id" by "order" and "id", "city" by "cities", "tags" by
        "tag"."""
        words = {w.lower() for w in WORD.findall(self.columns[i])}
        words |= {said for w in words for said in ABBREVIATED.get(w, ())}  # "qty" by "quantity"
        return words | {plural(w) for w in words} | {w[:-1] for w in words if w.endswith("s") and not w.endswith("ss")}


def plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def number(cell: str) -> float | None:
    text = cell.strip().lstrip("$€£")
    if not _NUMBER.fullmatch(text):
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def items(cell: str) -> list[str]:
    """A list cell's items ("[urgent, draft]", '["vpn", "email"]'); [] for any other cell."""
    found = _LIST_CELL.fullmatch(cell.strip())
    return [item.strip().strip("\"'") for item in found["items"].split(",") if item.strip()] if found else []


def holds(table: Table, row: list[str], i: int, value: str) -> bool:
    """Whether the row's cell of column i is `value` (in any case), or a list holding it."""
    if i in table.lists:
        return value.lower() in (item.lower() for item in items(row[i]))
    return row[i].lower() == value.lower()


def typed(columns: list[str], rows: list[list[str]]) -> Table | None:
    """The table of these rows, with its number and date columns found; None for too few rows."""
    if len(rows) < MIN_ROWS:
        return None
    width = len(columns)
    numbers = {i for i in range(width) if sum(number(row[i]) is not None for row in rows) >= NUMERIC_SHARE * len(rows)}
    dates = next((i for i in range(width) if i not in numbers
                  and sum(bool(ISO_DATE.match(row[i])) for row in rows) >= NUMERIC_SHARE * len(rows)), None)
    lists = frozenset(i for i in range(width) if i not in numbers
                      and sum(bool(_LIST_CELL.fullmatch(row[i].strip())) for row in rows) >= NUMERIC_SHARE * len(rows))
    return Table(columns, rows, numbers, dates, lists=lists)
