"""A table read from a text: CSV, TSV or ;-separated text with a header row, JSON lines (one object per line, as
services log events: the objects' keys are its columns), a markdown table within a text, or a directory of notes
that each open with front matter (`---` / `title: ...` / `tags: [a, b]` / `---`: a row per file, its path first);
with its number, date and list columns found (a list cell, `[a, b]`, holds each of its items as a value). Also what of a question names a table's parts: the cell values and columns it names, its
period ("in March", "in 2024") or span of days ("between 2024-03-01 and 2024-03-15", "between March and May")
of the date column. The questions code answers over a table are table_answers.py's.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .per_context import cached
from .periods import ISO_DATE

MIN_HEADERS = 2  # a document of a list opening with this many `Key: value` lines or more is a row of them
_HEADER = re.compile(r"^(?P<key>[A-Z][\w-]*(?: [A-Za-z][\w-]*)?):\s+(?P<value>\S.*?)\s*$")
MAX_NAMED_ROWS = 3  # rows_about: a question naming more rows than this is about them all, not one's cells
MIN_ROWS = 10  # fewer rows under a header is a short list, which the passages show whole
SNIFF_LINES = 50  # lines that decide the delimiter: each must split into the header's number of fields
DELIMITERS = (",", "\t", ";")
NUMERIC_SHARE = 0.9  # a column whose cells are numbers this often is a number column
REFERENCE_SHARE = 0.9  # a column whose filled cells are another column's keys this often refers to its rows
WORD = re.compile(r"[^\W_]+")  # a word of a cell, a header or a question
_NUMBER = re.compile(r"[-+]?(?:\d[\d,]*\.?\d*|\.\d+)")
_LIST_CELL = re.compile(r"\[(?P<items>[^\[\]]*)\]")  # [urgent, draft], ["vpn", "email"]
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)  # a note's opening block
_FRONT_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w -]*?):(?:\s+(?P<value>.*))?$")  # a top-level key: value
# "what percentage / share / proportion of the orders ...": the rows asked about as a share of all rows.
PERCENT = re.compile(r"\b(?:percent(?:age)?|share|proportion|fraction)\b|%", re.I)
# A condition code does not read (a comparison, a date or period): the question is left to the reader, not
# answered as if it were not there ("how many orders over 300 ..." is not every order).
_CONDITION = re.compile(r"\b(?:over|under|above|below|exceed\w*|more than|less than|fewer than|greater than|at least"
                        r"|at most|between|before|after|since|until|during|within|per|each|every|excluding|except|not"
                        r"|jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
                        r"|nov(?:ember)?|dec(?:ember)?|week|month|year|quarter|day)\b", re.I)


RECORD_LINE_SHARE = 0.9  # a text of blocks: this share of its lines are heads, fields or an element's own lines
_RECORD_HEAD = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$|^(?P<name2>[\w.-]+):\s*$")
_RECORD_FIELD = re.compile(r"^(?:(?P<ini>[\w.-]+)\s*=\s*(?P<ini_value>.*)|\s+(?P<yaml>[\w.-]+):(?:\s+(?P<yaml_value>\S.*))?"
                           r"|\s*<(?P<xml>[\w:.-]+)(?:\s[^<>]*)?>(?P<xml_value>[^<>]*)</(?P=xml)>)\s*$")
_XML_OPEN = re.compile(r"^\s*<(?P<tag>[A-Za-z_][\w:.-]*)(?P<attrs>(?:\s+[\w:.-]+=\"[^\"]*\")*)\s*>\s*$")
_XML_CLOSE = re.compile(r"^\s*</(?P<tag>[A-Za-z_][\w:.-]*)>\s*$")
_XML_ATTRIBUTE = re.compile(r"([\w:.-]+)=\"([^\"]*)\"")


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
        """The words a question may name column i by: "order_id" by "order" and "id", "city" by "cities"."""
        words = {w.lower() for w in WORD.findall(self.columns[i])}
        return words | {plural(w) for w in words}


def row_names(table: Table) -> int | None:
    """The column naming each row: one called title or name, else the first text column of a value per row."""
    texts = [i for i in range(len(table.columns)) if i not in table.numbers and i not in table.lists and i != table.dates]
    unique = [i for i in texts if len({row[i] for row in table.rows}) == len(table.rows)]
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


def parse(context: Any) -> Table | None:
    """The context as a table: text whose first line is a header of two or more names and whose lines split,
    by one of DELIMITERS, into as many fields; JSON lines, or a JSON array of objects; a directory of notes with
    front matter; a list of documents that each open with header lines (e-mails' `From:` / `To:` / `Subject:`); None for anything else."""
    if isinstance(context, dict):
        return _front_matter(context)
    if isinstance(context, list):
        return _headed(context)
    if not isinstance(context, str):
        return None
    context = context.removeprefix("\ufeff")  # a byte-order mark, as spreadsheets save CSV
    head = context[:20_000].splitlines()[:SNIFF_LINES]
    if context.lstrip()[:1] in ("[", "{") and (array := _json_array(context)):
        return array
    if head and head[0].lstrip().startswith("{"):
        return _json_lines(context, head)
    for delimiter in DELIMITERS:
        lines = list(csv.reader(head, delimiter=delimiter))
        width = len(lines[0]) if lines else 0
        header = [c.strip() for c in lines[0]] if lines else []
        if (width < 2 or len(set(header)) < width or any(not c or number(c) is not None for c in header)
                or any(len(row) != width for row in lines[1:] if row)):
            continue
        rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(context), delimiter=delimiter) if row][1:]
        return _typed(header, [row for row in rows if len(row) == width])
    return _markdown_table(context) or _block_records(context)


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
        above = [line.strip() for line in text.splitlines()[max(0, start - 4):start - 1] if line.strip()]
        heading = above[-1] if above and (above[-1][0] == "#" or above[-1].endswith(":")) else ""
        table.line, table.name = start, heading.strip("#*: ")  # "## Inventory": "how many items in the inventory table?"
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
    return _objects_table(list(objects(context.splitlines())))


