"""What the small root answers over a table where no reading of code settles the question: the probe sets' questions
over tables, time-stamped logs and Python trees asked with code's readings of them turned off, as if each kind were
one no code reads (issue 12).

Two fallbacks, on the same questions and seeds:
- `rows`: the root is given the rows (a log's lines) as typed dicts (`table_rows()`) and writes the code
  (first_reading.ROWS);
- `reader`: the engine before it: the passages find() gathers read by the sub-model (or the whole text, within
  the window), the root answering from that reading.

    python bench/issue12/fallback_probe.py --fallback rows --sets N,O,P --seed 0 --out rows.jsonl

Resumable: questions already in --out are skipped. Needs the embedded model.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from recursivelm import code_counts, code_relations, first_reading, log_lines, records, tables

sys.path.insert(0, str(Path(__file__).parent))
import fresh_probe  # noqa: E402  (beside this script)
from probe_runs import append, asked, done_questions, tally  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fallback", choices=["rows", "reader"], required=True)
    parser.add_argument("--sets", required=True, help="the probe sets whose table questions to ask, e.g. N,O,P")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--model", default="embedded")
    parser.add_argument("--log-dir", help="write each question's trajectory here, as <set>-<kind>.jsonl")
    parser.add_argument("--kinds", help="ask only these kinds of case (comma-separated), e.g. log-span,log-percentile")
    args = parser.parse_args()
    # No reading of code: every kind is one code does not read.
    records.settled = code_counts.answer = lambda context, question: None
    if args.fallback == "reader":
        first_reading.rows_asked = lambda context, question: False
    out = Path(args.out)
    done = done_questions(out)
    for item in fresh_probe.cases(args.seed):
        context, question = item["context"], item["question"]
        if item.get("set", "A") not in args.sets.split(",") or question in done:
            continue
        if not asked_of_rows(context, question) or (args.kinds and item["kind"] not in args.kinds.split(",")):
            continue
        log = Path(args.log_dir, f"{item.get('set', 'A')}-{item['kind']}.jsonl") if args.log_dir else None
        row = {"fallback": args.fallback, "set": item.get("set", "A"), "kind": item["kind"], "question": question,
               "gold": item["gold"], "seed": args.seed, **asked(args.model, context, question, log)}
        row["right"] = fresh_probe.right(item["gold"], row["answer"], item.get("exclude", ()))
        append(out, row, f"{row['set']} {item['kind']:26}")
    tally(out)


def asked_of_rows(context, question: str) -> bool:
    """A question over a table, a time-stamped log or a Python tree: the contexts first_reading.rows_asked gives
    rows for."""
    if not isinstance(context, (str, dict, list)):
        return False
    if tables.table_for(context, question) is not None:
        return True
    if isinstance(context, dict):
        return bool(code_relations.syntax_trees(context))
    return isinstance(context, str) and log_lines.stamped(context[:first_reading.LOG_SNIFF_CHARS].splitlines())


if __name__ == "__main__":
    main()
