"""Exact word counts over the whole context, where a reading of a few passages can only guess.

- `tally()`: how many sentences hold the question's rarest name, alone and beside each of its other words.
  A "how many" question is near one of those counts ("how many sentences are about the library of
  Hasoxwick?" and the sentences holding both "hasoxwick" and "library"); the small profile's first reading
  is given them (`asks_count`), and model code may call `tally()`.
- `near()`: for a pattern that matched nothing, the shorter phrases of it that do occur (with counts) and
  the passages nearest to its words. The REPL reports it after any search on the context that found nothing.
- `as_written()`: an answer with each name spelt as the context writes it, where the answer dropped or
  added underscores (`SimpleCData` for `_SimpleCData`): a small reader's slip, which the loop refuses once.

Both are built once per context object (`per_context.cached`), on first use. Nothing here knows a task.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from .documents import documents
from .evidence import _IDENTIFIER, _SENTENCE_END, _WORDS, _cut, rank
from .querywords import TIMES_AS, anchor_words, query_terms, said_words
from .per_context import cached

MAX_PATTERN_WORDS = 8  # near(): the first words of a pattern whose sub-phrases are tried
MAX_PHRASES = 4  # near(): sub-phrases reported
TALLY_PAIRS = 4  # tally(): the question's other words counted beside its rarest name, most frequent first
BIND_REACH = 2  # tally(): a question word this near its name belongs to it ("the ferry of X", "X's ferry")
TALLY_MAX_SHARE = 0.5  # tally(): a name in more of the sentences than this is a field of every record, not a thing

# Regex syntax to drop when reading a pattern's literal words: escapes such as \s \d \b, classes,
# quantifiers and groups.
_REGEX_SYNTAX = re.compile(r"\\[A-Za-z]|\[[^\]]*\]|\(\?[:=!<>a-zA-Z]*|\{\d*,?\d*\}|[()|*+?^$.\\]")
_WORD = re.compile(r"[^\W_][\w'-]*[^\W_]|[^\W_]", re.UNICODE)
# A question asking how many pieces of the text (sentences, lines, mentions, ...) say something: its answer
# is a count over the whole text, not one passage. "How many methods does class X define?" counts inside one
# definition, which a reading of its passages answers: it is not one of these.
_COUNT_QUESTION = re.compile(
    r"\b(?:how many|number of)\s+(?:\w+\s+){0,2}?(?:sentences|lines|mentions|times|entries|records|paragraphs|items"
    r"|posts|messages|reports|articles|documents|rows|occurrences)\b", re.IGNORECASE)


class Row(NamedTuple):
    """One count of tally(): the sentences holding all of `words`; where `bound`, only those in which the
    second word goes with the first, a name (SentenceWords.bound)."""
    words: tuple[str, ...]
    count: int
    bound: bool = False


class SentenceWords:
    """Each word of the context (lower case) and the sentences holding it: a sentence is a piece of a line
    ending in . ! ? or ; (a line of code is one sentence). Also the context's names: words written
    capitalised past a sentence's first word and never in lower case ("Dunmore", "Sunday"; not "The")."""

    def __init__(self, context: Any):
        self.postings: dict[str, set[int]] = {}
        self.sentences: list[str] = []
        capitalised: set[str] = set()
        lower: set[str] = set()
        for _, doc in documents(context):
            for line in doc.splitlines():
                for sentence in _SENTENCE_END.split(line):
                    words = _WORDS.findall(sentence)
                    for i, word in enumerate(words):
                        if word.islower():
                            lower.add(word)
                        elif i and word[0].isupper():
                            capitalised.add(word.lower())
                    for word in {w.lower() for w in words}:
                        self.postings.setdefault(word, set()).add(len(self.sentences))
                    self.sentences.append(sentence)
        self.count = len(self.sentences)
        self.names = capitalised - lower
        self.lower = lower  # the words the context writes in lower case somewhere: no names

    def bound(self, name: str, word: str, among: set[int]) -> int:
        """How many of the sentences `among` hold `word` with no other name nearer to it than `name` (in words;
        a tie goes to `name`): "Visitors from Dunmore said the ferry of Brimley was late" holds "dunmore" and
        "ferry", but its ferry is Brimley's."""
        count = 0
        for i in among:
            words = [w.lower() for w in _WORDS.findall(self.sentences[i])]
            names = [j for j, w in enumerate(words) if w in self.names and w != word]
            for at in (j for j, w in enumerate(words) if w == word):
                nearest = min(names, key=lambda j: (abs(j - at), words[j] != name), default=None)
                if nearest is not None and words[nearest] == name:
                    count += 1
                    break
        return count


