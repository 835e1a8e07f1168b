"""The suite rows whose first reading gathers more than reading.MAX_CHECKED_PASSAGES passages: the rows that
issue 12's eighth step (checking the first-chosen 12 of many) can change; every other row's reading is the
same prompts as before. A count question is read from tally(), not from passages, and is left out. Within
the window (4K) a question naming nothing the text holds in few places is read whole (first_reading rule
3): oolong and oolong-pairs at 4K are listed but read no passages, so they were not rerun (38 rows were).

    PYTHONPATH=src python3 bench/issue12/many_passages.py
"""
from recursivelm import evidence, first_reading, reading
from recursivelm.bench.tasks import TASKS, generate

GRID = [(4000, range(3)), (32000, range(3)), (64000, range(6)), (128000, range(3))]

for length, seeds in GRID:
    for task in TASKS:
        for seed in seeds:
            instance = generate(task, seed, length)
            if first_reading.how_counted(instance.context, instance.question):
                continue
            n = len(evidence.gather(instance.context, instance.question))
            if n > reading.MAX_CHECKED_PASSAGES:
                print(length, task, seed, n, flush=True)
