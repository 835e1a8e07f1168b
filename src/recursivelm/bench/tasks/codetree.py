"""Code questions over a real source tree given as a directory context, answered with `ast`.

The context is what the engine makes of a directory: a dict of relative path -> source text. The tree is
real code: whole packages of the Python standard library of the interpreter that runs the generator
(`email/`, `json/`, `http/`, `logging/`, `asyncio/`, ... with their `__init__.py` re-exports), chosen by
the seed and added until the requested length is met, then topped up with single modules. The stdlib
differs between Python versions, so an instance is reproducible per Python version (recorded in the
metadata and in the suite's suite.json); a length beyond what this stdlib holds is refused.

Questions (free answers, no options): where is class X defined (a path); what are class X's bases (a set
of names); what is the default of parameter P of function F (a Python value); which module defines
function F (a path, or a dotted module name). Every asked name is defined exactly once in the whole tree
(counted textually, so nested, conditional and commented-out definitions count too), and names that are
also mentioned elsewhere (imported, re-exported, called) are preferred, so a grep of the name finds more
than its definition.

This is the failure of small roots measured in issue 12: answering a path or the "obvious" bases from
memory, or reading the first file of the tree instead of searching it.
"""

from __future__ import annotations

import ast
import builtins
import functools
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tasks.codeqa import select_and_ask, stdlib_sources
from recursivelm.bench.tokens import CHARS_PER_TOKEN, chars_for_tokens, context_chars

NAME = "codetree"

QUESTION_TYPES = ("class_file", "class_bases", "param_default", "function_module")

# Packages left out on top of codeqa's exclusions: codec tables, generated data and a test stub.
EXCLUDED_PACKAGES = frozenset({"encodings", "pydoc_data", "__phello__"})
# Modules left out: importing them has side effects (a browser opens, text prints), which the tests'
# independent check would trigger.
EXCLUDED_MODULES = frozenset({"antigravity.py", "this.py", "__hello__.py"})
# Files parsed at most while looking for a question: bounds the time spent on a huge tree.
MAX_FILES_PARSED = 40
# Candidates whose mentions are counted at most per question (counting scans the whole tree).
MAX_CANDIDATES_CHECKED = 30

SETTINGS = (
    Setting("question_type", "random", "which question to ask; random tries them in a seeded order",
            ("random", *QUESTION_TYPES)),
)

_BUILTIN_NAMES = frozenset(dir(builtins))
_CLASS_STATEMENT = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
_DEF_STATEMENT = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


# --- the tree ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def units() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(name, files) for every stdlib package (all its files, subpackages included) and top-level module."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    for path, source in stdlib_sources():
        top = path.split("/", 1)[0]
        if top in EXCLUDED_PACKAGES or path in EXCLUDED_MODULES:
            continue
        grouped.setdefault(top, []).append((path, source))
    packages = {name: files for name, files in grouped.items() if f"{name}/__init__.py" in dict(files)}
    modules = {name: files for name, files in grouped.items() if name.endswith(".py")}
    return tuple((name, tuple(files)) for name, files in sorted({**packages, **modules}.items()))


def capacity_tokens() -> int:
    """The longest tree this stdlib can make, in estimated tokens."""
    return sum(len(path) + len(source) for _, files in units() for path, source in files) // CHARS_PER_TOKEN


def select_tree(rng: random.Random, budget_chars: int) -> dict[str, str]:
    """Whole packages in seeded order while they fit, then single modules, to just under `budget_chars`."""
    available = capacity_tokens()
    if budget_chars // CHARS_PER_TOKEN > available:
        raise ValueError(
            f"{NAME}: the standard library of this Python ({sys.version.split()[0]}) holds about {available:,} "
            f"tokens of packages and modules; ask for {available:,} tokens or fewer"
        )
    all_units = list(units())
    rng.shuffle(all_units)
    packages = [files for name, files in all_units if not name.endswith(".py")]
    singles = [file for name, files in all_units if name.endswith(".py") for file in files]
    # Files of packages that did not fit whole top the tree up last, in seeded order too.
    chosen: dict[str, str] = {}
    remaining = budget_chars
    leftovers: list[tuple[str, str]] = []
    for files in packages:
        cost = sum(len(path) + len(source) for path, source in files)
        if cost <= remaining:
            chosen.update(files)
            remaining -= cost
        else:
            leftovers.extend(files)
    for path, source in [*singles, *leftovers]:
        cost = len(path) + len(source)
        if cost <= remaining:
            chosen[path] = source
            remaining -= cost
    return dict(sorted(chosen.items()))


