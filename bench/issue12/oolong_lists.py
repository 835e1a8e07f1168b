"""An oolong list with the generator's label for each item, for the measurement scripts beside this file.

The task's build() renders the items to text and keeps only their counts; the labels are caught on the way
to render().
"""
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
