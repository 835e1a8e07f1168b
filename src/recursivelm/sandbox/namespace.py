"""The REPL the model programs against: its namespace, its protected names, and running one cell.

Shared by every sandbox, in this process or in an isolated worker: what the model sees is the same.
"""

from __future__ import annotations

import ast
import builtins
import linecache
import re
import traceback
from collections import Counter
from typing import Any, Callable

from .. import (code_counts, code_relations, evidence, judging, labelling, pairing, reading, records, row_dicts, tables,
               wordcounts, wordings)
from ..code_rows import code_rows
from ..counted import Counted
from ..documents import documents, place
from ..parsing import compile_tree, parse_python
from ..protocols import HOST_FUNCTION_NAMES, CellResult, FinalAnswer, HostFunctions
from .lookups import Lookups

CELL_FILENAME = "<cell>"
SEARCH_MAX_HITS = 20  # matches search() returns before it says how many more there were
SEARCH_LINE_CHARS = 300  # a matching line is cut to this many characters, centred on the match
CLOSED_MID_CELL = "the sandbox was closed while this cell ran (the run was cancelled)"  # both sandboxes' error
DEFAULT_CHUNK_CHARS = 8_000  # chunks() size when the engine does not set one from the sub-model's window


class FinalSignal(BaseException):
    """Raised by FINAL()/FINAL_VAR() to end the cell at once. BaseException, so `except Exception`
    in model code does not swallow it; the answer is recorded before raising, in case it does."""


def _describe(value: Any) -> str:
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return f"{type(value).__name__}, len {len(value):,}"
    return type(value).__name__


def _iter_texts(context: Any):
    """(label, text) for each document of a context: a str, list, or dict."""
    sep = ": " if isinstance(context, dict) else " "  # "key: ", "[i] "; a string's one document has no label
    for label, text in documents(context):
        yield ("" if isinstance(context, str) else label + sep), text


