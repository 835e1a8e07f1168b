"""What "how many ...?" counts of the rows a question picks, for table_answers.py: the rows; where the counted noun
names a number column ("how many replicas does payments run?", "how many units did Abara buy?"), its total; where
it names a column whose values repeat ("how many customers placed orders over 300?" over orders, "how many orders
hold SKU-123?" over their items), its different values; with no condition, every row, where the noun names what a
row is ("how many items are in the inventory table?").
"""

from __future__ import annotations

import re

from .counted import Counted
from .table_rows import Asked, unread_words
from .tables import key_columns, named_columns, number, plain_number, shown_number

_COUNTED_NOUN = re.compile(r"^\W*how many\s+(?P<noun>[\w-]+)", re.I)  # what a how-many question counts


def how_many(asked: Asked, question: str) -> Counted | None:
    """What the question's "how many" counts of the rows asked about (rules above)."""
    table = asked.table
    counted = _COUNTED_NOUN.match(question)  # "how many replicas does the payments deployment run?"
    measured = [i for i in named_columns(table, counted["noun"]) if i in table.numbers] if counted else []
    if len(measured) == 1:
        return _sum_of(asked, measured[0])
    if not asked.conditions:
        return _every_row(asked, counted)  # else how many of what: rows are counted where something picks them
    return _different_counted(asked, counted) or Counted(f"{asked.shape}:\nrows with {asked.where}: {len(asked.rows):,}",
                                                         str(len(asked.rows)))


def _different_counted(asked: Asked, counted: re.Match | None) -> Counted | None:
    """"How many customers placed orders over 300?" over orders, "how many orders hold SKU-123?" over their items: the
    different values of the column the counted noun names, where its values repeat (a customer's several orders, an
    order's several items), among the rows asked about; None where the noun names no such column (the rows counted)."""
    table = asked.table
    named = [i for i in named_columns(table, counted["noun"]) if i not in table.numbers] if counted else []
    if len(named) != 1 or named[0] in key_columns(table) or named[0] in asked.values:
        return None
    found = {row[named[0]] for row in asked.rows}
    return Counted(f"{asked.shape}:\nrows with {asked.where}: {len(asked.rows):,}; different {table.columns[named[0]]} "
                   f"among them: {len(found):,}", str(len(found)))


def _every_row(asked: Asked, counted: re.Match | None) -> Counted | None:
    """"How many items are listed in the inventory table?", "how many orders are there?": every row, where the
    counted noun names what a row is (a word of the table's name, or of a column of a value per row: item,
    order_id) and no word of the question is left unread. "How many customers ...?" over orders is no count of rows."""
    table = asked.table
    if counted is None or unread_words(asked):
        return None
    noun = counted["noun"].lower()
    if noun not in table.name_words() | {"rows", "entries", "records"} and not any(noun in table.column_words(i)
                                                                                 for i in key_columns(table)):
        return None
    return Counted(f"{asked.shape}:\nrows: {len(table.rows):,}", str(len(table.rows)))


def _sum_of(asked: Asked, column: int) -> Counted | None:
    """"How many replicas does payments run?", "how many units did Abara buy?": the number column the counted noun
    names, summed over the rows asked about (one row's cell), not the rows counted (1 for 8, set F's YAML)."""
    cells = [c for row in asked.rows if (c := number(row[column])) is not None]
    if not cells:
        return None
    name = asked.table.columns[column]
    if len(asked.rows) == 1:
        return Counted(f"{asked.shape}:\nthe one row with {asked.where}: {asked.table.shown(asked.rows[0])}",
                       plain_number(cells[0]))
    rows = f"rows with {asked.where}" if asked.where else "rows"
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; their total {name}: {shown_number(sum(cells))}",
                   plain_number(sum(cells)))
