"""What code counts exactly in a Python source tree, for the questions that ask it: the definitions that call
a name (`callers`, also a REPL helper), a class's methods and a function's parameters, and the option of a
multiple-choice question those counts pick (`answer`, the small profile's first reading).

A 1.5B reader counts what it is shown and compares numbers badly. Shown the lines of a file that call
`append`, it counted the calls, not the definitions that hold them (codeqa seed 0 at 4K and seed 2 at 128K:
a wrong letter). Shown exact outlines, it still named "6" the most of 13, 12 and 6 parameters (codeqa seed 5
at 32K), and answered "D) 6" beside an outline saying "2 methods defined in this class body" (seed 3 at
32K). What `ast` can count is counted here, and code picks the option:

- "How many functions / methods / definitions (in <file>) call `name`?": the definitions whose own body
  calls `name(...)` or `<something>.name(...)`. A call in a nested def is that def's; a decorator, default
  value or annotation runs in the enclosing scope, so it is the enclosing def's; a lambda is not a def.
- "How many methods does class `X` (in <file>) define / have?": the defs at the top level of its body.
- "How many parameters does `f` (in <file>) take / have?": every parameter, self, *args and **kwargs too.
- "Which of these functions / methods / classes has the most / fewest parameters / methods?" with lettered
  options each naming one definition ("Cls.method in pkg/mod.py"): the option with the unique extreme.
- A question asking what a class inherits from ("inherit", "base classes", "derives from") that names one
  class of the tree as code: its bases as its class statement writes them. Shown `class
  ConnectTimeoutError(TimeoutError)` in its outline, the 1.5B reader answered HTTPError, TimeoutError's own
  base (urllib3 as a directory, bench/issue12/fresh-probe).
- A question asking for a default ("default", "called without", "omitted") that names a function as code
  (`f`, f(), Cls.f, a name with _ or an inner capital) and one of its parameters: the default as written.
  Shown `def pause(info=None, err=False)` in its outline, the 1.5B reader gave err's default as None (click
  as a directory, bench/issue12/fresh-probe).

- A question asking what a name is set to ("set to", "value of", "equal") that names it as code
  (`TIMEOUT`, MAX_IDLE_TIME): the value its module- or class-level assignment gives it, as written. Asked
  "What is MAX_WORKER_IDLE_TIME set to?" over anyio, the 1.5B reader answered another line's "(10, 60000)"
  (bench/issue12/heldout_code.py, twenty-third step).

- "Which classes inherit from `X`?", "What are the subclasses of X?": the classes whose class statement names X
  as a base (directly). Asked so, the question was read as X's own bases before (httpx, set G).
- "How many classes / functions are defined in <file>?": the classes the file defines, nested ones too; its
  functions at the top level.
- "Which file / module defines the constant / class / function X?": the one file whose top level (or a class
  body, for a function: a method) defines it; with lettered options, the option that names that file.
- "What parameters does `f` take?": its parameters as its signature writes them, self and cls left out.

How definitions relate (which call a function, which exceptions it raises, which modules import a module, a
definition's decorators, which class defines a method) is code_relations.py's, asked last.

A question that names a definition more than one file holds, or a count no option says, gets no answer
here: the reader reads the passages as before. Nothing here knows a task: only Python's grammar.
"""

from __future__ import annotations

import ast
import re
from typing import Any, Sequence

from . import code_ranks, code_relations
from .code_relations import CODE_NAME, callers, python_documents, syntax_trees
from .counted import Counted, read_whole
from .outline import definitions as defined_in, method_names, owner_class, parameter_count, plural
from .parsing import options, parse_python

_NAME = r"`?(?P<name>[A-Za-z_][\w.]*)`?"
_CALLERS = re.compile(r"\bhow many\b[^?]*?\b(?:functions?|methods?|definitions?|defs?|callers?)\b[^?]*?"
                      rf"\bcall(?:s|ing|ed)?\s+{_NAME}", re.IGNORECASE)
