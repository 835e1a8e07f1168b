"""Questions over a table (CSV, TSV or ;-separated text with a header row; a markdown table within a text), settled by code: `count_table()` in
the REPL, and the small profile's first reading where the context is one.

A reader shown a table's passages counts the rows it was shown: over 6,000 orders, the 1.5B reader answered
"how many orders did the customer Okafor place?" with 7 (578), and "which city has the largest total order
amount?" with "City D" (bench/issue12/fresh_probe.py). Code reads every row:

- the question's values: a cell value it names ("Okafor"), found in the column that holds it; the rows holding
  all of them are the ones asked about;
- the question's columns: a header it names ("city", "amount"; `order_id` is named by "order id");
- its comparisons of a number ("more than 100000", "under 50", "at least 3"): of the number column it names,
  or of the table's only one; the rows holding the values and meeting them are the ones asked about;
- its period ("in March", "in 2024", "in March 2024") or span of days ("between 2024-03-01 and 2024-03-15", both
  days in; "before / after / since / until 2024-03-01"; "between March and May", both months in): of the table's
  date column (ISO dates, as CSV exports
  write them), the rows in it;
- "what is the <column> of ...?" where the values name one row: that row's cell;
- "how many ...?" is the number of those rows; "what percentage / share of ...?" their share of all rows, where
  one condition picks them; "how many different <column> ...?" the number of distinct values of that column
  among them; "what is the total / average <number column> ...?" their sum or mean (of the only number column
  where none is named: "how much did Ferreira pay in total?"); "which <column> has the most / largest / fewest
  ...?" the value of that column whose rows have the extreme count, or, where a number column is named, the
  extreme sum ("total") or mean ("average"), else sum; "which three ...", "the top 5 ...": that many values.
  Values tied with the last one named are named too, and the tie is said.

JSON lines (one object per line, as services log events) are a table too: the objects' keys are its columns.
A question none of these fits, or with a condition code here does not read (another comparison, a relative
period such as "last year", a number that is no value of the table), gets no answer here: the passages are read
as before. Nothing here knows a task.
"""

from __future__ import annotations

import csv
import io
import json
import operator
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from .code_counts import Counted
from .per_context import cached
from .querywords import AVERAGE, DISTINCT, HOW_MANY, LEAST, MOST, TOTAL

MIN_ROWS = 10  # fewer rows under a header is a short list, which the passages show whole
SNIFF_LINES = 50  # lines that decide the delimiter: each must split into the header's number of fields
DELIMITERS = (",", "\t", ";")
NUMERIC_SHARE = 0.9  # a column whose cells are numbers this often is a number column
SHOWN_GROUPS = 12  # rows of a grouped count or sum shown to the root, the extreme first
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)")
_WHICH = re.compile(r"^\W*(?:which|what)\s+(?P<noun>\w+(?:\s+\w+)?)", re.I)  # "which customer placed", "which city has"
# "more than 100000", "over 350", "under $50", "at least 3": a number column's cells compared with a number.
_COMPARISON = re.compile(r"\b(?P<op>more than|greater than|larger than|higher than|longer than|older than"
                         r"|bigger than|above|over|exceeding|at least|less than|fewer than|smaller than|lower than"
                         r"|shorter than|younger than|below|under|at most)\s+[$€£]?(?P<n>\d[\d,]*(?:\.\d+)?)\b", re.I)
_SIGNS = {"at least": ">=", "at most": "<=", **dict.fromkeys(("less than", "fewer than", "smaller than", "lower than",
                                                                "shorter than", "younger than", "below", "under"), "<")}
_SIGNS.update({op: ">" for op in ("more than", "greater than", "larger than", "higher than", "longer than",
                                    "older than", "bigger than", "above", "over", "exceeding")})
_TESTS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le}
# A condition code here does not read (a comparison, a date or period): the question is left to the reader, not
# answered as if it were not there ("how many orders over 300 ..." is not every order).
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "in March", "during March 2024", "in 2024": a period of the table's date column.
PERIOD = re.compile(r"\b(?:in|during)\s+(?:(?P<month>jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?"
                     r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?:\s+(?:of\s+)?(?P<month_year>\d{4}))?"
                     r"|(?P<year>\d{4}))\b", re.I)
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-\d{2}(?!\d)")  # 2024-03-17, also before a time
# "between 2024-03-01 and 2024-03-15" (both days in), "from ... to ...", "before / after / since / until 2024-03-01":
# a span of the table's date column, as ISO dates write it.
_DAY = r"\d{4}-\d{2}-\d{2}"
# ...and "between March and May", "from November 2024 to February 2025": the months between, both in.
_MONTH_WORD = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
               r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
