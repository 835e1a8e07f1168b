"""The endpoint fleet (models/fleet.py, OpenAIModel(base_urls=...)) against real local OpenAI-compatible servers."""

from __future__ import annotations

import asyncio
import importlib.util
import socket
import threading
from pathlib import Path

import pytest

from recursivelm import RLM, Limits
from recursivelm.models.fleet import Fleet, FleetError, parse_endpoints
from recursivelm.models.openai_compat import OpenAIModel
from recursivelm.models.registry import resolve_model
from recursivelm.models.resilience import RetryPolicy

_PATH = Path(__file__).resolve().parent.parent / "bench" / "fake_openai_server.py"
_spec = importlib.util.spec_from_file_location("fake_openai_server", _PATH)
fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake)


@pytest.fixture
def servers():
    pair = [fake.FakeOpenAIServer(sub_latency=0.05).start() for _ in range(2)]
    yield pair
    for s in pair:
        s.stop()


def closed_port_url() -> str:
    """A loopback URL nothing listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


class SilentServer:
    """Accepts connections and never answers: an endpoint that hangs."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"

    def _accept(self):
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self):
        self.sock.close()
        for c in self.held:
            c.close()


class Sleeps:
    """The retry policy's sleep, recorded: a failover must not back off."""

    def __init__(self):
        self.waits: list[float] = []

    async def __call__(self, s: float) -> None:
        self.waits.append(s)


def sub_model(urls, **kw) -> OpenAIModel:
    return OpenAIModel("fake-sub", base_urls=urls, api_key="none", **kw)


def ask_many(model: OpenAIModel, n: int):
    async def go():
        try:
            return await asyncio.gather(*(model.complete([{"role": "user", "content": f"q{i}"}]) for i in range(n)))
        finally:
            await model.aclose()

    return asyncio.run(go())


def test_concurrent_requests_spread_over_both_endpoints_and_each_reply_names_its_endpoint(servers):
    model = sub_model([s.url for s in servers])
    replies = ask_many(model, 8)
    per_server = [len(s.log()) for s in servers]
    # Fewest in flight first: 8 concurrent requests split 4 and 4, never all on one replica.
    assert per_server == [4, 4]
    assert sorted(r.endpoint for r in replies) == sorted([servers[0].url] * 4 + [servers[1].url] * 4)


def test_one_after_another_requests_alternate(servers):
    model = sub_model([s.url for s in servers])

    async def go():
        out = [await model.complete([{"role": "user", "content": f"q{i}"}]) for i in range(6)]
        await model.aclose()
        return out

    asyncio.run(go())
    assert [len(s.log()) for s in servers] == [3, 3]  # ties go to the endpoint sent fewest


def test_a_refused_endpoint_is_set_aside_and_its_request_retried_at_once_on_another(servers):
    dead = closed_port_url()
    sleeps = Sleeps()
    model = sub_model([dead, servers[0].url], retry=RetryPolicy(sleep=sleeps))
    replies = ask_many(model, 6)
    assert all(r.endpoint == servers[0].url for r in replies)
    assert len(servers[0].log()) == 6
    down = next(e for e in model.fleet.endpoints if e.url == dead)
    assert down.failures >= 1 and "connection" in down.last_error
    assert down.sent == down.failures  # set aside after its first failures: nothing more was sent there
    assert all(w == 0 for w in sleeps.waits)  # failing over costs no backoff


def test_an_endpoint_that_never_answers_is_timed_out_and_set_aside(servers):
    silent = SilentServer()
    try:
        model = sub_model([silent.url, servers[0].url], timeout_s=0.5, retry=RetryPolicy(sleep=Sleeps()))
        model.fleet.endpoints.sort(key=lambda e: e.url != silent.url)  # the silent one first, for certain
        replies = ask_many(model, 1)
        assert replies[0].endpoint == servers[0].url
        hung = model.fleet.endpoints[0]
        assert hung.url == silent.url and "0.5s" in hung.last_error
    finally:
        silent.close()


def test_when_every_endpoint_fails_the_error_says_so_after_the_retry_policy():
    sleeps = Sleeps()
    model = sub_model([closed_port_url(), closed_port_url()], retry=RetryPolicy(attempts=3, sleep=sleeps))
    from recursivelm import ModelError

    with pytest.raises(ModelError, match="gave up after 3 attempts"):
        ask_many(model, 1)
    assert sleeps.waits[0] == 0  # the first failure moved on at once; the second found no endpoint left
    assert len(sleeps.waits) == 2