# --- questions -----------------------------------------------------------------------------------


@dataclass
class Question:
    text: str
    gold: Any
    scorer: str
    facts: dict[str, Any]


def _mentioned_elsewhere(files: dict[str, str], name: str, path: str) -> bool:
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return any(pattern.search(source) for other, source in files.items() if other != path)


def _pick(rng: random.Random, candidates: list[Any], files: dict[str, str]) -> Any | None:
    """A seeded candidate (path, node, ...), preferring names another file of the tree mentions too."""
    if not candidates:
        return None
    rng.shuffle(candidates)
    for candidate in candidates[:MAX_CANDIDATES_CHECKED]:
        if _mentioned_elsewhere(files, candidate[1].name, candidate[0]):
            return candidate
    return candidates[0]


def accepted_paths(path: str, files: dict[str, str]) -> list[str]:
    """`path` and its shorter forms without leading folders that name no other file of the tree."""
    parts = path.split("/")
    suffixes = ["/".join(parts[i:]) for i in range(len(parts))]
    return [s for s in suffixes if s == path or not any(p != path and (p == s or p.endswith("/" + s))
                                                         for p in files)]


def module_name(path: str) -> str:
    """"email/mime/text.py" -> "email.mime.text"; "json/__init__.py" -> "json"."""
    name = path[: -len(".py")].replace("/", ".")
    return name[: -len(".__init__")] if name.endswith(".__init__") else name


def _simple_base(node: ast.expr) -> bool:
    """A base written as a (dotted) name, optionally subscripted: `Base`, `abc.ABC`, `Generic[T]`."""
    if isinstance(node, ast.Subscript):
        node = node.value
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


def _top_classes(trees: dict[str, ast.Module]) -> list[tuple[str, ast.ClassDef]]:
    return [(path, node) for path in sorted(trees) for node in trees[path].body if isinstance(node, ast.ClassDef)]


