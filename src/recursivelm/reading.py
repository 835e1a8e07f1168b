"""How a sub-model reads the passages find() gathers: `read(question)` in the REPL.

Given seven passages about one site, the 1.5B reader answered with the value of another attribute of the
same site (the treasury door's cipher for the wifi password), on three of six seeds. Asked of each passage
alone whether it gives the answer, it kept the right one on five of six. But a question whose answer
needs passages together (where an object is, after the person who took it moved on) has no passage that
answers alone, and one read alone gives a guess. So a reading goes:

1. Each passage is checked alone, all in one batch: does it give the answer (yes or no)? Of more than
   MAX_CHECKED_PASSAGES, those gather() chose first (the best-ranked, a definition, the anchors' own).
2. When some checked passages but not all say yes, those are read together. Their answer is kept when it
   is written in them: a value copied from a passage, not a guess made from it (or the value at the end of an
   answer that says the question again, "X's supervisor is Ivo Weber.", where that is written in them).
   A list question's ("Which instruments did the party carry?") passages are first narrowed to those writing its
   verb in some form, where two or more do and some do not; its answer is kept where each item is written in them.
3. Otherwise all passages are read together, in the text's order (a later one may update an earlier one),
   and the reader thinks before it answers: its last line is the reading.

Before all of these, "Where is <someone or something>?" over a story told in short sentences is answered a
sentence at a time (story.py); where that finds nothing, only the story's latest sentences are read (3.).

Measured on the embedded model: bench/RESULTS.md (issue 12, fourth step). The prompts are data here, next
to the rule that uses them; `ask_batch` and `ask` are the REPL's llm_query_batched (which takes max_tokens) and
llm_query.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from . import story
from .consistency import MIN_EVIDENCE_CHARS, normalise
from .evidence import Passage
from .parsing import says_absent
from .querywords import WHICH_MANY, verb_forms

# The passage first, the question after it. With the question first (which llama.cpp's per-slot prompt
# cache would read once for all checks) the 1.5B checker chose another attribute's passage on two of three
# sniah-paraphrase seeds at 64K that it got right this way (bench/RESULTS.md, after9 against after10).
CHECK_PROMPT = (
    "Passage: {passage}\n\nQuestion: {question}\n"
    "Does this passage give the answer to the question? Reply yes or no."
)
# The checks' cost is bounded: a first reading must end well within a cell's time limit on 2 cores (checking
# 17 long passages one by one ran past 120 s at 64K). Of more passages, the first chosen are checked: read all
# together unchecked, 13 code passages gave the reader a file named after the function over the one its
# outline named (codetree seed 2 at 4K). A longer passage is checked on its start, which says what it is
# about (the reading gets it whole).
MAX_CHECKED_PASSAGES = 12
CHECK_PASSAGE_CHARS = 600
# A check is read by its first word (says_yes): a longer reply costs time and changes nothing. Uncapped, eight
# checks of code passages each wrote a reasoned reply and the first cell ran past its 120 s limit (codeqa
# seed 0 at 64K, bench/issue12/after15).
CHECK_REPLY_TOKENS = 4
# No way out such as "if they do not hold it, say so": the 1.5B reader took it on passages that held the
# answer (7 of 18 slice queries answered "not in these passages"; bench/RESULTS.md).
_PASSAGES_IN_ORDER = (
    "Here are passages from a long text, in the order they appear in it (a later one may update an earlier "
    "one), each with where it is.\n\n{passages}\n\nQuestion: {question}\n"
)
# What code counted of the definitions among the passages (outline.py), listed before them: shown only inside
# each passage, as a comment over its code, the 1.5B reader counted the defs it could see instead ("2 methods",
# beside "# outline: ...; 9 methods defined in this class body"; codeqa seed 3 at 64K). Listed first, it took
# the count on three of four such misses and kept the one right reading probed (bench/RESULTS.md).
FACTS_FIRST = "Counted by code from the definitions below (exact):\n{facts}\n\n"
SHORT_REPLY_CHARS = 40  # a reply this short, on one line, is an answer given at once ("The football is in the bedroom.")
# The passages that said yes hold the value: it is copied from them.
READ_PROMPT = _PASSAGES_IN_ORDER + "Answer from the passages, briefly."
# No passage answered alone: the answer is put together from several (where an object is, after the person
# who took it moved on). Asked to think first, the 1.5B reader named the right room on 6 of 12 babi seeds
# at 64K against 4 of 12 asked for the answer at once, and changed nothing on multihop, codeqa or
# sniah-paraphrase (bench/RESULTS.md, issue 12, fifth step). Its last line is the reading.
READ_TOGETHER_PROMPT = _PASSAGES_IN_ORDER + "Think step by step, briefly, then end with a last line: Answer: <the answer>"
# Thinking is bounded: answered readings took 8-250 tokens over the slice at 64K, but one over eight code
# passages ran to the 1,024-token limit (~90 s on 2 cores) and, with the checks before it, ran the first cell
# past its 120 s limit (codeqa seed 0, bench/issue12/after16). A cut reply is read by EXTRACT_PROMPT.
READ_TOGETHER_REPLY_TOKENS = 400
# A reply that thought aloud without that last line ("... are `_SimpleCData`, which is a subclass of
# `ctypes._CData`."; "Therefore, the answer is: B") is cut to its answer by one more short call: passed on
# whole, the reasoning was taken as the answer and scored as a hedge.
EXTRACT_PROMPT = (
    "Question: {question}\n\nA reader's reply: {reply}\n\n"
    "Write only the answer the reply gives to the question, in the form the question asks for."
)
# The answer cut from a reply is short; uncapped, one reader's list of pairs took 104 s of extraction and ran
# its query past the time budget (oolong-pairs seed 0 at 32K, bench/issue12/after26-32k).
EXTRACT_REPLY_TOKENS = 128
# A reply whose last line says it cannot tell, or echoes the prompt's "<the answer>", may give no answer: asked
# to cut one from it, the 1.5B reader wrote "3" for a deployment's replicas it had just said were not in the
# passages (bench/issue12/fresh_probe.py, set F). The answer cut from such a reply is kept only where the reply
# writes it (a letter it named, then doubted: codeqa seed 1 at 64K); else that is said, so the root looks further.
# The prompt's "<the answer>", or one like it: "The employee with the second highest salary is <the name of the
# employee>." (set K); "<no information provided>", which the reader wrote of a passage that gave the building (set A's
# two-hop, seed 0, twenty-sixth step).
_PLACEHOLDERS = re.compile(r"<(?:the|a|an|your|some|no|not|none|unknown)\b[^<>\n]{0,60}>", re.I)
NO_ANSWER = "The answer is not given in the passages read. The reader said: {said}"
_RESTATED = re.compile(r"^.*(?:\b(?:is|are|was|were)\s+|:\s+)(?P<value>[^\n:]*\w[^\n:]{0,80}?)[.!]?$", re.I | re.S)
# "Under which heading is the warranty given?", "in which section ...": the answer is the heading a passage is
# under (evidence.py writes it in the passage's place: "line 295, under '## Specifications'").
_ASKS_HEADING = re.compile(r"\b(?:which|what)\s+(?:heading|section|chapter|part)\b", re.I)
_BARE_PLACE = re.compile(r"^\W*(?:line\s+\d+|[\w./-]+:\d+)\W*$", re.I)  # "[line 295]": a reply that points, not says
_UNDER = re.compile(r", under '#*\s*(?P<heading>[^']+)'$")
# "Which instruments did the survey party carry?": the verb a list question ends in.
_LIST_VERB = re.compile(r"\b(?:did|do|does|have|has|had)\s+(?:[\w'-]+\s+){1,4}?(?P<verb>[a-z]{3,})\s*\?\s*$", re.I)
MIN_VERB_STEM = 4
_ITEMS = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)  # "a barometer, a rain gauge, and a sextant"
_ANSWER_LINE = re.compile(r"^\W*answer\s*\**\s*:[\s*]*", re.IGNORECASE | re.MULTILINE)  # also **Answer:**


def show(passages: Sequence[Passage]) -> str:
    """Passages as find() prints them: one per entry, each after its place in brackets."""
    return "\n".join(f"[{p.where}] {p.text}" for p in passages)


def show_to_reader(passages: Sequence[Passage]) -> str:
    """Passages as a reader is given them: the definitions' outlines first (FACTS_FIRST), then show()."""
    facts = "\n".join(f"- {p.outline}" for p in passages if p.outline)
    return (FACTS_FIRST.format(facts=facts) if facts else "") + show(passages)


