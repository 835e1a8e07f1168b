"""Where someone or something is now, in a story told in order: "Where is the umbrella?" over passages that
are a story's short sentences (`reading.read` asks here first).

Given the few sentences that settle it (the umbrella taken, then the holder's moves), the 1.5B reader named
the room where the umbrella was taken on half the seeds: asked to think step by step, it answered at once
with the first room it saw (babi seeds 1, 3 and 5 at every length; bench/RESULTS.md, issue 12, fourteenth
step). Asked to carry a summary from sentence to sentence, it lost the holder. What it does get right is one
sentence at a time: "does this sentence say where Fred went?" and "does Fred take the umbrella or let go of
it?". So code walks the story and the sub-model reads single sentences:

1. From the last sentence naming the subject backwards, each is asked whether it says where the subject is
   or went; the first place it names (a word of that sentence) is the answer.
2. For a thing, the last sentence naming it also says who handled it last: taken, the thing is where its
   holder is now (step 1 for the holder, over the whole story); let go, it is where the holder was then
   (step 1 over the story up to that sentence).

Where a step gets no usable reply, there is no answer here and the passages are read as before. Nothing
here knows a task: only that a thing someone holds goes where they go.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from .evidence import Passage

# "Where is the football?", "Where is Mary?": the subject, and nothing after it ("Where is class X defined?"
# asks for a definition, not a place in a story).
_WHERE_NOW = re.compile(r"(?:^|(?<=[.?!]\s))where (?:is|are) (?:the |a |an )?(?P<thing>[\w'-]+(?: [\w'-]+){0,3})\?",
                        re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_PERSON = re.compile(r"\b[A-Z][a-z]+\b")
MAX_STORY_SENTENCE_CHARS = 200  # a longer one is prose or code, not a story's step
STATE_SENTENCES_AFTER = 4  # latest_state: of a person's sentences after the thing's last, the last this many
MAX_SENTENCES_ASKED = 8  # of the sentences naming a subject, from the last, at most this many asked for a place
MIN_ACTOR_SENTENCES = 2  # a holder starts at least this many of the story's sentences (is_actor)
PLACE_REPLY_TOKENS = 6  # a place's name
HANDLING_REPLY_TOKENS = 4  # "take" or "let go"
# One sentence and one person or thing: probed on eight sentences, the 1.5B model named the place of each
# move and said "no" for each taking or dropping.
PLACE_PROMPT = ("Sentence: {sentence}\n\nDoes this sentence say where {subject} is or went? "
                "Reply with the place only, or \"no\".")
# Probed on fourteen sentences: "take" / "let go" right on twelve (every take and drop of the bench's stories;
# wrong on "handed it to John" and "put it on the table"). Asked "who has the umbrella after this sentence?",
# it named the dropper too (6 of 10); asked "does Fred have it after this sentence?", "yes" for 13 of 14.
HANDLING_PROMPT = ("Sentence: {sentence}\n\nIn this sentence, does {person} take the {thing} or let go of it? "
                   "Reply \"take\" or \"let go\".")
_ARTICLE = re.compile(r"^(?:(?:in|at|to|into|on)\s+)?(?:the|a|an)\s+", re.IGNORECASE)  # "in the cellar"
_NOT_A_NAME = {"The", "A", "An", "Then", "Later", "After", "Before"}  # capitalised at a sentence's start
_NOT_A_PLACE = {"no", "there", "here", "it", "nowhere", "unknown", "none"}


def asked_subject(question: str) -> str | None:
    """The person or thing a "Where is ...?" question asks about, as written; None for another question."""
    asked = _WHERE_NOW.search(question.strip())
    return asked["thing"] if asked else None


def sentences_of(question: str, passages: Sequence[Passage]) -> tuple[str, list[Passage]] | None:
    """The subject asked and the passages' sentences in order, where the question asks where something is and
    the passages are a story's short sentences naming it; else None."""
    subject = asked_subject(question)
    if not subject or len(subject.split()) > 1 and subject.lower().endswith("ed"):  # "Where is it located?"
        return None
    sentences = [Passage(p.where, text, p.chosen_at) for p in passages
                 for text in _SENTENCE_END.split(p.text.replace("…", " ")) if text.strip()]
    if not sentences or any(len(x.text) > MAX_STORY_SENTENCE_CHARS for x in sentences):
        return None
    if not _naming(sentences, subject, len(sentences)):
        return None
    return subject, sentences


def _naming(sentences: Sequence[Passage], subject: str, until: int) -> list[int]:
    """The indexes of the sentences before `until` naming the subject (by its last word: "the old lamp")."""
    word = re.escape(subject.split()[-1])
    flags = 0 if is_person(subject) else re.IGNORECASE
    return [i for i in range(until) if re.search(rf"\b{word}\b", sentences[i].text, flags)]


