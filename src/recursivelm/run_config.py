"""What every run of one tree reads: the configuration `RLM` builds when a run starts, frozen for that run.

`RLM` (engine.py) is the public facade: it takes what a user gives (model names, per-depth routing, a
profile name, a sandbox name) and resolves it into one `RunConfig` per `arun`. Every `Run` of the tree
(loop.py) and its `SubCalls` (subcalls.py) read this object, never the facade, so the layers below the
facade do not import it (as mini-swe-agent's agent reads its config object, and the official rlm keeps its
shared types in core/types.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .prompts import Profile, load_profile
from .protocols import Model, Sandbox
from .settings import Limits

if TYPE_CHECKING:
    from .cache import SubCallCache
    from .pricing import PriceTable
    from .tools import Tool

SandboxFactory = Callable[[], Sandbox]


@dataclass(frozen=True)
class RunConfig:
    model: Model  # the root model of the run at depth 0
    child_models: Mapping[int, Model]  # root models of child runs, by depth (deeper depths: the deepest given)
    sub_models: Mapping[int, Model]  # llm_query's model, by the depth of the sub-call (a run at d calls at d+1)
    named_models: Mapping[str, Model]  # llm_query(prompt, model="name")
    profile: str | Profile  # the prompts: a Profile, or how to pick one per root model ("auto", a name, a path)
    limits: Limits
    sandbox_factory: SandboxFactory
    sub_window_chars: int  # how much text one sub-call takes, as the prompts tell the root model
    chunk_chars: int  # the size of the REPL's chunks()
    prices: PriceTable
    cache: SubCallCache | None = None  # sub-call results kept across runs
    on_token: Callable[[str], None] | None = None  # root-model text as it streams (progress displays)
    tools: Mapping[str, Tool] = field(default_factory=dict)  # the user's functions in the REPL, by name
    schema: Any = None  # answers.AnswerSchema the root's FINAL must validate against, or None
    history: tuple[tuple[str, str], ...] = ()  # a session's earlier (question, answer) pairs, oldest first
    log_full: bool = False  # log sub-call prompts whole (training data), not head and tail
    compaction: str = "cut"  # how older root turns are folded near the window: "cut" or "summary" (compaction.py)

    def root_model_for(self, depth: int) -> Model:
        return self.model if depth == 0 else at_depth(self.child_models, depth)

    def sub_model_for(self, depth: int) -> Model:
        return at_depth(self.sub_models, depth)

    def profile_for(self, model: Model) -> Profile:
        return pick_profile(self.profile, model)


def at_depth(table: Mapping[int, Model], depth: int) -> Model:
    """The entry for `depth`, or the nearest shallower one (the first one for shallower depths)."""
    chosen = next(iter(table.values()))
    for d, model in table.items():
        if d <= depth:
            chosen = model
    return chosen


def pick_profile(spec: str | Profile, model: Model) -> Profile:
    """The profile itself, or the one `spec` names for this root model ("auto" decides from its name)."""
    return spec if isinstance(spec, Profile) else load_profile(spec, model.name)
