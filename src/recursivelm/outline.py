"""Exact outlines of Python definitions, and a definition as a reader is shown it (`with_body`).

A 1.5B reader shown a class with its body miscounts its methods, and shown a signature miscounts its
parameters (codeqa at 64K, bench/RESULTS.md, issue 12). What code can count, the engine counts, as
tally() does for sentences: a definition find() gathers is shown after one comment line, which also
names its file (evidence.py), e.g.

    # outline: defined in encodings/utf_8.py; bases codecs.IncrementalDecoder; 1 method defined in this class
    # body: decode  (one line)
    class IncrementalDecoder(codecs.IncrementalDecoder):

    # outline: defined in encodings/utf_8.py; a method of class IncrementalDecoder; 3 parameters: self, input, final=False
    def decode(self, input, final=False):

Only for a document that parses as Python; anything else gets no outline.
"""

from __future__ import annotations

import ast
import functools
import re

from .parsing import parse_python

PARSED_DOCUMENTS = 32  # syntax trees kept (the documents a run's readings keep coming back to)
DEFINITION_BODY_LINES = 12  # a definition is read with this many lines of its body
_DEFINED_NAME = re.compile(r"\s*(?:async\s+)?(?:def|class)\s+(\w+)")  # a definition's line, and its name
_METHOD_START = re.compile(r"\s*(?:@|(?:async\s+)?def\s)")  # a method's first line: its decorator or its def


def is_definition(text: str) -> bool:
    """Whether a line starts a class or function definition."""
    return _DEFINED_NAME.match(text) is not None


def with_body(text: str, label: str, doc: str, start: int) -> tuple[str, str]:
    """The definition `text` that stands on line `start` (1-based) of document `label` (its text `doc`), with
    the first lines of its body after its outline, and that outline for a reader's list (Passage.outline:
    "" where the document does not parse)."""
    lines = doc.splitlines()
    indent = len(text) - len(text.lstrip())
    body = []
    is_class = text.lstrip().startswith("class")
    for line in lines[start:start + DEFINITION_BODY_LINES]:  # 1-based `start` as an index: the line after it
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        # A class's body is shown up to its first method: its methods are the outline's list. Shown the
        # first one or two, the 1.5B reader counted those beside an outline that said 9 (codeqa at 64K).
        if is_class and _METHOD_START.match(line):
            break
        body.append(line)
    counted = outline(doc, start)  # what a small reader miscounts: methods, parameters
    # Where it is defined, in words: shown `[ensurepip/__init__.py:204] def _uninstall_helper`, with a passage
    # from ensurepip/_uninstall.py below it, the 1.5B reader named the file after the function (codetree at 4K).
    note = [f"{text[:indent]}# outline: defined in {label}; {counted}"] if counted else []
    # For a reader, named as questions name it: `NonCallableMock.__init__ in unittest/mock.py`.
    name = _DEFINED_NAME.match(text)[1]
    owner = owner_class(doc, start)
    fact = f"`{owner}.{name}` in {label}: {counted}" if owner else f"`{name}` in {label}: {counted}"
    return "\n".join([*note, text, *body]).rstrip(), fact if counted else ""


def outline(source: str, line: int) -> str | None:
    """The outline of the class or function defined at `line` (1-based) of `source`; None where none is."""
    node = definitions(source).get(line)
    if node is None:
        return None
    if isinstance(node, ast.ClassDef):
        methods = method_names(node)
        bases = ", ".join(ast.unparse(base) for base in node.bases) or "none"
        keywords = "".join(f"; keyword {ast.unparse(keyword)}" for keyword in node.keywords)  # metaclass=...
        said = f"{plural(len(methods), 'method')} defined in this class body"
        return f"bases {bases}{keywords}; {said}" + (f": {', '.join(methods)}" if methods else "")
    arguments = node.args
    count = parameter_count(node)
    # Which class a method is of: "NonCallableMock.__init__" is one of a module's many `def __init__`.
    owner = owner_class(source, line)
    return ((f"a method of class {owner}; " if owner else "") + plural(count, "parameter")
            + (f": {ast.unparse(arguments)}" if count else ""))


def owner_class(source: str, line: int) -> str | None:
    """The class whose own body defines the function at `line` of `source`; None for any other line."""
    return _parsed(source)[1].get(line)


def definitions(source: str) -> dict[int, ast.AST]:
    """Every class and function of `source` by the line its `class`/`def` keyword stands on."""
    return _parsed(source)[0]


def plural(n: int, unit: str) -> str:
    """"3 parameters", "1 method": a count as the outlines write it."""
    return f"{n} {unit}{'' if n == 1 else 's'}"


def method_names(node: ast.ClassDef) -> list[str]:
    """The defs at the top level of a class's body (decorated ones too): its methods, as the outline counts them."""
    return [item.name for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]


def parameter_count(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Every parameter of a def's signature: positional-only, self or cls, keyword-only, *args and **kwargs."""
    a = node.args
    return len(a.posonlyargs) + len(a.args) + len(a.kwonlyargs) + (a.vararg is not None) + (a.kwarg is not None)


@functools.lru_cache(maxsize=PARSED_DOCUMENTS)
def _parsed(source: str) -> tuple[dict[int, ast.AST], dict[int, str]]:
    """definitions(), and the class of each method by its line."""
    try:
        tree = parse_python(source)
    except (SyntaxError, ValueError):  # not Python, or another version's
        return {}, {}
    found: dict[int, ast.AST] = {}
    owners: dict[int, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            # A decorated definition's lineno is its `def` line (Python 3.8+), which is where find() points.
            found.setdefault(node.lineno, node)
        if isinstance(node, ast.ClassDef):
            owners.update((item.lineno, node.name) for item in node.body
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)))
    return found, owners
