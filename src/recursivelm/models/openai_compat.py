"""Any server speaking OpenAI's Chat Completions, on the official `openai` SDK.

OpenAI itself, vLLM, SGLang, Ollama, llama.cpp's server, LM Studio, OpenRouter, Together: one class,
`OpenAIModel`, with a table of where each lives (`ENDPOINTS`) so `OpenAIModel.for_provider("ollama", "qwen3")`
needs no further settings. Plain `OpenAIModel("gpt-5-mini")` honours OPENAI_BASE_URL and OPENAI_API_KEY.

What it adds to the SDK:
- one retry policy for every backend (`resilience.py`): the SDK's own retries are off;
- streaming with `on_token`, returning the same Completion as a plain call (usage from the final chunk);
- `stop_after_first_code_block` honoured on streams: the stream is closed once the first fenced block closes;
- parameters a model refuses (`stop`, `temperature` on OpenAI's reasoning models; `max_tokens` where
  `max_completion_tokens` is wanted) are dropped or renamed once, then remembered, instead of failing;
- clear errors: `ContextWindowError` for an oversized prompt, `ModelError` naming the fault otherwise;
- an endpoint fleet (`base_urls=[...]`, `models/fleet.py`): one model on several replicas, each attempt sent to
  the one with the fewest requests in flight, a failed one set aside and the request retried on another; each
  Completion names the endpoint that answered, so usage is per endpoint.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass, replace
from typing import Any, Callable

from ..protocols import Completion, ModelError
from ..text import encodable_messages
from .api import ApiModel, TextCollector, estimated
from .constraints import CODE_BLOCK_GRAMMAR
from .fleet import FLEET_SET_ASIDE_S, Fleet
from .resilience import (DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_S, PerLoop, RetryPolicy, TransientModelError,
                         classify_sdk_error)

log = logging.getLogger(__name__)

DEFAULT_CONTEXT_WINDOW = 128_000  # most current hosted models; pass context_window= for others
MAX_STOP_SEQUENCES = 4  # the OpenAI API accepts at most four
LOCAL_HOSTS = ("://localhost", "://127.", "://0.0.0.0", "://[::1]")
SHOWN_REPLY_CHARS = 200  # how much of an unreadable reply an error message quotes

OLLAMA_DEFAULT_CONTEXT_WINDOW = 4_096
"""What Ollama serves unless told otherwise: its default `num_ctx`, whatever the model was trained for. Ollama
cuts longer prompts silently, so we size prompts to it. Start Ollama with OLLAMA_CONTEXT_LENGTH=N (read here
too) or pass context_window=."""

KNOWN_CONTEXT_WINDOWS: tuple[tuple[str, int], ...] = (
    # (name prefix, tokens), longest prefix first; matched on the name's last path part, lower case,
    # so "openai/gpt-4o-mini" on OpenRouter and "gpt-4o-mini" on OpenAI both match "gpt-4o".
    ("gpt-5", 400_000),
    ("gpt-4.1", 1_047_576),
    ("gpt-4o", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4", 8_192),
    ("gpt-3.5-turbo", 16_385),
    ("gpt-oss", 131_072),
    ("o1-mini", 128_000),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4-mini", 200_000),
    ("claude", 200_000),
    ("gemini-2", 1_048_576),
    ("qwen3-coder", 262_144),
    ("qwen3", 32_768),
    ("qwen2.5-coder", 32_768),
    ("qwen2.5", 32_768),
    ("llama-3.1", 131_072), ("llama3.1", 131_072),
    ("llama-3.2", 131_072), ("llama3.2", 131_072),
    ("llama-3.3", 131_072), ("llama3.3", 131_072),
    ("llama-4", 1_048_576),
    ("deepseek", 131_072),
    ("mistral-large", 131_072),
    ("mistral-small", 131_072),
    ("kimi-k2", 131_072),
)

REASONING_MODEL_PREFIXES = ("o1", "o3", "o4", "gpt-5")
"""OpenAI models that take `max_completion_tokens` (they reject `max_tokens`)."""

WINDOW_FIELDS = ("max_model_len", "context_length", "context_window")
"""Fields of a `GET /models` entry that give the served window (vLLM/SGLang, OpenRouter, others)."""

ADAPTABLE_PARAMETERS = frozenset({"stop", "temperature", "stream_options", "max_tokens"})
"""Request fields dropped (or, for max_tokens, renamed) when a server says it does not support them."""


def context_window_for(model: str, default: int = DEFAULT_CONTEXT_WINDOW) -> int:
    """The window of a well-known model, by name; `default` for the rest."""
    base = model.rsplit("/", 1)[-1].lower()
    best = max((p for p, _ in KNOWN_CONTEXT_WINDOWS if base.startswith(p)), key=len, default=None)
    return dict(KNOWN_CONTEXT_WINDOWS)[best] if best else default


@dataclass(frozen=True)
class Endpoint:
    """Where an OpenAI-compatible provider lives and how it is reached."""

    base_url: str | None  # None: the SDK's default (api.openai.com) unless OPENAI_BASE_URL is set
    key_env: str  # the environment variable holding the API key
    base_url_env: str  # the environment variable that overrides base_url
    local_key: str | None = None  # local servers take any key, but the SDK insists on one
    context_window: int | None = None  # the provider's default window, when model names do not tell
    stream: bool = False  # stream every call: free for local servers, and the first-block cut saves time
    grammar: bool = False  # takes a GBNF `grammar` field (llama.cpp's server): `code_only` is enforced


ENDPOINTS: dict[str, Endpoint] = {
    "openai": Endpoint(None, "OPENAI_API_KEY", "OPENAI_BASE_URL"),
    "ollama": Endpoint("http://localhost:11434/v1", "OLLAMA_API_KEY", "OLLAMA_BASE_URL", "ollama",
                       OLLAMA_DEFAULT_CONTEXT_WINDOW, stream=True),
    "vllm": Endpoint("http://localhost:8000/v1", "VLLM_API_KEY", "VLLM_BASE_URL", "EMPTY", stream=True),
    "sglang": Endpoint("http://localhost:30000/v1", "SGLANG_API_KEY", "SGLANG_BASE_URL", "EMPTY", stream=True),
    "llamacpp": Endpoint("http://localhost:8080/v1", "LLAMACPP_API_KEY", "LLAMACPP_BASE_URL", "none", stream=True,
                         grammar=True),
    "lmstudio": Endpoint("http://localhost:1234/v1", "LMSTUDIO_API_KEY", "LMSTUDIO_BASE_URL", "lm-studio",
                         stream=True),
    "openrouter": Endpoint("https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    "together": Endpoint("https://api.together.xyz/v1", "TOGETHER_API_KEY", "TOGETHER_BASE_URL"),
}


class OpenAIModel(ApiModel):
    """A chat model behind a Chat Completions endpoint. Safe to call concurrently and from several event loops.

    - `context_window`: defaults to the provider's (Ollama) or the model's known window, else 128K.
    - `timeout_s`, `retry` / `max_retries`, `max_concurrency`, `stream`: as for every `ApiModel`; `stream`
      defaults to the provider's (local servers stream: `stop_after_first_code_block` then ends generation
      early, and usage is estimated when the stream is cut).
    - `extra_body`: merged into every request (vendor fields: `top_k`, `seed`, OpenRouter's `provider`, ...).
    - `base_urls`: several replicas serving this one model (in place of `base_url`): an endpoint fleet. An
      endpoint that fails is set aside for `set_aside_s` seconds and its request retried at once on another.
      `max_concurrency` then bounds the requests to the whole fleet (default: the one-server default per
      endpoint, so adding replicas adds room).
    """

    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 context_window: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 temperature: float | None = None, max_retries: int | None = None, provider: str = "openai",
                 retry: RetryPolicy | None = None, max_concurrency: int | None = None,
                 extra_body: dict | None = None, default_headers: dict[str, str] | None = None,
                 stream: bool | None = None, ask_stream_usage: bool = True,
                 max_stop_sequences: int = MAX_STOP_SEQUENCES, base_urls: list[str] | None = None,
                 set_aside_s: float = FLEET_SET_ASIDE_S):
        import openai  # a core dependency, imported here so importing this module stays cheap

        self._openai = openai
        endpoint = ENDPOINTS.get(provider, ENDPOINTS["openai"])
        self.endpoint = endpoint
        self.api_model = model
        self.name = f"{provider}/{model}"
        if base_urls is not None and base_url is not None:
            raise ValueError(f"{self.name}: give base_url (one server) or base_urls (a fleet), not both")
        self.fleet = Fleet(list(base_urls), set_aside_s=set_aside_s) if base_urls is not None else None
        self.base_url = (self.fleet.urls[0] if self.fleet else
                         base_url or os.environ.get(endpoint.base_url_env) or endpoint.base_url)
        self.api_key = api_key or os.environ.get(endpoint.key_env) or self._local_key(endpoint, self.base_url)
        if not self.api_key and provider != "openai":  # never let the SDK fall back to OPENAI_API_KEY here
            raise ModelError(f"{self.name}: no API key: set {endpoint.key_env} (or pass api_key=)")
        self.context_window = context_window or self._default_window(model, provider, endpoint)
        if max_concurrency is None:
            max_concurrency = DEFAULT_MAX_CONCURRENCY * (len(self.fleet.endpoints) if self.fleet else 1)
        self._api_settings(timeout_s=timeout_s, retry=retry, max_retries=max_retries, max_concurrency=max_concurrency,
                           stream=endpoint.stream if stream is None else stream)
        self.temperature = temperature
        self.extra_body = dict(extra_body or {})
        self.default_headers = dict(default_headers or {})
        self.ask_stream_usage = ask_stream_usage
        self.max_stop_sequences = max_stop_sequences
        reasoning = model.rsplit("/", 1)[-1].lower().startswith(REASONING_MODEL_PREFIXES)
        self._max_tokens_field = "max_completion_tokens" if reasoning else "max_tokens"
        self._refused: set[str] = set()  # fields this server said it does not take
        self._clients: PerLoop[Any] = PerLoop(self._new_client)
        self._fleet_clients: PerLoop[dict[str, Any]] = PerLoop(dict)  # a fleet's: per loop, one per base URL
        try:
            self._new_client()  # the SDK checks its credentials here: fail now, not on the first call
        except openai.OpenAIError as e:
            raise ModelError(f"{self.name}: {e} (set OPENAI_API_KEY, and OPENAI_BASE_URL for a local server)") from None

    @classmethod
    def for_provider(cls, provider: str, model: str, **settings) -> OpenAIModel:
        """`provider` is a key of ENDPOINTS: its base URL, key variable and defaults apply."""
        if provider not in ENDPOINTS:
            raise ValueError(f"unknown OpenAI-compatible provider {provider!r}: known are {', '.join(ENDPOINTS)}")
        if provider == "openrouter":  # ask OpenRouter to report each call's cost
            settings["extra_body"] = {"usage": {"include": True}, **(settings.get("extra_body") or {})}
        return cls(model, provider=provider, **settings)

    @staticmethod
    def _local_key(endpoint: Endpoint, base_url: str | None) -> str | None:
        """The placeholder key for a server on this machine: those take any key, so none need be set."""
        if endpoint.local_key:
            return endpoint.local_key
        if base_url and any(h in base_url for h in LOCAL_HOSTS):
            return "none"
        return None

    @staticmethod
    def _default_window(model: str, provider: str, endpoint: Endpoint) -> int:
        if provider == "ollama" and os.environ.get("OLLAMA_CONTEXT_LENGTH", "").isdigit():
            return int(os.environ["OLLAMA_CONTEXT_LENGTH"])
        return endpoint.context_window or context_window_for(model)

    def _new_client(self, base_url: str | None = None):
        return self._openai.AsyncOpenAI(base_url=base_url or self.base_url, api_key=self.api_key,
                                        timeout=self.timeout_s, max_retries=0,
                                        default_headers=self.default_headers or None)

    def _client(self, base_url: str | None):
        if self.fleet is None:
            return self._clients.get()
        clients = self._fleet_clients.get()
        if base_url not in clients:
            clients[base_url] = self._new_client(base_url)
        return clients[base_url]

    @property
    def sampling(self) -> dict:
        """Instance settings that change replies; part of a cache key."""
        return {"temperature": self.temperature, "extra_body": self.extra_body}

    # -- calls ------------------------------------------------------------------------------------
    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False,
                       on_token: Callable[[str], Any] | None = None, code_only: bool = False,
                       on_cut: Callable[[Completion], Any] | None = None) -> Completion:
        """`on_token(piece)` is called with each piece of text as it arrives (the call then streams). After a
        broken stream is retried, the pieces start again from the reply's beginning. `code_only`: the reply
        is one ```python block, enforced where the server takes a grammar (llama.cpp), else a hint. `on_cut`:
        if the call is cancelled once a request is out, an estimate of what it spent (`api.CallSpend`)."""
        streaming = on_token is not None or self.stream
        constraint = {"grammar": CODE_BLOCK_GRAMMAR} if code_only and self.endpoint.grammar else {}

        def call(url: str | None):
            return self._attempt(url, messages, max_tokens, stop, streaming,
                                 stop_after_first_code_block and streaming, on_token, constraint)

        if self.fleet is None:
            return await self._charged_if_cut(self._with_retries(lambda: call(self.base_url)), messages, on_cut)
        # Each attempt times itself, per endpoint, so that an endpoint that never answers is the one set aside.
        return await self._charged_if_cut(self._with_retries(lambda: self._fleet_attempt(call), self_timed=True),
                                          messages, on_cut)

    async def _fleet_attempt(self, call) -> Completion:
        """One attempt on the fleet's choice. A failure worth another try sets that endpoint aside; the retry then
        follows at once (no backoff) when another endpoint is usable."""
        with self.fleet.acquire() as endpoint:
            try:
                async with asyncio.timeout(self.timeout_s):
                    return await call(endpoint.url)
            except TimeoutError:
                failure = TransientModelError(f"{self.name}: no complete reply within {self.timeout_s:g}s "
                                              f"(timeout_s) from {endpoint.url}")
            except TransientModelError as e:
                failure = e
        self.fleet.set_aside(endpoint, str(failure))
        if self.fleet.another_usable(endpoint):
            raise TransientModelError(f"{failure} (retried on another endpoint)", retry_after_s=0.0)
        raise failure

    async def _attempt(self, url, messages, max_tokens, stop, streaming, cut, on_token, constraint) -> Completion:
        openai = self._openai
        client = self._client(url)
        while True:  # each round drops one refused parameter; there are few, so this ends
            request = self._request(messages, max_tokens, stop, streaming)
            request["extra_body"].update(constraint)
            try:
                if streaming:
                    completion = await self._streamed(client, request, messages, cut, on_token)
                else:
                    response = await client.chat.completions.create(**request)
                    completion = self._from_response(response, messages, max_tokens)
                return replace(completion, endpoint=url or self.endpoint_url)
            except openai.BadRequestError as e:
                if self._drop_refused_parameter(e, request):
                    continue
                raise self._error(e, url) from None
            except openai.APIError as e:
                raise self._error(e, url) from None
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise ModelError(f"{self.name}: the server's reply is not valid JSON ({e}); is {url or self.endpoint_url} "
                                 f"a Chat Completions endpoint?") from None

    def _request(self, messages, max_tokens, stop, streaming) -> dict:
        # The messages travel in extra_body, which the SDK merges into the JSON as it is: passed as
        # `messages`, the SDK walks every message of the history on every call (~0.3 ms a message,
        # measured in bench/bench_engine.py), a cost that grows with each iteration. Same bytes on the wire.
        request: dict[str, Any] = {"model": self.api_model, "messages": []}
        if max_tokens:
            request[self._max_tokens_field] = max_tokens
        if stop and "stop" not in self._refused:
            request["stop"] = list(stop)[: self.max_stop_sequences]
        if self.temperature is not None and "temperature" not in self._refused:
            request["temperature"] = self.temperature
        if streaming:
            request["stream"] = True
            if self.ask_stream_usage and "stream_options" not in self._refused:
                request["stream_options"] = {"include_usage": True}
        request["extra_body"] = {**self.extra_body, "messages": encodable_messages(messages)}
        return request

    def _drop_refused_parameter(self, error, request: dict) -> bool:
        """True when the 400 names a field we can do without (and it is now left out or renamed)."""
        body = error.body if isinstance(error.body, dict) else {}
        param = body.get("param") or getattr(error, "param", None)
        code = str(body.get("code") or getattr(error, "code", "") or "")
        if code not in ("unsupported_parameter", "unsupported_value") or param not in ADAPTABLE_PARAMETERS:
            return False
        if param == "max_tokens":
            if self._max_tokens_field == "max_completion_tokens":
                return False
            self._max_tokens_field = "max_completion_tokens"
        elif param in self._refused or param not in request:
            return False
        else:
            self._refused.add(param)
        log.warning("%s does not take %r; leaving it out from now on (%s)", self.name, param, error.message)
        return True

    async def _streamed(self, client, request, messages, cut, on_token) -> Completion:
        stream = await client.chat.completions.create(**request)
        collector = TextCollector(on_token, cut)
        usage = None
        finished = False
        try:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    usage = chunk.usage
                for choice in getattr(chunk, "choices", None) or []:
                    if choice.index != 0:
                        continue
                    delta = choice.delta
                    collector.add(delta.content if delta is not None and delta.content else "")
                    finished = finished or choice.finish_reason is not None
                if collector.cut:
                    break  # closing the stream below ends the generation on the server
        finally:
            await stream.close()
        if collector.cut:
            return collector.estimated(messages, self.name)
        collector.require_end(finished, self.name, "no finish_reason")
        return self._completion(collector.text, usage, messages)

    def _from_response(self, response, messages, max_tokens) -> Completion:
        choices = getattr(response, "choices", None)
        if choices is None:
            shown = str(response)[:SHOWN_REPLY_CHARS]
            raise ModelError(f"{self.name}: the reply is not a Chat Completions response: {shown!r}")
        if not choices:
            raise ModelError(f"{self.name}: the server returned an empty completion (no choices)")
        choice = choices[0]
        message = getattr(choice, "message", None)
        if message is None:
            raise ModelError(f"{self.name}: the server's first choice has no message")
        text = message.content
        if text is None and getattr(message, "refusal", None):
            raise ModelError(f"{self.name} refused to answer: {message.refusal}")
        text = text or ""
        if not text and choice.finish_reason == "length":
            raise ModelError(f"{self.name} used all of max_tokens={max_tokens} before writing an answer (a "
                             f"reasoning model thinks first): raise the reply limit")
        return self._completion(text, getattr(response, "usage", None), messages)

    def _completion(self, text: str, usage, messages) -> Completion:
        if usage is None or getattr(usage, "prompt_tokens", None) is None:
            return estimated(text, messages, self.name)
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) or 0
        cost = getattr(usage, "cost", None)  # OpenRouter and some proxies report it
        return Completion(text, usage.prompt_tokens, usage.completion_tokens or 0, self.name,
                          cost=float(cost) if isinstance(cost, (int, float)) else None, cached_tokens=cached)

    def _error(self, e, url: str | None = None) -> ModelError:
        return classify_sdk_error(self._openai, self.name, e, endpoint=url or self.endpoint_url,
                                  timeout_s=self.timeout_s, clock=self.retry.clock)

    @property
    def endpoint_url(self) -> str:
        return self.base_url or "https://api.openai.com/v1"

    async def probe_context_window(self) -> int | None:
        """Ask the server for this model's window and use it: vLLM and SGLang list `max_model_len` (the window
        they were started with), OpenRouter `context_length`. None, and nothing changed, when it does not say."""
        try:
            listing = await self._client(self.base_url).models.list()
        except (self._openai.OpenAIError, ValueError):
            return None
        for entry in getattr(listing, "data", None) or []:
            if getattr(entry, "id", None) != self.api_model:
                continue
            for field in WINDOW_FIELDS:
                window = getattr(entry, field, None)
                if isinstance(window, int) and window > 0:
                    self.context_window = window
                    return window
        return None

    async def aclose(self) -> None:
        """Close this event loop's client; clients of loops that have ended are dropped with them."""
        clients = [self._clients.pop_current(), *(self._fleet_clients.pop_current() or {}).values()]
        for client in clients:
            if client is not None:
                await client.close()
