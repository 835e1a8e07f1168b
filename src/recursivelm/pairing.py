"""Pairs of groups of a labelled list that meet a condition: `labels.pairs(field, condition)` in the REPL.

"List every pair of user IDs such that both users posted at least one item about sports" over a thousand
records asks for every record's label (classify()), the records grouped by a field (`User: 46941`), and a
test of each pair of groups. A 1.5B model writes neither the grouping nor the pairing from the counts (it
answered "(169, 169)" from the label totals), and asked for one Python test over two users' counts it got
two of five conditions wrong ("both ... cooking and ... health" became `a['cooking'] > 0 and
b['health'] > 0`). Asked for a test of *one* user, it wrote eight of eight right. So the pair's shape is read
from the sentence ("both <group> ...", "one <group> ..., and the other ...", "neither ...", "either ..."),
the sub-model writes a test of one group per clause, and code tries every pair.

A group's label held by only a few of its items is labelling noise, not evidence: classify() labels 2-9% of
a long list wrong, and those errors are kinds of item labelled wrong wherever they occur, so a user with 33
posts about technology gets one or two "finance" posts (the SIM-swap ones). A label below NOISE_SHARE of a
group's items (and at least one) is left out of the group's counts before the test.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any, Callable, Sequence

from .labelling import FIELD_SPLIT, singular

NOISE_SHARE = 0.04  # of a group's items: a label held by fewer (at least 1) is taken for labelling noise
TEST_REPLY_TOKENS = 60  # one Python expression

# The sub-model's task for one clause: a test of one group's label counts. `u` is a Counter, so an absent label
# counts 0.
MEMBER_TEST_PROMPT = (
    "`u[{singular}]` is how many items a {member} has about each {singular} (0 if none), for the {noun} "
    "{labels}.\nWrite one Python expression over `u` that is True exactly when the {member} {clause}.\n"
    "Reply with the expression only."
)

_KEY_VALUE = re.compile(r"\s*(?P<key>[^:]{1,40}?)\s*:\s*(?P<value>.*?)\s*$", re.DOTALL)
_PAIRS = re.compile(
    r"\bpairs? of (?P<what>[\w\s-]{1,40}?)\s+(?:such that|where|whose|for which|in which|so that|who|that)\s+"
    r"(?P<condition>[^.]+)", re.IGNORECASE)
_CODE = re.compile(r"```(?:python)?\s*(?P<code>.*?)```", re.DOTALL)
_COUNTS_METHODS = {"get", "values", "keys", "items"}  # u.get("sports", 0): a coder's way to read a count
_SAFE_BUILTINS = {"len": len, "sum": sum, "any": any, "all": all, "min": min, "max": max, "abs": abs}


def fields_of(item: str) -> dict[str, str]:
    """A record's "Key: value" fields (split on ||, tabs or " | "), keys as written; {} for a line of prose."""
    out = {}
    for part in FIELD_SPLIT.split(item):
        if m := _KEY_VALUE.match(part):
            out.setdefault(m["key"], m["value"])
    return out


def field_named(items: Sequence[str], word: str) -> str | None:
    """The field of the records whose name is `word` or its singular, in any case ("users" → "User")."""
    keys = fields_of(items[0]) if items else {}
    wanted = {word.lower(), word.lower().rstrip("s")}
    return next((k for k in keys if k.lower() in wanted), None)


def groups(items: Sequence[str], labels: Sequence[str], field: str) -> dict[str, Counter]:
    """For each value of `field`, how many of the items holding it have each label (items without it left out)."""
    out: dict[str, Counter] = {}
    for item, label in zip(items, labels):
        value = fields_of(item).get(field)
        if value is not None:
            out.setdefault(value, Counter())[label] += 1
    return out


def without_noise(counts: Counter, share: float = NOISE_SHARE) -> Counter:
    """`counts` less the labels held by fewer than `share` of them (and at least one item)."""
    floor = max(1, math.ceil(share * sum(counts.values())))
    return Counter({label: n for label, n in counts.items() if n >= floor})


def pairs_asked(question: str, items: Sequence[str]) -> dict[str, str]:
    """For a question asking for the pairs of something the records have a field for ("every pair of user IDs
    such that ..."): that field and the condition; else {}."""
    m = _PAIRS.search(question)
    if not m:
        return {}
    field = next((f for word in m["what"].split() if (f := field_named(items, word))), None)
    return {"field": field, "condition": m["condition"].strip()} if field else {}


