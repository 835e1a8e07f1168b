"""A second program beside the root's own over a table's rows (first_reading.ROWS): the profile's
`second_program`.

Where the root writes the whole computation itself, its first program is the answer, and the 1.5B coder's
misses there were code that ran and printed a plausible wrong value: a Count column summed for "how many
items are listed", the largest birth year for "the oldest", a date column read as absent. A second program,
asked of the same first turn written the other way (plain Python over `rows` where the first used pandas,
pandas where it did not, and its plan said first in a comment), is written without the first one's choices.
The two outputs are compared by their values:
- the same: the root is told so, and answers as it would have;
- different: the root is shown the second program and its output beside its own, with the question again,
  and asked which computes what the question asks, or to write a corrected block.

The second program runs on the rows as first given (the first may have changed them), and the root's own
program runs again after it, so that the names the root answers with hold its values, not the second's.
The extra root call is charged and logged like any other (a `root_call` marked `aside`, whose prompt is the
variant turn); it is not part of the root's history.

Off in the profiles we ship. Measured on the embedded model (fallback probe, sets O-R's first 20 questions, code's
readings off, seed 0): 8 right with it where 10 were without. Where the two programs differed and one was right
(5), the 1.5B root took the wrong one twice; it also copied the note that the two agreed as its answer. The
misreadings it was meant to catch were the model's, not the code's: asked again, it wrote the same "the oldest is
the largest birth year" with its plan first. For a root that judges better, set `second_program = true`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .budget import LimitReached
from .parsing import bare_code, find_blocks
from .protocols import CellResult

if TYPE_CHECKING:
    from .loop import Run

MAX_RECORD_VALUES = 6  # a value printed within at most this many others is the same answer (a row printed whole)
MAX_FIRST_CELL_S = 5.0  # a first program slower than this is not run again after the second: no second look
PANDAS = "pandas"
PLAIN = "plain"
_USES_PANDAS = re.compile(r"\bdf\b|\bpd\.|\bpandas\b|\.groupby\(|\.loc\[|\.iloc\[|\brows\[\s*['\"]")
_VALUE = re.compile(r"-?\d[\d,]*(?:\.\d+)?|[^\W\d_][\w.@/:-]*")
_FILLER = frozenset("the a an is are was were of in on at to and or for by with from as it its this that these "
                    "those answer result total number count value values name names".split())


def due(run: Run, cell: CellResult) -> bool:
    """Whether the root's block just run is the first program of a rows run that printed something: the one
    a second program is written beside."""
    return (run.profile.second_program and run.rows_first is not None and not run.second_looked
            and cell.final is None and not cell.error and not cell.timed_out and bool(cell.output.strip())
            and cell.duration_s <= MAX_FIRST_CELL_S)


def style(code: str) -> str:
    """PANDAS where the code computes with a DataFrame, else PLAIN."""
    return PANDAS if _USES_PANDAS.search(code) else PLAIN


def values(output: str, question: str = "") -> list:
    """What an output says, for comparing two: its numbers (to the cent: 2695 and 2695.0 alike) and its words,
    sorted, as two programs may list the same names in another order. Words and numbers the question itself writes,
    and filler, are left out: "The oldest employee is Enzo" says what "Enzo" says."""
    asked = {t.lower() for t in _VALUE.findall(question)}
    tokens = [t for t in _VALUE.findall(output) if t.lower() not in asked]
    numbers = [round(float(t.replace(",", "")), 2) for t in tokens if t.lstrip("-")[:1].isdigit()]
    words = {t.lower().strip(".:-/") for t in tokens if not t.lstrip("-")[:1].isdigit()} - _FILLER
    return sorted(numbers) + sorted(words)


def same(first: str, second: str, question: str) -> bool:
    """Whether two programs' outputs give the same answer (values()): the same values, or one value that the other
    prints within a record of a few ("Bela" and "{'name': 'Bela', 'team': 'Ops', 'birth_year': 2000}"). Outputs that
    say nothing beyond the question's words are compared whole."""
    a, b = values(first, question), values(second, question)
    if not (a or b):
        return first.strip() == second.strip()
    one, other = sorted((a, b), key=len)
    return a == b or (len(one) == 1 and one[0] in other and len(other) <= MAX_RECORD_VALUES)


async def look(run: Run, sandbox, code: str, cell: CellResult) -> str:
    """Ask for and run the second program beside `code` (whose `cell` just ran); what the root is shown of it:
    "" where no second program ran or printed anything."""
    run.second_looked = True
    other = PLAIN if style(code) == PANDAS else PANDAS
    variant = dict(run.rows_first, style=other)
    messages = [run.messages[0], {"role": "user", "content": run.first_user_text(variant)}]
    try:
        reply = await run._root_call(aside=messages)
    except LimitReached:
        return ""  # the loop's next check fires it again, after the root's own output is in the history
    blocks = [b for b in find_blocks(reply) if b.runnable] or list(filter(None, [bare_code(reply)]))
    if not blocks:
        return ""
    second_code = blocks[0].code
    rows_again = run.rows_first["code"]  # the first cell: `rows` and `df` as first given
    await run._run_cell(sandbox, rows_again, index=2)
    second = await run._run_cell(sandbox, second_code, index=3)
    await run._run_cell(sandbox, rows_again, index=4)
    await run._run_cell(sandbox, code, index=5)  # the root's names hold its own values again
    if second.error or second.final is not None or not second.output.strip():
        return ""
    if same(cell.output, second.output, run.question):
        return run._render("programs_agree", style=other)
    return run._render("programs_differ", style=other, code=second_code.strip(), output=run._cell_text(second))
