"""Check a /v1/chat/completions body and turn it into a `ChatRequest`, or raise an `APIError`.

Only what the server uses is checked strictly; OpenAI parameters that do not apply to an RLM
(temperature, max_tokens, tools, ...) are accepted and ignored, so stock clients work unchanged.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from ..settings import Limits
from .errors import bad_request, unprocessable
from .followups import response_schema

ROLES = ("system", "developer", "user", "assistant", "tool", "function")
CONTENT_OPTIONAL_ROLES = ("assistant",)  # an assistant turn may carry only tool calls


@dataclass(frozen=True)
class ChatMessage:
    role: str
    text: str  # the content as plain text (text parts joined by newlines)


@dataclass(frozen=True)
class ChatRequest:
    messages: list[ChatMessage]
    stream: bool = False
    include_usage: bool = False
    requested_model: str | None = None  # informational: the server's RLM answers whatever is named
    context: Any = None  # `rlm_context`: the document(s), given outside the messages
    limit_overrides: dict[str, Any] = field(default_factory=dict)  # `rlm_limits`, already checked
    response_schema: dict | None = None  # `response_format` json_schema / json_object: a typed answer (followups.py)


def parse_json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise bad_request(f"the request body is not valid JSON ({e})", code="invalid_json") from None
    if not isinstance(body, dict):
        raise bad_request(f"the request body must be a JSON object, not {_json_type(body)}", code="invalid_type")
    return body


def parse_chat_request(body: dict[str, Any], server_limits: Limits) -> ChatRequest:
    messages = _messages(body.get("messages"))
    stream = _optional(body, "stream", bool, "a boolean") or False
    options = _optional(body, "stream_options", dict, "an object") or {}
    include_usage = _optional(options, "include_usage", bool, "a boolean", param="stream_options.include_usage")
    model = _optional(body, "model", str, "a string")
    n = _optional(body, "n", int, "an integer")
    if n is not None and n != 1:
        raise unprocessable(f"n={n}: this server answers with one choice per request (n=1)", "n")
    context = body.get("rlm_context")
    if context is not None:
        _check_context(context)
    overrides = body.get("rlm_limits")
    if overrides is not None:
        limits_for(server_limits, overrides)  # raises on a bad override; the run resolves it again
    return ChatRequest(messages=messages, stream=stream, include_usage=bool(include_usage), requested_model=model,
                       context=context, limit_overrides=dict(overrides or {}),
                       response_schema=response_schema(body.get("response_format")))


def limits_for(server: Limits, overrides: Any) -> Limits:
    """The server's limits with a request's `rlm_limits` applied. A request may lower a limit, never
    raise or lift it: the operator's flags are the ceiling for every client."""
    if not overrides:
        return server
    if not isinstance(overrides, dict):
        raise bad_request(f"rlm_limits must be an object of limit names to values, not {_json_type(overrides)}",
                          "rlm_limits")
    known = {f.name: f for f in fields(Limits)}
    for name, value in overrides.items():
        param = f"rlm_limits.{name}"
        if name not in known:
            raise bad_request(f"unknown limit {name!r}: use one of {', '.join(known)}", param)
        type_text = str(known[name].type)  # e.g. "int", "float | None" (annotations are strings here)
        nullable = "None" in type_text
        if value is None and not nullable:
            raise bad_request(f"limit {name} cannot be null", param)
        if value is not None and not _is_number(value, integral="float" not in type_text):
            kind = "a number" if "float" in type_text else "an integer"
            raise bad_request(f"limit {name} must be {kind}, got {json.dumps(value)}", param)
        try:  # before the ceiling: NaN compares false with it, so it would pass as "lower"
            Limits.check(name, value)
        except ValueError as e:
            raise bad_request(str(e), param) from None
        ceiling = getattr(server, name)
        if ceiling is not None and (value is None or value > ceiling):
            raise unprocessable(
                f"limit {name}={json.dumps(value)} would raise this server's limit of {ceiling}: a request "
                "may only lower limits (start the server with a higher --" + name.replace("_", "-") + ")",
                param, code="limit_above_server")
    try:
        return Limits(**{**asdict(server), **overrides})
    except ValueError as e:
        raise bad_request(str(e), "rlm_limits") from None


# ---------------------------------------------------------------------------------------------


def _messages(value: Any) -> list[ChatMessage]:
    if value is None:
        raise bad_request("messages is required: a list of chat messages ending with the question",
                          "messages", code="missing_required_parameter")
    if not isinstance(value, list):
        raise bad_request(f"messages must be a list, not {_json_type(value)}", "messages", code="invalid_type")
    if not value:
        raise bad_request("messages is empty: send at least one user message (the question)", "messages",
                          code="empty_array")
    return [_message(m, f"messages[{i}]") for i, m in enumerate(value)]


def _message(value: Any, param: str) -> ChatMessage:
    if not isinstance(value, dict):
        raise bad_request(f"{param} must be an object with role and content, not {_json_type(value)}", param,
                          code="invalid_type")
    role = value.get("role")
    if role not in ROLES:
        raise bad_request(f"{param}.role must be one of {', '.join(ROLES)}, got {json.dumps(role)}",
                          f"{param}.role")
    content = value.get("content")
    if content is None:
        if role in CONTENT_OPTIONAL_ROLES:
            return ChatMessage(role, "")
        raise bad_request(f"{param}.content is required for a {role} message", f"{param}.content",
                          code="missing_required_parameter")
    if isinstance(content, str):
        return ChatMessage(role, content)
    if isinstance(content, list):
        return ChatMessage(role, "\n".join(_text_part(p, f"{param}.content[{j}]") for j, p in enumerate(content)))
    raise bad_request(f"{param}.content must be a string or a list of content parts, not {_json_type(content)}",
                      f"{param}.content", code="invalid_type")


def _text_part(part: Any, param: str) -> str:
    if not isinstance(part, dict) or not isinstance(part.get("type"), str):
        raise bad_request(f"{param} must be a content part object with a type", param, code="invalid_type")
    if part["type"] not in ("text", "refusal"):
        raise unprocessable(f"{param} is a {part['type']!r} part: this server reads text only", param)
    text = part.get(part["type"])  # {"type": "text", "text": ...} / {"type": "refusal", "refusal": ...}
    if not isinstance(text, str):
        raise bad_request(f"{param}.{part['type']} must be a string", f"{param}.{part['type']}", code="invalid_type")
    return text


def _check_context(context: Any) -> None:
    if isinstance(context, str):
        return
    if isinstance(context, list) and all(isinstance(d, str) for d in context):
        return
    if isinstance(context, dict) and all(isinstance(d, str) for d in context.values()):
        return
    raise bad_request("rlm_context must be a string, a list of strings, or an object of name -> string",
                      "rlm_context", code="invalid_type")


def _optional(obj: dict[str, Any], key: str, kind: type, kind_text: str, param: str | None = None) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise bad_request(f"{param or key} must be {kind_text}, got {json.dumps(value)[:80]}", param or key,
                          code="invalid_type")
    return value


def _is_number(value: Any, integral: bool) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if integral else isinstance(value, (int, float))


def _json_type(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
