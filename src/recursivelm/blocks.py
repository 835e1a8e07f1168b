"""The lines a line of a text opens, for evidence.py: a key's block, read with the key as a definition is read
with its body, and the numbered section a question names, read whole in its place.

- A key that opens a block (YAML's `payments:`, pretty JSON's `"reporting": {`, an INI `[smtp]` section, an XML
  element's `<item sku="A-3051">`) is read with the block's lines after it: read alone, `payments:` gave the 1.5B
  reader no replicas, and it answered 3 for 8 (bench/issue12/fresh_probe.py, set F); `<item sku="A-3051">` gave
  it no price, and it answered $100 (set L).
- A field inside such a block (`port = 8769`, `replicas: 3`, `<price>12.50</price>`) is read as its whole block,
  from the key that opens it (`enclosing`): "Which service listens on port 8769?" is answered by the `[svc-211]`
  above the one line holding 8769, which the reader was not shown (set L).
- "How many chapters does the book have?" (sections, parts, articles ...): the headings that open with the noun
  and a number ("## Chapter 3: Iron", "Section 4"), counted by their numbers (`parts_counted`). The reader counts
  the chapters its passages show.
- "According to section 2.1, for how many days are copies retained?": the section whose heading opens with 2.1
  ("### 2.1 Rule", "2.1 Retention", "Section 2.1:", "§ 2.1") up to the next heading of its level or above. The
  passages BM25 ranked were every rule's "retained for N days" without their headings, and the 1.5B reader said
  section 2.1 was not in them (set I). The number is no word BM25 indexes, so code finds the heading.
"""

from __future__ import annotations

import keyword
import re
from typing import Callable

from .counted import Counted
from .documents import read_place
from .querywords import HOW_MANY, STEM_CHARS, query_terms

BLOCK_LINES = 16  # a key's block: at most this many lines after it
SECTION_UNITS = 80  # a section: at most this many units after its heading
SHOWN_ITEMS = 10  # a counted list's items shown to the root, the first ones
MAX_HEADING_CHARS = 120  # a longer line opening with a number is a sentence ("2.1 million people ..."), not a heading

_BLOCK_KEY = re.compile(r'^\s*(?:- )?(?:"[^"]+"|(?P<key>[\w.-]+(?: [\w.-]+)*))\s*:\s*[{\[]?\s*$')
_INI_SECTION = re.compile(r"^\s*\[[^\]]+\]\s*$")
_XML_OPEN = re.compile(r"^\s*<[A-Za-z_][\w:.-]*(?:\s[^<>]*)?(?<!/)>\s*$")  # `<item sku="A-3051">`, not `<br/>`
# A field of a record: `port = 8769`, `replicas: 3`, `"port": 8769,`, `<price currency="EUR">12.50</price>`.
_FIELD = re.compile(r'^\s*(?:- )?"?[\w.-]+"?\s*[=:]\s*\S.{0,80}$|^\s*<(?P<tag>[\w:.-]+)[^<>]*>[^<>]*</(?P=tag)>\s*$')
# "section 2.1", "chapter 4", "clause 7.3", "article 12", "§ 5": a numbered part of a text a question names.
_NAMED = re.compile(r"(?:\b(?:section|chapter|clause|article|paragraph|part|rule)\s+|§\s*)(?P<n>\d+(?:\.\d+)*)\b", re.I)
_MARKDOWN = re.compile(r"^\s*(?P<hashes>#{1,6})\s+")
# Files whose `#` lines are comments, not headings: code and configuration.
_COMMENTED_FILES = {"py", "pyi", "sh", "bash", "rb", "pl", "r", "yaml", "yml", "toml", "ini", "cfg", "conf",
                    "mk", "cmake", "dockerfile", "ps1", "jl", "ex", "exs", "nim", "coffee"}
_NUMBERED = re.compile(r"^\s*(?:#{1,6}\s+)?(?:(?:section|chapter|clause|article|part|rule)\s+|§\s*)?"
                       r"(?P<n>\d+(?:\.\d+)*)(?:[.):]|\s|$)(?!\d)", re.I)


