"""The fresh probe's record counts that wordings.line_kinds answers, on seeds 0-2 (twenty-third step).

The failed-logins count rests on the sub-model's pick of a kind of line, which varies from run to run (greedy
decoding is not bit-reproducible under batching): it is asked twice a seed. The tickets and bob's failed
uploads are picked by the question's stems: once a seed. Appends one JSON row a run to OUT.

    python3 bench/issue12/record_kinds_runs.py OUT
"""
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import fresh_probe  # noqa: E402
import probe_runs  # noqa: E402

from recursivelm import RLM, Limits  # noqa: E402

KINDS = ("log-count-other-words", "log-kinds", "count-planted")

with open(sys.argv[1], "a") as out:
    for seed in (0, 1, 2):
        for case in fresh_probe.cases(seed):
            if case["kind"] not in KINDS:
                continue
            for run in (0, 1) if case["kind"] == "log-count-other-words" else (0,):
                started = time.monotonic()
                result = RLM(model="embedded", limits=Limits(deadline_s=probe_runs.DEADLINE_S)).run(
                    case["context"], case["question"])
                usage = result.usage.total()
                row = {"seed": seed, "run": run, "kind": case["kind"], "gold": case["gold"], "answer": result.answer,
                       "right": fresh_probe.right(case["gold"], result.answer),
                       "seconds": round(time.monotonic() - started, 1), "tokens": usage.input_tokens + usage.output_tokens}
                out.write(json.dumps(row) + "\n")
                out.flush()
                print(row, flush=True)
