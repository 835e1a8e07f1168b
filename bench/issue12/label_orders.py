"""Does a small sub-model's label for a post depend on where each label stands in the list it is shown?

Takes the labelling prompts recorded by the runs named (oolong's sampled posts, each prompt once) whose label
was wrong in any run, and a fixed random 40 of those right in all, and asks the embedded model each prompt
again as recorded and with the labels' list reversed. Prints each with the generator's label and both reads.

    python3 bench/issue12/label_orders.py 32000 0,1,2 bench/issue12/after48-labels-32k bench/issue12/oolong32-rerun-a bench/issue12/oolong32-rerun-b

Seen (embedded model, code at 8f83474): reversed, 12 of the 21 wrong got the generator's label, and 2 of the
40 right changed. ~2 minutes on 2 cores.
"""
import random
import sys

from oolong_lists import labelled_list, labelling_calls
from recursivelm import labelling as L
from recursivelm.bench.tasks import oolong_items as im
from recursivelm.models.embedded.backend import EmbeddedModel

length, seeds, runs = int(sys.argv[1]), [int(s) for s in sys.argv[2].split(",")], sys.argv[3:]
cases = {}  # prompt -> (generator's label, labels the runs read)
for run in runs:
    for seed in seeds:
        _, lines, gold = labelled_list(seed, length)
        where = {L.text_of(line): i for i, line in enumerate(lines)}
        for prompt, text, reply in labelling_calls(run, length, seed):
            cases.setdefault(prompt, (gold[where[text]], set()))[1].add(L.parse_label(reply, im.LABELS))
wrong = [p for p, (truth, read) in cases.items() if read != {truth}]
right = random.Random(1).sample(sorted(p for p in cases if p not in wrong), 40)
model = EmbeddedModel()


def label(prompt):
    return L.parse_label(model.complete_sync([{"role": "user", "content": prompt}], max_tokens=L.LABEL_REPLY_TOKENS).text,
                         im.LABELS)


tally = {"wrong": [0, 0], "right": [0, 0]}
for kind, prompts in (("wrong", wrong), ("right", right)):
    for prompt in prompts:
        truth = cases[prompt][0]
        listed = prompt.split("? Reply", 1)[0].split(": ", 1)[1]
        reversed_prompt = prompt.replace(listed, "; ".join(reversed(listed.split("; "))), 1)
        as_recorded, reversed_ = label(prompt), label(reversed_prompt)
        tally[kind][0] += reversed_ == truth
        tally[kind][1] += 1
        print(f"{kind} truth={truth} read={as_recorded} reversed={reversed_} | {prompt.split('Text: ', 1)[1][:70]}", flush=True)
print({kind: f"{n} of {total} have the generator's label when reversed" for kind, (n, total) in tally.items()})
