"""What one cell of the isolated worker prints, captured: `sys.stdout` / `sys.stderr` through a router to the
running cell's `CappedText` (its head and tail up to a limit), and fds 1 and 2 (subprocesses, C code) into a
file read back per cell.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from collections import deque

from .wire import OUTPUT_CUT_NOTE


class CappedText:
    """Keeps the head and the tail of what is written, up to `limit` characters, and counts the rest."""

    def __init__(self, limit: int):
        self.limit = limit
        self.head_cap = limit // 2
        self.tail_cap = limit - self.head_cap
        self.head: list[str] = []
        self.head_len = 0
        self.tail: deque[str] = deque()
        self.tail_len = 0
        self.total = 0
        self.lock = threading.Lock()

    def write(self, s: str) -> int:
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        written = len(s)
        with self.lock:
            self.total += written
            if self.head_len < self.head_cap:
                take = s[: self.head_cap - self.head_len]
                self.head.append(take)
                self.head_len += len(take)
                s = s[len(take):]
            if s:
                self.tail.append(s)
                self.tail_len += len(s)
                while self.tail_len > self.tail_cap:
                    extra = self.tail_len - self.tail_cap
                    if len(self.tail[0]) <= extra:
                        self.tail_len -= len(self.tail.popleft())
                    else:
                        self.tail[0] = self.tail[0][extra:]
                        self.tail_len -= extra
        return written

    def text(self) -> str:
        head, tail = "".join(self.head), "".join(self.tail)
        cut = self.total - len(head) - len(tail)
        return head + (OUTPUT_CUT_NOTE.format(cut=cut, limit=self.limit) if cut else "") + tail


class _OutputRouter(io.TextIOBase):
    """sys.stdout and sys.stderr of the worker: writes go to the running cell's CappedText."""

    def __init__(self) -> None:
        self.current: CappedText | None = None

    def write(self, s: str) -> int:
        return self.current.write(s) if self.current is not None else len(s)

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:  # subprocess.run(..., stdout=sys.stdout): fd 1 is captured per cell too
        return 1

    @property
    def encoding(self) -> str:
        return "utf-8"


class _FdCapture:
    """fds 1 and 2 (what subprocesses and C code print) go to an unlinked file, read back per cell."""

    def __init__(self, workdir: str, limit_chars: int):
        self.file = tempfile.TemporaryFile(dir=workdir)
        self.limit_bytes = limit_chars  # bytes, to bound the read; decoded text is at most as long
        for fd in (1, 2):
            os.dup2(self.file.fileno(), fd)

    def reset(self) -> None:
        os.ftruncate(1, 0)
        os.lseek(1, 0, os.SEEK_SET)

    def read(self) -> tuple[str, int]:
        size = os.fstat(1).st_size
        data = os.pread(1, min(size, self.limit_bytes), 0) if size else b""
        return data.decode("utf-8", "replace"), max(0, size - len(data))
