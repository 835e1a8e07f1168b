"""Whether the loop takes a root's FINAL answer, refuses it once with a reason, or gives way to the reading.

A small root answers from memory, copies an error message, or claims absence after one literal search
missed; the loop takes none of those at once (issue 12). Each kind of refusal happens once per answer: given
again, the answer counts, since a refusal that repeats makes a small model loop (bench/RESULTS.md). One
exception: a value the root wrote out that no output showed, given again after its refusal, gives way to the
engine's first reading, which was read from the text. `verdict` is the one decision; the words of each
refusal are the profile's templates (`unsupported_answer`, `no_answer`, `option_letter`, `no_option`,
`as_written`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2.utils import htmlsafe_json_dumps

from . import answers, evidence, wordcounts
from .parsing import (claims_absence, is_error_text, is_no_answer, kept_every_row, names_no_option, option_letter, options,
                      picked_nothing, says_none)
from .row_dicts import rows_given

if TYPE_CHECKING:
    from .loop import Run
    from .protocols import FinalAnswer

MAX_COPIED_ANSWER_CHARS = 120  # a longer answer copied word for word from what was shown is a passage, not an answer
MIN_SEEN_ANSWER_CHARS = 2  # a shorter answer ("4", "B") stands in almost any text: it proves nothing
# A long answer with fewer words than this is data the question asked for (a list of ids, of pairs: the first
# reading's "(15306, 22945)" lines, refused as a passage, became "22945"), not a passage copied.
MIN_PASSAGE_WORDS = 8
_WORD = re.compile(r"[^\W\d_]{2,}")
_LIST_ITEMS = re.compile(r"\s*(?:,|;|\band\b)\s*")
_LEAD_IN = re.compile(r"^[^,:]*?\b(?:are|is|were|was)\b:?\s*|^[^,:]*:\s*")  # "the jobs ... are ", "Jobs: "
# The miss the loop notes where the root's code over a table's rows printed an empty result (parsing.picked_nothing):
# a condition that matched no row, as a search that matched nothing. The root had printed [] for the jobs with no
# timeout (empty cells it compared with ""), [] for functions never called, 0 for the orders of the last 7 days
# (counted back from today), and answered that there were none.
ROWS_PICKED_NOTHING = {"pattern": "your code over the rows", "phrases": [], "passages": []}
# ... and where it printed as many values as it was given rows (parsing.kept_every_row): a condition that picked none
# out. The root had listed all 12 employees for those paid more than their manager (`salary > manager.notnull()`).
ROWS_KEPT_EVERY_ROW = {"pattern": "your code over the rows", "phrases": [], "passages": []}
# "All four", "all of them": an answer that names none of the rows it says it means (sets S and T, lists asked for).
_ALL_OF_THEM = re.compile(r"\W*all(?:\s+(?:of\s+them|\w+))?\W*", re.I)


def after_rows(rows_first: dict[str, Any] | None, output: str) -> list[dict]:
    """The misses a cell's output notes where the first cell gave the root rows to write code over: an empty
    result, or one value per row given."""
    if rows_first is None:
        return []
    if picked_nothing(output):
        return [ROWS_PICKED_NOTHING]
    return [ROWS_KEPT_EVERY_ROW] if kept_every_row(output, rows_given(rows_first["text"])) else []


@dataclass(frozen=True)
class Verdict:
    """What the loop does with a root's FINAL answer: refuse it (`refusal`: what to tell the model instead),
    take the first reading in its place (`reading`), or else take it."""
    refusal: str | None = None
    reading: bool = False


def verdict(run: Run, final: FinalAnswer, code: str) -> Verdict:
    """The loop's decision on an answer `code` gave."""
    told = refusal(run, final, code)
    if told is not None:
        return Verdict(refusal=told)
    return Verdict(reading=gives_way(run, final))


