"""The embedded model's exact token counts: byte-level BPE over the GGUF's own vocab and merges.

xllamacpp's `Server` exposes no tokenize handler, so `EmbeddedModel.count_tokens` runs the model's own
byte-level BPE here (merges read from the GGUF, Qwen2 pre-tokenizer). With the `regex` package installed
it is exact; without it, exact for ASCII/Latin text. A GGUF of another tokenizer family gives no
tokenizer (`from_gguf` returns None) and the backend estimates instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from .weights import read_gguf_metadata


def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte -> printable character map, used by byte-level BPE vocabularies."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


# The Qwen2 pre-tokenizer (llama.cpp LLAMA_VOCAB_PRE_TYPE_QWEN2 / Qwen's tokenizer.json).
_QWEN2_SPLIT = (
    r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# The same with the stdlib `re` (no \p{..}): a letter is [^\W\d_], a number \d. Exact for ASCII and
# Latin text; differs only for combining marks and non-decimal numerals.
_QWEN2_SPLIT_RE = (
    r"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|(?:[^\w\r\n]|_)?[^\W\d_]+|\d"
    r"| ?(?:[^\s\w]|_)+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

class BPETokenizer:
    """Byte-level BPE over the GGUF's own vocab and merges: counts what llama.cpp would count."""

    MAX_PIECE = 1024  # longer pre-tokens are counted in slices (rare: huge runs of spaces/symbols)

    def __init__(self, merges: list[str]):
        self.ranks: dict[tuple[str, str], int] = {}
        for i, m in enumerate(merges):
            a, _, b = m.partition(" ")
            self.ranks[(a, b)] = i
        self.byte_map = _bytes_to_unicode()
        self._byte_table = [self.byte_map[b] for b in range(256)]
        self.cache: dict[str, int] = {}
        try:
            import regex  # type: ignore[import-not-found]

            self.split = regex.compile(_QWEN2_SPLIT).findall
            self.exact = True
        except ImportError:
            self.split = re.compile(_QWEN2_SPLIT_RE).findall
            self.exact = False

    @classmethod
    def from_gguf(cls, path: Path) -> BPETokenizer | None:
        meta = read_gguf_metadata(path, {"tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.merges"})
        if meta.get("tokenizer.ggml.model") != "gpt2" or meta.get("tokenizer.ggml.pre") != "qwen2":
            return None  # another tokenizer family: the caller estimates
        merges = meta.get("tokenizer.ggml.merges")
        if not merges:
            return None
        return cls(merges)

    def count(self, text: str) -> int:
        total = 0
        cache = self.cache
        for piece in self.split(text):
            n = cache.get(piece)
            if n is None:
                n = self._count_piece(piece)
                if len(cache) > 200_000:
                    cache.clear()
                cache[piece] = n
            total += n
        return total

    def _count_piece(self, piece: str) -> int:
        table = self._byte_table
        word = "".join(table[b] for b in piece.encode("utf-8", "surrogatepass"))
        if len(word) > self.MAX_PIECE:
            return sum(self._bpe(word[i : i + self.MAX_PIECE]) for i in range(0, len(word), self.MAX_PIECE))
        return self._bpe(word)

    def _bpe(self, word: str) -> int:
        parts = list(word)
        ranks = self.ranks
        while len(parts) > 1:
            best_rank = None
            best = -1
            for i in range(len(parts) - 1):
                r = ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best_rank, best = r, i
            if best_rank is None:
                break
            a, b = parts[best], parts[best + 1]
            merged: list[str] = []
            i = 0
            n = len(parts)
            while i < n:
                if i < n - 1 and parts[i] == a and parts[i + 1] == b:
                    merged.append(a + b)
                    i += 2
                else:
                    merged.append(parts[i])
                    i += 1
            parts = merged
        return len(parts)
