"""Where the wall time went: every root call, cell and sub-call as a bar on one time axis.

Events carry `t` (seconds since the root run started) when they were written, which for a call is
when it ended; `duration_s` gives the start. Bars are grouped in rows by kind and depth; overlapping
bars in a row (parallel sub-calls, concurrent child runs) are stacked in lanes.
"""

from __future__ import annotations

from typing import Any

from .reader import Event

KIND_ORDER = {"root": 0, "cell": 1, "sub": 2}  # within a depth: what the model did, then what it ran
KIND_LABEL = {"root": "root calls", "cell": "cells", "sub": "sub-calls"}
EPSILON_S = 1e-6


def timeline(events: list[Event]) -> dict[str, Any]:
    """{"span_s", "rows": [{"kind", "depth", "label", "lanes", "bars": [[start, duration, lane, id, note]]}]}.

    A cell still running (live) is drawn up to the latest event, noted "running".
    """
    now = max((e["t"] for e in events), default=0.0)
    spans: dict[tuple[int, str], list[tuple[float, float, str, str]]] = {}
    open_cells: dict[str, Event] = {}

    def add(kind: str, depth: int, start: float, end: float, event_id: str, note: str = "") -> None:
        spans.setdefault((depth, kind), []).append((max(0.0, start), max(0.0, end - start), event_id, note))

    for e in events:
        kind = e["type"]
        if kind == "root_call":
            add("root", e["depth"], e["t"] - e.get("duration_s", 0.0), e["t"], e["id"], "answer now" if e.get("answer_now") else "")
        elif kind == "sub_call":
            note = "cached" if e.get("cached") else "error" if e.get("error") else ""
            add("sub", e["depth"], e["t"] - e.get("duration_s", 0.0), e["t"], e["id"], note)
        elif kind == "cell_start":
            open_cells[e["id"]] = e
        elif kind == "cell_end" and e.get("parent") in open_cells:
            start = open_cells.pop(e["parent"])
            add("cell", start["depth"], start["t"], e["t"], start["id"], "error" if e.get("error") else "")
    for start in open_cells.values():
        add("cell", start["depth"], start["t"], now, start["id"], "running")

    rows = []
    for (depth, kind), bars in sorted(spans.items(), key=lambda item: (item[0][0], KIND_ORDER[item[0][1]])):
        bars.sort(key=lambda b: b[0])
        lanes = _assign_lanes(bars)
        rows.append({
            "kind": kind,
            "depth": depth,
            "label": f"{KIND_LABEL[kind]} · depth {depth}",
            "lanes": max(lanes, default=-1) + 1,
            "bars": [[round(s, 4), round(d, 4), lane, event_id, note] for (s, d, event_id, note), lane in zip(bars, lanes)],
        })
    span = max((s + d for row in rows for s, d, *_ in row["bars"]), default=0.0)
    return {"span_s": round(max(span, now), 4), "rows": rows}


def _assign_lanes(bars: list[tuple[float, float, str, str]]) -> list[int]:
    """The lowest free lane for each bar (bars sorted by start), so parallel calls stack and serial ones share a lane."""
    lane_ends: list[float] = []
    lanes = []
    for start, duration, *_ in bars:
        lane = next((i for i, end in enumerate(lane_ends) if end <= start + EPSILON_S), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(0.0)
        lane_ends[lane] = start + duration
        lanes.append(lane)
    return lanes