class NameForms:
    """The context's names (identifier-like words) by their letters alone: no underscores, lower case."""

    def __init__(self, context: Any):
        self.forms: dict[str, set[str]] = {}
        self.words: set[str] = set()  # every name, lower case
        for _, doc in documents(context):
            for word in set(_IDENTIFIER.findall(doc)):
                self.forms.setdefault(_letters(word), set()).add(word)
                self.words.add(word.lower())


def _letters(name: str) -> str:
    return name.replace("_", "").lower()


def asks_count(question: str) -> bool:
    """Whether `question` asks how many pieces of the text say something ("how many sentences ...", "the
    number of times ..."); not "how many times larger is A than B?", a ratio (querywords.TIMES_AS)."""
    return bool(_COUNT_QUESTION.search(question)) and not TIMES_AS.search(question)


def asking_sentence(query: str) -> str:
    """The sentence of `query` that asks how many, where the query also describes the text ("The context is a
    regional news digest. How many sentences are about ...?"): the description's words ("regional", "news")
    are not what is counted, and paired with the name they gave the 1.5B reader a wrong row to answer from
    (bench/RESULTS.md, issue 12, fifth step). The whole query where no one sentence asks how many."""
    match = _COUNT_QUESTION.search(query)
    if not match:
        return query
    starts = [m.end() for m in _SENTENCE_END.finditer(query, 0, match.start())]
    return query[starts[-1] if starts else 0:]


def tally(context: Any, query: str) -> list[Row]:
    """How many sentences of the whole text hold the query's rarest name, and that name with each of the
    query's other words (the most frequent pairings first), as rows (Row). With no name in
    the query, its rarest word stands in. Words are whole and of any case. [] where the text holds none of
    them, or where the name is in most sentences (a field of every record, not a thing). A query that
    describes the text before it asks is counted on the sentence that asks (asking_sentence).

    Where the anchor is a name of the text, its pairings come first, nearest word (in the question) first,
    and the name alone last. A word the question binds to the name ("the ferry of Dunmore", within
    BIND_REACH words) and the text binds to it in some sentence (SentenceWords.bound) is the thing asked
    about: its row is the only one. Where some of its pair's sentences give the word to another name, that
    row is bound: it counts only the sentences where the word goes with the name. "The ferry of Dunmore" is
    those, not every sentence naming both."""
    sentences = cached(context, SentenceWords)
    postings = sentences.postings
    asking = asking_sentence(query)
    held = [t for t in query_terms(asking) if postings.get(t)]
    if not held:
        return []
    anchor = min(anchor_words(query, held), key=lambda t: (len(postings[t]), held.index(t)))
    alone = len(postings[anchor])
    if alone > TALLY_MAX_SHARE * sentences.count:
        return []
    pairs = [(t, postings[anchor] & postings[t]) for t in held if t != anchor]
    # A word in every sentence of the name's (a field of every record) tells nothing the name alone does not.
    pairs = sorted((p for p in pairs if 0 < len(p[1]) < alone), key=lambda p: -len(p[1]))[:TALLY_PAIRS]
    rows = [Row((anchor,), alone)]
    if anchor not in sentences.names:
        return rows + [Row((anchor, word), len(both)) for word, both in pairs]
    # The name's thing is the question's word nearest to it ("news of the market of Dunmore"): once a pairing
    # is found that the text also binds to the name, the farther words are the question's framing, and a row
    # for them ("sentences holding 'dunmore' and 'news'") was the 1.5B reader's pick over the right one.
    asked = [w.lower() for w in _WORDS.findall(asking)]
    places = [i for i, w in enumerate(asked) if w == anchor]
    reach = {word: min((abs(i - j) for i in places for j, w in enumerate(asked) if w == word), default=len(asked))
             for word, _ in pairs}
    pairs.sort(key=lambda p: reach[p[0]])
    paired: list[Row] = []
    for word, both in pairs:
        # A word the question binds to the name ("the ferry of Dunmore"); "both Dunmore and the word ferry"
        # counts every sentence holding both.
        bound = 0 if word in sentences.names or reach[word] > BIND_REACH else sentences.bound(anchor, word, both)
        # Where some sentences give the word to another name, only the bound count answers "the ferry of
        # Dunmore": shown both, the 1.5B reader took the larger one (count seed 0 at 64K, daf6a39).
        if bound:
            # The question's thing of the name, found: its count is the answer, and the name's other counts
            # are not. Shown the name's count beside it, in either order, the 1.5B reader took the name's
            # (72 for 26 at 4K seed 3; 189 for 99 at 32K seed 5).
            return [Row((anchor, word), bound, bound=True) if bound < len(both) else Row((anchor, word), len(both))]
        paired.append(Row((anchor, word), len(both)))
    return paired + rows  # the more specific counts first


