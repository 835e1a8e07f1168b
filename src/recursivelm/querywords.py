"""The words of a question: which to search for (`query_terms`), which name something (`named_words`,
`anchor_words`), and the tokenizer every index of the context shares, so a question and the text are cut into
words alike (bm25s's, with its English stop words).
"""

from __future__ import annotations

import operator
import re
import statistics
import sys

# Words questions are framed in, beyond bm25s's English stop words: they name no content to find.
QUESTION_WORDS = frozenset("""which what where when who whom whose why how many much does did do has have had its
through into about answer answers mentioned mention text context question give only exactly please""".split())
# Quoted words: `name`, "name", or 'name' (an apostrophe inside a word, as in "Tanaka's", is no quote; a long
# single-quoted format such as 'Date: <date> || User: <user id>' describes lines, it names nothing).
_QUOTED = re.compile(r"`([^`]+)`|\"([^\"]+)\"|(?<!\w)'([^'<>]{1,40})'(?!\w)")
_SAID_WORD = re.compile(r"\b(?:word|term)\s+[`'\"“‘]?([^\W\d_][\w-]*)", re.I)  # "the word zarnith", "the term 'x'"

# What a question asks of many records: how many, the most or fewest, a total, mean or median, how many different.
MOST_WORDS = ("most", "largest", "greatest", "highest", "biggest", "maximum", "max", "top")
LEAST_WORDS = ("fewest", "least", "smallest", "lowest", "minimum", "min")
TOTAL_WORDS = ("total", "sum", "overall", "combined", "altogether")
AVERAGE_WORDS = ("average", "mean", "typical")
AGGREGATE_WORDS = frozenset((*MOST_WORDS, *LEAST_WORDS, *TOTAL_WORDS, *AVERAGE_WORDS, "median"))


STEM_CHARS = 5  # two words share a stem where their first five letters agree ("escalate" and "escalated")
# Counts said in words ("the last two weeks", "which three products", "more than one city").
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10}


# Words comparing a number with another ("more than 3", "at least two", "under 50"), each as the sign it is.
SIGNS = {"at least": ">=", "at most": "<=", "exactly": "=", "only": "=",
         **dict.fromkeys(("less than", "fewer than", "smaller than", "lower than", "shorter than", "younger than", "below",
                          "under"), "<"),
         **dict.fromkeys(("more than", "greater than", "larger than", "higher than", "longer than", "older than",
                          "bigger than", "above", "over", "exceeding"), ">")}
_TESTS = {">": operator.gt, "<": operator.lt, ">=": operator.ge, "<=": operator.le, "=": operator.eq}


def meets(value: float | None, words: str, n: float) -> bool:
    """Whether a number meets a comparison said in words ("more than", 100): a key of SIGNS, and its number."""
    return value is not None and _TESTS[SIGNS[words]](value, n)


def count_of(word: str) -> int:
    """A count said in digits or in words ("7", "seven")."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


# English verbs whose other forms share no stem with their base ("buy", "bought"): a question asks in one form
# ("how much fuel did they buy?"), the text writes another ("bought 115 litres").
_IRREGULAR = """begin began begun; bring brought; build built; buy bought; catch caught; choose chose chosen; come came;
deal dealt; do did done; draw drew drawn; drink drank drunk; drive drove driven; eat ate eaten; fall fell fallen;
feel felt; fight fought; find found; fly flew flown; forget forgot forgotten; freeze froze frozen; get got gotten;
give gave given; go went gone; grow grew grown; hang hung; hear heard; hide hid hidden; hold held; keep kept;
know knew known; lay laid; lead led; leave left; lend lent; lose lost; make made; mean meant; meet met; pay paid;
ride rode ridden; ring rang rung; rise rose risen; run ran; say said; see saw seen; seek sought; sell sold;
send sent; shake shook shaken; shoot shot; sing sang sung; sink sank sunk; sit sat; sleep slept; speak spoke spoken;
spend spent; stand stood; steal stole stolen; stick stuck; strike struck; swim swam swum; take took taken;
teach taught; tear tore torn; tell told; think thought; throw threw thrown; understand understood; wake woke woken;
wear wore worn; win won; write wrote written"""
_FORMS = {form: frozenset(group.split()) for group in _IRREGULAR.replace("\n", " ").split(";") for form in group.split()}


def verb_forms(word: str) -> frozenset[str]:
    """The word's other forms where it is an irregular verb's ("buy": bought; "sold": sell); none for any other."""
    return _FORMS.get(word.lower(), frozenset()) - {word.lower()}


def any_word(words: tuple[str, ...]) -> re.Pattern:
    """A pattern finding any of `words` whole, in any case."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.I)


