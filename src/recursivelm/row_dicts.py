"""A table's rows as Python dicts of typed values, for code the root writes itself (`table_rows()` in the REPL).

Where no reading of code settles a question over a table (first_reading.py), the small profile's root is shown the
table's keys, their types and its first rows, and writes the code that answers from every row. Asked over the
passages its words picked, the 1.5B reader answered about one question in eight of kinds no code read (sets N-W,
bench/RESULTS.md); writing the code over typed rows, the same model computes what a reader can only estimate: a ratio
of two rows, the weekday of the fewest orders, a sum over YAML blocks.

A number column's cells are ints (or floats), a list column's lists; a column of ISO dates holds `Stamp`s (below);
anything else is the cell's text. An empty cell (a key a block leaves out) is None, as pandas reads it (NaN), so
`isna()` and `is None` find it: as "", "Which jobs have no timeout set?" found none of 12.

A time-stamped log is read the same way (`log_rows`), a row a line: its time (a `Stamp`), its level, the key=value
fields most lines write and those they write by form (log_fields.py: an IP, a request's method, path and status, a
duration in ms, a `[source]`), the text after the stamp and the whole line. Over a log, the reader answered "0.36" and
"5 days" for the 11 days between a user's first and last session (set W).
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from typing import Any

from .log_fields import LEVELS, fields_of
from .log_lines import stamp, stamped
from .periods import ISO_DATE
from .table_cells import NUMERIC_SHARE, Table, items, number

SHOWN_ROWS = 3  # rows shown whole to the root: enough to see each key's values, few enough to read
SHOWN_CHARS = 80  # of a long text in a row shown, what is shown
SHOWN_VALUES = 8  # a text key with at most this many different values has them listed in the summary
_ZONE = re.compile(r"^(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?")  # what a stamp's pattern leaves of it: 14:00:03.120Z
_WITH_UNIT = re.compile(r"([-+]?\d+(?:\.\d+)?)\s?(ms|us|µs|ns|s|sec|min|h|kb|KB|mb|MB|gb|GB|b|B|%)")  # 182ms, 3.5MB
ROWS_GIVEN = " rows in `rows`,"  # after their number, in the summary: what rows_given() reads back
_FIELD = re.compile(r"\b(?P<key>[A-Za-z_][\w.-]*)=(?P<value>\"[^\"]*\"|[^\s,;]+)")  # user=jdoe, path="/a b"


class Stamp(datetime.datetime):
    """A date or time read from a cell or a log line: a `datetime` (so `.weekday()`, subtraction and pandas'
    `pd.DataFrame(rows)[...].dt` work) that also reads as its ISO text where code treats it as text: compared with
    "2024-03-01", sliced (`[:7]`), `.startswith("2024-03")`, printed as "2024-03-12". The 1.5B root's code over a
    table is pandas first: given text, `pd.DataFrame(rows)["delivered_on"] - ...` failed on `.dt`; given `date`s,
    plain code called strptime on them (the error's hint says what the value is)."""

    date_only = False  # written as a day, with no time: printed as one

    @classmethod
    def of(cls, when: datetime.date) -> "Stamp":
        if isinstance(when, datetime.datetime):
            return cls(when.year, when.month, when.day, when.hour, when.minute, when.second, when.microsecond,
                       when.tzinfo)
        stamp = cls(when.year, when.month, when.day)
        stamp.date_only = True
        return stamp

    def __str__(self) -> str:
        return self.date().isoformat() if self.date_only else self.isoformat(sep=" ")

    def __repr__(self) -> str:
        return repr(str(self))

    def __format__(self, spec: str) -> str:
        return super().__format__(spec) if spec else str(self)

    def __getitem__(self, key):  # stamp[:7]: "2024-03"
        return str(self)[key]

    def __len__(self) -> int:
        return len(str(self))

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def startswith(self, *args) -> bool:
        return str(self).startswith(*args)

    def endswith(self, *args) -> bool:
        return str(self).endswith(*args)

    def split(self, *args) -> list[str]:
        return str(self).split(*args)

    def _other(self, other):
        """`other` as what this compares with: a datetime for a date or an ISO text, else None (not comparable)."""
        if isinstance(other, str):
            try:
                other = datetime.datetime.fromisoformat(other.strip())
            except ValueError:
                return None
        if isinstance(other, datetime.datetime):
            return other.replace(tzinfo=self.tzinfo) if (other.tzinfo is None) != (self.tzinfo is None) else other
        if isinstance(other, datetime.date):
            return datetime.datetime(other.year, other.month, other.day, tzinfo=self.tzinfo)
        return None

    def _plain(self) -> datetime.datetime:
        return datetime.datetime(self.year, self.month, self.day, self.hour, self.minute, self.second,
                                 self.microsecond, self.tzinfo)

    def __eq__(self, other):
        found = self._other(other)
        if found is None:
            return str(self) == other if isinstance(other, str) else NotImplemented
        return self._plain() == found

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __lt__(self, other):
        found = self._other(other)
        return NotImplemented if found is None else self._plain() < found

    def __le__(self, other):
        found = self._other(other)
        return NotImplemented if found is None else self._plain() <= found

    def __gt__(self, other):
        found = self._other(other)
        return NotImplemented if found is None else self._plain() > found

    def __ge__(self, other):
        found = self._other(other)
        return NotImplemented if found is None else self._plain() >= found

    def __sub__(self, other):
        if isinstance(other, datetime.timedelta):
            return self._plain() - other
        found = self._other(other)
        return NotImplemented if found is None else self._plain() - found

    def __rsub__(self, other):
        found = self._other(other)
        return NotImplemented if found is None else found - self._plain()

    def __add__(self, other):
        if isinstance(other, str):
            return str(self) + other
        return self._plain() + other

    def __radd__(self, other):
        if isinstance(other, str):
            return other + str(self)
        return self._plain() + other

    __hash__ = datetime.datetime.__hash__


class Rows(list):
    """A table's rows, each a dict; `summary()` says what the root needs to write code over them, `frame()` gives them
    as a pandas DataFrame where pandas is installed (the embedded extra brings it).

    Indexed by a column's name or a mask, or asked for what a DataFrame has (`rows[rows["role"] == "admin"]`,
    `rows.groupby("city")`), it answers as its DataFrame: the 1.5B root wrote such code over `rows`, told it was a
    list of dicts. Iterated, or indexed by position, it is the list."""

    def __init__(self, rows: list[dict[str, Any]], described: str, units: dict[str, str] | None = None):
        super().__init__(rows)
        self.described = described
        self.units = units or {}  # a key whose values were written with a unit ("182ms"): its unit; the rows hold numbers
        self._frame: Any = None

    def __getitem__(self, key):
        if isinstance(key, (int, slice)):
            return super().__getitem__(key)
        return self._as_frame(key)[key]

    def __setitem__(self, key, value):  # rows["Area (km2)"] = pd.to_numeric(rows["Area (km2)"]): its DataFrame's column
        if isinstance(key, (int, slice)):
            return super().__setitem__(key, value)
        self._as_frame(key)[key] = value

    def __getattr__(self, name: str):
        if name.startswith("_") or name in ("described", "units"):
            raise AttributeError(name)
        frame = self._as_frame(name)
        if not hasattr(frame, name):
            raise AttributeError(f"'rows' (a list of dicts, or a DataFrame) has no attribute {name!r}")
        return getattr(frame, name)

    def _as_frame(self, key):
        """The one DataFrame this list answers as (changed in place by code that sets a column)."""
        frame = self._built()
        if frame is None:
            raise TypeError(f"list indices must be integers or slices, not {type(key).__name__}")
        return frame

    def summary(self) -> str:
        """How many rows, each key with its type and a value, and the first rows, as the root is shown them."""
        if not self:
            return f"{self.described}: no rows"
        keys = "\n".join(self._key_line(key) for key in self[0])
        first = "\n".join(repr({key: _brief(value) for key, value in row.items()}) for row in self[:SHOWN_ROWS])
        frame = " `df` holds the same rows as a pandas DataFrame (dates as datetime64)." if _pandas() else ""
        return (f"{self.described}: {len(self):,}{ROWS_GIVEN} each a dict with these keys:\n{keys}\n"
                f"The first {min(SHOWN_ROWS, len(self))}:\n{first}\n{frame}").strip()

    def _key_line(self, key: str) -> str:
        """A key as the summary shows it: its type, then what code cannot see in three rows: a text's different
        values where they are few (with how many rows hold each), a number's or a date's range, and how many rows
        have none. Shown three rows, the root wrote `== ""` for empty cells, and counted "the last 7 days covered by
        the data" back from today."""
        filled = [row[key] for row in self if row.get(key) is not None]
        if not filled:
            return f"  {key!r}: always None"
        value, empty = filled[0], len(self) - len(filled)
        unit = f" in {self.units[key]} (written {_brief(value)}{self.units[key]})" if key in self.units else ""
        line = f"  {key!r}: {_kind(value)}{unit}, " + _spread(value, filled)
        return line + (f" (None in {empty:,} rows: empty)" if empty else "")

    def frame(self):
        """The rows as a pandas DataFrame, a date column as datetime64 (`df["placed_on"].dt.month` works); None
        where pandas is not installed. The 1.5B root writes pandas first over any table, even told it has none."""
        frame = self._built()
        return None if frame is None else frame.copy()  # code may change what it is given

    def _built(self):
        """The DataFrame, built once (each column read through `rows` reads it, not a copy); None without pandas."""
        pandas = _pandas()
        if pandas is None:
            return None
        if self._frame is None:
            df = pandas.DataFrame(list(self))
            for key, value in (self[0].items() if self else ()):
                if isinstance(value, Stamp):  # a cell that was no date left the column of objects
                    df[key] = pandas.to_datetime(df[key], errors="coerce", utc=value.tzinfo is not None)
            self._frame = df
        return self._frame


def _spread(value: Any, filled: list) -> str:
    """What a key's filled values span (Rows._key_line), `value` the first of them."""
    if isinstance(value, str):
        counts = Counter(v for v in filled if isinstance(v, str))
        if len(counts) <= SHOWN_VALUES and len(counts) < len(filled):
            return f"{len(counts)} different: " + ", ".join(f"{v!r} ({n:,})" for v, n in counts.most_common())
        return f"{len(counts):,} different, e.g. {_brief(value)!r}"
    if isinstance(value, (int, float, Stamp)) and not isinstance(value, bool):
        same = [v for v in filled if isinstance(v, Stamp) == isinstance(value, Stamp) and isinstance(v, (int, float, Stamp))]
        low, high = min(same), max(same)
        return f"from {str(low)!r} to {str(high)!r}" if isinstance(value, Stamp) else f"from {low} to {high}, e.g. {value!r}"
    return f"e.g. {_brief(value)!r}"


def _pandas():
    try:
        import pandas
    except ImportError:
        return None
    return pandas


def _brief(value: Any) -> Any:
    """A long text cut for showing (a docstring, a message): the rows keep it whole."""
    return value[:SHOWN_CHARS] + "..." if isinstance(value, str) and len(value) > SHOWN_CHARS else value


def _kind(value: Any) -> str:
    if isinstance(value, Stamp):
        return "datetime (also compares with and reads as its ISO text)"
    return type(value).__name__


def rows_of(table: Table) -> Rows:
    """Every row of `table` as a dict of typed values (the module's docstring says which types)."""
    convert = [_converter(table, i) for i in range(len(table.columns))]
    rows = [{column: read(cell) if cell.strip() else None for column, read, cell in zip(table.columns, convert, row)}
            for row in table.rows]
    return Rows(rows, table.shape().removeprefix("Read by code over "))


def _converter(table: Table, i: int):
    """How column i's cells are read. Of its filled cells (an empty one is None whatever the column), as the table
    reads all of them: a column of numbers with a few left empty is still one of numbers here."""
    if i in table.lists:
        return items
    filled = [row[i].strip() for row in table.rows if row[i].strip()]
    if i in table.numbers or (filled and sum(number(c) is not None for c in filled) >= NUMERIC_SHARE * len(filled)):
        return _number
    if filled and sum(bool(ISO_DATE.match(c)) for c in filled) >= NUMERIC_SHARE * len(filled):
        return _date
    return str


def _number(cell: str) -> int | float | str:
    value = number(cell)
    if value is None:
        return cell  # a cell of a number column that holds none ("n/a", ""): its text, for the code to see
    return int(value) if value.is_integer() and "." not in cell else value


def _date(cell: str) -> Stamp | str:
    cell = cell.strip()
    try:
        if len(cell) > 10:
            return Stamp.of(datetime.datetime.fromisoformat(cell.replace("Z", "+00:00")))
        return Stamp.of(datetime.date.fromisoformat(cell))
    except ValueError:
        return cell


def log_rows(text: str) -> Rows | None:
    """The lines of a time-stamped log as rows (the module's docstring says which keys); None where the text is no
    such log (log_lines.stamped)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not stamped(lines):
        return None
    common = NUMERIC_SHARE * len(lines)
    stamps = [stamp(line) for line in lines]
    rests = [_ZONE.sub("", line.split(found[1], 1)[1]) if found else line for line, found in zip(lines, stamps)]
    level_of = [m[1] if (m := LEVELS.search(line)) else "" for line in lines]
    # Each line's key=value fields, then those it writes by form (an IP, a request, a [source]), read once.
    written = [dict(_FIELD.findall(line)) for line in lines]
    for its, line, rest in zip(written, lines, rests):
        its.update({key: value for key, value in fields_of(line, rest).items() if key not in its})
    levels = sum(map(bool, level_of)) >= common
    keys = Counter(key for fields in written for key in fields)
    fields = [key for key, n in keys.items() if n >= common and key not in ("time", "level", "text", "line")]
    rows = []
    for line, found, rest, level, its in zip(lines, stamps, rests, level_of, written):
        row: dict[str, Any] = {"time": _when(found) if found else ""}
        if levels:
            row["level"] = level
        row.update({key: _typed(its[key].strip('"')) if key in its else None for key in fields})  # None: not written
        row["text"], row["line"] = rest.strip(" -:]\t"), line
        rows.append(row)
    return Rows(rows, f"the log's lines, a row each ({len(lines):,} lines)", _with_units(rows, fields))


def _with_units(rows: list[dict[str, Any]], keys: list[str]) -> dict[str, str]:
    """Make numbers of a key's values written with one unit ("duration=182ms"), where nearly all are; returns each such
    key's unit. As text, `pd.to_numeric` made them NaN and the root said the durations were not given (set S)."""
    units = {}
    for key in keys:
        written = [(row, m) for row in rows if isinstance(row[key], str) and (m := _WITH_UNIT.fullmatch(row[key]))]
        found = {m[2] for _, m in written}
        if len(found) == 1 and len(written) >= NUMERIC_SHARE * sum(row[key] is not None for row in rows):
            units[key] = found.pop()
            for row, m in written:
                row[key] = _number(m[1])
    return units


def _when(found: tuple[tuple[int, ...], str]) -> Stamp:
    """A line's stamp as a Stamp: its time written in ISO form (an access log's "14/Oct/2025:19:57:03" is
    "2025-10-14 19:57:03", which strptime and pandas read as code writes them; the line keeps it as written); a syslog
    stamp names no year: 1900."""
    key = found[0]
    return Stamp.of(datetime.datetime(key[0] or 1900, *key[1:]))


def _typed(value: str) -> int | float | str:
    """A field's value: a number where it is written as one alone (`ms=120`), else its text (`user=u7`)."""
    return _number(value) if re.fullmatch(r"[-+]?[\d,.]+", value) else value


def rows_given(summary: str) -> int | None:
    """How many rows a summary (Rows.summary) said the root was given; None where `summary` holds none."""
    found = re.search(r"([\d,]+)" + re.escape(ROWS_GIVEN), summary)
    return int(found.group(1).replace(",", "")) if found else None
