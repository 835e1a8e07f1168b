"""A table read from a text, and what of a question names its parts.

A table is CSV, TSV or ;-separated text with a header row, a markdown table within a text, or records written one
to an object, a file, a block or a document (record_tables.py: JSON lines or arrays, notes with front matter, INI,
YAML or XML blocks, e-mails' header lines); its columns typed as table_cells.py finds them. What of a question
names its parts: the cell values and columns it names, and the rows it names by name. The questions code answers
over a table are table_answers.py's; the rows a question picks, table_rows.py's.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from . import record_tables
from .per_context import cached
# Table and its cells' helpers are table_cells.py's; named here too, where every reader of tables looks for them.
from .table_cells import MIN_ROWS, SNIFF_LINES, WORD, Table, holds, items, number, plural, typed

MAX_NAMED_ROWS = 3  # rows_about: a question naming more rows than this is about them all, not one's cells
DELIMITERS = (",", "\t", ";")
REFERENCE_SHARE = 0.9  # a column whose filled cells are another column's keys this often refers to its rows
# "what percentage / share / proportion of the orders ...": the rows asked about as a share of all rows.
PERCENT = re.compile(r"\b(?:percent(?:age)?|share|proportion|fraction)\b|%", re.I)
# A condition code does not read (a comparison, a date or period): the question is left to the reader, not
# answered as if it were not there ("how many orders over 300 ..." is not every order).
_CONDITION = re.compile(r"\b(?:over|under|above|below|exceed\w*|more than|less than|fewer than|greater than|at least"
                        r"|at most|between|before|after|since|until|during|within|per|each|every|excluding|except|not"
                        r"|jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
                        r"|nov(?:ember)?|dec(?:ember)?|week|month|year|quarter|day)\b", re.I)


def key_columns(table: Table) -> list[int]:
    """The columns of a value per row (no two rows share a cell): an id, a name, a title."""
    return [i for i in range(len(table.columns)) if len({row[i] for row in table.rows}) == len(table.rows)]


def row_names(table: Table) -> int | None:
    """The column naming each row: one called title or name, else the first text column of a value per row."""
    unique = [i for i in key_columns(table) if i not in table.numbers and i not in table.lists and i != table.dates]
    return next((i for i in unique if table.column_words(i) & {"title", "name"}), unique[0] if unique else None)


def rows_about(table: Table, question: str) -> tuple[int, set[str]] | None:
    """The column naming rows (row_names), and the names of the rows a question is about: those whose name it writes whole ("Who is Bo Sato's
    supervisor?": Bo Sato's row), and the rows theirs name in another cell (his `reports_to`, Dev Costa: that
    one's own row); None where it names no row's name, or more than MAX_NAMED_ROWS. A row naming Bo Sato in its
    `reports_to` is another person's, and "Gus Sato" someone else: read with them, the 1.5B reader named a wrong
    row's supervisor (bench/issue12/fresh_probe.py, set L)."""
    column = row_names(table)
    if column is None:
        return None
    asked = " " + " ".join(WORD.findall(question.lower())) + " "
    named = [row for row in table.rows if row[column] and f" {' '.join(WORD.findall(row[column].lower()))} " in asked]
    if not named or len(named) > MAX_NAMED_ROWS:
        return None
    names = {row[column] for row in table.rows}
    return column, {row[column] for row in named} | {cell for row in named for cell in row if cell in names}


def row_shown(context: Any, line: str) -> str | None:
    """A line of a context that is a table (CSV, TSV, ;-separated), shown as its row (Table.shown: "name: Cyra Okoro;
    title: Analyst; reports_to: Ivo Weber"); None for the header, a line of another width, and any other context.
    Read as bare cells, "Cyra Okoro,Analyst,Ivo Weber" gave the 1.5B reader no column to answer "who is Cyra
    Okoro's supervisor?" by, and it named another row's (bench/issue12/fresh_probe.py, set L)."""
    table = table_of(context) if isinstance(context, str) else None
    cells = cells_of(table, line) if table is not None else []
    return table.shown(cells) if cells else None


def cells_of(table: Table, line: str) -> list[str]:
    """A line of the text a table was read from, cut into its cells where it splits into the table's columns; []
    for the header, a line of another width, and a table of JSON lines, of blocks or within a text."""
    if table.line or table.source or line.lstrip().startswith("{"):
        return []
    for delimiter in DELIMITERS:
        fields = [c.strip() for c in next(csv.reader([line], delimiter=delimiter), [])]
        if len(fields) == len(table.columns):
            return [] if fields == table.columns else fields
    return []


def parse(context: Any) -> Table | None:
    """The context as a table: text whose first line is a header of two or more names and whose lines split,
    by one of DELIMITERS, into as many fields; JSON lines, or a JSON array of objects; a directory of notes with
    front matter; a list of documents that each open with header lines (e-mails' `From:` / `To:` / `Subject:`); None for anything else."""
    if isinstance(context, dict):
        return record_tables.front_matter(context)
    if isinstance(context, list):
        return record_tables.headed(context)
    if not isinstance(context, str):
        return None
    context = context.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets save CSV
    head = context[:20_000].splitlines()[:SNIFF_LINES]
    if context.lstrip()[:1] in ("[", "{") and (array := record_tables.json_array(context)):
        return array
    if head and head[0].lstrip().startswith("{"):
        return record_tables.json_lines(context, head)
    for delimiter in DELIMITERS:
        lines = list(csv.reader(head, delimiter=delimiter))
        width = len(lines[0]) if lines else 0
        header = [c.strip() for c in lines[0]] if lines else []
        if (width < 2 or len(set(header)) < width or any(not c or number(c) is not None for c in header)
                or any(len(row) != width for row in lines[1:] if row)):
            continue
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(context), delimiter=delimiter) if row][1:]
        return typed(header, [row for row in rows if len(row) == width])
    return _markdown_table(context) or record_tables.block_records(context)


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
    table = typed(header, [row for row in cells[2:] if len(row) == width])
    if table:
        above = [line.strip() for line in text.splitlines()[max(0, start - 4):start - 1] if line.strip()]
        heading = above[-1] if above and (above[-1][0] == "#" or above[-1].endswith(":")) else ""
        table.line, table.name = start, heading.strip("#*: ")  # "## Inventory": "how many items in the inventory table?"
    return table


