"""Prompts are data: one TOML file per profile, Jinja templates inside (StrictUndefined).

`load_profile("auto", model_name)` picks the small-model profile for small local models and the
default one otherwise; any profile name or a path to a TOML file of your own can be given instead.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

PROFILE_DIR = Path(__file__).parent
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=False, autoescape=False)

# Models we know to need the small profile: the embedded one, and local models of a few billion
# parameters by their usual names (e.g. "ollama/qwen2.5-coder:1.5b", "llamacpp/phi-3-mini").
_SMALL_MODEL = re.compile(r"^embedded$|(?<![\d.])(0\.5|1\.5|1|2|3|3\.8|4)b\b|mini-?\d|tiny|small", re.I)
_TEMPLATES = ("system", "first_user", "cell_output", "no_code_ran", "answer_now")
# Templates added after profiles of users' own may have been written: taken from `default` when absent.
_LATER_TEMPLATES = ("no_answer", "search_miss", "unsupported_answer", "read_whole_code", "repeated_code",
                    "tools", "answer_schema", "schema_refused", "session_history", "compacted", "compaction_summary",
                    "read_evidence_code", "option_letter", "as_written", "read_labels_code",
                    "read_counted_code", "no_option", "read_table_code",
                    "read_kinds_code", "read_judged_code", "read_rows_code", "programs_agree", "programs_differ")


@dataclass
class Profile:
    name: str
    description: str
    cut_after_first_block: bool
    accept_text_final: bool
    stop: list[str]
    templates: dict[str, jinja2.Template] = field(repr=False)
    # Passages most relevant to the question shown in the first turn (evidence.rank); 0 shows none.
    # Small roots answer from priors without it (shared/LESSONS.md).
    prime_evidence: int = 0
    # Refuse (once) an answer given before any code read the context, or right after the code that tried
    # failed: a small root answers from memory, or guesses after an error.
    refuse_unread_answers: bool = False
    # Constrain each root reply to one code block where the backend can (a grammar on llama.cpp).
    code_only: bool = False
    # Within the sub-model's window, run `read_whole_code` (one sub-call reading it all) before turn one,
    # where the question names nothing the text holds in few places (first_reading.py).
    read_whole_first: bool = False
    # Otherwise run `read_evidence_code` (read() over what find() gathers, or tally()'s counts) before turn one.
    read_evidence_first: bool = False
    # Beside the root's first program over a table's rows, ask for a second one written the other way and show
    # the root where the two differ (second_program.py).
    second_program: bool = False
    # Replies in a row that repeat a block already run before the answer-now turn comes (they are not run).
    max_repeats: int = 3
    # The temperature the root is asked again at after a reply that repeated a block already run (None: as
    # always): a greedy model stuck on a failing block writes the same block again (models/resample.py).
    repeat_temperature: float | None = None
    # The sampling temperature of a model named without one (None: the backend's own default).
    temperature: float | None = None
    # Notes added to a cell's error when it contains the key: what a small model cannot infer itself
    # (e.g. that "'NoneType' object has no attribute 'group'" means the regex matched nothing).
    error_hints: dict[str, str] = field(default_factory=dict)

    def hints_for(self, error: str) -> list[str]:
        return [hint for needle, hint in self.error_hints.items() if needle in error]

    def render(self, which: str, **values: Any) -> str:
        return self.templates[which].render(**values).strip()


def profile_names() -> list[str]:
    return sorted(p.stem for p in PROFILE_DIR.glob("*.toml"))


def pick_profile_name(model_name: str) -> str:
    return "small" if _SMALL_MODEL.search(model_name) and "gpt" not in model_name.lower() else "default"


def load_profile(name_or_path: str = "auto", model_name: str = "") -> Profile:
    if name_or_path == "auto":
        name_or_path = pick_profile_name(model_name)
    path = Path(name_or_path)
    if path.suffix != ".toml":
        path = PROFILE_DIR / f"{name_or_path}.toml"
    if not path.exists():
        raise ValueError(f"unknown prompt profile {name_or_path!r}: use one of {profile_names()} or a .toml path")
    return _load_file(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _load_file(path: Path, mtime_ns: int) -> Profile:
    """Parse and compile a profile once (~11 ms of Jinja compiling); an edited file is read again."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    missing = [t for t in _TEMPLATES if t not in raw]
    if missing:
        raise ValueError(f"prompt profile {path} lacks templates: {', '.join(missing)}")
    templates = {t: _ENV.from_string(raw[t]) for t in _TEMPLATES + _LATER_TEMPLATES if t in raw}
    for name in _LATER_TEMPLATES:
        if name not in templates:  # default.toml defines them all, so this never recurses
            templates[name] = load_profile("default").templates[name]
    return Profile(
        name=raw.get("name", path.stem),
        description=raw.get("description", ""),
        cut_after_first_block=bool(raw.get("cut_after_first_block", False)),
        accept_text_final=bool(raw.get("accept_text_final", True)),
        stop=list(raw.get("stop", [])),
        templates=templates,
        error_hints={str(k): str(v) for k, v in raw.get("error_hints", {}).items()},
        prime_evidence=int(raw.get("prime_evidence", 0)),
        refuse_unread_answers=bool(raw.get("refuse_unread_answers", False)),
        code_only=bool(raw.get("code_only", False)),
        read_whole_first=bool(raw.get("read_whole_first", False)),
        read_evidence_first=bool(raw.get("read_evidence_first", False)),
        second_program=bool(raw.get("second_program", False)),
        max_repeats=int(raw.get("max_repeats", 3)),
        repeat_temperature=float(raw["repeat_temperature"]) if "repeat_temperature" in raw else None,
        temperature=float(raw["temperature"]) if "temperature" in raw else None,
    )
