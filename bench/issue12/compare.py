"""The issue-12 slice, run by run: mean score per task (and per seed), tokens, latency, budget-outs.

    python3 bench/issue12/compare.py 64000 before=bench/issue12/before/results.jsonl \
        after2=bench/issue12/after2/results.jsonl after3=bench/issue12/after3/results.jsonl
    python3 bench/issue12/compare.py 64000 --seeds 0,1,2 after5=bench/issue12/after5/results.jsonl

A run may be several files joined by "+" (rows of tasks rerun at a later commit replace the earlier ones):
    after18=bench/issue12/after16/results.jsonl+bench/issue12/after18-count/results.jsonl

Only the seeds every run in the table has are compared (default 0,1). The spread is the standard
deviation of the per-seed means (each seed's mean over the tasks).
"""
import collections
import json
import statistics as st
import sys

args = sys.argv[1:]
length = int(args.pop(0))
seeds = (0, 1)
if args and args[0] == "--seeds":
    args.pop(0)
    seeds = tuple(int(s) for s in args.pop(0).split(","))
runs = [tuple(a.split("=", 1)) for a in args]
data = {}
for name, paths in runs:
    d = collections.defaultdict(dict)
    for path in paths.split("+"):  # a run made of several: a later file's rows replace the earlier's
        for line in open(path):
            r = json.loads(line)
            if r["length"] == length:
                d[r["task"]][r["seed"]] = r
    data[name] = d
tasks = ["sniah", "sniah-paraphrase", "multihop", "codeqa", "codetree", "count", "oolong", "oolong-pairs", "babi"]
print("| task | " + " | ".join(n for n, _ in runs) + " |")
print("|---|" + "---|" * len(runs))
scores = collections.defaultdict(dict)  # run -> (task, seed) -> score
toks, lats, budget = collections.defaultdict(list), collections.defaultdict(list), collections.Counter()
for t in tasks:
    cells = []
    for n, _ in runs:
        rs = [data[n][t].get(s) for s in seeds]
        if not all(rs):
            cells.append("–")
            continue
        sc = [r["score"] for r in rs]
        b = sum(r["status"] == "budget" for r in rs)
        budget[n] += b
        scores[n].update({(t, s): x for s, x in zip(seeds, sc)})
        toks[n].extend(r["input_tokens"] + r["output_tokens"] for r in rs)
        lats[n].extend(r["latency_s"] for r in rs)
        cells.append(f"{sum(sc) / len(sc):.2f} ({', '.join(f'{x:.2f}' for x in sc)})" + (f" [{b} budget]" if b else ""))
    print(f"| {t} | " + " | ".join(cells) + " |")
for n, _ in runs:
    if scores[n]:
        all_scores = list(scores[n].values())
        per_seed = [st.mean(x for (t, s), x in scores[n].items() if s == seed) for seed in seeds]
        spread = st.stdev(per_seed) if len(per_seed) > 1 else 0.0
        print(f"{n}: mean {st.mean(all_scores):.3f} over {len(all_scores)} queries (seeds {list(seeds)}); per-seed means "
              f"{[round(m, 3) for m in per_seed]} (sd {spread:.3f}); median tokens {st.median(toks[n]):.0f}; "
              f"median latency {st.median(lats[n]):.0f}s; budget-outs {budget[n]}")