# What a statistic asked of many values computes, by the name asked_statistic and the extremes give it.
STATISTICS = {"median": statistics.median, "average": statistics.fmean, "total": sum, "largest": max, "smallest": min,
              "range": lambda values: max(values) - min(values), "mode": lambda values: statistics.multimode(values)[0]}
# "the most common quantity", "the commonest size": the value the most rows hold (a tie is said by the caller).
MODE = re.compile(r"\b(?:most\s+(?:common|frequent|usual)|commonest)\b", re.I)
# "the difference between the highest and the lowest price", "the range of the amounts": the largest less the smallest.
RANGE = re.compile(r"\bdifference\s+between\s+the\s+(?:highest|largest|biggest|maximum|greatest|most\s+expensive)\b[^?]*?"
                   r"\band\s+(?:the\s+)?(?:lowest|smallest|minimum|least|cheapest)\b|\bthe\s+range\s+of\b", re.I)
# "the 95th percentile of request duration", "p99 latency": a percentile, linear between the closest ranks (as
# numpy's and the statistics module's "inclusive" method compute it; the answer says which).
PERCENTILE = re.compile(r"\b(?:(?P<n>\d{1,2})(?:st|nd|rd|th)\s+percentile|p(?P<p>\d{1,2}))\b", re.I)
PERCENTILE_METHOD = "linear between the closest ranks"


def asked_statistic(question: str) -> str | None:
    """The range ("the difference between the highest and the lowest"), mode ("the most common"), percentile ("95th
    percentile"), median, average or total a question asks ("what is the median amount?"),
    the first of those it names; None for none."""
    if RANGE.search(question):
        return "range"
    if MODE.search(question):
        return "mode"
    if found := PERCENTILE.search(question):
        n = int(found["n"] or found["p"])
        if 0 < n < 100:
            return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')} percentile"
    return next((name for name, pattern in (("median", MEDIAN), ("average", AVERAGE), ("total", TOTAL))
                 if pattern.search(question)), None)


def computed(name: str, values: list[float]) -> float:
    """The statistic `name` (a key of STATISTICS, or asked_statistic's "95th percentile") of `values` (not empty)."""
    if name in STATISTICS:
        return STATISTICS[name](values)
    n = int(re.match(r"\d+", name).group())
    return statistics.quantiles(values, n=100, method="inclusive")[n - 1] if len(values) > 1 else values[0]


def described(name: str) -> str:
    """The statistic `name` as an answer's facts say it: a percentile with its method."""
    said = {"range": "range (largest less smallest)", "mode": "most common"}
    return said.get(name) or (name if name in STATISTICS else f"{name} ({PERCENTILE_METHOD})")


HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b", re.I)
HOW_MUCH = re.compile(r"\bhow much\b", re.I)  # "how much did Ferreira pay?": a total of a number column
# "How many times larger is A than B?", "which town has twice the population of Town 3?": a ratio of two values, not
# a count of rows or the row named. Read so, the rows naming A or B were counted (2), and Town 3's population given.
TIMES_AS = re.compile(r"\bhow many times\b(?=.*\b(?:as|than)\b)|\b(?:twice|double|triple|half|thrice|\d+ times)\b"
                      r"(?=.{0,40}\b(?:as|than|that of|those of|the \w+ of)\b)", re.I)