def has_condition(question: str) -> bool:
    """Whether the question limits what it counts by a comparison, a date or a period (wordings.py asks too)."""
    return bool(_CONDITION.search(question))


def table_of(context: Any) -> Table | None:
    return cached(context, parse) if isinstance(context, (str, dict, list)) else None


def table_for(context: Any, question: str) -> Table | None:
    """The table a question is asked of: the context's own (table_of), or of a directory of tables, the one the
    question is about joined with those it refers to (joined)."""
    if (table := table_of(context)) is not None:
        return record_tables.item_rows(table, question) or table  # "how many units ...?" of orders' `items`
    if not isinstance(context, dict):
        return None
    tables = cached(context, _tables_of)
    return joined(tables, question) if tables else None


def referred(cells: list[str], table: Table, key: int) -> dict[str, list[str]] | None:
    """`table`'s rows by their cell of column `key`, where that column is a key (a value per row) and
    REFERENCE_SHARE of the filled `cells` of another column are keys there: that column refers to these rows;
    else None."""
    keys = [row[key] for row in table.rows]
    if len(set(keys)) != len(keys):
        return None
    by_key = dict(zip(keys, table.rows))
    filled = [c for c in cells if c]
    return by_key if filled and sum(c in by_key for c in filled) >= REFERENCE_SHARE * len(filled) else None


def _tables_of(files: dict) -> dict[str, Table]:
    """The files of a directory that are tables, by path; {} where fewer than two are."""
    found = {str(path): table for path, text in files.items() if isinstance(text, str) and (table := parse(text))}
    return found if len(found) >= 2 else {}