def read(question: str, passages: Sequence[Passage], ask: Callable[..., str],
         ask_batch: Callable[..., list[str]]) -> str:
    """The reader's answer to `question` from `passages` (non-empty, in text order), by the rule above; a
    "where is ...?" question over a story is answered a sentence at a time (story.where_now), else from the
    story's latest sentences (story.latest_state)."""
    if (place := story.where_now(question, passages, ask)) is not None:
        return place
    if (latest := story.latest_state(question, passages)) is not None:
        passages = latest
    elif len(passages) > 1:
        # The first chosen, checked in the text's order (as all of them were, where they are few).
        checked = sorted(sorted(range(len(passages)), key=lambda i: passages[i].chosen_at)[:MAX_CHECKED_PASSAGES])
        replies = ask_batch([CHECK_PROMPT.format(passage=passages[i].text[:CHECK_PASSAGE_CHARS], question=question)
                             for i in checked], max_tokens=CHECK_REPLY_TOKENS)
        said_yes = {i for i, reply in zip(checked, replies) if says_yes(reply)}
        chosen = [p for i, p in enumerate(passages) if i in said_yes]  # in the text's order
        if 0 < len(chosen) < len(checked):
            chosen = _saying_the_verb(question, chosen)
            answer = ask(READ_PROMPT.format(passages=show_to_reader(chosen), question=question))
            if heading := _heading_pointed_at(answer, chosen, question):
                return heading
            if written_in(answer, chosen) or _items_written_in(answer, chosen, question):
                return answer
            if (value := restated_value(answer)) and written_in(value, chosen):
                return value  # "Cyra Okoro's supervisor is Ivo Weber.": the value after the question said again
    reply = ask(READ_TOGETHER_PROMPT.format(passages=show_to_reader(passages), question=question),
                max_tokens=READ_TOGETHER_REPLY_TOKENS)
    answer = answer_line(reply)
    if answer is None or _PLACEHOLDERS.search(answer):
        answer = (ask(EXTRACT_PROMPT.format(question=question, reply=reply.strip()), max_tokens=EXTRACT_REPLY_TOKENS)
                  .strip() or reply.strip())
        last = reply.strip().splitlines()[-1].strip() if reply.strip() else ""
        unsaid = bool(_PLACEHOLDERS.search(last)) or says_absent(last)
        # A placeholder is no answer, nor is it one the reply writes (set I: "<the answer>" was final).
        if _PLACEHOLDERS.search(answer) or (unsaid and not _written_whole(answer, _PLACEHOLDERS.sub(" ", reply))):
            return NO_ANSWER.format(said=last)
    return answer


