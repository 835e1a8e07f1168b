"""The persistent sub-call cache: hits, persistence, de-duplication of identical calls, keys, threads."""

import asyncio
import threading

import pytest

import fault_server as fs
from fault_server import FaultServer
from recursivelm.cache import SubCallCache, cache_key, sub_call_key
from recursivelm.models.openai_compat import OpenAIModel
from recursivelm.protocols import Completion, ModelError

PROMPT = [{"role": "user", "content": "summarise chunk 3"}]


class CountingCall:
    """A stand-in for a model call: counts how often it really runs, optionally holding until released."""

    def __init__(self, text: str = "summary", delay_s: float = 0.0):
        self.text = text
        self.delay_s = delay_s
        self.calls = 0
        self._lock = threading.Lock()

    async def __call__(self) -> Completion:
        with self._lock:
            self.calls += 1
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        return Completion(self.text, 120, 30, "openai/fake-model", cost=0.001, cached_tokens=20)


@pytest.fixture
def cache(tmp_path):
    with SubCallCache(tmp_path / "subcalls.sqlite") as c:
        yield c


def parts(**sampling):
    return sub_call_key("openai/fake-model", PROMPT, max_tokens=500, **sampling)


def test_a_miss_calls_and_a_hit_returns_the_stored_completion(cache):
    call = CountingCall()
    first, hit1 = asyncio.run(cache.get_or_call(parts(), call))
    second, hit2 = asyncio.run(cache.get_or_call(parts(), call))
    assert (hit1, hit2, call.calls) == (False, True, 1)
    assert second == first  # every field, cost and cached tokens included: the caller zeroes a hit's cost
    stats = cache.stats()
    assert (stats["hits"], stats["misses"], stats["saved_calls"], stats["entries"]) == (1, 1, 1, 1)
    assert (stats["saved_input_tokens"], stats["saved_output_tokens"]) == (120, 30)


def test_entries_persist_across_instances(tmp_path):
    path = tmp_path / "deep" / "cache.sqlite"
    with SubCallCache(path) as c:
        asyncio.run(c.get_or_call(parts(), CountingCall("kept")))
    call = CountingCall("new")
    with SubCallCache(path) as c:
        completion, hit = asyncio.run(c.get_or_call(parts(), call))
    assert (completion.text, hit, call.calls) == ("kept", True, 0)


def test_a_prompt_and_a_reply_holding_lone_surrogates_are_stored_and_read_back(tmp_path):
    # Model code can build any str; UTF-8 cannot encode a lone surrogate: the key hash and the insert raised.
    prompt = sub_call_key("openai/fake-model", [{"role": "user", "content": "chunk \ud800 3"}])
    with SubCallCache(tmp_path / "c.sqlite") as c:
        asyncio.run(c.get_or_call(prompt, CountingCall("reply \udfff")))
    call = CountingCall("new")
    with SubCallCache(tmp_path / "c.sqlite") as c:
        completion, hit = asyncio.run(c.get_or_call(prompt, call))
    assert (completion.text, hit, call.calls) == ("reply \udfff", True, 0)


def test_identical_concurrent_requests_share_one_call(cache):
    call = CountingCall(delay_s=0.1)

    async def ten_at_once():
        return await asyncio.gather(*(cache.get_or_call(parts(), call) for _ in range(10)))

    results = asyncio.run(ten_at_once())
    assert call.calls == 1
    assert sorted(hit for _, hit in results) == [False] + [True] * 9  # only the first asker paid
    assert len({c for c, _ in results}) == 1
    assert cache.stats()["shared"] == 9


@pytest.mark.parametrize("changed", [
    sub_call_key("openai/fake-model", PROMPT, max_tokens=501),
    sub_call_key("openai/fake-model", PROMPT, max_tokens=500, stop=["```output"]),
    sub_call_key("openai/fake-model", PROMPT, max_tokens=500, temperature=0.7),
    sub_call_key("openai/other-model", PROMPT, max_tokens=500),
    sub_call_key("openai/fake-model", [{"role": "user", "content": "summarise chunk 4"}], max_tokens=500),
], ids=["max_tokens", "stop", "temperature", "model", "messages"])
def test_anything_that_changes_the_reply_changes_the_key(changed):
    assert cache_key(changed) != cache_key(parts())


