"""Answers over a table's rows grouped, for table_answers.py: by a column ("which customer placed the most orders?",
"which three products sold the most units?"), per every value of a column ("how many tickets of each priority?"),
or by a part of their date ("in which month were the most orders placed?"); counted, a number column summed or
averaged per group, or another column's different values counted per group ("which region has the most different
customers?": the 1.5B root was given the region of the most orders, code's answer to another question, set S).
"""

from __future__ import annotations

import datetime
import re
import statistics
from collections import Counter, defaultdict

from .counted import Counted
from .periods import date_part, iso_day
from .querywords import (AVERAGE, DISTINCT, HOW_MANY, HOW_MUCH, LEAST, MOST, TOTAL, asked_statistic, computed,
                         count_of, meets, ordinal)
from .table_rows import TOP, Asked, asked_rows
from .tables import Table, items, named_columns, number, plain_number, shown_number

SHOWN_GROUPS = 12  # rows of a grouped count or sum shown to the root, the extreme first
MAX_GROUPS_LISTED = 30  # "how many tickets of each priority?": a column of more values is no list of groups to give
# "In which month were the most orders placed?": a part of the date column's days, grouped by.
_PERIOD_UNITS = ("day", "week", "month", "year")  # "per month": rows averaged over the months the rows span
DATE_PART = re.compile(r"^\W*(?:(?:in|during|on)\s+)?(?:which|what)\s+(?P<part>month|year|weekday)\b", re.I)


def per_group(asked: Asked, question: str, each: re.Match) -> Counted | None:
    """"How many tickets are there of each priority?", "the total amount per customer": the rows (or the named
    number column's total or average) of every value of the column named after "each" / "per", all listed."""
    table = asked.table
    by = [i for i in named_columns(table, each["noun"]) if i not in table.numbers and i not in asked.values]
    if len(by) != 1:
        return None
    groups: dict[str, list[float]] = defaultdict(list)
    measure = _how_much(asked, question)  # "how much did each customer spend?": the amounts, not the rows
    for row in asked.rows:
        groups[row[by[0]]].append((number(row[measure]) or 0.0) if measure is not None else 1.0)
    if not groups or len(groups) > MAX_GROUPS_LISTED:
        return None
    mean = measure is not None and bool(AVERAGE.search(question))
    score = {k: statistics.fmean(v) if mean else sum(v) for k, v in groups.items()}
    unit = f"{'average' if mean else 'total'} {table.columns[measure]}" if measure is not None else "rows"
    ranked = sorted(score, key=lambda k: -score[k])
    facts = f"{asked.shape}:\n{unit} by {table.columns[by[0]]}{asked.among()}:\n" + \
        "\n".join(f"  {k}: {shown_number(score[k])}" for k in ranked)
    return Counted(facts, ", ".join(f"{k}: {plain_number(round(score[k], 2))}" for k in ranked))


def per_period(asked: Asked, question: str, each: re.Match) -> Counted | None:
    """"On average, how many orders were placed per month in 2024?", "the average amount per day": the rows (or
    the named number column's total) over the rows' days, divided by the days, weeks, months or years from the
    first of them to the last, both in (a month without rows counts, as none); None for another question."""
    unit, table = each["noun"].lower().removesuffix("s"), asked.table
    if unit not in _PERIOD_UNITS or table.dates is None or not AVERAGE.search(question):
        return None
    dated = [(day, row) for row in asked.rows if (day := iso_day(row[table.dates]))]
    if not dated:
        return None
    first, last = min(day for day, _ in dated), max(day for day, _ in dated)
    spans = {"day": (last - first).days + 1, "year": last.year - first.year + 1,
             "week": (last - datetime.timedelta(days=last.weekday()) - first + datetime.timedelta(days=first.weekday())).days // 7 + 1,
             "month": (last.year - first.year) * 12 + last.month - first.month + 1}
    # A count of rows, or a total ("how much was sold per month, on average?"); "the average amount per month" may
    # be each month's average amount: not read here.
    summing = len(asked.numbers) == 1 and bool(TOTAL.search(question) or HOW_MUCH.search(question))
    if not summing and not HOW_MANY.search(question):
        return None
    return _averaged(asked, [row for _, row in dated], asked.numbers[0] if summing else None, spans[unit],
                     f"over the {spans[unit]} {unit}s from {first} to {last} (both in)", f"a {unit}")


