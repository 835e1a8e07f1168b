"""A measure a question defines of two columns of each row: one number column times another ("What is the total
value of the stock, counting each product's unit price times its quantity?", "What was the average price multiplied
by quantity of the orders to Lagos?"), or the days between two date columns ("On average, how many days passed
between an order being placed and its delivery?": the 1.5B reader, shown a few rows, answered 4 for 7.5, set U).

The 1.5B reader, shown a few rows, answered 170 for a stock worth 126,342.21 (bench/issue12/fresh_probe.py, set
P). Code multiplies the two cells of every row the question's conditions pick (table_rows.py) and gives their
total, or the average or median the question asks.

The words around the product ("value of the stock") name what it measures: the question defines it, so they
are no condition, and the answer says they were so read. A condition code reads (a value, a comparison, a
period) still picks the rows. A side naming no number column, or two, leaves the question to the reader.
"""

from __future__ import annotations

import re

from .counted import Counted
from .periods import iso_day
from .querywords import LEAST, MOST, asked_statistic, computed
from .table_rows import asked_rows, unread_words
from .tables import Table, named_columns, number, plain_number, shown_number

# "unit price times its quantity", "price multiplied by quantity", "price x quantity", "price * quantity": the
# product, with the words that introduce it ("counting each product's", "computed as").
PRODUCT = re.compile(r"(?:,?\s*\b(?:counting|computed as|calculated as|taken as|as|i\.e\.|that is)\b)?"
                     r"(?:\s+(?:each|every)\s+[\w-]+(?:'s)?)?\s*\(?\s*(?P<a>(?:[\w-]+\s+){0,2}?[\w-]+)\s+"
                     r"(?:times|multiplied by|x|×|\*)\s+(?:its\s+|their\s+|the\s+)?(?P<b>[\w-]+(?:\s+[\w-]+)?)\)?", re.I)


def product(table: Table, question: str) -> Counted | None:
    """The total (average, median) of the product the question defines, over the rows it picks; None where it
    defines none of two number columns."""
    found = PRODUCT.search(question)
    if found is None:
        return None
    sides = [_number_column(table, found[side]) for side in ("a", "b")]
    if None in sides or sides[0] == sides[1]:
        return None
    rest = question[:found.start()] + " " + question[found.end():]
    asked = asked_rows(table, rest, None)
    if asked is None:
        return None
    naming = unread_words(asked) if not asked.conditions else []
    products = [x * y for row in asked.rows if (x := number(row[sides[0]])) is not None
                and (y := number(row[sides[1]])) is not None]
    if not products:
        return None
    kind = asked_statistic(rest) or "total"
    value = computed(kind, products)
    measure = f"{table.columns[sides[0]]} × {table.columns[sides[1]]}"
    rows = f"rows with {asked.where}" if asked.where else "rows"
    said = f" (the question's {', '.join(map(repr, naming))} taken as naming it)" if naming else ""
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; the {kind} of {measure}{said}: {shown_number(value)}",
                   plain_number(round(value, 2)))


def _number_column(table: Table, words: str) -> int | None:
    """The one number column the words name, trying the last words first ("each product's unit price": unit_price)."""
    terms = words.split()
    for start in range(len(terms)):
        named = [i for i in named_columns(table, " ".join(terms[start:])) if i in table.numbers]
        if len(named) == 1:
            return named[0]
    return None


# "how many days passed between an order being placed and its delivery?", "how long between ordering and shipping?"
_DAYS_BETWEEN = re.compile(r"\b(?:how\s+many\s+days|how\s+long|(?:number\s+of\s+)?days)\b(?:\s+[\w,]+){0,3}?\s+between\s+"
                           r"(?:[\w'-]+\s+){0,5}?and\s+(?:its\s+|their\s+|the\s+)?[\w'-]+", re.I)
DATE_SHARE = 0.9  # a column whose cells are ISO dates this often is a date column


def days_between(table: Table, question: str) -> Counted | None:
    """The average (median, total, largest ...) of the days between a table's two date columns, row by row, over
    the rows the rest of the question picks; None for another question, or a table of other than two date columns."""
    found = _DAYS_BETWEEN.search(question)
    dated = [i for i in range(len(table.columns)) if i not in table.numbers
             and sum(iso_day(row[i]) is not None for row in table.rows) >= DATE_SHARE * len(table.rows)]
    if found is None or len(dated) != 2:
        return None
    asked = asked_rows(table, question[:found.start()] + " " + question[found.end():], None)
    if asked is None:
        return None
    first, second = dated
    days = [abs((b - a).days) for row in asked.rows if (a := iso_day(row[first])) and (b := iso_day(row[second]))]
    kind = asked_statistic(question) or ("largest" if MOST.search(question) else "smallest" if LEAST.search(question)
                                         else None)
    if not days or (kind is None and len(days) != 1):
        return None
    value = computed(kind or "total", days)
    rows = f"rows with {asked.where}" if asked.where else "rows"
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; the days from {table.columns[first]} to "
                   f"{table.columns[second]}, their {kind or 'one value'}: {shown_number(round(value, 2))}",
                   plain_number(round(value, 2)))
