"""Scorers: (prediction, gold) -> a score in [0, 1], tolerant of how models phrase answers.

Models wrap answers in prose ("The answer is 42."), quotes, markdown and thousands separators, so every
scorer first normalizes the prediction, then looks for the answer inside it. Tolerance stops where a
reply hedges: a reply naming two of the possible answers gets no credit.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from typing import Any, Callable, Iterable

from recursivelm.parsing import parse_python

# OOLONG's partial credit for counts: each unit off multiplies the score by this.
NUMERIC_DECAY_BASE = 0.75

# Phrases after which a model states its final answer; used to pick the answer out of a longer reply.
_ANSWER_MARKER = re.compile(
    r"(?:final answer|answer is|answer was|answer would be|answer:|answer -|result is|result:)",
    re.IGNORECASE,
)

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "`": " ", "*": " ", "_": " "})
_DIGIT_GROUP_SEPARATOR = re.compile(r"(?<=\d)[,\u00a0\u202f'](?=\d{3}(?!\d))")
_WHITESPACE = re.compile(r"\s+")
# Counts are never negative, so a "-" is a dash ("3-5"), not a sign.
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")

# Dates are numbers a model often repeats from the question; they are never a count.
_DATES = re.compile(
    r"\b\d{4}-\d{2}-\d{2}\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,? \d{4}\b",
    re.IGNORECASE,
)

_NUMBER_WORDS = {
    word: value
    for value, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
        "fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
} | {"none": 0}


def normalize(text: Any) -> str:
    """Lowercase, unify quotes, drop markdown emphasis and digit-group separators, squeeze spaces."""
    text = unicodedata.normalize("NFKC", str(text)).translate(_QUOTES)
    text = _DIGIT_GROUP_SEPARATOR.sub("", text)
    return _WHITESPACE.sub(" ", text).strip().lower()


def _after_last_marker(text: str) -> str | None:
    matches = list(_ANSWER_MARKER.finditer(text))
    return text[matches[-1].end():] if matches else None


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """`phrase` as a whole word or words: "7" must not match inside "1975", nor "art" inside "start"."""
    return re.compile(r"(?<![0-9a-z])" + re.escape(normalize(phrase)) + r"(?![0-9a-z])")


# ---------------------------------------------------------------------------------------------
# contains: the gold string appears in the reply (RULER's needle metric)


def contains(prediction: Any, gold: Any) -> float:
    """1.0 when the gold answer (or any of a list of golds) appears in the reply as whole words."""
    golds = gold if isinstance(gold, (list, tuple)) else [gold]
    text = normalize(prediction)
    return 1.0 if any(_phrase_pattern(str(g)).search(text) for g in golds) else 0.0


# ---------------------------------------------------------------------------------------------
# numeric_decay: counts, with OOLONG's partial credit


def extract_number(prediction: Any) -> float | None:
    """The number a reply gives as its answer, or None.

    Preference: the first number after an answer marker ("the answer is 42"); else the last number in
    the reply (reasoning ends with its result); dates are ignored; number words up to twenty (and
    "none") count when no digits do.
    """
    text = _DATES.sub(" ", normalize(prediction))
    tail = _after_last_marker(text)
    if tail is not None:
        numbers = _NUMBER.findall(tail)
        if numbers:
            return float(numbers[0])
    numbers = _NUMBER.findall(text)
    if numbers:
        return float(numbers[-1])
    words = [_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", tail if tail is not None else text) if w in _NUMBER_WORDS]
    return float(words[-1]) if words else None


def numeric_decay(prediction: Any, gold: Any) -> float:
    predicted = extract_number(prediction)
    if predicted is None:
        return 0.0
    return float(NUMERIC_DECAY_BASE ** abs(float(gold) - predicted))


# ---------------------------------------------------------------------------------------------
# exact_choice: one of a closed set of answers (a label, "more"/"fewer"/"same", an entity name)


def _choice_aliases(choices: list[str] | dict[str, list[str]]) -> dict[str, list[str]]:
    if isinstance(choices, dict):
        return {choice: [choice, *aliases] for choice, aliases in choices.items()}
    return {choice: [choice] for choice in choices}


def picked_choice(prediction: Any, choices: list[str] | dict[str, list[str]]) -> str | None:
    """Which choice a reply names, or None when it names none or several.

    `choices` is a list of answers, or a dict of answer -> other spellings that also count for it.
    When several choices appear, the text after the last answer marker decides.
    """
    aliases = _choice_aliases(choices)
    patterns = {choice: [_phrase_pattern(a) for a in spellings] for choice, spellings in aliases.items()}

    def named_in(text: str) -> set[str]:
        # A longer choice hides the shorter ones inside it ("New Velora" also contains "Velora").
        spans: list[tuple[int, int, str]] = []
        for choice, choice_patterns in patterns.items():
            for pattern in choice_patterns:
                spans.extend((m.start(), m.end(), choice) for m in pattern.finditer(text))
        found = set()
        for start, end, choice in spans:
            inside_longer = any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
            if not inside_longer:
                found.add(choice)
        return found

    text = normalize(prediction)
    named = named_in(text)
    if len(named) > 1:
        tail = _after_last_marker(text)
        named = named_in(tail) if tail is not None else named
    return next(iter(named)) if len(named) == 1 else None


def exact_choice(prediction: Any, gold: Any) -> float:
    """gold: {"answer": str, "choices": [str, ...] or {answer: [aliases]}}."""
    return 1.0 if picked_choice(prediction, gold["choices"]) == gold["answer"] else 0.0


# ---------------------------------------------------------------------------------------------
# choice_letter: multiple choice A-D

_LETTERS = "ABCD"
_LETTER_AFTER_MARKER = re.compile(
    r"(?i:answer|option|choice)(?i:\s+is|\s+would\s+be)?\s*[:\-]?\s*[(\[]?\s*([A-D])\b(?![a-z'])"
)
_BRACKETED_LETTER = re.compile(r"[(\[]([A-D])[)\]]")
_ONLY_LETTER = re.compile(r"^\s*[(\[]?([A-Da-d])[).:\]]?\s*$")  # the whole reply is one letter, any case
_LEADING_LETTER = re.compile(r"^\s*[(\[]?([A-D])(?:[).:\]]|\s*$|\s+[-–])")
_LONE_LETTER = re.compile(r"(?<![\w'])([A-D])(?![\w'])")


def _lone_letters(text: str, letters: str) -> set[str]:
    """Capital letters standing alone, except an "A" that reads as the article ("A function ...")."""
    found = set()
    for match in _LONE_LETTER.finditer(text):
        letter = match.group(1)
        if letter == "A" and re.match(r"\s+[a-z]", text[match.end():]):
            continue
        if letter in letters:
            found.add(letter)
    return found


def picked_letter(prediction: Any, letters: str = _LETTERS) -> str | None:
    """The option letter a reply picks, or None when it picks none or several.

    In order: a reply that is just a letter ("b", "(C)"); a letter after "answer"/"option"/"choice"; a
    reply that opens with the letter ("B) ..."); the one letter in brackets; the one capital letter
    standing alone. Inside longer replies letters count in capitals only, since "a" is usually a word.
    """
    text = unicodedata.normalize("NFKC", str(prediction)).replace("*", "").replace("`", "")
    only = _ONLY_LETTER.match(text)
    if only:
        return only.group(1).upper() if only.group(1).upper() in letters else None
    after_marker = _LETTER_AFTER_MARKER.findall(text)
    if after_marker:
        return after_marker[-1] if after_marker[-1] in letters else None
    leading = _LEADING_LETTER.match(text)
    if leading:
        return leading.group(1) if leading.group(1) in letters else None
    for candidates in ({m for m in _BRACKETED_LETTER.findall(text) if m in letters}, _lone_letters(text, letters)):
        if len(candidates) == 1:
            return candidates.pop()
        if len(candidates) > 1:
            return None
    return None


def choice_letter(prediction: Any, gold: Any) -> float:
    return 1.0 if picked_letter(prediction) == str(gold).strip().upper() else 0.0


# ---------------------------------------------------------------------------------------------
# pairs_f1: a set of unordered pairs of ids (OOLONG-Pairs)

_PAIR_IN_BRACKETS = re.compile(r"[(\[{]\s*['\"]?(\w+)['\"]?\s*[,;&\-]\s*['\"]?(\w+)['\"]?\s*[)\]}]")
_LIST_NUMBERING = re.compile(r"(?m)^\s*(?:\d{1,3}[.)]|[-*•])\s+")
_ID = re.compile(r"\b\d+\b")


def _canonical_pair(a: Any, b: Any) -> tuple[str, str]:
    a, b = str(a).strip(), str(b).strip()
    return (a, b) if a <= b else (b, a)


def parse_pairs(prediction: Any) -> set[tuple[str, str]]:
    """Pairs of numeric ids in a reply: "(12, 34)" / "[12, 34]" anywhere, else "12 and 34" per line.

    A line (or ;-separated part) holding an even number of ids is read as consecutive pairs; list
    numbering ("1. ") is not an id.
    """
    if isinstance(prediction, (list, tuple, set, frozenset)):
        prediction = "\n".join(str(item) for item in prediction)
    text = unicodedata.normalize("NFKC", str(prediction))
    bracketed = {
        _canonical_pair(a, b) for a, b in _PAIR_IN_BRACKETS.findall(text) if a.isdigit() and b.isdigit()
    }
    if bracketed:
        return bracketed
    pairs: set[tuple[str, str]] = set()
    for segment in re.split(r"[\n;]", _LIST_NUMBERING.sub(" ", text)):
        ids = _ID.findall(segment)
        if len(ids) >= 2 and len(ids) % 2 == 0:
            pairs.update(_canonical_pair(ids[i], ids[i + 1]) for i in range(0, len(ids), 2))
    return {pair for pair in pairs if pair[0] != pair[1]}


def pairs_f1(prediction: Any, gold: Iterable[Iterable[Any]]) -> float:
    """F1 between the pairs a reply lists and the gold pairs (order inside a pair does not matter)."""
    gold_pairs = {_canonical_pair(*pair) for pair in gold}
    predicted = parse_pairs(prediction)
    if not gold_pairs and not predicted:
        return 1.0
    hits = len(gold_pairs & predicted)
    if hits == 0:
        return 0.0
    precision, recall = hits / len(predicted), hits / len(gold_pairs)
    return 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------------------------------------
# Code answers (codetree): a path, a set of names, a Python value. Identifiers keep their case and
# underscores, so these read the reply with `_code_text`, not `normalize`.

_CODE_MARKUP = str.maketrans({"`": " ", "*": " ", "“": '"', "”": '"', "‘": "'", "’": "'"})
_PY_PATH = re.compile(r"[\w./\\-]*\w\.py\b")
_DOTTED = re.compile(r"(?<![\w./])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?![\w/])")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_SUBSCRIPT = re.compile(r"(?<=\w)\[[^\[\]]*\]")
# Words of a prose reply about bases that are not base names.
_BASES_PROSE = frozenset(
    "the a an is are of and or its it this class classes base bases inherits inherit inheriting from derives "
    "derived extends subclass subclasses directly defined as in with both plus only has have answer final "
    "statement written names name parent parents superclass superclasses they which".split()
)


def _code_text(prediction: Any) -> str:
    text = unicodedata.normalize("NFKC", str(prediction)).translate(_CODE_MARKUP).strip()
    tail = _after_last_marker(text)
    return (tail if tail is not None and tail.strip() else text).strip()


def _module_paths(candidate: str) -> list[str]:
    """A path or dotted module name as the file paths it can mean."""
    candidate = candidate.replace("\\", "/").strip().rstrip(".,;:)")
    while candidate.startswith(("./", "/")):
        candidate = candidate[1:] if candidate.startswith("/") else candidate[2:]
    if candidate.endswith(".py"):
        return [candidate]
    stem = candidate.replace(".", "/")
    return [f"{stem}.py", f"{stem}/__init__.py"]


def path_match(prediction: Any, gold: Any) -> float:
    """gold: {"path": "email/utils.py", "accepted": [shorter unambiguous forms]}.

    The reply may give the path with leading folders ("Lib/email/utils.py", "./email/utils.py"), a
    shorter form that names only this file, or the module's dotted name ("email.utils"). Naming two
    different files is a hedge: 0, unless the text after the last answer marker names one.
    """
    text = _code_text(prediction)
    candidates = _PY_PATH.findall(text) or _DOTTED.findall(text)
    if not candidates and _IDENTIFIER.fullmatch(text.rstrip(".")):
        candidates = [text.rstrip(".")]
    accepted = set(gold.get("accepted", ())) | {gold["path"]}

    def names_gold(candidate: str) -> bool:
        return any(p in accepted or p.endswith("/" + gold["path"]) for p in _module_paths(candidate))

    distinct = {tuple(_module_paths(c)) for c in candidates}
    return 1.0 if candidates and len(distinct) == 1 and names_gold(candidates[0]) else 0.0


def _last_part(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def name_set(prediction: Any, gold: Any) -> float:
    """gold: {"names": [...], "ignore": [...]}: the reply names exactly these (in any order; `abc.ABC`
    and `ABC`, `Generic[T]` and `Generic` are the same), besides prose words and the ignored names."""
    text = _SUBSCRIPT.sub("", _code_text(prediction))
    ignore = {_last_part(n) for n in gold.get("ignore", ())}
    named = {_last_part(n) for n in _IDENTIFIER.findall(text)
             if n.lower() not in _BASES_PROSE and _last_part(n) not in ignore}
    expected = {_last_part(_SUBSCRIPT.sub("", n)) for n in gold["names"]}
    return 1.0 if named == expected else 0.0


def _python_value(text: str) -> Any:
    """A key that is equal for equal Python expressions ("'a'" and '"a"', "1.0" and "1.00"), or None."""
    try:
        tree = parse_python(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None
    try:
        value = ast.literal_eval(tree)
        return ("literal", type(value).__name__, repr(value))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return ("expression", ast.dump(tree))


_STATED = re.compile(r"\bis\s+|=\s*|:\s+")


def python_value(prediction: Any, gold: Any) -> float:
    """gold: {"value": source text of a default}. The reply (or what follows its last "is", "=" or ":")
    is the same Python expression; a string default may also be given without its quotes."""
    text = _code_text(prediction)
    spans = [text]
    stated = list(_STATED.finditer(text))
    if stated:
        spans.append(text[stated[-1].end():])
    key = _python_value(gold["value"])
    for span in spans:
        span = span.strip()
        for candidate in (span, span[:-1] if span.endswith(".") else None):
            if candidate and key is not None and _python_value(candidate) == key:
                return 1.0
            if candidate and key is not None and key[:2] == ("literal", "str") and candidate == ast.literal_eval(gold["value"]):
                return 1.0
    return 0.0


# ---------------------------------------------------------------------------------------------

SCORERS: dict[str, Callable[[Any, Any], float]] = {
    "contains": contains,
    "numeric_decay": numeric_decay,
    "exact_choice": exact_choice,
    "choice_letter": choice_letter,
    "pairs_f1": pairs_f1,
    "path_match": path_match,
    "name_set": name_set,
    "python_value": python_value,
}


def score(scorer: str, prediction: Any, gold: Any) -> float:
    """Score `prediction` with the named scorer. A missing reply (None) scores 0."""
    if prediction is None:
        return 0.0
    try:
        function = SCORERS[scorer]
    except KeyError:
        raise ValueError(f"unknown scorer {scorer!r}; known: {sorted(SCORERS)}") from None
    return function(prediction, gold)
