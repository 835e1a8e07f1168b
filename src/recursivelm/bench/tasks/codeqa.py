"""CodeQA over a real codebase: the Python standard library installed on this machine.

The context is a seeded subset of the stdlib's modules (relative path -> source) sized to the target
length. Questions are multiple choice (A-D) and their answers are computed with `ast` from the very
sources in the context: which function takes the most parameters, which file defines a class, how many
functions in a file call a name, how many methods a class defines. The stdlib differs between Python
versions, so an instance is reproducible per Python version (recorded in the metadata).
"""

from __future__ import annotations

import ast
import functools
import os
import random
import re
import sys
import sysconfig
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec, make_instance
from recursivelm.bench.tokens import CHARS_PER_TOKEN, chars_for_tokens, context_chars
from recursivelm.parsing import parse_python

NAME = "codeqa"

QUESTION_TYPES = ("most_parameters", "defining_file", "call_count", "method_count")

# Folders of the stdlib that are not the library proper: its test suites, the IDE and demos, and
# whatever third-party packages are installed beside it.
EXCLUDED_DIRS = frozenset({"site-packages", "dist-packages", "test", "tests", "idle_test", "idlelib",
                           "turtledemo", "__pycache__", "lib2to3"})
# Files larger than this are left out: one file should not eat a small context whole.
MAX_FILE_CHARS = 120_000
OPTION_LETTERS = "ABCD"
# Wrong numeric options are drawn from the numbers this far from the right one.
NUMERIC_DISTRACTOR_SPREAD = 4
# Files parsed at most while looking for a question: bounds the time spent on a huge context.
MAX_FILES_PARSED = 60
# File selections drawn at most before giving up on a question type that a small context cannot ask.
MAX_SELECTION_ATTEMPTS = 20

SETTINGS = (
    Setting("question_type", "random", "which question to ask; random tries them in a seeded order",
            ("random", *QUESTION_TYPES)),
)


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


@functools.lru_cache(maxsize=1)
def stdlib_sources() -> tuple[tuple[str, str], ...]:
    """(relative path, source) for every stdlib module that qualifies, sorted by path."""
    root = stdlib_root()
    sources = []
    for directory, subdirectories, files in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in EXCLUDED_DIRS)
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            path = Path(directory) / name
            try:
                source = path.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if 0 < len(source) <= MAX_FILE_CHARS:
                sources.append((path.relative_to(root).as_posix(), source))
    return tuple(sorted(sources))


def select_files(rng: random.Random, budget_chars: int) -> dict[str, str]:
    """A seeded subset of the stdlib whose paths and sources add up to just under `budget_chars`."""
    sources = list(stdlib_sources())
    total = sum(len(path) + len(source) for path, source in sources)
    if total < budget_chars:
        raise ValueError(f"codeqa: the stdlib here holds only {total // CHARS_PER_TOKEN} tokens of modules")
    rng.shuffle(sources)
    chosen: dict[str, str] = {}
    remaining = budget_chars
    for path, source in sources:
        cost = len(path) + len(source)
        if cost <= remaining:
            chosen[path] = source
            remaining -= cost
    return dict(sorted(chosen.items()))


# --- facts from the syntax tree ------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionFact:
    path: str
    qualname: str  # "Class.method" or "function"
    parameters: int


