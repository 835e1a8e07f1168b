"""One usage tree for a whole run: every call of the root, its sub-calls and every child RLM.

Calls are recorded per run node (never keyed by model name alone, so root and sub-calls on the same
model cannot overwrite each other); totals are derived by walking the tree, per model and per depth.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

from .pricing import PriceTable
from .protocols import Completion


@dataclass(frozen=True)
class CallRecord:
    model: str
    role: str  # "root" (a root-model turn) or "sub" (llm_query); child runs hold their own records
    depth: int
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cost: float | None  # None when neither the provider nor the price table knows the price
    estimated: bool  # token counts estimated rather than reported
    endpoint: str | None = None  # the server that answered (Completion.endpoint), for per-endpoint usage


@dataclass
class Totals:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0  # calls whose cost is unknown (not counted in `cost`)

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def add(self, r: CallRecord) -> None:
        self.calls += 1
        self.input_tokens += r.input_tokens
        self.output_tokens += r.output_tokens
        self.cached_tokens += r.cached_tokens
        if r.cost is None:
            self.unpriced_calls += 1
        else:
            self.cost += r.cost

    def cost_text(self) -> str:
        """"$0.0123", or "$0.0123 + 7 unpriced calls": a cost that leaves calls out says so."""
        return cost_text(self.cost, self.unpriced_calls)

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "tokens": self.tokens}


def cost_text(cost: float, unpriced_calls: int) -> str:
    """How every display writes a cost: what is known, and how many calls it leaves out."""
    text = f"${cost:.4f}"
    if unpriced_calls:
        text += f" + {unpriced_calls} unpriced call{'s' if unpriced_calls != 1 else ''}"
    return text


@dataclass
class UsageTree:
    run_id: str
    depth: int
    calls: list[CallRecord] = field(default_factory=list)
    children: list[UsageTree] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def record(self, completion: Completion, role: str, prices: PriceTable, depth: int | None = None) -> CallRecord:
        """Add one call. `depth` defaults to this run's; a sub-call is one level below its run."""
        cost = completion.cost if completion.cost is not None else prices.cost_of(completion)
        rec = CallRecord(
            model=completion.model,
            role=role,
            depth=self.depth if depth is None else depth,
            input_tokens=completion.input_tokens,
            output_tokens=completion.output_tokens,
            cached_tokens=completion.cached_tokens,
            cost=cost,
            estimated=completion.estimated,
            endpoint=completion.endpoint,
        )
        with self._lock:
            self.calls.append(rec)
        return rec

    def child(self, run_id: str) -> UsageTree:
        node = UsageTree(run_id=run_id, depth=self.depth + 1)
        with self._lock:
            self.children.append(node)
        return node

    def sample(self, run_id: str) -> UsageTree:
        """A node for another root trajectory of this run (self-consistency's samples 2..K): at this node's
        depth, held among its children, so the total counts every sample once."""
        node = UsageTree(run_id=run_id, depth=self.depth)
        with self._lock:
            self.children.append(node)
        return node

    def walk(self):
        yield self
        for c in list(self.children):
            yield from c.walk()

    def all_calls(self) -> list[CallRecord]:
        return [r for node in self.walk() for r in list(node.calls)]

    def total(self) -> Totals:
        t = Totals()
        for r in self.all_calls():
            t.add(r)
        return t

    def by_model(self) -> dict[str, Totals]:
        return self._group(lambda r: r.model)

    def by_depth(self) -> dict[int, Totals]:
        return self._group(lambda r: r.depth)

    def by_role(self) -> dict[str, Totals]:
        return self._group(lambda r: r.role)

    def by_endpoint(self) -> dict[str, Totals]:
        """Calls per server base URL, for backends that name theirs (an endpoint fleet spreads one model over
        several); calls of backends that name none are left out."""
        out: dict[str, Totals] = {}
        for r in self.all_calls():
            if r.endpoint is not None:
                out.setdefault(r.endpoint, Totals()).add(r)
        return out

    def _group(self, key) -> dict:
        out: dict = {}
        for r in self.all_calls():
            out.setdefault(key(r), Totals()).add(r)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "depth": self.depth,
            "total": self.total().as_dict(),
            "by_model": {k: v.as_dict() for k, v in self.by_model().items()},
            "by_depth": {str(k): v.as_dict() for k, v in self.by_depth().items()},
            "by_endpoint": {k: v.as_dict() for k, v in self.by_endpoint().items()},
            "calls": [asdict(r) for r in self.calls],
            "children": [c.as_dict() for c in self.children],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> UsageTree:
        node = cls(run_id=d["run_id"], depth=d["depth"])
        node.calls = [CallRecord(**r) for r in d["calls"]]
        node.children = [cls.from_dict(c) for c in d["children"]]
        return node
