"""Load the input once and describe it to the root model without ever showing it whole.

A context is a string, a list of strings, a dict of name -> text, a file path, or a directory
(a dict of relative path -> text). Loading happens once per run; the REPL holds a reference to the
loaded object, so a 100 MB input is never copied or re-serialised per iteration.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .text import CHARS_PER_TOKEN  # the estimate used for metadata; backends count exactly where they can

PREVIEW_CHARS = 400  # head and tail shown to the root model
BINARY_SNIFF_BYTES = 8_192
TREE_ENTRIES = 30  # folders (or files) listed when describing a directory's shape to the root model
TREE_MAX_DEPTH = 3  # how deep tree_shape() goes looking for a level with more than one folder


class ContextError(ValueError):
    """The input cannot be used as a context. The message says what was wrong and what to do."""


@dataclass
class LoadedContext:
    value: Any  # str | list[str] | dict[str, str]
    source: str  # "text", "file:<path>", "directory:<path>", "list", "dict"
    skipped: list[str] = field(default_factory=list)  # files left out of a directory, with reasons
    info: ContextInfo | None = field(default=None, repr=False)  # describe()'s result, computed once


def load_context(context: Any, encoding: str = "utf-8") -> LoadedContext:
    """Turn what the user passed into the object the REPL will hold as `context`."""
    if isinstance(context, LoadedContext):
        return context
    if isinstance(context, os.PathLike):
        return _load_path(Path(context), encoding)
    if isinstance(context, str):
        if not context or context.isspace():  # not .strip(): that would copy a 100 MB input
            raise ContextError("the context is empty: pass the text (or a file or directory) to ask about")
        return LoadedContext(context, "text")
    if isinstance(context, (list, tuple)):
        if not context:
            raise ContextError("the context is an empty list: pass at least one document")
        bad = [i for i, item in enumerate(context) if not isinstance(item, str)]
        if bad:
            raise ContextError(f"a list context must hold strings; items {bad[:5]} are not (convert them with str())")
        return LoadedContext(list(context), "list")
    if isinstance(context, dict):
        if not context:
            raise ContextError("the context is an empty dict: pass at least one document")
        return LoadedContext(dict(context), "dict")
    if isinstance(context, bytes):
        raise ContextError("the context is bytes: decode it to text first (e.g. data.decode('utf-8'))")
    raise ContextError(
        f"cannot use a {type(context).__name__} as a context: pass a str, a list of str, a dict, or a Path"
    )


class _NotRegularFile(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind  # "a FIFO (named pipe)", "a character device", ...


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _read_regular_file(path: Path, follow_link: bool = True) -> bytes:
    """The bytes of a regular file, or _NotRegularFile. /dev/zero never ends and a FIFO with no writer
    blocks forever in open(): the file is opened without blocking and its type checked on the open file
    (a check by name first could be raced by a swap)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow_link else os.O_NOFOLLOW)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise _NotRegularFile(next((kind for test, kind in _KINDS if test(mode)), "not a regular file"))
        return f.read()


def _load_path(path: Path, encoding: str) -> LoadedContext:
    if not path.exists():
        raise ContextError(f"no such file or directory: {path} (check the path, or pass '-' to read stdin)")
    if path.is_dir():
        return _load_directory(path, encoding)
    try:
        data = _read_regular_file(path)
    except _NotRegularFile as e:
        raise ContextError(f"{path} is {e.kind}, not a regular file: it may never end or never answer. "
                           f"Send a stream through stdin instead (... | rlm ask - QUESTION)") from None
    except OSError as e:
        raise ContextError(f"cannot read {path}: {e.strerror}") from None
    if not data or data.isspace():
        raise ContextError(f"{path} is empty: there is nothing to ask about")
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        raise ContextError(f"{path} looks binary (it contains NUL bytes): convert it to text first")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as e:
        raise ContextError(
            f"{path} is not valid {encoding} (byte 0x{data[e.start]:02x} at offset {e.start}): "
            f"convert it (e.g. iconv -f latin1 -t utf-8) or pass its encoding (--encoding latin-1)"
        ) from None
    return LoadedContext(text, f"file:{path}")