# "How many functions call themselves?": no name, each its own (counted as callers of "themselves": 0, set Y).
_REFLEXIVE = {"themselves", "itself", "recursively", "each", "one"}
# "How many methods does the class `X` define?", "How many methods does X have?"
_NOT_THE_NAME = r"(?!(?:the|class|function|method|def)\b)"
_METHODS = re.compile(rf"\bhow many methods\b[^?]*?(?:\bclass\s+|\bdoes\s+(?:the\s+)?{_NOT_THE_NAME}){_NAME}",
                      re.IGNORECASE)
_PARAMETERS = re.compile(r"\bhow many (?:parameters|arguments)\b[^?]*?(?:\b(?:function|method|def)\s+|"
                         rf"\bdoes\s+(?:the\s+)?{_NOT_THE_NAME}){_NAME}", re.IGNORECASE)
_EXTREME = re.compile(r"\bwhich of these (?:functions|methods|classes|definitions)\b[^?]*?\b(?P<which>most|fewest|"
                      r"least)\s+(?P<unit>parameters|arguments|methods)\b", re.IGNORECASE)
_ASKS_DEFAULT = re.compile(r"\bdefault|\bwithout\b|\bomit(?:s|ted)?\b|\bnot (?:given|passed|supplied)\b", re.I)
_WORD = re.compile(r"[A-Za-z_]\w*")
_ASKS_BASES = re.compile(r"\binherit|\bbase class|\bbases\b|\bparent class|\bderive[sd]? from\b|\bsubclass(?:es)? of\b", re.I)
_YES_OR_NO = re.compile(r"^\W*(?:is|are|does|do|did|can|has|have)\b", re.I)  # "Does X inherit from Y?" is not asked here
_ASKS_VALUE = re.compile(r"\bset to\b|\bvalues?\b|\bequal(?:s|led)?\b|\bassigned\b|^\W*what is\b", re.I)
_ASKING_WORDS = {"default", "defaults", "value", "values"}  # a parameter so named must be in backticks
# "Which classes inherit from X?", "the subclasses of X": X's children, not its bases.
_ASKS_SUBCLASSES = re.compile(r"\bsubclasses\b|\b(?:which|what)\s+(?:(?!base\b|parent\b)\w+\s+)?classes\b[^?]*"
                              r"\b(?:inherit|derive|extend|subclass)", re.I)
_CLASSES_IN = re.compile(r"\bhow many (?:top-level |module-level )?(?P<unit>classes|functions)\b[^?]*\b(?:defined|declared|written|in)\b", re.I)
_ASKS_WHERE = re.compile(r"\b(?:which|what)\s+(?:python\s+)?(?:file|module|source file)\b|\bwhere\b[^?]*\b(?:defined|declared)\b",
                         re.I)
_ASKS_PARAMETERS = re.compile(r"\bwhat (?:parameters|arguments)\b|\b(?:parameters|arguments|signature) (?:of|does)\b", re.I)
_OPTION_DEFINITION = re.compile(r"^`?(?P<name>[A-Za-z_][\w.]*)`?(?:\(\))?\s+in\s+`?(?P<path>[\w./-]+\.py)`?$")


def definitions(context: Any, dotted: str, path: str | None = None) -> list[tuple[str, ast.AST]]:
    """(file, node) of each class or function named `dotted` ("Class.method", or "name": not a method), in
    `path` only if given."""
    *owner, name = dotted.split(".")
    found = []
    for label, source in python_documents(context, path):
        for line, node in sorted(defined_in(source).items()):
            if node.name == name and owner_class(source, line) == (owner[-1] if owner else None):
                found.append((label, node))
    return found


def methods_of(node: ast.AST) -> int | None:
    return len(method_names(node)) if isinstance(node, ast.ClassDef) else None


def parameters_of(node: ast.AST) -> int | None:
    return parameter_count(node) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None


def _path_named(context: Any, question: str) -> str | None:
    """The longest label of the context's Python files that the question names."""
    named = [label for label, _ in python_documents(context)
             if re.search(rf"(?<![\w/.]){re.escape(label)}\b", question)]
    return max(named, key=len) if named else None


def answer(context: Any, question: str) -> Counted | None:
    """The counts and the answer for a question of the kinds above, over a directory context of Python files;
    None for any other question, where a count is not one definition's or names no option, or where the counts
    leave out a word that turns the question's meaning (counted.read_whole)."""
    return read_whole(question, _counted(context, question))


