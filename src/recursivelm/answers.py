"""Typed answers: `RLM.run(context, question, schema=X)`, X a pydantic model, a dataclass or a JSON Schema dict.

The root's `FINAL(value)` is validated against X before the loop takes it. A value that does not fit is
refused, always (not once, as the loop's other refusals are), with the validation error shown to the model,
within the run's turn limit. A value that fits becomes `Result.value` (the validated object: a model
instance, a dataclass, or the plain data for a JSON Schema) and `Result.answer` its JSON. Child runs answer
in text as before: the schema is the root's. The answer-now turn's answer is validated too, and kept as
text when it does not fit.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .loop import Run
    from .protocols import FinalAnswer

MAX_ERRORS_SHOWN = 5  # validation errors listed to the model per refused answer
SCHEMA_PROMPT_CHARS = 4_000  # of the JSON Schema shown in the system prompt (a huge schema is cut)


class AnswerInvalid(ValueError):
    """The value does not fit the schema; the message says where and why, in one line."""


class AnswerSchema:
    """One schema, whichever form it was given in: validates values, dumps them to JSON, shows itself."""

    def __init__(self, spec: Any):
        self.spec = spec
        if isinstance(spec, dict):
            import jsonschema

            try:
                jsonschema.validators.validator_for(spec).check_schema(spec)
            except jsonschema.SchemaError as e:
                raise ValueError(f"the schema is not a valid JSON Schema: {e.message}") from None
            self.json_schema = spec
            self._validator = jsonschema.validators.validator_for(spec)(spec)
            self._adapter = None
        elif isinstance(spec, type) and (dataclasses.is_dataclass(spec) or _is_pydantic_model(spec)):
            import pydantic

            self._adapter = pydantic.TypeAdapter(spec)
            self.json_schema = self._adapter.json_schema()
            self._validator = None
        else:
            raise ValueError("schema= takes a pydantic model class, a dataclass or a JSON Schema dict, "
                             f"got {type(spec).__name__}")

    def validate(self, value: Any) -> Any:
        """The validated object. A JSON string is read as the data it holds (a model may FINAL its json.dumps)."""
        if isinstance(value, str):
            value = _as_data(value)
        if self._adapter is not None:
            import pydantic

            try:
                return self._adapter.validate_python(value)
            except pydantic.ValidationError as e:
                raise AnswerInvalid("; ".join(_pydantic_error(err) for err in e.errors()[:MAX_ERRORS_SHOWN])) from None
        errors = sorted(self._validator.iter_errors(value), key=lambda err: list(err.absolute_path))
        if errors:
            raise AnswerInvalid("; ".join(_jsonschema_error(err) for err in errors[:MAX_ERRORS_SHOWN]))
        return value

    def dump(self, obj: Any) -> str:
        """The validated object as JSON text."""
        if self._adapter is not None:
            return self._adapter.dump_json(obj).decode("utf-8")
        return json.dumps(obj, ensure_ascii=False)

    def prompt_text(self) -> str:
        text = json.dumps(self.json_schema, ensure_ascii=False)
        return text if len(text) <= SCHEMA_PROMPT_CHARS else text[:SCHEMA_PROMPT_CHARS] + " …"


def refusal(run: Run, final: FinalAnswer) -> str | None:
    """What to tell the root instead of taking `final`, or None when it fits the run's schema. When it
    fits, `final.value` becomes the JSON text (the answer as the loop records it) and the validated
    object is kept on the run (`run.typed_value`) for the Result."""
    schema: AnswerSchema = run.config.schema
    try:
        obj = schema.validate(final.value)
    except AnswerInvalid as e:
        return run._render("schema_refused", call=f"{final.via}({_short_repr(final.value)})", error=str(e))
    run.typed_value = obj
    final.value = schema.dump(obj)
    return None


def typed(schema: AnswerSchema | None, answer: Any) -> tuple[Any, Any]:
    """(value, answer) for an answer the loop took without validating it (the answer-now turn): the
    validated object and its JSON when it fits, else (None, the answer as it was)."""
    if schema is None or answer is None:
        return None, answer
    try:
        obj = schema.validate(answer)
    except AnswerInvalid:
        return None, answer
    return obj, schema.dump(obj)


def load_schema_file(path: str) -> dict:
    """`rlm ask --schema FILE.json`: the file's JSON Schema, or one line on what is wrong with it."""
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError as e:
        raise ValueError(f"cannot read the schema file {path}: {e.strerror}") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"the schema file {path} is not JSON: {e}") from None
    if not isinstance(spec, dict):
        raise ValueError(f"the schema file {path} must hold a JSON object (a JSON Schema)")
    return spec


def _as_data(text: str) -> Any:
    """The data a text answer holds: JSON, or a Python literal (a model writes `{'code': 1}` in an answer-now
    turn, which runs no code); else the text itself (it fits a schema of type "string")."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:
        return ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def _is_pydantic_model(cls: type) -> bool:
    try:
        import pydantic
    except ImportError:  # pragma: no cover - pydantic is a dependency
        return False
    return issubclass(cls, pydantic.BaseModel)


def _pydantic_error(err: dict) -> str:
    where = ".".join(str(part) for part in err.get("loc", ())) or "the value"
    return f"{where}: {err.get('msg', 'invalid')}"


def _jsonschema_error(err) -> str:
    where = ".".join(str(part) for part in err.absolute_path) or "the value"
    return f"{where}: {err.message}"


def _short_repr(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
