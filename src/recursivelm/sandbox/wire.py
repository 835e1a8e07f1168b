"""The one wire between the isolated sandbox's host (isolated.py) and its worker (worker.py): the framing,
the messages each side sends and how they are checked, and the host functions a worker's code may call.

Framing, both ways: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (one object with a
string "op").
host -> worker: start, run {cell, code, timeout_s}, reply {id, value | error}, error {error}
worker -> host: ready, failed {error}, call {id, fn, args, kwargs}, result {cell, output, error, final, ...}

The host functions: `SIGNATURES` is what a worker's "call" must fit (the host checks it before running the
function); `host_function_stubs` are the same functions as the worker's model code sees them, each a "call"
message and a wait for the "reply". The worker imports this module before any model code runs, so it
imports nothing heavy.
"""

from __future__ import annotations

import inspect
import json
import struct
from typing import Any, BinaryIO, Callable

from ..protocols import HOST_FUNCTION_NAMES, CellResult, FinalAnswer, HostFunctionSpec
from ..text import head_and_tail
from .lookups import MAX_MISSES_SHOWN
from .namespace import protected_names

FRAME_HEADER = struct.Struct(">I")
MAX_VARIABLES_REPORTED = 1_000  # user variables listed back to the host after each cell
CONTEXT_MARKER = {"$context": True}  # rlm_query(p, context) with the run's own context: sent as this, not the text
OUTPUT_CUT_NOTE = "\n... [{cut:,} characters of output cut: the sandbox sends back at most {limit:,} per cell] ...\n"


class ChannelClosed(Exception):
    """The other side closed the channel (or died)."""


class FrameTooLarge(Exception):
    """A frame header announced more bytes than the reader accepts. The stream cannot be resynchronised."""


class BadFrame(ValueError):
    """A complete frame whose body is not a JSON object. The stream is still in step."""


def encode_frame(message: dict) -> bytes:
    # surrogatepass: model output may hold lone surrogates ('\ud800'); they must not break the channel.
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")
    return FRAME_HEADER.pack(len(body)) + body


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise ChannelClosed(f"the channel closed {n - left} bytes into a {n}-byte read")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(stream: BinaryIO, max_bytes: int) -> dict:
    return read_sized_frame(stream, max_bytes)[0]


def read_sized_frame(stream: BinaryIO, max_bytes: int) -> tuple[dict, int]:
    """One message and its size in bytes. Bounded in size (FrameTooLarge: the stream is lost) and in
    depth (BadFrame: the stream is still in step)."""
    (size,) = FRAME_HEADER.unpack(_read_exactly(stream, FRAME_HEADER.size))
    if size > max_bytes:
        raise FrameTooLarge(f"a message of {size:,} bytes was announced; the limit is {max_bytes:,}")
    body = _read_exactly(stream, size)
    try:
        message = json.loads(body.decode("utf-8", "surrogatepass"))
    except RecursionError:  # '[[[[...' : the decoder recurses once per level; it must not end the reader
        raise BadFrame("a message nested deeper than the JSON decoder's recursion limit") from None
    except (UnicodeDecodeError, ValueError) as e:
        raise BadFrame(f"a message that is not valid JSON ({e})") from None
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise BadFrame("a message that is not a JSON object with a string 'op'")
    return message, size


# ---------------------------------------------------------------------------------------------
# The host functions


def _without_self(signature: inspect.Signature) -> inspect.Signature:
    return signature.replace(parameters=list(signature.parameters.values())[1:])


# What a worker's "call" must fit: the host functions' signatures, from their one spec.
SIGNATURES = {name: _without_self(inspect.signature(getattr(HostFunctionSpec, name))) for name in HOST_FUNCTION_NAMES}