def shape(condition: str, member: str) -> tuple[str, list[str]]:
    """How a pair condition is built from tests of one member: ("both", [p]), ("either", [p]), ("neither", [p])
    or ("one_other", [p, q]); ("", []) for a sentence of another shape. `member` is the group's name ("user")."""
    who = rf"(?:\s+of them|\s+(?:the\s+)?{re.escape(member)}s?)?"
    one_other = re.match(rf"one{who}\s+(?P<p>.+?),?\s+(?:and|while|whereas|but)\s+the other(?:\s+one|\s+{re.escape(member)})?"
                         r"\s+(?P<q>.+)$", condition, re.IGNORECASE | re.DOTALL)
    if one_other:
        return "one_other", [one_other["p"].strip(), one_other["q"].strip()]
    for kind, opening in (("both", r"(?:both|each)"), ("neither", r"neither"), ("either", r"(?:either|at least one)")):
        if m := re.match(rf"{opening}{who}\s+(?P<p>.+)$", condition, re.IGNORECASE | re.DOTALL):
            return kind, [m["p"].strip()]
    return "", []


def member_test(clause: str, member: str, labels: Sequence[str], noun: str, ask: Callable[..., list[str]]
                ) -> Callable[[Counter], bool]:
    """A test of one group's label counts for `clause` ("posted at least one item about sports"), written by the
    sub-model as one expression over `u`. Raises ValueError, with the reply, where it is not one."""
    prompt = MEMBER_TEST_PROMPT.format(singular=singular(noun), member=member, noun=noun,
                                       labels=", ".join(labels), clause=clause)
    reply = str(ask([prompt], max_tokens=TEST_REPLY_TOKENS)[0])
    fenced = _CODE.search(reply)
    code = (fenced["code"] if fenced else reply).strip().splitlines()
    expression = code[0].strip() if code else ""
    try:
        compiled = compile(expression, "<member test>", "eval")
        names = set(compiled.co_names) - set(_SAFE_BUILTINS) - _COUNTS_METHODS
        if names - {"u"}:
            raise ValueError(f"it uses names other than u: {sorted(names - {'u'})}")
        eval(compiled, {"__builtins__": _SAFE_BUILTINS}, {"u": Counter()})
    except Exception as e:
        raise ValueError(f"pairs(): the sub-model's test for {clause!r} is not one expression over u "
                         f"({reply!r}: {e}); pass test=lambda a, b: ... over two Counters of labels instead") from e
    return lambda counts: bool(eval(compiled, {"__builtins__": _SAFE_BUILTINS}, {"u": counts}))


def pair_test(condition: str, member: str, labels: Sequence[str], noun: str, ask: Callable[..., list[str]]
              ) -> Callable[[Counter, Counter], bool]:
    """A test of two groups' label counts for a pair condition (`shape`), each clause a `member_test`."""
    kind, clauses = shape(condition, member)
    if not kind:
        raise ValueError(f"pairs(): cannot tell how {condition!r} is built from tests of one {member} "
                         '(it reads "both ...", "one ..., and the other ...", "neither ...", "either ..."); '
                         "pass test=lambda a, b: ... over two Counters of labels instead")
    tests = [member_test(clause, member, labels, noun, ask) for clause in clauses]
    if kind == "both":
        return lambda a, b: tests[0](a) and tests[0](b)
    if kind == "either":
        return lambda a, b: tests[0](a) or tests[0](b)
    if kind == "neither":
        return lambda a, b: not tests[0](a) and not tests[0](b)
    p, q = tests
    return lambda a, b: (p(a) and q(b)) or (q(a) and p(b))


def _order(value: str) -> tuple[int, Any]:
    return (0, int(value)) if value.isdigit() else (1, value)


def meeting(grouped: dict[str, Counter], test: Callable[[Counter, Counter], bool]) -> list[tuple[str, str]]:
    """Every pair of groups (smaller value first, numbers by value) whose noise-less counts pass `test`."""
    values = sorted(grouped, key=_order)
    clean = {v: without_noise(grouped[v]) for v in values}
    return [(a, b) for i, a in enumerate(values) for b in values[i + 1:] if test(clean[a], clean[b])]
