"""Choose again among the samples of a `--samples K` bench run with the current `consistency.choose`.

The choice is pure (answers, cell outputs, context), so a rule changed after a run can be measured on
the run's logs without the model:

    python3 bench/issue12/rechoose.py bench/issue12/k3-seed2/results.jsonl

Prints, per query, the score logged, the score of the answer chosen now and that of sample 1 (the
answer samples=1 would give), then the mean of the answers chosen now.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from recursivelm.bench import scoring  # noqa: E402
from recursivelm.bench.tasks import generate  # noqa: E402
from recursivelm.consistency import Sample, choose  # noqa: E402


def samples_of(trajectory: Path) -> list[Sample]:
    events = [json.loads(line) for line in trajectory.open()]
    roots = [e["run"] for e in events if e["type"] == "run_start" and e["depth"] == 0]
    samples = []
    for run in roots:
        ends = [e for e in events if e["run"] == run and e["type"] == "run_end"]
        outputs = [e["output"] for e in events if e["run"] == run and e["type"] == "cell_end"]
        samples.append(Sample(ends[0]["answer"] if ends else None, outputs))
    return samples


def main(results: Path) -> None:
    chosen_scores = []
    for line in results.open():
        row = json.loads(line)
        trajectory = results.parent / "trajectories" / f"{row['task']}-{row['length']}-{row['seed']}-{row['method']}.jsonl"
        samples = samples_of(trajectory)
        instance = generate(row["task"], row["seed"], row["length"])
        answer = samples[choose(samples, instance.context).winner].answer
        score = scoring.score(instance.scorer, answer, instance.gold)
        first = scoring.score(instance.scorer, samples[0].answer, instance.gold)
        chosen_scores.append(score)
        answers = [(s.answer or "")[:25] for s in samples]
        print(f"{row['task']:18} seed {row['seed']}: logged {row['score']:.2f}, chosen now {score:.2f}, "
              f"sample 1 {first:.2f}; answers {answers}")
    print(f"mean of the answers chosen now: {sum(chosen_scores) / len(chosen_scores):.3f} over {len(chosen_scores)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
