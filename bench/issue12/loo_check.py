"""Can the word model catch the sub-model's wrong labels in the sample before they spread?

Model-free: for each seed, the sampled items' labels as a run recorded them; each sampled label is checked
against a word model learnt from the other sampled items (leave one out). Prints how many flagged labels were
wrong, and the whole list's labels when flagged items are (a) kept, (b) dropped, (c) relabelled as the word
model has them.

    python3 bench/issue12/loo_check.py 32000 bench/issue12/after48-labels-32k 0,1,2
"""
import collections
import sys

from oolong_lists import labelled_list, labelling_calls
from recursivelm import labelling as L
from recursivelm.bench.tasks import oolong_items as im

length, run_dir = int(sys.argv[1]), sys.argv[2]
threshold = float(sys.argv[4]) if len(sys.argv) > 4 else 0.5
totals = collections.Counter()
for seed in [int(s) for s in sys.argv[3].split(",")]:
    _, lines, gold = labelled_list(seed, length)
    where = {L.text_of(line): i for i, line in enumerate(lines)}
    features = L.features_of(lines)
    known = {}
    for _, text, reply in labelling_calls(run_dir, length, seed):
        label = L.parse_label(reply, im.LABELS)
        if label:
            known[where[text]] = label
    flagged = {}
    for i in known:
        others = [(features[j], lab, 1.0) for j, lab in known.items() if j != i]
        p = L.WordModel(others, im.LABELS).posterior(features[i])
        best = max(p, key=p.get)
        if best != known[i] and p[best] >= threshold:
            flagged[i] = best
    wrong = {i for i in known if known[i] != gold[i]}
    hit = wrong & set(flagged)
    fixed = sum(flagged[i] == gold[i] for i in hit)
    print(f"seed {seed}: sample {len(known)}, wrong {len(wrong)}, flagged {len(flagged)} "
          f"(of them wrong {len(hit)}, word model right {fixed})")
    for i in flagged:
        print(f"   {'WRONG' if i in wrong else 'right'} {gold[i]:10} read {known[i]:10} loo {flagged[i]:10} {L.text_of(lines[i])[:70]}")
    for name, k in (("kept", known), ("dropped", {i: l for i, l in known.items() if i not in flagged}),
                    ("relabelled", {**known, **flagged})):
        labels = L.extend(features, k, im.LABELS)
        right = sum(a == b for a, b in zip(labels, gold))
        c, t = collections.Counter(labels), collections.Counter(gold)
        off = sum(abs(c[x] - t[x]) for x in im.LABELS)
        totals[name, "right"] += right
        totals[name, "off"] += off
        print(f"   {name:10} {right} of {len(gold)} right, counts off by {off}")
for name in ("kept", "dropped", "relabelled"):
    print(f"total {name}: right {totals[name, 'right']}, counts off by {totals[name, 'off']}")