def key_block(texts: list[str], i: int, same_document: Callable[[int], bool]) -> str | None:
    """Line i with the lines of the block it opens: those indented more than it, or an INI section's up to the
    next (BLOCK_LINES at most); None where it opens none. `same_document(j)`: whether line j is in line i's
    document. Not for source files, where a line ending in a colon (`else:`) is code, read by its definitions."""
    text = texts[i]
    if not _opens_block(text):
        return None
    section = _INI_SECTION.match(text)
    indent = _indent(text)
    body = []
    for j in range(i + 1, min(i + 1 + BLOCK_LINES, len(texts))):
        line = texts[j]
        if not same_document(j) or (_INI_SECTION.match(line) if section else _indent(line) <= indent):
            break
        body.append(line)
    return "\n".join([text, *body]) if body else None


def enclosing(texts: list[str], i: int, same_document: Callable[[int], bool]) -> int | None:
    """The line opening the block that field line i is in (an INI section's `[name]`, the key or XML element a
    more indented field is under), where key_block reads i with it; None for a line that is no field, or in no
    block. `same_document(j)`: whether line j is in line i's document."""
    text = texts[i]
    if not _FIELD.match(text) or _opens_block(text):
        return None
    indent = _indent(text)
    for j in range(i - 1, max(-1, i - 1 - BLOCK_LINES), -1):
        if not same_document(j):
            return None
        above = texts[j]
        if _INI_SECTION.match(above) or (_opens_block(above) and _indent(above) < indent):
            return j
        if _indent(above) < indent:
            return None  # a less indented line that opens nothing: the field is no block's
    return None


def _opens_block(text: str) -> bool:
    key = _BLOCK_KEY.match(text)
    if key and key["key"] and keyword.iskeyword(key["key"].split()[0]):
        return False  # `else:`, `try:`: code
    return bool(key or _INI_SECTION.match(text) or _XML_OPEN.match(text))


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _heading(text: str) -> tuple[int, str | None] | None:
    """A heading's level (a markdown one's number of #, else its number's depth: 2.1 is 2) and its number (None
    for a markdown heading without one); None for a line that is no heading."""
    markdown, numbered = _MARKDOWN.match(text), _NUMBERED.match(text)
    # Without a #, a heading says what it is or writes its number as one: "Section 4", "2.1 Scope", "3. Storage";
    # "3 copies are kept" is a sentence.
    plain = numbered and len(text) <= MAX_HEADING_CHARS and ("." in numbered["n"] or numbered.group().rstrip()[-1:] in ".):"
                                                              or not numbered.group().lstrip()[:1].isdigit())
    if numbered and (markdown or plain):
        level = len(markdown["hashes"]) if markdown else numbered["n"].count(".") + 1
        return level, numbered["n"]
    return (len(markdown["hashes"]), None) if markdown else None


def section(texts: list[str], question: str, same_document: Callable[[int, int], bool]) -> list[int] | None:
    """The lines of the one section the question names by number: its heading and the lines after it, up to the
    next heading of its level or above, its document's end, or SECTION_UNITS; None where the question names no
    section, or its number heads no line or several. `same_document(i, j)`: whether lines i and j are in one."""
    named = _NAMED.search(question)
    if named is None:
        return None
    heads = [i for i, text in enumerate(texts) if (h := _heading(text)) and h[1] == named["n"]]
    if len(heads) != 1:
        return None
    start = heads[0]
    level = _heading(texts[start])[0]
    units = [start]
    for j in range(start + 1, min(start + 1 + SECTION_UNITS, len(texts))):
        found = _heading(texts[j])
        if not same_document(start, j) or (found and found[0] <= level):
            break
        units.append(j)
    return units


def headings(wheres: list[str], texts: list[str]) -> list[str | None]:
    """For each unit (evidence.py's: its place and text), the markdown heading it is under: the last `#` line before
    it in its document standing alone between blank lines ("## Specifications"); None before any, for the heading
    itself, and in a file of code or configuration, where `#` opens a comment. Shown "The warranty covers parts
    ... for 36 months" without it, the 1.5B reader named a phrase of the line above as the heading it is under
    (bench/issue12/fresh_probe.py, set P)."""
    spots = [read_place(where) for where in wheres]  # (document, line, character): inside a long line where not 0
    found: list[str | None] = []
    current, document = None, None
    for i, (spot, text) in enumerate(zip(spots, texts)):
        if spot is None or spot[0].rsplit(".", 1)[-1].lower() in _COMMENTED_FILES:
            found.append(None)
            continue
        if spot[0] != document:
            current, document = None, spot[0]
        neighbours = [spots[j] for j in (i - 1, i + 1) if 0 <= j < len(spots)]
        alone = not spot[2] and all(n is None or n[0] != spot[0] or abs(n[1] - spot[1]) > 1 for n in neighbours)
        if alone and _MARKDOWN.match(text):
            current = text.strip()
            found.append(None)
            continue
        found.append(current)
    return found


