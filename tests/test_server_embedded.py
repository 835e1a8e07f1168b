"""`rlm serve` on the real embedded model: 16 concurrent requests, nothing lost, nothing mixed up.

All 16 runs share the one embedded model (its 2 llama.cpp slots; the rest wait in its queue) and each
runs in its own isolated sandbox. Requests are tiny on purpose (a two-sentence document with a code
word, a question naming its crate, at most 3 iterations): the test is about isolation under
concurrency, and it costs a few minutes of 2 CPU cores. Deselect with `-m "not embedded"`.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from openai import OpenAI

from recursivelm import Limits
from recursivelm.server.app import build_app
from recursivelm.server.background import BackgroundServer
from recursivelm.server.config import ServerConfig

pytestmark = pytest.mark.embedded

WORDS = ["AMBER", "COBALT", "VIOLET", "SAFFRON", "INDIGO", "MAROON", "TEAL", "OCHRE",
         "CRIMSON", "JADE", "CERULEAN", "MAGENTA", "SEPIA", "TURQUOISE", "VERMILION", "LAVENDER"]


def document(n: int) -> str:
    return f"Inventory note for crate {n}. The code word for crate {n} is {WORDS[n]}. Handle with care."


def question(n: int) -> str:
    return f"What is the code word for crate {n}? Reply with the code word only."


def test_sixteen_concurrent_requests_share_the_embedded_model_and_stay_apart():
    config = ServerConfig.from_specs("embedded", limits=Limits(max_iterations=3), max_concurrent_runs=16)
    started = time.monotonic()
    with BackgroundServer(build_app(config)) as url:
        api = OpenAI(base_url=url, api_key="unused", max_retries=0, timeout=900)

        def one(n: int) -> tuple[str, str]:
            messages = [{"role": "user", "content": f"<document>{document(n)}</document>\n{question(n)}"}]
            if n % 2:  # half stream, half do not
                chunks = list(api.chat.completions.create(model="rlm-embedded", messages=messages, stream=True))
                return chunks[0].id, "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
            response = api.chat.completions.create(model="rlm-embedded", messages=messages)
            return response.id, response.choices[0].message.content or ""

        with ThreadPoolExecutor(16) as pool:
            results = list(pool.map(one, range(16)))
        runs = [api.get(f"/rlm/runs/{run_id}", cast_to=object) for run_id, _ in results]
    wall = time.monotonic() - started

    assert len({run_id for run_id, _ in results}) == 16  # nothing lost: 16 distinct runs answered
    right = 0
    for n, ((run_id, answer), run) in enumerate(zip(results, runs, strict=True)):
        assert run["id"] == run_id and run["question"] == question(n)
        assert run["status"] in ("answered", "limit"), run["error"]
        assert run["trajectory"][0]["context"]["chars"] == len(document(n))  # its own document reached it
        others = [w for i, w in enumerate(WORDS) if i != n and w in answer.upper()]
        assert not others, f"request {n} answered {answer!r}: another request's code word"  # nothing mixed up
        right += WORDS[n] in answer.upper()
    totals = [run["usage"]["total"] for run in runs]
    print(f"\n16 concurrent requests on the embedded model: {wall:.0f}s wall, {right}/16 answered with their word; "
          f"{sum(r['iterations'] for r in runs)} iterations, {sum(t['calls'] for t in totals)} calls, "
          f"{sum(t['input_tokens'] for t in totals):,} prompt tokens ({sum(t['cached_tokens'] for t in totals):,} "
          f"cached), {sum(t['output_tokens'] for t in totals):,} completion tokens")
    # A 1.5B model may fumble a run; the pipeline must not: most runs find their own word.
    assert right >= 12, [a for _, a in results]
