"""What the issue-12 probes share when they ask: one question through `RLM.run` with the probes' deadline, and the
rows file each appends to and resumes from (fresh_probe.py, fallback_probe.py, heldout_code.py)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from recursivelm import RLM, Limits

DEADLINE_S = 180  # a query's deadline, as the suite's


def asked(model: str, context: Any, question: str, log: Path | None) -> dict[str, Any]:
    """The answer, status, seconds and tokens of one question asked with the defaults."""
    started = time.monotonic()
    result = RLM(model=model, limits=Limits(deadline_s=DEADLINE_S), log=log).run(context, question)
    total = result.usage.total()
    return {"answer": result.answer, "status": result.status, "seconds": round(time.monotonic() - started, 1),
            "tokens": total.input_tokens + total.output_tokens}


def done_questions(out: Path) -> set[str]:
    """The questions --out already holds: a run resumed skips them."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return {json.loads(line)["question"] for line in out.read_text().splitlines()} if out.exists() else set()


def append(out: Path, row: dict[str, Any], said: str) -> None:
    """Add a row to --out as it is asked (an interrupted run keeps it), and print one line of it."""
    with out.open("a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"{'RIGHT' if row['right'] else 'wrong'} {said} {row['seconds']:6}s -> {(row['answer'] or '')[:80]!r} "
          f"(gold {row['gold']!r})", flush=True)


def tally(out: Path) -> None:
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    print(f"{sum(r['right'] for r in rows)} of {len(rows)} right")
