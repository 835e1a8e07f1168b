"""How many of each label's gloss words to show in classify()'s prompts: six against two, on oolong lists.

For each seed: the sub-model labels classify()'s own sample of 96 with each prompt, the word model extends the
labels to every item, and the whole list is scored against the generator's labels (one JSON line per seed and
variant). Needs the embedded model; ~3 minutes a seed on 2 cores.

    python3 bench/issue12/gloss_words.py 32000 0,1,2,3,4,5 OUT.jsonl
"""
import json, sys, time
from recursivelm.bench.tasks import oolong, oolong_items as im
from recursivelm import labelling as L
from recursivelm.models.embedded.backend import EmbeddedModel
captured = {}
orig = im.render
im.render = lambda items: (captured.__setitem__('items', items), orig(items))[1]
m = EmbeddedModel()
def ask(prompt, max_tokens=6):
    return m.complete_sync([{"role": "user", "content": prompt}], max_tokens=max_tokens).text
length = int(sys.argv[1]); out = open(sys.argv[3], "a")
for seed in [int(s) for s in sys.argv[2].split(",")]:
    inst = oolong.build(seed, length, {s.name: s.default for s in oolong.SETTINGS})
    items = captured['items']; lines = [it.line() for it in items]; gold = [it.label for it in items]
    feats = L.features_of(lines)
    first = [i for f in L.anchored(lines, inst.question).values() for i in f]
    picked = list(range(len(lines))) if len(lines) <= 96 else L.choose_sample(feats, 96, first)
    labels = list(im.LABELS)
    gl = []
    for lab in labels:
        words = [w.strip(" .;:\"'") for w in ask(L.GLOSS_PROMPT.format(label=lab), 30).strip().split("\n", 1)[0].split(",")]
        gl.append([w for w in words if w and w.lower() != lab.lower() and len(w) < 40])
    for n_words in (6, 2):
        glossed = "; ".join(f"{lab} ({', '.join(g[:n_words])})" if g else lab for lab, g in zip(labels, gl))
        known = {}
        for i in picked:
            lab = L.parse_label(ask(L.LABEL_PROMPT.format(noun="topics", singular="topic", categories=glossed, item=L.text_of(lines[i]))), labels)
            if lab: known[i] = lab
        full = L.extend(feats, known, labels)
        cnt = {l: full.count(l) for l in labels}; gcnt = {l: gold.count(l) for l in labels}
        rec = dict(length=length, seed=seed, words=n_words, sample_right=sum(known.get(i) == gold[i] for i in picked),
                   all_right=sum(a == b for a, b in zip(full, gold)), n=len(lines),
                   count_abs_err=sum(abs(cnt[l] - gcnt[l]) for l in labels), counts=cnt, gold=gcnt)
        print(rec, flush=True); out.write(json.dumps(rec) + "\n"); out.flush()
