"""results.jsonl -> report.md and its plots.

    rlm bench report DIR        # or: from recursivelm.bench.report import write_report; write_report(DIR)

The report has, per task, the mean score per method per length (budget-outs and errors counted in the
cell: "0.40 (2/5 budget)"), the median / p90 cost and latency per query; the cost per query by length;
a plain statement of where the RLM wins and loses, generated from those numbers; and two plots
(matplotlib, Agg): `score_vs_length.png` (one panel per task, one line per method) and
`cost_per_query.png` (tokens, latency and cost per query against length, one line per method).

A query that ran out of budget counts with the score of the answer it still gave (often 0); an error
counts as 0. Each cell says how many of its queries did either.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any, Iterable

from .methods.base import BUDGET, ERROR, Record
from .results import MANIFEST_FILE, RESULTS_FILE, format_length, latest, load_records

REPORT_FILE = "report.md"
SCORE_PLOT = "score_vs_length.png"
COST_PLOT = "cost_per_query.png"
RLM = "rlm"
MARGIN = 0.05  # score differences within this are called ties


def percentile(values: Iterable[float], q: float) -> float | None:
    """Linear-interpolation percentile (q in [0, 100]); None for no values."""
    data = sorted(values)
    if not data:
        return None
    rank = (len(data) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


@dataclass
class Cell:
    """The queries of one (task, method, length)."""

    records: list[Record]

    @property
    def n(self) -> int:
        return len(self.records)

    @property
    def score(self) -> float:
        return mean(r.score for r in self.records)

    @property
    def budget_outs(self) -> int:
        return sum(r.status == BUDGET for r in self.records)

    @property
    def errors(self) -> int:
        return sum(r.status == ERROR for r in self.records)

    def text(self) -> str:
        notes = []
        if self.budget_outs:
            notes.append(f"{self.budget_outs}/{self.n} budget")
        if self.errors:
            notes.append(f"{self.errors}/{self.n} error{'s' if self.errors > 1 else ''}")
        return f"{self.score:.2f}" + (f" ({', '.join(notes)})" if notes else "")


class Results:
    def __init__(self, records: list[Record], manifest: dict[str, Any] | None = None):
        self.records = records
        self.manifest = manifest or {}
        self.tasks = _ordered(r.task for r in records)
        self.lengths = sorted({r.length for r in records})
        self.methods = _ordered((r.method for r in records), first=_method_order())
        self.cells: dict[tuple[str, str, int], Cell] = {}
        grouped: dict[tuple[str, str, int], list[Record]] = defaultdict(list)
        for r in records:
            grouped[(r.task, r.method, r.length)].append(r)
        self.cells = {k: Cell(v) for k, v in grouped.items()}

    @classmethod
    def load(cls, out: str | Path) -> Results:
        out = Path(out)
        records = list(latest(load_records(out / RESULTS_FILE)).values())
        manifest_path = out / MANIFEST_FILE
        manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
        return cls(records, manifest)

    def cell(self, task: str, method: str, length: int) -> Cell | None:
        return self.cells.get((task, method, length))

    def of(self, method: str, task: str | None = None, length: int | None = None) -> list[Record]:
        return [r for r in self.records if r.method == method and (task is None or r.task == task)
                and (length is None or r.length == length)]


def _method_order() -> list[str]:
    from .methods import METHODS

    return list(METHODS)


def _ordered(values: Iterable[str], first: list[str] | None = None) -> list[str]:
    seen = list(dict.fromkeys(values))
    order = {name: i for i, name in enumerate(first or [])}
    return sorted(seen, key=lambda v: (order.get(v, len(order)), seen.index(v)))


# ---------------------------------------------------------------------------------------------
# formatting


def fmt_cost(value: float | None) -> str:
    if value is None:
        return "—"
    if value == 0:
        return "$0"
    return f"${value:.4f}" if value < 1 else f"${value:.2f}"


def fmt_seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}s" if value < 10 else f"{value:.0f}s"


def fmt_tokens(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.2f}M"
    if value >= 1_000:
        return f"{value / 1_000:.1f}K"
    return f"{value:.0f}"


def _p50_p90(values: list[float], fmt) -> str:
    if not values:
        return "—"
    return f"{fmt(percentile(values, 50))} / {fmt(percentile(values, 90))}"


def _cost_text(records: list[Record]) -> str:
    if any(r.unpriced_calls for r in records):
        return "unpriced"
    return _p50_p90([r.cost for r in records], fmt_cost)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


# ---------------------------------------------------------------------------------------------
# the statement


def findings(res: Results) -> list[str]:
    """Plain sentences on where the RLM wins and loses, from the mean scores and costs."""
    if RLM not in res.methods:
        return ["No `rlm` results: nothing to say about where the RLM wins."]
    others = [m for m in res.methods if m != RLM]
    if not others:
        return ["Only `rlm` ran: there is nothing to compare it with."]
    verdicts: dict[str, dict[str, list[str]]] = {"win": {}, "loss": {}, "tie": {}, "zero": {}}
    for task in res.tasks:
        for length in res.lengths:
            mine = res.cell(task, RLM, length)
            rivals = {m: c for m in others if (c := res.cell(task, m, length)) is not None}
            if mine is None or not rivals:
                continue
            best = max(rivals, key=lambda m: rivals[m].score)
            diff = mine.score - rivals[best].score
            if mine.score == 0 and rivals[best].score == 0:
                verdict, text = "zero", format_length(length)
            else:
                verdict = "win" if diff > MARGIN else "loss" if diff < -MARGIN else "tie"
                text = f"{format_length(length)} ({mine.score:.2f} vs {rivals[best].score:.2f} for `{best}`)"
            verdicts[verdict].setdefault(task, []).append(text)

    def listing(by_task: dict[str, list[str]]) -> str:
        return "; ".join(f"{task} at {', '.join(items)}" for task, items in by_task.items())

    lines = []
    if verdicts["win"]:
        lines.append(f"- **The RLM wins** (beats every other method by more than {MARGIN}): {listing(verdicts['win'])}.")
    if verdicts["loss"]:
        lines.append(f"- **The RLM loses** (another method scores more than {MARGIN} higher): "
                     f"{listing(verdicts['loss'])}.")
    if verdicts["tie"]:
        lines.append(f"- **Ties** (within {MARGIN} of the best other method): {listing(verdicts['tie'])}.")
    if verdicts["zero"]:
        lines.append(f"- **No method scores** on {listing(verdicts['zero'])}.")

    # Averages over the cells both methods ran, and what each query cost.
    rlm_records = res.of(RLM)
    for other in others:
        pairs = [(res.cells[(t, RLM, n)].score, c.score) for (t, m, n), c in res.cells.items()
                 if m == other and (t, RLM, n) in res.cells]
        if not pairs:
            continue
        mine, theirs = mean(p[0] for p in pairs), mean(p[1] for p in pairs)
        other_records = res.of(other)
        sentence = (f"- Against `{other}`: mean score {mine:.2f} vs {theirs:.2f} over {len(pairs)} task-length "
                    f"cell{'s' if len(pairs) > 1 else ''}; median tokens per query "
                    f"{fmt_tokens(percentile([r.input_tokens + r.output_tokens for r in rlm_records], 50))} vs "
                    f"{fmt_tokens(percentile([r.input_tokens + r.output_tokens for r in other_records], 50))}, "
                    f"median latency {fmt_seconds(percentile([r.latency_s for r in rlm_records], 50))} vs "
                    f"{fmt_seconds(percentile([r.latency_s for r in other_records], 50))}")
        costs = [r.cost for r in rlm_records + other_records]
        if any(costs) and not any(r.unpriced_calls for r in rlm_records + other_records):
            sentence += (f", median cost {fmt_cost(percentile([r.cost for r in rlm_records], 50))} vs "
                         f"{fmt_cost(percentile([r.cost for r in other_records], 50))}")
        lines.append(sentence + ".")
    outs = {m: (sum(r.status == BUDGET for r in res.of(m)), len(res.of(m))) for m in res.methods}
    if any(b for b, _ in outs.values()):
        lines.append("- Out of budget: " + ", ".join(f"`{m}` {b}/{n}" for m, (b, n) in outs.items()) + ".")
    smallest = min(c.n for c in res.cells.values())
    if smallest < 10:
        lines.append(f"- Cells hold as few as {smallest} quer{'y' if smallest == 1 else 'ies'}: "
                     f"a difference of one query's score is {1 / smallest:.2f}, so read small gaps as noise.")
    return lines


# ---------------------------------------------------------------------------------------------
# plots


def plot(res: Results, out: Path) -> list[str]:
    """Write the two plots; returns their file names (none when matplotlib is missing)."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    markers = "os^Dvx*P"
    style = {m: {"marker": markers[i % len(markers)], "label": m} for i, m in enumerate(res.methods)}

    def x_axis(ax) -> None:
        ax.set_xscale("log")
        ax.set_xticks(res.lengths)
        ax.set_xticklabels([format_length(n) for n in res.lengths])
        ax.minorticks_off()
        ax.set_xlabel("context length (tokens)")
        ax.grid(True, alpha=0.3)

    cols = min(3, len(res.tasks))
    rows = math.ceil(len(res.tasks) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.6 * cols, 3.6 * rows), squeeze=False)
    for ax, task in zip(axes.flat, res.tasks):
        for method in res.methods:
            points = [(n, c.score) for n in res.lengths if (c := res.cell(task, method, n)) is not None]
            if points:
                ax.plot(*zip(*points), **style[method])
        ax.set_title(task)
        ax.set_ylim(-0.03, 1.05)
        ax.set_ylabel("mean score")
        x_axis(ax)
    for ax in list(axes.flat)[len(res.tasks):]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 7), frameon=False)
    fig.tight_layout(rect=(0, 0.08 if rows == 1 else 0.05, 1, 1))
    fig.savefig(out / SCORE_PLOT, dpi=110)
    plt.close(fig)

    fig, axes = plt.subplots(1, 3, figsize=(15, 3.9), squeeze=False)
    priced = not any(r.unpriced_calls for r in res.records)
    panels = [("median tokens per query", lambda r: r.input_tokens + r.output_tokens, True),
              ("median latency per query (s)", lambda r: r.latency_s, True),
              ("median cost per query (USD)", lambda r: r.cost, False)]
    for ax, (title, value, log_y) in zip(axes.flat, panels):
        if title.startswith("median cost") and (not priced or not any(r.cost for r in res.records)):
            ax.text(0.5, 0.5, "unpriced calls: no costs" if not priced else "all $0 (a local model)",
                    transform=ax.transAxes, ha="center", va="center", alpha=0.6)
            ax.set_title(title)
            x_axis(ax)
            ax.set_yticks([])
            continue
        for method in res.methods:
            points = [(n, percentile([value(r) for r in res.of(method, length=n)], 50)) for n in res.lengths
                      if res.of(method, length=n)]
            if points:
                ax.plot(*zip(*points), **style[method])
        if log_y and any(value(r) > 0 for r in res.records):
            ax.set_yscale("log")
        ax.set_title(title)
        x_axis(ax)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=min(len(labels), 7), frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(out / COST_PLOT, dpi=110)
    plt.close(fig)
    return [SCORE_PLOT, COST_PLOT]