def _averaged(asked: Asked, rows: list[list[str]], measure: int | None, divisor: int, over: str, each: str) -> Counted:
    """The rows counted (or their `measure` column's total) divided by `divisor`, the periods or values they are
    spread over (per_period, per_value), with what was read."""
    table = asked.table
    total = sum(number(row[measure]) or 0.0 for row in rows) if measure is not None else len(rows)
    picked = f"rows with {asked.where}" if asked.where else "rows"
    counted = f"{len(rows):,}; their total {table.columns[measure]}: {shown_number(total)}" if measure is not None \
        else f"{len(rows):,}"
    value = round(total / divisor, 2)
    return Counted(f"{asked.shape}:\n{picked}: {counted}, {over}: {shown_number(value)} {each}", plain_number(value))


def _how_much(asked: Asked, question: str) -> int | None:
    """The number column a question sums: the one it names, or for "how much ...?" the table's only one (asked.measure);
    None for a count ("how many ...?")."""
    if HOW_MANY.search(question):
        return None
    return asked.numbers[0] if len(asked.numbers) == 1 else asked.measure if HOW_MUCH.search(question) else None


def per_value(asked: Asked, question: str, each: re.Match) -> Counted | None:
    """"What is the average number of orders per customer?", "the average amount spent per customer": the rows (or
    the named number column's total) over the different values of the column named after "per" / "each", among the
    rows asked about; None for another question. Listed per customer instead (per_group), forty values were more
    than a list answers (set T)."""
    table = asked.table
    by = [i for i in named_columns(table, each["noun"]) if i not in table.numbers and i not in asked.values]
    # A count of rows, or a total ("on average, how much did each customer spend in total?"); "the average amount per
    # customer" may be each customer's average amount: not read here, as per_period does not.
    measure = _how_much(asked, question)
    summing = measure is not None and bool(TOTAL.search(question) or HOW_MUCH.search(question))
    if len(by) != 1 or not AVERAGE.search(question) or not (summing or HOW_MANY.search(question)):
        return None
    values = {key for row in asked.rows for key in (items(row[by[0]]) if by[0] in table.lists else [row[by[0]]])}
    if not values:
        return None
    return _averaged(asked, asked.rows, measure if summing else None, len(values),
                     f"over {len(values):,} different {table.columns[by[0]]} values", "each")


def by_date_part(asked: Asked, question: str, part: str) -> Counted | None:
    """"In which month were the most orders placed?", "which year had the largest total amount?": the rows grouped
    by that part of their date (month, year, weekday), counted, or their number column's total, average or median
    where the question asks one; the part with the most or fewest (the one part, where all rows share it). None without most or
    fewest, or on a tie."""
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    table = asked.table
    if most == least:
        return None
    kind = asked_statistic(question)  # "the highest average temperature": each part's mean (the rows were counted)
    measured = asked.measure if kind in ("total", "average", "median") else None
    values: dict[str, list[float]] = defaultdict(list)
    for row in asked.rows:
        if day := iso_day(row[table.dates]):
            key = (day.year, day.month, day.day, 0)
            values[date_part(key, part.lower())].append((number(row[measured]) or 0) if measured is not None else 1)
    per = {k: computed(kind, v) if measured is not None else len(v) for k, v in values.items()}
    ranked = sorted(per, key=lambda k: per[k], reverse=most)
    if not ranked or (len(ranked) > 1 and per[ranked[0]] == per[ranked[1]]):
        return None
    said = f"{kind} {table.columns[measured]}" if measured is not None else "rows"
    shown = "\n".join(f"  {k}: {shown_number(per[k])}" for k in ranked[:SHOWN_GROUPS])
    return Counted(f"{asked.shape}:\n{said} by the {part} of {table.columns[table.dates]}, "
                   f"{'most' if most else 'fewest'} first:\n{shown}", ranked[0])


def top(question: str) -> int:
    """How many values "which three products ...?" or "the top 5 customers" asks for: 1 where it names none."""
    m = TOP.search(question)
    if not m:
        return 1
    return count_of(m["n"])


