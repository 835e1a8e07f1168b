"""Where oolong's count errors come from: the sub-model's labels of the sample, or the word model's extension.

Model-free: reads the labelling prompts and replies a bench run recorded in its trajectories, and for each seed
prints (1) the sampled items the sub-model labelled wrong or with no label (where an item was read more than
once, the label two reads name, as classify() keeps it), (2) the whole list's labels when the
sample's labels are the generator's own (the extension alone), as the run had them (replies naming no label
dropped, as classify() drops them), and with those unlabelled replies given the right label (what a reply
constrained to the label names gave for all five of them in a probe at 32K seeds 0-2).

    python3 bench/issue12/sample_errors.py 32000 bench/issue12/after48-labels-32k 0,1,2
"""
import collections
import sys

from oolong_lists import labelled_list, labelling_calls
from recursivelm import labelling as L
from recursivelm.bench.tasks import oolong_items as im

length, run_dir = int(sys.argv[1]), sys.argv[2]
for seed in [int(s) for s in sys.argv[3].split(",")]:
    _, lines, gold = labelled_list(seed, length)
    where = {L.text_of(line): i for i, line in enumerate(lines)}
    features = L.features_of(lines)
    reads = collections.defaultdict(list)  # item -> the labels its reads named, in the order read
    for _, text, reply in labelling_calls(run_dir, length, seed):
        reads[where[text]].append(L.parse_label(reply, im.LABELS))
    replied, unlabelled_answered = {}, {}
    for i, named in reads.items():
        # One read (a run before LABEL_READS): its label; more: the label two of them name (classify()'s rule).
        label = named[0] if len(named) == 1 else next((x for x in named if x and named.count(x) >= 2), None)
        if label != gold[i]:
            print(f"{seed} sample: {gold[i]} labelled {label} (reads: {named}): {L.text_of(lines[i])[:90]}")
        if label:
            replied[i] = label
        unlabelled_answered[i] = label or gold[i]
    truth = collections.Counter(gold)
    perfect = {i: gold[i] for i in unlabelled_answered}
    for name, known in (("sample labels the generator's", perfect), ("as run", replied),
                        ("unlabelled replies answered", unlabelled_answered)):
        labels = L.extend(features, known, im.LABELS)
        counts = collections.Counter(labels)
        right = sum(a == b for a, b in zip(labels, gold))
        print(f"{seed} {name}: {right} of {len(gold)} right, counts off by "
              f"{sum(abs(counts[x] - truth[x]) for x in im.LABELS)}: {({x: counts[x] - truth[x] for x in im.LABELS})}")
