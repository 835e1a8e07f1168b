"""Errors in OpenAI's shape: `{"error": {"message", "type", "param", "code"}}` with the matching status.

Status codes: 400 the body is not a valid chat-completion request (bad JSON, missing or mistyped
fields); 401 a missing or wrong API key; 403 a Host name the server does not answer; 404 no such route,
model or run; 405 wrong method; 408 the body stalled; 413 the body is over the size limit; 422 a valid request this server cannot answer (no question, an image
part, a per-request limit above the server's); 429 the run queue is full; 500 the run failed.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from ..text import json_bytes

# OpenAI's `type` values for the statuses this server returns.
_TYPE_FOR_STATUS = {
    400: "invalid_request_error",
    401: "invalid_request_error",  # OpenAI reports a bad key this way, with code "invalid_api_key"
    403: "invalid_request_error",
    404: "invalid_request_error",
    405: "invalid_request_error",
    408: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
}


# The `openai` SDK retries a 500 twice by default: for a failed run that is three runs paid for, and a retry
# fails the same way (the backend already retried its model calls). This header tells it not to.
NO_RETRY = {"x-should-retry": "false"}


class SafeJSONResponse(JSONResponse):
    """starlette's JSONResponse encoded with `json_bytes`: starlette encodes strictly, so a lone surrogate in
    a question or an answer raised, and one such run broke GET /v1/rlm/runs for every client. Values JSON
    cannot hold (a FINAL() of a set) become strings."""

    def render(self, content: Any) -> bytes:
        return json_bytes(content, separators=(",", ":"))


class APIError(Exception):
    """Raised anywhere while handling a request; the app turns it into the error response."""

    def __init__(self, status: int, message: str, *, param: str | None = None, code: str | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, param=self.param, code=self.code)

    def response(self) -> SafeJSONResponse:
        return SafeJSONResponse(self.body(), status_code=self.status, headers=self.headers)


def error_body(status: int, message: str, *, param: str | None = None, code: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": _TYPE_FOR_STATUS.get(status, "server_error"),
                      "param": param, "code": code}}


def bad_request(message: str, param: str | None = None, code: str = "invalid_value") -> APIError:
    return APIError(400, message, param=param, code=code)


def unprocessable(message: str, param: str | None = None, code: str = "unsupported") -> APIError:
    return APIError(422, message, param=param, code=code)
