"""The RLM loop: ask the root model, run its code, show it the output, until it answers.

One `Run` is one RLM at one depth; a child RLM (rlm_query) is another `Run` sharing the tree's
`Shared` state (budget, event log, sub-call cache). Read `execute()` top to bottom: that is the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from . import compaction, evidence, first_reading, prompt_extras, refusals, second_program
from .budget import Budget, LimitReached
from .context import ContextInfo, LoadedContext, describe
from .deadline import accepts, complete_within
from .documents import flat_text
from .events import Answer, CellEnd, CellStart, EventLog, LimitFired, RootCall, RunEnd, RunStart
from .models.resample import resampled
from .parsing import (answer_now_code, answer_text, bare_code, cut_after_first_block, final_in_reply, find_blocks,
                      is_code_not_answer, is_error_text, is_no_answer, literal_or_text, printed_literal,
                      reads_context, says_absent, text_final, unquoted_final)
from .protocols import CellResult, Completion, Message, ModelError
from .run_config import RunConfig
from .subcalls import SubCalls
from .text import head_and_tail
from .usage import UsageTree

CELL_THREADS = 256  # cells (and sandbox starts) in flight at once across a run tree; threads start lazily
READ_WHOLE_MARGIN_TOKENS = 256  # the reading prompt's own words, around the context
CHARS_PER_TOKEN_MAX = 6  # no tokenizer packs more characters per token than this into a text we read
READING_FOUND_NOTHING = {"pattern": "the first reading", "phrases": [], "passages": []}  # a miss, as near() reports one
TRUNCATION_NOTE = "\n... [{cut:,} characters cut: print less, e.g. a slice, a count or a summary] ...\n"


@dataclass
class RunOutcome:
    answer: str | None
    status: str
    limit: str | None = None
    error: str | None = None
    iterations: int = 0


def truncate(text: str, limit: int) -> str:
    """Head and tail of `text` within `limit` characters, with a note of how much was cut."""
    return head_and_tail(text, limit, TRUNCATION_NOTE)


class _Answered(Exception):
    def __init__(self, answer: str, via: str):
        self.answer, self.via = answer, via


class Run:
    @dataclass
    class Shared:
        """What every run of one tree shares."""

        config: RunConfig
        log: EventLog
        budget: Budget
        semaphore: asyncio.Semaphore
        loop: asyncio.AbstractEventLoop
        cell_threads: concurrent.futures.ThreadPoolExecutor = field(
            default_factory=lambda: concurrent.futures.ThreadPoolExecutor(CELL_THREADS, thread_name_prefix="rlm-cell"))
        cache: dict[tuple[str, str, str], asyncio.Future] = field(default_factory=dict)

    def __init__(self, shared: Shared, loaded: LoadedContext, question: str, depth: int, run_id: str,
                 usage: UsageTree, parent_event: str | None):
        self.shared = shared
        self.config = shared.config
        self.loaded = loaded
        self.info: ContextInfo = describe(loaded)
        self.question = question
        self.depth = depth
        self.run_id = run_id
        self.usage = usage
        self.parent_event = parent_event
        self.model = self.config.root_model_for(depth)
        self.sub_model = self.config.sub_model_for(depth + 1)
        self.profile = self.config.profile_for(self.model)
        self.limits = self.config.limits
        self.messages: list[Message] = []
        self.iteration = 0
        self.current_cell: str | None = None  # event id of the running cell: parent of its sub-calls
        self.last_root_call: str | None = None  # event id of the latest root turn: parent of its cells
        self.fired: LimitReached | None = None  # a limit hit inside a cell (by a sub-call)
        self.ran_code: set[str] = set()  # every block run so far, to notice a repeat
        self.refused_answers: set[tuple[str, str]] = set()  # (reason, FINAL call) refused once: a second time it counts
        self.first_read = False  # the engine ran a first reading, which left `reading` in the REPL
        self.exact_reading: str | None = None  # ...and where code computed it (first_reading.EXACT), its value
        self.looked = False  # some cell (or the evidence the first turn was primed with) has read the context
        self.recent_misses: list[dict] = []  # searches of the latest cell that found nothing (wordcounts.near())
        self.recent_error = False  # the latest cell that tried to read the context ended in an error
        self.repeats = 0  # replies in a row that repeated a block already run (not run again)
        self.resamples = 0  # root calls sampled after a repeat (profile.repeat_temperature)
        self.typed_value: Any = None  # the root's FINAL validated against the run's schema (answers.py)
        self.rows_first: dict[str, Any] | None = None  # the first cell, where it gave the rows (first_reading.ROWS)
        self.second_looked = False  # a second program was asked beside the root's first (second_program.py)
        self.subcalls = SubCalls(self)

    def child(self, question: str, loaded: LoadedContext) -> Run:
        """A child RLM (rlm_query) one depth down, over `loaded`: it shares this tree's state, and its events
        nest under the cell running now."""
        child_id = uuid.uuid4().hex[:12]
        return Run(self.shared, loaded=loaded, question=question, depth=self.depth + 1, run_id=child_id,
                   usage=self.usage.child(child_id), parent_event=self.current_cell)

    # -- the loop ------------------------------------------------------------------------------
    async def execute(self) -> RunOutcome:
        self._emit(RunStart, parent=self.parent_event, question=self.question, context=self.info.as_dict(),
                   model=self.model.name, sub_model=self.sub_model.name, profile=self.profile.name,
                   sandbox=self.config.sandbox_factory.__qualname__, limits=asdict(self.limits))
        sandbox = self.config.sandbox_factory()
        started = time.monotonic()
        try:
            # Off the event loop: starting an isolated worker takes ~0.1 s, during which other runs
            # sharing the loop (the server, parallel children) must go on.
            await self._in_thread(sandbox.start, self.loaded.value, self.subcalls.host_functions())
            first_cell = await self._first_reading(sandbox)
            # A first reading replaces the primed lines: shown both, the small root answered from a line that
            # used the question's words over a right reading (issue 12, bench/RESULTS.md).
            passages = [] if first_cell is not None else await self._in_thread(self._evidence)
            # Evidence shown is a look: an answer taken from it is not a guess.
            # A table's rows shown for the root's own code (first_reading.ROWS) are a look, but leave no reading.
            self.first_read = first_cell is not None and not first_cell["rows"]
            self.looked = bool(passages) or first_cell is not None
            self.rows_first = first_cell if first_cell is not None and first_cell["rows"] else None
            self.messages = [
                {"role": "system", "content": prompt_extras.system_prompt(self, self._render("system"))},
                {"role": "user", "content": self.first_user_text(first_cell, passages)},
            ]
            outcome = await self._iterate(sandbox)
        except ModelError as e:
            outcome = RunOutcome(None, "failed", error=f"{type(e).__name__}: {e}", iterations=self.iteration)
        finally:
            sandbox.close()
        self._emit(RunEnd, status=outcome.status, answer=outcome.answer, limit=outcome.limit, error=outcome.error,
                   wall_time_s=round(time.monotonic() - started, 4), usage=self.usage.total().as_dict())
        return outcome

    async def _iterate(self, sandbox) -> RunOutcome:
        pending_output = ""  # cell output not yet shown, carried into the answer-now turn
        try:
            while self.iteration < self.limits.max_iterations:
                self.iteration += 1
                self.shared.budget.check()
                reply = await self._root_call()
                blocks = [b for b in find_blocks(reply) if b.runnable] or list(filter(None, [bare_code(reply)]))
                if not blocks:
                    refusal = await self._answer_from_text(reply, sandbox)  # raises _Answered if it holds an answer
                    self._add_user(refusal or self._render("no_code_ran", ignored_tags=self._ignored_tags(reply)))
                    continue
                if len(blocks) == 1 and blocks[0].code.strip() in self.ran_code:
                    # A greedy small model that repeats a block word for word repeats it again once the
                    # history shows the repeat: the reply is not run and is kept out of the history. If it
                    # still repeats, more turns will not change it: the answer-now turn comes at once.
                    self.messages.pop()
                    self.repeats += 1
                    if self.repeats >= self.profile.max_repeats:
                        raise LimitReached("repeated_code", f"the same code {self.repeats + 1} times in a row")
                    self._add_user(self._render("repeated_code"))
                    continue
                self.repeats = 0
                shown = []
                for index, block in enumerate(blocks, 1):
                    # Small models repeat a failed block word for word; the profile can say so.
                    repeated = block.code.strip() in self.ran_code
                    cell = await self._run_cell(sandbox, block.code, index)
                    if cell.final is None and cell.error:
                        # FINAL(7355-QH), FINAL(types.py): the text it meant
                        cell.final = unquoted_final(block.code, cell.error, lambda arg: refusals.seen(self, arg),
                                                    lambda arg: refusals.printed(self, arg))
                    if cell.final is None:  # a refused answer given again must run again: then it counts
                        self.ran_code.add(block.code.strip())
                    shown.append({"index": index, "text": self._cell_text(cell), "repeated": repeated})
                    self._note_look(block.code, cell)
                    if second_program.due(self, cell) and (told := await second_program.look(self, sandbox, block.code, cell)):
                        shown[-1]["text"] += "\n" + told
                    if cell.final is not None:
                        judged = refusals.verdict(self, cell.final, block.code)
                        if judged.refusal is None:
                            final = await self._taken(judged, cell.final, sandbox)
                            raise _Answered(_as_answer(final.value), final.via)
                        shown[-1]["text"] = "\n".join(filter(None, [self._misses_text(cell), judged.refusal]))
                        break
                    if self.fired:
                        pending_output = self._render("cell_output", cells=shown, final_reminder=False)
                        raise self.fired
                self._add_user(self._render("cell_output", cells=shown, final_reminder=True,
                                            iterations_left=self.limits.max_iterations - self.iteration))
            raise LimitReached("max_iterations", f"{self.limits.max_iterations} root turns without an answer")
        except _Answered as a:
            self._emit(Answer, answer=a.answer, via=a.via)
            return RunOutcome(a.answer, "answered", iterations=self.iteration)
        except LimitReached as limit:
            return await self._answer_now(limit, pending_output, sandbox)

    async def _answer_now(self, limit: LimitReached, pending_output: str, sandbox) -> RunOutcome:
        """A limit fired: one last turn, no code, asking for the best answer now."""
        self._emit(LimitFired, limit=limit.limit, detail=limit.detail)
        prompt = self._render("answer_now", reason=limit.detail)
        self._add_user(f"{pending_output}\n\n{prompt}".strip())
        error = None
        try:
            reply = await self._root_call(answer_now=True)
        except (ModelError, LimitReached, asyncio.TimeoutError) as e:
            reply, error = "", f"answer-now turn failed: {e}"
        # The answer may come as text FINAL(...) or inside a code block. This turn runs no code of the model's,
        # except the FINAL itself when it names what only the REPL holds (FINAL(result) after earlier cells).
        found = text_final(reply) or final_in_reply(reply)
        answer = literal_or_text(found[1]) if found else (printed_literal(reply) or _strip_fences(reply))
        if answer and ((not found and (is_error_text(answer) or is_code_not_answer(answer))) or limit.detail in answer):
            # A failed cell's error or the limit's words echoed back, or code it had no turn left to run: no answer.
            answer = None
        code = answer_now_code(reply)
        if not (answer or code) and self.first_read:
            # Nothing at the end (an empty block turn after turn, or no answer-now turn): the first reading is kept.
            code = f"FINAL({first_reading.READING})"
        if code is not None:
            cell = await self._run_cell(sandbox, code, index=1)
            if cell.final is not None:
                answer = answer_text(cell.final.value)
        answer = answer or None
        self._emit(Answer, answer=answer, via="answer_now")
        return RunOutcome(answer, "limit", limit=limit.limit, error=error, iterations=self.iteration)

    # -- one root-model turn -------------------------------------------------------------------
    async def _root_call(self, answer_now: bool = False, aside: list[Message] | None = None) -> str:
        """The root's next reply to the history; or, given `aside`, its reply to those messages instead, charged
        and logged alike but kept out of the history (second_program.py). After a reply that repeated a block,
        the root samples at the profile's `repeat_temperature`, its seed moved by the repeats so far."""
        model = self.model
        if self.repeats and self.profile.repeat_temperature is not None and not answer_now and aside is None:
            self.resamples += 1
            model = resampled(model, self.resamples, self.profile.repeat_temperature)
        if aside is None:
            await compaction.fit(self)  # near the window, older turns are folded into a note: the run goes on
        messages = self.messages if aside is None else aside
        timeout = self.limits.answer_now_timeout_s if answer_now else self.shared.budget.time_left()
        started = time.monotonic()
        options = {"on_token": self.config.on_token} if self.config.on_token and accepts(model, "on_token") else {}
        if self.profile.code_only and not answer_now and accepts(model, "code_only"):
            options["code_only"] = True  # every root turn is one code block, where the backend can enforce it
        try:
            completion: Completion = await complete_within(
                model, messages, timeout, on_cut=self._charge_root,
                max_tokens=self.limits.max_reply_tokens, stop=self.profile.stop or None,
                stop_after_first_code_block=self.profile.cut_after_first_block and not answer_now, **options)
        except asyncio.TimeoutError:
            raise LimitReached("deadline_s", f"the deadline of {self.limits.deadline_s}s passed during a root call") from None
        reply = completion.text
        if self.profile.cut_after_first_block and not answer_now:
            reply = cut_after_first_block(reply)
        record = self._charge_root(completion)
        self.last_root_call = self.shared.log.new_id("root")
        self._emit(RootCall, id=self.last_root_call, iteration=self.iteration, prompt=messages[-1]["content"], reply=reply,
                   model=completion.model, input_tokens=completion.input_tokens,
                   output_tokens=completion.output_tokens, cost=record.cost,
                   duration_s=round(time.monotonic() - started, 4), answer_now=answer_now,
                   aside=aside is not None)
        if aside is None:
            self.messages.append({"role": "assistant", "content": reply})
        return reply

    def _charge_root(self, completion: Completion):
        """A root call's tokens, into the usage tree and the budget (a call cut at the deadline too)."""
        record = self.usage.record(completion, "root", self.config.prices)
        self.shared.budget.charge(record)
        return record

    # -- one cell ------------------------------------------------------------------------------
    async def _run_cell(self, sandbox, code: str, index: int, timeout: float | None = None) -> CellResult:
        cell_id = self.shared.log.new_id("cell")
        self._emit(CellStart, id=cell_id, parent=self.last_root_call, iteration=self.iteration, index=index, code=code)
        self.current_cell = cell_id
        timeout = self.limits.cell_timeout_s if timeout is None else timeout
        left = self.shared.budget.time_left()
        if left is not None:
            timeout = max(0.1, min(timeout, left))
        try:
            cell = await self._in_thread(sandbox.run_cell, code, timeout)
        finally:
            self.current_cell = None
        shown = truncate(self._cell_text(cell), self.limits.max_output_chars)
        self._emit(CellEnd, id=self.shared.log.new_id("end"), parent=cell_id, output=shown,
                   output_chars=len(cell.output), error=cell.error, timed_out=cell.timed_out,
                   restored_names=cell.restored_names, lost_variables=cell.lost_variables,
                   duration_s=round(cell.duration_s, 4))
        if cell.timed_out and self.shared.budget.exceeded():
            self.fired = self.fired or self.shared.budget.exceeded()
        return cell

    def _cell_text(self, cell: CellResult) -> str:
        parts = [cell.output.rstrip("\n")] if cell.output.strip() else []
        if cell.error:
            parts.append(f"Error:\n{cell.error}")
            parts.extend(f"Hint: {hint}" for hint in self.profile.hints_for(cell.error))
        if cell.restored_names:
            names = ", ".join(cell.restored_names)
            parts.append(f"Note: you rebound {names}; restored (use other names for your own variables).")
        if cell.lost_variables:
            parts.append(f"Note: the REPL was restarted; these variables were lost: {', '.join(cell.lost_variables)}")
        text = "\n".join(parts) or "(no output: print() what you want to see)"
        # What is near a search that missed comes after the output, kept whole: it is the next step.
        return "\n".join(filter(None, [truncate(text, self.limits.max_output_chars), self._misses_text(cell)]))

    def _misses_text(self, cell: CellResult) -> str:
        return "\n".join(self._render("search_miss", miss=miss) for miss in cell.misses)

    # -- answers the loop does not take at once --------------------------------------------------
    def _note_look(self, code: str, cell: CellResult) -> None:
        reads = reads_context(code)
        self.looked = self.looked or reads
        if cell.misses or cell.final is None:  # a cell that only answers keeps what came before it
            self.recent_misses = list(cell.misses)
            self.recent_error = bool(cell.error) and reads  # a look that failed
        if not cell.error:  # also a cell that printed its result and answered: `print(kept); FINAL(kept)`
            self.recent_misses += refusals.after_rows(self.rows_first, cell.output)

    async def _answer_from_text(self, reply: str, sandbox) -> str | None:
        """A reply with no code may still answer with FINAL(...) on a line of its own. Returns what to
        show the model when that FINAL did not count (no answer in it, or an error)."""
        if not self.profile.accept_text_final:
            return None
        found = text_final(reply)
        if not found:
            return None
        kind, arg = found
        # Run it as code, so FINAL_VAR(x) and FINAL(x) resolve variables exactly as in a block;
        # if it is not valid Python (FINAL(Paris, France)), the text itself is the answer.
        cell = await self._run_cell(sandbox, f"{kind}({arg})", index=1)
        if cell.final is not None:
            judged = refusals.verdict(self, cell.final, arg)
            if judged.refusal is not None:
                return judged.refusal
            final = await self._taken(judged, cell.final, sandbox)
            raise _Answered(_as_answer(final.value), "text" if final is cell.final else final.via)
        error = cell.error or ""
        # FINAL(Hagralburg) with no such variable: the model is told so once; if it insists, the
        # bare word is its answer (small models write answers unquoted).
        insisted_on_a_word = ("NameError: name" in error and arg.strip().isidentifier()
                              and not refusals.first_time(self, "unknown_name", f"{kind}({arg})"))
        if kind == "FINAL" and (error.startswith("SyntaxError") or insisted_on_a_word):
            raise _Answered(literal_or_text(arg), "text")
        if error:  # say why the answer did not count, not "nothing ran"
            return self._render("cell_output", cells=[{"index": 1, "text": self._cell_text(cell), "repeated": False}],
                                final_reminder=False)
        return None

    async def _taken(self, judged: refusals.Verdict, final, sandbox):
        """The answer the loop takes: `final`, or where the verdict gives way to the first reading and that
        reading is an answer, the reading (FINAL(reading) runs, so the events show it)."""
        if not judged.reading:
            return final
        cell = await self._run_cell(sandbox, f"FINAL({first_reading.READING})", index=1)
        reading = cell.final
        # A reading that says it found nothing gives way to the root's answer, unless code proved the absence.
        if reading is None or is_no_answer(reading.value) or (says_absent(str(reading.value)) and self.exact_reading is None):
            return final
        return reading

    # -- plumbing ------------------------------------------------------------------------------
    async def _in_thread(self, fn, *args):
        """Run blocking sandbox work on the tree's own thread pool. Not asyncio's default pool (a handful
        of threads): a cell waiting on child runs holds its thread, and the children's cells need theirs."""
        return await self.shared.loop.run_in_executor(self.shared.cell_threads, fn, *args)

    async def _first_reading(self, sandbox) -> dict[str, Any] | None:
        """A reading before the first turn, which the model then sees (code and output): the whole text,
        the passages find() gathers, or the counts, as first_reading.choose picks. A small root then starts
        from a reading, as a plain call or a retriever would."""
        if self.limits.max_sub_calls == 0:
            return None
        if self.depth == 0 and self.config.history:
            # A session's follow-up may ask about the conversation ("repeat the answer you just gave"), which a
            # reading of the text alone cannot answer: passed it, the root took the reading of the text.
            return None
        chosen = await self._in_thread(first_reading.choose, self.profile.read_whole_first,
                                       self.profile.read_evidence_first, self.loaded.value, self.question,
                                       self._fits_one_sub_call)
        if chosen is None:
            return None
        which, values = chosen
        code = self._render(which, **values)
        cell = await self._run_cell(sandbox, code, index=0, timeout=self.limits.reading_timeout_s)
        if cell.error or self.fired:
            return None  # the run goes on as if it had not been tried; the events keep the attempt
        if says_absent(cell.output) and which not in first_reading.EXACT:
            # A reading that says it found nothing is a look that missed: "not found" copied from it is refused
            # once. Not a bare "0": that is a reading's value (a default), refused it was lost (codetree at 32K).
            # Not code's: "never mentions Corvina" after a search of every character is proven (mentions.py).
            self.recent_misses = [READING_FOUND_NOTHING]
        if which in first_reading.EXACT and cell.output.strip():
            self.exact_reading = cell.output.strip().splitlines()[-1]  # each template prints `reading` last
        return {"code": code, "text": self._cell_text(cell), "whole": which == first_reading.WHOLE,
                "rows": which == first_reading.ROWS, "style": ""}  # style: a second program's (second_program.py)

    def first_user_text(self, first_cell: dict[str, Any] | None, passages: list[dict[str, str]] = ()) -> str:
        """The first user message, given the first cell (a variant of it asks for a second program)."""
        return prompt_extras.first_user(self, self._render("first_user", evidence=list(passages), first_cell=first_cell))

    def _fits_one_sub_call(self) -> bool:
        room = self.sub_model.context_window - self.limits.max_sub_reply_tokens - READ_WHOLE_MARGIN_TOKENS
        if self.info.chars > room * CHARS_PER_TOKEN_MAX:  # far too long: no need to count
            return False
        return self.sub_model.count_tokens(flat_text(self.loaded.value)) <= room

    def _evidence(self) -> list[dict[str, str]]:
        """The passages most relevant to the question, for the first turn (the profile's `prime_evidence`)."""
        if self.profile.prime_evidence <= 0:
            return []
        return [p.as_dict() for p in evidence.rank(self.loaded.value, self.question, self.profile.prime_evidence)]

    def _render(self, which: str, **values: Any) -> str:
        return self.profile.render(
            which, info=self.info, question=self.question, max_depth=self.limits.max_depth - self.depth,
            max_sub_calls=self.limits.max_sub_calls, sub_window_chars=f"{self.config.sub_window_chars:,}",
            chunk_chars=f"{self.config.chunk_chars:,}",
            named_models={name: m.name for name, m in self.config.named_models.items()}, **values,
        )

    def _add_user(self, content: str) -> None:
        # Roles must alternate (llama.cpp's server rejects two assistant turns in a row).
        if self.messages[-1]["role"] == "user":
            self.messages[-1]["content"] += "\n\n" + content
        else:
            self.messages.append({"role": "user", "content": content})

    @staticmethod
    def _ignored_tags(reply: str) -> list[str]:
        return sorted({b.tag or "(untagged)" for b in find_blocks(reply) if not b.runnable})

    def _emit(self, cls, **fields_: Any):
        log = self.shared.log
        if "id" not in fields_:
            fields_["id"] = log.new_id(cls.type.split("_")[0][:4])
        return log.emit(cls(run=self.run_id, depth=self.depth, t=log.now(), **fields_))


def _as_answer(value: Any) -> str | None:
    return answer_text(value)  # FINAL(None) insisted on is no answer, not the text "None"


def _strip_fences(reply: str) -> str:
    blocks = find_blocks(reply)
    text = reply
    for b in reversed(blocks):
        text = text[: b.start] + b.code + text[b.end:]
    return text.strip()
