"""Questions over a table (tables.py) settled by code: `count_table()` in the REPL, and the small profile's first
reading where the context is one.

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
  date column (ISO dates, as CSV exports write them), the rows in it;
- "what is the <column> of ...?" where the values name one row: that row's cell;
- "how many ...?" is the number of those rows; "what percentage / share of ...?" their share of all rows, where
  one condition picks them; "how many different <column> ...?" the number of distinct values of that column
  among them; "what is the total / average <number column> ...?" their sum or mean (of the only number column
  where none is named: "how much did Ferreira pay in total?"); "which <column> has the most / largest / fewest
  ...?" the value of that column whose rows have the extreme count, or, where a number column is named, the
  extreme sum ("total") or mean ("average"), else sum; "which three ...", "the top 5 ...": that many values.
  Values tied with the last one named are named too, and the tie is said.

A question none of these fits, or with a condition code here does not read (another comparison, a relative
period such as "last year", a number that is no value of the table), gets no answer here: the passages are read
as before. Nothing here knows a task.
"""

from __future__ import annotations

import operator
import re
import statistics
from collections import Counter, defaultdict
from typing import Any

from .code_counts import Counted
from .querywords import AVERAGE, DISTINCT, HOW_MANY, LEAST, MOST, TOTAL
from .tables import (PERCENT, PERIOD, SPAN, Table, has_condition, in_period, in_span, month_and_year, named_columns,
                     named_values, number, plain_number, shown_number, table_of)

SHOWN_GROUPS = 12  # rows of a grouped count or sum shown to the root, the extreme first
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
# "which three products ...", "the top 5 customers": how many values of a column the answer names.
_TOP = re.compile(r"\b(?:top|which|what|the)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|[2-9]|1\d)\b", re.I)
_NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _holds(cell: float | None, op: str, n: float) -> bool:
    return cell is not None and _TESTS[_SIGNS[op]](cell, n)


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
            and all(_holds(number(row[measure]), op, n) for op, n in compared)
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
        cells = [c for row in rows if (c := number(row[summed])) is not None]
        mean = bool(AVERAGE.search(question))
        value = statistics.fmean(cells) if mean and cells else sum(cells)
        said = f"{'average' if mean else 'total'} {table.columns[summed]}"
        return Counted(f"{shape}:\nrows with {where}: {len(rows):,}; their {said}: {shown_number(value)}", plain_number(value))
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if measure is not None and most != least and not HOW_MANY.search(question) and not by:
        # "What was the largest single order placed by Lindqvist?": the number column's extreme among the rows.
        cells = [c for row in rows if (c := number(row[measure])) is not None]
        if cells:
            value = max(cells) if most else min(cells)
            said = f"{'largest' if most else 'smallest'} {table.columns[measure]}"
            return Counted(f"{shape}:\nrows with {where}: {len(rows):,}; their {said}: {shown_number(value)}",
                           plain_number(value))
    return None


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
            if (c := number(row[numbers[0]])) is not None:
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
