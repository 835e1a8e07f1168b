"""Prices per million tokens, so a cost budget works on every provider, not only those that report cost.

Where a price comes from, first match wins:
1. the cost the provider reported for the call;
2. our `PriceTable` (`PriceTable({...})` or `--prices FILE.json`): the user's own prices, an override;
3. local models (`embedded`, `scripted`, `ollama/`, `vllm/`, ...): free;
4. `genai-prices` (pydantic's maintained price data): hundreds of models, dated snapshots
   (`gpt-5-mini-2025-08-07`), tiered prices by prompt size, cached-input rates.
A model none of them knows is *unpriced*: its calls are counted apart ("$X + N unpriced calls"), and a
command with a cost limit refuses to start on it (`--allow-unpriced` to go on anyway).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

from .protocols import Completion


@dataclass(frozen=True)
class Price:
    input: float  # USD per 1M input tokens
    output: float  # USD per 1M output tokens
    cached_input: float | None = None  # USD per 1M cached input tokens (defaults to `input`)


# Only what no price library knows: our own local models. Every API price comes from genai-prices, which
# is kept up to date; a table copied here would go stale (it once held 9 names and priced no dated snapshot).
DEFAULT_PRICES: dict[str, Price] = {
    "embedded": Price(0.0, 0.0),
    "scripted": Price(0.0, 0.0),
}

LOCAL_PROVIDERS = ("embedded", "scripted", "ollama/", "llamacpp/", "vllm/", "sglang/", "lmstudio/")

# Our provider prefixes whose genai-prices provider id differs from the prefix. `litellm/PROVIDER/NAME`
# is looked up as PROVIDER/NAME; genai-prices knows aliases such as gemini -> google itself.
LIBRARY_PROVIDER = {"litellm": None}


class PricesFileError(ValueError):
    """A --prices file that cannot be read as {"provider/model": {"input": USD, "output": USD}}."""


class PriceTable:
    def __init__(self, prices: dict[str, Price] | None = None, include_defaults: bool = True):
        self.prices = {**(DEFAULT_PRICES if include_defaults else {}), **(prices or {})}

    @classmethod
    def from_file(cls, path: str | Path) -> PriceTable:
        """A JSON object {"provider/model": {"input": 1.25, "output": 10, "cached_input": 0.125}} (USD per
        1M tokens), on top of the defaults. Raises PricesFileError with what is wrong."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PricesFileError(f"prices file not found: {path}") from None
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise PricesFileError(f"cannot read the prices file {path}: {e}") from None
        if not isinstance(raw, dict):
            raise PricesFileError(f"prices file {path}: expected a JSON object of model names, e.g. "
                                  '{"openai/my-model": {"input": 1.25, "output": 10}}')
        prices = {}
        for name, p in raw.items():
            try:
                price = Price(**p)
                if not all(isinstance(v, (int, float)) and v >= 0 for v in (price.input, price.output)):
                    raise TypeError("input and output must be numbers >= 0")
            except TypeError as e:
                raise PricesFileError(f"prices file {path}: {name!r}: {e} (give input, output and optionally "
                                      "cached_input, in USD per 1M tokens)") from None
            prices[name] = price
        return cls(prices)

    def price_of(self, model: str) -> Price | None:
        """Our own price for `model` (the table, or free for a local model); None: ask the library."""
        if model in self.prices:
            return self.prices[model]
        if model.startswith(LOCAL_PROVIDERS):
            return Price(0.0, 0.0)
        return None

    def knows(self, model: str) -> bool:
        """Whether a call of `model` can be priced (what a cost limit needs before a run starts)."""
        return self.price_of(model) is not None or library_cost(model, 0, 0, 0) is not None

    def cost_of(self, c: Completion) -> float | None:
        cached = min(c.cached_tokens, c.input_tokens)
        p = self.price_of(c.model)
        if p is None:
            return library_cost(c.model, c.input_tokens, cached, c.output_tokens)
        cached_rate = p.cached_input if p.cached_input is not None else p.input
        return ((c.input_tokens - cached) * p.input + cached * cached_rate + c.output_tokens * p.output) / 1e6


def library_cost(model: str, input_tokens: int, cached_tokens: int, output_tokens: int) -> float | None:
    """The cost in USD genai-prices gives one call of `model` (our `provider/name`), or None if it does not
    know the model. `input_tokens` includes the cached ones, as in genai-prices' own Usage."""
    ref = _library_ref(model)
    if ref is None:
        return None
    from genai_prices import Usage, calc_price  # 0.3 s to import: only when an API model is priced

    try:
        price = calc_price(Usage(input_tokens=input_tokens, cache_read_tokens=cached_tokens or None,
                                 output_tokens=output_tokens), model_ref=ref[1], provider_id=ref[0])
    except LookupError:
        return None
    return float(price.total_price)


@functools.lru_cache(maxsize=256)
def _library_ref(model: str) -> tuple[str | None, str] | None:
    """(genai-prices provider id, model ref) for our `provider/name`; None for a name with no provider."""
    provider, sep, name = model.partition("/")
    if not sep or not name:
        return None
    if provider in LIBRARY_PROVIDER:  # litellm/PROVIDER/NAME: the real provider is the next part
        inner, sep, rest = name.partition("/")
        return (inner, rest) if sep and rest else (None, name)
    return provider, name
