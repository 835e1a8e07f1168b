"""Text that leaves the process: JSON any UTF-8 writer accepts, strings a terminal shows but never obeys,
the one head-and-tail cut for text too long to show whole, and the one token estimate for text that no
tokenizer counted.

Model code can produce any `str`: a lone surrogate (`print("\\ud800")`) cannot be encoded as UTF-8, so
a log line, an HTTP body or stdout that encodes strictly raises and loses the run; a control sequence
(OSC 52 writes the clipboard, `ESC [2J` clears the screen, OSC 0 sets the title) is obeyed by a terminal
that is sent it raw. Every writer of model-made text goes through one of these two functions.
"""

from __future__ import annotations

import json
import re
from typing import Any


# Line breaks to str.splitlines() that JSON leaves raw: a JSONL reader splitting on them would cut a log
# line in two and lose the event (FINAL("a\u2028b") lost the answer and run_end when read back).
_LINE_BREAKS_JSON_KEEPS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_bytes(obj: Any, *, indent: int | None = None, separators: tuple[str, str] | None = None) -> bytes:
    """`obj` as UTF-8 JSON, one line unless `indent`. Text stays readable (not \\u-escaped), except a lone
    surrogate and the line breaks JSON keeps raw, which become their `\\uXXXX` escapes: inside a JSON
    string those read back as the very same `str`."""
    text = json.dumps(obj, ensure_ascii=False, default=str, indent=indent, separators=separators)
    for char, escape in _LINE_BREAKS_JSON_KEEPS.items():
        if char in text:
            text = text.replace(char, escape)
    return text.encode("utf-8", "backslashreplace")  # only surrogates fail to encode, and only inside strings


def json_text(obj: Any, *, indent: int | None = None, separators: tuple[str, str] | None = None) -> str:
    """json_bytes as a str, for text files and streams: it encodes as UTF-8 without error."""
    return json_bytes(obj, indent=indent, separators=separators).decode("utf-8")


CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text and source code with BPE tokenizers


def estimate_tokens(text: str) -> int:
    """Tokens in `text` by the rule of thumb, rounded up: for backends and sizes that have no tokenizer."""
    return len(text) // CHARS_PER_TOKEN + 1


def head_and_tail(text: str, limit: int, note: str, /, **fields: Any) -> str:
    """`text` if it fits in `limit` characters, else its head and tail around `note` (which may name the
    number of characters left out as {cut}, and any of `fields`)."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + note.format(cut=len(text) - 2 * half, **fields) + text[-half:]


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD: what a model backend can send (API clients and
    llama.cpp encode UTF-8 strictly, so one surrogate in a cell's output or a question lost the run)."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def encodable_messages(messages: list[dict]) -> list[dict]:
    """Chat messages with `encodable` text content (the list and messages are copied only where needed)."""
    if not any(isinstance(m.get("content"), str) and _LONE_SURROGATE.search(m["content"]) for m in messages):
        return messages
    return [{**m, "content": encodable(m["content"])} if isinstance(m.get("content"), str) else m for m in messages]


# C0 controls but tab and newline (a carriage return only where it ends a line: CRLF text stays as it
# is), DEL, C1 controls (0x9b is a one-byte CSI on some terminals), and lone surrogates.
_UNSAFE_FOR_TERMINAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")


def terminal_safe(text: str) -> str:
    """`text` with every control character and lone surrogate shown as a visible escape (`\\x1b`,
    `\\ud800`), so printing it cannot move the cursor, clear the screen, set the title or the clipboard."""
    return _UNSAFE_FOR_TERMINAL.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
