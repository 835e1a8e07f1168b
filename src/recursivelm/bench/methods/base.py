"""What every benchmark method shares: its settings, the meter that enforces the budgets, the record it
produces, and the helpers that fit text into a model's window.

A method is a coroutine `run(instance, model, settings, meter) -> Outcome`. It makes every model call
through `meter.complete(...)` (the RLM methods hand the meter their engine's usage instead), so tokens,
cost and the time and token budgets are counted the same way for all of them. `arun_method` (in
`methods/__init__.py`) wraps a method into a `Record`: status, score, usage, latency.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from ...deadline import complete_within
from ...evidence import documents
from ...pricing import PriceTable
from ...protocols import Completion, Message, Model
from ...settings import check_limit
from ...usage import UsageTree

OK, BUDGET, ERROR = "ok", "budget", "error"
STATUSES = (OK, BUDGET, ERROR)

# Tokens a chat template adds around each message, and a margin on top of a prompt we size: token
# counts of non-embedded backends are estimates.
MESSAGE_OVERHEAD_TOKENS = 16
PROMPT_MARGIN_TOKENS = 64
# Longest text (in characters per token allowed) that is counted exactly; longer text is cut first.
MAX_CHARS_PER_TOKEN = 8


@dataclass(frozen=True)
class RunSettings:
    """The budgets and the knobs every method of one suite shares.

    `time_budget_s` and `token_budget` are per query (one method on one instance). A method that runs out
    gets one last answer turn of at most `answer_now_timeout_s` (as the RLM engine does), then stops with
    status "budget" and whatever answer it had. `reply_tokens` is the room kept for an answer.
    """

    time_budget_s: float | None = None
    token_budget: int | None = None
    answer_now_timeout_s: float = 120.0
    reply_tokens: int = 1_024
    sandbox: str = "inprocess"  # for the methods built on the RLM engine: "inprocess" or "isolated"
    profile: str = "auto"  # the RLM engine's prompt profile for `rlm` and `rlm-nosub`
    rlm_limits: dict[str, Any] = field(default_factory=dict)  # Limits overrides for `rlm` and `rlm-nosub`
    samples: int = 1  # self-consistency for `rlm` and `rlm-nosub`: root trajectories per query (RLM(samples=))
    sample_temperature: float | None = None  # their samples 2..K's temperature (None: the engine's default)
    trajectory_path: str | None = None  # where the RLM-engine methods append their JSONL events
    grace_s: float = 30.0  # the runner's hard stop comes this long after budget + answer-now turn

    def __post_init__(self) -> None:
        check_limit("time_budget_s", self.time_budget_s, optional=True)
        check_limit("token_budget", self.token_budget, integral=True, optional=True)
        check_limit("answer_now_timeout_s", self.answer_now_timeout_s)
        check_limit("reply_tokens", self.reply_tokens, integral=True, minimum=1)
        check_limit("grace_s", self.grace_s)
        check_limit("samples", self.samples, integral=True, minimum=1)

    def hard_timeout_s(self) -> float | None:
        if self.time_budget_s is None:
            return None
        return self.time_budget_s + self.answer_now_timeout_s + self.grace_s

    def budgets(self) -> dict[str, Any]:
        return {"time_budget_s": self.time_budget_s, "token_budget": self.token_budget}


class BudgetExceeded(Exception):
    """The query's time or token budget ran out. `budget` is "time" or "tokens"."""

    def __init__(self, budget: str, detail: str):
        super().__init__(f"{budget} budget exceeded: {detail}")
        self.budget = budget
        self.detail = detail


@dataclass
class Outcome:
    """What a method returns: its answer, and the budget that stopped it early (None: it finished)."""

    prediction: str | None
    budget: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None  # set when the method failed but still has something to report


