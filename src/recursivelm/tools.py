"""Your own functions in the REPL: `RLM(tools=[fn, ...])` or `RLM(tools={"name": fn})`.

A tool is a Python function of the user's (sync or async) that model code calls by name. It always runs
on the host: in process it is called from the cell's thread, and from the isolated worker the call
crosses the same validated channel as `llm_query` (sandbox/wire.py checks it against the tool's
signature, sandbox/host_calls.py runs it). Model code is untrusted, so every call is checked here too,
in both sandboxes: the arguments must bind to the signature and fit its simple annotations (str, int,
float, bool, list, dict, and `X | None`). Each call is charged to nothing (it is not a model call) but
checked against the run's budget (a deadline or a limit that fired stops it) and logged as a
`tool_call` event under the cell that made it.
"""

from __future__ import annotations

import builtins
import inspect
import keyword
import types
import typing
from dataclasses import dataclass
from typing import Any, Callable, Mapping

TOOL_DOC_CHARS = 400  # of a tool's docstring in the system prompt: its first paragraph, cut to this
TOOL_LOG_CHARS = 2_000  # of a tool call's arguments and result in the event log (head and tail)

# Checked in both sandboxes. Only the simple types a JSON channel carries; anything else is left to the
# tool itself (an annotation like `Path` or a pydantic model is not enforced here).
_SIMPLE = {str: (str,), int: (int,), float: (int, float), bool: (bool,), list: (list, tuple), dict: (dict,)}


# A tool named `print` or `len` would hide the builtin the model's code relies on; `class` cannot be called.
_BUILTIN_NAMES = frozenset(dir(builtins)) | frozenset(keyword.kwlist)


class ToolError(ValueError):
    """The tools given to RLM(...) are not usable (a bad name, not callable, a name the REPL reserves)."""


@dataclass(frozen=True)
class Tool:
    name: str
    fn: Callable[..., Any]
    signature: inspect.Signature
    doc: str
    is_async: bool

    def describe(self) -> dict[str, str]:
        """What the system prompt lists: `name(signature)` and the first paragraph of the docstring."""
        return {"name": self.name, "signature": f"{self.name}{self.signature}", "doc": self.doc}

    def check_arguments(self, args: tuple | list, kwargs: dict[str, Any]) -> None:
        """Raise TypeError, with one line the model can act on, unless the arguments fit the signature."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"{self.name}(): {e} (signature: {self.name}{self.signature})") from None
        for name, value in bound.arguments.items():
            parameter = self.signature.parameters[name]
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            allowed = _accepted_types(parameter.annotation)
            if allowed is not None and not _fits(value, allowed):
                raise TypeError(f"{self.name}(): argument {name!r} must be {_type_names(allowed)}, "
                                f"got {type(value).__name__}")


def make_tools(tools: Any, reserved: list[str]) -> dict[str, Tool]:
    """RLM(tools=...) as a checked table. `reserved` are the names the REPL already has."""
    if tools is None:
        return {}
    if isinstance(tools, Mapping):
        pairs = list(tools.items())
    elif isinstance(tools, (list, tuple)):
        pairs = [(getattr(fn, "__name__", None), fn) for fn in tools]
    else:
        raise ToolError("tools= takes a list of functions or a dict of name to function")
    table: dict[str, Tool] = {}
    for name, fn in pairs:
        if not callable(fn):
            raise ToolError(f"tool {name!r} is not callable: give a function")
        if not isinstance(name, str) or not name.isidentifier() or name.startswith("_"):
            raise ToolError(f"tool name {name!r} is not a usable Python name (a lambda needs a name: tools={{'name': fn}})")
        if name in reserved or name in table or name in _BUILTIN_NAMES:
            raise ToolError(f"tool name {name!r} is already taken in the REPL: give it another name")
        try:
            signature = _annotations_resolved(fn, inspect.signature(fn))
        except (TypeError, ValueError):
            raise ToolError(f"tool {name!r} has no signature Python can read: wrap it in a def") from None
        table[name] = Tool(name, fn, signature, _first_paragraph(inspect.getdoc(fn) or ""),
                           inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None)))
    return table


def with_signature(fn: Callable[..., Any], tool: Tool) -> Callable[..., Any]:
    """`fn` dressed as the tool: its name, docstring and signature (what the isolated host checks a call
    against, and what `help(name)` shows in process)."""
    fn.__name__ = fn.__qualname__ = tool.name
    fn.__doc__ = tool.doc
    fn.__signature__ = tool.signature  # type: ignore[attr-defined]
    return fn


def _first_paragraph(doc: str) -> str:
    first = doc.strip().split("\n\n", 1)[0].replace("\n", " ")
    return first if len(first) <= TOOL_DOC_CHARS else first[: TOOL_DOC_CHARS - 1] + "…"


def _annotations_resolved(fn: Callable[..., Any], signature: inspect.Signature) -> inspect.Signature:
    """Annotations written as strings (`from __future__ import annotations`) turned into types where they
    can be; those that cannot stay strings and are not enforced."""
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - a forward reference we cannot resolve: leave the annotations as they are
        return signature
    parameters = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in signature.parameters.values()]
    return signature.replace(parameters=parameters, return_annotation=hints.get("return", signature.return_annotation))


def _accepted_types(annotation: Any) -> tuple[type, ...] | None:
    """The Python types a simple annotation accepts, or None when it is not one we check."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return None
    if annotation is None or annotation is type(None):
        return (type(None),)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        parts = [_accepted_types(a) for a in typing.get_args(annotation)]
        if any(p is None for p in parts):
            return None
        return tuple(t for p in parts for t in p)  # type: ignore[union-attr]
    base = origin or annotation
    return _SIMPLE.get(base)


def _fits(value: Any, allowed: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in allowed:
        return False  # True is an int to Python, never to a tool that asked for a number
    return isinstance(value, allowed)


def _type_names(allowed: tuple[type, ...]) -> str:
    return " or ".join(dict.fromkeys("None" if t is type(None) else t.__name__ for t in allowed))
