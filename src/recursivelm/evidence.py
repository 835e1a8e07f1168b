"""Evidence from the context: the passages most relevant to a question, for a reader and for model code.

A small root model answers from its priors when it can, and concludes "not found" from one literal regex
written in the question's words (shared/LESSONS.md). The engine capabilities against that are built here
and in `wordcounts.py` (exact counts, what is near a pattern that missed); nothing in them knows a task:
- `rank()`: the passages of the context that best match a query, by BM25 (the `bm25s` library) over
  units of text (lines; a long line is cut into windows of whole sentences), each with where it is
  (`line N`, `path:N`, `[i] line N`). A line that defines a name the query mentions (`class X`,
  `def X`) outranks lines that merely use it, so code questions find the definition, not a re-export.
- `gather()` (`find()` in the REPL): what a reader needs for a question, in the text's order: the best
  ranked passages, every one naming the rare name asked about, the names met beside it, definitions
  with their bodies. The small profile has a sub-call read it before the root's first turn.
- `around()`: the text at a place a search showed.

Indexes are built once per context object (per_context.cached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import blocks, outline, tables
from .documents import documents, place, read_place
from .per_context import cached
from .querywords import QUESTION_WORDS, anchor_words, bm25s_module, query_terms, tokenize

UNIT_CHARS = 200  # a long line is cut into windows of about this many characters (whole sentences)
SHOWN_CHARS = 400  # a passage shown to the model is cut to this many characters
CANDIDATES = 60  # passages BM25 ranks before definitions are lifted above mentions
DEFINITION_BOOST = 4.0  # a line defining a name from the query scores this many times a mention
AROUND_LINES_BEFORE = 3  # around(): lines shown before the place
AROUND_LINES_AFTER = 25  # ...and after it (a function body, the rest of a paragraph)
AROUND_CHARS = 1_200  # around(): characters shown inside one long line, and the most of any one line
DUPLICATE_OVERLAP = 0.5  # rank(): a passage sharing more of its words than this with a better one is passed over
# gather(): the evidence a reader is given for a question, beyond the best-ranked passages.
GATHER_CHARS = 4_000  # what gather() returns at most (~1K tokens: a sub-call of ~20 s on 2 CPU cores)
GATHER_RANKED = 8  # best-ranked passages always in it
ANCHOR_MAX_UNITS = 12  # a query word found in this few units names one thing (a site, a person): read them all
SHORT_DOCUMENT_CHARS = 800  # a document of a list or dict this short is read whole where a question's anchor is in it
HOP_TERMS = 3  # names met beside the anchors, not in the query (a company, a city): their units are read too
HOP_ROUNDS = 2  # hops from hops: a person -> the company they founded -> the city it is in
HOP_MAX_UNITS = 20  # ...when a name is in at most this many units

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
_WORDS = re.compile(r"\w+")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_CALLED = re.compile(r"\b([A-Za-z_]\w*)\(")  # a name written as a call in a question: accept()
_SOURCE_FILE = re.compile(r"\.(?:py|pyi|js|ts|java|c|h|cc|cpp|go|rs|rb|php|cs|kt|swift|scala)$", re.I)
_QUALIFIED = re.compile(r"\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b")  # Class.method: (class, method)
# A name: capitalised words in a row ("Bolond Analytics", "Husolmouth") or a CamelCase identifier.
_NAME = re.compile(r"\b[A-Z][A-Za-z0-9_]*[a-z0-9_][A-Za-z0-9_]*(?:[ -][A-Z][A-Za-z0-9_]*[a-z0-9_][A-Za-z0-9_]*)*\b")


@dataclass(frozen=True)
class Passage:
    where: str  # "line 12", "character 1,318 of line 1", "pkg/mod.py:40", "[3] line 2"
    text: str
    chosen_at: int = 0  # gather(): when it was chosen (0 first: the best-ranked, a definition, the anchors' own)
    outline: str = ""  # a definition's: its name, file and what code counted of it (outline.py), for a reader

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "text": self.text}


def _units(context: Any) -> tuple[list[str], list[str]]:
    """The context cut into short units: (where, text) lists of equal length."""
    wheres: list[str] = []
    texts: list[str] = []
    for label, doc in documents(context):
        for number, line in enumerate(doc.splitlines(), 1):
            if not line.strip():
                continue
            if len(line) <= UNIT_CHARS:
                wheres.append(place(label, number, None))
                texts.append(line)
                continue
            window_start = 0  # a long line (text without line breaks is one line): windows of whole sentences
            for m in _SENTENCE_END.finditer(line):
                if m.start() - window_start >= UNIT_CHARS:
                    wheres.append(place(label, number, window_start))
                    texts.append(line[window_start:m.start()])
                    window_start = m.end()
            while window_start < len(line):  # the rest, cut hard where no sentence ends
                piece = line[window_start:window_start + 2 * UNIT_CHARS]
                wheres.append(place(label, number, window_start))
                texts.append(piece)
                window_start += len(piece)
    return wheres, texts


def around(context: Any, where: str, lines_before: int = AROUND_LINES_BEFORE, lines_after: int = AROUND_LINES_AFTER,
           chars: int = AROUND_CHARS) -> str:
    """The text at a place `rank()` or `near()` named ("line 12", "pkg/mod.py:40", "line 1, character
    2,769,607", "[3] line 2"): numbered lines around it, or, inside a long line, the characters around it."""
    found = read_place(where)
    if not found:
        raise ValueError(f"around({where!r}): give a place as the search shows it, e.g. 'line 12', "
                         f"'path/file.py:40' or 'line 1, character 2,000'")
    label, number, char = found
    docs = dict(documents(context))
    if label not in docs:
        known = ", ".join(list(docs)[:5])
        raise KeyError(f"around({where!r}): no document {label!r} in the context (some are: {known})")
    lines = docs[label].splitlines()
    if not 1 <= number <= len(lines):
        raise IndexError(f"around({where!r}): {label or 'the text'} has {len(lines):,} lines")
    line = lines[number - 1]
    if len(line) > chars:  # one long line: the characters around the place
        start = max(0, min(char - chars // 3, len(line) - chars))
        return f"{where} ...{line[start:start + chars]}..."
    first, last = max(1, number - lines_before), min(len(lines), number + lines_after)
    width = len(str(last))
    return "\n".join(f"{n:>{width}}: {lines[n - 1][:chars]}" for n in range(first, last + 1))


class Index:
    """BM25 over the units of one context."""

    def __init__(self, context: Any):
        bm25s = bm25s_module()

        self.context = context
        self.wheres, self.texts = _units(context)
        self.retriever = bm25s.BM25()
        self._postings: dict[str, list[int]] | None = None  # term -> units holding it, built on first gather()
        self._headings: list[str | None] | None = None  # the markdown heading each unit is under (blocks.headings)
        self._by_label: dict[str, list[int]] | None = None  # document label -> its units, built on first gather()
        self._sources: dict[str, str] | None = None  # document label -> its text, for code units' definitions
        if self.texts:
            labelled = [f"{w.split(':')[0] if ':' in w else ''} {t}" for w, t in zip(self.wheres, self.texts)]
            self.tokens = tokenize(labelled)
            self.retriever.index(self.tokens, show_progress=False)

    def rank(self, query: str, k: int) -> list[Passage]:
        return [Passage(self.wheres[i], _cut(self.texts[i])) for i in self._ranked(query, k)]

    def _ranked(self, query: str, k: int, definitions: list[int] | None = None) -> list[int]:
        """The units best matching `query`, best first (definitions of its names above mentions; pass them as
        `definitions` when already found: finding them reads every unit)."""
        if not self.texts or k <= 0 or not query.strip():
            return []
        terms = query_terms(query)
        if not terms:
            return []
        n = min(CANDIDATES, len(self.texts))
        ids, scores = self.retriever.retrieve([terms], k=n, show_progress=False)
        scored = {int(i): float(s) for i, s in zip(ids[0], scores[0]) if s > 0}
        top = max(scored.values(), default=1.0)
        definitions = self._definitions(query) if definitions is None else definitions
        for n, i in enumerate(definitions):  # the rarer a name's definitions, the higher (_definitions' order)
            scored[i] = max(scored.get(i, 0.0), top) * DEFINITION_BOOST * (1 - n / (2 * len(definitions)))
        ranked = sorted(scored, key=lambda i: (-scored[i], i))
        return _diverse(ranked, self.texts, k, set(definitions))

    def gather(self, query: str, max_chars: int) -> list[Passage]:
        """Evidence for a reader, in the order of the text: the best-ranked units; every unit holding a
        query word that is rare in the context (an anchor: the one site, person or class asked about,
        whatever words the rest of the question uses); the units of names found beside the anchors and
        not in the query (the next hop: the company a person founded, the city it is in); and for a
        definition, the first lines of its body. A numbered section the query names ("according to section 2.1")
        is read whole instead, in its place (blocks.section); in a table, the rows it names and those theirs
        refer to (tables.rows_about)."""
        if (section := blocks.section(self.texts, query, lambda i, j: self._document_of(i) == self._document_of(j))):
            return self._in_order(section, max_chars)
        if (rows := self._rows_about(query)):
            return self._in_order(rows, max_chars)
        definitions = self._definitions(query)
        ranked = self._ranked(query, GATHER_RANKED, definitions)
        if not ranked:
            return []
        postings = self._postings_index()
        terms = query_terms(query)
        anchors = self.anchors(query)
        # A name the context defines (`def shutdown`) is read where it is defined: its call sites elsewhere
        # (`logging.shutdown(logging._handlerList[:])`) are what a reader takes a parameter's default from.
        defining = set(definitions)
        anchored = [i for t in sorted(anchors, key=lambda t: len(postings[t]))
                    for i in ([j for j in postings[t] if j in defining] or self._naming_the_one(t, query, anchors))]
        wanted = set(terms)

        def by_query_words(units: list[int]) -> list[int]:  # the units saying most about the question first
            return sorted(units, key=lambda i: -len(wanted.intersection(self.tokens[i])))

        rounds: list[list[tuple[str, list[int], list[int]]]] = []
        sources, known = anchored or ranked[:3], set(terms)
        for _ in range(HOP_ROUNDS):
            names = self._hop_names(sources, wanted, known)
            # Only the chain's own link is passed over from now on: a name the last round found beside others
            # (the city a person's company is in, found on the person's page) may be the next hop's best.
            known.update(tokenize([names[0][0]])[0] if names else [])
            rounds.append(names)
            # The next hop goes on from the likeliest name: from its own page where it has one.
            sources = (names[0][1] or names[0][2]) if names else []
        # The likeliest name of each hop first (the chain), then the others: a name's own page, then the
        # units naming it, those with more of the query's words first.
        hopped = [i for rank_ in range(HOP_TERMS) for names in rounds if rank_ < len(names)
                  for i in [*names[rank_][1], *by_query_words(names[rank_][2])]]
        chosen: dict[int, str] = {}
        outlines: dict[int, str] = {}
        used = 0
        if anchored:
            # The question names something the context holds in few places: a passage naming neither it nor
            # what it leads to is about something else (the same attribute of another site, another city's
            # river), and a small reader takes its answer from such a passage.
            held = set(anchored) | set(hopped) | set(definitions)
            ranked = [i for i in ranked if i in held]
        inside: set[int] = set()  # the lines of a block already chosen with the key opening it
        for i in [*ranked[:3], *self._with_short_documents(by_query_words(anchored)), *hopped, *ranked[3:]]:
            i = self._opener_of(i)
            if i in chosen or i in inside:
                continue
            text, outlines[i] = self._with_body(i)
            cost = len(text) + len(self.wheres[i]) + 4
            if used + cost > max_chars:
                continue  # a shorter unit further down may still fit
            chosen[i] = text
            used += cost
            if not outlines[i]:
                inside.update(range(i + 1, i + 1 + text.count("\n")))
        # In the text's order within a document (what came later may correct what came before); documents
        # in the order they were chosen (the one asked about first).
        first_chosen: dict[str, int] = {}
        for n, i in enumerate(chosen):
            first_chosen.setdefault(self._document_of(i), n)
        order = sorted(chosen, key=lambda i: (first_chosen[self._document_of(i)], i))
        names = {w for round_ in rounds for name, _, _ in round_ for w in tokenize([name])[0]}
        chosen_at = {i: n for n, i in enumerate(chosen)}
        return [Passage(self._under_heading(i), self._sentences_about(i, chosen[i], wanted | names), chosen_at[i],
                        outlines[i]) for i in order]

    def _under_heading(self, i: int) -> str:
        """Unit i's place, with the markdown heading it is under where it has one (blocks.headings)."""
        if self._headings is None:
            self._headings = blocks.headings(self.wheres, self.texts)
        return f"{self.wheres[i]}, under {self._headings[i]!r}" if self._headings[i] else self.wheres[i]

    def _in_order(self, units: list[int], max_chars: int) -> list[Passage]:
        """The units as passages in the text's order, up to `max_chars`."""
        passages, used = [], 0
        for i in units:
            used += len(self.texts[i]) + len(self.wheres[i]) + 4
            if used > max_chars:
                break
            passages.append(Passage(self.wheres[i], _cut(tables.row_shown(self.context, self.texts[i]) or self.texts[i]),
                                    len(passages)))
        return passages

    def _with_short_documents(self, units: list[int]) -> list[int]:
        """Each unit followed by the other units of its document where that is short (a memo, a record, a
        ticket of a list): "who wrote the memo about the Halvorsen contract?" is answered by its From: line,
        which holds no word of the question. Read alone, the contract's line gave the 1.5B reader no author."""
        by_label = self._documents_by_label()
        out: list[int] = []
        for i in units:
            label = self._document_of(i)
            # A source file is read by its definitions (with their bodies), not whole: code questions were
            # measured on that reading.
            own = by_label.get(label.lower(), []) if label and not _SOURCE_FILE.search(label) else []
            short = own and sum(len(self.texts[j]) for j in own) <= SHORT_DOCUMENT_CHARS
            out += [i, *(j for j in own if j != i)] if short else [i]
        return out

    def _naming_the_one(self, word: str, query: str, anchors: list[str]) -> list[int]:
        """The units holding anchor `word` that are about what the query names. Of a name written in several
        words ("Rafael Macam"), a unit with a commoner word of it but not the rarest ("Rafael Mocam founded
        ...") is about another one, unless it is in a document the rarest word is in (the person's own page,
        which says "Rafael"). Read with them, the 1.5B reader followed another Rafael's company, and their
        units filled the reading before the city the right one's company is in (multihop seed 0 at 32K). In one
        text (a table, a log: no documents), the units holding all of the name's words, where some do: "Cyra Ruiz"
        and "Dev Okoro" are others than "Cyra Okoro", and read with them the reader named one's manager (set L)."""
        postings = self._postings_index()
        for name in _NAME.findall(query):
            words = [w for w in tokenize([name])[0] if w in anchors]
            if isinstance(self.context, str) and word in words and len(words) > 1:
                holding_all = set.intersection(*(set(postings[w]) for w in words))
                if holding_all:
                    return [j for j in postings[word] if j in holding_all]
            rarest = min(words, key=lambda w: len(postings[w]), default=word)
            if word in words and word != rarest:
                with_rarest = set(postings[rarest])
                its_documents = {self._document_of(j) for j in with_rarest}
                return [j for j in postings[word] if j in with_rarest or self._document_of(j) in its_documents]
        return postings[word]

    def anchors(self, query: str) -> list[str]:
        """The query's words that name something the context holds in few units (ANCHOR_MAX_UNITS)."""
        if not self.texts:
            return []
        postings = self._postings_index()
        return [t for t in anchor_words(query, query_terms(query)) if 0 < len(postings.get(t, ())) <= ANCHOR_MAX_UNITS]

    def _sentences_about(self, i: int, text: str, words: set[str]) -> str:
        """A window of a long line cut to its sentences that hold one of `words`: text without line breaks
        (a story scattered through filler) is read as its facts, not as the filler around them."""
        if ("character" not in self.wheres[i] and (len(text) <= UNIT_CHARS or "\n" in text)
                or outline.is_definition(self.texts[i])):
            return text  # a definition is code with its outline, a block its lines: read whole, not as sentences
        sentences = _SENTENCE_END.split(text)
        kept = [s for s in sentences if words.intersection(tokenize([s])[0])]
        return " … ".join(kept) if kept and len(kept) < len(sentences) else text

    def _document_of(self, i: int) -> str:
        found = read_place(self.wheres[i])
        return found[0] if found else ""

    def _postings_index(self) -> dict[str, list[int]]:
        if self._postings is None:
            postings: dict[str, list[int]] = {}
            for i, tokens in enumerate(self.tokens):
                for term in set(tokens):
                    postings.setdefault(term, []).append(i)
            self._postings = postings
        return self._postings

    def _hop_names(self, units: list[int], query_words: set[str], known: set[str]) -> list[tuple[str, list[int], list[int]]]:
        """Names (capitalised words in a row, CamelCase identifiers) in `units` that the query does not use:
        (name, the units of its own document, the other units naming it). A name in a sentence with more of
        the query's words comes first ("founded Bolond Analytics" before "spent 3 years at Hecozi Systems"
        for "the company founded by ..."); a name with no document of its own only if few units name it."""
        weights: dict[str, int] = {}
        # Not the query's, nor an earlier hop's, nor a framing word opening a sentence ("Its headquarters are
        # in ..." named every company's page "Its").
        passed_over = known | QUESTION_WORDS
        for i in units:
            for sentence in _SENTENCE_END.split(self.texts[i]):
                said = len(query_words.intersection(tokenize([sentence])[0]))
                for name in set(_NAME.findall(sentence)):
                    if not set(tokenize([name])[0]) <= passed_over:
                        weights[name] = weights.get(name, 0) + 1 + said
        found: list[tuple[str, list[int], list[int]]] = []
        for name in sorted(weights, key=lambda n: (-weights[n], n)):
            own = self._documents_by_label().get(name.lower(), [])
            others = [i for i in self._units_naming(name) if i not in own]
            if own or 0 < len(others) <= HOP_MAX_UNITS:
                found.append((name, own, others[:HOP_MAX_UNITS]))
            if len(found) == HOP_TERMS:
                break
        return found

    def _documents_by_label(self) -> dict[str, list[int]]:
        """The units of each labelled document, by its label in lower case: in a dict context keyed by
        names (a wiki, a tree of files), a name's own page."""
        if self._by_label is None:
            by_label: dict[str, list[int]] = {}
            for i in range(len(self.texts)):
                label = self._document_of(i)
                if label:
                    by_label.setdefault(label.lower(), []).append(i)
            self._by_label = by_label
        return self._by_label

    def _units_naming(self, name: str) -> list[int]:
        """The units whose text or document label holds `name` (as words, any case)."""
        postings = self._postings_index()
        words = tokenize([name])[0]
        candidates = set(postings.get(words[0], ()))
        for word in words[1:]:
            candidates &= set(postings.get(word, ()))
        rx = re.compile(r"\b" + re.escape(name) + r"\b", re.IGNORECASE)
        return sorted(i for i in candidates if rx.search(self.texts[i]) or rx.search(self._document_of(i)))

    def _with_body(self, i: int) -> tuple[str, str]:
        """A unit's text; a definition (`class X`, `def f`) with the first lines of its body, after its outline,
        and that outline (Passage.outline; "" for anything else)."""
        text = self.texts[i]
        if not outline.is_definition(text):
            return _cut(self._block_of(i) or tables.row_shown(self.context, text) or text), ""
        label, doc, start = self._source_of(i)  # the definition's line, 1-based: as an index, the line after it
        if doc is None:
            return _cut(text), ""
        return outline.with_body(text, label, doc, start)

    def _block_of(self, i: int) -> str | None:
        """Unit i with the lines of the block it opens (blocks.key_block); not in source files, read by their
        definitions."""
        label = self._document_of(i)
        if _SOURCE_FILE.search(label):
            return None
        return blocks.key_block(self.texts, i, lambda j: self._document_of(j) == label)

    def _rows_about(self, query: str) -> list[int]:
        """In a table, the units of the rows the query names and of those theirs refer to (tables.rows_about)."""
        table = tables.table_of(self.context) if isinstance(self.context, str) else None
        about = tables.rows_about(table, query) if table is not None and not table.line and not table.source else None
        if not about:
            return []
        column, names = about
        return [i for i, text in enumerate(self.texts) if (cells := tables.cells_of(table, text)) and cells[column] in names]

    def _opener_of(self, i: int) -> int:
        """The unit opening the block that field unit i is in (blocks.enclosing: `[svc-211]` for `port = 8769`), read
        with its block; i itself for any other unit, and in source files."""
        label = self._document_of(i)
        if _SOURCE_FILE.search(label):
            return i
        opener = blocks.enclosing(self.texts, i, lambda j: self._document_of(j) == label)
        return i if opener is None else opener

    def _source_of(self, i: int) -> tuple[str, str | None, int]:
        """A code unit's document label, that document's text (None where the unit has no `path:line`), and
        its line number."""
        label, _, number = self.wheres[i].rpartition(":")
        if not number.isdigit():
            return label, None, 0
        if self._sources is None:
            self._sources = dict(documents(self.context))
        return label, self._sources.get(label), int(number)

    def _definitions(self, query: str) -> list[int]:
        """Units that define (class, def, or assign at the start of a line) an identifier in the query: one
        written as a name (CamelCase, an underscore), in backticks (`shutdown`) or as a call (`accept()`). A
        method the query names with its class (`NonCallableMock.__init__`) first, then those of a name defined
        in fewer places: "copy_tree" defined once says more than "__repr__" defined in every class."""
        qualified = _QUALIFIED.findall(query)
        names = {w for w in _IDENTIFIER.findall(query) if not w.islower() or "_" in w}
        names.update(w for quoted in re.findall(r"`([^`]+)`", query) for w in _IDENTIFIER.findall(quoted))
        names.update(member for _, member in qualified)
        names.update(_CALLED.findall(query))  # "when accept() is called without headers": a function's name
        if not names:
            return []
        alternatives = "|".join(map(re.escape, sorted(names)))
        rx = re.compile(rf"^\s*(?:(?:async\s+)?def|class)\s+({alternatives})\b|^({alternatives})\s*[:=]")
        defined: dict[str, list[int]] = {}
        for i, text in enumerate(self.texts):
            m = rx.search(text)
            if m:
                defined.setdefault(m[1] or m[2], []).append(i)
        owned = [i for owner, member in qualified for i in defined.get(member, ())
                 if (source := self._source_of(i))[1] is not None and outline.owner_class(source[1], source[2]) == owner]
        rarest_first = [i for name in sorted(defined, key=lambda n: len(defined[n])) for i in defined[name]]
        return list(dict.fromkeys([*owned, *rarest_first]))


def _diverse(ranked: list[int], texts: list[str], k: int, keep: set[int]) -> list[int]:
    """The first `k` of `ranked`, passing over a passage that says nearly what a better one said (a log or
    a generated text repeats one line shape with other names: five such lines show one thing five times).
    Those passed over fill up the list if too few are left."""
    chosen: list[int] = []
    words: list[set[str]] = []
    passed: list[int] = []
    for i in ranked:
        if len(chosen) == k:
            break
        mine = set(_WORDS.findall(texts[i].lower()))
        if i not in keep and any(_overlap(mine, other) > DUPLICATE_OVERLAP for other in words):
            passed.append(i)
            continue
        chosen.append(i)
        words.append(mine)
    return chosen + passed[: k - len(chosen)]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _cut(text: str) -> str:
    text = text.strip()
    return text if len(text) <= SHOWN_CHARS else text[:SHOWN_CHARS] + "…"


def index_for(context: Any) -> Index:
    """The BM25 index of `context`, built once per context object."""
    return cached(context, Index)


def rank(context: Any, query: str, k: int = 5) -> list[Passage]:
    """The `k` passages of `context` most relevant to `query`, best first."""
    return index_for(context).rank(query, k)


def gather(context: Any, query: str, max_chars: int = GATHER_CHARS) -> list[Passage]:
    """Evidence for reading `query` over `context`, in text order, within `max_chars` (Index.gather)."""
    return index_for(context).gather(query, max_chars)


def anchors(context: Any, query: str) -> list[str]:
    """The words of `query` naming something `context` holds in few places: what a reading is about."""
    return index_for(context).anchors(query)


def rarest_words(context: Any, query: str, n: int = 2) -> list[str]:
    """The `n` words of `query` that the fewest units of `context` hold (and some do): what to search for."""
    postings = index_for(context)._postings_index()
    held = [t for t in query_terms(query) if postings.get(t)]
    return sorted(held, key=lambda t: len(postings[t]))[:n]