TOTAL, AVERAGE = map(any_word, (TOTAL_WORDS, AVERAGE_WORDS))
# Not after "at": "at least 4 roles", "at most 3 retries" are comparisons, no extremes. Read as "least", "which users
# have at least 4 roles?" named the users of the fewest (set T's kinds).
MOST, LEAST = (re.compile(r"(?<!\bat )" + any_word(words).pattern, re.I) for words in (MOST_WORDS, LEAST_WORDS))
MEDIAN = any_word(("median",))
# "the second largest", "the third most": which of the ranked values the answer is.
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}
ORDINAL = re.compile(r"\b(?P<n>" + "|".join(_ORDINALS) + r")\b", re.I)


def ordinal(question: str) -> int:
    """Which of the ranked values the question asks: 2 for "the second most", 1 where it names no place."""
    found = ORDINAL.search(question)
    return _ORDINALS[found["n"].lower()] if found else 1


# "by what percentage did sales change", "grew", "fell": words of a change over time (no share of rows).
CHANGING = (r"\b(?:chang\w*|grow|grew|grown|growth|increas\w*|decreas\w*|drop\w*|rise|rose|risen|fall|fell|fallen"
             r"|declin\w*)\b")
# "which customers ...", "what notes ...": a plural noun, whose values (rows, items) the answer lists.
WHICH_MANY = re.compile(r"^\W*(?:which|what)\s+(?!(?:is|was|does|has|this|its)\b)(?P<noun>[a-z]+s)\b", re.I)
DISTINCT = re.compile(r"\b(?:different|distinct|unique|separate)\s+(?P<noun>\w+(?:\s+\w+)?)", re.I)


def bm25s_module():
    """The bm25s module, with tqdm's monitor thread off. bm25s makes progress bars even when told not to show
    them (disabled ones), and tqdm's first bar starts a thread that sleeps 10 s between checks: in the isolated
    sandbox a thread outliving its cell restarts the worker, and model code loses its variables."""
    import bm25s

    tqdm_module = sys.modules.get("tqdm")  # bm25s imports it where installed (its own dependency, not ours)
    if tqdm_module is not None:
        tqdm_module.tqdm.monitor_interval = 0
    return bm25s


def tokenize(texts: list[str]) -> list[list[str]]:
    bm25s = bm25s_module()
    tokens = bm25s.tokenize(texts, stopwords="en", return_ids=False, show_progress=False)
    return [t if t else ["_"] for t in tokens]


def query_terms(query: str) -> list[str]:
    """The words of a query worth searching for: each once (a word the question repeats would count twice),
    without stop words or the words questions are framed in ("which", "answer", "mentioned", ...)."""
    seen: dict[str, None] = {}
    for term in tokenize([query])[0]:
        if term not in QUESTION_WORDS and term != "_":
            seen.setdefault(term)
    return list(seen)


def anchor_words(query: str, terms: list[str]) -> list[str]:
    """The query words that name something (named_words); with none, the query words themselves (the rare
    ones among them become anchors)."""
    named = named_words(query)
    return [t for t in terms if t in named] or terms


def named_words(query: str) -> set[str]:
    """The query's words, lower case, that name something: written as a name (`c_short`, "Husolmouth",
    CamelCase, a word with a digit or an underscore, capitalised after a sentence's first word), quoted, or
    called a word ("the word zarnith")."""
    named: set[str] = set()
    for quoted in _QUOTED.findall(query):
        named.update(t for t in tokenize([" ".join(quoted)])[0] if t != "_")  # "_": what held no word
    named.update(w.lower() for w in said_words(query))
    for m in re.finditer(r"\w+", query):
        word = m.group()
        start_of_sentence = not query[:m.start()].strip() or re.search(r"[.!?:]\s*$", query[:m.start()])
        if re.search(r"[\d_]", word) or (word[0].isupper() and (not start_of_sentence or not word[1:].islower())):
            named.add(word.lower())
    return named


def said_words(query: str) -> list[str]:
    """The words a query calls words or terms: "how many times is the word zarnith used?" -> ["zarnith"]."""
    return _SAID_WORD.findall(query)
