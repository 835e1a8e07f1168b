"""A context's documents, as every reading of it goes through them: the text of a str, each item of a list, each
file of a directory (a dict of path to text), each with its label; the whole context as one text; and how a
place in it is written ("line 12", "pkg/mod.py:40", "[3] line 2") and read back."""

from __future__ import annotations

import re
from typing import Any


def documents(context: Any):
    """(label, text) for each document of a context: "" for a str, the key of a dict, "[i]" of a list."""
    if isinstance(context, str):
        yield "", context
    elif isinstance(context, dict):
        for key, value in context.items():
            yield str(key), str(value)
    else:
        for i, value in enumerate(context):
            yield f"[{i}]", str(value)


def flat_text(context: Any) -> str:
    """The whole context as one text, each document under its label (what a reader of all of it is given)."""
    if isinstance(context, str):
        return context
    return "\n\n".join(f"{label}:\n{text}" if label else text for label, text in documents(context))


def place(label: str, line: int, char: int | None) -> str:
    """How a place is written: "line 12", "line 1, character 1,318", "pkg/mod.py:40", "[3] line 2"."""
    if label and not label.startswith("["):
        return f"{label}:{line}" + (f" (character {char:,})" if char else "")
    place = f"line {line}" + (f", character {char:,}" if char else "")
    return f"{label} {place}" if label else place


# A place as place() writes it, with the heading it is under where evidence.py says it ("line 375, under '## Safety'").
PLACE = re.compile(r"^\s*(?:(?P<index>\[\d+\]) )?line (?P<line>\d+)(?:, character (?P<char>[\d,]+))?(?:, under .*)?\s*$"
                   r"|^\s*(?P<label>.+?):(?P<path_line>\d+)(?: \(character (?P<path_char>[\d,]+)\))?(?:, under .*)?\s*$")


def read_place(where: str) -> tuple[str, int, int] | None:
    """A place's document label, line and character (0 where it names none); None for no place."""
    m = PLACE.match(str(where))
    if m is None:
        return None
    return (m["index"] or m["label"] or "", int(m["line"] or m["path_line"]),
            int((m["char"] or m["path_char"] or "0").replace(",", "")))
