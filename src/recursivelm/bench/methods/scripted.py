"""`--model scripted`: a deterministic, offline model that drives every method end to end (for CI).

It is "oracle-ish", not good: it reads what it is shown the way a careful but simple reader would.
- S-NIAH: it answers the magic number when the needle is in what it sees (its prompt, or `context` for
  code it writes), so `direct` scores only when the needle fits its window and the RLM always does.
- Multiple choice: "A". Anything else: "unknown".
- In a REPL (a system prompt that asks for ```python / ```repl blocks): the first reply is exploration
  code (with an `llm_query` call when the prompt offers one), the second `FINAL(...)` computed by code
  over `context`; an answer-now turn gets a text `FINAL(...)`.
- Compaction steps: the piece's sentences that name the question's key or share two of its longer words,
  else NONE; compactions: the notes naming the key first, cut to six lines. Search-query turns: the
  question's longer words.

It knows a prompt by the template it was made from, never by its wording: each method's str.format
templates (`methods/*.toml`) become patterns with a group per field (`template_pattern`), so a prompt
is recognised as, say, `compaction.step_user` with its `question` and `piece`, and rewording a template
in its TOML changes nothing here. The engine's answer-now turn is recognised the same way, from each
profile's `answer_now` template rendered around a marker. Only the engine's first message is read by its
"Question:" line (its template holds conditional parts a pattern cannot follow).

A `ScriptedModel` underneath: token counts are characters / 4, a prompt over the window raises
`ContextWindowError` (so a method that overfills its window fails loudly), `latency_s` delays each reply.
"""

from __future__ import annotations

import re
import string

from ...models.scripted import ScriptedModel
from ...prompts import load_profile, profile_names
from ...protocols import Message
from .base import load_prompts

DEFAULT_WINDOW = 8_192  # the embedded model's window
_NEEDLE_KEY = re.compile(r"magic number for ([\w-]+) mentioned")
_QUESTION = re.compile(r"Question: (.+?)(?=\n(?:Write |The text starts)|\Z)", re.DOTALL)  # the engine's first message
_CHOICES = re.compile(r"(?m)^\s*A\) ")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{4,}")
_STOP_WORDS = frozenset("which where their there about these those would could should answer question "
                        "mentioned text within hidden special".split())
MAX_NOTE_LINES = 12
MARKER = "\x00marker\x00"


def template_pattern(template: str) -> re.Pattern:
    """What a str.format template renders, as a pattern: its text literally, each field a named group."""
    parts, seen = [], set()
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(parts), re.DOTALL)


# The methods' user messages, by template name.
TEMPLATES = {f"{method}.{name}": template_pattern(load_prompts(method)[name])
             for method, names in (("direct", ["user"]), ("compaction", ["step_user", "compact_user", "answer_user"]),
                                   ("retrieval", ["query_user", "user"]))
             for name in names}


def _answer_now_patterns() -> list[re.Pattern]:
    """Each profile's answer-now turn (which may follow the last cell's output in the same message)."""
    patterns = []
    for name in profile_names():
        before, _, after = load_profile(name).render("answer_now", reason=MARKER).partition(MARKER)
        patterns.append(re.compile(re.escape(before) + ".*?" + re.escape(after) + r"\Z", re.DOTALL))
    return patterns


ANSWER_NOW = _answer_now_patterns()


def recognise(content: str) -> tuple[str, dict[str, str]] | None:
    """(template name, its fields) of a method's user message; None for any other message."""
    for name, pattern in TEMPLATES.items():
        match = pattern.fullmatch(content)
        if match:
            return name, match.groupdict()
    return None


class BenchScriptedModel(ScriptedModel):
    def __init__(self, context_window: int = DEFAULT_WINDOW, latency_s: float = 0.0, name: str = "scripted"):
        super().__init__(respond=respond, name=name, context_window=context_window, latency_s=latency_s)


def respond(messages: list[Message]) -> str:
    system = messages[0]["content"] if messages[0]["role"] == "system" else ""
    last = messages[-1]["content"]
    if "```python" in system or "```repl" in system:
        return _agent_turn(system, messages, last, _question(messages))
    name, fields = recognise(last) or ("", {})
    question = fields.get("question", "").strip() or _question(messages)
    if name == "compaction.step_user":
        return _piece_notes(fields["piece"], question)
    if name == "compaction.compact_user":
        return _shorter_notes(fields["notes"], question)
    if name == "retrieval.query_user":
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
    if any(pattern.search(last) for pattern in ANSWER_NOW):  # the engine's answer-now turn
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


def _piece_notes(piece: str, question: str) -> str:
    sentences = re.split(r"(?<=[.!?])\s+|\n", piece)
    found = list(dict.fromkeys(s.strip() for s in sentences if s.strip() and _relevant(s, question)))
    return "\n".join(found[:MAX_NOTE_LINES]) or "NONE"


def _shorter_notes(notes: str, question: str) -> str:
    lines = notes.splitlines()
    key = _NEEDLE_KEY.search(question)
    first = [line for line in lines if key is not None and key.group(1) in line]
    return "\n".join((first + [line for line in lines if line not in first])[:MAX_NOTE_LINES // 2])
