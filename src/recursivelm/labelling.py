"""Labelling every item of a long list by meaning, within a budget: `classify()` in the REPL.

A question such as "which topic has the most posts?" over a thousand posts, each about "one of these topics:
cooking, sports, ...", needs every post's topic, and no word gives it away. Asking the sub-model about each
post does not fit a query's time on 2 CPU cores (~0.8 s a post: 1,000 posts at 32K tokens take 13 minutes),
and a reading of some passages counts only what it was shown. So the sub-model labels a sample, and a word
model learnt from that sample labels the rest:

1. The sample is chosen to cover the list's vocabulary (each next item is the one holding most words, seen
   in a few items at least, that no chosen item holds), after the items that name something the question
   names (a user's id): those are the items a narrow question is about. Model-free, over 6 OOLONG-style
   lists: a random sample of 100 taught the word model 83-86% of the labels, a covering one 99%.
2. The sub-model labels each sampled item alone, the categories first and the item last (llama.cpp reuses
   the shared start of each prompt). Asked for 20 items in one prompt, the 1.5B model labelled 26 of 40
   right; one by one, 36 of 40 at ~0.8 s an item. With `reads=2` each is read with the labels in two orders
   (a third where they differ) and keeps a label two reads agree on: a small model leans to a label by its
   place in the list. It costs twice the tokens for a small gain, so it is not the default.
3. A naive Bayes model over the items' words and word pairs, learnt from the sample, labels the rest; two
   rounds of self-training (its own confident labels, down-weighted) let it learn words the sample lacks.

`categories()` reads the closed set of labels a question lists ("one of these topics: a, b, c"); the small
profile's first reading classifies the context's items when the question gives one (first_reading.py). Nothing
here knows a task.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from typing import Any, Callable, Sequence

from .documents import documents
from .querywords import LEAST, MOST, named_words

SAMPLE_ITEMS = 96  # items the sub-model labels (~0.55 s each on 2 cores, the prompts' shared start cached: ~60 s)
ANCHORED_SHARE = 0.5  # of the sample, at most this share goes to the items naming what the question names
MIN_ITEMS = 20  # a context of fewer items (lines) is not a list to classify
MAX_CATEGORY_WORDS = 4  # a longer piece of "one of these ...: a, b" is a sentence, not a label
COMMON_FEATURE_ITEMS = 3  # a word counts towards covering only if this many items hold it (a name does not teach)
ANCHOR_MAX_SHARE = 0.1  # a question word in more of the items than this is a field of every item, not a filter
SMOOTHING = 0.5  # naive Bayes: added to every word's count in every category
SELF_TRAINING_ROUNDS = 2
SELF_TRAINING_WEIGHT = 0.3  # an item labelled by the word model counts this much of one the sub-model labelled
LABEL_REPLY_TOKENS = 6  # a category name, at most a few tokens
GLOSS_REPLY_TOKENS = 30
# Each label is first glossed by the sub-model in words a text about it would use, and the glosses are given
# beside the labels: labelling each post by the bare labels, the 1.5B model called 9 of 96 posts about cooking
# "health" or "food" (none of the labels); with its own glosses beside them, 1 (oolong seed 5 at 32K).
# Of the six words it writes, the first two are shown: every labelling prompt repeats them, and with two the
# prompt is 108 tokens, not 148, for the same labels (451 of 480 items right, against 450 with six and 437 of
# 480 with none; oolong's samples at 4K seeds 0-2 and 32K seeds 0 and 3).
GLOSS_WORDS = 2
GLOSS_PROMPT = "Write six words that a short text about {label} would likely use, separated by commas, nothing else."
# The categories before the item, so each prompt shares its start with the last (llama.cpp's prompt cache).
LABEL_PROMPT = "Which one of these {noun} is the text about: {categories}? Reply with the {singular} only.\n\nText: {item}"
# classify(reads=2) reads each sampled item twice, the labels listed as the question lists them and reversed,
# and a third time (rotated by half) where the two differ: a label two reads name is the item's, and an item
# without one is left to the word model. A small model leans to a label by where it stands in the list: over 61
# sampled posts of oolong at 32K (seeds 0-2), reversing the list gave the generator's label for 12 of the 21 the
# first read got wrong, and changed 2 of 40 it got right (bench/issue12/label_orders.py). One read stays the
# default: at 32K the second read took the labels right from 2,890 to 2,909 of 2,999 items (seeds 0-2, against
# the mean of three one-read runs), oolong from 0.56 to 0.67 and oolong-pairs from 1.00 to 0.95 (seeds 0-5 and
# 0-2: within what reruns of one read vary by), and it doubles the labelling's tokens (12K to 24K a query) and
# takes half as long again (oolong 63-87 s a query to 113-129 s at 32K, 69 s to 150 s at 4K seed 0).
# bench/RESULTS.md, eighteenth step.
LABEL_READS = 1

# "one of these topics: cooking, sports, travel", "one of the following categories: a, b or c", "one of: a, b".
_CATEGORIES = re.compile(
    r"\bone of\s*(?:(?:these|those|the following|the)\b\s*)?(?P<noun>[a-z]+)?\s*:\s*(?P<list>[^.?!\n]+)", re.IGNORECASE)
_ANSWER_FORM = re.compile(r"\s*(?:answer|reply|respond|choose|pick|select|say|write|give)\b", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|;|\bor\b|\band\b)\s*", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
FIELD_SPLIT = re.compile(r"\s*(?:\|\||\t|\s\|\s)\s*")  # between a record's fields (pairing.py reads them too)
_TOKEN = re.compile(r"\w+")


class Categories(list):
    """The labels a question lists, with the word it calls them ("topics")."""

    def __init__(self, labels: Sequence[str], noun: str = "categories"):
        super().__init__(labels)
        self.noun = noun


def categories(question: str) -> Categories:
    """The closed set of labels the question lists after "one of these <noun>:", or an empty list. Not the
    choices of an answer's form ("Answer with one of: yes, no"): those say nothing of the items."""
    for m in _CATEGORIES.finditer(question):
        sentence = question[:m.start()].rsplit(".", 1)[-1].rsplit("?", 1)[-1].rsplit("\n", 1)[-1]
        if _ANSWER_FORM.match(sentence):
            continue
        labels = [part.strip().strip("'\"") for part in _LIST_SPLIT.split(m["list"])]
        labels = [label for label in labels if label]
        if len(labels) >= 2 and all(len(label.split()) <= MAX_CATEGORY_WORDS for label in labels):
            return Categories(labels, (m["noun"] or "categories").lower())
    return Categories([])


