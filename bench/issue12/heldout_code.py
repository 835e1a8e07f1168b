"""Code questions over a library tree the suite never uses, as a new user would ask them (issue 12).

The suite's code tasks draw from the standard library and phrase their questions one way. This asks
about an installed package's source directory (jinja2 and starlette: dependencies of recursivelm, so
every install has them), passed to RLM.run as a directory `Path`, in other words than the suite's: where
a class is declared, what it inherits from, what a parameter defaults to, how many methods a class body
holds; and, since the twenty-third step, which file defines a function and what a module's constant is set to.
Gold answers come from `ast`. Resumable: questions already in --out are skipped.

    python bench/issue12/heldout_code.py --package jinja2 --per-kind 2 --out bench/issue12/heldout-code/jinja2.jsonl
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import random
import re
from collections import Counter
from pathlib import Path

from probe_runs import append, asked, done_questions, tally  # beside this script


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not an installed package")
    return Path(list(spec.submodule_search_locations)[0])


def syntax_trees(root: Path) -> dict[str, ast.Module]:
    """Each Python file under `root` that parses, by its path relative to `root`."""
    trees = {}
    for path in sorted(root.rglob("*.py")):
        try:
            trees[path.relative_to(root).as_posix()] = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
    return trees


def questions(root: Path, per_kind: int, seed: int) -> list[dict]:
    """`per_kind` questions of each kind, drawn by `seed`, with their gold from the syntax trees."""
    trees = syntax_trees(root)
    classes = [(path, node) for path, tree in trees.items() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    functions = [(path, node) for path, tree in trees.items() for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    class_names = Counter(node.name for _, node in classes)
    function_names = Counter(node.name for _, node in functions)
    unique_classes = [(p, n) for p, n in classes if class_names[n.name] == 1 and not n.name.startswith("_")]
    rng = random.Random(seed)
    found: list[dict] = []
    for path, node in rng.sample(unique_classes, per_kind):
        found.append({"kind": "declared_in", "question": f"In which file of this package is the class {node.name} declared?",
                      "gold": path})
    with_bases = [(p, n) for p, n in unique_classes if n.bases]
    for path, node in rng.sample(with_bases, per_kind):
        found.append({"kind": "inherits", "question": f"What does the class {node.name} inherit from?",
                      "gold": [ast.unparse(b).split(".")[-1] for b in node.bases]})
    defaults = []
    for path, node in functions:
        if function_names[node.name] != 1 or node.name.startswith("_"):
            continue
        args = node.args.posonlyargs + node.args.args
        for arg, default in zip(args[len(args) - len(node.args.defaults):], node.args.defaults):
            defaults.append((node.name, arg.arg, ast.unparse(default)))
        for arg, default in zip(node.args.kwonlyargs, node.args.kw_defaults):
            if default is not None:
                defaults.append((node.name, arg.arg, ast.unparse(default)))
    by_function: dict[str, list[tuple[str, str]]] = {}
    for function, arg, default in defaults:
        by_function.setdefault(function, []).append((arg, default))
    for function in rng.sample(sorted(by_function), per_kind):  # each from another function
        arg, default = rng.choice(by_function[function])
        found.append({"kind": "default", "question": f"When {function}() is called without {arg}, what value does {arg} take?",
                      "gold": default})
    with_methods = [(p, n) for p, n in unique_classes
                    if any(isinstance(i, (ast.FunctionDef, ast.AsyncFunctionDef)) for i in n.body)]
    for path, node in rng.sample(with_methods, per_kind):
        count = sum(isinstance(i, (ast.FunctionDef, ast.AsyncFunctionDef)) for i in node.body)
        found.append({"kind": "method_count", "question": f"How many methods are written directly in the body of class {node.name}?",
                      "gold": count})
    # Kinds added at the twenty-third step, drawn after the first four so their questions stay as they were.
    unique_functions = [(p, n) for p, n in functions if function_names[n.name] == 1 and not n.name.startswith("_")
                        and not any(n in ast.walk(c) for _, c in classes if c.name)]
    for path, node in rng.sample(unique_functions, min(per_kind, len(unique_functions))):
        found.append({"kind": "function_in", "question": f"Which file defines the function {node.name}?", "gold": path})
    constants = Counter()
    values = {}
    for path, tree in trees.items():
        for node in tree.body:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                    and node.targets[0].id.isupper() and isinstance(node.value, ast.Constant)):
                constants[node.targets[0].id] += 1
                values[node.targets[0].id] = ast.unparse(node.value)
    unique_constants = sorted(name for name, n in constants.items() if n == 1 and len(values[name]) < 40)
    for name in rng.sample(unique_constants, min(per_kind, len(unique_constants))):
        found.append({"kind": "constant", "question": f"What is {name} set to in this code?", "gold": values[name]})
    return found


def questions_g(root: Path, per_kind: int, seed: int) -> list[dict]:
    """Set G, written at the twenty-fourth step before any run of it: other kinds and other words. Which classes
    subclass a class, how many classes a file defines, which module defines a constant, a parameter's default
    and a class's parent asked another way, the parameters a function takes."""
    trees = syntax_trees(root)
    classes = [(path, node) for path, tree in trees.items() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    class_names = Counter(node.name for _, node in classes)
    rng = random.Random(seed)
    found: list[dict] = []
    children: dict[str, list[str]] = {}
    for _, node in classes:
        for base in node.bases:
            children.setdefault(ast.unparse(base).split(".")[-1].split("[")[0], []).append(node.name)
    parents = sorted(name for name, kids in children.items() if class_names[name] == 1 and 2 <= len(set(kids)) <= 6)
    for name in rng.sample(parents, min(per_kind, len(parents))):
        found.append({"kind": "subclasses", "question": f"Which classes in this package are subclasses of {name}?",
                      "gold": sorted(set(children[name]))})
    files = [path for path, tree in trees.items()
             if 2 <= sum(isinstance(n, ast.ClassDef) for n in tree.body) == sum(isinstance(n, ast.ClassDef) for n in ast.walk(tree))]
    for path in rng.sample(files, min(per_kind, len(files))):
        found.append({"kind": "classes_in_file", "question": f"How many classes are defined in {path}?",
                      "gold": sum(isinstance(n, ast.ClassDef) for n in trees[path].body)})
    constants: dict[str, list[str]] = {}
    for path, tree in trees.items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id.isupper() and not node.targets[0].id.startswith("_"):
                constants.setdefault(node.targets[0].id, []).append(path)
    unique = sorted(name for name, paths in constants.items() if len(paths) == 1)
    for name in rng.sample(unique, min(per_kind, len(unique))):
        found.append({"kind": "constant_where", "question": f"Which module defines the constant {name}?", "gold": constants[name][0]})
    functions = [n for _, tree in trees.items() for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    function_names = Counter(n.name for n in functions)
    unique_functions = [n for n in functions if function_names[n.name] == 1 and not n.name.startswith("_")]
    with_defaults = [n for n in unique_functions if n.args.defaults]
    for node in rng.sample(with_defaults, min(per_kind, len(with_defaults))):
        args = node.args.posonlyargs + node.args.args
        arg, default = rng.choice(list(zip(args[len(args) - len(node.args.defaults):], node.args.defaults)))
        found.append({"kind": "default", "question": f"What is the default value of the {arg.arg} parameter of {node.name}?",
                      "gold": ast.unparse(default)})
    with_params = [n for n in unique_functions if 2 <= len([a for a in n.args.posonlyargs + n.args.args + n.args.kwonlyargs
                                                            if a.arg not in ("self", "cls")]) <= 5]
    for node in rng.sample(with_params, min(per_kind, len(with_params))):
        names = [a.arg for a in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")]
        found.append({"kind": "parameters", "question": f"What parameters does {node.name} take?", "gold": names})
    single = [n for _, n in classes if class_names[n.name] == 1 and len(n.bases) == 1 and not n.name.startswith("_")]
    for node in rng.sample(single, min(per_kind, len(single))):
        found.append({"kind": "inherits", "question": f"What is the parent class of {node.name}?",
                      "gold": [ast.unparse(node.bases[0]).split(".")[-1]]})
    return found


def questions_l(root: Path, per_kind: int, seed: int) -> list[dict]:
    """Set L, written at the twenty-sixth step before any run of it: which functions call a function, which
    exceptions a function raises, which modules import a module, how many top-level functions a file defines,
    which decorator a function carries, which class defines a method."""
    trees = syntax_trees(root)
    rng = random.Random(seed)
    found: list[dict] = []
    defs = [(path, node) for path, tree in trees.items() for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    def_names = Counter(node.name for _, node in defs)
    unique = {node.name: (path, node) for path, node in defs if def_names[node.name] == 1 and not node.name.startswith("_")}
    callers: dict[str, set[str]] = {}
    for _, node in defs:
        for inner in _own_nodes(node):
            if isinstance(inner, ast.Call):
                called = inner.func.id if isinstance(inner.func, ast.Name) else \
                    inner.func.attr if isinstance(inner.func, ast.Attribute) else None
                if called in unique and called != node.name:
                    callers.setdefault(called, set()).add(node.name)
    called = sorted(name for name, who in callers.items() if 2 <= len(who) <= 5 and all(def_names[w] == 1 for w in who))
    for name in rng.sample(called, min(per_kind, len(called))):
        found.append({"kind": "callers", "question": f"Which functions call {name}()?", "gold": sorted(callers[name])})
    raising = {}
    for name, (_, node) in unique.items():
        raised = {_raised_name(inner) for inner in _own_nodes(node) if isinstance(inner, ast.Raise) and inner.exc is not None}
        if raised and None not in raised and len(raised) <= 3:
            raising[name] = sorted(raised)
    for name in rng.sample(sorted(raising), min(per_kind, len(raising))):
        found.append({"kind": "raises", "question": f"What exceptions can {name} raise?", "gold": raising[name]})
    importers: dict[str, set[str]] = {}
    stems = Counter(Path(path).stem for path in trees)
    for path, tree in trees.items():
        for node in ast.walk(tree):
            named = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] + [alias.name for alias in node.names] if isinstance(node, ast.ImportFrom) else []
            for other in trees:
                stem = Path(other).stem
                if other != path and stem != "__init__" and stems[stem] == 1 and \
                        any(stem in name.split(".") for name in named if name):
                    importers.setdefault(other, set()).add(path)
    imported = sorted(path for path, who in importers.items() if 2 <= len(who) <= 5)
    for path in rng.sample(imported, min(per_kind, len(imported))):
        found.append({"kind": "importers", "question": f"Which modules import {Path(path).stem}?", "gold": sorted(importers[path])})
    with_functions = [path for path, tree in trees.items()
                      if 2 <= sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in tree.body) <= 25]
    for path in rng.sample(with_functions, min(per_kind, len(with_functions))):
        found.append({"kind": "functions_in_file", "question": f"How many top-level functions are defined in {path}?",
                      "gold": sum(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) for n in trees[path].body)})
    decorated = sorted(name for name, (_, node) in unique.items() if len(node.decorator_list) == 1)
    for name in rng.sample(decorated, min(per_kind, len(decorated))):
        decorator = unique[name][1].decorator_list[0]
        decorator = decorator.func if isinstance(decorator, ast.Call) else decorator
        found.append({"kind": "decorator", "question": f"Which decorator is applied to {name}?",
                      "gold": [ast.unparse(decorator).split(".")[-1]]})
    methods = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name in unique:
                        methods[item.name] = node.name
    for name in rng.sample(sorted(methods), min(per_kind, len(methods))):
        found.append({"kind": "method_of", "question": f"Which class has a method named {name}?", "gold": [methods[name]]})
    return found


def _own_nodes(function: ast.AST):
    """The nodes of `function`'s body, not those of functions or classes defined inside it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def _raised_name(node: ast.Raise) -> str | None:
    """The class a `raise` names ("raise KeyError(key)" -> KeyError), or None where it raises a variable."""
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    name = ast.unparse(exc).split(".")[-1]
    return name if name[:1].isupper() else None


def right(kind: str, answer: str | None, gold) -> bool:
    text = (answer or "").strip()
    if kind in ("subclasses", "parameters", "callers", "raises", "decorator", "method_of"):
        return all(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in gold)
    if kind == "constant_where":
        return right("declared_in", answer, gold)
    if kind == "importers":
        return all(right("declared_in", answer, path) for path in gold)
    if kind in ("classes_in_file", "functions_in_file"):
        return right("method_count", answer, gold)
    if kind in ("declared_in", "function_in"):
        return gold in text or (Path(gold).name in text and Path(gold).name != "__init__.py")
    if kind == "inherits":
        # Not \b: a base such as MutableMapping[str, str] ends in a bracket, after which \b never matches.
        return all(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) for name in gold)
    if kind in ("default", "constant"):
        want = gold.strip("'\"")
        return want in text
    numbers = re.findall(r"\d+", text)
    return bool(numbers) and int(numbers[0]) == gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", default="jinja2")
    parser.add_argument("--per-kind", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--out", required=True)
    parser.add_argument("--set", default="", help="G: the twenty-fourth step's kinds and words; L: the twenty-sixth step's (default: the first ones)")
    parser.add_argument("--log-dir", help="write each question's trajectory here, as <kind>-<n>.jsonl")
    args = parser.parse_args()
    root = package_dir(args.package)
    out = Path(args.out)
    done = done_questions(out)
    for n, item in enumerate({"G": questions_g, "L": questions_l}.get(args.set, questions)(root, args.per_kind, args.seed)):
        if item["question"] in done:
            continue
        log = Path(args.log_dir, f"{item['kind']}-{n}.jsonl") if args.log_dir else None
        row = {**item, "package": args.package, "seed": args.seed, **asked(args.model, root, item["question"], log)}
        row["right"] = right(item["kind"], row["answer"], item["gold"])
        append(out, row, f"{item['kind']:13} {item['question']!r}")
    tally(out)

if __name__ == "__main__":
    main()
