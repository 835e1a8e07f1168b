"""The issue-12 slice, run by run: mean score per task (and per seed), tokens, latency, budget-outs.

    python3 bench/issue12/compare.py 64000 before=bench/issue12/before/results.jsonl \
        after2=bench/issue12/after2/results.jsonl after3=bench/issue12/after3/results.jsonl
"""
import json, sys, collections, statistics as st
runs = [(name, path) for name, path in (a.split('=') for a in sys.argv[2:])]
length = int(sys.argv[1])
data = {}
for name, path in runs:
    d = collections.defaultdict(dict)
    try:
        for l in open(path):
            r = json.loads(l)
            if r['length'] == length: d[r['task']][r['seed']] = r
    except FileNotFoundError: pass
    data[name] = d
tasks = ['sniah','sniah-paraphrase','multihop','codeqa','codetree','count','oolong','oolong-pairs','babi']
print('| task | ' + ' | '.join(n for n,_ in runs) + ' |')
print('|---|' + '---|'*len(runs))
means = collections.defaultdict(list); toks = collections.defaultdict(list); lats=collections.defaultdict(list); budg=collections.Counter()
for t in tasks:
    cells = []
    for n,_ in runs:
        rs = [data[n][t].get(s) for s in (0,1)]
        if not all(rs): cells.append('–'); continue
        sc = [r['score'] for r in rs]
        b = sum(r['status']=='budget' for r in rs); budg[n]+=b
        means[n].extend(sc); toks[n].extend(r['input_tokens']+r['output_tokens'] for r in rs); lats[n].extend(r['latency_s'] for r in rs)
        cells.append(f"{sum(sc)/2:.2f} ({', '.join(f'{x:.2f}' for x in sc)})" + (f" [{b} budget]" if b else ""))
    print(f'| {t} | ' + ' | '.join(cells) + ' |')
for n,_ in runs:
    if means[n]:
        m = means[n]; per_task = [sum(m[i:i+2])/2 for i in range(0,len(m),2)]
        print(f"{n}: mean {sum(m)/len(m):.3f} over {len(m)} queries; per-seed means {[round(sum(m[j::2])/len(m[j::2]),3) for j in (0,1)]}; median tokens {st.median(toks[n]):.0f}; median latency {st.median(lats[n]):.0f}s; budget-outs {budg[n]}")
