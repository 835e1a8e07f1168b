"""Reading a model reply: its code blocks, and a text-form FINAL.

The traps (shared/LESSONS.md) this module exists to avoid:
- FINAL found inside plans, prose or code fences: a text FINAL counts only on a line of its own,
  outside every fence, and only when the reply has no code block to run.
- Blocks tagged `python` silently ignored: `repl`, `python`, `py` and untagged blocks all run, and a
  reply with no runnable block is reported to the model.
- Invented REPL output after a block: `cut_after_first_block` drops everything after the first block,
  so text the model made up about its own output is never kept.
"""

from __future__ import annotations

import ast
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable

from .protocols import FinalAnswer

# CPython 3.11 keeps the AST converter's recursion depth in state shared by threads: two threads parsing
# or compiling an AST at once can fail with "SystemError: AST constructor recursion depth mismatch" (seen
# in the test suite, the bench runner generating code tasks in threads while cells ran). One lock.
_AST_LOCK = threading.Lock()


def parse_python(source: str, filename: str = "<unknown>", mode: str = "exec") -> ast.AST:
    """ast.parse, safe to call from several threads at once."""
    with _AST_LOCK:
        return ast.parse(source, filename, mode)


def compile_tree(tree: ast.AST, filename: str, mode: str):
    """compile() of an AST, safe to call from several threads at once (see parse_python)."""
    with _AST_LOCK:
        return compile(tree, filename, mode)


RUNNABLE_TAGS = frozenset({"repl", "python", "py", "python3", "ipython"})
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})\s*([\w+-]*)\s*$")
# Final(...) and final(...) too: small models write them, and the answer is what they meant.
_TEXT_FINAL = re.compile(r"^\s*(FINAL|FINAL_VAR|Final|final)\((.*)\)\s*$", re.DOTALL)
# Code that reads the context: it names it, or calls a function that reads it for the model.
# `rows` and `df` are the context's rows the first reading gave (first_reading.ROWS): code over them that fails is a
# look that failed, and an answer right after it a guess (FINAL(2) for 30, after `rows[rows['role'] == 'admin']`).
_READS_CONTEXT = re.compile(r"\b(?:context|search|chunks|ask_chunks|llm_query|llm_query_batched|rlm_query|table_rows|rows|df)\b")


@dataclass(frozen=True)
class CodeBlock:
    tag: str
    code: str
    start: int  # character offsets of the whole fenced block in the reply
    end: int
    closed: bool

    @property
    def runnable(self) -> bool:
        if not self.code.strip():
            return False  # an empty block is no code: run, it showed "(no output)" and the root repeated it
        if self.tag.lower() in RUNNABLE_TAGS:
            return True
        # An untagged block runs when it is Python; anything else (output, prose) does not.
        return self.tag == "" and _parses(self.code)


def _parses(code: str) -> bool:
    try:
        parse_python(code)
    except (SyntaxError, ValueError):
        return False
    return bool(code.strip())


def find_blocks(reply: str) -> list[CodeBlock]:
    blocks: list[CodeBlock] = []
    lines = reply.splitlines(keepends=True)
    offset = 0
    open_fence: tuple[str, str, int] | None = None  # (fence chars, tag, start offset)
    body: list[str] = []
    for line in lines:
        m = _FENCE.match(line.rstrip("\n"))
        if open_fence is None:
            if m:
                open_fence = (m.group(1), m.group(2), offset)
                body = []
        elif m and not m.group(2) and m.group(1)[0] == open_fence[0][0] and len(m.group(1)) >= len(open_fence[0]):
            blocks.append(CodeBlock(open_fence[1], "".join(body), open_fence[2], offset + len(line), True))
            open_fence = None
        else:
            body.append(line)
        offset += len(line)
    if open_fence is not None:  # generation stopped inside a block (a stop sequence or max tokens)
        blocks.append(CodeBlock(open_fence[1], "".join(body), open_fence[2], len(reply), False))
    return blocks


