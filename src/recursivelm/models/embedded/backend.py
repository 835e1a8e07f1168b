"""The embedded default model: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) run in-process by llama.cpp.

No API key, no network, no server process: ``xllamacpp.Server`` is llama.cpp's own server
(slots, continuous batching, prompt cache, chat templates) driven through its in-process handlers
(``handle_chat_completions(dict, callback)``), never over HTTP.

Settings chosen (all constructor arguments):

* ``n_ctx=8192`` tokens **per call** (prompt + reply); that is ``context_window``. llama.cpp splits
  its KV cache evenly between slots, so the server is started with ``n_ctx * n_parallel`` = 16384
  KV cells. Why 8192: the root prompt starts at ~1.5-2.5K tokens and grows by a reply plus up to
  ~1K tokens of cell output per iteration, so 4096 (8192 split two ways) would overflow after a few
  iterations; sub-call chunks are sized from ``context_window``, and on 2 cores prompt processing
  (~50-70 tok/s) makes an 8K prompt cost ~2 minutes already, so a larger window buys little. The
  model itself supports 32K. Each 1K tokens of KV costs ~28 MiB (f16), so 16384 cells cost ~450
  MiB.
* ``n_parallel=2`` slots, not kv-unified: each slot owns its 8192 cells, so two concurrent calls
  can never fail for lack of KV space (with a unified cache they could, mid-generation). On 2 CPU
  cores batching two sequences gives almost no extra throughput (measured: 2 x 15.4 tok/s vs 1 x
  29 tok/s) but it keeps a short sub-call from queueing behind a long one. More concurrent calls
  than slots wait in this object's own thread pool (one thread per slot), in order.
* Prompt caching: ``cache_prompt`` per request, plus llama.cpp's RAM prompt cache (``prompt_cache_mib=2048``,
  ~73K tokens of KV), so a repeated prefix (the system prompt, the growing root conversation) is not read
  again even after both slots served other prompts. ``prompt_cache=False`` turns both off: every prompt read whole.
* Temperature 0 (greedy), ``max_tokens=1024`` by default. Greedy is not bit-reproducible: the prompt cache
  and batching change the arithmetic (docs/backends.md); ``prompt_cache=False`` repeats calls sent singly.
* ``stop_after_first_code_block``: every call streams; the token callback returns True (which
  ends the stream and cancels the llama.cpp task) as soon as the first fenced block has closed,
  and the text is cut right after the closing fence. Cancelling the awaiting task aborts the
  generation the same way.
* A cancelled call stops within two prompt batches: each request asks for ``return_progress``, so
  llama.cpp calls back after every batch of the prompt (``n_batch`` = 2,048 tokens, 32-48 s on 2
  cores) and not only once the first token is out; the batch already under way when the callback
  says stop is still read (measured: a call stopped at 2,048 of 7,078 tokens held the cores ~42 s
  more). Without it a call cut at a deadline read its whole prompt (7K tokens: up to ~115 s past the
  deadline) while the next call waited. A smaller ``n_batch`` would stop sooner but read every prompt
  ~3% slower (512: 67.1-67.4 s against 65.1-65.7 s for 3.5K tokens). What a cut call had read and
  written goes to ``on_cut`` (see ``deadline.py``).
* Token counts come from llama.cpp (``usage``, or the per-token ``timings`` when a stream was
  aborted early): ``input_tokens`` = the templated prompt, ``cached_tokens`` = the part served from
  the prompt cache. ``count_tokens`` is exact for the embedded model: xllamacpp's ``Server``
  exposes no tokenize handler, so ``tokenizer.py`` runs the model's own byte-level BPE (vocab and
  merges read from the GGUF, Qwen2 pre-tokenizer; with the ``regex`` package installed it is exact,
  without it exact for ASCII/Latin text). For another GGUF with an unknown pre-tokenizer it falls
  back to len/3.5.
* The llama.cpp server also binds an HTTP listener on 127.0.0.1 (random port; xllamacpp cannot
  turn it off). It is locked with a random per-process API key and the slots endpoint and web UI
  are off, so nothing else on the machine can use it.

Measured on the development machine (2 cores, 24 GiB, no GPU; threads=2 (llama.cpp's default
there), n_ctx=8192 x 2 slots, GOMP_SPINCOUNT=1000). Other engineers' jobs shared the 2 cores for
most of the session, so each number says how busy the machine was:

* load: 2.0-3.5 s idle (5-8 s busy); the once-per-process sha256 check of the 1.1 GB file adds
  0.8-1.8 s (the first join ~4 s);
* RSS: 2.2 GB after load, 2.4 GB after some calls (aclose() brings the process back to ~0.2 GB);
* prompt processing: 65 tok/s for a 46-token prompt and 71-74 tok/s for a 1001-token one when idle;
  35 tok/s for a 1477-token prompt with one other llama.cpp process running;
* generation: 24-26 tok/s idle (28-30 with libgomp's default spinning, see
  `_limit_openmp_spinning`), 10-12 tok/s with one other llama.cpp process running; two concurrent
  calls split the same total (2 x 15.4 tok/s vs 1 x 29 tok/s, default spinning, lightly loaded);
* prefix caching works: with one other llama.cpp process running, a cold call with a 1477-token
  prompt (1458-token shared system prefix) took 54.4 s, a second call sharing the prefix 12.6 s, of
  which 12 prompt tokens were processed (1466 cached) and the rest was the same 128 generated
  tokens. Lightly loaded, default spinning, 64 generated tokens: 27.1 s cold (1326-token prompt at
  54 tok/s) vs 3.2 s for the second call. After other
  prompts took both slots, the prefix came back from the RAM cache (614 of 620 tokens, 0.43 s).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import gc
import os
import secrets
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...parsing import first_block_end
from ...protocols import Completion, ContextWindowError, Message, ModelError
from ...text import encodable
from ..constraints import CODE_BLOCK_GRAMMAR
from .tokenizer import BPETokenizer
from .weights import MODEL_NAME, EmbeddedModelError, model_path

DEFAULT_N_CTX = 8192
DEFAULT_N_PARALLEL = 2
DEFAULT_MAX_TOKENS = 1024
DEFAULT_PROMPT_CACHE_MIB = 2048
CHARS_PER_TOKEN_ESTIMATE = 3.5

@dataclass
class _CallState:
    """What one streaming call has seen so far (filled by the llama.cpp callback thread)."""

    stop_at_block: bool
    cancel: threading.Event
    code_only: bool = False  # decode under CODE_BLOCK_GRAMMAR
    text: str = ""
    error: dict[str, Any] | None = None
    usage: dict[str, Any] | None = None
    timings: dict[str, Any] | None = None
    progress: dict[str, Any] | None = None  # the prompt read so far: {"total", "cache", "processed", ...}
    finish_reason: str | None = None
    cut: bool = False  # we ended the stream ourselves
    callback_error: BaseException | None = None


def _limit_openmp_spinning() -> None:
    """Make llama.cpp's OpenMP threads spin only briefly before they sleep at a barrier.

    This xllamacpp build runs its CPU threads on OpenMP (libgomp), which by default spins ~300K
    times (a few ms) at every barrier, hundreds of times per token. When anything else wants the
    same cores (the sandbox running a cell, another process), a spinning thread burns the time
    slice its peer needs and throughput collapses. Generation speed measured on the 2-core machine
    (threads=2, 64-token replies):

    =================================  ===========  ================  ===============  ===========
    libgomp setting                    idle         another llama.cpp  2 CPU burners    load ~4.5
    =================================  ===========  ================  ===============  ===========
    default (spin ~300K)               28-30 tok/s  9 tok/s           3-4 tok/s        1.5-2.6
    GOMP_SPINCOUNT=1000 (chosen)       24-26 tok/s  12 tok/s          10-11 tok/s      -
    OMP_WAIT_POLICY=PASSIVE (no spin)  19-20 tok/s  16 tok/s          8-11 tok/s       15-17
    threads=1                          18-19 tok/s  17 tok/s          11-12 tok/s      16
    =================================  ===========  ================  ===============  ===========

    An RLM run mostly has the cores to itself while the model works (a cell that calls llm_query
    waits), so the idle column matters most; 1000 spins keeps ~85% of it and avoids the collapse.
    1000 is libgomp's own spin count for oversubscribed threads. libgomp reads its environment
    once, when it is loaded, so this only acts before the first `import xllamacpp`, and it never
    overrides OMP_WAIT_POLICY or GOMP_SPINCOUNT set by the user."""
    if "xllamacpp" in sys.modules or "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        return
    os.environ["GOMP_SPINCOUNT"] = "1000"


class EmbeddedModel:
    """The local default model (see the module docstring for the settings and measurements)."""

    name = "embedded"

    def __init__(
        self,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        n_parallel: int = DEFAULT_N_PARALLEL,
        threads: int | None = None,
        temperature: float = 0.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        gguf_path: str | Path | None = None,
        prompt_cache_mib: int = DEFAULT_PROMPT_CACHE_MIB,
        seed: int | None = None,
        prompt_cache: bool = True,
    ):
        """`n_ctx`: tokens per call (prompt + reply) = `context_window`; the KV cache holds `n_ctx * n_parallel`.
        `threads`: CPU threads for llama.cpp (None: its default, the number of physical cores). `gguf_path`:
        another GGUF file (else `$RECURSIVELM_GGUF`, else the embedded Qwen file). `prompt_cache=False`: see above."""
        if n_ctx < 256:
            raise ValueError(f"n_ctx must be at least 256, got {n_ctx}")
        if n_parallel < 1:
            raise ValueError(f"n_parallel must be at least 1, got {n_parallel}")
        if threads is not None and threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.context_window = n_ctx
        self.n_ctx = n_ctx
        self.n_parallel = n_parallel
        self.threads = threads
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.gguf_path = gguf_path
        self.prompt_cache_mib = prompt_cache_mib
        self.seed = seed
        self.prompt_cache = prompt_cache
        self.load_time_s: float | None = None
        self.prompt_batch_tokens = 2048  # llama.cpp's n_batch: read from its parameters when the model loads
        self._lock = threading.Lock()  # guards _server, _executor, _generation, _active
        self._load_lock = threading.Lock()  # one load at a time
        self._tok_lock = threading.Lock()
        self._server: Any = None
        self._model_file: Path | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._generation = 0  # bumped by aclose(): calls submitted before it fail cleanly
        self._active: set[threading.Event] = set()
        self._tokenizer: BPETokenizer | None | bool = None  # False: none available

    @property
    def sampling(self) -> dict:
        """Instance settings that change replies; part of a cache key."""
        return {"temperature": self.temperature, "seed": self.seed}

    def resampled(self, temperature: float, seed: int | None) -> EmbeddedModel:
        """A twin sampling at `temperature` with `seed` on this model's llama.cpp server and slots, loaded
        once (self-consistency's samples 2..K, models/resample.py): a copy that loaded its own would hold the
        weights twice and fight for the same cores. Closing this model closes the twin's calls too."""
        twin = copy.copy(self)
        twin.temperature, twin.seed = temperature, seed
        twin._load, twin._get_executor = self._load, self._get_executor
        return twin

    # ------------------------------------------------------------------ loading

    def _model_file_path(self) -> Path:
        if self._model_file is None:
            self._model_file = model_path(self.gguf_path)
        return self._model_file

    def _load(self) -> Any:
        """The shared llama.cpp server, loaded on first use (thread-safe, once)."""
        server = self._server
        if server is not None:
            return server
        with self._load_lock:
            if self._server is not None:
                return self._server
            path = self._model_file_path()  # may join/verify: raises EmbeddedModelError (a ModelError)
            _limit_openmp_spinning()
            try:
                import xllamacpp
            except ImportError as e:
                raise ModelError(
                    f"the embedded model needs the llama.cpp engine `xllamacpp`, which is not importable ({e}). "
                    "Fix: pip install recursivelm (or pip install xllamacpp)."
                ) from e
            p = xllamacpp.CommonParams()
            p.model.path = str(path)
            p.n_ctx = self.n_ctx * self.n_parallel  # llama.cpp gives each slot n_ctx / n_parallel
            p.n_parallel = self.n_parallel
            p.kv_unified = False
            if self.threads is not None:
                p.cpuparams.n_threads = self.threads
                p.cpuparams_batch.n_threads = self.threads
            p.cache_prompt = self.prompt_cache
            p.cache_ram_mib = self.prompt_cache_mib if self.prompt_cache else 0  # 0: llama.cpp keeps no RAM cache
            self.prompt_batch_tokens = int(p.n_batch)
            p.ctx_shift = False
            p.verbosity = 0
            # The in-process server also listens on 127.0.0.1 (random port): lock it down.
            p.api_keys = [secrets.token_hex(24)]
            p.endpoint_slots = False
            p.endpoint_metrics = False
            p.ui = False
            p.n_threads_http = 1
            t0 = time.monotonic()
            try:
                server = xllamacpp.Server(p)
            except Exception as e:
                raise ModelError(
                    f"llama.cpp could not load {str(path)!r} ({e}). If this is a custom GGUF file, check that "
                    "llama.cpp supports its architecture; for the embedded model, delete the cached file so it "
                    "is joined and verified again."
                ) from e
            self.load_time_s = time.monotonic() - t0
            with self._lock:
                self._server = server
            return server

    def _get_executor(self) -> tuple[concurrent.futures.ThreadPoolExecutor, int]:
        with self._lock:
            if self._executor is None:
                self._executor = concurrent.futures.ThreadPoolExecutor(
                    max_workers=self.n_parallel, thread_name_prefix="recursivelm-embedded"
                )
            return self._executor, self._generation

    # ------------------------------------------------------------------ calls

    async def complete(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        stop: list[str] | None = None,
        stop_after_first_code_block: bool = False,
        code_only: bool = False,
        on_cut: Callable[[Completion], Any] | None = None,
    ) -> Completion:
        """`code_only`: the reply is one ```python block, enforced while decoding (CODE_BLOCK_GRAMMAR).
        `on_cut`: if this call is cancelled, it gets what the call had spent, once llama.cpp has stopped."""
        future, state = self._submit(messages, max_tokens=max_tokens, stop=stop,
                                     stop_after_first_code_block=stop_after_first_code_block, code_only=code_only)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            state.cancel.set()  # ends the call at its next prompt batch or token; the thread then returns
            if on_cut is not None:
                # Wait for its stream to end (at the next prompt batch or token): only then is what it spent
                # known. llama.cpp still reads the batch under way after that; _spent() counts it.
                try:
                    await asyncio.wrap_future(future)
                except (asyncio.CancelledError, ModelError):
                    pass
                spent = self._spent(state)
                if spent is not None:
                    on_cut(spent)
            raise

    def complete_sync(self, messages: list[Message], **options: Any) -> Completion:
        """The same call (the same options as `complete`), blocking the calling thread (for code without an
        event loop)."""
        return self._submit(messages, **options)[0].result()

    def _submit(self, messages: list[Message], *, max_tokens: int | None = None, stop: list[str] | None = None,
                stop_after_first_code_block: bool = False, code_only: bool = False,
                ) -> tuple[concurrent.futures.Future, _CallState]:
        """Queue one call on this model's slots: the future of its Completion, and its state (to cancel it)."""
        state = _CallState(stop_at_block=stop_after_first_code_block, cancel=threading.Event(), code_only=code_only)
        executor, generation = self._get_executor()
        return executor.submit(self._complete_blocking, messages, max_tokens, stop, state, generation), state

    def _complete_blocking(
        self,
        messages: list[Message],
        max_tokens: int | None,
        stop: list[str] | None,
        state: _CallState,
        generation: int,
    ) -> Completion:
        if generation != self._generation:
            raise ModelError("the embedded model was closed (aclose) while this call waited for a slot")
        if state.cancel.is_set():
            raise ModelError("the embedded model call was cancelled before it started")
        server = self._load()
        body: dict[str, Any] = {
            "messages": [{"role": m["role"], "content": encodable(m["content"])} for m in messages],
            "max_tokens": int(max_tokens if max_tokens is not None else self.max_tokens),
            "temperature": self.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
            "timings_per_token": True,
            "return_progress": True,  # a callback after each prompt batch: a cancel takes effect there
            "cache_prompt": self.prompt_cache,
        }
        if stop:
            body["stop"] = list(stop)
        if state.code_only:
            body["grammar"] = CODE_BLOCK_GRAMMAR
        if self.seed is not None:
            body["seed"] = self.seed

        def on_chunk(chunk: Any) -> bool:
            try:
                return self._on_chunk(state, chunk)
            except BaseException as e:  # never let an exception vanish inside the C callback
                state.callback_error = e
                return True

        with self._lock:
            self._active.add(state.cancel)
        try:
            server.handle_chat_completions(body, on_chunk)
        except Exception as e:
            raise ModelError(f"the embedded model failed: {e}") from e
        finally:
            with self._lock:
                self._active.discard(state.cancel)

        if state.callback_error is not None:
            raise ModelError(f"the embedded model's stream could not be read: {state.callback_error!r}")
        if state.error is not None:
            raise self._error(state.error)
        if state.cancel.is_set() and not state.cut:
            raise ModelError("the embedded model call was cancelled")
        return self._completion(state)

    @staticmethod
    def _on_chunk(state: _CallState, chunk: Any) -> bool:
        if not isinstance(chunk, dict):
            state.error = {"message": f"unexpected stream item {chunk!r:.200}"}
            return True
        if "error" in chunk:
            err = chunk["error"]
            state.error = err if isinstance(err, dict) else {"message": str(err)}
            return True
        if "choices" not in chunk and chunk.get("type") == "server_error":
            state.error = chunk
            return True
        if chunk.get("prompt_progress"):
            state.progress = chunk["prompt_progress"]
        if chunk.get("timings"):
            state.timings = chunk["timings"]
        if chunk.get("usage"):
            state.usage = chunk["usage"]
        for choice in chunk.get("choices") or ():
            piece = (choice.get("delta") or {}).get("content")
            if piece:
                state.text += piece
            if choice.get("finish_reason"):
                state.finish_reason = choice["finish_reason"]
        if state.cancel.is_set():
            return True
        if state.stop_at_block:
            end = first_block_end(state.text)
            if end is not None:
                state.text = state.text[:end].rstrip("\n")  # the closing fence's line break is not kept
                state.cut = True
                state.finish_reason = "code_block"
                return True
        return False

    def _completion(self, state: _CallState) -> Completion:
        usage, timings = state.usage, state.timings
        if usage and not state.cut:
            details = usage.get("prompt_tokens_details") or {}
            return Completion(
                text=state.text,
                input_tokens=int(usage.get("prompt_tokens", 0)),
                output_tokens=int(usage.get("completion_tokens", 0)),
                model=self.name,
                cost=0.0,
                cached_tokens=int(details.get("cached_tokens") or (timings or {}).get("cache_n", 0) or 0),
            )
        if timings:  # the stream was ended early: the last per-token timings are exact so far
            cached = int(timings.get("cache_n", 0) or 0)
            return Completion(
                text=state.text,
                input_tokens=cached + int(timings.get("prompt_n", 0) or 0),
                output_tokens=int(timings.get("predicted_n", 0) or 0),
                model=self.name,
                cost=0.0,
                cached_tokens=cached,
            )
        # Nothing reported (should not happen): estimate, and say so.
        return Completion(
            text=state.text,
            input_tokens=0,
            output_tokens=self.count_tokens(state.text),
            model=self.name,
            cost=0.0,
            estimated=True,
        )

    def _spent(self, state: _CallState) -> Completion | None:
        """What a cancelled call had read and written (None: it never started). Past its prompt the per-token
        timings are exact; within it, the last prompt batch llama.cpp reported (cached tokens included)."""
        progress = state.progress or {}
        total, processed = int(progress.get("total", 0) or 0), int(progress.get("processed", 0) or 0)
        if processed < total:  # stopped within the prompt (its chunks' timings say nothing of it yet)
            # llama.cpp still reads the batch under way when it is told to stop, so that batch is spent too.
            return Completion(text="", input_tokens=min(total, processed + self.prompt_batch_tokens), output_tokens=0,
                              model=self.name, cost=0.0, cached_tokens=int(progress.get("cache", 0) or 0))
        if state.timings or state.usage:
            return self._completion(state)
        return None

    def _error(self, err: dict[str, Any]) -> ModelError:
        message = str(err.get("message") or err)
        if err.get("type") == "exceed_context_size_error" or "exceeds the available context size" in message:
            n_prompt = err.get("n_prompt_tokens")
            size = f"{n_prompt} tokens" if n_prompt is not None else "too long"
            return ContextWindowError(
                f"the prompt is {size} but the embedded model ({MODEL_NAME}) has a window of "
                f"{self.context_window} tokens per call (prompt + reply). Send less text per call "
                f"(smaller chunks, shorter history) or construct EmbeddedModel(n_ctx=...) with a larger "
                f"window. [llama.cpp: {message}]"
            )
        return ModelError(f"the embedded model ({MODEL_NAME}) failed: {message}")

    # ------------------------------------------------------------------ tokens

    def count_tokens(self, text: str) -> int:
        tok = self._tokenizer
        if tok is None:
            with self._tok_lock:
                if self._tokenizer is None:
                    try:
                        self._tokenizer = BPETokenizer.from_gguf(self._model_file_path()) or False
                    except EmbeddedModelError:
                        raise
                    except Exception:
                        self._tokenizer = False
                tok = self._tokenizer
        if tok:
            return tok.count(text)
        return int(len(text) / CHARS_PER_TOKEN_ESTIMATE) + 1

    # ------------------------------------------------------------------ closing

    async def aclose(self) -> None:
        """Free the llama.cpp server (and its ~2 GB). In-flight generations are aborted, queued
        calls fail with ModelError. A later call loads the model again."""
        with self._lock:
            self._generation += 1
            for ev in self._active:
                ev.set()
            executor, self._executor = self._executor, None
        await asyncio.to_thread(self._close_blocking, executor)

    def _close_blocking(self, executor: concurrent.futures.ThreadPoolExecutor | None) -> None:
        if executor is not None:
            executor.shutdown(wait=True)
        with self._load_lock, self._lock:
            server, self._server = self._server, None
        del server  # the C++ destructor stops llama.cpp's loop and frees the model and KV cache
        gc.collect()
