"""Two runs of the suite side by side, query by query: what a change (a prompt, a model, a setting) did.

    rlm bench compare runs/before runs/after --methods rlm,rlm-nosub

Each side is a suite folder or a results.jsonl file. Only queries both sides ran are compared (same task,
length, seed and method, and the same generated instance: the fingerprints must match, else the pair is
listed as not comparable). Per method: the mean score and median tokens of each side, then one row per
query with both scores, both token counts and both answers.
"""

from __future__ import annotations

from pathlib import Path
from statistics import mean, median

from .methods.base import BUDGET, ERROR, Record
from .report import _table, fmt_tokens
from .results import RESULTS_FILE, Key, latest, load_records

ANSWER_CHARS = 60  # answers are cut to this in the table


def load_side(path: str | Path) -> dict[Key, Record]:
    path = Path(path)
    file = path / RESULTS_FILE if path.is_dir() else path
    if not file.exists():
        raise ValueError(f"{path}: no {RESULTS_FILE} there: give a suite folder or a results.jsonl file")
    return latest(load_records(file))


def compare(before: dict[Key, Record], after: dict[Key, Record], methods: list[str] | None = None,
            names: tuple[str, str] = ("before", "after")) -> str:
    a_name, b_name = names
    keys = sorted(k for k in before.keys() & after.keys() if methods is None or before[k].method in methods)
    if not keys:
        raise ValueError("the two runs have no query in common" + (f" for methods {', '.join(methods)}" if methods else ""))
    lines = [f"# {a_name} vs {b_name}", ""]
    by_method: dict[str, list[Key]] = {}
    for k in keys:
        by_method.setdefault(before[k].method, []).append(k)
    for method, mkeys in by_method.items():
        pairs = [(before[k], after[k]) for k in mkeys if before[k].fingerprint == after[k].fingerprint]
        mismatched = [k for k in mkeys if before[k].fingerprint != after[k].fingerprint]
        lines += [f"## `{method}`", ""]
        if pairs:
            lines.append(
                f"{len(pairs)} queries: mean score {mean(a.score for a, _ in pairs):.2f} → "
                f"{mean(b.score for _, b in pairs):.2f}; median tokens per query "
                f"{fmt_tokens(median(_tokens(a) for a, _ in pairs))} → {fmt_tokens(median(_tokens(b) for _, b in pairs))}; "
                f"budget-outs {sum(a.status == 'budget' for a, _ in pairs)} → {sum(b.status == 'budget' for _, b in pairs)}.")
            lines.append("")
            rows = [[a.task, f"{a.length:,}", str(a.seed), f"{a.score:.2f} → {b.score:.2f}",
                     f"{fmt_tokens(_tokens(a))} → {fmt_tokens(_tokens(b))}",
                     f"{a.iterations} → {b.iterations}", _answer(a), _answer(b)] for a, b in pairs]
            lines += _table(["task", "length", "seed", "score", "tokens", "iterations",
                             f"answer ({a_name})", f"answer ({b_name})"], rows)
        if mismatched:
            lines += ["", "Not comparable (the instances differ: other generator or settings): "
                      + ", ".join(f"{k[0]} {k[1]:,} seed {k[2]}" for k in mismatched) + "."]
        lines.append("")
    return "\n".join(lines)


def _tokens(r: Record) -> int:
    return r.input_tokens + r.output_tokens


def _answer(r: Record) -> str:
    suffix = f" ({r.status})" if r.status in (BUDGET, ERROR) else ""
    text = "—" if r.prediction is None else " ".join(str(r.prediction).split())
    if len(text) > ANSWER_CHARS:
        text = text[:ANSWER_CHARS - 1] + "…"
    return text.replace("|", "\\|") + suffix
