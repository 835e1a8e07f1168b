"""A user's own defaults, so `rlm` need not be told the model every time.

Where the root model comes from when `--model` is not given, first match wins:
1. `RECURSIVELM_MODEL` (every variable of ours starts with `RECURSIVELM_`), or its short alias `RLM_MODEL`;
2. `model = "..."` in the config file: `$RECURSIVELM_CONFIG`, else `$XDG_CONFIG_HOME/recursivelm/config.toml`,
   else `~/.config/recursivelm/config.toml`;
3. `embedded`.
The config file may also set `sub_model` and `child_model` (same precedence, `RECURSIVELM_SUB_MODEL`, ...).

```toml
# ~/.config/recursivelm/config.toml
model = "openai/gpt-5-mini"
sub_model = "openai/gpt-5-nano"
```
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

PREFIX = "RECURSIVELM_"
CONFIG_ENV = "RECURSIVELM_CONFIG"
BUILT_IN_MODEL = "embedded"
MODEL_KEYS = ("model", "sub_model", "child_model")  # what the file may set (a typo is an error, not ignored)
SHORT_ALIASES = {"model": "RLM_MODEL"}  # read after the RECURSIVELM_ name: the short name users type


class ConfigError(ValueError):
    """The config file cannot be read or holds something it should not: one line, exit 2."""


def config_path() -> Path:
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "recursivelm" / "config.toml"


def load_config(path: Path | None = None) -> dict[str, Any]:
    """The config file's settings ({} when there is none)."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if os.environ.get(CONFIG_ENV):  # named on purpose: a missing file is a mistake worth saying
            raise ConfigError(f"config file not found: {path} (from ${CONFIG_ENV})") from None
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read the config file {path}: {e}") from None
    unknown = sorted(set(raw) - set(MODEL_KEYS))
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting {unknown[0]!r} (known: {', '.join(MODEL_KEYS)})")
    bad = next((k for k, v in raw.items() if not isinstance(v, str) or not v), None)
    if bad:
        raise ConfigError(f'config file {path}: {bad} must be a model name, e.g. {bad} = "openai/gpt-5-mini"')
    return raw


def default(key: str) -> tuple[str | None, str]:
    """(value, where it came from) of a model setting not given as a flag; the value is None for sub_model and
    child_model when nothing sets them (they then follow the root model)."""
    for env in (PREFIX + key.upper(), SHORT_ALIASES.get(key)):
        if env and os.environ.get(env):
            return os.environ[env], f"${env}"
    config = load_config()
    if key in config:
        return config[key], str(config_path())
    return (BUILT_IN_MODEL, "built in") if key == "model" else (None, "the root model")


def fill_model_defaults(args) -> None:
    """Give a parsed command's model flags that were left out their defaults (see the module docstring)."""
    for key in MODEL_KEYS:
        if hasattr(args, key) and getattr(args, key) is None:
            setattr(args, key, default(key)[0])