def refusal(run: Run, final: FinalAnswer, code: str) -> str | None:
    """What to tell the model instead of taking this answer (`code` gave it), or None to take it."""
    if run.config.schema is not None and run.depth == 0:
        return answers.refusal(run, final)  # a typed answer: refused while it does not fit, whatever it is
    call = call_text(final)
    letter = option_letter(run.question, final.value)
    if letter is not None and first_time(run, "option", call):
        return run._render("option_letter", call=call, letter=letter)  # the option's text, not its letter
    if names_no_option(run.question, final.value) and first_time(run, "no_option", call):
        # The counts shown, copied as the answer: `reading = "Counted by code ..."`, then FINAL(reading) (codeqa
        # seed 10 at 32K). Taken, a multiple-choice answer that names no option is wrong whatever it says.
        return run._render("no_option", call=call, letters=", ".join(options(run.question)))
    written = wordcounts.as_written(run.loaded.value, final.value) if isinstance(final.value, str) else None
    if written is not None and first_time(run, "as_written", call):
        # `SimpleCData` where the text has `_SimpleCData`: a reader's slip that a grader of names counts wrong.
        return run._render("as_written", call=call, answer=written)
    kept = bool(run.recent_misses) and run.recent_misses[-1] is ROWS_KEPT_EVERY_ROW
    if run.exact_reading is not None and _plain(final.value) != _plain(run.exact_reading):
        reason = "not_the_reading"  # not what code computed from the whole text
    elif is_no_answer(final.value):
        reason = "no_answer"
    elif isinstance(final.value, str) and is_error_text(final.value):
        reason = "error_text"  # a failed cell's error copied into FINAL("Error: ... NameError ...")
    elif run.recent_misses and run.recent_misses[-1] is ROWS_PICKED_NOTHING and says_none(final.value):
        reason = "rows_empty"  # "No jobs have no timeout set." after code over the rows printed []
    elif kept or (run.rows_first is not None and _ALL_OF_THEM.fullmatch(str(final.value))):
        reason = "rows_all"  # every employee listed for those paid more than their manager; "All six"
    elif run.recent_misses and claims_absence(final.value):
        reason = "after_miss"  # "not found" or 0 because one literal pattern missed
    elif not run.profile.refuse_unread_answers:
        return None
    elif is_passage(final.value) and seen(run, final.value):
        reason = "copied"  # a whole line it was shown, not the value the question asks for
    elif seen(run, final.value) or seen_items(run, final.value):
        return None  # an answer found in what the model was shown is no guess
    elif not run.looked:
        reason = "not_looked"  # an answer from memory, before any code read the context
    elif run.recent_error:
        reason = "after_error"  # the last cell failed: nothing was read, so the answer is a guess
    elif written_out(final.value, code):
        # A value it wrote out that no output showed: after a reading of "Error", FINAL("InvalidStateError"),
        # the question's own class name (codetree at 32K). A value computed from the context is not refused.
        reason = "not_seen"
    else:
        return None
    if not first_time(run, reason, call):
        return None
    return run._render("no_answer" if reason == "no_answer" else "unsupported_answer", call=call, reason=reason,
                       first_read=run.first_read, exact=run.exact_reading,
                       rare_words=" ".join(evidence.rarest_words(run.loaded.value, run.question)),
                       given=rows_given(run.rows_first["text"]) if kept else None)


# Refused once for these and given again, an answer gives way to the first reading: an error message or no
# answer insisted on is still none (FINAL("Error: line 1: FINAL(types.py)") twice after a right reading of
# "types.py": click as a directory, bench/issue12/fresh-probe), and another answer than code's whole reading
# is a slip (FINAL("Fault"), the question's class, over the reading "Error": codetree seed 4 at 32K).
NOT_ANSWERS = ("error_text", "no_answer", "not_the_reading")


