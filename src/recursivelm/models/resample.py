"""A twin of a model that samples differently: self-consistency's samples 2..K (`RLM(samples=K)`).

With greedy decoding K samples would be K copies of one trajectory, so samples 2..K run the root model at
`SAMPLE_TEMPERATURE` (sample 1 keeps the profile's sampling: greedy helps small roots, shared/LESSONS.md),
and where the backend takes a seed (the embedded llama.cpp model), sample k gets seed `base + k`, so a
rerun draws the same samples. A twin shares its original's connection, clients, counts and (embedded)
loaded weights: a backend that holds heavy state offers `resampled(temperature, seed)` to say how; others
are copied shallowly. A model with no temperature (the scripted model) is returned as it is: it just runs
again.
"""

from __future__ import annotations

import copy

from ..protocols import Model

# Samples 2..K's temperature when the user set none: diverse enough to leave a wrong greedy path, low enough
# that a 1.5B root still writes working code (0.7 is the usual default of OpenAI-compatible servers).
SAMPLE_TEMPERATURE = 0.7


def resampled(model: Model, sample: int, temperature: float) -> Model:
    """`model` for sample number `sample` (2..K) at `temperature`; the model itself if it cannot sample."""
    if not hasattr(model, "temperature"):
        return model
    seed = None
    if hasattr(model, "seed"):
        seed = (model.seed or 0) + sample
    if hasattr(model, "resampled"):
        return model.resampled(temperature, seed)
    twin = copy.copy(model)
    twin.temperature = temperature
    if seed is not None:
        twin.seed = seed
    return twin