class Meter:
    """Counts one query's model calls and enforces its budgets.

    Every call is checked against the budgets first, and is cut off when the time budget ends during
    it (`BudgetExceeded`). `complete(..., final=True)` is the one answer turn a method may still make
    after a budget ran out; it gets `answer_now_timeout_s` of its own.

    The calls are tallied in a `UsageTree`, the engine's own: a method's calls are recorded in it, and an
    engine run's whole tree is added under it (`absorb`), so both are counted by one rule.
    """

    def __init__(self, settings: RunSettings, prices: PriceTable | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.settings = settings
        self.prices = prices or PriceTable()
        self.clock = clock
        self.started = clock()
        self.usage = UsageTree(run_id="query", depth=0)
        self.iterations = 0
        self.sub_calls = 0
        self.details: dict[str, Any] = {}
        self.partial: str | None = None  # work so far (e.g. notes), put in details if the method is stopped

    # -- the tally -----------------------------------------------------------------------------
    @property
    def model_calls(self) -> int:
        return self.usage.total().calls

    @property
    def input_tokens(self) -> int:
        return self.usage.total().input_tokens

    @property
    def output_tokens(self) -> int:
        return self.usage.total().output_tokens

    @property
    def cached_tokens(self) -> int:
        return self.usage.total().cached_tokens

    @property
    def cost(self) -> float:
        return self.usage.total().cost

    @property
    def unpriced_calls(self) -> int:
        return self.usage.total().unpriced_calls

    @property
    def tokens(self) -> int:
        return self.usage.total().tokens

    def absorb(self, usage: UsageTree) -> None:
        """An engine run's usage tree, counted with this query's."""
        self.usage.children.append(usage)

    # -- budgets -------------------------------------------------------------------------------

    def elapsed(self) -> float:
        return self.clock() - self.started

    def time_left(self) -> float | None:
        if self.settings.time_budget_s is None:
            return None
        return self.settings.time_budget_s - self.elapsed()

    def tokens_left(self) -> int | None:
        if self.settings.token_budget is None:
            return None
        return self.settings.token_budget - self.tokens

    def exceeded(self) -> BudgetExceeded | None:
        left = self.time_left()
        if left is not None and left <= 0:
            return BudgetExceeded("time", f"{self.elapsed():.1f}s of {self.settings.time_budget_s}s used")
        tokens_left = self.tokens_left()
        if tokens_left is not None and tokens_left <= 0:
            return BudgetExceeded("tokens", f"{self.tokens:,} of {self.settings.token_budget:,} tokens used")
        return None

    def check(self) -> None:
        fired = self.exceeded()
        if fired is not None:
            raise fired

    # -- model calls ---------------------------------------------------------------------------
    async def complete(self, model: Model, messages: list[Message], *, max_tokens: int,
                       stop: list[str] | None = None, final: bool = False, sub: bool = False) -> Completion:
        """One model call, counted. `final`: the answer turn allowed after a budget ran out."""
        if final:
            timeout = self.settings.answer_now_timeout_s
        else:
            self.check()
            timeout = self.time_left()
        try:
            completion = await complete_within(model, messages, timeout, on_cut=self.charge, max_tokens=max_tokens,
                                               stop=stop)
        except asyncio.TimeoutError:
            what = "the answer-now turn" if final else "a model call"
            raise BudgetExceeded("time", f"{what} ran past the time left ({timeout:.1f}s)") from None
        self.charge(completion)
        if sub:
            self.sub_calls += 1
        return completion

    def charge(self, completion: Completion) -> None:
        self.usage.record(completion, "root", self.prices)


@dataclass
class Record:
    """One job's result: one line of results.jsonl."""

    task: str
    length: int  # the requested context length in tokens (the generator's target)
    seed: int
    method: str
    model: str
    instance_id: str
    fingerprint: str
    context_tokens: int  # the generated context's size, estimated as characters / 4
    status: str  # ok | budget | error
    prediction: str | None
    score: float
    gold: Any
    input_tokens: int = 0
    output_tokens: int = 0
    cached_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0  # calls whose price is unknown: not in `cost`
    model_calls: int = 0
    iterations: int = 0
    sub_calls: int = 0
    latency_s: float = 0.0
    budget: str | None = None  # "time" or "tokens" when status is budget
    error: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    budgets: dict[str, Any] = field(default_factory=dict)
    finished_at: str = ""

    def key(self) -> tuple[str, int, int, str]:
        return (self.task, self.length, self.seed, self.method)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# Text helpers


def load_prompts(method: str) -> dict[str, str]:
    """Every word a method's model reads, by template name: `methods/<method>.toml` (data, not code; the
    scripted model recognises a prompt by the template it was made from, so rewording one breaks nothing)."""
    return tomllib.loads((Path(__file__).parent / f"{method}.toml").read_text(encoding="utf-8"))


def context_text(context: Any) -> str:
    """A context as one text, the way a model that reads it whole would see it.

    A dict (path -> text) becomes one section per item under a `=== key ===` header; a list, one
    section per item under `=== [i] ===`.
    """
    if isinstance(context, str):
        return context
    if not isinstance(context, (dict, list, tuple)):
        raise TypeError(f"unsupported context type: {type(context).__name__}")
    return "\n\n".join(f"=== {label} ===\n{text}" for label, text in documents(context))


def prompt_tokens(model: Model, messages: list[Message]) -> int:
    """Tokens `messages` take in `model`'s window, template overhead included."""
    return sum(model.count_tokens(m["content"]) + MESSAGE_OVERHEAD_TOKENS for m in messages)


def fit_head(text: str, count: Callable[[str], int], limit: int) -> str:
    """The longest head of `text` (cut at a line or word end where one is near) of at most `limit` tokens.

    Counts only candidate heads, never the whole text, so it is cheap on a text of millions of tokens.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit * MAX_CHARS_PER_TOKEN and count(text) <= limit:
        return text
    fits, too_long = 0, len(text)  # a head of `fits` chars fits; one of `too_long` chars does not
    guess = min(len(text), limit * 4)
    for _ in range(24):
        tokens = count(text[:guess])
        if tokens <= limit:
            fits = guess
            if tokens >= limit * 0.98 or guess >= len(text):
                break
        else:
            too_long = guess
        if too_long - fits <= 16:
            break
        proposal = int(guess * limit / max(tokens, 1) * 0.995)
        guess = proposal if fits < proposal < too_long else (fits + too_long) // 2
    head = text[:fits]
    for sep in ("\n", " "):  # end on a whole line (or word) when that costs little
        cut = head.rfind(sep, max(0, len(head) - 400))
        if cut > 0:
            return head[: cut + 1]
    return head


def _pieces_of_line(line: str, size: int) -> list[str]:
    """A line longer than `size` cut into pieces at sentence ends, else at spaces, else where it must."""
    pieces = []
    while len(line) > size:
        cut = max(line.rfind(". ", 0, size), line.rfind("? ", 0, size), line.rfind("! ", 0, size))
        if cut < size // 4:
            cut = line.rfind(" ", 0, size)
        cut = cut + 1 if cut >= size // 4 else size
        pieces.append(line[:cut])
        line = line[cut:]
    return [*pieces, line] if line else pieces


def split_passages(context: Any, passage_chars: int) -> list[tuple[str, str]]:
    """The context as (label, passage) pieces of at most `passage_chars`, cut at line ends; a line longer
    than a passage is cut at sentence ends (else at spaces), so a sentence stays whole where it can."""
    pieces: list[tuple[str, str]] = []
    for label, text in documents(context):
        current: list[str] = []
        size = 0
        for line in text.splitlines(keepends=True):
            for unit in _pieces_of_line(line, passage_chars):
                if size + len(unit) > passage_chars and current:
                    pieces.append((label, "".join(current)))
                    current, size = [], 0
                current.append(unit)
                size += len(unit)
        if current:
            pieces.append((label, "".join(current)))
    return [(label, piece) for label, piece in pieces if piece.strip()]


def chars_per_token(model: Model, text: str, sample_chars: int = 8_000) -> float:
    """How many characters one of `model`'s tokens holds in `text`, measured on a sample of it."""
    sample = text[:sample_chars]
    tokens = model.count_tokens(sample) if sample else 0
    return max(1.0, len(sample) / tokens) if tokens else 4.0