SPAN = re.compile(rf"\b(?:between|from)\s+(?P<start>{_DAY})\s+(?:and|to|through|until)\s+(?P<end>{_DAY})\b"
                  rf"|\b(?P<op>before|after|since|until|through)\s+(?P<day>{_DAY})\b"
                  rf"|\b(?:between|from)\s+(?P<m1>{_MONTH_WORD})(?:\s+(?P<y1>\d{{4}}))?\s+(?:and|to|through|until)\s+"
                  rf"(?P<m2>{_MONTH_WORD})(?:\s+(?P<y2>\d{{4}}))?\b", re.I)
# "what percentage / share / proportion of the orders ...": the rows asked about as a share of all rows.
PERCENT = re.compile(r"\b(?:percent(?:age)?|share|proportion|fraction)\b|%", re.I)
# "which three products ...", "the top 5 customers": how many values of a column the answer names.
_TOP = re.compile(r"\b(?:top|which|what|the)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|[2-9]|1\d)\b", re.I)
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_CONDITION = re.compile(r"\b(?:over|under|above|below|exceed\w*|more than|less than|fewer than|greater than|at least"
                        r"|at most|between|before|after|since|until|during|within|per|each|every|excluding|except|not"
                        r"|jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
                        r"|nov(?:ember)?|dec(?:ember)?|week|month|year|quarter|day)\b", re.I)


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    numbers: set[int]  # the number columns' indices
    dates: int | None = None  # the first column of ISO dates, if any
    line: int = 0  # where a markdown table within a text starts (1-based); 0 where the table is the whole context

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
    if head and head[0].lstrip().startswith("{"):
        return _json_lines(context, head)
    for delimiter in DELIMITERS:
        lines = list(csv.reader(head, delimiter=delimiter))
        width = len(lines[0]) if lines else 0
        header = [c.strip() for c in lines[0]] if lines else []
        if (width < 2 or len(set(header)) < width or any(not c or _number(c) is not None for c in header)
                or any(len(row) != width for row in lines[1:] if row)):
            continue
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(context), delimiter=delimiter) if row][1:]
        return _typed(header, [row for row in rows if len(row) == width])
    return _markdown_table(context)


def _markdown_table(text: str) -> Table | None:
    """The longest markdown table within a text (`| Town | Population |`, a `|---|---|` rule under that header,
    a row a line), as a report or README holds one; None where none has MIN_ROWS rows."""
    if "\n|" not in text and not text.lstrip().startswith("|"):
        return None
    best: tuple[int, list[str]] = (0, [])
    start, run = 0, []
    for number, line in enumerate(text.splitlines() + [""], 1):
        cut = line.strip()
        if len(cut) > 1 and cut[0] == "|" and cut[-1] == "|":
            start, run = (start, run + [cut]) if run else (number, [cut])
        elif run:
            best, run = max(best, (start, run), key=lambda b: len(b[1])), []
    start, lines = best
    if len(lines) < MIN_ROWS + 2:
        return None
    cells = [[c.strip() for c in line[1:-1].split("|")] for line in lines]
    header, width = cells[0], len(cells[0])
    if (not all(re.fullmatch(r":?-{3,}:?", c) for c in cells[1]) or len(set(header)) < width
            or any(not c for c in header)):
        return None
    table = _typed(header, [row for row in cells[2:] if len(row) == width])
    if table:
        table.line = start
    return table