def test_keys_are_stable_and_order_free():
    a = {"model": "m", "messages": PROMPT, "sampling": {"temperature": 0, "top_k": 5}}
    b = {"sampling": {"top_k": 5, "temperature": 0}, "messages": PROMPT, "model": "m"}
    assert cache_key(a) == cache_key(b) and len(cache_key(a)) == 64


def test_a_models_own_sampling_settings_are_part_of_the_key():
    cold = OpenAIModel("fake-model", api_key="k", temperature=0.0)
    warm = OpenAIModel("fake-model", api_key="k", temperature=1.0)
    assert cache_key(sub_call_key(cold, PROMPT)) != cache_key(sub_call_key(warm, PROMPT))
    assert sub_call_key(cold, PROMPT)["sampling"]["temperature"] == 0.0


def test_a_failed_call_is_not_stored(cache):
    async def failing() -> Completion:
        raise ModelError("the server said no")

    with pytest.raises(ModelError, match="said no"):
        asyncio.run(cache.get_or_call(parts(), failing))
    call = CountingCall()
    assert asyncio.run(cache.get_or_call(parts(), call))[1] is False and call.calls == 1
    assert cache.stats()["errors"] == 1


def test_one_asker_giving_up_does_not_cancel_the_call_for_the_others(cache):
    call = CountingCall(delay_s=0.1)

    async def scenario():
        quitter = asyncio.create_task(cache.get_or_call(parts(), call))
        stayer = asyncio.create_task(cache.get_or_call(parts(), call))
        await asyncio.sleep(0.02)
        quitter.cancel()
        return await stayer

    completion, hit = asyncio.run(scenario())
    assert completion.text == "summary" and hit is True and call.calls == 1


def test_the_call_is_cancelled_when_every_asker_gives_up(cache):
    finished = []

    async def slow() -> Completion:
        await asyncio.sleep(5)
        finished.append(True)
        return Completion("late", 1, 1, "m")

    async def scenario():
        task = asyncio.create_task(cache.get_or_call(parts(), slow))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.02)
        return len(cache._in_flight)

    assert asyncio.run(scenario()) == 0 and not finished
    assert len(cache) == 0


def test_the_last_asker_to_give_up_returns_once_the_call_has_stopped(cache):
    # The call's own cancellation charges what it spent (a cut at the deadline): it must be done by then.
    charged = []

    async def cut_call() -> Completion:
        try:
            await asyncio.sleep(5)
        except asyncio.CancelledError:
            await asyncio.sleep(0.05)  # a backend stopping (llama.cpp ends its prompt batch)
            charged.append(Completion("", 40, 0, "m"))
            raise
        return Completion("late", 1, 1, "m")

    async def scenario():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(cache.get_or_call(parts(), cut_call), timeout=0.05)
        return list(charged)

    assert [c.input_tokens for c in asyncio.run(scenario())] == [40]


def test_threads_and_their_own_event_loops_use_one_cache_safely(cache):
    call = CountingCall(delay_s=0.01)
    errors: list[BaseException] = []

    def worker(n: int):
        try:
            for i in range(10):
                key = parts(stop=[f"key-{(n + i) % 5}"])
                completion, _ = asyncio.run(cache.get_or_call(key, call))
                assert completion.text == "summary"
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    stats = cache.stats()
    assert stats["entries"] == 5
    assert stats["hits"] + stats["shared"] + stats["misses"] == 60
    assert call.calls == stats["misses"] >= 5


def test_a_real_backend_behind_the_cache_is_called_once(tmp_path):
    with FaultServer() as server, SubCallCache(tmp_path / "c.sqlite") as cache:
        server.default = fs.answer("the summary")
        model = OpenAIModel("fake-model", base_url=server.url, api_key="k")

        async def twice():
            key = sub_call_key(model, PROMPT, max_tokens=100)
            first = await cache.get_or_call(key, lambda: model.complete(PROMPT, max_tokens=100))
            second = await cache.get_or_call(key, lambda: model.complete(PROMPT, max_tokens=100))
            return first, second

        (first, hit1), (second, hit2) = asyncio.run(twice())
        assert (hit1, hit2) == (False, True) and first == second
        assert len(server.requests) == 1
