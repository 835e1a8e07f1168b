"""Any OpenAI-compatible Chat Completions server, on the official `openai` SDK.

Honours OPENAI_BASE_URL and OPENAI_API_KEY (the SDK reads them). Selected as `openai/NAME`.
"""

from __future__ import annotations

from ..context import CHARS_PER_TOKEN
from ..protocols import Completion, ContextWindowError, ModelError

DEFAULT_CONTEXT_WINDOW = 128_000  # most current hosted models; pass context_window= for others
DEFAULT_TIMEOUT_S = 600.0
MAX_STOP_SEQUENCES = 4  # the OpenAI API accepts at most four
_WINDOW_ERROR_MARKERS = ("context_length_exceeded", "maximum context length", "context length", "too many tokens",
                         "exceeds the context", "exceed_context_size")


class OpenAIModel:
    def __init__(self, model: str, *, base_url: str | None = None, api_key: str | None = None,
                 context_window: int = DEFAULT_CONTEXT_WINDOW, timeout_s: float = DEFAULT_TIMEOUT_S,
                 temperature: float | None = None, max_retries: int = 2, provider: str = "openai"):
        import openai

        self.api_model = model
        self.name = f"{provider}/{model}"
        self.context_window = context_window
        self.temperature = temperature
        self._openai = openai
        try:
            self.client = openai.AsyncOpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s,
                                             max_retries=max_retries)
        except openai.OpenAIError as e:
            raise ModelError(f"{self.name}: {e} (set OPENAI_API_KEY, and OPENAI_BASE_URL for a local server)") from None

    async def complete(self, messages, *, max_tokens=None, stop=None, stop_after_first_code_block=False) -> Completion:
        openai = self._openai
        kwargs = {"model": self.api_model, "messages": messages}
        if max_tokens:
            kwargs["max_tokens"] = max_tokens
        if stop:
            kwargs["stop"] = stop[:MAX_STOP_SEQUENCES]
        if self.temperature is not None:
            kwargs["temperature"] = self.temperature
        try:
            response = await self.client.chat.completions.create(**kwargs)
        except openai.BadRequestError as e:
            text = str(e).lower()
            if any(m in text for m in _WINDOW_ERROR_MARKERS):
                raise ContextWindowError(f"{self.name}: the prompt does not fit the model's window ({e})") from None
            raise ModelError(f"{self.name} rejected the request: {e}") from None
        except openai.APIError as e:
            raise ModelError(f"{self.name}: {type(e).__name__}: {e}") from None
        if not response.choices:
            raise ModelError(f"{self.name} returned no choices")
        text = response.choices[0].message.content or ""
        usage = response.usage
        if usage is None:
            prompt_chars = sum(len(m["content"]) for m in messages)
            return Completion(text, prompt_chars // CHARS_PER_TOKEN, len(text) // CHARS_PER_TOKEN, self.name,
                              estimated=True)
        cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", None) or 0
        cost = getattr(usage, "cost", None)  # OpenRouter and some proxies report it
        return Completion(text, usage.prompt_tokens, usage.completion_tokens, self.name,
                          cost=float(cost) if cost is not None else None, cached_tokens=cached)

    def count_tokens(self, text: str) -> int:
        return len(text) // CHARS_PER_TOKEN + 1

    async def aclose(self) -> None:
        await self.client.close()
