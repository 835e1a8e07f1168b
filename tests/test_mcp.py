"""`rlm mcp` driven by the official MCP client over stdio: ask, open/ask/close (a session), progress,
bad input as one-line tool errors. The scripted model answers (its replies are consumed across requests)."""

import asyncio
import json
import sys

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from conftest import block

DOC = "alpha\nthe vault code is 4417\nomega\n"


def server(tmp_path, replies, *flags):
    script = tmp_path / "replies.json"
    script.write_text(json.dumps(replies))
    return StdioServerParameters(command=sys.executable, args=["-m", "recursivelm.cli", "mcp", "--model",
                                                                f"scripted:{script}", "-q", *flags])


async def with_client(params, body):
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            return await body(session)


def data(result) -> dict:
    assert not result.is_error, result.content
    return result.structured_content if result.structured_content else json.loads(result.content[0].text)


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_ask_over_stdio_answers_with_usage_and_sends_progress(tmp_path, sandbox):
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC)
    params = server(tmp_path, [block("print(len(context))"), block("FINAL(context.split('code is ')[1].split()[0])")],
                    "--sandbox", sandbox)
    progress = []

    async def body(session):
        tools = {t.name for t in (await session.list_tools()).tools}
        assert {"ask", "open", "close"} <= tools

        async def on_progress(value, total, message):
            progress.append((value, total, message))

        return await session.call_tool("ask", {"path": str(doc), "question": "What is the vault code?"},
                                       progress_callback=on_progress)

    reply = data(asyncio.run(with_client(params, body)))
    assert (reply["answer"], reply["status"], reply["iterations"]) == ("4417", "answered", 2)
    assert reply["usage"]["calls"] == 2 and reply["usage"]["input_tokens"] > 0
    assert progress and progress[-1][0] == 2 and "iteration 2/" in progress[-1][2]


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_open_then_ask_with_the_handle_keeps_the_repl(tmp_path, sandbox):
    params = server(tmp_path, [block("code = 4417\nFINAL(code)"), block("FINAL(code + 1)")], "--sandbox", sandbox)

    async def body(session):
        handle = data(await session.call_tool("open", {"text": DOC}))["handle"]
        first = data(await session.call_tool("ask", {"handle": handle, "question": "The code?"}))
        second = data(await session.call_tool("ask", {"handle": handle, "question": "Plus one?"}))
        closed = data(await session.call_tool("close", {"handle": handle}))
        after = await session.call_tool("ask", {"handle": handle, "question": "again?"})
        return first, second, closed, after

    first, second, closed, after = asyncio.run(with_client(params, body))
    assert (first["answer"], second["answer"], first["handle"]) == ("4417", "4418", closed["closed"])
    assert after.is_error and "no open session" in after.content[0].text


def test_ask_with_a_schema_answers_json_that_fits(tmp_path):
    schema = {"type": "object", "properties": {"code": {"type": "integer"}}, "required": ["code"]}
    params = server(tmp_path, [block("FINAL({'code': 'x'})"), block("FINAL({'code': 4417})")], "--sandbox", "inprocess")

    async def body(session):
        return await session.call_tool("ask", {"text": DOC, "question": "The code?", "schema": schema})

    reply = data(asyncio.run(with_client(params, body)))
    assert json.loads(reply["answer"]) == {"code": 4417} and reply["iterations"] == 2


def test_bad_input_is_a_one_line_tool_error(tmp_path):
    params = server(tmp_path, [], "--sandbox", "inprocess")

    async def body(session):
        return [await session.call_tool("ask", args) for args in (
            {"question": "q"},  # no input
            {"question": "q", "path": str(tmp_path / "missing.txt")},
            {"question": "  ", "text": DOC},
            {"question": "q", "text": DOC, "max_iterations": 0},
            {"question": "q", "text": DOC, "schema": {"type": "nope"}},
        )]

    results = asyncio.run(with_client(params, body))
    messages = [r.content[0].text for r in results]
    assert all(r.is_error for r in results)
    assert "exactly one of `path`" in messages[0] and "missing.txt" in messages[1]
    assert "question is empty" in messages[2] and "max_iterations" in messages[3]
    assert "not a valid JSON Schema" in messages[4]
    assert not any("Traceback" in m for m in messages)


def test_sessions_are_bounded(tmp_path):
    params = server(tmp_path, [], "--sandbox", "inprocess", "--max-sessions", "2")

    async def body(session):
        handles = [data(await session.call_tool("open", {"text": DOC}))["handle"] for _ in range(3)]
        oldest = await session.call_tool("close", {"handle": handles[0]})  # made room for the third
        newest = await session.call_tool("close", {"handle": handles[2]})
        return oldest, newest

    oldest, newest = asyncio.run(with_client(params, body))
    assert oldest.is_error and not newest.is_error


def test_ask_over_streamable_http(tmp_path):
    import socket
    import subprocess
    import time

    from mcp.client.streamable_http import streamable_http_client

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    params = server(tmp_path, [block("FINAL('4417')")], "--sandbox", "inprocess", "--http", str(port))
    proc = subprocess.Popen([params.command, *params.args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while True:  # until it listens
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()
                time.sleep(0.1)

        async def main():
            async with streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write):
                async with ClientSession(read, write) as session:
                    await session.initialize()
                    return await session.call_tool("ask", {"text": DOC, "question": "The code?"})

        assert data(asyncio.run(main()))["answer"] == "4417"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.embedded
def test_rlm_mcp_on_the_embedded_model_answers_over_stdio(tmp_path):
    # Not run by the engineer who wrote it (the embedded model is the lead's to run).
    from recursivelm.demo import needle_document

    doc = needle_document(target_tokens=6_000, seed=5)
    path = tmp_path / "log.txt"
    path.write_text(doc.text)
    params = StdioServerParameters(command=sys.executable, args=["-m", "recursivelm.cli", "mcp", "-q",
                                                                  "--max-iterations", "5"])

    async def body(session):
        return await session.call_tool("ask", {"path": str(path), "question": doc.question}, read_timeout_seconds=900)

    reply = data(asyncio.run(with_client(params, body)))
    assert doc.answer in (reply["answer"] or "")
