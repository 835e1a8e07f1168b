"""Model-free: which of the suite's questions code_counts answers, and how many of those it gets right.

    python3 bench/issue12/code_counts_check.py            # codeqa, seeds 0-11, 4K to 128K; the nine families at 4K

Prints, per length, codeqa's questions taken and right, then for each family the questions taken at 4K.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from recursivelm import code_counts  # noqa: E402
from recursivelm.bench.tasks import TASKS, generate  # noqa: E402

SEEDS = range(12)


def gold(instance) -> str:
    return str(instance.gold["answer"] if isinstance(instance.gold, dict) else instance.gold)


def main() -> None:
    for length in (4000, 32000, 64000, 128000):
        instances = [generate("codeqa", seed, length) for seed in SEEDS]
        taken = [(c, i) for i in instances if (c := code_counts.answer(i.context, i.question)) is not None]
        right = sum(c.answer == gold(i) for c, i in taken)
        print(f"codeqa {length}: {len(taken)} of {len(instances)} taken, {right} right")
    for task in TASKS:
        instances = [generate(task, seed, 4000) for seed in SEEDS]
        taken = sum(code_counts.answer(i.context, i.question) is not None for i in instances)
        print(f"{task} 4000: {taken} of {len(SEEDS)} taken")

if __name__ == "__main__":
    main()
