"""`rlm` and `rlm-nosub`: our engine, with and without sub-calls.

`rlm` is `RLM(model, sub_model=model)` as a user would run it (profile "auto", the default `Limits` with
the query's budgets as `deadline_s` / `max_tokens`, overrides from `RunSettings.rlm_limits`).

`rlm-nosub` is the same loop with no model to call from code, done without touching the engine:
- its prompt never mentions a sub-call: the profile the engine would pick ("small" or "default") with
  its system prompt replaced by one that lists only `context`, `search`, `chunks`, `SHOW_VARS`, `FINAL`
  and `FINAL_VAR`, and says that no model reads text for the code;
- the sandbox's host functions (`llm_query`, `llm_query_batched`, `rlm_query`, and so `ask_chunks`)
  raise an error the model sees ("... is not available in this run"), instead of firing the engine's
  `max_sub_calls` limit, which would end the run;
- `Limits(max_sub_calls=0, max_depth=0)` as a backstop.

The engine's own limit that ends a run (`max_iterations`) is part of the method: the record's status is
"ok" and `details.limit` names it. Only the query's time and token budgets (`deadline_s`, `max_tokens`,
`max_cost`) make the status "budget".
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable

import jinja2

from ...engine import RLM, Result
from ...engine import sandbox_factory
from ...prompts import Profile
from ...protocols import CellResult, HostFunctions, Model, Sandbox
from ...settings import Limits
from ..tasks import Instance
from .base import BudgetExceeded, Meter, Outcome, RunSettings

BUDGET_LIMITS = {"deadline_s": "time", "max_tokens": "tokens", "max_cost": "tokens"}

_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)

# The small profile's system prompt without its sub-call tools and without the example that uses them.
NOSUB_SMALL_SYSTEM = '''
You answer a question about a long text. The text is stored in the Python variable `context`; it is too
long for you to read. You look at it by writing Python code in a ```python block. I run your code and
show you what it printed. Write exactly one ```python block per reply, then stop and wait for the output.

Available in your code:
- context: the text ({{ info.type_name }}, {{ "{:,}".format(info.chars) }} characters).
- search(pattern): the lines of the text matching a regex, with the lines around them.
- chunks(): the text cut into pieces of about {{ chunk_chars }} characters.
- FINAL(answer): give your final answer and stop.
No one else reads the text for you: find the answer with code (search, regexes, counting) and by
printing short parts of the text to read them yourself.

Rules: never assign to `context`. Never write the output yourself: wait for it. Answer with FINAL.

Example 1. Question: What is the access code for the north gate?
```python
print(search("north gate"))
```
Output:
--- line 5121:
Visitors must sign in at reception.
The access code for the north gate is 7731.
Deliveries use the east entrance.
```python
FINAL("7731")
```

Example 2. Question: How many orders were shipped to Oslo?
```python
import re
print(len(re.findall(r"shipped to Oslo", context)))
```
Output:
14
```python
FINAL(14)
```
'''

# The default profile's system prompt without its sub-call tools.
NOSUB_DEFAULT_SYSTEM = '''
You answer a question about an input (the "context") that is far too large to read in one go. The
context is NOT in this conversation: it is the variable `context` inside a persistent Python REPL, which
you control by writing code in ```repl blocks. After your reply, every ```repl block runs, in order, and
you are shown what it printed (long output is cut, so print summaries, counts and short slices, never
the whole context).

In the REPL:
- `context` — the input. Never reassign it (it is restored if you do).
- `search(pattern, window=1)` — lines matching a regex, with neighbouring lines.
- `chunks(text=None, size=None)` — the context split into pieces of about {{ chunk_chars }} characters.
- `SHOW_VARS()` — the variables you have made.
- `FINAL(answer)` — end with this answer. `FINAL_VAR("name")` — end with the value of a variable.

There is no model to call from code in this run: nothing reads or summarises text for you. Find the
answer with code (search, regular expressions, parsing, counting), and print short slices to read them
yourself. Variables persist between blocks.
Work step by step: inspect the context's structure, narrow down, read what matters, verify, answer.
Do not write the output of your code yourself: wait for the REPL to show it.
When you know the answer, call FINAL(...) inside a ```repl block.
'''


def nosub_profile(base: Profile) -> Profile:
    """`base` with a system prompt that offers no sub-calls."""
    source = NOSUB_SMALL_SYSTEM if base.cut_after_first_block else NOSUB_DEFAULT_SYSTEM
    return dataclasses.replace(base, name=f"{base.name}-nosub",
                               templates={**base.templates, "system": _ENV.from_string(source)})


def _refuse(name: str) -> Callable[..., Any]:
    def refused(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"{name}() is not available in this run: there are no sub-calls. "
                           f"Use code instead (search, regular expressions, counting).")

    refused.__name__ = name
    return refused


class NoSubCallSandbox:
    """Wraps a sandbox so that every host function (the sub-calls) refuses with an error the model sees."""

    def __init__(self, inner: Sandbox):
        self.inner = inner
        self.isolation = inner.isolation

    def start(self, context: Any, host_functions: HostFunctions) -> None:
        self.inner.start(context, {name: _refuse(name) for name in host_functions})

    def run_cell(self, code: str, timeout_s: float) -> CellResult:
        return self.inner.run_cell(code, timeout_s)

    def variables(self) -> dict[str, str]:
        return self.inner.variables()

    def close(self) -> None:
        self.inner.close()


def limits_for(meter: Meter, settings: RunSettings, suite_overrides: bool = True, **fixed: Any) -> Limits:
    """The engine's limits: the defaults, the suite's `rlm_limits` (for the RLM methods), the method's
    own `fixed` values, and what is left of the query's budgets."""
    values: dict[str, Any] = {**(settings.rlm_limits if suite_overrides else {}), **fixed}
    left = meter.time_left()
    if left is not None:
        if left <= 0:
            raise meter.exceeded() or BudgetExceeded("time", "no time left")
        values["deadline_s"] = left
    tokens_left = meter.tokens_left()
    if tokens_left is not None:
        if tokens_left <= 0:
            raise meter.exceeded() or BudgetExceeded("tokens", "no tokens left")
        values["max_tokens"] = tokens_left
    values.setdefault("answer_now_timeout_s", settings.answer_now_timeout_s)
    return Limits(**values)


