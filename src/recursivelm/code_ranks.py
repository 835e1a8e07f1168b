"""Which definitions of a Python tree rank first by a count `ast` reads: "Which function takes the most
parameters?", "Which class has the fewest methods?", "What is the longest function in pkg/io.py?", "Which file
defines the most classes?".

Shown the outlines of a few files, the 1.5B reader named a function of nine parameters by another's name
(`send_frame_71` for `send_row_71`, bench/issue12/fresh_probe.py, set P). Code ranks every definition of the
tree, or of the file the question names:

- functions (methods too, nested ones too) by their parameters (every one: self, *args and **kwargs too) or by
  their lines (from the `def` to the last line of the body);
- classes by their methods (the defs at the top level of the body) or their lines;
- files by the classes or top-level functions they define, or by their lines (to the last line of code).

Definitions tied at the extreme are all named. "How many functions take more than three parameters?": those whose
count meets the comparison (`counted_by`). A question with lettered options is code_counts.py's; any other
is not read here.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any

from .code_relations import qualified_definitions, syntax_trees
from .counted import Counted
from .outline import method_names, parameter_count, plural
from .querywords import NUMBER_WORDS, count_of, meets

MAX_TIED = 10  # definitions tied at the extreme that an answer names; more are counted
SHOWN_RANKS = 5  # definitions the root is shown, the first ranked first
# "which function takes the most parameters", "which class has the fewest methods", "what is the longest function"
_RANKED = re.compile(r"^\W*(?:which|what)\s+(?:is\s+the\s+)?(?:(?P<longest>longest|shortest)\s+)?(?P<kind>functions?"
                     r"|methods?|class(?:es)?|files?|modules?)\b(?P<rest>[^?]*)", re.I)
_KINDS = {"function": "function", "functions": "function", "method": "method", "methods": "method", "class": "class",
          "classes": "class", "file": "file", "files": "file", "module": "file", "modules": "file"}
_MOST = re.compile(r"\b(?P<which>most|fewest|least|largest|smallest|highest|lowest)\s+(?:number\s+of\s+)?"
                   r"(?P<unit>parameters|arguments|args|methods|lines|classes|functions)\b", re.I)
_FILE = re.compile(r"(?<![\w/.])(?P<path>[\w./-]+\.py)\b")


def answer(context: Any, question: str) -> Counted | None:
    """The definitions (or files) at the extreme the question asks, and the counts code read; None for any other
    question, a unit the kind has no count of, or a tree of no definition of the kind."""
    asked = _RANKED.match(question)
    if asked is None:
        return None
    most = _MOST.search(asked["rest"])
    kind = _KINDS[asked["kind"].lower()]
    if asked["longest"]:
        unit, largest = "lines", asked["longest"].lower() == "longest"
    elif most:
        unit, largest = most["unit"].lower(), most["which"].lower() in ("most", "largest", "highest")
    else:
        return None
    unit = "parameters" if unit in ("arguments", "args") else unit
    trees = syntax_trees(context)
    if named := _FILE.search(question):
        trees = {label: tree for label, tree in trees.items() if label.endswith(named["path"])}
    counted = _counted(trees, kind, unit)
    if not counted:
        return None
    ranked = sorted(counted.items(), key=lambda item: item[1], reverse=largest)
    extreme = ranked[0][1]
    tied = [name for name, n in ranked if n == extreme]
    where = f" in {named['path']}" if named else f" of the tree's {len(trees)} Python files"
    shown = "\n".join(f"  {name}: {plural(n, unit[:-1])}" for name, n in ranked[:max(SHOWN_RANKS, len(tied[:MAX_TIED]))])
    facts = (f"Counted by code (ast) over {len(counted):,} {kind}s{where}, ranked by {unit} "
             f"({'most' if largest else 'fewest'} first):\n{shown}")
    if len(tied) > MAX_TIED:
        return Counted(f"{facts}\n{len(tied)} are tied at {plural(extreme, unit[:-1])}", f"{len(tied)} tied")
    return Counted(facts + (f"\n{len(tied)} tied" if len(tied) > 1 else ""), ", ".join(tied))


# "How many functions take more than three parameters?", "how many classes have at least 5 methods?"
_COUNTED = re.compile(r"^\W*how\s+many\s+(?P<kind>functions?|methods?|class(?:es)?|files?|modules?)\b[^?]*?\b(?P<op>more than"
                      r"|at least|fewer than|less than|at most|exactly|over|under)\s+(?P<n>\d+|" + "|".join(NUMBER_WORDS) +
                      r")\s+(?P<unit>parameters?|arguments?|args?|methods?|lines?|classes|class|functions?)\b", re.I)


def counted_by(context: Any, question: str) -> Counted | None:
    """"How many functions take more than three parameters?": the definitions (files) of the kind whose count of the
    unit meets the comparison (the counts as `answer` ranks them); None for another question or a unit the kind has
    no count of."""
    asked = _COUNTED.match(question)
    if asked is None:
        return None
    kind, unit = _KINDS[asked["kind"].lower()], asked["unit"].lower().removesuffix("s")  # "one parameter", "3 lines"
    unit = "parameters" if unit in ("argument", "arg", "parameter") else "classes" if unit in ("class", "classe") else unit + "s"
    trees = syntax_trees(context)
    counted = _counted(trees, kind, unit)
    if not counted:
        return None
    op, n = asked["op"].lower(), count_of(asked["n"])
    meeting = [name for name, count in counted.items() if meets(count, op, n)]
    shown = "\n".join(f"  {name}: {plural(counted[name], unit[:-1])}" for name in meeting[:SHOWN_RANKS * 4])
    kinds = "classes" if kind == "class" else f"{kind}s"
    return Counted(f"Counted by code (ast) over {len(counted):,} {kinds} of the tree's {len(trees)} Python files: with "
                   f"{op} {plural(n, unit[:-1])}: {len(meeting):,}" + (f"\n{shown}" if shown else ""), str(len(meeting)))


def _counted(trees: dict[str, ast.Module], kind: str, unit: str) -> dict[str, int]:
    """Each definition (or file) of the kind by its count of the unit, named "Class.method in path"; {} where the
    kind has no such count."""
    if kind == "file":
        count = _FILE_COUNTS.get(unit)
        return {label: count(tree) for label, tree in trees.items()} if count else {}
    measure = _DEFINITION_COUNTS.get((kind if kind == "class" else "function", unit))
    if measure is None:
        return {}
    found = {}
    for label, tree in trees.items():
        for name, node, in_class in qualified_definitions(tree):
            if isinstance(node, ast.ClassDef) == (kind == "class") and (kind != "method" or in_class):
                found[f"{name} in {label}"] = measure(node)
    return found


def _lines(node: ast.AST) -> int:
    return (node.end_lineno or node.lineno) - node.lineno + 1


_DEFINITION_COUNTS: dict[tuple[str, str], Callable[[Any], int]] = {
    ("function", "parameters"): parameter_count, ("function", "lines"): _lines,
    ("class", "methods"): lambda node: len(method_names(node)), ("class", "lines"): _lines}
def file_definitions(tree: ast.Module, unit: str) -> list[str]:
    """The names of the classes a module defines (nested ones too), or of its functions at its top level."""
    if unit == "classes":
        return [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


_FILE_COUNTS: dict[str, Callable[[ast.Module], int]] = {
    "classes": lambda tree: len(file_definitions(tree, "classes")),
    "functions": lambda tree: len(file_definitions(tree, "functions")),
    "lines": lambda tree: max((getattr(node, "end_lineno", 0) or 0 for node in ast.walk(tree)), default=0)}
