"""What share of a table's rows a question asks, for table_answers.py: "What percentage of the orders came from
Oslo?" (of all rows), "what percentage of the orders from Oslo were above 100?" (of the rows the words before its
verb pick: the whole the share is of); or of a number column's total, where those words name it ("What percentage
of the year's visitors came in July?": July's visitors of all; counted as rows, 1 of 12, set V).

With two conditions, which one is the whole was not read, and the question was left to a reader, which gave a
share of all rows (set T). The whole is what the words between "percentage of" and the question's verb pick
("the orders from Oslo", "Oslo's orders", "orders above 100"); the share is of the rows meeting every condition
among them. A change in percent ("by what percentage did sales grow in April?") is no share of rows: it was read
as one and said 30.93% for 4.52% (set Q).
"""

from __future__ import annotations

import re

from .counted import Counted
from .querywords import CHANGING
from .table_rows import Asked, asked_rows
from .tables import Table, named_columns, number, plain_number, shown_number

# "what percentage of the orders from Oslo were ...", "what share of Novak's orders came ...": the whole, up to the verb
_OF_WHOLE = re.compile(r"\b(?:percent(?:age)?|share|proportion|fraction|part)\s+of\s+(?P<whole>.+?)\s+(?:were|was|are|is|had|has"
                       r"|have|came|come|did|do|does|went|got|cost|costs|paid|placed|made|used|took|returned|ended|failed)\b",
                       re.I)

# "what percentage of sessions ...": the things the share is of, right after its word
_SHARE_OF = re.compile(r"\b(?:percent(?:age)?|share|proportion|fraction)\s+of\s+(?:the\s+|all\s+)?(?P<noun>[a-z_]+)", re.I)


def _of_grouped(table: Table, question: str) -> bool:
    """Whether the share asked is of things a text column names whose values repeat ("of sessions" over a row per
    event): each is many rows, so a share of rows is not a share of them (8.27% of rows for 27.5% of sessions, set Z)."""
    found = _SHARE_OF.search(question)
    named = [i for i in named_columns(table, found["noun"]) if i not in table.numbers and i != table.dates] if found else []
    return any(len({row[i] for row in table.rows}) < len(table.rows) for i in named)


def share(asked: Asked, question: str) -> Counted | None:
    """The share of rows the question asks, in percent (rules above); None where it names no condition, asks a
    change, or sets several conditions of which the words before its verb pick no whole that holds the rows."""
    table = asked.table
    if not asked.conditions or re.search(CHANGING, question, re.I) or _of_grouped(table, question):
        return None
    whole_rows, whole_where = table.rows, ""
    found = _OF_WHOLE.search(question)
    if asked.conditions > 1:
        whole = asked_rows(table, found["whole"], None) if found else None
        if whole is None or whole.conditions >= asked.conditions:
            return None
        kept = {id(row) for row in whole.rows}
        if whole.conditions and (not whole.rows or not all(id(row) in kept for row in asked.rows)):
            return None  # the rows asked about are not all of the whole's: it is no whole of them
        if whole.conditions:  # else "what percentage of orders were from Oslo and above 100?": of every row
            whole_rows, whole_where = whole.rows, f" with {whole.where}"
    measured = [i for i in named_columns(table, found["whole"]) if i in table.numbers] if found else []
    if len(measured) == 1:  # "what percentage of the year's visitors came in July?": of the column's total
        part, total = (sum(number(row[measured[0]]) or 0.0 for row in rows) for rows in (asked.rows, whole_rows))
        if not total:
            return None
        value = round(100 * part / total, 2)
        name = table.columns[measured[0]]
        return Counted(f"{asked.shape}:\ntotal {name} of the rows with {asked.where}: {shown_number(part)} of "
                       f"{shown_number(total)}, the total of the {len(whole_rows):,} rows{whole_where}, {shown_number(value)}%",
                       f"{plain_number(value)}%")
    value = round(100 * len(asked.rows) / len(whole_rows), 2)
    return Counted(f"{asked.shape}:\nrows with {asked.where}: {len(asked.rows):,} of the {len(whole_rows):,} rows"
                   f"{whole_where}, {shown_number(value)}%", f"{plain_number(value)}%")