def grouped(asked: Asked, by: int, question: str) -> Counted | None:
    """For "which <column> has the most / fewest ...?": the rows per value of column `by`, and where a number
    column is named, its sum (or mean, where the question says average) per value; the extreme one answers, or
    the extreme n where the question asks for n ("which three products ...")."""
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if most == least:
        return None
    table, rows, numbers = asked.table, asked.rows, asked.numbers[:1]
    mean = bool(AVERAGE.search(question))
    groups: dict[str, list[float]] = defaultdict(list)

    def keys(row: list[str]) -> list[str]:  # a list cell's items each ("which tag is used on the most posts?")
        return items(row[by]) if by in table.lists else [row[by]]
    distinct = DISTINCT.search(question)
    if distinct:  # "which region has the most different customers?": the different values of that column per group
        of = [i for i in named_columns(table, distinct["noun"]) if i not in table.numbers and i != by]
        if len(of) != 1:
            return None  # different what: no column of it, and the rows per group are no answer to it
        held: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            for key in keys(row):
                held[key].add(row[of[0]])
        score, unit = {k: len(v) for k, v in held.items()}, f"different {table.columns[of[0]]}"
    elif numbers:
        for row in rows:
            if (c := number(row[numbers[0]])) is not None:
                for key in keys(row):
                    groups[key].append(c)
        score = {k: (statistics.fmean(v) if mean else sum(v)) for k, v in groups.items()}
        unit = f"{'average' if mean else 'total'} {table.columns[numbers[0]]}"
    else:
        score, unit = dict(Counter(key for row in rows for key in keys(row))), "rows"
    if not score:
        return None
    ranked = sorted(score, key=lambda k: score[k], reverse=most)
    n, nth = top(question), ordinal(question)
    if len(ranked) < max(n, nth):
        return None
    if nth > 1:  # "which city has the second most orders?": the value at that place, and those tied with it
        named = [k for k in ranked if score[k] == score[ranked[nth - 1]]]
        said = ", ".join(named) + (" (tied)" if len(named) > 1 else "")
        shown, place = max(SHOWN_GROUPS, nth), f" (place {nth} asked)"
    else:  # values tied with the n-th are named too, and the tie said: no n of them answer alone
        last = score[ranked[n - 1]]
        named = ranked[:n] + [k for k in ranked[n:] if score[k] == last]
        tied = [k for k in named if score[k] == last]
        said = ", ".join(named) + (f" ({', '.join(tied[:-1])} and {tied[-1]} tied at {shown_number(last)})"
                                   if len(tied) > 1 else "")
        shown, place = max(SHOWN_GROUPS, len(named)), ""
    lines = [f"  {k}: {shown_number(score[k])}" for k in ranked[:shown]]
    facts = (f"{asked.shape}:\n{unit} by {table.columns[by]}{asked.among()}, {'most' if most else 'fewest'} first"
             f"{place}:\n" + "\n".join(lines))
    return Counted(facts, said)


# "customers who ordered in more than one city", "at least two different cities": values of one column counted by
# how many different values of another their rows hold.
_SPREAD = re.compile(r"\b(?P<op>more than|at least|fewer than|less than|at most|exactly|only)\s+(?P<n>one|two|three|four|five"
                     r"|\d+|a single)\s+(?:different\s+|distinct\s+|separate\s+)?(?P<noun>[a-z_-]+)\b", re.I)


def spread(table: Table, question: str) -> Counted | None:
    """"How many customers placed orders in more than one city?": the values of the column the counted noun names
    whose rows (those the rest of the question picks) hold more (fewer ...) than n different
    values of the column the compared noun names; "which customers ...?" lists them. None for another question."""
    found = _SPREAD.search(question)
    counted = re.match(r"^\W*(?:how many|which|what)\s+(?:different\s+)?(?P<noun>[a-z_-]+)", question, re.I)
    if found is None or counted is None:
        return None
    # Not a list column: "users with more than two roles" counts each row's items (table_rows), not different lists
    of = [i for i in named_columns(table, found["noun"]) if i not in table.numbers and i not in table.lists]
    per = [i for i in named_columns(table, counted["noun"]) if i not in table.numbers]
    if len(of) != 1 or len(per) != 1 or of == per:
        return None
    asked = asked_rows(table, question[:found.start()] + " " + question[found.end():], None)
    if asked is None:
        return None
    held: dict[str, set[str]] = defaultdict(set)
    for row in asked.rows:
        held[row[per[0]]].add(row[of[0]])
    n = 1 if found["n"].lower() == "a single" else count_of(found["n"])
    picked = [value for value, values in held.items() if meets(len(values), found["op"].lower(), n)]
    facts = (f"{asked.shape}:\n{table.columns[per[0]]} values{asked.among()}: {len(held):,}; of them, with "
             f"{found['op'].lower()} {n} different {table.columns[of[0]]}: {len(picked):,}")
    if HOW_MANY.search(question):
        return Counted(facts, str(len(picked)))
    if len(picked) > MAX_GROUPS_LISTED:
        return None
    return Counted(facts + ":\n" + "\n".join(f"  {v}: {', '.join(sorted(held[v]))}" for v in picked), ", ".join(picked))
