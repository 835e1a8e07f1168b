"""recursivelm: Recursive Language Models that answer questions over inputs far beyond any window."""

from .batching import batch
from .budget import LimitReached
from .context import ContextError
from .engine import RLM, Result
from .events import load_events
from .models.scripted import ScriptedModel
from .pricing import Price, PriceTable
from .protocols import Completion, Model, ModelError
from .session import Session
from .settings import Limits

__all__ = [
    "RLM", "Result", "Limits", "batch", "ScriptedModel", "Model", "Completion", "ModelError", "ContextError",
    "LimitReached", "Price", "PriceTable", "load_events", "Session",
]
__version__ = "0.1.0"
