"""Turn chat messages into the RLM's (context, question).

The question is the last user message. The context (the long input) is, by precedence:

1. `rlm_context` in the request body (a string, a list of strings, or an object name -> string);
2. else every `<document>...</document>` section found in any message (one: a string; several: a
   list in order, or an object keyed by their `name="..."` attributes when all have distinct names).
   The sections are cut out of the question, so what is left of the last user message is the question;
3. else the conversation itself: every message but the last user message, as a transcript of
   `[role]` blocks.

A question longer than `QUESTION_MAX_CHARS` would crowd the root model's prompt (it is repeated
there in full), so in case 3 a long last message moves into the context too, and the question
becomes an instruction to do what that message asks. In cases 1 and 2 the documents are marked,
so a long question is an error that says to mark the long part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .errors import unprocessable
from .validation import ChatMessage

QUESTION_MAX_CHARS = 8_000  # ~2K tokens: the root prompt holds the question in full, every turn

_DOCUMENT = re.compile(r"<document(?P<attrs>\s[^>]*)?>(?P<text>.*?)</document\s*>", re.S | re.I)
_OPENING_TAG = re.compile(r"<document(\s[^>]*)?>", re.I)
_NAME_ATTR = re.compile(r"""\bname\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)

LONG_MESSAGE_QUESTION = (
    "The context is the user's whole message, too long to repeat here. Do what it asks: find its question "
    "or request (usually at its start or its end) and answer it from the rest of the message."
)
LONG_LAST_MESSAGE_QUESTION = (
    "The context is the whole conversation as [role] blocks; its last [user] block is too long to repeat "
    "here. Do what that last user message asks: find its question or request (usually at its start or "
    "its end) and answer it, using the rest of the conversation as needed."
)


@dataclass(frozen=True)
class Conversation:
    context: Any  # str | list[str] | dict[str, str]: what the REPL holds as `context`
    question: str
    source: str  # "rlm_context" | "documents" | "transcript" | "message"


def split_conversation(messages: list[ChatMessage], explicit_context: Any = None) -> Conversation:
    last_user = _last_user_index(messages)
    documents = [(m, found) for m in messages for found in _DOCUMENT.finditer(m.text)]
    for i, m in enumerate(messages):
        if _OPENING_TAG.search(_DOCUMENT.sub("", m.text)):
            raise unprocessable(f"messages[{i}] opens a <document> that is never closed: end it with </document>",
                                f"messages[{i}].content", code="unclosed_document")

    if explicit_context is not None:
        if documents:
            raise unprocessable("give the documents either as rlm_context or in <document> tags, not both",
                                "rlm_context", code="ambiguous_context")
        return Conversation(explicit_context, _marked_question(messages, last_user), "rlm_context")
    if documents:
        return Conversation(_documents_context([found for _, found in documents]),
                            _marked_question(messages, last_user), "documents")
    return _transcript_conversation(messages, last_user)


def _last_user_index(messages: list[ChatMessage]) -> int:
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "user":
            return i
    raise unprocessable("there is no user message: the question is the last user message", "messages",
                        code="no_question")


def _marked_question(messages: list[ChatMessage], last_user: int) -> str:
    """The last user message with its documents cut out: with marked documents, the rest is the question."""
    question = _DOCUMENT.sub("", messages[last_user].text).strip()
    param = f"messages[{last_user}].content"
    if not question:
        raise unprocessable("the last user message holds no question outside its <document> tags: add the question "
                            "after </document>", param, code="no_question")
    if len(question) > QUESTION_MAX_CHARS:
        raise unprocessable(f"the question is {len(question):,} characters (at most {QUESTION_MAX_CHARS:,}): put the "
                            "long text inside <document> tags or rlm_context", param, code="question_too_long")
    return question


def _documents_context(found: list[re.Match[str]]) -> Any:
    texts = [_trim_one_newline(m.group("text")) for m in found]
    if len(texts) == 1:
        return texts[0]
    names = [_name_of(m.group("attrs") or "") for m in found]
    if all(names) and len(set(names)) == len(names):
        return dict(zip(names, texts, strict=True))
    return texts


def _transcript_conversation(messages: list[ChatMessage], last_user: int) -> Conversation:
    question = messages[last_user].text.strip()
    if not question:
        raise unprocessable("the last user message is empty: it must hold the question",
                            f"messages[{last_user}].content", code="no_question")
    earlier = [m for i, m in enumerate(messages) if i != last_user and m.text.strip()]
    if earlier and len(question) <= QUESTION_MAX_CHARS:
        return Conversation(_transcript(earlier), question, "transcript")
    if not earlier:
        # A single message: it is the context; short, it is also the question as it stands.
        return Conversation(messages[last_user].text,
                            question if len(question) <= QUESTION_MAX_CHARS else LONG_MESSAGE_QUESTION, "message")
    everything = [m for m in messages if m.text.strip()]
    return Conversation(_transcript(everything), LONG_LAST_MESSAGE_QUESTION, "transcript")


def _transcript(messages: list[ChatMessage]) -> str:
    return "\n\n".join(f"[{m.role}]\n{m.text.strip()}" for m in messages)


def _name_of(attrs: str) -> str | None:
    found = _NAME_ATTR.search(attrs)
    return (found.group(1) if found.group(1) is not None else found.group(2)) if found else None


def _trim_one_newline(text: str) -> str:
    """`<document>\\n...\\n</document>`: the newlines that only lay out the tags are not content."""
    if text.startswith("\r\n"):
        text = text[2:]
    elif text.startswith("\n"):
        text = text[1:]
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text