def items_of(context: Any) -> list[str]:
    """The context's items: its non-empty lines (of every document), or a list's elements as they are."""
    if isinstance(context, list) and all(isinstance(x, str) for x in context):
        return list(context)
    return [line for _, doc in documents(context) for line in doc.splitlines() if line.strip()]


def singular(noun: str) -> str:
    """The word for one of a plural noun ("topics" → "topic"), for a prompt."""
    return noun[:-1] if noun.endswith("s") else noun


def text_of(item: str) -> str:
    """The free text of a record: its longest field, where fields are split by ||, tabs or " | " (a date and a
    user id say nothing of a post's topic, and cost the sub-model time)."""
    return max(FIELD_SPLIT.split(item), key=len).strip()


def features_of(items: Sequence[str]) -> list[set[str]]:
    """Each item's words and word pairs (lower case, of its free text): what the sample covers and the word
    model reads. Worked out once per classify(): at 820K tokens, 25K items."""
    out = []
    for item in items:
        words = [w.lower() for w in _WORD.findall(text_of(item))]
        out.append(set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])})
    return out


def asked(question: str) -> str:
    """The part of a question that asks: its last paragraph (the ones before describe the text)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", question) if p.strip()]
    return paragraphs[-1] if paragraphs else question


def anchored(items: Sequence[str], question: str) -> dict[str, list[int]]:
    """The names the question asks about (an id, a name: querywords.named_words of the part that asks) that some
    items hold, but no more than ANCHOR_MAX_SHARE of them: the items each names, which a narrow question ("how
    many ... did user 51110 post?") is about."""
    words = {w for w in named_words(asked(question)) if len(w) > 2}
    if not words:
        return {}
    holding: dict[str, list[int]] = {w: [] for w in words}
    for i, item in enumerate(items):
        for w in words & {t.lower() for t in _TOKEN.findall(item)}:
            holding[w].append(i)
    most = max(1, int(ANCHOR_MAX_SHARE * len(items)))
    return {w: found for w, found in sorted(holding.items()) if 0 < len(found) <= most}


def choose_sample(features: list[set[str]], size: int, first: Sequence[int] = ()) -> list[int]:
    """Which items (by their `features_of`) the sub-model labels: `first` (up to ANCHORED_SHARE of `size`), then,
    greedily, the item holding most common words no chosen item holds (lazy greedy: a gain only shrinks as more
    is covered)."""
    chosen = list(dict.fromkeys(first))[: int(size * ANCHORED_SHARE)]
    df = Counter(f for fs in features for f in fs)
    useful = [{f for f in fs if df[f] >= COMMON_FEATURE_ITEMS} for fs in features]
    covered: set[str] = set().union(*(useful[i] for i in chosen)) if chosen else set()
    taken = set(chosen)
    heap = [(-len(useful[i]), i) for i in range(len(features)) if i not in taken]
    heapq.heapify(heap)
    while heap and len(chosen) < size:
        _, i = heapq.heappop(heap)
        gain = len(useful[i] - covered)
        if heap and gain < -heap[0][0]:
            heapq.heappush(heap, (-gain, i))  # stale: re-rank it with what it still adds
            continue
        chosen.append(i)
        covered |= useful[i]
    return chosen


def parse_label(reply: str, labels: Sequence[str]) -> str | None:
    """The category a reply names first (a whole category, or a word of it), or None."""
    text = reply.lower()
    found = []
    for label in labels:
        at = text.find(label.lower())
        if at < 0:
            at = min((m.start() for w in label.lower().split() if len(w) > 3
                      for m in [re.search(rf"\b{re.escape(w)}", text)] if m), default=-1)
        if at >= 0:
            found.append((at, label))
    return min(found)[1] if found else None


class WordModel:
    """Naive Bayes over the items' words and word pairs, learnt from weighted (features, label) examples."""

    def __init__(self, examples: list[tuple[set[str], str, float]], labels: Sequence[str]):
        self.labels = list(labels)
        self.counts = {label: Counter() for label in self.labels}
        prior = Counter()
        for features, label, weight in examples:
            prior[label] += weight
            for f in features:
                self.counts[label][f] += weight
        self.vocabulary = {f for features, _, _ in examples for f in features}
        total = sum(prior.values())
        self.log_prior = {label: math.log((prior[label] + 1) / (total + len(self.labels))) for label in self.labels}
        v = len(self.vocabulary)
        self.log_denominator = {label: math.log(sum(self.counts[label].values()) + SMOOTHING * v) for label in self.labels}

    def posterior(self, features: set[str]) -> dict[str, float]:
        known = features & self.vocabulary
        scores = {
            label: self.log_prior[label] + sum(math.log(self.counts[label][f] + SMOOTHING) for f in known)
            - len(known) * self.log_denominator[label]
            for label in self.labels
        }
        top = max(scores.values())
        odds = {label: math.exp(s - top) for label, s in scores.items()}
        total = sum(odds.values())
        return {label: o / total for label, o in odds.items()}


def extend(features: list[set[str]], known: dict[int, str], labels: Sequence[str]) -> list[str]:
    """Every item's label (items by their `features_of`): the known ones as they are, the rest from a word model
    learnt from them."""
    examples = [(features[i], label, 1.0) for i, label in known.items()]
    model = WordModel(examples, labels)
    for _ in range(SELF_TRAINING_ROUNDS):
        guessed = []
        for i, fs in enumerate(features):
            if i not in known:
                p = model.posterior(fs)
                best = max(p, key=p.get)
                guessed.append((fs, best, SELF_TRAINING_WEIGHT * p[best]))
        model = WordModel(examples + guessed, labels)
    out = []
    for i, fs in enumerate(features):
        if i in known:
            out.append(known[i])
        else:
            p = model.posterior(fs)
            out.append(max(p, key=p.get))
    return out


def glosses(labels: Sequence[str], ask_batch: Callable[..., list[str]], words: int = GLOSS_WORDS) -> list[str]:
    """For each label, a few words a text about it would use, in the sub-model's words (first line, no
    label repeated, the first `words`: "" where the reply gives nothing else)."""
    replies = ask_batch([GLOSS_PROMPT.format(label=label) for label in labels], max_tokens=GLOSS_REPLY_TOKENS)
    out = []
    for label, reply in zip(labels, replies):
        said = [w.strip(" .;:\"'") for w in str(reply).strip().split("\n", 1)[0].split(",")]
        kept = [w for w in said if w and w.lower() != label.lower() and len(w) < 40]
        out.append(", ".join(kept[:words]))
    return out


def shown(labels: Sequence[str], glossed: Sequence[str]) -> str:
    """The labels as every labelling prompt lists them, each with its gloss: "cooking (oven, recipe); sports"."""
    return "; ".join(f"{label} ({gloss})" if gloss else label for label, gloss in zip(labels, glossed))


def read_labels(texts: Sequence[str], labels: Sequence[str], glossed: Sequence[str], order: Sequence[int], noun: str,
                ask_batch: Callable[..., list[str]]) -> list[str | None]:
    """The label the sub-model names for each text (None where it names none), the labels listed in `order`."""
    if not texts:
        return []
    categories_ = shown([labels[k] for k in order], [glossed[k] for k in order])
    prompts = [LABEL_PROMPT.format(noun=noun, singular=singular(noun), categories=categories_, item=text)
               for text in texts]
    return [parse_label(str(reply), labels) for reply in ask_batch(prompts, max_tokens=LABEL_REPLY_TOKENS)]


def agreed_labels(texts: Sequence[str], labels: Sequence[str], glossed: Sequence[str], noun: str,
                  ask_batch: Callable[..., list[str]], reads: int) -> list[str | None]:
    """Each text's label: with `reads=2` the one the sub-model names in two of the reads (the labels as listed,
    reversed, and rotated by half where those two differ), else None; with one read, as it is named."""
    n = len(labels)
    orders = [list(range(n)), list(reversed(range(n))), list(range(n // 2, n)) + list(range(n // 2))]
    first = read_labels(texts, labels, glossed, orders[0], noun, ask_batch)
    if reads < 2:
        return first
    second = read_labels(texts, labels, glossed, orders[1], noun, ask_batch)
    agreed = [a if a == b else None for a, b in zip(first, second)]
    split = [k for k, label in enumerate(agreed) if label is None]
    if orders[2] in orders[:2]:  # two labels: a third order is one of the first two
        return agreed
    third = read_labels([texts[k] for k in split], labels, glossed, orders[2], noun, ask_batch)
    for k, label in zip(split, third):
        if label and label in (first[k], second[k]):
            agreed[k] = label
    return agreed


def classify(items: Sequence[str], labels: Categories | Sequence[str], ask_batch: Callable[..., list[str]],
             sample: int = SAMPLE_ITEMS, question: str = "", reads: int = LABEL_READS) -> list[str]:
    """One label per item: the sub-model's for a sample (all of them if they are no more), the word model's for
    the rest; `reads=2`: each sampled item read in two orders of the labels (agreed_labels). `ask_batch(prompts,
    max_tokens=...)` is the REPL's llm_query_batched."""
    if len(labels) < 2:
        raise ValueError("classify() needs at least two labels to choose between, e.g. ['sports', 'travel']")
    if reads not in (1, 2):
        raise ValueError(f"classify(reads=...) is 1 (each sampled item read once) or 2 (read in two orders of the "
                         f"labels, a third where they differ), not {reads!r}")
    noun = getattr(labels, "noun", "categories")
    first = [i for found in anchored(items, question).values() for i in found] if question else []
    features = features_of(items)
    picked = list(range(len(items))) if len(items) <= sample else choose_sample(features, sample, first)
    glossed = glosses(labels, ask_batch)
    read = agreed_labels([text_of(items[i]) for i in picked], labels, glossed, noun, ask_batch, reads)
    known = {i: label for i, label in zip(picked, read) if label}
    if not known:
        raise RuntimeError("classify(): the sub-model named none of the labels for any sampled item")
    return extend(features, known, labels)




def extreme(question: str) -> str:
    """"most" or "least" where the part that asks is "which ... has the most/fewest ...?", else "": a label the
    counts give by code. From the counts, sorted most first, the 1.5B reader named "travel" as the topic with
    the fewest posts, the third of six (oolong seed 7 at 32K)."""
    ask = asked(question)
    if not re.match(r"\W*(?:which|what)\b", ask, re.IGNORECASE):
        return ""
    most, least = bool(MOST.search(ask)), bool(LEAST.search(ask))
    return "most" if most and not least else "least" if least and not most else ""


_MORE_OR_FEWER = re.compile(r"\bmore\b.*\b(?P<fewer>fewer|less)\b(?:.*\b(?P<same>same|equal)\b)?", re.IGNORECASE)


def compared(question: str, labels: Sequence[str]) -> dict[str, Any]:
    """For a part that asks whether there are more or fewer items with one label than with another ("Are there
    more, fewer, or the same number of items about cooking compared with items about finance?"): the two labels
    in the order asked and the question's own words for the three outcomes; else {}. Given the counts (cooking
    824, finance 1,007), the 1.5B reader answered "more" (oolong seed 0 at 128K)."""
    ask = asked(question)
    words = _MORE_OR_FEWER.search(ask)
    if not words:
        return {}
    named = sorted((m.start(), label) for label in labels
                   for m in [re.search(rf"\b{re.escape(label)}\b", ask, re.IGNORECASE)] if m)
    if len(named) != 2:
        return {}
    return {"first": named[0][1], "second": named[1][1],
            "words": ["more", words["fewer"].lower(), (words["same"] or "same").lower()]}


def describe(items: Sequence[str], labels: Sequence[str], categories_: Sequence[str], question: str = "") -> str:
    """How many items have each label, over all of them and among the items naming each word of the question
    that some but few items hold (`anchored`): the counts a question about the list is answered from."""
    def line(subset: Sequence[int], title: str) -> str:
        counts = Counter(labels[i] for i in subset)
        parts = ", ".join(f"{c}: {counts.get(c, 0)}" for c in sorted(categories_, key=lambda c: -counts.get(c, 0)))
        return f"{title} ({len(subset)}): {parts}"
    rows = [line(range(len(items)), "all items")]
    for word, found in anchored(items, question).items():
        rows.append(line(found, f'items holding "{word}"'))
    return "\n".join(rows)