def _json_lines(context: str, head: list[str]) -> Table | None:
    """JSON lines as a table: the objects' keys (in the order first met) are the columns; a nested value is
    its JSON text; a line that is no object is passed over. None where the first lines are not all objects."""
    def objects(lines):
        for line in lines:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                yield value

    sniffed = [line for line in head if line.strip()]
    if len(list(objects(sniffed))) != len(sniffed):
        return None
    records = list(objects(context.splitlines()))
    columns = list(dict.fromkeys(key for record in records for key in record))
    if len(columns) < 2:
        return None

    def cell(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    return _typed(columns, [[cell(record.get(c)) for c in columns] for record in records])


def _typed(columns: list[str], rows: list[list[str]]) -> Table | None:
    """The table of these rows, with its number and date columns found; None for too few rows."""
    if len(rows) < MIN_ROWS:
        return None
    width = len(columns)
    numbers = {i for i in range(width) if sum(_number(row[i]) is not None for row in rows) >= NUMERIC_SHARE * len(rows)}
    dates = next((i for i in range(width) if i not in numbers
                  and sum(bool(_ISO_DATE.match(row[i])) for row in rows) >= NUMERIC_SHARE * len(rows)), None)
    return Table(columns, rows, numbers, dates)


def _holds(cell: float | None, op: str, n: float) -> bool:
    return cell is not None and _TESTS[_SIGNS[op]](cell, n)


def has_condition(question: str) -> bool:
    """Whether the question limits what it counts by a comparison, a date or a period (wordings.py asks too)."""
    return bool(_CONDITION.search(question))


def table_of(context: Any) -> Table | None:
    return cached(context, parse) if isinstance(context, str) else None


def named_values(table: Table, question: str) -> dict[int, str]:
    """The cell values of text columns the question names, whole and in any case, each in the column that holds
    it ("Okafor" -> customer), the longest first where one holds another."""
    asked = " " + " ".join(_WORD.findall(question.lower())) + " "
    found: dict[int, str] = {}
    for i in range(len(table.columns)):
        if i in table.numbers or i == table.dates:
            continue
        for value in sorted({row[i] for row in table.rows}, key=len, reverse=True):
            words = " ".join(_WORD.findall(value.lower()))
            named = f" {words} " in asked or f" {plural(words)} " in asked  # "errors" names the value ERROR
            if words and named and words not in table.column_words(i) and i not in found:
                found[i] = value
    return found


def named_columns(table: Table, question: str) -> list[int]:
    """The columns whose names (a word of one) the question holds, in the table's order."""
    asked = {w.lower() for w in _WORD.findall(question)}
    return [i for i in range(len(table.columns)) if table.column_words(i) & asked]


def answer(context: Any, question: str) -> Counted | None:
    """What code reads from the table for the question, and the answer it gives (kinds above); None where the
    context is no table or the question is none of those kinds."""
    table = table_of(context)
    if table is None:
        return None
    period, span = PERIOD.search(question), SPAN.search(question)
    if (period or span) and table.dates is None:
        return None
    # The question without the comparisons, the period, the span and the count of values asked read below.
    rest = _TOP.sub(" ", SPAN.sub(" ", PERIOD.sub(" ", _COMPARISON.sub(" ", question))))
    if has_condition(rest):
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
    month, year = month_and_year(period)
    rows = [row for row in table.rows if all(row[i].lower() == v.lower() for i, v in values.items())
            and all(_holds(_number(row[measure]), op, n) for op, n in compared)
            and (not period or in_period(row[table.dates], month, year))
            and (not span or in_span(row[table.dates], span))]
    conditions = [f"{table.columns[i]} = {v}" for i, v in values.items()]
    conditions += [f"{table.columns[measure]} {_SIGNS[op]} {plain_number(n)}" for op, n in compared]
    if period:
        conditions.append(f"{table.columns[table.dates]} in {period.group().split(None, 1)[1]}")
    if span:
        conditions.append(f"{table.columns[table.dates]} {span.group()}")
    where = " and ".join(conditions)
    whole = f"the table at line {table.line:,} of the text" if table.line else "the whole table"
    shape = f"Read by code over {whole} ({len(table.rows):,} rows; columns: {', '.join(table.columns)})"
    which = _WHICH.match(question.split("\n")[-1] if "\n" in question.strip() else question)
    by = [i for i in named_columns(table, which["noun"]) if i not in table.numbers and i not in values] if which else []
    if len(by) == 1 and (grouped := _grouped(table, rows, by[0], numbers[:1], question, shape, where)):
        return grouped  # else "which department is employee E10786 in?": one row's cell, below
    distinct = DISTINCT.search(question)
    if distinct and HOW_MANY.search(question):
        kept = [i for i in named_columns(table, distinct["noun"]) if i not in values]
        if len(kept) != 1:
            return None
        found = {row[kept[0]] for row in rows}
        among = f" among the rows with {where}" if where else ""
        facts = f"{shape}:\ndifferent values of {table.columns[kept[0]]}{among}: {len(found):,}"
        return Counted(facts, str(len(found)))
    if not values and not compared and not period and not span:
        return None
    if PERCENT.search(question):
        # Of all rows: where the question sets two conditions, which one is the whole ("what share of Novak's
        # orders were over 100?") is not read here.
        if len(values) + len(compared) + bool(period) + bool(span) != 1:
            return None
        share = 100 * len(rows) / len(table.rows)
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,} of {len(table.rows):,}, "
                       f"{shown_number(round(share, 2))}%", f"{plain_number(round(share, 2))}%")
    if HOW_MANY.search(question) and not (TOTAL.search(question) or AVERAGE.search(question)):
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,}", str(len(rows)))
    asked = [i for i in named_columns(table, rest) if i not in values]
    if values and len(rows) == 1 and len(asked) == 1 and not HOW_MANY.search(question):
        # "What is the email of employee E10786?": the one row holding the values, and the column asked.
        shown = "; ".join(f"{c}: {v}" for c, v in zip(table.columns, rows[0]))
        return Counted(f"{shape}:\nthe one row with {where}: {shown}", rows[0][asked[0]])
    # "How much did Ferreira pay in total?" names no column: the table's only number column is summed.
    summed = numbers[0] if len(numbers) == 1 else measure if not numbers and not HOW_MANY.search(question) else None
    if summed is not None and (TOTAL.search(question) or AVERAGE.search(question)):
        cells = [c for row in rows if (c := _number(row[summed])) is not None]
        mean = bool(AVERAGE.search(question))
        value = statistics.fmean(cells) if mean and cells else sum(cells)
        said = f"{'average' if mean else 'total'} {table.columns[summed]}"
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,}; their {said}: {shown_number(value)}", plain_number(value))
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if measure is not None and most != least and not HOW_MANY.search(question) and not by:
        # "What was the largest single order placed by Lindqvist?": the number column's extreme among the rows.
        cells = [c for row in rows if (c := _number(row[measure])) is not None]
        if cells:
            value = max(cells) if most else min(cells)
            said = f"{'largest' if most else 'smallest'} {table.columns[measure]}"
            return Counted(f"{shape}:\nrows with {where}: {len(rows):,}; their {said}: {shown_number(value)}",
                           plain_number(value))
    return None


