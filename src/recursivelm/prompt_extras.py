"""What issue 13's features add to a run's first two messages, kept out of the loop: the user's tools and
the answer's schema in the system prompt, a session's earlier questions before the first user message.

The words are the profile's templates (`tools`, `answer_schema`, `session_history`); this module only
decides when each applies and what it is given. The system prompt is logged once per run (a
`system_prompt` event): with each root call's prompt, the log then holds the root's whole history, which
the training export needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .events import SystemPrompt

if TYPE_CHECKING:
    from .loop import Run

HISTORY_TURNS = 8  # a session's latest questions shown to a new one (older ones are left out)
HISTORY_QUESTION_CHARS = 300  # of each earlier question shown
HISTORY_ANSWER_CHARS = 600  # of each earlier answer shown (briefly: the REPL holds the details)


def system_prompt(run: Run, base: str) -> str:
    """The profile's system prompt, plus the tools (every depth: children can call them too) and the schema
    (the root only: a child answers its parent in text)."""
    parts = [base]
    tools = run.config.tools
    if tools:
        parts.append(run._render("tools", tools=[t.describe() for t in tools.values()]))
    if run.config.schema is not None and run.depth == 0:
        parts.append(run._render("answer_schema", schema=run.config.schema.prompt_text()))
    text = "\n\n".join(parts)
    log = run.shared.log
    log.emit(SystemPrompt(id=log.new_id("sys"), run=run.run_id, depth=run.depth, t=log.now(), content=text))
    return text


def first_user(run: Run, base: str) -> str:
    """The first user message, after a session's earlier questions and answers (the root only)."""
    history = run.config.history[-HISTORY_TURNS:] if run.depth == 0 else ()
    if not history:
        return base
    turns = [{"question": _cut(q, HISTORY_QUESTION_CHARS), "answer": _cut(a, HISTORY_ANSWER_CHARS)} for q, a in history]
    return run._render("session_history", history=turns) + "\n\n" + base


def _cut(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
