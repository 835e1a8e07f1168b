"""A Python tree's definitions as rows, for code the root writes itself (`table_rows()` over a directory of Python
files): a row per class, function and method, nested ones too, read by `ast`.

Where no reading of code settles a question about the tree as a whole (first_reading.py), the small root is shown
these keys and first rows and writes the code: "How many functions are defined inside another function?" is
`sum(r["parent_kind"] == "function" for r in rows)`. Asked over passages, the 1.5B reader counted the nested
functions it was shown (12 for 16, set X).
"""

from __future__ import annotations

import ast
from typing import Any

from .code_relations import own_nodes, qualified_definitions, raised_by, syntax_trees
from .row_dicts import Rows


def code_rows(context: Any) -> Rows | None:
    """Every definition of the context's Python files as a row: its path, qualified name, kind ("class", "function"
    or "method"), the kind of what holds it ("class", "function", or "" at a module's top), its first line and length
    in lines, parameters and their defaults, bases, decorators, docstring (None if none), and the names its own body
    calls and raises. None where the context holds no Python file that parses."""
    trees = syntax_trees(context)
    rows = [_row(path, name, node, in_class) for path, tree in trees.items()
            for name, node, in_class in qualified_definitions(tree)]
    if not rows:
        return None
    return Rows(rows, f"the Python files' classes and functions, a row each ({len(rows):,} in {len(trees):,} files)")


def _row(path: str, name: str, node: ast.AST, in_class: bool) -> dict[str, Any]:
    is_class = isinstance(node, ast.ClassDef)
    own = list(own_nodes(node))
    raised = {id(n.exc) for n in own if isinstance(n, ast.Raise)}  # `raise ValueError(...)` raises; it calls nothing
    args = [] if is_class else [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
    extra = [] if is_class else [f"*{a.arg}" for a in (node.args.vararg,) if a] + [f"**{a.arg}" for a in (node.args.kwarg,) if a]
    return {
        "path": path,
        "name": name,
        "kind": "class" if is_class else "method" if in_class else "function",
        "parent_kind": "class" if in_class else "function" if "." in name else "",
        "line": node.lineno,
        "lines": (node.end_lineno or node.lineno) - node.lineno + 1,
        "params": [a.arg for a in args] + extra,
        "defaults": {} if is_class else _defaults(node.args),
        "bases": [ast.unparse(b) for b in node.bases] if is_class else [],
        "decorators": [ast.unparse(d) for d in node.decorator_list],
        "docstring": ast.get_docstring(node),  # None where it has none, as an empty cell of a table
        "calls": sorted({_called(n.func) for n in own if isinstance(n, ast.Call) and id(n) not in raised} - {""}),
        "raises": raised_by(node)[0],
    }


def _defaults(args: ast.arguments) -> dict[str, str]:
    """Each parameter's default as written (`{"scale": "2", "err": "False"}`); parameters without one left out."""
    positional = [*args.posonlyargs, *args.args]
    found = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    found.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    return {name: ast.unparse(default) for name, default in found.items()}


def _called(func: ast.AST) -> str:
    """`append` of `self.items.append(...)`."""
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
