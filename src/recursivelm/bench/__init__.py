"""Offline benchmark tasks for long-context question answering, generated from a seed.

    from recursivelm.bench import TASKS, generate
    instance = generate("oolong", seed=1, target_tokens=128_000)
    instance.score(model_reply)  # -> float in [0, 1]

Every task is a generator `generate(seed, target_tokens, **settings) -> Instance`, deterministic by seed
and sized to the requested length (tokens estimated as characters / 4, see `tokens`). Scorers live in
`scoring` and are named by each instance.
"""

from recursivelm.bench import scoring
from recursivelm.bench.scoring import SCORERS, score
from recursivelm.bench.tasks import TASKS, Instance, Setting, TaskSpec, generate
from recursivelm.bench.tokens import CHARS_PER_TOKEN, context_tokens, estimate_tokens

__all__ = [
    "CHARS_PER_TOKEN", "Instance", "SCORERS", "Setting", "TASKS", "TaskSpec",
    "context_tokens", "estimate_tokens", "generate", "score", "scoring",
]
