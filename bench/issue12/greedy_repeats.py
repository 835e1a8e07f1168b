"""Does a greedy (temperature 0) call of the embedded model repeat exactly? Asked twice in a row (the second
reuses the prompt cache unless --no-prompt-cache), and two at a time (batched together) against alone.

    python3 bench/issue12/greedy_repeats.py [--no-prompt-cache]

Prints one JSON line: for each comparison, whether each reply came out identical, and where the first
difference falls. A model job: run it alone."""

from __future__ import annotations

import argparse
import asyncio
import json

from recursivelm.models.embedded import EmbeddedModel

REPORT = ("The harbour office at Lindqvist recorded forty-two arrivals in March, most of them grain barges from "
          "the upper river, and the customs clerk noted that three of the barges carried undeclared timber. ")
PROMPTS = [
    "Summarise in about 80 words, then list three open questions:\n\n" + REPORT * 6,
    "Rewrite this as a short report for a harbour master, about 80 words, with a title:\n\n" + REPORT * 5
    + "The weather was poor.",
    "Explain step by step how a customs clerk might detect undeclared timber on a barge. About 100 words.",
]
REPLY_TOKENS = 120


def first_difference(a: str, b: str) -> int | None:
    if a == b:
        return None
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


async def main(prompt_cache: bool) -> dict:
    model = EmbeddedModel(prompt_cache=prompt_cache)

    async def ask(prompt: str) -> str:
        return (await model.complete([{"role": "user", "content": prompt}], max_tokens=REPLY_TOKENS)).text

    try:
        alone = [await ask(p) for p in PROMPTS]
        again = [await ask(p) for p in PROMPTS]
        pair_a = await asyncio.gather(ask(PROMPTS[0]), ask(PROMPTS[1]))
        pair_b = await asyncio.gather(ask(PROMPTS[1]), ask(PROMPTS[2]))
    finally:
        await model.aclose()
    batched = list(zip([alone[0], alone[1], alone[1], alone[2]], [*pair_a, *pair_b]))
    return {"prompt_cache": prompt_cache,
            "asked_again_differs_at": [first_difference(a, b) for a, b in zip(alone, again)],
            "two_at_a_time_differs_at": [first_difference(a, b) for a, b in batched]}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-prompt-cache", action="store_true", help="every call reads its whole prompt again")
    print(json.dumps(asyncio.run(main(not parser.parse_args().no_prompt_cache))))