def host_function_stubs(channel: Any, names: list[str], context: Any) -> dict[str, Callable[..., Any]]:
    """One stub per host function. The known ones keep their real signatures; the user's tools are generic
    stubs, checked on the host against the tool's own signature."""

    def given(**options):  # only the options set: a call without them is the one a worker always sent
        return {k: v for k, v in options.items() if v is not None}

    def llm_query(prompt, model=None, max_tokens=None):
        """Ask the sub-model one prompt; returns its reply (at most max_tokens long, when given)."""
        return channel.call("llm_query", [prompt], given(model=model, max_tokens=max_tokens))

    def llm_query_batched(prompts, model=None, max_tokens=None):
        """Ask many prompts concurrently; replies in order. A failed prompt's slot holds 'Error: ...'."""
        prompts = list(prompts) if isinstance(prompts, (list, tuple)) else prompts
        try:
            return channel.call("llm_query_batched", [prompts], given(model=model, max_tokens=max_tokens))
        except ValueError as e:  # too large for one message: send it in halves, answers stay in order
            if "sandbox channel" not in str(e) or not isinstance(prompts, list) or len(prompts) < 2:
                raise
            half = len(prompts) // 2
            return (llm_query_batched(prompts[:half], model, max_tokens)
                    + llm_query_batched(prompts[half:], model, max_tokens))

    def rlm_query(prompt, context=None):
        """A child RLM with its own REPL over `context` (default: this run's)."""
        sent = CONTEXT_MARKER if context is own_context else context  # never ship the whole context back
        return channel.call("rlm_query", [prompt], {} if context is None else {"context": sent})

    def rlm_query_batched(prompts, context=None):
        """Many child RLMs concurrently, one per prompt, over `context` (default: this run's); answers in order."""
        prompts = list(prompts) if isinstance(prompts, (list, tuple)) else prompts
        sent = CONTEXT_MARKER if context is own_context else context
        return channel.call("rlm_query_batched", [prompts], {} if context is None else {"context": sent})

    own_context = context
    known = {"llm_query": llm_query, "llm_query_batched": llm_query_batched, "rlm_query": rlm_query,
             "rlm_query_batched": rlm_query_batched}
    stubs: dict[str, Callable[..., Any]] = {}
    for name in names:
        if name in known:
            stubs[name] = known[name]
        else:
            stubs[name] = _generic_stub(channel, name)
    return stubs


def _generic_stub(channel: Any, name: str) -> Callable[..., Any]:
    def stub(*args, **kwargs):
        return channel.call(name, list(args), kwargs)

    stub.__name__ = name
    return stub


_BUILTIN_ERRORS: dict[str, type[Exception]] = {
    cls.__name__: cls for cls in (TypeError, ValueError, RuntimeError, TimeoutError, KeyError, IndexError,
                                  MemoryError, OverflowError, PermissionError, NotImplementedError)
}
_remote_classes: dict[str, type[Exception]] = {}


def remote_exception(type_name: str, message: str) -> Exception:
    """The host function's exception, recreated by name (SubCallError, LimitReached, ...), so the model
    sees the same error it would in process."""
    if type_name in _BUILTIN_ERRORS:
        return _BUILTIN_ERRORS[type_name](message)
    name = type_name if type_name.isidentifier() else "HostError"
    cls = _remote_classes.get(name)
    if cls is None:
        cls = _remote_classes[name] = type(name, (Exception,), {"__module__": "host"})
    return cls(message)


# ---------------------------------------------------------------------------------------------
# A cell's FINAL, as the worker sends it


class FinalValueError(Exception):
    pass


def encode_final(final, keep: tuple[type[BaseException], ...] = ()) -> dict:
    """FINAL's value as JSON when it is plain data, else as text: str() here, where the object lives,
    so the host gets exactly what the in-process sandbox would have turned it into. Exceptions of the
    types in `keep` (the worker's cell timeout) pass through unchanged."""
    value = final.value
    try:
        if _is_plain(value):
            json.dumps(value)  # a huge int can still fail here
            return {"via": final.via, "value": value}
        return {"via": final.via, "value": str(value)}
    except keep:
        raise
    except BaseException as e:  # noqa: BLE001 - a model-defined __str__ may raise anything
        raise FinalValueError(f"{final.via}(...): the value could not be turned into text: "
                              f"{type(e).__name__}: {e}") from None


def _is_plain(value: Any, depth: int = 0) -> bool:
    if depth > 50:
        return False
    if value is None or isinstance(value, (str, bool, int, float)):
        return type(value) in (str, bool, int, float, type(None))  # not a subclass with its own __str__
    if type(value) is list:
        return all(_is_plain(v, depth + 1) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _is_plain(v, depth + 1) for k, v in value.items())
    return False


# ---------------------------------------------------------------------------------------------
# What the host checks of the worker's messages


class ProtocolError(ValueError):
    """A message from the worker that is well framed but not what the protocol allows."""


def jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


MAX_NEAR_ITEMS = 10  # phrases or passages one reported miss may carry (wordcounts.near gives fewer)
MAX_NEAR_TEXT_CHARS = 1_000  # one pattern, phrase or passage of a reported miss