def is_person(subject: str) -> bool:
    return bool(_PERSON.fullmatch(subject))


def is_actor(name: str, sentences: Sequence[Passage]) -> bool:
    """Whether a capitalised word is one of the story's people: it starts at least two of its sentences and is
    never written in lower case ("Retries use the policy ..." starts a sentence of a manual, "retries" is
    written elsewhere: not a person who could hold something)."""
    starts = sum(x.text.startswith(name + " ") for x in sentences)
    return starts >= MIN_ACTOR_SENTENCES and names_someone(name, sentences)


def names_someone(name: str, sentences: Sequence[Passage]) -> bool:
    """Whether a capitalised word may be someone's name: not a sentence's opening word ("Then", "The") and
    never written in lower case in the story."""
    lower = any(re.search(rf"\b{re.escape(name.lower())}\b", x.text) for x in sentences)
    return name not in _NOT_A_NAME and not lower


def latest_state(question: str, passages: Sequence[Passage]) -> list[Passage] | None:
    """The sentences a reader is given where where_now() found nothing: the last sentence naming the subject,
    and for each name in it (names_someone: not "Then", nor "Retries" where "retries" is written) the last
    sentence naming it before it and the last STATE_SENTENCES_AFTER after it, in order; None for another
    question, or where no sentence names it."""
    found = sentences_of(question, passages)
    if found is None:
        return None
    subject, sentences = found
    last = _naming(sentences, subject, len(sentences))[-1]
    keep = {last}
    for name in set(_PERSON.findall(sentences[last].text)):
        if not names_someone(name, sentences):
            continue
        about = _naming(sentences, name, len(sentences))
        keep.update([i for i in about if i < last][-1:] + [i for i in about if i > last][-STATE_SENTENCES_AFTER:])
    return [sentences[i] for i in sorted(keep)]


def where_now(question: str, passages: Sequence[Passage], ask: Callable[..., str]) -> str | None:
    """Where the subject of a "Where is ...?" question is at the end of the story the passages tell, by the
    rule above (`ask` is llm_query, taking max_tokens); None where it is not such a question or a step got no
    usable reply."""
    found = sentences_of(question, passages)
    if found is None:
        return None
    subject, sentences = found
    return _whereabouts(subject, sentences, len(sentences), ask)


def _whereabouts(subject: str, sentences: Sequence[Passage], until: int, ask: Callable[..., str]) -> str | None:
    """Where `subject` is as of sentence `until` (exclusive): steps 1 and 2 above. A holder is a person, whose
    walk asks only step 1: one hop at most."""
    naming = _naming(sentences, subject, until)
    for index in reversed(naming[-MAX_SENTENCES_ASKED:]):
        sentence = sentences[index].text
        if place := place_in(sentence, subject, ask):
            return place
        if is_person(subject):
            continue  # a person's sentence without a place (took, dropped): look further back
        holders = [name for name in dict.fromkeys(_PERSON.findall(sentence))
                   if name.lower() != subject.lower() and is_actor(name, sentences)]
        if len(holders) != 1:
            return None  # nobody, or several, handled it here: the reader decides
        holder = holders[0]
        handling = ask(HANDLING_PROMPT.format(sentence=sentence, person=holder, thing=subject),
                       max_tokens=HANDLING_REPLY_TOKENS).strip().strip("\"'*.").lower()
        if handling.startswith("take"):
            return _whereabouts(holder, sentences, len(sentences), ask)
        if handling.startswith("let go"):
            return _whereabouts(holder, sentences, index + 1, ask)
        return None
    return None


def place_in(sentence: str, subject: str, ask: Callable[..., str]) -> str | None:
    """The place the sub-model reads in one sentence as where the subject is or went: a word or phrase of the
    sentence (not the subject, not the sentence's first word, not "there"); None where it says none."""
    avoid = {w.lower() for w in subject.split()} | set(sentence.split()[:1]) | _NOT_A_PLACE  # the actor: "Fred"
    reply = ask(PLACE_PROMPT.format(sentence=sentence, subject=subject if is_person(subject) else f"the {subject}"),
                max_tokens=PLACE_REPLY_TOKENS)
    place = _ARTICLE.sub("", reply.strip().strip("\"'*.").strip())
    if not place or {w.lower() for w in place.split()} & {w.lower() for w in avoid}:
        return None
    return place if re.search(rf"\b{re.escape(place)}\b", sentence, re.IGNORECASE) else None
