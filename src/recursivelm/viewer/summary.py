"""The header of the page: answer, status, the limit that fired, and where the calls and money went.

Totals are recomputed from the events alone (a log is all the viewer has), counting exactly what the
engine's UsageTree counts: every root_call, and every sub_call that reached a model (a cache hit or a
failed call never did, so it is counted apart).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .reader import Event


@dataclass
class Tally:
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0  # calls whose cost nobody knows: not in `cost`
    cache_hits: int = 0
    errors: int = 0

    def add_call(self, event: Event) -> None:
        self.calls += 1
        self.input_tokens += event.get("input_tokens") or 0
        self.output_tokens += event.get("output_tokens") or 0
        if event.get("cost") is None:
            self.unpriced_calls += 1
        else:
            self.cost += event["cost"]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "cost": round(self.cost, 8)}


def reached_a_model(event: Event) -> bool:
    return event["type"] == "root_call" or (not event.get("cached") and not event.get("error"))


def usage_totals(events: list[Event]) -> dict[str, Any]:
    """Calls, tokens and cost in total, per model and per depth (a sub-call is one level below its run)."""
    total, by_model, by_depth = Tally(), {}, {}
    for e in events:
        if e["type"] not in ("root_call", "sub_call"):
            continue
        tallies = (total, by_model.setdefault(e.get("model", "?"), Tally()), by_depth.setdefault(e["depth"], Tally()))
        for tally in tallies:
            if reached_a_model(e):
                tally.add_call(e)
            elif e.get("cached"):
                tally.cache_hits += 1
            else:
                tally.errors += 1
    return {
        "total": total.as_dict(),
        "by_model": {name: t.as_dict() for name, t in sorted(by_model.items())},
        "by_depth": {str(depth): t.as_dict() for depth, t in sorted(by_depth.items())},
    }


def is_sample_start(event: Event) -> bool:
    """The run_start of self-consistency's sample 2..K (RLM(samples=K)): depth 0, under the root's run_start."""
    return event["type"] == "run_start" and event["depth"] == 0 and event.get("parent") is not None


def summarize(events: list[Event]) -> dict[str, Any]:
    """Everything the header shows, for one root run (the first run_start in `events`) and its children. With
    samples (RLM(samples=K)), the answer, status and limit are the chosen sample's, the iterations and the
    usage all samples' together, and "finished" waits for the choice."""
    root = next((e for e in events if e["type"] == "run_start" and e.get("parent") is None), None)
    if root is None:
        return {"started": False, "finished": False, "usage": usage_totals([])}
    samples = next((e for e in events if e["type"] == "samples"), None)
    sample_runs = [root["run"], *(e["run"] for e in events if is_sample_start(e))]
    chosen = samples.get("chosen", 1) if samples else 1
    root_run = sample_runs[chosen - 1] if 1 <= chosen <= len(sample_runs) else root["run"]  # the chosen sample's
    end = next((e for e in events if e["type"] == "run_end" and e["run"] == root_run), None)
    last_end = next((e for e in events if e["type"] == "run_end" and e["run"] == sample_runs[-1]), None)
    answer = next((e for e in reversed(events) if e["type"] == "answer" and e["run"] == root_run), None)
    limits = [{k: e.get(k) for k in ("run", "depth", "limit", "detail", "t")} for e in events if e["type"] == "limit"]
    root_limit = next((lim for lim in limits if lim["run"] == root_run), None)
    counts = {kind: 0 for kind in ("run_start", "root_call", "cell_start", "sub_call")}
    for e in events:
        if e["type"] in counts and not is_sample_start(e):
            counts[e["type"]] += 1
    return {
        "started": True,
        # More samples may follow a sample's end: a run with samples is finished when the choice is logged
        # (or its last sample was interrupted).
        "finished": samples is not None or (last_end is not None and (len(sample_runs) == 1 or
                                                                     last_end.get("status") == "interrupted")),
        "question": root.get("question", ""),
        "model": root.get("model", ""),
        "sub_model": root.get("sub_model", ""),
        "context": root.get("context", {}),
        "status": end["status"] if end else "running",
        "answer": end.get("answer") if end else (answer or {}).get("answer"),
        "answer_via": (answer or {}).get("via"),
        "limit": (end or {}).get("limit") or (root_limit or {}).get("limit"),
        "limit_detail": (root_limit or {}).get("detail"),
        "limits_fired": limits,
        "error": (end or {}).get("error"),
        "wall_time_s": (samples["t"] if samples else end["wall_time_s"] if end  # samples: all of them, one by one
                        else max((e["t"] for e in events), default=0.0)),
        "runs": counts["run_start"],  # the root and its child runs (samples 2..K are in "samples")
        "iterations": sum(1 for e in events if e["type"] == "root_call" and e["run"] in sample_runs and not e.get("aside")),
        "samples": None if samples is None else {k: samples.get(k) for k in ("asked", "ran", "stopped", "temperature",
                                                                             "candidates", "chosen")},
        "root_calls": counts["root_call"],
        "cells": counts["cell_start"],
        "sub_calls": counts["sub_call"],
        "usage": usage_totals(events),
    }