def _json_array(context: str) -> Table | None:
    """A JSON array of objects (pretty-printed or not), or an object holding one, as a table of a row per object;
    None for any other JSON, or text that is no JSON."""
    try:
        value = json.loads(context)
    except ValueError:
        return None
    if isinstance(value, dict):
        arrays = [v for v in value.values() if isinstance(v, list)]
        value = arrays[0] if len(arrays) == 1 else None
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        return None
    return _objects_table(value, "JSON array's objects")


def _objects_table(records: list[dict], source: str = "") -> Table | None:
    """Objects as a table: their keys (in the order first met) are the columns; a nested value is its JSON text;
    `source`, what was read as rows (Table.source)."""
    columns = list(dict.fromkeys(key for record in records for key in record))
    if len(columns) < 2:
        return None

    def cell(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    table = _typed(columns, [[cell(record.get(c)) for c in columns] for record in records])
    if table is not None:
        table.source = source
    return table


def _front_matter(files: dict) -> Table | None:
    """A directory whose files open with front matter as a table: a row per such file, its path and the front
    matter's top-level keys (a block list, `- a` lines under a key, written as a list cell); None where fewer
    than NUMERIC_SHARE of the files open with it."""
    records = []
    for path, text in files.items():
        found = _FRONT_MATTER.match(str(text))
        if not found:
            continue
        fields: dict[str, str] = {"path": str(path)}
        key = None
        for line in found["body"].splitlines():
            if (entry := _FRONT_KEY.match(line)) and (entry["value"] or "").strip():
                key, fields[entry["key"]] = None, entry["value"].strip().strip("\"'")
            elif entry:
                key, fields[entry["key"]] = entry["key"], "[]"
            elif key and (element := re.match(r"^\s+-\s+(.+)$", line)):
                fields[key] = fields[key][:-1] + (", " if fields[key] != "[]" else "") + element[1].strip() + "]"
        records.append(fields)
    if len(records) < max(MIN_ROWS, NUMERIC_SHARE * len(files)):
        return None
    columns = list(dict.fromkeys(key for record in records for key in record))
    table = _typed(columns, [[record.get(c, "") for c in columns] for record in records])
    if table is not None:  # "notes/n01.md", ...: "which note ...?" asks of the rows
        table.name = " ".join(sorted({part for r in records for part in r["path"].split("/")[:-1]}))
    return table


def _block_records(text: str) -> Table | None:
    """A text of blocks each holding one record's fields as a table: INI sections (`[worker-001]` / `timeout = 30`),
    YAML keys at the top level over indented `key: value` lines, or XML elements of one tag over one-line child
    elements (`<product id="P1000">` / `<price>12.5</price>`); a row per block, its name (or the element's
    attributes) first. None where a line of the first SNIFF_LINES, or of the whole text, is of none of these shapes
    (RECORD_LINE_SHARE of them must be), or fewer than MIN_ROWS blocks hold fields."""
    lines = [line for line in text.splitlines() if line.strip()]
    if sum(bool(_shaped(line)) for line in lines[:SNIFF_LINES]) < RECORD_LINE_SHARE * len(lines[:SNIFF_LINES]):
        return None
    records: list[tuple[str, dict[str, str]]] = []  # (kind, fields): an XML element's tag, "" for a section or key
    open_elements: list[tuple[str, dict[str, str]]] = []
    shaped = 0
    for line in lines:
        shape, found = _shaped(line)
        shaped += bool(shape)
        if shape == "head":
            name_column = "section" if line.lstrip().startswith("[") else "name"
            records.append(("", {name_column: found["name"]}))
        elif shape == "open":
            open_elements.append((found["tag"], dict(_XML_ATTRIBUTE.findall(found["attrs"]))))
        elif shape == "close" and open_elements and open_elements[-1][0] == found["tag"]:
            tag, fields = open_elements.pop()
            if len(fields) > 1:
                records.append((tag, fields))
        elif shape == "field":
            fields = open_elements[-1][1] if found["xml"] and open_elements else records[-1][1] if records else None
            if fields is not None:
                fields.setdefault(found["key"], found["value"].strip().strip("\"'"))
    if shaped < RECORD_LINE_SHARE * len(lines) or not records:
        return None
    kind = Counter(tag for tag, _ in records).most_common(1)[0][0]
    mine = [fields for tag, fields in records if tag == kind and len(fields) > 1]
    first = next(iter(mine[0])) if mine else ""
    return _objects_table(mine, f"<{kind}> elements" if kind else "INI sections" if first == "section" else "top-level YAML keys")


def _shaped(line: str) -> tuple[str, dict[str, str]]:
    """What a line of a block-structured text is: "head" (`[name]`, `name:`: its name), "field" (its key and value,
    and "xml" where it is an element), "open" or "close" (an XML element's own line: its tag and attributes); ""
    for none of these."""
    if (head := _RECORD_HEAD.match(line)):
        return "head", {"name": head["name"] or head["name2"]}
    if (field := _RECORD_FIELD.match(line)):
        kind = next(k for k in ("ini", "yaml", "xml") if field[k])
        return "field", {"key": field[kind], "value": field[f"{kind}_value"] or "", "xml": "yes" if kind == "xml" else ""}
    if (element := _XML_OPEN.match(line)):
        return "open", {"tag": element["tag"], "attrs": element["attrs"] or ""}
    if (element := _XML_CLOSE.match(line)):
        return "close", {"tag": element["tag"], "attrs": ""}
    return "", {}


def _headed(items: list) -> Table | None:
    """A list of documents that each open with MIN_HEADERS header lines or more (`From: kim@corp.example`, `Subject:
    Budget`), up to a blank line, as a table: a row per document, a column per header; None where fewer than
    NUMERIC_SHARE of them do."""
    records = []
    for item in items:
        head = str(item).split("\n\n", 1)[0].splitlines()
        fields = dict(m.groups() for line in head if (m := _HEADER.match(line)))
        if len(fields) >= MIN_HEADERS and len(fields) == len(head):
            records.append(fields)
    if len(records) < max(MIN_ROWS, NUMERIC_SHARE * len(items)):
        return None
    return _objects_table(records, "documents (their header lines)")


def _typed(columns: list[str], rows: list[list[str]]) -> Table | None:
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


def has_condition(question: str) -> bool:
    """Whether the question limits what it counts by a comparison, a date or a period (wordings.py asks too)."""
    return bool(_CONDITION.search(question))


def table_of(context: Any) -> Table | None:
    return cached(context, parse) if isinstance(context, (str, dict, list)) else None


def table_for(context: Any, question: str) -> Table | None:
    """The table a question is asked of: the context's own (table_of), or of a directory of tables, the one the
    question is about joined with those it refers to (joined)."""
    if (table := table_of(context)) is not None or not isinstance(context, dict):
        return table
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
    table = _typed(columns, rows)
    if table is not None:
        table.name = base_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]  # sales.csv: "how many sales ...?"
        table.joined = f"{base_path}" + (f" joined with {', '.join(parts[1:])}" if len(parts) > 1 else "") + \
            f" of the directory's {len(tables)} tables"
    return table