def _saying_the_verb(question: str, chosen: list[Passage]) -> list[Passage]:
    """Of the passages said to answer a list question ("Which instruments did the survey party carry?"), those
    writing its verb in some form ("carried"), where two or more do and some do not. The 1.5B checker said yes to
    "The survey party left the lantern and the spare oars at the harbour." too, and the reader listed the lantern
    (bench/issue12/fresh_probe.py, set R)."""
    verb = _LIST_VERB.search(question) if WHICH_MANY.match(question) else None
    if verb is None:
        return chosen
    word = verb["verb"].lower()
    stem = word[:-1] if word.endswith(("y", "e")) else word  # carry: carried, carries; store: stored
    if len(stem) < MIN_VERB_STEM:
        return chosen  # "use": "us" is in too many words to pick passages by
    forms = rf"\b(?:{re.escape(stem)}\w*|{'|'.join(map(re.escape, verb_forms(word))) or '(?!)'})\b"
    saying = [p for p in chosen if re.search(forms, p.text, re.I)]
    return saying if 2 <= len(saying) < len(chosen) else chosen


def _items_written_in(answer: str, chosen: Sequence[Passage], question: str) -> bool:
    """For a list question, whether the answer is a list ("a barometer, a rain gauge, and a sextant") each of
    whose items is written in the passages. Whole, the 1.5B reader's right list was written in none, and reading
    every passage after it added the lantern (set R)."""
    if not WHICH_MANY.match(question):
        return False
    items = [item for item in _ITEMS.split(answer.strip().rstrip(".")) if item.strip()]
    return len(items) >= 2 and all(written_in(item, chosen) for item in items)


def _heading_pointed_at(answer: str, passages: Sequence[Passage], question: str) -> str | None:
    """For a question asking which heading (section ...) something is under, where the reader replied with a
    passage's place only ("[line 295]"): the heading that passage is under; None otherwise. Asked "Under which
    heading of the manual is the warranty period given?", the 1.5B reader pointed at the right line, and read
    again with every passage named another heading (bench/issue12/fresh_probe.py, set P)."""
    if not (_ASKS_HEADING.search(question) and _BARE_PLACE.match(answer)):
        return None
    place = answer.strip().strip("[]().,").lower()
    under = [m["heading"].strip() for p in passages
             if p.where.lower().startswith(place + ",") and (m := _UNDER.search(p.where))]
    return under[0] if len(under) == 1 else None


def _written_whole(answer: str, text: str) -> bool:
    """Whether the answer is in the text as a whole token, in any case ("D" in "D) email/...", not "3" in "36.2")."""
    wanted = answer.strip().strip("\"'`*.")
    return bool(wanted) and re.search(rf"(?<!\w)(?<!\d\.){re.escape(wanted)}(?!\w|\.\d)", text, re.I) is not None


def restated_value(answer: str) -> str | None:
    """The value at the end of an answer that says the question again ("Cyra Okoro's supervisor is Ivo Weber.",
    "The price of A-3051 is 333.08"): what follows its last "is", "are", "was", "were" or colon; None for an
    answer of no such shape. Whole, such an answer is written in no passage, and the reading went on to read
    every passage together, which named another row (bench/issue12/fresh_probe.py, set L)."""
    found = _RESTATED.search(answer.strip())
    return found["value"].strip() if found else None


def answer_line(reply: str) -> str | None:
    """What follows the reply's last "Answer:" line; the whole reply where it is one short line (it answered
    at once); None where it reasoned without an answer line."""
    marks = list(_ANSWER_LINE.finditer(reply))
    if marks:
        return reply[marks[-1].end():].strip() or None
    text = reply.strip()
    return text if "\n" not in text and len(text) <= SHORT_REPLY_CHARS else None


def says_yes(reply: str) -> bool:
    return reply.strip().strip("*\"'`").lower().startswith("yes")


def written_in(answer: str, passages: Sequence[Passage]) -> bool:
    """Whether the answer (as consistency.normalise compares answers) is written in one of the passages."""
    wanted = normalise(answer)
    return len(wanted) >= MIN_EVIDENCE_CHARS and any(wanted in p.text.casefold() for p in passages)