def _around(line: str, match: re.Match | None = None) -> str:
    """`line` cut to SEARCH_LINE_CHARS: centred on `match` if given, else its start."""
    if len(line) <= SEARCH_LINE_CHARS:
        return line
    if match is None:
        return line[:SEARCH_LINE_CHARS] + "…"
    start = max(0, min((match.start() + match.end()) // 2 - SEARCH_LINE_CHARS // 2, len(line) - SEARCH_LINE_CHARS))
    end = start + SEARCH_LINE_CHARS
    return ("…" if start > 0 else "") + line[start:end] + ("…" if end < len(line) else "")


class Hit(str):
    """One line search() found, with where it is (a place `around()` takes)."""

    where: str

    def __new__(cls, text: str, where: str):
        hit = super().__new__(cls, text)
        hit.where = where
        return hit


class Hits(list):
    """What search() returns: the matching lines, as a list, that prints (and concatenates) as the hits
    with their places and the lines around them. Small models index it (`search(p)[0]`), test it
    (`if search(p):`, false when nothing matched) or add it to a prompt: each works as they meant."""

    def __init__(self, pattern: str):
        super().__init__()
        self.pattern = pattern
        self.total = 0
        self._shown: list[str] = []

    def add(self, hit: Hit, shown: str, max_hits: int) -> None:
        self.total += 1
        if len(self) < max_hits:
            self.append(hit)
            self._shown.append(f"--- {hit.where}:\n{shown}")

    def __str__(self) -> str:
        if not self:
            return f"no line matches {self.pattern!r}"
        more = f"\n({self.total - len(self)} more matches not shown)" if self.total > len(self) else ""
        return "\n".join(self._shown) + more

    __repr__ = __str__

    def __add__(self, other):
        return str(self) + other if isinstance(other, str) else super().__add__(other)

    def __radd__(self, other):
        return other + str(self) if isinstance(other, str) else NotImplemented

    def __contains__(self, item) -> bool:
        return item in str(self) if isinstance(item, str) else super().__contains__(item)


class ReadOnlyDict(dict):
    """A dict context the model cannot change in place: every later cell (and a child run) must see the
    input as it was given. A dict still (isinstance, iteration, .items() all work); a copy is the model's."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("context is read-only: copy it first, e.g. docs = dict(context)")

    __setitem__ = __delitem__ = __ior__ = update = pop = popitem = clear = setdefault = _refuse


class ReadOnlyList(list):
    """A list context the model cannot change in place (see ReadOnlyDict)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("context is read-only: copy it first, e.g. items = list(context)")

    __setitem__ = __delitem__ = __iadd__ = __imul__ = append = extend = insert = pop = remove = clear = _refuse
    sort = reverse = _refuse


def read_only(context: Any) -> Any:
    """The context as the REPL holds it: a str as it is (immutable); a dict or list as a read-only copy
    (shallow: the documents are the same str objects)."""
    if isinstance(context, dict) and not isinstance(context, ReadOnlyDict):
        return ReadOnlyDict(context)
    if isinstance(context, list) and not isinstance(context, ReadOnlyList):
        return ReadOnlyList(context)
    return context


class Namespace:
    """Builds the globals model code runs in, and keeps the protected names in place."""

    def __init__(self, context: Any, host: HostFunctions, chunk_chars: int = DEFAULT_CHUNK_CHARS):
        context = read_only(context)
        self.final: FinalAnswer | None = None
        self.chunk_chars = chunk_chars
        self.lookups = Lookups(lambda: self.globals["context"])
        # The REPL's own builtins: `import re` gives the watched proxy (lookups.py), the rest is as usual.
        repl_builtins = dict(vars(builtins), __import__=self.lookups.importer())
        # `re` is there without an import: small models use it and forget the import (NameError, then a guess).
        self.globals: dict[str, Any] = {"__name__": "__repl__", "__builtins__": repl_builtins, "re": self.lookups.re}
        self.protected: dict[str, Any] = {
            "context": context,
            **host,
            "FINAL": self._final,
            "FINAL_VAR": self._final_var,
            # Small models write Final(...) or final(...): the answer is what they meant.
            "Final": self._final,
            "final": self._final,
            "SHOW_VARS": self._show_vars,
            "search": self._search,
            "around": self._around_place,
            "find": self._find,
            "read": self._read,
            "tally": self._tally,
            "classify": self._classify,
            "callers": self._callers,
            "count_code": self._count_code,
            "count_table": self._count_table,
            "table_rows": self._table_rows,
            "line_kinds": self._line_kinds,
            "judge": self._judge,
            "chunks": self._chunks,
            "ask_chunks": self._ask_chunks,
        }
        self.globals.update(self.protected)

    # -- the answer callables -----------------------------------------------------------------
    def _final(self, value: Any = None) -> None:
        self.final = FinalAnswer(value, "FINAL")
        raise FinalSignal()

    def _final_var(self, name: Any) -> None:
        # Accept the variable's name (the documented form) or the variable itself: the value is
        # what counts, never the name or a tuple (a trap of text-parsing implementations).
        if isinstance(name, str) and name.strip().isidentifier():
            key = name.strip()
            if key not in self.globals:
                known = ", ".join(self.user_variables()) or "none yet"
                raise NameError(
                    f"FINAL_VAR({key!r}): no variable named {key!r} (variables: {known}). "
                    f"To answer with the text itself, call FINAL({key!r})."
                )
            value = self.globals[key]
        else:
            value = name
        self.final = FinalAnswer(value, "FINAL_VAR")
        raise FinalSignal()

    def _show_vars(self) -> dict[str, str]:
        return self.user_variables()

    # -- helpers that make the common strategies one short line -----------------------------
    def _search(self, pattern: str, window: int = 1, max_hits: int = SEARCH_MAX_HITS, text: Any = None) -> Hits:
        """Lines matching `pattern` (a case-insensitive regex) with `window` lines around each; in a
        line too long to show, each match with the characters around it. A list of the matching lines
        (each with `.where`, a place `around()` takes) that prints as the hits with their places."""
        if isinstance(window, (str, list, dict, tuple)):  # search(pattern, context), as re.search is called
            text, window = window, 1
        rx = re.compile(pattern, re.IGNORECASE)
        source = self.globals["context"] if text is None else text
        hits = Hits(pattern)
        for label, doc in documents(source):
            lines = doc.splitlines()
            for i, line in enumerate(lines):
                if len(line) > SEARCH_LINE_CHARS:
                    # A long line (text without line breaks is one line): each match with the
                    # characters around it, since the line's start says nothing about the match.
                    for m in rx.finditer(line):
                        shown = _around(line, m)
                        hits.add(Hit(shown, place(label, i + 1, m.start())), shown, max_hits)
                elif rx.search(line):
                    lo, hi = max(0, i - window), min(len(lines), i + window + 1)
                    hits.add(Hit(_around(line), place(label, i + 1, None)),
                             "\n".join(_around(ln) for ln in lines[lo:hi]), max_hits)
        self.lookups.record(pattern, bool(hits))
        return hits

    def _find(self, query: str, max_chars: int = evidence.GATHER_CHARS) -> str:
        """The passages most related to `query` (a question or some words), in the text's order, each with
        its place: the best-ranked ones, every one naming the rare names the query uses, and the next hop
        from them (evidence.gather). A text to print or to give llm_query."""
        if not isinstance(query, str) or not query.strip():
            raise TypeError("find(query) takes a question or some words, as a str")
        passages = self._gather(query, max_chars)
        return reading.show(passages) if passages else _found_nothing(query)

    def _read(self, question: str, query: str | None = None) -> str:
        """The sub-model's answer to `question`, read from the passages find() gives for `query` (default:
        the question): each passage checked alone first, those that give the answer read together, else all
        of them (reading.read). A text to print."""
        if not isinstance(question, str) or not question.strip():
            raise TypeError("read(question) takes the question to answer, as a str")
        if query is not None and (not isinstance(query, str) or not query.strip()):
            raise TypeError("read(question, query) takes the words to find passages for, as a str")
        passages = self._gather(query or question)
        if not passages:
            return _found_nothing(query or question)
        return reading.read(question, passages, self.protected["llm_query"], self.protected["llm_query_batched"])

    def _gather(self, query: str, max_chars: int = evidence.GATHER_CHARS) -> list[evidence.Passage]:
        passages = evidence.gather(self.globals["context"], query, max_chars)
        self.lookups.record(query, bool(passages))  # finding nothing is a miss like a search's
        return passages

    def _tally(self, query: str) -> str:
        """How many sentences of the whole text hold the query's rarest name, alone and with each of its
        other words, and where a word goes with the name (wordcounts.tally): counts for a "how many" question.
        A text to print or to give llm_query."""
        if not isinstance(query, str) or not query.strip():
            raise TypeError("tally(query) takes a question or some words, as a str")
        rows = wordcounts.tally(self.globals["context"], query)
        self.lookups.record(query, bool(rows))
        if not rows:
            return f"not found: no sentence holds a word of: {query}"
        return "\n".join(wordcounts.describe(row) for row in rows)

    def _callers(self, name: str, path: str | None = None) -> "Callers":
        """The definitions (nested ones too) whose own body calls `name`, over the context's Python files (only
        `path`'s), as "path:line qualified.name" lines (code_relations.callers). A list; print it for its count."""
        if not isinstance(name, str) or not name.strip().replace(".", "").replace("_", "").isalnum():
            raise TypeError('callers(name, path=None) takes the called name as a str, e.g. callers("append")')
        found = code_relations.callers(self.globals["context"], name.strip().split(".")[-1], path)
        self.lookups.record(name, bool(found))
        return Callers(name.strip(), found)

    def _count_code(self, question: str) -> Counted | None:
        """For a question about a Python tree that code can count (how many definitions call a name, how many
        methods a class has, parameters a function takes, which option has the most or fewest): the counts and
        the answer, `.answer` (code_counts.answer); None for any other question."""
        if not isinstance(question, str) or not question.strip():
            raise TypeError("count_code(question) takes the question, as a str")
        return code_counts.answer(self.globals["context"], question)

    def _count_table(self, question: str) -> Counted | None:
        """For a question over a table (CSV, TSV, JSON lines) that code settles from every row (rows holding the
        values it names, the value of a column with the most rows or the largest total), or over a log's lines
        (when a name's lines were last written, a field's commonest value): what code read and the answer,
        `.answer` (records.settled); None for any other question or context."""
        if not isinstance(question, str) or not question.strip():
            raise TypeError("count_table(question) takes the question, as a str")
        return records.settled(self.globals["context"], question)

    def _table_rows(self, question: str = "") -> row_dicts.Rows:
        """The context's table (the one `question` asks about, of a directory of tables) as a list of dicts, one a
        row, numbers and dates typed; a time-stamped log's lines, a row each (row_dicts.py); a Python tree's
        definitions, a row each (code_rows.py). `.summary()` tells its keys and first rows. A new list each call:
        code may sort or change it freely."""
        if not isinstance(question, str):
            raise TypeError("table_rows(question='') takes the question (or nothing), as a str")
        context = self.globals["context"]
        if (table := tables.table_for(context, question)) is not None:
            return row_dicts.rows_of(table)
        if isinstance(context, str) and (lines := row_dicts.log_rows(context)) is not None:
            return lines
        if isinstance(context, dict) and (definitions := code_rows(context)) is not None:
            return definitions
        raise ValueError("table_rows(): the context is no table (CSV, TSV, JSON lines, a markdown table, blocks of "
                         "key: value lines), no time-stamped log and no Python tree. Use search() or find() to read it.")

    def _judge(self, question: str) -> Counted | None:
        """For "how many <items> <condition>?" over a list of such items, where only a reading tells which meet
        it: each item (of a sample, the rest by a word model) read by the sub-model, yes or no; what was read
        and the count, `.answer` (judging.py). None for any other question or context."""
        if not isinstance(question, str) or not question.strip():
            raise TypeError("judge(question) takes the question, as a str")
        return judging.judge_context(self.globals["context"], question, self.protected["llm_query_batched"])

    def _line_kinds(self, question: str) -> "wordings.Kinds | None":
        """For a how-many question about a name whose lines are records of a few kinds: those lines grouped by
        wording and counted (wordings.line_kinds); `.total()` where the question's words pick a kind, else
        `.total(llm_query_batched(kinds.prompts()))`. None where the name's lines are no such records."""
        if not isinstance(question, str) or not question.strip():
            raise TypeError("line_kinds(question) takes the question, as a str")
        return wordings.line_kinds(self.globals["context"], question)

    def _classify(self, labels: list[str], items: list[str] | None = None, question: str = "",
                  noun: str = "categories", reads: int = labelling.LABEL_READS) -> "Labelled":
        """One of `labels` for each item (default: each line of the context), by meaning: the sub-model labels
        a sample, a word model learnt from it the rest (labelling.classify). Print `.counts()` for how many
        items have each label; `question` puts the items naming its rare words (an id) first in the sample;
        `reads=2` reads each sampled item in two orders of the labels (twice the sub-calls)."""
        if not isinstance(labels, (list, tuple)) or not all(isinstance(x, str) for x in labels):
            raise TypeError('classify(labels) takes the labels to choose from, as a list of str, e.g. ["sports", "travel"]')
        chosen = self.globals["context"] if items is None else items
        listed = labelling.items_of(chosen)
        names = labelling.Categories(labels, noun)
        ask_batch = self.protected["llm_query_batched"]
        found = labelling.classify(listed, names, ask_batch, question=question, reads=reads)
        return Labelled(found, listed, names, ask_batch)

    def _around_place(self, place: str) -> str:
        """The text at a place a search showed ("line 12", "pkg/mod.py:40", "line 1, character 2,000")."""
        return evidence.around(self.globals["context"], place)

    def _chunks(self, text: Any = None, size: int | None = None) -> list[str]:
        """The text (default: the context) split into pieces of about `size` characters, on line ends."""
        size = size or self.chunk_chars
        source = self.globals["context"] if text is None else text
        out: list[str] = []
        for label, doc in _iter_texts(source):
            start = 0
            while start < len(doc):
                end = min(len(doc), start + size)
                cut = doc.rfind("\n", start + size // 2, end) if end < len(doc) else -1
                end = cut + 1 if cut > 0 else end
                out.append(label + doc[start:end])
                start = end
        return out

    def _ask_chunks(self, question: str, pieces: list[str] | None = None) -> list[str]:
        """Ask `question` of every chunk concurrently; returns one answer per chunk, in order."""
        pieces = self._chunks() if pieces is None else pieces
        prompts = [f"{question}\n\nText:\n{p}" for p in pieces]
        return self.globals["llm_query_batched"](prompts)

    # -- state ---------------------------------------------------------------------------------
    def user_variables(self) -> dict[str, str]:
        return {
            k: _describe(v)
            for k, v in self.globals.items()
            if not k.startswith("_") and k not in self.protected and not callable(v) and type(v).__name__ != "module"
        }

    def restore_protected(self) -> list[str]:
        """Put back any protected name the cell rebound or deleted; return which."""
        restored = [k for k, v in self.protected.items() if self.globals.get(k, None) is not v]
        for k in restored:
            self.globals[k] = self.protected[k]
        return restored

    # -- running a cell ------------------------------------------------------------------------
    def execute(self, code: str, write: Callable[[str], Any]) -> CellResult:
        """Run `code`; printed output goes through `write`. Echoes a trailing expression like a notebook."""
        self.final = None
        self.lookups.reset()
        error = None
        try:
            tree = parse_python(code, CELL_FILENAME, "exec")
            linecache.cache[CELL_FILENAME] = (len(code), None, code.splitlines(True), CELL_FILENAME)
            last_expr = None
            if tree.body and isinstance(tree.body[-1], ast.Expr):
                last_expr = ast.Expression(tree.body.pop().value)
            exec(compile_tree(tree, CELL_FILENAME, "exec"), self.globals)
            if last_expr is not None:
                value = eval(compile_tree(last_expr, CELL_FILENAME, "eval"), self.globals)
                if value is not None:
                    write(repr(value) if not isinstance(value, str) else value)
                    write("\n")
        except FinalSignal:
            pass
        except SyntaxError as e:
            error = format_syntax_error(e, code)
        except BaseException as e:  # noqa: BLE001 - model code may raise anything; report it
            if isinstance(e, KeyboardInterrupt):
                raise
            error = format_error(e)
        restored = self.restore_protected()
        return CellResult(output="", error=error, final=self.final, restored_names=restored,
                          misses=self.lookups.misses())


def _found_nothing(query: str) -> str:
    # No quotes (small models copy this into FINAL('...')); "not found" so that an answer copying it right
    # after is refused as an absence claim.
    return f"not found: no passage holds a word of: {query}"


class Labelled(list):
    """classify()'s labels, one per item, in the items' order; `.items` are the items and `.counts(question)`
    says how many items have each label, over all and among those naming the question's rare words."""

    def __init__(self, labels: list[str], items: list[str], categories: labelling.Categories,
                 ask_batch: Callable[..., list[str]]):
        super().__init__(labels)
        self.items = items
        self.categories = list(categories)
        self.noun = getattr(categories, "noun", "categories")
        self._ask_batch = ask_batch

    def counts(self, question: str = "") -> str:
        return labelling.describe(self.items, self, self.categories, question)

    def most_common(self) -> str:
        """The label most items have (of a tie, the first in the labels' order)."""
        return max(self.categories, key=self.count)

    def least_common(self) -> str:
        return min(self.categories, key=self.count)

    def compare(self, first: str, second: str, words: tuple[str, str, str] = ("more", "fewer", "same")) -> str:
        """Whether more, fewer or the same number of items have label `first` as have `second`, in `words`."""
        a, b = self.count(first), self.count(second)
        return words[0] if a > b else words[1] if a < b else words[2]

    def by(self, field: str) -> dict[str, Counter]:
        """For each value of a record field ("User"), how many of its items have each label."""
        return pairing.groups(self.items, self, field)

    def pairs(self, field: str, condition: str = "", test: Callable[[Counter, Counter], bool] | None = None
              ) -> "Pairs":
        """Every pair of `field`'s values whose items' labels meet `condition` (words: "both users posted at least
        one item about sports"; the sub-model writes the test of one user) or `test(a, b)` over two Counters of
        labels. Labels below pairing.NOISE_SHARE of a value's items are left out first."""
        if test is None:
            if not condition:
                raise TypeError('pairs(field, condition) needs the condition in words, or test=lambda a, b: ...')
            test = pairing.pair_test(condition, field.lower(), self.categories, self.noun, self._ask_batch)
        return Pairs(pairing.meeting(self.by(field), test))


class Pairs(list):
    """Pairs of values, printed one per line as (a, b)."""

    def __str__(self) -> str:
        return "\n".join(f"({a}, {b})" for a, b in self) or "no pair meets the condition"


class Callers(list):
    """What callers() returns: the calling definitions ("path:line name"), as a list of str that prints with
    how many there are."""

    def __init__(self, name: str, found: list[code_relations.Caller]):
        super().__init__(str(caller) for caller in found)
        self.name = name

    def __str__(self) -> str:
        return code_counts.described(self.name, self)

    __repr__ = __str__


def format_syntax_error(e: SyntaxError, code: str) -> str:
    line = (e.text or "").rstrip() or (code.splitlines()[e.lineno - 1] if e.lineno else "")
    return f"SyntaxError: {e.msg} (line {e.lineno})\n    {line}"


def format_error(e: BaseException) -> str:
    """The exception with the cell lines that led to it, quoted; our own frames left out."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == CELL_FILENAME]
    quoted = "".join(f"  line {f.lineno}: {f.line}\n" for f in frames[-3:] if f.line)
    return f"{quoted}{type(e).__name__}: {e}"


def protected_names() -> list[str]:
    return ["context", *HOST_FUNCTION_NAMES, "FINAL", "FINAL_VAR", "Final", "final",
            "SHOW_VARS", "search", "around", "find", "read", "tally", "classify", "judge", "callers", "count_code",
            "count_table", "table_rows", "line_kinds", "chunks", "ask_chunks"]
