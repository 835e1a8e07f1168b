"""What every benchmark task shares: the instance it produces and the spec the registry lists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Callable

from recursivelm.bench import scoring
from recursivelm.bench.tokens import context_tokens

Context = str | list[str] | dict[str, str]

# Below this the fixed parts of an instance (needle, question facts, chain documents) crowd out the
# haystack; tasks with bigger fixed parts raise it in their spec.
DEFAULT_MIN_TARGET_TOKENS = 1_000


@dataclass
class Instance:
    """One generated question over one long context.

    `gold` is plain JSON data (str, int, list, dict) so instances and results can be saved as they are.
    `scorer` names a function in `recursivelm.bench.scoring.SCORERS`.
    """

    task: str
    id: str
    context: Context
    question: str
    gold: Any
    scorer: str
    metadata: dict[str, Any] = field(default_factory=dict)

    def score(self, prediction: Any) -> float:
        return scoring.score(self.scorer, prediction, self.gold)

    @property
    def context_tokens(self) -> int:
        return context_tokens(self.context)

    def fingerprint(self) -> str:
        """A digest of everything a model sees and is judged against: equal instances, equal digests."""
        payload = json.dumps([self.context, self.question, self.gold], sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Setting:
    """One knob of a task, with its default and (where the values are a fixed set) its choices."""

    name: str
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class TaskSpec:
    """A task as the registry lists it. `build(rng_seed, target_tokens, settings)` does the work;
    call `generate`, which checks the settings first."""

    name: str
    description: str
    settings: tuple[Setting, ...]
    build: Callable[[int, int, dict[str, Any]], Instance]
    scorers: tuple[str, ...]
    min_target_tokens: int = DEFAULT_MIN_TARGET_TOKENS

    def defaults(self) -> dict[str, Any]:
        return {setting.name: setting.default for setting in self.settings}

    def resolve(self, settings: dict[str, Any]) -> dict[str, Any]:
        """The defaults overridden by `settings`; unknown names and values outside `choices` raise."""
        known = {setting.name: setting for setting in self.settings}
        unknown = sorted(set(settings) - set(known))
        if unknown:
            raise ValueError(f"task {self.name!r} has no setting(s) {unknown}; it has {sorted(known)}")
        resolved = self.defaults()
        resolved.update(settings)
        for name, value in resolved.items():
            choices = known[name].choices
            if choices is not None and value not in choices:
                raise ValueError(f"{self.name}: setting {name}={value!r} is not one of {list(choices)}")
        return resolved

    def generate(self, seed: int, target_tokens: int, **settings: Any) -> Instance:
        if target_tokens < self.min_target_tokens:
            raise ValueError(
                f"{self.name}: target_tokens={target_tokens} is below this task's minimum of "
                f"{self.min_target_tokens}"
            )
        return self.build(seed, target_tokens, self.resolve(settings))


def instance_id(task: str, seed: int, target_tokens: int, settings: dict[str, Any]) -> str:
    """Readable and unique per (task, seed, length, settings): the settings enter as a short digest."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode()).hexdigest()[:8]
    return f"{task}-{target_tokens}-{seed}-{digest}"


def base_metadata(seed: int, target_tokens: int, settings: dict[str, Any]) -> dict[str, Any]:
    return {"seed": seed, "target_tokens": target_tokens, "settings": dict(settings)}


def make_instance(task: str, seed: int, target_tokens: int, settings: dict[str, Any], *, context: Context,
                  question: str, gold: Any, scorer: str, metadata: dict[str, Any]) -> Instance:
    """An instance named and described the same way for every task: its id from (task, seed, length,
    settings), its metadata starting with those and the context's estimated size, then the task's own."""
    return Instance(
        task=task,
        id=instance_id(task, seed, target_tokens, settings),
        context=context,
        question=question,
        gold=gold,
        scorer=scorer,
        metadata={**base_metadata(seed, target_tokens, settings), "context_tokens": context_tokens(context), **metadata},
    )
