"""JSON Schemas of what a run leaves for tools: `rlm ask --json` (a result) and each line of the event log.

Written from the code (pydantic reads the event dataclasses), shipped as `docs/schema/result.v1.json` and
`docs/schema/events.v1.json`, printed by `rlm schema result|events`; a test checks the shipped files are
what the code makes, and that real output validates. Versioned: a new optional field keeps the version;
a field renamed, removed or changed in meaning makes a new one (`result.v2`, `events.v2`).
"""

from __future__ import annotations

import json
from typing import Any

from .events import EVENT_TYPES, EVENTS_SCHEMA_ID

RESULT_SCHEMA_ID = "recursivelm.result.v1"
DRAFT = "https://json-schema.org/draft/2020-12/schema"

_TOTALS = {
    "type": "object",
    "description": "calls, tokens and USD; `unpriced_calls` are calls whose cost nobody knows (not in `cost`)",
    "properties": {name: {"type": "number" if name == "cost" else "integer"} for name in
                   ("calls", "input_tokens", "output_tokens", "cached_tokens", "cost", "unpriced_calls", "tokens")},
    "required": ["calls", "input_tokens", "output_tokens", "cost", "unpriced_calls", "tokens"],
}


def event_schema(cls) -> dict[str, Any]:
    from pydantic import TypeAdapter

    schema = TypeAdapter(cls).json_schema()
    schema["properties"] = {"type": {"const": cls.type}, **schema["properties"]}
    schema["required"] = ["type", *schema.get("required", [])]
    schema["description"] = f"a `{cls.type}` event"
    return schema


def events_schema() -> dict[str, Any]:
    """One line of the JSONL event log (`--log FILE`): one of the event types, told apart by `type`."""
    defs = {cls.__name__: event_schema(cls) for cls in EVENT_TYPES.values()}
    return {
        "$schema": DRAFT, "$id": EVENTS_SCHEMA_ID, "title": "recursivelm event (one line of a --log file)",
        "description": "Every event names its run (`run`), its depth, `t` (seconds since the root run started) and "
                       "its `parent` event. The first line of a log is the root's `run_start`: the question, the "
                       f"model, the run id (`run`), `started_at` (wall clock, ISO 8601) and `schema` "
                       f"(\"{EVENTS_SCHEMA_ID}\").",
        "oneOf": [{"$ref": f"#/$defs/{name}"} for name in defs],
        "$defs": defs,
    }


def result_schema() -> dict[str, Any]:
    """The object `rlm ask --json` prints."""
    return {
        "$schema": DRAFT, "$id": RESULT_SCHEMA_ID, "title": "recursivelm result (rlm ask --json)",
        "type": "object",
        "properties": {
            "schema": {"const": RESULT_SCHEMA_ID},
            "run_id": {"type": "string", "description": "the root run's id, as in the event log's `run`"},
            "question": {"type": "string"},
            "model": {"type": "string", "description": "the root model's name"},
            "started_at": {"type": "string", "format": "date-time", "description": "wall clock, ISO 8601, UTC"},
            "answer": {"type": ["string", "null"]},
            "status": {"enum": ["answered", "limit", "failed"]},
            "limit": {"type": ["string", "null"], "description": "the limit that fired (status `limit`)"},
            "error": {"type": ["string", "null"]},
            "wall_time_s": {"type": "number"},
            "iterations": {"type": "integer"},
            "saved_calls": {"type": "integer", "description": "sub-calls answered by the cache"},
            "usage": {"$ref": "#/$defs/UsageTree"},
            "trajectory": {"type": "array", "items": {"type": "object", "required": ["type", "id", "run", "depth", "t"]},
                           "description": f"every event of the run tree, each as {EVENTS_SCHEMA_ID} describes"},
        },
        "required": ["schema", "run_id", "question", "model", "started_at", "answer", "status", "usage"],
        "$defs": {
            "Totals": _TOTALS,
            "UsageTree": {
                "type": "object",
                "properties": {
                    "run_id": {"type": "string"}, "depth": {"type": "integer"},
                    "total": {"$ref": "#/$defs/Totals"},
                    "by_model": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Totals"}},
                    "by_depth": {"type": "object", "additionalProperties": {"$ref": "#/$defs/Totals"}},
                    "calls": {"type": "array", "items": {"type": "object"}},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/UsageTree"}},
                },
                "required": ["run_id", "depth", "total", "calls", "children"],
            },
        },
    }


SCHEMAS = {"result": result_schema, "events": events_schema}


def add_schema_parser(subparsers):
    p = subparsers.add_parser("schema", help="print the JSON Schema of rlm ask --json (result) or of a --log line "
                                             "(events)")
    p.add_argument("which", choices=sorted(SCHEMAS))
    p.set_defaults(func=_print_schema)
    return p


def _print_schema(args) -> int:
    print(json.dumps(SCHEMAS[args.which](), indent=2))
    return 0


def result_document(result, question: str) -> dict[str, Any]:
    """A `Result` as `rlm ask --json` prints it: who, what and when at the top (from the root's run_start),
    then `Result.as_dict()`."""
    start = next((e for e in result.trajectory if e.type == "run_start" and e.depth == 0), None)
    return {
        "schema": RESULT_SCHEMA_ID,
        "run_id": start.run if start else result.usage.run_id,
        "question": question,
        "model": start.model if start else "",
        "started_at": start.started_at if start else "",
        **result.as_dict(),
    }