def _parameter_count(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    return (len(args.posonlyargs) + len(args.args) + len(args.kwonlyargs)
            + (args.vararg is not None) + (args.kwarg is not None))


def _functions(path: str, tree: ast.Module) -> list[FunctionFact]:
    """Module-level functions and methods of module-level classes (nested definitions are left out)."""
    facts = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            facts.append(FunctionFact(path, node.name, _parameter_count(node)))
        elif isinstance(node, ast.ClassDef):
            facts += [FunctionFact(path, f"{node.name}.{item.name}", _parameter_count(item))
                      for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
    counts = Counter(fact.qualname for fact in facts)
    # A name defined twice in one file (e.g. per platform) is ambiguous: leave it out.
    return [fact for fact in facts if counts[fact.qualname] == 1]


def _called_name(call: ast.Call) -> str | None:
    # Not code_counts._called, which reads the same: the gold is worked out apart from the engine it checks.
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _calls_per_function(tree: ast.Module) -> list[set[str]]:
    """For every def in the module (nested ones too), the names it calls in its own body.

    A call belongs to the innermost def whose body holds it. Decorators, default values and
    annotations run in the enclosing scope, so their calls belong to the enclosing def.
    """
    per_function: list[set[str]] = []

    def visit(node: ast.AST, current: set[str] | None) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            own: set[str] = set()
            per_function.append(own)
            for outer in [*node.decorator_list, node.args, *([node.returns] if node.returns else [])]:
                visit(outer, current)
            for statement in node.body:
                visit(statement, own)
            return
        if isinstance(node, ast.Call) and current is not None:
            name = _called_name(node)
            if name:
                current.add(name)
        for child in ast.iter_child_nodes(node):
            visit(child, current)

    visit(tree, None)
    return per_function


_CLASS_STATEMENT = re.compile(r"^\s*class\s+(\w+)", re.MULTILINE)


def _class_statement_counts(files: dict[str, str]) -> Counter[str]:
    """How often each class name follows `class` at a line start anywhere in the context.

    Textual on purpose: it also sees nested, conditional and commented-out definitions, so a class it
    counts once is defined once beyond any argument.
    """
    return Counter(name for source in files.values() for name in _CLASS_STATEMENT.findall(source))


# --- questions -----------------------------------------------------------------------------------


@dataclass
class Question:
    text: str
    options: list[str]
    answer_index: int
    facts: dict[str, Any]


def _numeric_options(rng: random.Random, answer: int) -> tuple[list[str], int]:
    candidates = [n for n in range(answer - NUMERIC_DISTRACTOR_SPREAD, answer + NUMERIC_DISTRACTOR_SPREAD + 1)
                  if n >= 0 and n != answer]
    values = [answer, *rng.sample(candidates, len(OPTION_LETTERS) - 1)]
    rng.shuffle(values)
    return [str(v) for v in values], values.index(answer)


def _ask_most_parameters(rng: random.Random, trees: dict[str, ast.Module], _files: dict[str, str]
                         ) -> Question | None:
    by_count: dict[int, list[FunctionFact]] = {}
    for path in sorted(trees):
        for fact in _functions(path, trees[path]):
            by_count.setdefault(fact.parameters, []).append(fact)
    if len(by_count) < len(OPTION_LETTERS):
        return None
    counts = rng.sample(sorted(by_count), len(OPTION_LETTERS))
    picked = [rng.choice(by_count[count]) for count in counts]
    answer = max(picked, key=lambda fact: fact.parameters)
    options = [f"{fact.qualname} in {fact.path}" for fact in picked]
    return Question(
        "Which of these functions has the most parameters in its signature? Count every parameter, "
        "including self or cls, keyword-only parameters, *args and **kwargs.",
        options,
        picked.index(answer),
        {"parameters": {option: fact.parameters for option, fact in zip(options, picked)}},
    )


def _ask_defining_file(rng: random.Random, trees: dict[str, ast.Module], files: dict[str, str]
                       ) -> Question | None:
    if len(files) < len(OPTION_LETTERS):
        return None
    statements = _class_statement_counts(files)
    candidates = [(node.name, path) for path in sorted(trees) for node in trees[path].body
                  if isinstance(node, ast.ClassDef) and statements[node.name] == 1]
    if not candidates:
        return None
    class_name, path = rng.choice(candidates)
    others = rng.sample([p for p in files if p != path], len(OPTION_LETTERS) - 1)
    options = [path, *others]
    rng.shuffle(options)
    return Question(f"Which file defines the class `{class_name}`?", options, options.index(path),
                    {"class": class_name, "file": path})


def _ask_call_count(rng: random.Random, trees: dict[str, ast.Module], _files: dict[str, str]
                    ) -> Question | None:
    candidates = []
    for path in sorted(trees):
        per_function = _calls_per_function(trees[path])
        callers = Counter(name for names in per_function for name in names)
        candidates += [(path, name, count) for name, count in sorted(callers.items()) if count >= 2]
    if not candidates:
        return None
    path, name, count = rng.choice(candidates)
    options, index = _numeric_options(rng, count)
    return Question(
        f"In {path}, how many function or method definitions (nested ones included) call `{name}` "
        f"in their own body, either as `{name}(...)` or as `<something>.{name}(...)`? A call inside a "
        "nested def counts for that nested def only.",
        options, index, {"file": path, "callee": name, "count": count},
    )


def _ask_method_count(rng: random.Random, trees: dict[str, ast.Module], _files: dict[str, str]
                      ) -> Question | None:
    candidates = []
    for path in sorted(trees):
        classes = [node for node in trees[path].body if isinstance(node, ast.ClassDef)]
        names = Counter(node.name for node in classes)
        for node in classes:
            methods = sum(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) for item in node.body)
            if names[node.name] == 1 and methods >= 1:
                candidates.append((path, node.name, methods))
    if not candidates:
        return None
    path, class_name, methods = rng.choice(candidates)
    options, index = _numeric_options(rng, methods)
    return Question(
        f"How many methods does the class `{class_name}` in {path} define directly in its class body "
        "(every def or async def at the class body's top level, decorated ones included)?",
        options, index, {"file": path, "class": class_name, "methods": methods},
    )


ASKERS = {
    "most_parameters": _ask_most_parameters,
    "defining_file": _ask_defining_file,
    "call_count": _ask_call_count,
    "method_count": _ask_method_count,
}


def parse_some(rng: random.Random, files: dict[str, str], limit: int = MAX_FILES_PARSED) -> dict[str, ast.Module]:
    """Syntax trees of up to `limit` files, drawn by the seed: questions come from these."""
    paths = sorted(files)
    rng.shuffle(paths)
    trees = {}
    for path in paths[:limit]:
        try:
            trees[path] = parse_python(files[path])
        except SyntaxError:
            continue  # a module written for another Python version
    return trees


def select_and_ask(rng: random.Random, budget_chars: int, question_types: list[str],
                   select: Callable[[random.Random, int], dict[str, str]],
                   ask: Callable[[random.Random, str, dict[str, ast.Module], dict[str, str]], Any],
                   task: str = NAME, parse_limit: int = MAX_FILES_PARSED) -> tuple[dict[str, str], str, Any]:
    """A file selection and the first question type, in a seeded order, that `ask` can ask of it.

    A small selection may not support a question (four distinct parameter counts, four files, a class
    with bases), so another selection is drawn, up to MAX_SELECTION_ATTEMPTS. Shared with codetree.
    """
    for _ in range(MAX_SELECTION_ATTEMPTS):
        files = select(rng, budget_chars)
        trees = parse_some(rng, files, parse_limit)
        order = list(question_types)
        rng.shuffle(order)
        for question_type in order:
            question = ask(rng, question_type, trees, files)
            if question is not None:
                return files, question_type, question
    raise ValueError(f"{task}: no {' or '.join(question_types)} question fits a context this small; "
                     "raise target_tokens")


def build(seed: int, target_tokens: int, settings: dict[str, Any]) -> Instance:
    rng = random.Random(seed)
    question_types = list(QUESTION_TYPES) if settings["question_type"] == "random" else [settings["question_type"]]
    files, question_type, question = select_and_ask(
        rng, chars_for_tokens(target_tokens), question_types, select_files,
        lambda rng, question_type, trees, files: ASKERS[question_type](rng, trees, files))

    listed = "\n".join(f"{letter}) {option}" for letter, option in zip(OPTION_LETTERS, question.options))
    letter = OPTION_LETTERS[question.answer_index]
    return make_instance(
        NAME, seed, target_tokens, settings,
        context=files,
        question=(
            "The context maps file paths of a Python code base (the standard library) to their source code.\n\n"
            f"{question.text}\n\n{listed}\n\nAnswer with the letter of the correct option."
        ),
        gold=letter,
        scorer="choice_letter",
        metadata={
            "context_chars": context_chars(files),
            "num_files": len(files),
            "question_type": question_type,
            "options": question.options,
            "answer_option": question.options[question.answer_index],
            "python_version": sys.version.split()[0],
            **question.facts,
        },
    )


SPEC = TaskSpec(
    name=NAME,
    description="Multiple-choice questions about a slice of the Python standard library, answered with ast.",
    settings=SETTINGS,
    build=build,
    scorers=("choice_letter",),
    min_target_tokens=4_000,
)
