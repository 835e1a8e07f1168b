"""The rows a question picks of a table (tables.py), for table_answers.py: the cell values it names (not those
it excludes: "not in the Sales department", "other than Novak"; not a value standing as its verb: "did tom
open"), its comparisons of a number column ("over 350"; "above the average amount", against the column's mean
over every row), a number column set equal to a number ("a timeout of 30", "3 retries") or bounded by a year
("joined after 2020", over a column of years), its period or span of the date column, a quoted word a text
column holds ("'steel' in their name"), a list column's length ("more than two roles"), two columns equal ("the
same city they were billed to"), said as one condition ("customer = Okafor and amount > 7"); and whether a question of every row leaves a word no column or value explains (a condition not read).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from .querywords import AGGREGATE_WORDS, NUMBER_WORDS, QUESTION_WORDS, SIGNS, count_of, meets, query_terms, verb_forms
from .periods import days_asked, iso_day
from .tables import (WORD, Table, has_condition, holds, items, named_columns, named_values, number, plain_number,
                     several_named)

COMPARED_WORDS = 3  # "an area under 100": a comparison is of the number column named this many words before it
EXCLUDED_GAP = 3  # "not shipped to the Lagos": words between an excluding word and its value
# "how many tickets of each priority?", "the total per customer", "broken down by city": every group of a column.
EACH = re.compile(r"\b(?:for each|of each|each|every|per|(?:broken down|grouped|split) by)\s+(?P<noun>[\w-]+)", re.I)
# "not in the Sales department", "other than Novak", "excluding Lagos": words that exclude the value after them.
_EXCLUDING_WORDS = r"not|n't|except(?:\s+for)?|excluding|besides|other than|apart from|outside(?:\s+of)?"
_EXCLUDING = re.compile(rf"\b(?:{_EXCLUDING_WORDS})\b", re.I)
_EXCLUDING_AS_WORDS = _EXCLUDING_WORDS.replace("n't", "t")  # over a question cut into words, "isn't" is "isn t"
# The words a question of every row asks in ("what is the median order amount?"): none of them picks rows.
_ASKING_WORDS = QUESTION_WORDS | AGGREGATE_WORDS | {"value", "values", "recorded", "single", "table", "rows", "row",
                                                    "entries", "entry", "records", "record", "there", "any", "listed",
                                                    "included", "contained", "shown",
                                                    "recent", "latest", "earliest", "first", "last", "date", "day",
                                                    "second", "third", "fourth", "fifth", "2nd", "3rd", "4th", "5th",
                                                    # "in total across all orders": every row, which the stop words
                                                    # (bm25s's English list) leave in
                                                    "all", "across", "every", "were", "was", "are", "is",
                                                    "range", "percentile", "common", "commonest", "frequent",
                                                    "usual"}  # querywords.asked_statistic's
# "above the average amount", "below the median salary": a comparison with a column's mean over every row.
_VS_MEAN = re.compile(r"\b(?P<op>more than|greater than|higher than|larger than|above|over|less than|lower than"
                      r"|smaller than|below|under)\s+(?:the\s+)?(?P<kind>average|mean|median)\b(?P<noun>(?:\s+[a-z_]+){0,2})", re.I)
# "more than 100000", "over 350", "under $50", "at least 3": a number column's cells compared with a number.
COMPARISON = re.compile(r"\b(?P<op>more than|greater than|larger than|higher than|longer than|older than"
                         r"|bigger than|above|over|exceeding|at least|less than|fewer than|smaller than|lower than"
                         r"|shorter than|younger than|below|under|at most)\s+[$€£]?(?P<n>\d[\d,]*(?:\.\d+)?)\b", re.I)
# "no timeout set", "without an email", "missing an owner": a column whose cell the rows asked about leave empty.
_MISSING = re.compile(r"\b(?:no|without(?:\s+an?)?|missing(?:\s+an?)?|lacking(?:\s+an?)?)\s+(?P<noun>[\w-]+)", re.I)
# "have 'steel' in their name", "whose title contains the word 'draft'": a text column's cells holding a word (or
# words) the question quotes, whole and in any case.
_QUOTE = r"['\"“‘`](?P<{}>[^'\"“”‘’`]{{1,40}})['\"”’`]"
_CONTAINS = re.compile(_QUOTE.format("word") + r"\s+in\s+(?:its|their|the|his|her)\s+(?P<noun>[\w-]+)"
                       r"|\b(?P<noun2>[\w-]+)\s+(?:contains?|containing|includes?|including|mentions?|mentioning)\s+"
                       r"(?:the\s+(?:word|words|text|string|phrase)\s+)?" + _QUOTE.format("word2"), re.I)
# "users with more than two roles", "posts with at least 3 tags": a list column's items counted and compared.
_LENGTH = re.compile(r"\b(?P<op>more than|at least|fewer than|less than|at most|exactly|over|under)\s+(?P<n>\d+|"
                     + "|".join(NUMBER_WORDS) + r")\s+(?:different\s+)?(?P<noun>[a-z_-]+)\b", re.I)
# "the year's visitors", "this month's orders": the data's whole, no period to pick rows by.
_WHOLE_PERIOD = re.compile(r"\b(?:the|this)\s+(?:year|month|week|day|quarter)'s\b", re.I)
# "shipped to the same city they were billed to": two text columns the noun names, equal in a row.
_SAME = re.compile(r"\b(?:the\s+)?same\s+(?P<noun>[\w-]+)\b", re.I)
# "joined after 2020", "built before 1990": a bound on a number column of years (an ISO date's is SPAN's).
_YEAR_BOUND = re.compile(r"\b(?P<op>after|since|before|prior to|until)\s+(?P<year>(?:18|19|20)\d\d)\b(?!-)", re.I)
# "which three products ...", "the top 5 customers": how many values of a column the answer names.
TOP = re.compile(r"\b(?:top|which|what|the)\s+(?P<n>two|three|four|five|six|seven|eight|nine|ten|[2-9]|1\d)\b", re.I)


@dataclass
class Asked:
    """What a question picks of a table: the rows holding the values it names (not those it excludes), meeting
    its comparisons and on its days (periods.Days), said as `where`."""
    table: Table
    rest: str  # the question without what is read here (comparisons, period, span, exclusions, groups, "than X")
    values: dict[int, str]
    excluded: dict[int, str]
    numbers: list[int]  # the number columns it names
    measure: int | None  # the number column a comparison or an extreme is of
    conditions: int
    rows: list[list[str]]
    where: str
    shape: str

    def among(self) -> str:
        return f" among the rows with {self.where}" if self.where else ""


def against_mean(table: Table, question: str) -> str:
    """The question with a comparison against a column's mean or median over every row ("above the average
    amount") written as one against that number ("above 452.1"), where the column is the one named or the only
    number column; as it is where there is none."""
    def the_number(m: re.Match) -> str:
        named = [i for i in named_columns(table, m["noun"] or "") if i in table.numbers]
        column = named[0] if len(named) == 1 else next(iter(table.numbers)) if len(table.numbers) == 1 else None
        cells = [c for row in table.rows if (c := number(row[column])) is not None] if column is not None else []
        if not cells:
            return m.group()
        mean = statistics.median(cells) if m["kind"].lower() == "median" else statistics.fmean(cells)
        return f"{m['op']} {round(mean, 2)}"
    return _VS_MEAN.sub(the_number, question)


def asked_rows(table: Table, question: str, each: re.Match | None) -> Asked | None:
    """The rows the question picks (`Asked`); None where it holds a condition code does not read."""
    days = days_asked(question)
    as_value = ""  # "in July" of a table without dates whose `Month` column holds "July": a value, read below
    if days and table.dates is None:
        if not days.period or not named_values(table, days.period.group()):
            return None  # a period of a table without dates: not read here
        days, as_value = None, days.period.group()
    if days and days.recent:  # "in the last 7 days of the data": back from the date column's latest day
        days = days.anchored(max((d for row in table.rows if (d := iso_day(row[table.dates]))), default=None))
    # The question without the comparisons, the period, the span, the group asked per and the count of values
    # asked, read below.
    equal = _equalities(table, question)  # "a timeout of 30", "3 retries"
    for (start, end), _, _ in sorted(equal, reverse=True):  # only what was read: "longer than 1500 ms" stays
        question = question[:start] + " " + question[end:]
    bounds = _year_bounds(table, question)  # "joined after 2020", over a column of years
    question = _YEAR_BOUND.sub(" ", question) if bounds else question
    empty = _missing(table, question)  # "which jobs have no timeout set?": rows without a cell of that column
    question = _MISSING.sub(" ", question) if empty else question
    holding = _containing(table, question)  # "how many products have 'steel' in their name?"
    question = _CONTAINS.sub(" ", question) if holding else question
    lengths = _list_lengths(table, question)  # "how many users have more than two roles?"
    question = _LENGTH.sub(" ", question) if lengths else question
    same = _same_columns(table, question)  # "how many orders were shipped to the same city they were billed to?"
    question = _SAME.sub(" ", question) if same else question
    rest = COMPARISON.sub(" ", question)
    rest = TOP.sub(" ", days.cut(rest) if days else rest)
    rest = EACH.sub(" ", rest) if each else rest
    excluded = _excluded(table, rest)
    rest = _EXCLUDING.sub(" ", rest) if excluded else rest
    if has_condition(_WHOLE_PERIOD.sub(" ", rest.replace(as_value, " ") if as_value else rest)):
        return None
    values = {i: v for i, v in named_values(table, rest).items() if i not in excluded}
    values = {i: v for i, v in values.items() if i not in _verbs(values, rest)}
    said = " ".join(v.lower() for v in [*values.values(), *excluded.values()])
    # A column's name holding a digit ("Q1") is no number either.
    unnamed = " ".join(w for w in WORD.findall(rest)
                       if not any(w.lower() in table.column_words(i) for i in range(len(table.columns))))
    if any(n not in said for n in re.findall(r"\d+", unnamed.lower())):
        return None  # a number that is no value named: a condition (a year, an amount) code here does not read
    # The number columns it names, but those a condition above already reads ("who joined after 2020": joined).
    numbers = [i for i in named_columns(table, question) if i in table.numbers
               and i not in {b[0] for b in bounds} | {e[1] for e in equal}]
    # A comparison is of the number column the question names, or of the table's only one.
    measure = numbers[0] if len(numbers) == 1 else next(iter(table.numbers)) if len(table.numbers) == 1 else None
    compared = _comparisons(table, question, measure)
    if compared is None:
        return None
    # Two values or more of one column ("from Lagos or Oslo"): rows holding any of them. "Both" is _in_each's.
    several = {i: vs for i, vs in several_named(table, rest).items() if i in values}
    rows = [row for row in table.rows if all(any(holds(table, row, i, one) for one in several.get(i, [v]))
                                             for i, v in values.items())
            and not any(holds(table, row, i, v) for i, v in excluded.items())
            and all(meets(number(row[i]), op, n) for i, op, n in compared)
            and all(number(row[i]) == n for _, i, n in equal)
            and all(meets(number(row[i]), op, n) for i, op, n in bounds)
            and not any(row[i].strip() for i in empty)
            and all(re.search(pattern, row[i]) for i, _, pattern in holding)
            and all(meets(len(items(row[i])), op, n) for i, op, n in lengths)
            and all(row[i].strip().lower() == row[k].strip().lower() for i, k in same)
            and (not days or days.holds_cell(row[table.dates]))]
    conditions = [f"{table.columns[i]} = {' or '.join(several.get(i, [v]))}" for i, v in values.items()]
    conditions += [f"{table.columns[i]} != {v}" for i, v in excluded.items()]
    conditions += [f"{table.columns[i]} {SIGNS[op]} {plain_number(n)}" for i, op, n in compared]
    conditions += [f"{table.columns[i]} = {plain_number(n)}" for _, i, n in equal]
    conditions += [f"{table.columns[i]} {SIGNS[op]} {plain_number(n)}" for i, op, n in bounds]
    conditions += [f"{table.columns[i]} missing" for i in empty]
    conditions += [f"{table.columns[i]} holding {said!r}" for i, said, _ in holding]
    conditions += [f"number of {table.columns[i]} {SIGNS[op]} {n}" for i, op, n in lengths]
    conditions += [f"{table.columns[i]} = {table.columns[k]}" for i, k in same]
    if days:
        conditions.append(f"{table.columns[table.dates]} {days.said()}")
    return Asked(table, rest, values, excluded, numbers, measure, len(conditions), rows, " and ".join(conditions),
                 table.shape())


def _missing(table: Table, question: str) -> list[int]:
    """The columns the question asks rows to lack ("no timeout set", "without an email", "missing owner"): those
    it names there whose cells some rows leave empty (a block without the field, a blank cell)."""
    named = [named_columns(table, m["noun"]) for m in _MISSING.finditer(question)]
    return [i for columns in named if len(columns) == 1 for i in columns
            if any(not row[i].strip() for row in table.rows)]


def _containing(table: Table, question: str) -> list[tuple[int, str, re.Pattern]]:
    """The text columns the question asks to hold a quoted word ("'steel' in their name"), each with the word and a
    pattern finding it whole in any case; [] where it asks none, or names no one text column there (then the
    quote is left to the rest of the question)."""
    found = []
    for m in _CONTAINS.finditer(question):
        named = [i for i in named_columns(table, m["noun"] or m["noun2"]) if i not in table.numbers]
        if len(named) != 1:
            return []
        word = (m["word"] or m["word2"]).strip()
        found.append((named[0], word, re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.I)))
    return found


def _same_columns(table: Table, question: str) -> list[tuple[int, int]]:
    """The two text columns a question asks to be equal ("the same city they were billed to": billing_city and
    shipping_city, the two the noun names); [] where it asks none, or the noun names other than two."""
    found = []
    for m in _SAME.finditer(question):
        named = [i for i in named_columns(table, m["noun"]) if i not in table.numbers]
        if len(named) != 2:
            return []
        found.append((named[0], named[1]))
    return found


def _list_lengths(table: Table, question: str) -> list[tuple[int, str, int]]:
    """The list columns the question compares the length of ("more than two roles"): each with the comparison's words
    and the number; [] where it compares none, or a noun there names no one list column."""
    found = []
    for m in _LENGTH.finditer(question):
        named = [i for i in named_columns(table, m["noun"]) if i in table.lists]
        if len(named) != 1:
            return []
        found.append((named[0], m["op"].lower(), count_of(m["n"])))
    return found


def _comparisons(table: Table, question: str, measure: int | None) -> list[tuple[int, str, float]] | None:
    """The question's comparisons, each with the number column it is of: the one named in the words just before it
    ("a population over 50000 and an area under 100": population, then area), else `measure`; None where one is
    of no column. Before, every comparison was read as of one column, and two named columns read none (set R)."""
    found = []
    for m in COMPARISON.finditer(question):
        before = " ".join(WORD.findall(question[:m.start()])[-COMPARED_WORDS:])
        named = [i for i in named_columns(table, before) if i in table.numbers]
        column = named[-1] if named else measure
        if column is None:
            return None
        found.append((column, m["op"].lower(), float(m["n"].replace(",", ""))))
    return found


def _equalities(table: Table, question: str) -> list[tuple[tuple[int, int], int, float]]:
    """The number columns the question sets equal to a number, by a word of the column's name: "a timeout of 30",
    "timeout = 30", "timeout is 30", "on port 8769", "3 retries"; each with where the question says it, the column
    and the number."""
    found = []
    compared = [m.span("n") for m in COMPARISON.finditer(question)]  # "longer than 1500 ms" is no equality
    for i in sorted(table.numbers):
        for word in sorted(table.column_words(i), key=len, reverse=True):
            pattern = re.compile(rf"\b{re.escape(word)}\s+(?:(?:of|=|equal to|equals|is|was|set to)\s+)?[$€£]?(?P<n>\d[\d,]*(?:\.\d+)?)\b"
                                 rf"|\b(?P<before>\d[\d,]*(?:\.\d+)?)\s+{re.escape(word)}\b", re.I)
            m = next((m for m in pattern.finditer(question) if m.span("n" if m["n"] else "before") not in compared), None)
            if m:
                found.append((m.span(), i, float((m["n"] or m["before"]).replace(",", ""))))
                break
    return found


def _year_bounds(table: Table, question: str) -> list[tuple[int, str, float]]:
    """"after 2020", "before 1990", "since 2015" over a number column of years (every cell a whole number from 1800 to
    2100): the column the question names of those, or the only one, with the comparison ("after" is "more than").
    [] where the question says none, or no one such column is there."""
    found = list(_YEAR_BOUND.finditer(question))
    years = [i for i in sorted(table.numbers) if all(c is not None and c == int(c) and 1800 <= c <= 2100
                                                      for c in (number(row[i]) for row in table.rows))]
    named = [i for i in named_columns(table, question) if i in years]
    column = named[0] if len(named) == 1 else years[0] if len(years) == 1 else None
    if not found or column is None:
        return []
    said = {"after": "more than", "since": "at least", "before": "less than", "prior to": "less than", "until": "at most"}
    return [(column, said[m["op"].lower()], float(m["year"])) for m in found]


def _verbs(values: dict[int, str], question: str) -> set[int]:
    """The values standing where the question's verb does, right after "did / does / do" and another value, its
    subject ("How many issues did tom open?": open is what tom did, not the state "open")."""
    asked = " ".join(WORD.findall(question.lower()))
    said = {i: " ".join(WORD.findall(v.lower())) for i, v in values.items()}
    return {i for i, verb in said.items() for k, subject in said.items() if k != i and
            re.search(rf"\b(?:did|does|do|will|would|can|could) {re.escape(subject)} {re.escape(verb)}\b", asked)}


def _excluded(table: Table, question: str) -> dict[int, str]:
    """The values the question excludes ("not in the Sales department", "not shipped to Lagos", "other than Novak",
    "excluding Lagos"), each in the column that holds it: a value at most EXCLUDED_GAP words after the excluding
    word."""
    asked = " ".join(WORD.findall(question.lower()))
    return {i: v for i, v in named_values(table, question).items()
            if re.search(rf"\b(?:{_EXCLUDING_AS_WORDS})"
                         rf"(?: \w+){{0,{EXCLUDED_GAP}}} {re.escape(' '.join(WORD.findall(v.lower())))}\b", asked)}


def unread_words(asked: Asked) -> list[str]:
    """The words of a question picking no rows that no column, value, asking word or the table's name explains
    ("how many items are in the inventory table?"): a question of every row ("what is the median order amount?") holds none."""
    table = asked.table
    explained = set().union(table.name_words(), *(table.column_words(i) for i in range(len(table.columns))))
    # "ordered" of an `order` column: a column's word as a verb; "sold", "bought": a verb of what every row records
    # (an irregular one; a regular "-ed" word may be a state, "cancelled", and is a condition not read)
    return [t for t in query_terms(asked.rest) if t not in explained and t not in _ASKING_WORDS
            and not (t.endswith("ed") and {t[:-2], t[:-1]} & explained) and not verb_forms(t)]