def bare_code(reply: str) -> CodeBlock | None:
    """A reply with no fence that is Python doing something (a call or an assignment): small models write
    code without its fence, and it should run rather than be told that nothing ran. Prose rarely parses;
    a lone FINAL(...) line is left to `text_final`."""
    if find_blocks(reply) or text_final(reply) or not _parses(reply):
        return None
    tree = parse_python(reply)
    if not any(isinstance(node, (ast.Call, ast.Assign, ast.AugAssign, ast.Import, ast.ImportFrom, ast.For))
               for node in ast.walk(tree)):
        return None
    return CodeBlock("", reply, 0, len(reply), True)


def first_block_end(text: str) -> int | None:
    """Where the first fenced block of a reply still being written ends (just past its closing fence's line
    break), once that line has ended; None while no block has closed. What a streaming backend cuts at."""
    blocks = find_blocks(text[: text.rfind("\n") + 1])
    return blocks[0].end if blocks and blocks[0].closed else None


def cut_after_first_block(reply: str) -> str:
    """Keep the reply up to the end of its first code block; drop whatever the model wrote after it."""
    blocks = find_blocks(reply)
    return reply[: blocks[0].end] if blocks else reply


def text_final(reply: str) -> tuple[str, str] | None:
    """A FINAL(...) / FINAL_VAR(...) standing alone on a line outside every fence: (kind, argument).

    Returns the last such line. Callers must only use it when the reply has no block to run."""
    fenced = [(b.start, b.end) for b in find_blocks(reply)]
    found = None
    offset = 0
    for line in reply.splitlines(keepends=True):
        inside = any(s <= offset < e for s, e in fenced)
        m = None if inside else _TEXT_FINAL.match(line.strip())
        if m:
            found = (_kind(m.group(1)), _one_argument(m.group(2).strip()))
        offset += len(line)
    return found


def _one_argument(arg: str) -> str:
    """`FINAL(Paris, France)` is the text "Paris, France", not a call with two arguments (which failed with
    NameError every time, so the answer was never taken): such an argument comes back as a quoted literal.
    One argument (a literal, a name, an expression) and text that is no Python at all come back as written."""
    try:
        call = parse_python(f"_({arg})", mode="eval").body
    except (SyntaxError, ValueError):
        return arg
    if isinstance(call, ast.Call) and not call.keywords and len(call.args) > 1:
        return repr(arg)
    return arg


def final_in_reply(reply: str) -> tuple[str, str] | None:
    """The last FINAL(...) anywhere in the reply, fences included: for the answer-now turn, where no code
    runs and a model that answers inside a block still means its answer. Inside a block that parses, the
    call is found by the AST (a comment after it, a FINAL inside an `if`), and a name the same block binds
    to a literal is resolved (`x = "Paris"` then `FINAL(x)`: "Paris", never "x"); else the last FINAL line."""
    found: tuple[int, tuple[str, str]] | None = None
    parsed = []  # (start, end) of the blocks whose FINAL the AST found: their lines are not read again
    for block in find_blocks(reply):
        hit = _final_in_code(block.code)
        if hit is not None:
            found = (block.start, hit)
            parsed.append((block.start, block.end))
    offset = 0
    for line in reply.splitlines(keepends=True):
        m = _TEXT_FINAL.match(_COMMENT.sub(")", line).strip())
        inside_parsed = any(start <= offset < end for start, end in parsed)
        if m and not inside_parsed and (found is None or offset >= found[0]):
            found = (offset, (_kind(m.group(1)), _one_argument(m.group(2).strip())))
        offset += len(line)
    return found[1] if found else None


_COMMENT = re.compile(r"\)\s*#[^'\"]*$")  # `FINAL(x)  # a comment` is read as `FINAL(x)`
_FINAL_NAMES = {"FINAL", "FINAL_VAR", "Final", "final"}