def gives_way(run: Run, final: FinalAnswer) -> bool:
    """Whether an answer `refusal` lets through gives way to the first reading: a value the root wrote out that
    no output showed, refused once for it and given again; or an error message, no answer or an answer other
    than code's whole reading (NOT_ANSWERS) given again. The case: after a reading of "Error" (the right base
    class), the root wrote FINAL("InvalidStateError"), the class the question names, twice, and the second was
    taken (codetree seed 1 at 32K). A guess insisted on is still a guess; the reading was read from the text.
    The loop keeps the root's answer where the reading is no answer or says it found nothing."""
    if not run.first_read:
        return False
    call = call_text(final)
    if any((reason, call) in run.refused_answers for reason in NOT_ANSWERS):
        return True
    return ("not_seen", call) in run.refused_answers and not seen(run, final.value)


def is_passage(value: Any) -> bool:
    """Whether an answer is long prose: what a copied passage is, not a value."""
    text = str(value)
    return len(text) > MAX_COPIED_ANSWER_CHARS and len(_WORD.findall(text)) >= MIN_PASSAGE_WORDS


def written_out(value: Any, code: str) -> bool:
    """Whether `value` is a string the code wrote out as it is (a literal), long enough to tell."""
    return isinstance(value, str) and len(value.strip()) >= MIN_SEEN_ANSWER_CHARS and value in code


def seen(run: Run, value: Any) -> bool:
    """Whether an answer stands in something the model was shown of the context (evidence, cell output, a miss
    note), the question's own words left out."""
    text = str(value).strip().lower()
    return len(text) >= MIN_SEEN_ANSWER_CHARS and text in _shown(run)


def seen_items(run: Run, value: Any) -> bool:
    """Whether an answer is a list written out of values each shown (seen()): "Eady, Hume" after the output
    ['Eady', 'Hume'], also in a sentence ("The jobs with no timeout set are job-004, job-020, and job-041.")."""
    text = _LEAD_IN.sub("", str(value).strip().lower()).strip("[](). ")
    items = [item for part in _LIST_ITEMS.split(text) if (item := part.strip(" '\""))]
    shown = _shown(run)
    return len(items) > 1 and all(len(item) >= MIN_SEEN_ANSWER_CHARS and item in shown for item in items)


def _shown(run: Run) -> str:
    """What the model was shown of the context, lowercased: every user message; where the first gave it rows to
    compute over, the outputs of its own code only. The rows' summary shows a few values of each key, and one of
    them given after code that failed is a guess (FINAL("blender") after a KeyError, for the product whose price
    changed most often: probe set AA)."""
    # The question is also shown inside the first reading's code, as the template's JSON (`file\u0027s`). A
    # refusal names the answer it refused: that shows the model's own words back, not the text.
    forms = (run.question, str(htmlsafe_json_dumps(run.question)), *(call for _, call in run.refused_answers))
    first = 2 if run.rows_first is not None else 1
    return "\n".join(_without(m["content"], forms).lower() for m in run.messages[first:] if m["role"] == "user")


def printed(run: Run, value: str) -> bool:
    """Whether some output the model was shown has `value` as a whole line (a name a cell printed alone)."""
    line = re.compile(rf"(?m)^\s*{re.escape(value)}\s*$")
    return any(line.search(m["content"]) for m in run.messages[2:] if m["role"] == "user")


def first_time(run: Run, reason: str, call: str) -> bool:
    """Whether this answer call was not yet refused for this reason in the run (and remember it): refused
    once, taken the second time."""
    if (reason, call) in run.refused_answers:
        return False
    run.refused_answers.add((reason, call))
    return True


def call_text(final: FinalAnswer) -> str:
    return f"{final.via}({final.value!r})"


def _plain(value: Any) -> str:
    """An answer as compared with code's reading: its text, stripped of quotes and spaces, in lower case."""
    return str(value).strip().strip("'\"` ").lower()


def _without(text: str, parts: tuple[str, ...]) -> str:
    for part in parts:
        text = text.replace(part, "")
    return text
