"""Prices per million tokens, so a cost budget works on every provider, not only those that report cost.

A provider-reported cost always wins. Users override or extend the table (`PriceTable({...})` or
`--prices FILE.json`). Local models cost nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .protocols import Completion


@dataclass(frozen=True)
class Price:
    input: float  # USD per 1M input tokens
    output: float  # USD per 1M output tokens
    cached_input: float | None = None  # USD per 1M cached input tokens (defaults to `input`)


# Public list prices (USD / 1M tokens) as published by the providers; override for your contract.
DEFAULT_PRICES: dict[str, Price] = {
    "embedded": Price(0.0, 0.0),
    "scripted": Price(0.0, 0.0),
    "openai/gpt-5": Price(1.25, 10.0, 0.125),
    "openai/gpt-5-mini": Price(0.25, 2.0, 0.025),
    "openai/gpt-5-nano": Price(0.05, 0.4, 0.005),
    "openai/gpt-4.1": Price(2.0, 8.0, 0.5),
    "openai/gpt-4.1-mini": Price(0.4, 1.6, 0.1),
    "openai/gpt-4o-mini": Price(0.15, 0.6, 0.075),
    "anthropic/claude-sonnet-4-5": Price(3.0, 15.0, 0.3),
    "anthropic/claude-haiku-4-5": Price(1.0, 5.0, 0.1),
    "anthropic/claude-opus-4-1": Price(15.0, 75.0, 1.5),
}

LOCAL_PROVIDERS = ("embedded", "scripted", "ollama/", "llamacpp/", "vllm/", "sglang/", "lmstudio/")


class PriceTable:
    def __init__(self, prices: dict[str, Price] | None = None, include_defaults: bool = True):
        self.prices = {**(DEFAULT_PRICES if include_defaults else {}), **(prices or {})}

    @classmethod
    def from_file(cls, path: str | Path) -> PriceTable:
        raw = json.loads(Path(path).read_text())
        return cls({name: Price(**p) for name, p in raw.items()})

    def price_of(self, model: str) -> Price | None:
        if model in self.prices:
            return self.prices[model]
        if model.startswith(LOCAL_PROVIDERS):
            return Price(0.0, 0.0)
        return None

    def cost_of(self, c: Completion) -> float | None:
        p = self.price_of(c.model)
        if p is None:
            return None
        cached = min(c.cached_tokens, c.input_tokens)
        cached_rate = p.cached_input if p.cached_input is not None else p.input
        return ((c.input_tokens - cached) * p.input + cached * cached_rate + c.output_tokens * p.output) / 1e6
