"""An oolong list with the generator's label for each item, and the labelling prompts a run recorded, for the
measurement scripts beside this file.

The task's build() renders the items to text and keeps only their counts; the labels are caught on the way
to render().
"""
import json

from recursivelm.bench.tasks import oolong, oolong_items

_caught = {}
_render = oolong_items.render


def _catching_render(items):
    _caught["items"] = items
    return _render(items)


oolong_items.render = _catching_render


def labelled_list(seed: int, length: int):
    """(instance, the items' lines, each line's label) for oolong at `seed` and `length` tokens, default settings."""
    instance = oolong.build(seed, length, {s.name: s.default for s in oolong.SETTINGS})
    items = _caught.pop("items")
    return instance, [item.line() for item in items], [item.label for item in items]


def labelling_calls(run_dir: str, length: int, seed: int):
    """(prompt, the item's text, reply) of each labelling sub-call the run in `run_dir` recorded for oolong at
    `seed` and `length`, in the order made."""
    for line in open(f"{run_dir}/trajectories/oolong-{length}-{seed}-rlm.jsonl"):
        event = json.loads(line)
        if event.get("type") == "sub_call" and event["prompt"].startswith("Which one of these"):
            yield event["prompt"], event["prompt"].split("Text: ", 1)[1], event["reply"]