def test_a_set_aside_endpoint_comes_back_after_set_aside_s():
    now = [0.0]
    fleet = Fleet(["http://a:1/v1", "http://b:1/v1"], set_aside_s=30, clock=lambda: now[0], shuffle=False)
    a, b = fleet.endpoints
    fleet.set_aside(a, "refused")
    with fleet.acquire() as e1, fleet.acquire() as e2:
        assert e1 is b and e2 is b  # a is out, however busy b is
    now[0] = 31.0
    with fleet.acquire() as e3:
        assert e3 is a  # back, and it has the fewest sent
    fleet.set_aside(b, "refused")
    now[0] = 32.0
    fleet.set_aside(a, "refused again")
    with fleet.acquire() as e4:
        assert e4 is b  # all set aside: the one that comes back soonest


def test_usage_is_per_endpoint_in_the_results_usage_tree(servers):
    urls = [s.url for s in servers]
    root = OpenAIModel("fake-root", base_urls=urls, api_key="none")
    sub = OpenAIModel("fake-sub", base_urls=urls, api_key="none")
    rlm = RLM(root, sub_model=sub, sandbox="inprocess", limits=Limits(max_iterations=4))
    result = rlm.run("some text " * 50, "[bench run=u turns=1 code=batch n=6 answer=ok] go")
    assert result.status == "answered" and result.answer == "ok"
    per_endpoint = result.usage.by_endpoint()
    assert set(per_endpoint) == set(urls)
    assert sum(t.calls for t in per_endpoint.values()) == result.usage.total().calls == 8  # 2 root + 6 sub
    assert sum(len(s.log()) for s in servers) == 8
    for s in servers:  # each endpoint's tally is exactly what that server answered
        assert per_endpoint[s.url].input_tokens == sum(r["prompt_tokens"] for r in s.log())
    assert set(result.usage.as_dict()["by_endpoint"]) == set(urls)


def test_bad_endpoint_lists_are_refused_with_what_to_do():
    with pytest.raises(FleetError, match="http://HOST:PORT/v1"):
        parse_endpoints("localhost:8000")
    with pytest.raises(FleetError, match="given twice"):
        parse_endpoints("http://a:1/v1,http://a:1/v1/")
    with pytest.raises(FleetError, match="no endpoint given"):
        parse_endpoints(" , ")
    with pytest.raises(ValueError, match="OpenAI-compatible models only"):
        resolve_model("scripted:x.json", endpoints=["http://a:1/v1"])
    with pytest.raises(ValueError, match="not both"):
        OpenAIModel("m", base_url="http://a:1/v1", base_urls=["http://b:1/v1"], api_key="none")
    model = resolve_model("vllm/m", endpoints=["http://a:1/v1", "http://b:1/v1"])
    assert sorted(model.fleet.urls) == ["http://a:1/v1", "http://b:1/v1"]
    assert model.limit.max_concurrent == 2 * resolve_model("vllm/m").limit.max_concurrent  # room per replica


def test_every_command_takes_endpoints(servers):
    """--endpoints is one of the run options every command shares; rlm serve's models are built with it too."""
    from recursivelm.cli import build_parser
    from recursivelm.server.config import ServerConfig

    parser = build_parser()
    urls = ",".join(s.url for s in servers)
    for command in (["ask", "f.txt", "q"], ["demo"], ["batch", "jobs.jsonl", "--out", "o"], ["serve"]):
        args = parser.parse_args([*command, "--model", "openai/fake-root", "--endpoints", urls])
        assert args.endpoints == [s.url for s in servers], command
    config = ServerConfig.from_specs("openai/fake-root", sub_model="openai/fake-sub", endpoints=args.endpoints)
    assert sorted(config.model.fleet.urls) == sorted(s.url for s in servers)
    assert sorted(config.sub_model.fleet.urls) == sorted(s.url for s in servers)


def test_rlm_bench_runs_on_an_endpoint_fleet(servers, tmp_path):
    """rlm bench run --endpoints: the benchmark's one model is built on the fleet of replicas."""
    from recursivelm.bench.methods import resolve_bench_model
    from recursivelm.cli import build_parser

    urls = ",".join(s.url for s in servers)
    args = build_parser().parse_args(["bench", "run", "--out", str(tmp_path), "--model", "openai/fake-root",
                                      "--endpoints", urls])
    assert args.endpoints == [s.url for s in servers]
    model = resolve_bench_model(args.model, endpoints=args.endpoints)
    assert sorted(model.fleet.urls) == sorted(s.url for s in servers)
