"""Claude through the Anthropic Messages API, on the official `anthropic` SDK (`pip install 'recursivelm[anthropic]'`).

Selected as `anthropic/NAME`. Honours ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN) and ANTHROPIC_BASE_URL,
which the SDK reads.

How chat messages become a Messages request:
- system messages go to `system=` (joined, in order); the API has no system role in `messages`;
- the rest must alternate user/assistant and start with a user turn: consecutive turns of one role are
  joined, empty turns are dropped (the API rejects them), and a conversation opening with the assistant
  gets a short user turn first;
- `max_tokens` is required by the API: the caller's, else `DEFAULT_MAX_TOKENS`;
- with extended thinking on (`thinking_budget=`), the budget is added to `max_tokens`, so thinking never eats
  the room the caller asked for the answer.

The answer is the text blocks only: `thinking` and `redacted_thinking` blocks are left out. Output tokens are
the API's count, which includes thinking. Input tokens include prompt-cache reads and writes (the API counts
them apart); `cached_tokens` is the cache reads.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable

from ..protocols import Completion, Message, ModelError
from ..text import encodable
from .api import ApiModel, TextCollector
from .resilience import DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_S, PerLoop, RetryPolicy, classify_sdk_error

DEFAULT_MAX_TOKENS = 8_192  # the reply limit when the caller gives none (the API insists on one)
CLAUDE_CONTEXT_WINDOW = 200_000  # every current Claude model (1M needs a beta header: pass context_window=)
MIN_THINKING_BUDGET = 1_024  # the API's floor for budget_tokens
OPENING_USER_TURN = "(The conversation starts here.)"  # for histories that open with the assistant
DEFAULT_BASE_URL = "https://api.anthropic.com"
INSTALL_HINT = "pip install 'recursivelm[anthropic]'"


def to_messages_request(messages: list[Message]) -> tuple[str | None, list[dict]]:
    """Chat messages as the Messages API wants them: (system, alternating user/assistant turns)."""
    system_parts: list[str] = []
    turns: list[dict] = []
    for m in messages:
        role, content = m["role"], encodable(str(m.get("content") or ""))
        if role == "system":
            if content.strip():
                system_parts.append(content)
            continue
        role = "assistant" if role == "assistant" else "user"  # tool/function roles read as user turns here
        if not content.strip():
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"] += "\n\n" + content
        else:
            turns.append({"role": role, "content": content})
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": OPENING_USER_TURN})
    return ("\n\n".join(system_parts) or None), turns


class AnthropicModel(ApiModel):
    """A Claude model. Safe to call concurrently and from several event loops.

    Settings as for `OpenAIModel` (timeout_s, retry / max_retries, max_concurrency, stream, extra_body), plus:
    - `max_tokens`: the reply limit when a call gives none;
    - `thinking_budget`: turn extended thinking on with this many tokens to think (at least 1024);
      temperature cannot be set with it (the API requires the default).
    """

    def __init__(self, model: str, *, api_key: str | None = None, base_url: str | None = None,
                 context_window: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 temperature: float | None = None, max_tokens: int = DEFAULT_MAX_TOKENS,
                 thinking_budget: int | None = None, retry: RetryPolicy | None = None, max_retries: int | None = None,
                 max_concurrency: int = DEFAULT_MAX_CONCURRENCY, stream: bool = False,
                 extra_body: dict | None = None, default_headers: dict[str, str] | None = None):
        try:
            import anthropic
        except ImportError:
            raise ModelError(f"anthropic/{model} needs the anthropic SDK: {INSTALL_HINT}") from None
        if thinking_budget is not None and thinking_budget < MIN_THINKING_BUDGET:
            raise ValueError(f"thinking_budget must be at least {MIN_THINKING_BUDGET} tokens, got {thinking_budget}")
        if thinking_budget is not None and temperature is not None:
            raise ValueError("extended thinking does not allow setting temperature: pass one of temperature= and "
                             "thinking_budget=")
        self._anthropic = anthropic
        self.api_model = model
        self.name = f"anthropic/{model}"
        self.api_key = api_key
        self.base_url = base_url  # None: the SDK reads ANTHROPIC_BASE_URL, else the public API
        self.context_window = context_window or CLAUDE_CONTEXT_WINDOW
        self._api_settings(timeout_s=timeout_s, retry=retry, max_retries=max_retries, max_concurrency=max_concurrency,
                           stream=stream)
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.thinking_budget = thinking_budget
        self.extra_body = dict(extra_body or {})
        self.default_headers = dict(default_headers or {})
        self._clients: PerLoop[Any] = PerLoop(self._new_client)
        try:
            self._new_client()  # the SDK looks for credentials here: fail now, not on the first call
        except anthropic.AnthropicError as e:
            raise ModelError(f"{self.name}: {e} (set ANTHROPIC_API_KEY)") from None

    def _new_client(self):
        return self._anthropic.AsyncAnthropic(api_key=self.api_key, base_url=self.base_url, timeout=self.timeout_s,
                                              max_retries=0, default_headers=self.default_headers or None)

    @property
    def endpoint_url(self) -> str:
        return self.base_url or os.environ.get("ANTHROPIC_BASE_URL") or DEFAULT_BASE_URL

    @property
    def sampling(self) -> dict:
        """Instance settings that change replies; part of a cache key."""
        return {"temperature": self.temperature, "thinking_budget": self.thinking_budget,
                "extra_body": self.extra_body}

    # -- calls ------------------------------------------------------------------------------------
    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False,
                       on_token: Callable[[str], Any] | None = None,
                       on_cut: Callable[[Completion], Any] | None = None) -> Completion:
        """`on_token(piece)` gets each piece of answer text as it arrives (thinking is not passed on). `on_cut`:
        if the call is cancelled once a request is out, an estimate of what it spent (`api.CallSpend`)."""
        streaming = on_token is not None or self.stream
        request = self._request(messages, max_tokens, stop)

        async def attempt() -> Completion:
            try:
                if streaming:
                    return await self._streamed(request, messages, stop_after_first_code_block, on_token)
                response = await self._clients.get().messages.create(**request)
                return self._from_message(response, request["max_tokens"])
            except self._anthropic.APIError as e:
                raise classify_sdk_error(self._anthropic, self.name, e, endpoint=self.endpoint_url,
                                         timeout_s=self.timeout_s, clock=self.retry.clock) from None
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise ModelError(f"{self.name}: the server's reply is not valid JSON ({e}); is {self.endpoint_url} "
                                 f"the Messages API?") from None

        return await self._charged_if_cut(self._with_retries(attempt), messages, on_cut)

    def _request(self, messages, max_tokens, stop) -> dict:
        system, turns = to_messages_request(messages)
        request: dict[str, Any] = {"model": self.api_model, "messages": turns,
                                   "max_tokens": (max_tokens or self.max_tokens) + (self.thinking_budget or 0)}
        if system:
            request["system"] = system
        stops = [s for s in (stop or []) if s.strip()]  # the API rejects whitespace-only stop sequences
        if stops:
            request["stop_sequences"] = stops
        if self.temperature is not None:
            request["temperature"] = self.temperature
        if self.thinking_budget:
            request["thinking"] = {"type": "enabled", "budget_tokens": self.thinking_budget}
        if self.extra_body:
            request["extra_body"] = self.extra_body
        return request

    def _from_message(self, message, max_tokens: int) -> Completion:
        content = getattr(message, "content", None)
        usage = getattr(message, "usage", None)
        if content is None or usage is None:
            raise ModelError(f"{self.name}: the reply is not a Messages API response: {str(message)[:200]!r}")
        text = "".join(block.text for block in content if getattr(block, "type", None) == "text")
        self._check_answered(text, getattr(message, "stop_reason", None), max_tokens)
        return self._completion(text, usage.input_tokens, usage.output_tokens,
                                getattr(usage, "cache_read_input_tokens", None),
                                getattr(usage, "cache_creation_input_tokens", None))

    def _check_answered(self, text: str, stop_reason: str | None, max_tokens: int) -> None:
        if stop_reason == "refusal":
            raise ModelError(f"{self.name} declined to answer (stop_reason=refusal)")
        if not text and stop_reason == "max_tokens":
            raise ModelError(f"{self.name} used all of max_tokens={max_tokens} before writing an answer: raise the "
                             f"reply limit")

    def _completion(self, text, input_tokens, output_tokens, cache_read, cache_write) -> Completion:
        cache_read, cache_write = cache_read or 0, cache_write or 0
        return Completion(text, (input_tokens or 0) + cache_read + cache_write, output_tokens or 0, self.name,
                          cached_tokens=cache_read)

    async def _streamed(self, request, messages, cut, on_token) -> Completion:
        stream = await self._clients.get().messages.create(**request, stream=True)
        collector = TextCollector(on_token, cut)
        counts: dict[str, int | None] = {}
        stop_reason = None
        finished = False
        try:
            async for event in stream:
                kind = getattr(event, "type", None)
                if kind == "message_start":
                    _take_usage(counts, event.message.usage)
                elif kind == "content_block_delta" and getattr(event.delta, "type", None) == "text_delta":
                    collector.add(event.delta.text)
                elif kind == "message_delta":
                    _take_usage(counts, event.usage)  # cumulative counts: the last ones are the totals
                    stop_reason = getattr(event.delta, "stop_reason", None) or stop_reason
                elif kind == "message_stop":
                    finished = True
                if collector.cut:
                    break  # closing the stream below ends the generation
        finally:
            await stream.close()
        if collector.cut:
            return collector.estimated(messages, self.name)
        collector.require_end(finished, self.name, "no message_stop")
        self._check_answered(collector.text, stop_reason, request["max_tokens"])
        return self._completion(collector.text, counts.get("input_tokens"), counts.get("output_tokens"),
                                counts.get("cache_read_input_tokens"), counts.get("cache_creation_input_tokens"))

    async def aclose(self) -> None:
        client = self._clients.pop_current()
        if client is not None:
            await client.close()


def _take_usage(counts: dict[str, int | None], usage) -> None:
    """Keep each count a streamed usage object carries (message_delta repeats only some of them)."""
    for field in ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"):
        value = getattr(usage, field, None)
        if value is not None:
            counts[field] = value
