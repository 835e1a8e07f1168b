"""`--model scripted`: a deterministic, offline model that drives every method end to end (for CI).

It is "oracle-ish", not good: it reads what it is shown the way a careful but simple reader would.
- S-NIAH: it answers the magic number when the needle is in what it sees (its prompt, or `context` for
  code it writes), so `direct` scores only when the needle fits its window and the RLM always does.
- Multiple choice: "A". Anything else: "unknown".
- In a REPL (a system prompt that asks for ```python / ```repl blocks): the first reply is exploration
  code (with an `llm_query` call when the prompt offers one), the second `FINAL(...)` computed by code
  over `context`; an answer-now turn gets a text `FINAL(...)`.
- Compaction steps ("Notes on this piece:"): the piece's sentences that name the question's key or share
  two of its longer words, else NONE; "Shorter notes:": the notes naming the key first, cut to six lines. Search-query turns ("Search query:"): the question's longer words.

A `ScriptedModel` underneath: token counts are characters / 4, a prompt over the window raises
`ContextWindowError` (so a method that overfills its window fails loudly), `latency_s` delays each reply.
"""

from __future__ import annotations

import re

from ...models.scripted import ScriptedModel
from ...protocols import Message

DEFAULT_WINDOW = 8_192  # the embedded model's window
_NEEDLE_KEY = re.compile(r"magic number for ([\w-]+) mentioned")
_QUESTION = re.compile(
    r"Question: (.+?)(?=\n(?:Answer:|Search query:|Write |The text starts|\nPiece \d|\nNotes taken)|\Z)", re.DOTALL)
_CHOICES = re.compile(r"(?m)^\s*A\) ")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{4,}")
_STOP_WORDS = frozenset("which where their there about these those would could should answer question "
                        "mentioned text within hidden special".split())
MAX_NOTE_LINES = 12


class BenchScriptedModel(ScriptedModel):
    def __init__(self, context_window: int = DEFAULT_WINDOW, latency_s: float = 0.0, name: str = "scripted"):
        super().__init__(respond=respond, name=name, context_window=context_window, latency_s=latency_s)


def respond(messages: list[Message]) -> str:
    system = messages[0]["content"] if messages[0]["role"] == "system" else ""
    last = messages[-1]["content"]
    question = _question(messages)
    if "```python" in system or "```repl" in system:
        return _agent_turn(system, messages, last, question)
    if last.rstrip().endswith("Notes on this piece:"):
        return _piece_notes(last, question)
    if last.rstrip().endswith("Shorter notes:"):
        return _shorter_notes(last, question)
    if last.rstrip().endswith("Search query:"):
        return " ".join(_keywords(question)[:12]) or "text"
    seen = "\n".join(m["content"] for m in messages)
    return guess(question, seen)


def _question(messages: list[Message]) -> str:
    for message in reversed(messages):
        found = _QUESTION.findall(message["content"])
        if found:
            return found[-1].strip()
    return messages[-1]["content"][:200]


def _keywords(question: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(question) if w.lower() not in _STOP_WORDS]


def guess(question: str, seen: str) -> str:
    """The answer a simple reader gives having seen `seen`."""
    key = _NEEDLE_KEY.search(question)
    if key:
        found = re.search(rf"magic numbers? for {re.escape(key.group(1))} is:? (\d+)", seen)
        return found.group(1) if found else "I could not find it."
    if _CHOICES.search(question):
        return "A"
    return "unknown"


def _agent_turn(system: str, messages: list[Message], last: str, question: str) -> str:
    if re.search(r"\bStop\b", last) and "FINAL" in last:  # the engine's answer-now turn
        return f"FINAL({guess(question, chr(10).join(m['content'] for m in messages))!r})"
    turns = sum(1 for m in messages if m["role"] == "assistant")
    fence = "repl" if "```repl" in system else "python"
    if turns == 0:
        code = ["print(type(context).__name__, len(context))", "print(str(context)[:300])"]
        if "llm_query" in system:
            code += ["topic = llm_query('In one line, what is this text about?\\n' + str(context)[:2000])",
                     "print(topic[:200])"]
        return f"```{fence}\n" + "\n".join(code) + "\n```"
    key = _NEEDLE_KEY.search(question)
    if key:
        pattern = rf"magic numbers? for {re.escape(key.group(1))} is:? (\d+)"
        code = (f"import re\nfound = re.search({pattern!r}, str(context))\n"
                f"FINAL(found.group(1) if found else 'I could not find it.')")
    else:
        code = f"FINAL({guess(question, '')!r})"
    return f"```{fence}\n{code}\n```"


def _relevant(sentence: str, question: str) -> bool:
    key = _NEEDLE_KEY.search(question)
    if key is not None and key.group(1) in sentence:
        return True
    return len(set(_keywords(question)) & {w.lower() for w in _WORD.findall(sentence)}) >= 2


def _piece_notes(prompt: str, question: str) -> str:
    piece = re.search(r'Piece \d+ of \d+:\n"""\n(.*)\n"""', prompt, re.DOTALL)
    sentences = re.split(r"(?<=[.!?])\s+|\n", piece.group(1)) if piece else []
    found = list(dict.fromkeys(s.strip() for s in sentences if s.strip() and _relevant(s, question)))
    return "\n".join(found[:MAX_NOTE_LINES]) or "NONE"


def _shorter_notes(prompt: str, question: str) -> str:
    notes = re.search(r"Notes taken so far while reading a long text:\n(.*?)\n\nThe notes are too long", prompt,
                      re.DOTALL)
    lines = notes.group(1).splitlines() if notes else []
    key = _NEEDLE_KEY.search(question)
    first = [line for line in lines if key is not None and key.group(1) in line]
    return "\n".join((first + [line for line in lines if line not in first])[:MAX_NOTE_LINES // 2])