def _counted(context: Any, question: str) -> Counted | None:
    if not any(True for _ in python_documents(context)):
        return None
    lettered = options(question)
    if extreme := _EXTREME.search(question):
        return _extreme(context, lettered, extreme["which"].lower(), extreme["unit"].lower())
    path = _path_named(context, question)
    if (found := _CALLERS.search(question)) and found["name"].lower() not in _REFLEXIVE:
        name = found["name"].split(".")[-1]
        defs = callers(context, name, path)
        where = f" in {path}" if path else ""
        facts = f"Counted by code (ast){where}: " + described(name, defs).replace("\n", "\n  ")
        return _numeric(facts, len(defs), lettered)
    for pattern, unit, count in ((_METHODS, "methods", methods_of), (_PARAMETERS, "parameters", parameters_of)):
        if found := pattern.search(question):
            named = [(label, n) for label, node in definitions(context, found["name"], path)
                     if (n := count(node)) is not None]
            if len(named) != 1:
                return None
            label, n = named[0]
            facts = f"Counted by code (ast): `{found['name']}` in {label} has {plural(n, unit[:-1])}"
            return _numeric(facts, n, lettered)
    if lettered:
        return _option_of(where_defined(context, re.split(r"\n\s*A\)", question)[0]), lettered)
    if ranked := code_ranks.answer(context, question) or code_ranks.counted_by(context, question):
        return ranked  # "which function takes the most parameters?"
    if _ASKS_SUBCLASSES.search(question):
        return subclasses_of(context, question, path)
    if found := _CLASSES_IN.search(question):
        return _defined_in_file(context, path, found["unit"].lower())
    return (default_of(context, question, path) or bases_of(context, question, path) or value_of(context, question, path)
            or where_defined(context, question) or parameters_named(context, question, path)
            or code_relations.answer(context, question))


def _option_of(found: Counted | None, lettered: dict[str, str]) -> Counted | None:
    """The letter of the one option that says what code read ("email/_header_value_parser.py"); None for none."""
    if found is None:
        return None
    saying = [letter for letter, text in lettered.items() if text.strip().strip("`").rstrip(".") == found.answer]
    return Counted(found.facts, saying[0]) if len(saying) == 1 else None


def _asked_names(question: str) -> set[str]:
    """The names a question writes as code, all capitals, or after "class", "function", "constant", "of", "from"."""
    after = re.findall(r"\b(?:class|function|method|constant|of|from)\s+`?(\w+)", question)
    return _code_names(question) | set(re.findall(r"\b_*[A-Z][A-Z0-9_]+\b", question)) | set(after)


def subclasses_of(context: Any, question: str, path: str | None = None) -> Counted | None:
    """The classes of the tree whose class statement names the class the question asks about as a base."""
    names = _asked_names(question)
    classes = [(label, node) for label, source in python_documents(context, path)
               for node in defined_in(source).values() if isinstance(node, ast.ClassDef)]
    asked = {node.name for _, node in classes} & names
    if len(asked) != 1:
        return None
    parent = asked.pop()
    children = [(label, node) for label, node in classes
                if any(ast.unparse(b).split("[")[0].split(".")[-1] == parent for b in node.bases)]
    shown = "\n".join(f"  {label}: class {node.name}({', '.join(ast.unparse(b) for b in node.bases)})" for label, node in children)
    return Counted(f"Read by code (ast): classes naming `{parent}` as a base: {len(children)}\n{shown}",
                   ", ".join(dict.fromkeys(node.name for _, node in children)) or "none")


def _defined_in_file(context: Any, path: str | None, unit: str) -> Counted | None:
    """How many classes a file defines (nested ones too), or functions at its top level."""
    tree = syntax_trees(context).get(path) if path else None  # a file that does not parse is none
    if tree is None:
        return None
    found = code_ranks.file_definitions(tree, unit)
    said = "classes (nested ones too)" if unit == "classes" else "functions at its top level"
    return Counted(f"Counted by code (ast): {path} defines {len(found)} {said}: {', '.join(found)}", str(len(found)))