def parse_result(message: dict, max_output_chars: int, host_names: Any = ()) -> tuple[CellResult, dict[str, str]]:
    """The worker's result, checked field by field. `host_names`: the host functions offered (the user's
    tools among them), which a cell may rebind and have restored too. Raises ProtocolError."""
    output, error, final = message.get("output"), message.get("error"), message.get("final")
    restored, variables, timed_out = message.get("restored_names"), message.get("variables"), message.get("timed_out")
    if not isinstance(output, str):
        raise ProtocolError("'output' must be a str")
    if error is not None and not isinstance(error, str):
        raise ProtocolError("'error' must be a str or null")
    if not isinstance(timed_out, bool):
        raise ProtocolError("'timed_out' must be a bool")
    if (not isinstance(restored, list) or not all(isinstance(n, str) for n in restored)
            or not set(restored) <= set(protected_names()) | set(host_names)):
        raise ProtocolError("'restored_names' must list protected names")
    if (not isinstance(variables, dict) or len(variables) > MAX_VARIABLES_REPORTED
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in variables.items())):
        raise ProtocolError(f"'variables' must map at most {MAX_VARIABLES_REPORTED} names to descriptions")
    answer = None
    if final is not None:
        if not isinstance(final, dict) or final.get("via") not in ("FINAL", "FINAL_VAR") or "value" not in final:
            raise ProtocolError("'final' must be null or {via: FINAL|FINAL_VAR, value}")
        answer = FinalAnswer(final["value"], final["via"])
    allowed = max_output_chars + len(OUTPUT_CUT_NOTE) + 40  # the cap, plus the worker's note of the cut
    if len(output) > allowed:
        output = head_and_tail(output, max_output_chars, OUTPUT_CUT_NOTE, limit=max_output_chars)
    misses = message.get("misses", [])
    if not isinstance(misses, list) or len(misses) > MAX_MISSES_SHOWN or not all(map(is_miss, misses)):
        raise ProtocolError(f"'misses' must list at most {MAX_MISSES_SHOWN} searches that found nothing")
    result = CellResult(output=output, error=error, final=answer, timed_out=timed_out, restored_names=list(restored),
                        misses=misses)
    return result, dict(variables)


def is_miss(miss: Any) -> bool:
    """The shape wordcounts.near() returns, with every text bounded (the worker is not trusted)."""
    def texts(items, keys):
        return (isinstance(items, list) and len(items) <= MAX_NEAR_ITEMS
                and all(isinstance(i, dict) and set(i) == set(keys) for i in items))

    return (isinstance(miss, dict) and set(miss) == {"pattern", "phrases", "passages"}
            and isinstance(miss["pattern"], str) and len(miss["pattern"]) <= MAX_NEAR_TEXT_CHARS
            and texts(miss["phrases"], ("phrase", "count"))
            and all(isinstance(p["phrase"], str) and len(p["phrase"]) <= MAX_NEAR_TEXT_CHARS
                    and type(p["count"]) is int for p in miss["phrases"])
            and texts(miss["passages"], ("where", "text"))
            and all(isinstance(p["where"], str) and isinstance(p["text"], str)
                    and len(p["where"]) + len(p["text"]) <= MAX_NEAR_TEXT_CHARS for p in miss["passages"]))


def check_call(message: dict, host_functions: dict[str, Callable[..., Any]]) -> tuple[Callable[..., Any], list, dict]:
    """A worker's "call" message checked against the host functions offered and their signatures: the
    function to run and its arguments. Raises ProtocolError."""
    name, args, kwargs = message.get("fn"), message.get("args", []), message.get("kwargs", {})
    if not isinstance(name, str) or name not in host_functions:
        offered = ", ".join(sorted(host_functions)) or "none"
        raise ProtocolError(f"no host function {name!r} (offered: {offered})")
    if not isinstance(args, list) or not isinstance(kwargs, dict) or not all(isinstance(k, str) for k in kwargs):
        raise ProtocolError(f"{name}(): arguments must be a list and keywords a dict")
    fn = host_functions[name]
    signature = SIGNATURES.get(name)
    try:
        bound = (signature or inspect.signature(fn)).bind(*args, **kwargs)
    except TypeError as e:
        raise ProtocolError(f"{name}(): {e}") from None
    except ValueError:  # a callable with no introspectable signature: let it check its own arguments
        return fn, args, kwargs
    given = bound.arguments
    if name in ("llm_query", "rlm_query") and not isinstance(given.get("prompt"), str):
        raise ProtocolError(f"{name}(prompt) takes a str, got {type(given.get('prompt')).__name__}")
    if name in ("llm_query_batched", "rlm_query_batched"):
        prompts = given.get("prompts")
        if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
            raise ProtocolError(f"{name}(prompts) takes a list of str")
    if name in ("llm_query", "llm_query_batched") and not isinstance(given.get("model"), (str, type(None))):
        raise ProtocolError(f"{name}(model=...) takes a model name (str)")
    if name in ("llm_query", "llm_query_batched") and not (given.get("max_tokens") is None
                                                           or type(given.get("max_tokens")) is int):
        raise ProtocolError(f"{name}(max_tokens=...) takes a whole number of tokens")
    if name in ("rlm_query", "rlm_query_batched") and "context" in given:
        if given["context"] == CONTEXT_MARKER:  # the run's own context: the host already has it
            kwargs = {k: v for k, v in kwargs.items() if k != "context"}
            args = args[:1]
    return fn, args, kwargs