def _load_directory(root: Path, encoding: str) -> LoadedContext:
    """Every text file under `root`, and nothing outside it: a link that leads out of the tree (to
    ../creds.txt, to /etc) is skipped and listed, as are special files, binary and undecodable ones."""
    docs: dict[str, str] = {}
    skipped: list[str] = []
    inside = root.resolve()
    for path in sorted(root.rglob("*")):  # rglob does not descend into linked folders
        if any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        rel = path.relative_to(root).as_posix()
        link = path.is_symlink()
        if link:
            target = path.resolve()
            if not target.is_relative_to(inside):
                skipped.append(f"{rel} (a link out of the folder)")
                continue
            if not target.exists():
                skipped.append(f"{rel} (a broken link)")
                continue
        if path.is_dir():  # a folder, or a link to one inside the tree (its files are read where they are)
            continue
        try:
            data = _read_regular_file(path, follow_link=link)  # not a link: refuse one swapped in since
        except _NotRegularFile as e:
            skipped.append(f"{rel} ({e.kind})")
            continue
        except OSError as e:
            skipped.append(f"{rel} (unreadable: {e.strerror})")
            continue
        if b"\0" in data[:BINARY_SNIFF_BYTES]:
            skipped.append(f"{rel} (binary)")
            continue
        try:
            docs[rel] = data.decode(encoding)
        except UnicodeDecodeError:
            skipped.append(f"{rel} (not {encoding})")
    if not docs:
        raise ContextError(f"{root} holds no readable text files (skipped: {', '.join(skipped) or 'none found'})")
    return LoadedContext(docs, f"directory:{root}", skipped)


# ---------------------------------------------------------------------------------------------
# Metadata: what the root model is told about the context.


def _size_of(value: Any) -> int:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, dict):
        return sum(len(str(k)) + _size_of(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return sum(_size_of(v) for v in value)
    return len(str(value))


def _flat_text_for_preview(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        first, last = next(iter(value.items())), next(reversed(value.items()))
        return f"{first[0]!r}: {str(first[1])[:PREVIEW_CHARS]} ... {last[0]!r}: {str(last[1])[-PREVIEW_CHARS:]}"
    return f"{str(value[0])[:PREVIEW_CHARS]} ... {str(value[-1])[-PREVIEW_CHARS:]}"


@dataclass(frozen=True)
class ContextInfo:
    type_name: str
    chars: int
    est_tokens: int
    items: int | None
    lines: int
    head: str
    tail: str
    keys_preview: list[str]
    skipped: list[str] = field(default_factory=list)  # directory files left out, with the reason
    tree: list[str] = field(default_factory=list)  # a dict of paths: its shape ("email/ (31 files)", ...)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def describe(loaded: LoadedContext) -> ContextInfo:
    """The metadata the root model sees. Computed once per loaded context (child runs over the parent's
    context reuse it: counting lines of 100 MB takes ~70 ms)."""
    if loaded.info is None:
        loaded.info = _describe(loaded)
    return loaded.info


def _describe(loaded: LoadedContext) -> ContextInfo:
    value = loaded.value
    chars = _size_of(value)
    tree: list[str] = []
    if isinstance(value, str):
        lines = value.count("\n") + 1
        items = None
        keys: list[str] = []
    elif isinstance(value, dict):
        lines = sum(str(v).count("\n") + 1 for v in value.values())
        items = len(value)
        keys = [str(k) for k in list(value)[:10]]
        tree = tree_shape([str(k) for k in value])
    else:
        lines = sum(str(v).count("\n") + 1 for v in value)
        items = len(value)
        keys = []
    flat = _flat_text_for_preview(value)
    head = flat[:PREVIEW_CHARS]
    tail = flat[-PREVIEW_CHARS:] if len(flat) > 2 * PREVIEW_CHARS else ""
    return ContextInfo(
        type_name=type(value).__name__,
        chars=chars,
        est_tokens=chars // CHARS_PER_TOKEN,
        items=items,
        lines=lines,
        head=head,
        tail=tail,
        keys_preview=keys,
        skipped=list(loaded.skipped),
        tree=tree,
    )


def tree_shape(paths: list[str]) -> list[str]:
    """A directory's shape in a few entries: its folders with file counts, at the first depth where there
    is more than one (a small root otherwise reads the first file and never sees the tree)."""
    if not paths or not any("/" in p for p in paths):
        return []
    for depth in range(1, TREE_MAX_DEPTH + 1):
        groups: dict[str, int] = {}
        for p in paths:
            parts = p.split("/")
            key = "/".join(parts[:depth]) + "/" if len(parts) > depth else p
            groups[key] = groups.get(key, 0) + 1
        if len(groups) > 1:
            break
    entries = [f"{k} ({n} file{'s' if n != 1 else ''})" if k.endswith("/") else k for k, n in groups.items()]
    if len(entries) > TREE_ENTRIES:
        entries = entries[:TREE_ENTRIES] + [f"... {len(entries) - TREE_ENTRIES} more"]
    return entries