def where_defined(context: Any, question: str) -> Counted | None:
    """The one file defining the class, function or constant the question names, where it asks which file or
    module does: a class or def statement, or an assignment at a module's top level."""
    if not _ASKS_WHERE.search(question):
        return None
    names = _asked_names(question)
    found: set[tuple[str, str, str]] = set()  # (file, name, what)
    for label, source in python_documents(context):
        if not any(name in source for name in names):
            continue
        for node in defined_in(source).values():
            if node.name in names:
                found.add((label, node.name, "class" if isinstance(node, ast.ClassDef) else "def"))
        try:
            tree = parse_python(source)
        except (SyntaxError, ValueError):
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
            found.update((label, t.id, "assignment") for t in targets if isinstance(t, ast.Name) and t.id in names)
    if len({label for label, _, _ in found}) != 1:
        return None
    label, name, what = sorted(found)[0]
    return Counted(f"Read by code (ast): `{name}` is defined ({what}) in {label}, and in no other file", label)


def parameters_named(context: Any, question: str, path: str | None = None) -> Counted | None:
    """The parameters of the one function the question names, as its signature writes them (self, cls left out)."""
    if not _ASKS_PARAMETERS.search(question):
        return None
    # "What parameters does fetch take?": the word after "does" or "of" is the function, code-shaped or not.
    names = _asked_names(question) | set(re.findall(r"\b(?:does|of)\s+(?:the\s+)?(?:function\s+|method\s+)?`?(\w+)", question))
    found = [(label, node) for label, source in python_documents(context, path)
             for node in defined_in(source).values()
             if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names and len(node.name) > 2]
    if len({node.name for _, node in found}) != 1 or len(found) != 1:
        return None
    label, node = found[0]
    a = node.args
    listed = [x.arg for x in a.posonlyargs + a.args] + ([f"*{a.vararg.arg}"] if a.vararg else []) \
        + [x.arg for x in a.kwonlyargs] + ([f"**{a.kwarg.arg}"] if a.kwarg else [])
    listed = [x for x in listed if x not in ("self", "cls")]
    return Counted(f"Read by code (ast): `{node.name}` in {label}: def {node.name}({ast.unparse(a)})", ", ".join(listed))


def _code_names(question: str) -> set[str]:
    """The names the question writes as code (CODE_NAME), each part of a dotted one: `Feed.fetch` -> Feed, fetch."""
    return {part for m in CODE_NAME.finditer(question) for part in (m["quoted"] or m["called"] or m["shaped"]).split(".")}


def bases_of(context: Any, question: str, path: str | None = None) -> Counted | None:
    """The bases of the one class of the tree the question names as code, where it asks what the class inherits
    from; None where it names no such class or several, or asks yes or no."""
    ask = question.strip().split("\n")[-1]
    if not _ASKS_BASES.search(question) or _YES_OR_NO.match(ask):
        return None
    names = _code_names(question) | set(re.findall(r"\bclass\s+(\w+)", question))  # "the class Exit": a name, though a plain word
    found = [(label, node) for label, source in python_documents(context, path)
             for node in defined_in(source).values() if isinstance(node, ast.ClassDef) and node.name in names]
    if len(found) != 1:
        return None
    label, node = found[0]
    bases = [ast.unparse(b) for b in node.bases] or ["object"]
    written = ", ".join(ast.unparse(b) for b in (*node.bases, *node.keywords))
    return Counted(f"Read by code (ast): the class `{node.name}` in {label} is defined as `class {node.name}({written})`"
                   f"{'' if node.bases else ': no bases written, so object'}", ", ".join(bases))