# ---------------------------------------------------------------------------------------------
# the report


def render(res: Results, plots: list[str]) -> str:
    model = res.manifest.get("model") or (res.records[0].model if res.records else "?")
    lines = ["# Benchmark report", ""]
    if not res.records:
        return "\n".join(lines + ["No results yet.", ""])
    statuses = defaultdict(int)
    for r in res.records:
        statuses[r.status] += 1
    budget_sets = list(dict.fromkeys(json.dumps(r.budgets, sort_keys=True) for r in res.records))
    budget_text = "; ".join(
        f"time {_budget(b.get('time_budget_s'), 's')}, tokens {_budget(b.get('token_budget'), '')}"
        for b in map(json.loads, budget_sets))
    lines += [
        f"Model: `{model}`. {len(res.records)} queries ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}); "
        f"tasks {', '.join(res.tasks)}; lengths {', '.join(format_length(n) for n in res.lengths)} (tokens, "
        f"estimated as characters / 4); methods {', '.join(res.methods)}.",
        f"Budget per query: {budget_text}" + (" (the runs differed)." if len(budget_sets) > 1 else "."),
        "",
        "## Where the RLM wins and loses",
        "",
        *findings(res),
        "",
    ]
    if SCORE_PLOT in plots:
        lines += [f"![Mean score against context length, one panel per task]({SCORE_PLOT})", ""]
    elif not plots:
        lines += ["(Plots skipped: matplotlib is not installed; `pip install 'recursivelm[bench]'`.)", ""]
    lines += ["## Scores", "",
              "Mean score per method and length. In brackets: queries that ran out of their time or token budget "
              "(scored on the answer they still gave) and errors (scored 0). Cost and latency: median / p90 per "
              "query over every length.", ""]
    for task in res.tasks:
        header = ["method", *[format_length(n) for n in res.lengths], "cost p50 / p90", "latency p50 / p90"]
        rows = []
        for method in res.methods:
            records = res.of(method, task=task)
            if not records:
                continue
            cells = [(c.text() if (c := res.cell(task, method, n)) else "—") for n in res.lengths]
            rows.append([f"`{method}`", *cells, _cost_text(records),
                         _p50_p90([r.latency_s for r in records], fmt_seconds)])
        n_values = sorted({c.n for (t, _, _), c in res.cells.items() if t == task})
        lines += [f"### {task}", "", f"Queries per cell: {', '.join(map(str, n_values))}.", "", *_table(header, rows), ""]

    lines += ["## Cost per query", "",
              "Median input + output tokens, latency and cost per query, by length (all tasks together); "
              "iterations and sub-calls are means.", ""]
    if COST_PLOT in plots:
        lines += [f"![Tokens, latency and cost per query against context length]({COST_PLOT})", ""]
    header = ["method", *[format_length(n) for n in res.lengths], "iterations", "sub-calls"]
    rows = []
    for method in res.methods:
        cells = []
        for n in res.lengths:
            records = res.of(method, length=n)
            if not records:
                cells.append("—")
                continue
            tokens = percentile([r.input_tokens + r.output_tokens for r in records], 50)
            cost = "unpriced" if any(r.unpriced_calls for r in records) else fmt_cost(percentile([r.cost for r in records], 50))
            cells.append(f"{fmt_tokens(tokens)} tok · {fmt_seconds(percentile([r.latency_s for r in records], 50))} · {cost}")
        records = res.of(method)
        rows.append([f"`{method}`", *cells, f"{mean(r.iterations for r in records):.1f}",
                     f"{mean(r.sub_calls for r in records):.1f}"])
    lines += [*_table(header, rows), ""]

    errors = [r for r in res.records if r.status == ERROR]
    if errors:
        lines += ["## Errors", ""]
        for r in errors[:20]:
            lines.append(f"- {r.task} {format_length(r.length)} seed {r.seed} `{r.method}`: {(r.error or '')[:300]}")
        if len(errors) > 20:
            lines.append(f"- ... and {len(errors) - 20} more (see results.jsonl)")
        lines.append("")
    lines += ["Made by `rlm bench report` from `results.jsonl` (one line per query: prediction, gold, score, tokens, "
              "cost, latency, iterations, sub-calls, status, method details).", ""]
    return "\n".join(lines)


def _budget(value: Any, unit: str) -> str:
    if value is None:
        return "none"
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value:,}{unit}"


def write_report(out: str | Path) -> Path:
    out = Path(out)
    res = Results.load(out)
    plots = plot(res, out) if res.records else []
    path = out / REPORT_FILE
    path.write_text(render(res, plots), encoding="utf-8")
    return path
