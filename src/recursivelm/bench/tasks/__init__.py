"""The task registry: every generated benchmark task, by name."""

from __future__ import annotations

from typing import Any

from recursivelm.bench.tasks import (
    babi, codeqa, codetree, count, multihop, oolong, oolong_pairs, sniah, sniah_paraphrase,
)
from recursivelm.bench.tasks.base import Instance, Setting, TaskSpec

TASKS: dict[str, TaskSpec] = {
    spec.name: spec
    for spec in (sniah.SPEC, oolong.SPEC, oolong_pairs.SPEC, multihop.SPEC, codeqa.SPEC, babi.SPEC,
                 sniah_paraphrase.SPEC, count.SPEC, codetree.SPEC)
}


def generate(task: str, seed: int, target_tokens: int, **settings: Any) -> Instance:
    """One instance of `task`, the same for the same arguments on the same Python."""
    try:
        spec = TASKS[task]
    except KeyError:
        raise ValueError(f"unknown task {task!r}; known: {sorted(TASKS)}") from None
    return spec.generate(seed, target_tokens, **settings)


__all__ = ["TASKS", "Instance", "Setting", "TaskSpec", "generate"]