def answers_alone(context: Any, query: str, rows: list[Row]) -> bool:
    """Whether tally's rows are one count that is the answer by itself: the question's thing of its name, or
    the name alone where the sentence that asks names nothing else (its other words are the unit counted, or
    in every sentence of the name: a field such as "user"). "How many items about travel did user 31821
    post?" is not user 31821's 78 items: the text never writes "travel" (a topic to infer), and taken as the
    answer, 78 stood for 15 (oolong seed 5 at 128K); a reader is shown the count and the question instead.
    A word the text does not hold may also be a verb it writes in another form ("post"): a reader then copies
    the count, which costs one short call."""
    if len(rows) != 1:
        return False
    if len(rows[0].words) > 1:
        return True
    sentences = cached(context, SentenceWords)
    asking = asking_sentence(query).split("?", 1)[0]  # "Answer with a number." asks for no other thing
    unit = _COUNT_QUESTION.search(asking)
    unit_words = {w.lower() for w in _WORDS.findall(unit[0])} if unit else set()
    if said_words(asking):
        unit_words |= {"word", "term"}  # "is the word zarnith mentioned": the framing, not a word counted beside it
    of_name = sentences.postings.get(rows[0].words[0], set())
    return all(term in unit_words or of_name <= sentences.postings.get(term, set()) for term in query_terms(asking))


def describe(row: Row) -> str:
    """A tally row as the reader is shown it: "sentences holding 'dunmore' and 'ferry': 30"."""
    if row.bound:
        name, word = row.words
        return f"sentences holding {name!r} and {word!r}, with no other name nearer {word!r}: {row.count}"
    return f"sentences holding {' and '.join(map(repr, row.words))}: {row.count}"


def as_written(context: Any, answer: str) -> str | None:
    """`answer` with each name in it spelt as the context writes it, where the context does not hold the
    name as written (in any case) but holds exactly one name with the same letters and other underscores
    (`SimpleCData` -> `_SimpleCData`). None where nothing changes."""
    names = cached(context, NameForms)
    changed = answer
    for name in set(_IDENTIFIER.findall(answer)):
        if name.lower() in names.words:
            continue
        forms = names.forms.get(_letters(name), set())
        if len(forms) == 1:
            changed = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", next(iter(forms)), changed)
    return changed if changed != answer else None


def pattern_words(pattern: str) -> list[str]:
    """The literal words of a regex (or a plain phrase): `r"magic\\s+number for (\\w+)"` -> magic, number, for."""
    return _WORD.findall(_REGEX_SYNTAX.sub(" ", pattern))


def phrase_counts(context: Any, pattern: str) -> list[tuple[str, int]]:
    """The longest contiguous runs of the pattern's words that occur in the context (case-insensitive,
    any spacing or punctuation between words, a word may be the start of a longer one: "number" finds
    "numbers"), longest first, with how often each occurs."""
    words = pattern_words(pattern)[:MAX_PATTERN_WORDS]
    found: list[tuple[str, int]] = []
    covered: list[tuple[int, int]] = []  # word spans already reported inside a longer phrase
    for n in range(len(words) - 1 if len(words) > 1 else 1, 0, -1):
        for start in range(len(words) - n + 1):
            if any(s <= start and start + n <= e for s, e in covered):
                continue
            gram = words[start:start + n]
            rx = re.compile(r"\b" + r"\W+".join(map(re.escape, gram)), re.IGNORECASE)
            count = sum(len(rx.findall(doc)) for _, doc in documents(context))
            if count:
                found.append((" ".join(gram), count))
                covered.append((start, start + n))
            if len(found) >= MAX_PHRASES:
                return found
    return found


def near(context: Any, pattern: str, k: int = 3) -> dict[str, Any]:
    """What is near a pattern that matched nothing: its sub-phrases that occur, and the passages that
    best match its words. Plain data (it crosses the sandbox's wire)."""
    words = " ".join(pattern_words(pattern))
    return {
        "pattern": _cut(pattern),
        "phrases": [{"phrase": p, "count": c} for p, c in phrase_counts(context, pattern)],
        "passages": [p.as_dict() for p in rank(context, words, k)] if words else [],
    }
