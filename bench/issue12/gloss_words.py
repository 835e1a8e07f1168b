"""How many of each label's gloss words to show in classify()'s prompts: six against two, on oolong lists.

For each seed: the sub-model labels classify()'s own sample of 96 with each prompt, one prompt at a time, the
word model extends the labels to every item, and the whole list is scored against the generator's labels (one
JSON line per seed and variant). Needs the embedded model; ~3 minutes a seed on 2 cores.

    python3 bench/issue12/gloss_words.py 32000 0,1,2,3,4,5 OUT.jsonl
"""
import json
import sys

from oolong_lists import labelled_list
from recursivelm import labelling as L
from recursivelm.bench.tasks import oolong_items as im
from recursivelm.models.embedded.backend import EmbeddedModel

model = EmbeddedModel()


def ask(prompt, max_tokens=L.LABEL_REPLY_TOKENS):
    return model.complete_sync([{"role": "user", "content": prompt}], max_tokens=max_tokens).text


length, out = int(sys.argv[1]), open(sys.argv[3], "a")
for seed in [int(s) for s in sys.argv[2].split(",")]:
    instance, lines, gold = labelled_list(seed, length)
    features = L.features_of(lines)
    first = [i for found in L.anchored(lines, instance.question).values() for i in found]
    picked = list(range(len(lines))) if len(lines) <= L.SAMPLE_ITEMS else L.choose_sample(features, L.SAMPLE_ITEMS, first)
    labels = list(im.LABELS)
    six = L.glosses(labels, lambda prompts, max_tokens: [ask(p, max_tokens) for p in prompts], words=6)
    for words in (6, 2):
        categories = L.shown(labels, [", ".join(g.split(", ")[:words]) for g in six])
        known = {}
        for i in picked:
            reply = ask(L.LABEL_PROMPT.format(noun="topics", singular="topic", categories=categories, item=L.text_of(lines[i])))
            if label := L.parse_label(reply, labels):
                known[i] = label
        every = L.extend(features, known, labels)
        counts = {label: every.count(label) for label in labels}
        gold_counts = {label: gold.count(label) for label in labels}
        row = dict(length=length, seed=seed, words=words, sample_right=sum(known.get(i) == gold[i] for i in picked),
                   all_right=sum(a == b for a, b in zip(every, gold)), n=len(lines),
                   count_abs_err=sum(abs(counts[label] - gold_counts[label]) for label in labels),
                   counts=counts, gold=gold_counts)
        print(row, flush=True)
        out.write(json.dumps(row) + "\n")
        out.flush()