def _final_in_code(code: str) -> tuple[str, str] | None:
    """(kind, argument) of the last FINAL call in a block of Python, its argument resolved where the block
    binds it to a literal; None if the block does not parse or calls no FINAL."""
    try:
        tree = parse_python(code)
    except (SyntaxError, ValueError):
        return None
    literals: dict[str, str] = {}
    found = None
    for node in _in_order(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                literals[node.targets[0].id] = repr(ast.literal_eval(node.value))
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                literals.pop(node.targets[0].id, None)  # bound to something only running the code would know
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _FINAL_NAMES
                and len(node.args) == 1):
            kind, arg = _kind(node.func.id), node.args[0]
            name = arg.id if isinstance(arg, ast.Name) else (
                arg.value if kind == "FINAL_VAR" and isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None)
            if name is not None and name in literals:
                found = ("FINAL", literals[name])
            else:
                found = (kind, ast.get_source_segment(code, arg) or "")
    return found


def _in_order(tree: ast.AST):
    """The nodes of `tree` in source order (ast.walk is breadth-first: a later top-level FINAL would come
    before an earlier nested one)."""
    nodes = [n for n in ast.walk(tree) if hasattr(n, "lineno")]
    return sorted(nodes, key=lambda n: (n.lineno, n.col_offset))


def answer_now_code(reply: str) -> str | None:
    """The code to run in the REPL for an answer-now reply whose FINAL names something only the REPL holds
    (`FINAL(result)`, `FINAL_VAR("hits")`, `FINAL(hits[0])` after earlier cells made them), e.g.
    "FINAL(result)"; None when the reply's FINAL is a literal or plain text (literal_or_text reads it) or
    there is none. Parsing alone would give the name itself as the answer."""
    found = text_final(reply) or final_in_reply(reply)
    if found is None:
        return None
    kind, arg = found
    if kind == "FINAL":  # FINAL_VAR("name") names a variable even when its argument is a literal
        try:
            ast.literal_eval(arg)
            return None
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
    if not _parses(f"{kind}({arg})"):
        return None  # words, not code: the text is the answer
    return f"{kind}({arg})"


def printed_literal(reply: str) -> str | None:
    """The text of an answer-now reply that prints its answer instead of giving it to FINAL: one code block (or
    bare code) that is `print(<a literal>)` gives that literal's text; anything else None (this turn runs
    no code: a block that printed a variable or called a model would need the REPL and the budget)."""
    blocks = [b for b in find_blocks(reply) if b.runnable]
    block = blocks[0] if len(blocks) == 1 else bare_code(reply)
    if block is None:
        return None
    try:
        tree = parse_python(block.code, "<answer-now>", "exec")
    except SyntaxError:
        return None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return None
    call = tree.body[0].value
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print"
            and len(call.args) == 1 and not call.keywords):
        return None
    try:
        return answer_text(ast.literal_eval(call.args[0]))
    except (ValueError, TypeError, SyntaxError):
        return None


# A cell's error as the REPL shows it ("Error:", a traceback) or as Python names it ("NameError: ...").
_ERROR_TEXT = re.compile(r"^\s*(?:Error:|Traceback)|\b[A-Z]\w*(?:Error|Exception): ")


def is_error_text(text: str) -> bool:
    """Whether `text` is (or holds) an error message: a small root copies a failed cell's error into its
    answer, and that is no answer."""
    return bool(_ERROR_TEXT.search(text))


def is_no_answer(value: Any) -> bool:
    """FINAL(None) or FINAL(""): small models give up this way after one failed search. It is refused
    once with a reason (the profile's `no_answer`); given again, or in the answer-now turn, it counts."""
    return value is None or (isinstance(value, str) and not value.strip())


# A claim that the answer is absent, an error message given as the answer, or a zero count: after a search
# that found nothing, these say more about the search than about the text. An error message has its colon: a
# reading of "Error" (a class's base, codetree at 32K) is a value, and so is `traceback.FrameSummary` (werkzeug's
# DebugFrameSummary's base, set G), which the loop took for a traceback and so kept the root's wrong answer.
_ABSENCE = re.compile(
    r"\b(?:not (?:found|mentioned|present|available|specified|provided|given|contain\w*|defined|in the|in these)"
    r"|no (?:\w+ ){0,3}(?:found|mentioned|given|exists?)|does(?:n't| not) (?:contain|mention|say|include|specify|exist)"
    r"|cannot (?:find|be found|determine|be determined)|can't (?:find|determine)|unable to|unknown"
    r"|there (?:is|are) no)\b|^\s*(?:error\s*:|traceback\b(?!\.)|\w+error:)|\bindex out of range\b", re.I)


