"""`rlm serve` keeps a conversation as a session (issue 13), and answers `response_format` with typed JSON;
driven by the official `openai` SDK against scripted models, in both sandboxes."""

import json

import pytest
from openai import OpenAI

from recursivelm import ScriptedModel
from recursivelm.server.app import build_app
from recursivelm.server.background import BackgroundServer
from recursivelm.server.config import ServerConfig

pytestmark = pytest.mark.timeout(120)

DOC = "<document>\nThe code word is heron. The vault code is 4417.\n</document>"


def block(code: str) -> str:
    return f"```python\n{code}\n```"


def chat(base_url: str, messages: list[dict], **kwargs):
    client = OpenAI(base_url=base_url, api_key="unused", max_retries=0)
    return client.chat.completions.create(model="rlm", messages=messages, **kwargs)


def serve(replies, sandbox="inprocess", **settings):
    root = ScriptedModel(replies=replies, name="scripted")
    return root, BackgroundServer(build_app(ServerConfig(model=root, sandbox=sandbox, profile="default", **settings)))


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_a_follow_up_turn_continues_the_session_with_its_repl(sandbox):
    root, server = serve([block("word = context.split('word is ')[1].split('.')[0]\nFINAL(word)"),
                          block("FINAL(word.upper())")], sandbox)
    with server as base_url:
        first = [{"role": "user", "content": f"{DOC}\nWhat is the code word?"}]
        a1 = chat(base_url, first).choices[0].message.content
        second = first + [{"role": "assistant", "content": a1}, {"role": "user", "content": "In capitals?"}]
        a2 = chat(base_url, second).choices[0].message.content
    assert (a1, a2) == ("heron", "HERON")  # `word` was still in the REPL: the same session answered
    follow_up_prompt = root.calls[1][1]["content"]
    assert "Q: What is the code word?" in follow_up_prompt and "A: heron" in follow_up_prompt


def test_a_conversation_the_server_does_not_hold_gets_its_history_in_a_new_session():
    root, server = serve([block("FINAL('fresh')")])
    with server as base_url:
        messages = [{"role": "user", "content": f"{DOC}\nWhat is the code word?"},
                    {"role": "assistant", "content": "heron (answered elsewhere)"},
                    {"role": "user", "content": "And the vault code?"}]
        assert chat(base_url, messages).choices[0].message.content == "fresh"
    first_message = root.calls[0][1]["content"]
    assert "Q: What is the code word?" in first_message and "A: heron (answered elsewhere)" in first_message


def test_sessions_are_bounded_and_can_be_turned_off():
    root, server = serve([block("v = 'kept'\nFINAL('a')"), block("FINAL('b')"), block("FINAL(v)"),
                          block("FINAL('evicted')")], max_sessions=1)
    with server as base_url:
        for question in ("one?", "two?"):
            chat(base_url, [{"role": "user", "content": f"{DOC}\n{question}"}])
        # The second conversation's session took the only place: the first one's follow-up starts afresh.
        reply = chat(base_url, [{"role": "user", "content": f"{DOC}\none?"}, {"role": "assistant", "content": "a"},
                                {"role": "user", "content": "more?"}])
    assert reply.choices[0].message.content == "evicted" and "NameError" in root.calls[3][-1]["content"]
    assert "Q: one?" in root.calls[2][1]["content"]  # history from the messages, in a new session
    root, server = serve([block("x = 1\nFINAL('a')"), block("FINAL(x)"), block("FINAL('no x')")], max_sessions=0)
    with server as base_url:
        chat(base_url, [{"role": "user", "content": f"{DOC}\none?"}])
        reply = chat(base_url, [{"role": "user", "content": f"{DOC}\none?"}, {"role": "assistant", "content": "a"},
                                {"role": "user", "content": "x?"}])
    assert reply.choices[0].message.content == "no x"  # no session: a fresh REPL, where x is not defined
    assert "NameError" in root.calls[2][-1]["content"]


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_response_format_json_schema_gives_validated_json(sandbox):
    schema = {"type": "object", "properties": {"code": {"type": "integer"}}, "required": ["code"]}
    root, server = serve([block("FINAL({'code': 'four'})"), block("FINAL({'code': 4417})")], sandbox)
    with server as base_url:
        reply = chat(base_url, [{"role": "user", "content": f"{DOC}\nThe vault code?"}],
                     response_format={"type": "json_schema", "json_schema": {"name": "vault", "schema": schema}})
    assert json.loads(reply.choices[0].message.content) == {"code": 4417}
    assert "does not fit the answer's schema" in root.calls[1][-1]["content"]


def test_a_bad_response_format_is_a_400():
    import openai

    _, server = serve([])
    with server as base_url, pytest.raises(openai.BadRequestError, match="response_format"):
        chat(base_url, [{"role": "user", "content": "q"}], response_format={"type": "xml"})
    with server as base_url, pytest.raises(openai.BadRequestError, match="not a valid JSON Schema"):
        chat(base_url, [{"role": "user", "content": "q"}],
             response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "nope"}}})