def _functions(trees: dict[str, ast.Module]) -> list[tuple[str, str | None, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(path, class name or None, def) for module-level functions and methods of module-level classes."""
    found = []
    for path in sorted(trees):
        for node in trees[path].body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.append((path, None, node))
            elif isinstance(node, ast.ClassDef):
                found += [(path, node.name, item) for item in node.body
                          if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    return found


def _ask_class_file(rng, trees, files, counts) -> Question | None:
    candidates = [(path, node) for path, node in _top_classes(trees) if counts["class"][node.name] == 1]
    picked = _pick(rng, candidates, files)
    if picked is None:
        return None
    path, node = picked
    return Question(
        f"In which file is the class `{node.name}` defined? Answer with the file's path as the context names it.",
        {"path": path, "accepted": accepted_paths(path, files)}, "path_match",
        {"class": node.name, "file": path},
    )


def _ask_class_bases(rng, trees, files, counts) -> Question | None:
    candidates = [(path, node) for path, node in _top_classes(trees)
                  if counts["class"][node.name] == 1 and node.bases and all(_simple_base(b) for b in node.bases)]
    # Bases that are all builtins (Exception, object, dict) are what a guess from memory says: ask about
    # classes with a base of the tree's own where there are some.
    preferred = [(path, node) for path, node in candidates
                 if any(ast.unparse(b).split("[")[0] not in _BUILTIN_NAMES for b in node.bases)] or candidates
    picked = _pick(rng, preferred, files)
    if picked is None:
        return None
    path, node = picked
    bases = [ast.unparse(base) for base in node.bases]
    return Question(
        f"What are the base classes of the class `{node.name}`, as written in its class statement (keywords "
        "such as metaclass= are not bases)? Answer with the base names, separated by commas.",
        {"names": bases, "ignore": [node.name]}, "name_set",
        {"class": node.name, "file": path, "bases": bases},
    )


def _ask_param_default(rng, trees, files, counts) -> Question | None:
    candidates = []
    for path, owner, node in _functions(trees):
        if counts["def"][node.name] != 1:
            continue
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults))
        pairs += [(arg, default) for arg, default in zip(args.kwonlyargs, args.kw_defaults) if default is not None]
        for arg, default in pairs:
            candidates.append((path, node, owner, arg.arg, ast.unparse(default)))
    # A default of None is what a guess from memory says: ask about other defaults where there are some.
    preferred = [c for c in candidates if c[4] != "None"] or candidates
    picked = _pick(rng, preferred, files)
    if picked is None:
        return None
    path, node, owner, parameter, default = picked
    kind = "method" if owner else "function"
    return Question(
        f"What is the default value of the parameter `{parameter}` of the {kind} `{node.name}`? Answer with "
        "the default as it is written in the source (a Python expression).",
        {"value": default}, "python_value",
        {"function": node.name, "class": owner, "file": path, "parameter": parameter, "default": default},
    )


def _ask_function_module(rng, trees, files, counts) -> Question | None:
    candidates = [(path, node) for path, owner, node in _functions(trees)
                  if owner is None and counts["def"][node.name] == 1]
    picked = _pick(rng, candidates, files)
    if picked is None:
        return None
    path, node = picked
    return Question(
        f"Which module defines the function `{node.name}`? Answer with the module's file path as the context "
        "names it.",
        {"path": path, "accepted": accepted_paths(path, files)}, "path_match",
        {"function": node.name, "file": path, "module": module_name(path)},
    )


ASKERS = {
    "class_file": _ask_class_file,
    "class_bases": _ask_class_bases,
    "param_default": _ask_param_default,
    "function_module": _ask_function_module,
}


def _definition_counts(files: dict[str, str]) -> dict[str, Counter[str]]:
    """How often each name follows `class` / `def` at a line start in the whole tree: textual on purpose,
    so a name counted once is defined once beyond any argument."""
    return {"class": Counter(n for s in files.values() for n in _CLASS_STATEMENT.findall(s)),
            "def": Counter(n for s in files.values() for n in _DEF_STATEMENT.findall(s))}


def _asker() -> Callable[[random.Random, str, dict[str, ast.Module], dict[str, str]], Question | None]:
    """ASKERS behind codeqa.select_and_ask's interface, counting definitions once per tree."""
    counted: dict[str, Any] = {}

    def ask(rng: random.Random, question_type: str, trees: dict[str, ast.Module], files: dict[str, str]):
        if counted.get("files") is not files:
            counted.update(files=files, counts=_definition_counts(files))
        return ASKERS[question_type](rng, trees, files, counted["counts"])

    return ask


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    question_types = list(QUESTION_TYPES) if settings["question_type"] == "random" else [settings["question_type"]]
    files, question_type, question = select_and_ask(rng, chars_for_tokens(target_tokens), question_types,
                                                    select_tree, _asker(), NAME, MAX_FILES_PARSED)

    packages = sorted({path.split("/", 1)[0] for path in files if "/" in path})
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=files,
        question=("The context is a directory of Python source code: it maps each file's path to its text.\n\n"
                  + question.text),
        gold=question.gold,
        scorer=question.scorer,
        metadata={
            "context_chars": context_chars(files),
            "num_files": len(files),
            "packages": packages,
            "question_type": question_type,
            "python_version": sys.version.split()[0],
            **question.facts,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="Code questions over real stdlib packages as a directory context (where, bases, defaults), gold by ast.",
    settings=SETTINGS,
    build=build,
    scorers=("path_match", "name_set", "python_value"),
    min_target_tokens=4_000,
)