def parameter_defaults(node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, str]:
    """Each parameter that has a default, with the default as the source writes it."""
    args = node.args
    positional = args.posonlyargs + args.args
    found = {a.arg: ast.unparse(d) for a, d in zip(positional[len(positional) - len(args.defaults):], args.defaults)}
    found.update({a.arg: ast.unparse(d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return found


def default_of(context: Any, question: str, path: str | None = None) -> Counted | None:
    """The default of the one parameter the question names of a function it names as code, where it asks for a
    default; None where no such pair, or more than one, is in the tree (the reader reads the passages then)."""
    if not _ASKS_DEFAULT.search(question):
        return None
    names = _code_names(question)
    quoted = {m["quoted"] for m in CODE_NAME.finditer(question) if m["quoted"]}
    # "called without default": a parameter named `default`, said where a parameter is named.
    omitted = set(re.findall(r"\bwithout\s+`?(\w+)", question))
    words = {w for w in _WORD.findall(question) if w not in _ASKING_WORDS or w in quoted or w in omitted}
    found = []
    for label, source in python_documents(context, path):
        for line, node in sorted(defined_in(source).items()):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in names:
                owner = owner_class(source, line)
                found += [(label, owner, node.name, parameter, default)
                          for parameter, default in parameter_defaults(node).items()
                          if parameter in words and parameter != node.name]
    if len(found) > 1:  # the same method of several classes: the class the question names, if it names one
        found = [f for f in found if f[1] in words]
    if len(found) != 1:
        return None
    label, owner, name, parameter, default = found[0]
    where = f"`{owner}.{name}`" if owner else f"`{name}`"
    return Counted(f"Read by code (ast): the parameter `{parameter}` of {where} in {label} defaults to {default}",
                   default)


def value_of(context: Any, question: str, path: str | None = None) -> Counted | None:
    """The value a name the question writes as code is given by its assignment at the top of a module or of a
    class body, where the question asks what it is set to; None where no file or several values assign it."""
    # An all-capitals word is a constant's name too (EOF, CR), and a name may say "default" (DEFAULT_FONT).
    names = _code_names(question) | set(re.findall(r"\b_*[A-Z][A-Z0-9]+\b", question))
    words = " ".join(w for w in _WORD.findall(question) if w not in names)
    if not _ASKS_VALUE.search(question) or _YES_OR_NO.search(question) or _ASKS_DEFAULT.search(words):
        return None
    found: set[tuple[str, str, str]] = set()  # (file, name, value)
    for label, source in python_documents(context, path):
        if not any(name in source for name in names):
            continue  # parse only the files that write one of the names
        try:
            tree = parse_python(source)
        except (SyntaxError, ValueError):
            continue
        statements = [*tree.body, *(s for c in tree.body if isinstance(c, ast.ClassDef) for s in c.body)]
        for node in statements:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                target = node.target
            else:
                continue
            if isinstance(target, ast.Name) and target.id in names:
                found.add((label, target.id, ast.unparse(node.value)))
    if len({(name, value) for _, name, value in found}) != 1:
        return None
    files = sorted(label for label, _, _ in found)
    _, name, value = next(iter(found))
    return Counted(f"Read by code (ast): `{name}` is set to {value} in {', '.join(files)}", value)


def described(name: str, found: Sequence[Any]) -> str:
    """callers()' finding as it is printed: how many definitions call `name`, then one per line."""
    return "\n".join([f"{plural(len(found), 'definition')} call `{name}` in their own body", *map(str, found)])


def _numeric(facts: str, count: int, lettered: dict[str, str]) -> Counted | None:
    if not lettered:
        return Counted(facts, str(count))
    saying = [letter for letter, text in lettered.items() if text.strip().rstrip(".") == str(count)]
    return Counted(facts, saying[0]) if len(saying) == 1 else None


def _extreme(context: Any, lettered: dict[str, str], which: str, unit: str) -> Counted | None:
    count = methods_of if unit == "methods" else parameters_of
    counts: dict[str, int] = {}
    lines = []
    for letter, text in lettered.items():
        option = _OPTION_DEFINITION.match(text.strip().rstrip("."))
        if not option:
            return None
        named = [n for _, node in definitions(context, option["name"], option["path"])
                 if (n := count(node)) is not None]
        if len(named) != 1:
            return None
        counts[letter] = named[0]
        lines.append(f"  {letter}) {text.strip()}: {plural(named[0], 'method' if unit == 'methods' else 'parameter')}")
    if len(counts) < 2:
        return None
    best = (max if which == "most" else min)(counts.values())
    winners = [letter for letter, n in counts.items() if n == best]
    if len(winners) != 1:
        return None
    return Counted("Counted by code (ast):\n" + "\n".join(lines), winners[0])
