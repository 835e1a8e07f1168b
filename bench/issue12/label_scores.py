"""Does scoring each label by the sub-model's first-token probabilities label oolong's sampled posts better
than its greedy reply?

Takes the labelling prompts the runs named recorded (each prompt once), asks the embedded model each again for
one token with its top log-probabilities, and compares, against the generator's label: the reply as recorded;
the label with most probability summed over its first tokens' surface forms ("Travel", "travel", " travel":
a small model spreads one answer over them); and that sum divided by the same sum for a content-free text
("N/A" in place of the post: contextual calibration, Zhao et al. 2021), which takes out the model's lean to a
label by its wording or place in the list.

    python3 bench/issue12/label_scores.py 32000 0,1,2 bench/issue12/after48-labels-32k
"""
import math
import sys

from oolong_lists import labelled_list, labelling_calls
from recursivelm import labelling as L
from recursivelm.bench.tasks import oolong_items as im
from recursivelm.models.embedded.backend import EmbeddedModel

TOP = 20
length, seeds, runs = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")], sys.argv[3:]
labels = im.LABELS
cases = {}  # prompt -> (truth, recorded label)
for run in runs:
    for seed in seeds:
        _, lines, gold = labelled_list(seed, length)
        where = {L.text_of(line): i for i, line in enumerate(lines)}
        for prompt, text, reply in labelling_calls(run, length, seed):
            cases.setdefault(prompt, (gold[where[text]], L.parse_label(reply, labels)))
server = EmbeddedModel()._load()


def scores(prompt):
    body = {"messages": [{"role": "user", "content": prompt}], "max_tokens": 1, "temperature": 0,
            "stream": False, "logprobs": True, "top_logprobs": TOP}
    top = server.handle_chat_completions(body)["choices"][0]["logprobs"]["content"][0]["top_logprobs"]
    out = dict.fromkeys(labels, 0.0)
    for t in top:
        word = t["token"].strip().lower()
        owners = [x for x in labels if len(word) >= 2 and x.startswith(word)]
        if len(owners) == 1:
            out[owners[0]] += math.exp(t["logprob"])
    return out


free = {}
tally = {"recorded": 0, "summed": 0, "calibrated": 0}
changed = []
for k, (prompt, (truth, recorded)) in enumerate(sorted(cases.items())):
    head = prompt.split("Text: ", 1)[0]
    if head not in free:
        free[head] = scores(head + "Text: N/A")
    s = scores(prompt)
    summed = max(s, key=s.get)
    cal = {x: s[x] / max(free[head][x], 1e-4) for x in labels}
    calibrated = max(cal, key=cal.get)
    for name, got in (("recorded", recorded), ("summed", summed), ("calibrated", calibrated)):
        tally[name] += got == truth
    if len({recorded, summed, calibrated, truth}) > 1:
        print(f"{truth:10} recorded {str(recorded):10} summed {summed:10} calibrated {calibrated:10} "
              f"{prompt.split('Text: ', 1)[1][:70]}", flush=True)
print(f"{len(cases)} prompts; right: {tally}")
print("content-free:", {h[-60:]: {x: round(p, 3) for x, p in f.items()} for h, f in free.items()})