def named_values(table: Table, question: str) -> dict[int, str]:
    """The cell values of text columns the question names (a list column's items), whole and in any case, each in
    the column that holds it ("Okafor" -> customer), the longest first where one holds another."""
    asked = " " + " ".join(WORD.findall(question.lower())) + " "
    found: dict[int, str] = {}
    for i in range(len(table.columns)):
        if i in table.numbers or i == table.dates:
            continue
        cells = {item for row in table.rows for item in items(row[i])} if i in table.lists else {row[i] for row in table.rows}
        for value in sorted(cells, key=len, reverse=True):
            words = " ".join(WORD.findall(value.lower()))
            named = f" {words} " in asked or f" {plural(words)} " in asked  # "errors" names the value ERROR
            if words and named and words not in table.column_words(i) and i not in found:
                found[i] = value
    return found


def several_named(table: Table, question: str) -> dict[int, list[str]]:
    """The text columns of which the question names two values or more ("in both Lagos and Oslo", "from Lagos or
    Oslo"), with those values in the question's order; a value inside a longer one named is not counted."""
    asked = " " + " ".join(WORD.findall(question.lower())) + " "
    found: dict[int, list[str]] = {}
    for i, value in named_values(table, question).items():
        cells = {item for row in table.rows for item in items(row[i])} if i in table.lists else {row[i] for row in table.rows}
        named = []
        for cell in sorted(cells, key=len, reverse=True):
            words = " ".join(WORD.findall(cell.lower()))
            if words and f" {words} " in asked and words not in table.column_words(i) \
                    and not any(f" {words} " in f" {' '.join(WORD.findall(n.lower()))} " for n in named):
                named.append(cell)
        if len(named) > 1:
            found[i] = sorted(named, key=lambda cell: asked.index(f" {' '.join(WORD.findall(cell.lower()))} "))
    return found


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