def month_and_year(period: re.Match | None) -> tuple[int | None, int | None]:
    """The month (1-12) and year a period names, each None where it names none."""
    if period is None:
        return None, None
    month = MONTH_NAMES.index(period["month"][:3].lower()) + 1 if period["month"] else None
    year = period["month_year"] or period["year"]
    return month, int(year) if year else None


def in_period(cell: str, month: int | None, year: int | None) -> bool:
    date = _ISO_DATE.match(cell)
    return bool(date) and (month is None or int(date["month"]) == month) and (year is None or int(date["year"]) == year)


def in_span(cell: str, span: re.Match) -> bool:
    date = _ISO_DATE.match(cell)
    if not date:
        return False
    day = date.group()
    if span["m1"]:
        first, last = (MONTH_NAMES.index(span[m][:3].lower()) + 1 for m in ("m1", "m2"))
        month, year = int(date["month"]), int(date["year"])
        first_year, last_year = span["y1"] or span["y2"], span["y2"] or span["y1"]
        if first_year:
            return (int(first_year), first) <= (year, month) <= (int(last_year), last)
        return first <= month <= last if first <= last else month >= first or month <= last  # November to February
    if span["start"]:
        return span["start"] <= day <= span["end"]
    return {"before": day < span["day"], "after": day > span["day"], "since": day >= span["day"]}.get(
        span["op"].lower(), day <= span["day"])  # until, through


def _top(question: str) -> int:
    """How many values "which three products ...?" or "the top 5 customers" asks for: 1 where it names none."""
    m = _TOP.search(question)
    if not m:
        return 1
    n = m["n"].lower()
    return _NUMBER_WORDS.index(n) + 2 if n in _NUMBER_WORDS else int(n)


def _grouped(table: Table, rows: list[list[str]], by: int, numbers: list[int], question: str, shape: str,
             where: str) -> Counted | None:
    """For "which <column> has the most / fewest ...?": the rows per value of column `by`, and where a number
    column is named, its sum (or mean, where the question says average) per value; the extreme one answers, or
    the extreme n where the question asks for n ("which three products ...")."""
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if most == least:
        return None
    mean = bool(AVERAGE.search(question))
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
    n = _top(question)
    if len(ranked) < n:
        return None
    # Values tied with the n-th are named too, and the tie said: no n of them answer alone.
    last = score[ranked[n - 1]]
    named = ranked[:n] + [k for k in ranked[n:] if score[k] == last]
    tied = [k for k in named if score[k] == last]
    said = ", ".join(named) + (f" ({', '.join(tied[:-1])} and {tied[-1]} tied at {shown_number(last)})"
                               if len(tied) > 1 else "")
    among = f" among the rows with {where}" if where else ""
    lines = [f"  {k}: {shown_number(score[k])}" for k in ranked[:max(SHOWN_GROUPS, len(named))]]
    facts = f"{shape}:\n{unit} by {table.columns[by]}{among}, {'most' if most else 'fewest'} first:\n" + "\n".join(lines)
    return Counted(facts, said)


def shown_number(value: float) -> str:
    """A count or sum as the root is shown it: 1,234 or 1,234.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def plain_number(value: float) -> str:
    """A sum or mean as the answer: 1234.5, no thousands separator."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
