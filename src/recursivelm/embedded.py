"""The embedded model's file, under the import path the README gives: `recursivelm.embedded.model_path()`.

It lives in `models/embedded/weights.py` (beside the backend and the tokenizer that read it); this module
only keeps the public names where users import them from.
"""

from .models.embedded.weights import (
    ENV_CACHE, ENV_GGUF, LICENCE, MODEL_FILENAME, MODEL_NAME, MODEL_SHA256, MODEL_SIZE, EmbeddedModelError,
    cache_dir, cached_model_file, model_path, part_paths, reset_verification,
)

__all__ = ["ENV_CACHE", "ENV_GGUF", "LICENCE", "MODEL_FILENAME", "MODEL_NAME", "MODEL_SHA256", "MODEL_SIZE",
           "EmbeddedModelError", "cache_dir", "cached_model_file", "model_path", "part_paths", "reset_verification"]
