"""One naming scheme for models, the same in the API and the CLI: `provider/model`.

- `embedded` — the local default (Qwen2.5-Coder-1.5B on llama.cpp), no API key, no network.
- `scripted:FILE.json` — the scripted model replaying a JSON list of replies (tests, demos, replays).
- `openai/NAME` — any OpenAI-compatible Chat Completions server (OPENAI_BASE_URL / OPENAI_API_KEY).
"""

from __future__ import annotations

from ..protocols import Model


class UnknownModelError(ValueError):
    pass


def resolve_model(spec: Model | str | None, root: Model | None = None) -> Model:
    if spec is None:
        if root is None:
            spec = "embedded"
        else:
            return root
    if not isinstance(spec, str):
        return spec
    if spec == "embedded" or spec.startswith("embedded:"):
        from .embedded import EmbeddedModel

        path = spec.partition(":")[2] or None
        return EmbeddedModel(gguf_path=path) if path else EmbeddedModel()
    if spec.startswith("scripted:"):
        from .scripted import ScriptedModel

        return ScriptedModel.from_file(spec.partition(":")[2])
    provider, _, name = spec.partition("/")
    if provider == "openai" and name:
        from .openai_compat import OpenAIModel

        return OpenAIModel(name)
    raise UnknownModelError(
        f"unknown model {spec!r}: use 'embedded', 'embedded:/path/model.gguf', 'openai/NAME' or 'scripted:FILE.json'"
    )
