"""Any provider LiteLLM reaches (Bedrock, Vertex, Azure, Gemini, Groq, Mistral, ...), through `litellm.acompletion`.

An optional extra: `pip install 'recursivelm[litellm]'`. Selected as `litellm/PROVIDER/MODEL`, e.g.
`litellm/bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0`; the part after `litellm/` is LiteLLM's own model
string, and LiteLLM reads each provider's usual environment variables (AWS_*, VERTEXAI_*, AZURE_*, ...).

LiteLLM's own retries are off (`num_retries=0`): our RetryPolicy is the one in force. The provider cost LiteLLM
computes (`response._hidden_params["response_cost"]`) is reported as the call's cost.
"""

from __future__ import annotations

import os
from typing import Any, Callable

from ..protocols import Completion, ContextWindowError, ModelError
from ..text import encodable_messages
from .api import ApiModel, TextCollector, estimated
from .openai_compat import context_window_for
from .resilience import DEFAULT_MAX_CONCURRENCY, DEFAULT_TIMEOUT_S, RetryPolicy, TransientModelError, classify_http_error

INSTALL_HINT = "pip install 'recursivelm[litellm]'"


def import_litellm():
    """LiteLLM, imported on first use (it is large and optional), with its price map read from the package
    rather than fetched over the network at import."""
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    try:
        import litellm
    except ImportError:
        raise ModelError(f"the litellm backend needs LiteLLM, which is not installed: {INSTALL_HINT}") from None
    litellm.suppress_debug_info = True  # else it prints a help banner to stdout on every failed call
    return litellm


class LiteLLMModel(ApiModel):
    """A model behind `litellm.acompletion`. Safe to call concurrently.

    Settings as for `OpenAIModel` (timeout_s, retry / max_retries, max_concurrency, stream, temperature), plus
    `api_base` / `api_key` (else LiteLLM's environment variables) and `extra` (more acompletion arguments).
    `context_window` defaults to LiteLLM's model map, else to the known windows, else 128K.
    """

    def __init__(self, model: str, *, api_base: str | None = None, api_key: str | None = None,
                 context_window: int | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 temperature: float | None = None, retry: RetryPolicy | None = None, max_retries: int | None = None,
                 max_concurrency: int = DEFAULT_MAX_CONCURRENCY, stream: bool = False,
                 extra: dict[str, Any] | None = None):
        self._litellm = import_litellm()
        self.api_model = model
        self.name = f"litellm/{model}"
        self.api_base = api_base
        self.api_key = api_key
        self.context_window = context_window or self._window_from_litellm(model) or context_window_for(model)
        self._api_settings(timeout_s=timeout_s, retry=retry, max_retries=max_retries, max_concurrency=max_concurrency,
                           stream=stream)
        self.temperature = temperature
        self.extra = dict(extra or {})

    def _window_from_litellm(self, model: str) -> int | None:
        try:
            info = self._litellm.get_model_info(model)
        except Exception:  # unknown to LiteLLM's map: it raises a bare Exception
            return None
        window = info.get("max_input_tokens") or info.get("max_tokens")
        return int(window) if window else None

    @property
    def sampling(self) -> dict:
        """Instance settings that change replies; part of a cache key."""
        return {"temperature": self.temperature, "extra": self.extra}

    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False,
                       on_token: Callable[[str], Any] | None = None,
                       on_cut: Callable[[Completion], Any] | None = None) -> Completion:
        """`on_cut`: if the call is cancelled once a request is out, an estimate of what it spent
        (`api.CallSpend`)."""
        streaming = on_token is not None or self.stream
        request: dict[str, Any] = {"model": self.api_model, "messages": encodable_messages(messages),
                                   "timeout": self.timeout_s,
                                   "num_retries": 0, **self.extra}
        if max_tokens:
            request["max_tokens"] = max_tokens
        if stop:
            request["stop"] = list(stop)
        if self.temperature is not None:
            request["temperature"] = self.temperature
        if self.api_base:
            request["api_base"] = self.api_base
        if self.api_key:
            request["api_key"] = self.api_key
        if streaming:
            request["stream"] = True
            request["stream_options"] = {"include_usage": True}

        async def attempt() -> Completion:
            try:
                response = await self._litellm.acompletion(**request)
                if streaming:
                    return await self._streamed(response, messages, stop_after_first_code_block, on_token)
                return self._from_response(response, messages)
            except Exception as e:
                if isinstance(e, ModelError) or not _is_litellm_error(e):
                    raise
                raise self._error(e) from None

        return await self._charged_if_cut(self._with_retries(attempt), messages, on_cut)

    def _from_response(self, response, messages) -> Completion:
        choices = getattr(response, "choices", None)
        if not choices:
            raise ModelError(f"{self.name}: the provider returned an empty completion (no choices)")
        text = getattr(choices[0].message, "content", None) or ""
        hidden = getattr(response, "_hidden_params", None) or {}
        return self._completion(text, getattr(response, "usage", None), messages, hidden.get("response_cost"))

    async def _streamed(self, stream, messages, cut, on_token) -> Completion:
        collector = TextCollector(on_token, cut)
        usage = None
        try:
            async for chunk in stream:
                if getattr(chunk, "usage", None) is not None:
                    usage = chunk.usage
                choices = getattr(chunk, "choices", None) or []
                if choices and choices[0].delta is not None:
                    collector.add(choices[0].delta.content or "")
                if collector.cut:
                    break
        finally:
            close = getattr(stream, "aclose", None)
            if close is not None:
                await close()
        if collector.cut:
            return collector.estimated(messages, self.name)
        return self._completion(collector.text, usage, messages, self._stream_cost(usage))

    def _stream_cost(self, usage) -> float | None:
        """A stream carries no response_cost: price its usage with LiteLLM's map, when it knows the model."""
        if usage is None:
            return None
        try:
            prompt_cost, completion_cost = self._litellm.cost_per_token(
                model=self.api_model, prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens)
        except Exception:  # a model LiteLLM has no price for
            return None
        return prompt_cost + completion_cost

    def _completion(self, text: str, usage, messages, cost) -> Completion:
        cost = float(cost) if isinstance(cost, (int, float)) else None
        if usage is None or not getattr(usage, "prompt_tokens", None):
            return estimated(text, messages, self.name, cost=cost)
        details = getattr(usage, "prompt_tokens_details", None)
        cached = getattr(details, "cached_tokens", None) or 0
        return Completion(text, usage.prompt_tokens, usage.completion_tokens or 0, self.name, cost=cost,
                          cached_tokens=cached)

    def _error(self, e: Exception) -> ModelError:
        litellm = self._litellm
        message = str(getattr(e, "message", None) or e)
        if isinstance(e, litellm.ContextWindowExceededError):
            return ContextWindowError(f"{self.name}: the prompt does not fit the model's context window ({message}). "
                                      f"Send less, or pass a smaller context_window= so prompts are sized to fit.")
        if isinstance(e, (litellm.Timeout, litellm.APIConnectionError)):
            return TransientModelError(f"{self.name}: {message}")
        status = getattr(e, "status_code", None)
        headers = getattr(e, "litellm_response_headers", None) or getattr(getattr(e, "response", None), "headers", None)
        return classify_http_error(self.name, status if isinstance(status, int) else None, message, headers=headers,
                                   clock=self.retry.clock)

    async def aclose(self) -> None:
        pass  # LiteLLM keeps its own shared HTTP clients


def _is_litellm_error(e: Exception) -> bool:
    """LiteLLM's exceptions subclass the openai SDK's; both kinds come from the provider call."""
    module = type(e).__module__
    return module.startswith(("litellm", "openai"))