def says_absent(text: str) -> bool:
    """Whether a text says the answer is absent ("not found", "there is no ...") or is an error message."""
    return bool(_ABSENCE.search(text))


def claims_absence(value: Any) -> bool:
    """Whether an answer claims absence: said in words, or an empty or zero value."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, (list, tuple, dict, set)):
        return len(value) == 0
    text = str(value).strip()
    return text in ("0", "[]", "{}", "None") or says_absent(text)


_EMPTY_VALUE = re.compile(r"0|0\.0|\[\]|\{\}|set\(\)|None|nan|\(\)")
_EMPTY_FRAME = re.compile(r"\bEmpty DataFrame\b|^Series\(\[\]|\bLength: 0\b|^Index\(\[\]", re.M)


def picked_nothing(output: str) -> bool:
    """Whether a cell's output is an empty result: its last line a count of 0 or an empty list, set or dict, or an
    empty DataFrame, Series or array as pandas prints one."""
    text = output.strip()
    return bool(text) and bool(_EMPTY_VALUE.fullmatch(text.splitlines()[-1].strip()) or _EMPTY_FRAME.search(text))


MIN_ROWS_KEPT = 4  # fewer rows given, a condition that keeps every one of them may well be right
_LENGTH = re.compile(r"\bLength: (\d+)|^\[(\d+) rows x \d+ columns\]$", re.M)  # a Series, a DataFrame


def kept_every_row(output: str, given: int | None) -> bool:
    """Whether a cell's output is as many values as the root was given rows (`given`, at least MIN_ROWS_KEPT): its
    last line a list, tuple or set of that many, or that number itself, or a Series or DataFrame of that length as
    pandas prints one. The root's condition then picked none out: `df[df.salary > df.manager.apply(pd.notnull)]`
    listed all 12 employees for "which employees earn more than their manager?" (probe set AA)."""
    text = output.strip()
    if given is None or given < MIN_ROWS_KEPT or not text:
        return False
    if any(int(a or b) == given for a, b in _LENGTH.findall(text)):
        return True
    try:
        value = ast.literal_eval(text.splitlines()[-1].strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return False
    if isinstance(value, (list, tuple, set)):
        return len(value) == given
    return isinstance(value, int) and not isinstance(value, bool) and value == given


def says_none(value: Any) -> bool:
    """Whether an answer says there is none: claims_absence, or "No jobs have ...", "None of them"."""
    return claims_absence(value) or bool(re.match(r"\s*(?:no|none)\b(?!,)", str(value), re.I))


# Calls that make an expression a step of work, not a value written out: print and the REPL's helpers.
_WORK_CALLS = frozenset({"print", "len", "find", "read", "search", "around", "tally", "chunks", "ask_chunks", "llm_query",
                         "llm_query_batched", "rlm_query", "rlm_query_batched", "SHOW_VARS", "callers", "count_code",
                         "count_table", "line_kinds", "judge"})


def is_code_not_answer(text: str) -> bool:
    """Whether `text` is code that does something (an assignment, a loop, a call of print or a REPL helper, a
    method of `re` or `context`) rather than an answer that parses as Python (`2423915`, `hallway`, `A, B`,
    `_handlerList[:]`, `c_short(_SimpleCData)`): an answer-now reply of `print(find("x"))` is a plan."""
    try:
        tree = parse_python(text)
    except (SyntaxError, ValueError):
        return False
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Expr):
        return bool(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in _WORK_CALLS:
                return True
            if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("re", "context"):
                return True
    return False


def answer_text(value) -> str | None:
    """The answer a FINAL value gives: text, or None when it gives none (FINAL(None), FINAL("")). A model that
    insists on FINAL(None) has no answer; it used to be reported as the answer "None"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return value if isinstance(value, str) else str(value)


# One option of a multiple-choice question on a line of its own: "A) text", "(B) text", "C. text", "D: text".
_OPTION = re.compile(r"^\s*\(?([A-J])[).:]\s+(.+?)\s*$", re.MULTILINE)


