"""How well a small model drives the loop, per prompt variant: the measurements behind the small profile.

Three kinds of question over generated logs ~4-8x the model's window (so nothing works without code):
a needle found by searching the question's words, a count, and a paraphrased needle whose question
shares no keyword with the fact except a name. Variants: the `small` profile (with the search/chunks/
ask_chunks helpers), `small-plain` (no helpers), and `small` with text-form FINAL refused.

    python bench/small_model_eval.py --model embedded --n 3 --out bench/RESULTS-small-model.md
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import time
from pathlib import Path

from recursivelm import RLM, Limits
from recursivelm.demo import needle_document
from recursivelm.models.registry import resolve_model
from recursivelm.prompts import load_profile

CITIES = ["Oslo", "Porto", "Lyon", "Gdansk", "Bergen", "Malmo", "Turin", "Ghent"]


def count_task(seed: int, target_tokens: int):
    rng = random.Random(seed)
    city = rng.choice(CITIES)
    lines, n = [], 0
    while sum(len(x) + 1 for x in lines) < target_tokens * 4:
        c = rng.choice(CITIES)
        n += c == city
        lines.append(f"Order #{rng.randint(10000, 99999)} was shipped to {c} on day {rng.randint(1, 365)}.")
    return "\n".join(lines), f"How many orders were shipped to {city}?", str(n)


def paraphrase_task(seed: int, target_tokens: int):
    doc = needle_document(target_tokens, seed=seed + 1000)
    station = doc.question.split("vault at ")[1].split(" station")[0]
    return doc.text, f"Which code opens the strongroom of the {station} site?", doc.answer


def needle_task(seed: int, target_tokens: int):
    doc = needle_document(target_tokens, seed=seed)
    return doc.text, doc.question, doc.answer


TASKS = {"needle": needle_task, "count": count_task, "paraphrase": paraphrase_task}


def variants() -> dict[str, object]:
    small = load_profile("small")
    no_text_final = dataclasses.replace(small, name="small-no-text-final", accept_text_final=False)
    return {"small": small, "small-plain": load_profile("small-plain"), "small-no-text-final": no_text_final}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="embedded")
    ap.add_argument("--n", type=int, default=3, help="instances per task")
    ap.add_argument("--times", type=float, default=4, help="document size in multiples of the model's window")
    ap.add_argument("--variants", default="small,small-plain,small-no-text-final")
    ap.add_argument("--tasks", default="needle,count,paraphrase")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--logs", type=Path, default=Path("bench/out/small-model"))
    args = ap.parse_args()

    model = resolve_model(args.model)
    target = int(model.context_window * args.times)
    rows = []
    for vname in args.variants.split(","):
        profile = variants()[vname]
        for task in args.tasks.split(","):
            for seed in range(args.n):
                context, question, gold = TASKS[task](seed, target)
                log = args.logs / f"{vname}-{task}-{seed}.jsonl"
                log.unlink(missing_ok=True)
                rlm = RLM(model, profile=profile, log=log, limits=Limits(max_iterations=6, deadline_s=600))
                started = time.monotonic()
                r = rlm.run(context, question)
                ok = r.answer is not None and gold.lower() in r.answer.lower() and (task != "count" or r.answer.strip() == gold)
                via = next((e.via for e in r.trajectory if e.type == "answer" and e.depth == 0), "-")
                rows.append(dict(variant=vname, task=task, seed=seed, ok=ok, answer=(r.answer or "")[:60], gold=gold,
                                 status=r.status, via=via, iterations=r.iterations,
                                 seconds=round(time.monotonic() - started, 1),
                                 sub_calls=r.usage.by_role().get("sub").calls if "sub" in r.usage.by_role() else 0))
                print(json.dumps(rows[-1]), file=sys.stderr, flush=True)

    lines = [f"Model: {model.name} (window {model.context_window:,} tokens); documents ~{target:,} tokens "
             f"({args.times:g}x the window); {args.n} instances per task; max 6 iterations.", "",
             "| variant | " + " | ".join(args.tasks.split(",")) + " | median s | answers via text FINAL |",
             "|---|" + "---|" * (len(args.tasks.split(",")) + 2)]
    for vname in args.variants.split(","):
        vrows = [r for r in rows if r["variant"] == vname]
        cells = [f"{sum(r['ok'] for r in vrows if r['task'] == t)}/{args.n}" for t in args.tasks.split(",")]
        text_final = sum(r["via"] == "text" for r in vrows)
        lines.append(f"| {vname} | " + " | ".join(cells) + f" | {statistics.median(r['seconds'] for r in vrows)} | "
                     f"{text_final}/{len(vrows)} |")
    report = "\n".join(lines)
    print(report)
    if args.out:
        args.out.write_text(f"# Small-model loop evaluation\n\nCommand: `python bench/small_model_eval.py "
                            f"{' '.join(sys.argv[1:])}`\n\n{report}\n\n## Runs\n\n```\n"
                            + "\n".join(json.dumps(r) for r in rows) + "\n```\n")


if __name__ == "__main__":
    main()
