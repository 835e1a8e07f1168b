"""Which reading a small root starts from: the cell the engine runs before the root's first turn (the
profile's `read_whole_first` and `read_evidence_first`), whose code and output the root then sees.

1. A how-many question about something named (in the sentence that asks, not the text's description of
   itself) is answered from the sentence counts of the name and its pairings (`wordcounts.tally`), at any
   length: reading a whole 4K-token digest, the 1.5B reader counted 0 for 26 on three seeds. One count
   that answers alone is the reading itself; of several, or of the name alone where the question asks
   about more (a topic the text never writes), a reader answers from the counts (`how_counted`).
2. A question that names something the text holds in few places (an anchor: the site, person, object or
   class asked about; `evidence.anchors`) is read from the passages find() gathers (`read()`: each checked
   alone, then read), also where the whole text would fit one sub-call. Reading a whole 4K-token text at
   once, the 1.5B reader took another site's value, the wrong module or an earlier room, where the passage
   reading got them beyond the window (bench/RESULTS.md, issue 12, sixth step).
3. A question that names no such thing is about the text as a whole (every item of a list classified by
   meaning); where the text fits one sub-call it is read whole, as a plain call would: the passages the
   question's words pick are no better than any others there.
4. Beyond the window, the passages.

Before all of these:
- a question that gives a closed set of labels ("each post is about one of these topics: cooking, sports,
  ...") over a context that is a list of items is answered from every item's label (`labelling.classify`:
  the sub-model labels a sample, a word model the rest), counted by code. Read whole at 4K, a thousand-line
  list was counted by a reader; beyond the window, its passages were a sample of twelve lines picked by
  words no post holds;
- a question about a Python tree that code counts or reads exactly (how many definitions call a name, how many
  methods a class defines, which option's function takes the most parameters; a class's bases or subclasses, a
  parameter's default, which file defines a name) is answered by `code_counts`
  (`ast`), the option picked by code: shown the code, the 1.5B reader counted the calls it saw, or named the
  smallest of three counts as the most;
- a question over a table (CSV, TSV, JSON lines, a markdown table within a text) that code settles from every
  row (how many rows hold the values it names, which value of a column has the most rows or the largest total)
  is answered by `tables`:
  shown the rows' passages, the 1.5B reader counted 7 orders of 578; over a log's lines, when a name's lines
  were last or first written, which value of a field is commonest, how many lines hold a status in a span of
  time, by `records`;
- a how-many question about a name whose lines are records of a few kinds, in other words than the text's
  ("unsuccessful login attempts" for "Failed password"), is answered from the lines grouped by wording and
  counted by code (`wordings`), the group picked by the question's words or by a reader.
- a question over a table, a time-stamped log or what many definitions of a Python tree hold (not a lookup of what
  few places hold) that no code settles gives the root the rows as typed dicts (`table_rows()`, row_dicts.py,
  code_rows.py) to write its own code over (`rows_asked`): the
  1.5B reader over passages answered about one in eight of the kinds no code read (sets N-W);
- "how many <items> <condition>?" over a list of such items, where no word picks them ("how many reviews
  complain about slow delivery?"), is answered from each item read yes or no by the sub-model (`judging`; a
  sample of a long list, a word model the rest): shown the ten reviews sharing the most words with the
  question, the 1.5B reader counted those.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from . import (code_counts, code_relations, evidence, judging, labelling, log_lines, pairing, querywords, records, tables,
               wordcounts, wordings)

WHOLE = "read_whole_code"  # the profile's template for each reading
PASSAGES = "read_evidence_code"
LABELS = "read_labels_code"
COUNTED = "read_counted_code"
TABLE = "read_table_code"
KINDS = "read_kinds_code"
JUDGED = "read_judged_code"
ROWS = "read_rows_code"  # no reading: the table's shape, for the root to write the code that answers
_OF_MANY = re.compile(r"\bhow many\b|\b(?:most|least|fewest|largest|longest|shortest)\b|^\W*(?:which|what)\s+(?!(?:is|was|does|has)\b)\w+s\b"
                      r"|\blist\b|\ball\b", re.I)
_BY_MEANING = re.compile(r"\b(?:about|regarding|concerning|related to)\b", re.I)
LOG_SNIFF_CHARS = 100_000  # of a text, what tells whether it is a time-stamped log (log_lines.STAMP_SAMPLE lines)
# The readings code computes whole (no reader): another answer of the root's is refused once for them, and given
# again gives way to them. Shown `class Fault(Error)` and the reading "Error", the 1.5B root wrote FINAL("Fault"),
# the class the question names (codetree seed 4 at 32K).
EXACT = (COUNTED, TABLE)
READING = "reading"  # the variable each template leaves its reading in: a run that ends with nothing keeps it
COUNT_IS_READING = "count_is_reading"  # read_evidence_code's `counting`: tally's one count is the reading
COUNTS_READ = "counts_read"  # ...a reader answers from tally's counts


def choose(read_whole_first: bool, read_evidence_first: bool, context: Any, question: str,
           fits_one_sub_call: Callable[[], bool]) -> tuple[str, dict[str, Any]] | None:
    """The template of the first reading and the values it is rendered with (rules above): `counting`
    (COUNT_IS_READING, COUNTS_READ or "") for PASSAGES, the labels and what the question calls them for LABELS
    (with the field and condition of a question asking for pairs of the records' groups);
    None for no first reading. Blocking (it may build the context's index): the loop calls it on a worker
    thread."""
    if read_evidence_first and (labels := labelling.categories(question)):
        items = labelling.items_of(context)  # once: at 820K tokens, 25K lines
        if len(items) >= labelling.MIN_ITEMS:
            ask = labelling.asked(question)
            return LABELS, {"categories": list(labels), "noun": labels.noun, "ask": ask,
                            "extreme": labelling.extreme(question), "compared": labelling.compared(question, labels),
                            "paired": pairing.pairs_asked(ask, items)}
    if read_evidence_first and code_counts.answer(context, question) is not None:
        return COUNTED, {}
    if read_evidence_first and records.settled(context, question) is not None:
        return TABLE, {}
    if read_evidence_first and (counting := how_counted(context, question)):
        return PASSAGES, {"counting": counting}
    # A count of the list's own items by a condition naming nothing is every item's reading, before a rare word of
    # the condition ("network") is taken for a name whose lines' wordings are counted.
    if read_evidence_first and judging.asked(context, question) is not None:
        return JUDGED, {}
    if read_evidence_first and wordings.line_kinds(context, question) is not None:
        return KINDS, {}
    # After the counts of a name: "how many items about travel did user 31821 post?" over records whose text never
    # writes "travel" is a reader's over the counts; code over the rows would count the word.
    if read_evidence_first and rows_asked(context, question):
        return ROWS, {}
    if read_whole_first and fits_one_sub_call():
        if not (read_evidence_first and evidence.anchors(context, question)):
            return WHOLE, {}
    if read_evidence_first:
        return PASSAGES, {"counting": ""}
    return None


def rows_asked(context: Any, question: str) -> bool:
    """Whether a question no code settles is asked of a table, for the root's own code over its rows: the context
    is the table (or a directory of them) or a time-stamped log, or the question names a column of a table within a
    text (a question about a report's prose is not one about the table in it). Not a log's lookup of what few lines
    hold, and not documents read as rows of their header lines or front matter: their bodies are in no row ("To what
    date was the launch postponed?" over e-mails)."""
    if isinstance(context, (list, dict)) and tables.table_of(context) is not None:
        return False
    if _BY_MEANING.search(question):
        return False  # "items about health": what an item is about is read, not matched by code's words
    table = tables.table_for(context, question)
    if table is not None:
        return table.line == 0 or bool(tables.named_columns(table, question))
    # A time-stamped log's lines as rows (row_dicts.log_rows), a Python tree's definitions (code_rows.py); not where
    # few places hold the answer: "What is the phone line to ring at Husolmouth Observatory?" over a log of dated
    # entries is a lookup of the lines naming the site (evidence.anchors), which the passages' reader found
    # (sniah-paraphrase); "What does parse_header return?" is read from the definition.
    if isinstance(context, str):
        shaped = log_lines.stamped(context[:LOG_SNIFF_CHARS].splitlines())
    else:
        # Of a tree, what many definitions hold ("How many functions call themselves?", "Which functions ...?"), not
        # one definition's part: "What is the parent class of Parameter?" was read right from the passages on 6 of 7
        # held-out lookups, and from the rows on 1.
        shaped = (isinstance(context, dict) and bool(_OF_MANY.search(question))
                  and bool(code_relations.syntax_trees(context)))
    return shaped and not evidence.anchors(context, question)


def how_counted(context: Any, question: str) -> str:
    """For a question asking how many of something it names that the text holds: COUNT_IS_READING where the
    one count tally() finds answers it alone (wordcounts.answers_alone), else COUNTS_READ; "" for any other."""
    if not (wordcounts.asks_count(question) and querywords.named_words(wordcounts.asking_sentence(question))):
        return ""
    rows = wordcounts.tally(context, question)
    if not rows:
        return ""
    return COUNT_IS_READING if wordcounts.answers_alone(context, question, rows) else COUNTS_READ