def joined(tables: dict[str, Table], question: str) -> Table | None:
    """Of a directory's tables, the one the question is about: the one whose file's name it writes (sales.csv for
    "sales") and whose number column it names, else either, else none; joined with each other table whose key
    column (of a value per row) its column of the same name refers to, REFERENCE_SHARE of its cells being keys
    there ("sale,customer,amount" with "customer,city": a sale's customer's city)."""
    asked = {w.lower() for w in WORD.findall(question)}
    by_name = [p for p in tables if {w.lower() for w in WORD.findall(p.rsplit("/", 1)[-1].rsplit(".", 1)[0])}
               & (asked | {plural(w) for w in asked})]
    measured = [p for p, t in tables.items() if any(i in t.numbers for i in named_columns(t, question))]
    chosen = [p for p in by_name if p in measured] or measured or by_name
    if len(chosen) != 1:
        return None
    base_path = chosen[0]
    base = tables[base_path]
    columns, rows, parts = list(base.columns), [list(row) for row in base.rows], [base_path]
    for path, other in tables.items():
        if path == base_path:
            continue
        for i, name in enumerate(base.columns):
            key = next((k for k, c in enumerate(other.columns) if c.lower() == name.lower()), None)
            by_key = referred([row[i] for row in base.rows], other, key) if key is not None else None
            if by_key is None:
                continue
            added = [k for k in range(len(other.columns)) if k != key]
            columns += [other.columns[k] if other.columns[k] not in columns else f"{path}:{other.columns[k]}" for k in added]
            for row, base_row in zip(rows, base.rows):
                match = by_key.get(base_row[i])
                row += [match[k] if match else "" for k in added]
            parts.append(f"{path} (by {name})")
            break
    table = typed(columns, rows)
    if table is not None:
        table.name = base_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]  # sales.csv: "how many sales ...?"
        table.joined = f"{base_path}" + (f" joined with {', '.join(parts[1:])}" if len(parts) > 1 else "") + \
            f" of the directory's {len(tables)} tables"
    return table


def named_values(table: Table, question: str) -> dict[int, str]:
    """The cell values of text columns the question names (a list column's items), whole and in any case, each in
    the column that holds it ("Okafor" -> customer), the longest first where one holds another."""
    asked = f" {_spoken(question)} "
    found: dict[int, str] = {}
    for i in range(len(table.columns)):
        if i in table.numbers or i == table.dates:
            continue
        for value in sorted(_cells(table, i), key=len, reverse=True):
            words = _spoken(value)
            named = f" {words} " in asked or f" {plural(words)} " in asked  # "errors" names the value ERROR
            if words and named and words not in table.column_words(i) and i not in found:
                found[i] = value
    return found


def several_named(table: Table, question: str) -> dict[int, list[str]]:
    """The text columns of which the question names two values or more ("in both Lagos and Oslo", "from Lagos or
    Oslo"), with those values in the question's order; a value inside a longer one named is not counted."""
    asked = f" {_spoken(question)} "
    found: dict[int, list[str]] = {}
    for i in named_values(table, question):
        named = []
        for cell in sorted(_cells(table, i), key=len, reverse=True):
            words = _spoken(cell)
            if words and f" {words} " in asked and words not in table.column_words(i) \
                    and not any(f" {words} " in f" {_spoken(n)} " for n in named):
                named.append(cell)
        if len(named) > 1:
            found[i] = sorted(named, key=lambda cell: asked.index(f" {_spoken(cell)} "))
    return found


def _cells(table: Table, i: int) -> set[str]:
    """Column i's different values; a list column's items."""
    return {item for row in table.rows for item in items(row[i])} if i in table.lists else {row[i] for row in table.rows}


def _spoken(text: str) -> str:
    """`text`'s words, lower case, one space between: how a value is matched against a question's words."""
    return " ".join(WORD.findall(text.lower()))


def named_columns(table: Table, question: str) -> list[int]:
    """The columns whose names (a word of one) the question holds, in the table's order."""
    asked = {w.lower() for w in WORD.findall(question)}
    return [i for i in range(len(table.columns)) if table.column_words(i) & asked]


def shown_number(value: float) -> str:
    """A count or sum as the root is shown it: 1,234 or 1,234.5."""
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{int(value):,}"


def plain_number(value: float) -> str:
    """A sum or mean as the answer: 1234.5, no thousands separator."""
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