def options(question: str) -> dict[str, str]:
    """The lettered options a multiple-choice question lists, letter -> text; {} where it lists fewer than two."""
    found = dict(_OPTION.findall(question))
    return found if len(found) >= 2 else {}


def letter_asked(question: str) -> dict[str, str]:
    """The lettered options of a question that asks for the letter of one of them; {} for any other question."""
    lettered = options(question)
    return lettered if lettered and re.search(r"\bletter\b", question, re.IGNORECASE) else {}


def names_no_option(question: str, answer) -> bool:
    """Whether an answer to a question that asks for the letter of one of its lettered options names none: no
    option's letter standing alone ("B", "B) 5", "Answer: B") and no option's text. The first reading's
    counts copied as the answer ("Counted by code (ast) in calendar.py: 5 definitions ...") is such an answer."""
    lettered = letter_asked(question)
    if not lettered or answer is None:
        return False
    text = str(answer).strip()
    standing = set(re.findall(r"(?<![\w'])([A-J])(?![\w'])", text))
    return not standing & set(lettered) and option_letter(question, answer) is None


def option_letter(question: str, answer) -> str | None:
    """The letter of the option whose text `answer` is, when `question` lists lettered options and asks for a
    letter (the answer gave the option's text instead); None otherwise."""
    lettered = letter_asked(question)
    if not lettered:
        return None
    text = str(answer).strip().strip("'\"").rstrip(".").strip().lower()
    if text.upper() in lettered:
        return None
    matches = [letter for letter, option in lettered.items() if option.strip().rstrip(".").lower() == text]
    return matches[0] if len(matches) == 1 else None


def _kind(name: str) -> str:
    return "FINAL_VAR" if name == "FINAL_VAR" else "FINAL"


def reads_context(code: str) -> bool:
    """Whether a cell looks at the context (directly or through a helper), as opposed to printing a guess."""
    return bool(_READS_CONTEXT.search(code))


# A value written out without quotes, which Python cannot read as one: a digit first, or a character no name
# holds ("7355-QH", "0122 126 9870", "Bay 485-I"). A bare name or attribute (`result`, `reading.strip`) is not.
_NOT_A_NAME = re.compile(r"^\d|[^\w.\[\]()'\"]")


def unquoted_final(code: str, error: str, was_shown: Callable[[str], bool] = lambda _: False,
                   was_printed: Callable[[str], bool] = lambda _: False) -> FinalAnswer | None:
    """The answer a cell that is only `FINAL(7355-QH)` meant, where Python failed on the unquoted value
    (NameError: name 'QH', or a SyntaxError): the small root then copied the error itself into its answer.
    A dotted value that reads as an attribute (`FINAL(types.py)`, NameError: name 'types') is meant as text
    where the model was shown it as it is (`was_shown`): after a reading of "types.py", the 1.5B root wrote
    FINAL(types.py), then FINAL("Error: line 1: FINAL(types.py)") (click as a directory, bench/issue12). So is a
    bare name no code assigned that an output printed as a line of its own (`was_printed`): after its code printed
    "raj", FINAL(raj), then FINAL("Error: line 1: FINAL(raj)") (fallback probe, set P)."""
    m = _TEXT_FINAL.match(code)  # the one FINAL(...) line pattern, as for a FINAL written outside a block
    if m is None or m[1] == "FINAL_VAR" or not re.search(r"\b(?:NameError|SyntaxError)\b", error):
        return None
    arg = m[2].strip()
    if not arg or "\n" in arg:
        return None
    dotted_text = "." in arg and "NameError" in error and was_shown(arg)
    printed_name = arg.isidentifier() and "NameError" in error and was_printed(arg)
    return FinalAnswer(arg, "FINAL") if _NOT_A_NAME.search(arg) or dotted_text or printed_name else None


def literal_or_text(arg: str) -> str:
    """`FINAL("Paris")` -> Paris; `FINAL(Paris, the capital)` -> the text as written."""
    try:
        value = ast.literal_eval(arg)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return arg
    return str(value)
