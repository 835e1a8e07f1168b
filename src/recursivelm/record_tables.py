"""Records written one to an object, a file, a block or a document, read as a table of a row each: JSON lines, a
JSON array of objects, a directory of notes with front matter, a text of INI sections, top-level YAML keys or XML
elements, and a list of documents that open with header lines (e-mails). CSV and markdown tables are tables.py's."""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

from .table_cells import MIN_ROWS, NUMERIC_SHARE, SNIFF_LINES, WORD, Table, typed

MIN_HEADERS = 2  # a document of a list opening with this many `Key: value` lines or more is a row of them
_HEADER = re.compile(r"^(?P<key>[A-Z][\w-]*(?: [A-Za-z][\w-]*)?):\s+(?P<value>\S.*?)\s*$")
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(?P<body>.*?)\n---[ \t]*(?:\n|\Z)", re.S)  # a note's opening block
_FRONT_KEY = re.compile(r"^(?P<key>[A-Za-z_][\w -]*?):(?:\s+(?P<value>.*))?$")  # a top-level key: value
RECORD_LINE_SHARE = 0.9  # a text of blocks: this share of its lines are heads, fields or an element's own lines
_RECORD_HEAD = re.compile(r"^\[(?P<name>[^\]]+)\]\s*$|^(?P<name2>[\w.-]+):\s*$")
_RECORD_FIELD = re.compile(r"^(?:(?P<ini>[\w.-]+)\s*=\s*(?P<ini_value>.*)|\s+(?P<yaml>[\w.-]+):(?:\s+(?P<yaml_value>\S.*))?"
                           r"|\s*<(?P<xml>[\w:.-]+)(?:\s[^<>]*)?>(?P<xml_value>[^<>]*)</(?P=xml)>)\s*$")
_XML_OPEN = re.compile(r"^\s*<(?P<tag>[A-Za-z_][\w:.-]*)(?P<attrs>(?:\s+[\w:.-]+=\"[^\"]*\")*)\s*>\s*$")
_XML_CLOSE = re.compile(r"^\s*</(?P<tag>[A-Za-z_][\w:.-]*)>\s*$")
_XML_ATTRIBUTE = re.compile(r"([\w:.-]+)=\"([^\"]*)\"")


def json_lines(context: str, head: list[str]) -> Table | None:
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
    return objects_table(list(objects(context.splitlines())))


def json_array(context: str) -> Table | None:
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
    return objects_table(value, "JSON array's objects")


def objects_table(records: list[dict], source: str = "") -> Table | None:
    """Objects as a table: their keys (in the order first met) are the columns, a nested object's keys each a
    column of their own ("user.country"; as its JSON text, "users in Canada" picked no row: set Q); a list is
    its JSON text; `source`, what was read as rows (Table.source)."""
    records = [_flat(record) for record in records]
    columns = list(dict.fromkeys(key for record in records for key in record))
    if len(columns) < 2:
        return None

    def cell(value: Any) -> str:
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    table = typed(columns, [[cell(record.get(c)) for c in columns] for record in records])
    if table is not None:
        table.source = source
    return table


def item_rows(table: Table, question: str) -> Table | None:
    """Where a column's cells are JSON lists of objects (an order's `items`, each `{"sku": ..., "qty": 2}`) and the
    question names a key of those objects that no other column has ("how many units were ordered in total?" for
    `qty`), the table of a row per item: the item's keys (`items.qty`), then its row's other cells. None for any
    other table or question: "how many orders ...?" still counts the rows."""
    for column in sorted(table.lists):
        lists = [_objects(row[column]) for row in table.rows]
        if sum(found is not None for found in lists) < NUMERIC_SHARE * len(lists):
            continue
        name = table.columns[column]
        others = [i for i in range(len(table.columns)) if i != column]
        records = [{**{f"{name}.{key}": value for key, value in _flat(item).items()},
                   **{table.columns[i]: row[i] for i in others}}
                   for row, found in zip(table.rows, lists) for item in found or []]
        items = objects_table(records, f"`{name}` lists' items (each with its row's other fields)")
        if items is None:
            continue
        outer = set().union(*(table.column_words(i) for i in others), table.column_words(column))
        asked = {w.lower() for w in WORD.findall(question)}
        if any((items.column_words(i) - outer) & asked for i in range(len(items.columns))
               if items.columns[i].startswith(f"{name}.")):
            return items
    return None


def _objects(cell: str) -> list[dict] | None:
    """A cell's JSON list of objects; None for any other cell."""
    try:
        value = json.loads(cell)
    except ValueError:
        return None
    return value if isinstance(value, list) and value and all(isinstance(v, dict) for v in value) else None


def _flat(record: dict, prefix: str = "") -> dict:
    """The object with its nested objects' keys brought up, dotted ("user": {"country": ...} is "user.country")."""
    flat: dict = {}
    for key, value in record.items():
        if isinstance(value, dict) and value:
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def front_matter(files: dict) -> Table | None:
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
    table = typed(columns, [[record.get(c, "") for c in columns] for record in records])
    if table is not None:  # "notes/n01.md", ...: "which note ...?" asks of the rows
        table.name = " ".join(sorted({part for r in records for part in r["path"].split("/")[:-1]}))
    return table


def block_records(text: str) -> Table | None:
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
    return objects_table(mine, f"<{kind}> elements" if kind else "INI sections" if first == "section" else "top-level YAML keys")


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


def headed(items: list) -> Table | None:
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
    return objects_table(records, "documents (their header lines)")
