"""How the definitions of a Python tree relate, read by code (`ast`) for the questions that ask it: which
definitions call a function, which exceptions a function raises, which modules import a module, which decorators
a definition carries, which class defines a method (`answer`, asked last by code_counts.answer: the small
profile's first reading and count_code() in the REPL).

Over werkzeug and flask as directories (bench/issue12/heldout_code.py, set L), the 1.5B reader shown the
passages that name the function answered "Which functions call range_for_length()?" with a file and a line, and
"Which decorator is applied to info?" with a word of the docstring. Each is a fact of the syntax trees:

- "Which functions (methods, code) call `f`?", "Where is f called?": the definitions whose own body calls it
  (`callers`, also a REPL helper and what code_counts counts: a call in a nested def is that def's; a decorator,
  default value or annotation runs in the enclosing scope, so it is the enclosing def's; a lambda is no def), as
  Class.method names;
- "What exceptions can `f` raise?": the classes its own body's `raise` statements name ("raise KeyError(key)"),
  in the order written; a re-raise of a variable is said, not named; "Which functions raise ValueError?": the
  definitions whose own body raises it by name (`_raisers`);
- "Which modules import `m`?": the files whose import statements name the module (`import pkg.m`, `from .m import
  x`, `from . import m`), not the module itself;
- "Which decorator is applied to `f`?": its decorators as written, without their arguments;
- "Which class has a method named `f`?", "What class defines f?": the classes whose own body defines it;
- "Which functions are never called?": those no code of the tree refers to (`_uncalled`);
- "Which functions have no docstring?" (methods, classes; "how many ...?"): those whose body opens with no string.

The definition asked about is the one name of the question that the tree defines: written as code, or a plain
word after "to", "of", "does", "named", "call" ... ("applied to info"). A name the tree defines in several files
gets the answer of each where all agree, else none: the reader reads the passages as before. Nothing here
knows a task: only Python's grammar.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Iterator

from .counted import Counted
from .querywords import HOW_MANY
from .documents import documents
from .outline import definitions as defined_in
from .parsing import parse_python
from .per_context import cached

MAX_LISTED = 30  # callers or importers named in an answer; more are counted, not listed
_CALLED_BY = re.compile(r"^\W*(?:which|what)\s+(?:functions?|methods?|definitions?|code|callers?|places?)\b[^?]*\bcall"
                        r"|^\W*who\s+calls\b|^\W*where\s+(?:is|are)\b[^?]*\bcalled\b", re.I)
_RAISES = re.compile(r"\b(?:exceptions?|errors?)\b[^?]*\b(?:raises?d?|throws?n?)\b|\b(?:raises?|throws?)\b[^?]*"
                     r"\b(?:exceptions?|errors?)\b|^\W*what\s+(?:does|can|could|might)\b[^?]*\b(?:raise|throw)\b", re.I)
# "Which functions have no docstring?", "how many methods lack a docstring?", "which classes are missing docstrings?"
_UNDOCUMENTED = re.compile(r"\b(?P<kind>functions?|methods?|classes|class|definitions?)\b[^?]*?\b(?:have|has|with)?\s*"
                           r"(?:no|without|lacks?|lacking|missing|are missing|is missing)\s+(?:an?\s+|any\s+)?docstrings?\b", re.I)
# "Which functions raise ValueError?", "what methods can throw `KeyError`?": the definitions raising a class.
_RAISERS = re.compile(r"^\W*(?:which|what)\s+(?:functions?|methods?|definitions?|code)\b[^?]*?\b(?:raises?|throws?|raising)"
                      r"\s+(?:an?\s+)?`?(?P<exception>[A-Z]\w*)`?", re.I)
_IMPORTERS = re.compile(r"^\W*(?:which|what)\s+(?:modules?|files?|source files?)\b[^?]*\bimports?\b"
                        r"|^\W*where\s+(?:is|are)\b[^?]*\bimported\b", re.I)
# "Which functions are never called?", "what methods are not used anywhere?", "which functions are unused?"
_UNCALLED = re.compile(r"^\W*(?:which|what)\s+(?P<kind>functions?|methods?|definitions?)\b[^?]*\b(?:(?:never|not)\s+"
                       r"(?:called|used|referenced|invoked)|unused|uncalled)\b", re.I)
_DECORATOR = re.compile(r"\bdecorators?\b|\bdecorated\b", re.I)
_CLASS_OF = re.compile(r"^\W*(?:which|what)\s+class(?:es)?\b[^?]*\b(?:methods?|defines?|define|has|have|contains?|owns?)\b"
                       r"|\bwhich class\b[^?]*\bbelongs?\b|^\W*what class does\b", re.I)
# A plain word the question names a definition by: after one of these ("applied to info", "methods named fold").
_BEFORE_NAME = {"to", "of", "does", "do", "named", "called", "call", "calls", "import", "imports", "raise", "method",
                "function", "class", "module", "for", "by", "in"}
# A name a question writes as code: in backticks, called, dotted, or with an underscore or an inner capital.
CODE_NAME = re.compile(r"`(?P<quoted>[A-Za-z_][\w.]*)`|(?P<called>[A-Za-z_][\w.]*)\(\)"
                       r"|(?P<shaped>\b_*[A-Za-z]\w*(?:_|\.[A-Za-z_]|[a-z][A-Z])\w*)")


@dataclass
class Caller:
    path: str
    line: int
    name: str  # "Class.method", "function", "outer.inner"

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name}"


def python_documents(context: Any, path: str | None = None) -> Iterator[tuple[str, str]]:
    """(label, source) of each document of a directory context whose label ends in .py (only `path`'s)."""
    if not isinstance(context, dict):
        return
    for label, text in documents(context):
        if label.endswith(".py") and (path is None or label == path):
            yield label, text


def callers(context: Any, name: str, path: str | None = None) -> list[Caller]:
    """Every definition (nested ones included) whose own body calls `name` as `name(...)` or
    `<something>.name(...)`, over the context's Python files (only `path`'s), in file and line order."""
    return [Caller(label, line, qualname) for label, tree in syntax_trees(context).items() if path in (None, label)
            for line, qualname in sorted(_calling_defs(tree, name))]


def syntax_trees(context: Any) -> dict[str, ast.Module]:
    """The syntax tree of each Python file of a directory context that parses, by its label; parsed once per
    context (every question of a run asks of the same files)."""
    return cached(context, _parsed_files)


def _parsed_files(context: Any) -> dict[str, ast.Module]:
    trees = {}
    for label, source in python_documents(context):
        try:
            trees[label] = parse_python(source)
        except (SyntaxError, ValueError):
            continue
    return trees


def _definitions(context: Any) -> list[tuple[str, ast.AST]]:
    """(file, node) of every class and function of the tree, nested ones too."""
    return [(label, node) for label, node, _, _ in _qualified_defs(context)]


def qualified_definitions(tree: ast.Module) -> list[tuple[str, ast.AST, bool]]:
    """Every class and function of a module, nested ones too, by its dotted name ("Class.method", "outer.inner"), and
    whether a class's own body defines it (a method)."""
    found = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((prefix + child.name, child, isinstance(node, ast.ClassDef)))
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def _qualified_defs(context: Any) -> list[tuple[str, ast.AST, str, bool]]:
    """(file, node, qualified name, whether a class's own body defines it) of every class and function of the tree."""
    return [(label, node, name, in_class) for label, tree in syntax_trees(context).items()
            for name, node, in_class in qualified_definitions(tree)]


def _calling_defs(tree: ast.AST, name: str) -> set[tuple[int, str]]:
    """(line, qualified name) of the defs whose own scope calls `name` (module rules above)."""
    found: set[tuple[int, str]] = set()

    def visit(node: ast.AST, scope: tuple[int, str] | None, prefix: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for outer in [*node.decorator_list, node.args, *([node.returns] if node.returns else [])]:
                visit(outer, scope, prefix)
            own = (node.lineno, prefix + node.name)
            for statement in node.body:
                visit(statement, own, f"{own[1]}.")
            return
        if isinstance(node, ast.ClassDef):
            for outer in [*node.decorator_list, *node.bases, *node.keywords]:
                visit(outer, scope, prefix)
            for statement in node.body:
                visit(statement, scope, f"{prefix}{node.name}.")
            return
        if isinstance(node, ast.Call) and scope is not None and _called(node) == name:
            found.add(scope)
        for child in ast.iter_child_nodes(node):
            visit(child, scope, prefix)

    visit(tree, None, "")
    return found


def _called(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def answer(context: Any, question: str) -> Counted | None:
    """What code reads of the relation the question asks (rules above); None for any other question, or where
    the tree defines no one name of it."""
    if _UNCALLED.search(question):
        return _uncalled(context, question)
    if _IMPORTERS.search(question):
        return _importers(context, question)
    if _CALLED_BY.search(question):
        return _callers(context, question)
    if _UNDOCUMENTED.search(question):
        return _undocumented(context, question)
    if _RAISERS.search(question):
        return _raisers(context, question)
    if _RAISES.search(question):
        return _raised(context, question)
    if _DECORATOR.search(question):
        return _decorators(context, question)
    if _CLASS_OF.search(question):
        return _classes_defining(context, question)
    return None


def _asked_name(question: str, defined: set[str]) -> str | None:
    """The one name of the question the tree defines: written as code (CODE_NAME), else a word after one of
    _BEFORE_NAME, else any word; None where none or several are."""
    written = [(m["quoted"] or m["called"] or m["shaped"]).split(".")[-1] for m in CODE_NAME.finditer(question)]
    words = re.findall(r"[A-Za-z_][\w.]*", question)
    after = [word for before, word in zip(words, words[1:]) if before.lower() in _BEFORE_NAME]  # "method named body"
    for found in ([w for w in written if w], [a.split(".")[-1] for a in after], [w.split(".")[-1] for w in words]):
        named = list(dict.fromkeys(w for w in found if w in defined))
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            return None
    return None


def _callers(context: Any, question: str) -> Counted | None:
    name = _asked_name(question, {node.name for _, node in _definitions(context)})
    if name is None:
        return None
    found = callers(context, name)
    shown = "\n".join(f"  {c}" for c in found[:MAX_LISTED])
    facts = f"Read by code (ast): definitions whose own body calls `{name}`: {len(found)}\n{shown}"
    return _listed(facts, len(found), "definitions",
                   ", ".join(dict.fromkeys(c.name for c in found)) or f"none: no definition calls {name}")


def _listed(facts: str, found: int, noun: str, names: str) -> Counted:
    """What code found, named where there are MAX_LISTED or fewer; beyond that, counted ("... and 12 more")."""
    if found > MAX_LISTED:
        return Counted(facts + f"\n  ... and {found - MAX_LISTED} more", f"{found} {noun}")
    return Counted(facts, names)


def own_nodes(function: ast.AST):
    """The nodes of a def's body, not those of defs, classes or lambdas inside it."""
    stack = list(function.body)
    while stack:
        node = stack.pop(0)
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _raised(context: Any, question: str) -> Counted | None:
    functions = [(label, node) for label, node in _definitions(context) if not isinstance(node, ast.ClassDef)]
    name = _asked_name(question, {node.name for _, node in functions})
    mine = [(label, node) for label, node in functions if node.name == name]
    if not mine:
        return None
    read = [(label, node, *raised_by(node)) for label, node in mine]
    if len({tuple(named) for _, _, named, _ in read}) != 1:
        return None  # defs of that name in several places raise differently: which one is asked is not read
    _, _, named, _ = read[0]
    shown = "\n".join(f"  {label}:{node.lineno} def {node.name}: raises {', '.join(named) or 'nothing by name'}"
                      + (f"; re-raises {other} exception(s) held in a variable" if other else "")
                      for label, node, named, other in read)
    facts = f"Read by code (ast): the `raise` statements of `{name}`'s own body:\n{shown}"
    return Counted(facts, ", ".join(named) if named else f"none: {name} raises no exception by name in its own body")


def raised_by(function: ast.AST) -> tuple[list[str], int]:
    """The exception classes a def's own `raise` statements name, as written and once each, and how many raise an
    exception held in a variable ("raise exc": its class is not written there)."""
    named, other = [], 0
    for inner in own_nodes(function):
        if isinstance(inner, ast.Raise) and inner.exc is not None:
            exc = inner.exc.func if isinstance(inner.exc, ast.Call) else inner.exc
            written = ast.unparse(exc)
            if written.split(".")[-1][:1].isupper():
                named.append(written)
            else:
                other += 1
    return list(dict.fromkeys(named)), other


def _raisers(context: Any, question: str) -> Counted | None:
    """"Which functions raise ValueError?": the functions and methods whose own body raises that class by name
    (`raise ValueError(...)`, `raise errors.ValueError`), as Class.method names; None where no definition of the
    tree raises it (a class of another package, or a word that is none)."""
    asked = _RAISERS.search(question)["exception"]
    found = [(label, node, qualified) for label, node, qualified, _ in _qualified_defs(context)
             if not isinstance(node, ast.ClassDef) and any(n.split(".")[-1] == asked for n in raised_by(node)[0])]
    if not found:
        return None
    shown = "\n".join(f"  {label}:{node.lineno} {qualified}" for label, node, qualified in found[:MAX_LISTED])
    facts = f"Read by code (ast): definitions whose own body raises `{asked}`: {len(found)}\n{shown}"
    return _listed(facts, len(found), "definitions", ", ".join(dict.fromkeys(qualified for _, _, qualified in found)))


def _undocumented(context: Any, question: str) -> Counted | None:
    """"Which functions have no docstring?": the functions (methods, classes, definitions: what the question
    names) whose body opens with no string; "how many ...?" counts them. Dunder methods are left out where
    methods are asked (Python documents them)."""
    asked = _UNDOCUMENTED.search(question)
    kind = {"f": "function", "m": "method", "c": "class", "d": "definition"}[asked["kind"][0].lower()]
    wanted = {"function": lambda node, in_class: not isinstance(node, ast.ClassDef) and not in_class,
              "method": lambda node, in_class: not isinstance(node, ast.ClassDef) and in_class
              and not (node.name.startswith("__") and node.name.endswith("__")),
              "class": lambda node, in_class: isinstance(node, ast.ClassDef),
              "definition": lambda node, in_class: True}[kind]
    defs = [(label, node, qualified) for label, node, qualified, in_class in _qualified_defs(context) if wanted(node, in_class)]
    if not defs:
        return None
    bare = [(label, node, qualified) for label, node, qualified in defs if ast.get_docstring(node) is None]
    noun = asked["kind"].lower()
    shown = "\n".join(f"  {label}:{node.lineno} {qualified}" for label, node, qualified in bare[:MAX_LISTED])
    facts = f"Read by code (ast): {noun} of the tree: {len(defs)}; of them with no docstring: {len(bare)}\n{shown}"
    if HOW_MANY.search(question):
        return Counted(facts, str(len(bare)))
    return _listed(facts, len(bare), noun,
                   ", ".join(q for _, _, q in bare) or f"none: every one of the {len(defs)} has a docstring")


def _importers(context: Any, question: str) -> Counted | None:
    trees = syntax_trees(context)
    modules = {label.removesuffix(".py").replace("/__init__", "").split("/")[-1]: label for label in trees}
    stems = [label.removesuffix(".py").split("/")[-1] for label in trees]
    name = _asked_name(question, {stem for stem in set(stems) if stems.count(stem) == 1 and stem != "__init__"})
    if name is None:
        return None
    own = modules[name]
    found = []
    for label, tree in trees.items():
        if label == own:
            continue
        for node in ast.walk(tree):
            written = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or "", *(alias.name for alias in node.names)] if isinstance(node, ast.ImportFrom) else []
            if any(name in w.split(".") for w in written if w):
                found.append((label, node.lineno, ast.unparse(node)))
                break
    shown = "\n".join(f"  {label}:{line} {statement}" for label, line, statement in found[:MAX_LISTED])
    facts = f"Read by code (ast): files whose imports name the module `{name}` ({own}): {len(found)}\n{shown}"
    if len(found) > MAX_LISTED:
        return Counted(facts, f"{len(found)} files")
    return Counted(facts, ", ".join(label for label, _, _ in found) or f"none: no file imports {name}")


def _decorators(context: Any, question: str) -> Counted | None:
    defs = _definitions(context)
    name = _asked_name(question, {node.name for _, node in defs})
    mine = [(label, node) for label, node in defs if node.name == name]
    said = {tuple(ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list) for _, node in mine}
    if len(said) != 1:
        return None  # defs of that name decorated differently: which one is asked is not read
    (decorators,) = said
    shown = "\n".join(f"  {label}:{node.lineno} " + " ".join(f"@{ast.unparse(d)}" for d in node.decorator_list)
                      + f" {'class' if isinstance(node, ast.ClassDef) else 'def'} {node.name}" for label, node in mine)
    facts = f"Read by code (ast): the decorators written over `{name}`:\n{shown}"
    return Counted(facts, ", ".join(f"@{d}" for d in decorators) if decorators else f"none: {name} has no decorator")


def _classes_defining(context: Any, question: str) -> Counted | None:
    owners: dict[str, list[tuple[str, ast.ClassDef]]] = {}
    for label, source in python_documents(context):
        for node in defined_in(source).values():
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        owners.setdefault(item.name, []).append((label, node))
    name = _asked_name(question, set(owners))
    if name is None:
        return None
    shown = "\n".join(f"  {label}:{node.lineno} class {node.name}" for label, node in owners[name][:MAX_LISTED])
    facts = f"Read by code (ast): classes whose own body defines a method `{name}`: {len(owners[name])}\n{shown}"
    return Counted(facts, ", ".join(dict.fromkeys(node.name for _, node in owners[name])))


def _uncalled(context: Any, question: str) -> Counted | None:
    """The functions (methods, where the question asks those) that no code of the tree refers to: no call, no
    decorator, no callback passed, no attribute read names them, but their own body's (a recursion); dunder
    methods, which Python calls itself, left out. Code outside the tree (tests, users) is not seen, and said."""
    methods = _UNCALLED.search(question)["kind"].lower().startswith("method")
    referred: set[str] = set()
    defined: list[tuple[str, str]] = []

    def visit(node: ast.AST, label: str, inside: str | None, in_class: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not (node.name.startswith("__") and node.name.endswith("__")) and in_class == methods:
                defined.append((node.name, label))
            for outer in [*node.decorator_list, node.args]:
                visit(outer, label, inside, False)
            for statement in node.body:
                visit(statement, label, node.name, False)
            return
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name and name != inside:
            referred.add(name)
        for child in ast.iter_child_nodes(node):
            visit(child, label, inside, isinstance(node, ast.ClassDef))

    for label, tree in syntax_trees(context).items():
        visit(tree, label, None, False)
    if not defined:
        return None
    kind = "methods" if methods else "functions"
    never = [f"{name} in {label}" for name, label in defined if name not in referred]
    facts = (f"Read by code (ast) over {len(syntax_trees(context))} Python files: {len(defined)} {kind}; referred to "
             f"nowhere in the tree (no call, decorator, callback or attribute names them): {len(never)}")
    if len(never) > MAX_LISTED:
        return Counted(facts + "\n" + "\n".join(f"  {n}" for n in never[:MAX_LISTED]) + "\n  ...", f"{len(never)} {kind}")
    answer = ", ".join(dict.fromkeys(n.split(" in ")[0] for n in never)) or "none: every one is referred to"
    return Counted(facts + "".join(f"\n  {n}" for n in never) + "\n(code outside the tree, such as tests, is not seen)",
                   answer)