async def run_engine(rlm: RLM, context: Any, question: str, meter: Meter) -> Outcome:
    """Run the engine once and put its usage, iterations and sub-calls on the meter."""
    result: Result = await rlm.arun(context, question)
    absorb(meter, result)
    details: dict[str, Any] = {"engine_status": result.status, "profile": rlm.profile.name}
    if result.limit:
        details["limit"] = result.limit
    budget = BUDGET_LIMITS.get(result.limit) if result.status == "limit" else None
    if result.status == "failed":
        return Outcome(result.answer, details=details, error=result.error or "the run failed")
    if result.error:  # e.g. the answer-now turn failed
        details["engine_error"] = result.error
    return Outcome(result.answer, budget=budget, details=details)


def absorb(meter: Meter, result: Result) -> None:
    totals = result.usage.total()
    meter.model_calls += totals.calls
    meter.input_tokens += totals.input_tokens
    meter.output_tokens += totals.output_tokens
    meter.cached_tokens += totals.cached_tokens
    meter.cost += totals.cost
    meter.unpriced_calls += totals.unpriced_calls
    meter.iterations += result.iterations
    meter.sub_calls += sum(getattr(e, "count", 0) for e in result.trajectory if e.type == "sub_calls_queued")
    meter.details["child_runs"] = sum(1 for e in result.trajectory if e.type == "run_start" and e.depth > 0)


async def run(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    rlm = RLM(model=model, limits=limits_for(meter, settings), profile=settings.profile, sandbox=settings.sandbox,
              log=settings.trajectory_path)
    return await run_engine(rlm, instance.context, instance.question, meter)


async def run_nosub(instance: Instance, model: Model, settings: RunSettings, meter: Meter) -> Outcome:
    limits = limits_for(meter, settings, max_sub_calls=0, max_depth=0)
    probe = RLM(model=model, limits=limits, profile=settings.profile, sandbox="inprocess")
    inner = sandbox_factory(settings.sandbox, probe.chunk_chars)
    rlm = RLM(model=model, limits=limits, profile=nosub_profile(probe.profile),
              sandbox=lambda: NoSubCallSandbox(inner()), log=settings.trajectory_path)
    return await run_engine(rlm, instance.context, instance.question, meter)