# "How many chapters does the book have?": the parts of a text a question counts, and the words it may say them with.
PARTS = re.compile(r"^\W*how many\s+(?P<noun>chapters|sections|parts|articles|clauses|appendices|rules|lessons|"
                    r"units|episodes|acts|scenes)\b", re.I)
_WHOLE_TEXT_WORDS = {"book", "document", "text", "report", "policy", "file", "paper", "manual", "guide", "story", "novel",
                     "contain", "contains", "hold", "holds", "total", "altogether", "numbered"}


def parts_counted(question: str, texts: list[str]) -> Counted | None:
    """For "how many chapters (sections, parts ...) does the book have?": the different numbers of the headings
    that open with the noun (`texts`: the context's lines); None where the question asks more of them ("how many
    chapters mention X?") or fewer than two such headings are written."""
    asked = PARTS.match(question)
    if asked is None:
        return None
    noun = asked["noun"].lower()
    singular = "appendix" if noun == "appendices" else noun[:-1]
    if any(t not in _WHOLE_TEXT_WORDS and t not in (noun, singular) for t in query_terms(question)):
        return None
    heading = re.compile(rf"^\s*(?:#{{1,6}}\s+)?{singular}\s+(?P<n>\d+|[IVXLC]+)\b(?=[\s.:)]|$)", re.I)
    numbers = list(dict.fromkeys(m["n"].upper() for line in texts if (m := heading.match(line))))
    if len(numbers) < 2:
        return None
    shown = ", ".join(numbers[:40]) + (" ..." if len(numbers) > 40 else "")
    return Counted(f"Read by code over every line: headings opening with '{singular.title()} <number>': "
                   f"{len(numbers)} different numbers ({shown})", str(len(numbers)))


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+\S")  # "- Ana (board)", "* item", "3. Move the meeting"


def listed_under(question: str, texts: list[str]) -> Counted | None:
    """"How many people attended the meeting?" over minutes with an `## Attendees` list: the items of the list
    opening the section of the one markdown heading a word of the question shares its stem with ("attended":
    "Attendees"; `texts`: the
    context's lines); None where no heading, or several, opens a list so named, or where a word of the question is
    held by some of its items and not others (a condition not read here). The reader, shown a few of its
    items, said the text did not give the number (bench/issue12/fresh_probe.py, set Q)."""
    if not HOW_MANY.search(question):
        return None
    stems = {t[:STEM_CHARS] for t in query_terms(question) if len(t) >= 4}
    texts = [text for text in texts if text.strip()]  # a blank line between a heading and its list
    lists = {}
    for i, line in enumerate(texts):
        heading = _MARKDOWN.match(line)
        if heading and {w.lower()[:STEM_CHARS] for w in re.findall(r"[A-Za-z]{4,}", line)} & stems:
            items = []
            for item in texts[i + 1:]:
                if not _LIST_ITEM.match(item):
                    break
                items.append(item.strip())
            if len(items) >= 2:
                lists[line.strip()] = items
    if len(lists) != 1:
        return None
    (heading_line, items), = lists.items()
    for term in query_terms(question):  # "how many board members attended?": a word some items hold picks them
        if 0 < sum(bool(re.search(rf"\b{re.escape(term)}", item, re.I)) for item in items) < len(items):
            return None
    shown = "\n".join(f"  {item}" for item in items[:SHOWN_ITEMS]) + ("\n  ..." if len(items) > SHOWN_ITEMS else "")
    return Counted(f"Read by code over every line: the list under {heading_line!r}: {len(items)} items\n{shown}",
                   str(len(items)))
