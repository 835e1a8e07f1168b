"""The OpenAI wire objects this server sends: chat.completion, chat.completion.chunk, model, usage.

Besides OpenAI's fields, responses carry an `rlm` object (status, limit, iterations, cost, where the
run's record is); the OpenAI SDK keeps unknown fields (`response.model_extra["rlm"]`) and other
clients ignore them.
"""

from __future__ import annotations

from typing import Any

from .runs import RunRecord

# How a run's status reads as a finish_reason: "length" is OpenAI's "stopped by a limit", and the
# answer with it is the best the run could still give (see `rlm.limit` for which limit).
_FINISH_REASON = {"answered": "stop", "limit": "length"}


def finish_reason(record: RunRecord) -> str:
    return _FINISH_REASON.get(record.status, "stop")


def usage(record: RunRecord) -> dict[str, Any]:
    """The whole usage tree summed: every root turn, sub-call and child run of the request."""
    total = record.result.usage.total() if record.result else None
    prompt = total.input_tokens if total else 0
    completion = total.output_tokens if total else 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": total.cached_tokens if total else 0}}


def rlm_extra(record: RunRecord) -> dict[str, Any]:
    result = record.result
    total = result.usage.total() if result else None
    return {"run": f"/v1/rlm/runs/{record.id}", "status": record.status, "limit": result.limit if result else None,
            "iterations": result.iterations if result else 0, "calls": total.calls if total else 0,
            "cost_usd": round(total.cost, 6) if total else 0.0,
            "unpriced_calls": total.unpriced_calls if total else 0,  # calls left out of cost_usd: no known price
            "wall_time_s": round(result.wall_time_s, 3) if result else None}


def completion(record: RunRecord, reasoning: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": record.result.answer if record.result else None}
    if reasoning:
        message["reasoning_content"] = reasoning
    return {
        "id": record.id, "object": "chat.completion", "created": record.created, "model": record.model_id,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(record), "logprobs": None}],
        "usage": usage(record), "rlm": rlm_extra(record),
    }


def chunk(record: RunRecord, delta: dict[str, Any] | None, finish: str | None = None,
          include_usage: bool = False, **extra: Any) -> dict[str, Any]:
    """One chat.completion.chunk. `delta=None` makes the usage-only chunk OpenAI sends last (no choices)."""
    body: dict[str, Any] = {"id": record.id, "object": "chat.completion.chunk", "created": record.created,
                            "model": record.model_id}
    body["choices"] = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]
    if include_usage:
        body["usage"] = usage(record) if delta is None else None
    body.update(extra)
    return body


def model_object(model_id: str, created: int) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": created, "owned_by": "recursivelm"}
