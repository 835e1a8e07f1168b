"""What one server answers with: the shared model objects, the limits, and the serving limits.

Models are resolved once, here, and shared by every request: the embedded model costs ~2.2 GB and
~3 s to load, so one instance serves all runs (its own slots and queue handle concurrent calls).
Everything else a run needs (its `RLM`, limits, event log, sandbox) is made per request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..cache import SubCallCache
from ..engine import RLM, SandboxFactory
from ..events import Event
from ..models.registry import model_resolver
from ..pricing import PriceTable
from ..protocols import Model
from ..settings import Limits, check_limit
from .followups import DEFAULT_MAX_SESSIONS, DEFAULT_SESSION_IDLE_S
from .defaults import (DEFAULT_BODY_TIMEOUT_S, DEFAULT_KEEP_RUNS, DEFAULT_MAX_BODY_MB, DEFAULT_MAX_CONCURRENT_RUNS,
                       DEFAULT_MAX_QUEUED_RUNS)



@dataclass
class ServerConfig:
    model: Model
    sub_model: Model | None = None  # llm_query()'s model (None: the root model)
    child_model: Model | None = None  # rlm_query()'s root model (None: the root model)
    named_models: dict[str, Model] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    profile: str = "auto"
    sandbox: str | SandboxFactory = "isolated"  # each run gets its own sandbox from this
    cache: SubCallCache | None = None  # one persistent sub-call cache for all runs (opt-in, --cache)
    api_key: str | None = None  # None: no authentication (only sensible on 127.0.0.1)
    # Host header names accepted besides loopback ones ("*": any). Checked whenever there is no API key,
    # or some are named: without a key, a web page could reach the server by DNS rebinding.
    allowed_hosts: tuple[str, ...] = ()
    body_timeout_s: float = DEFAULT_BODY_TIMEOUT_S  # longest wait for the next part of a request body (408)
    max_concurrent_runs: int = DEFAULT_MAX_CONCURRENT_RUNS
    max_queued_runs: int = DEFAULT_MAX_QUEUED_RUNS
    max_body_bytes: int = int(DEFAULT_MAX_BODY_MB * 1024 * 1024)
    keep_runs: int = DEFAULT_KEEP_RUNS
    log_dir: Path | None = None  # each run's JSONL events go to LOG_DIR/<run id>.jsonl
    served_model_name: str | None = None  # the id /v1/models lists (default "rlm-<root model>")
    on_run_end: Callable[[Any], None] | None = None  # called with each finished RunRecord (the CLI's log line)
    prices: PriceTable = field(default_factory=PriceTable)  # --prices on top of the built-in ones
    cors_origins: tuple[str, ...] = ()  # browser origins allowed to call the API (--cors); none by default
    allow_unpriced: bool = False  # --allow-unpriced: a request may set max_cost though a model has no known price

    def unpriced_models(self) -> list[str]:
        """The models of this server no price is known for: a cost limit would not see their calls."""
        models = (self.model, self.sub_model, self.child_model, *self.named_models.values())
        return sorted({m.name for m in models if m is not None and not self.prices.knows(m.name)})
    max_sessions: int = DEFAULT_MAX_SESSIONS  # conversations kept as sessions (followups.py); 0: none
    session_idle_s: float = DEFAULT_SESSION_IDLE_S  # a kept session unused this long is closed

    @classmethod
    def from_specs(cls, model: str | Model = "embedded", sub_model: str | Model | None = None,
                   child_model: str | Model | None = None, models: dict[str, str | Model] | None = None,
                   temperature: float | None = None, endpoints: list[str] | None = None,
                   **settings: Any) -> ServerConfig:
        """Resolve model names once; a name given twice (e.g. `--sub-model embedded` next to
        `--model embedded`) is one shared object, never a second copy of the model. `temperature`: as
        for RLM, for models given by name; `endpoints`: an endpoint fleet for OpenAI-compatible names."""
        resolve = model_resolver(temperature, endpoints=endpoints)
        return cls(model=resolve(model),
                   sub_model=resolve(sub_model) if sub_model is not None else None,
                   child_model=resolve(child_model) if child_model is not None else None,
                   named_models={name: resolve(spec) for name, spec in (models or {}).items()},
                   **settings)

    @property
    def model_id(self) -> str:
        return self.served_model_name or f"rlm-{self.model.name}"

    def make_rlm(self, limits: Limits, on_event: Callable[[Event], None] | None = None,
                 run_id: str | None = None) -> RLM:
        log = self.log_dir / f"{run_id}.jsonl" if self.log_dir and run_id else None
        return RLM(model=self.model, sub_model=self.sub_model, child_model=self.child_model,
                   models=dict(self.named_models), limits=limits, profile=self.profile, sandbox=self.sandbox,
                   log=log, on_event=on_event, cache=self.cache, prices=self.prices,
                   allow_unpriced=self.allow_unpriced)

    def check(self) -> None:
        """Fail at start-up, not on the first request: build one RLM (profile, sandbox, routing)."""
        for name, minimum in (("max_concurrent_runs", 1), ("max_queued_runs", 0), ("max_body_bytes", 1),
                              ("keep_runs", 0), ("max_sessions", 0)):
            check_limit(name, getattr(self, name), integral=True, minimum=minimum)
        check_limit("body_timeout_s", self.body_timeout_s)
        check_limit("session_idle_s", self.session_idle_s)
        if self.log_dir is not None:  # each run writes LOG_DIR/<run id>.jsonl: fail now, not on every request
            try:
                self.log_dir.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                what = "it is a file" if self.log_dir.is_file() else e.strerror
                raise ValueError(f"cannot write run logs into {self.log_dir}: {what} (rlm serve's --log takes a "
                                 "folder)") from None
            if not os.access(self.log_dir, os.W_OK | os.X_OK):
                raise ValueError(f"cannot write run logs into {self.log_dir}: permission denied")
        self.make_rlm(self.limits)

    async def aclose(self) -> None:
        seen: set[int] = set()
        for m in (self.model, self.sub_model, self.child_model, *self.named_models.values()):
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                await m.aclose()
        if self.cache is not None:
            self.cache.close()
