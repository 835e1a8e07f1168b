"""The generated benchmark tasks: sizes, determinism, gold answers checked by independent oracles,
and scorers that accept the usual phrasings of a right answer and reject wrong ones."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import importlib
import inspect
import json
import os
import random
import re
import subprocess
import sys
import time
import warnings
from collections import Counter

import pytest

from recursivelm.bench import SCORERS, TASKS, generate, haystacks, score
from recursivelm.bench.scoring import extract_number, parse_pairs, picked_letter
from recursivelm.bench.tasks import codeqa, codetree, oolong_phrases
from recursivelm.bench.tasks.babi import DROP_VERBS, MOVE_VERBS, OBJECTS, PEOPLE, TAKE_VERBS
from recursivelm.bench.tasks.oolong_items import PostWriter
from recursivelm.bench.tokens import CHARS_PER_TOKEN, context_chars, context_tokens

ALL_TASKS = sorted(TASKS)
LENGTH_TOLERANCE = 0.03  # "within a few percent" of the requested tokens
MAX_SECONDS_FOR_1M_TOKENS = 5.0
ONE_MILLION = 1_000_000
SEEDS = (1, 2, 3)
# Gold answers are rechecked on more seeds and on small contexts too, where ties and corner cases
# (two labels equally frequent, a nearly empty file) turn up.
ORACLE_SEEDS = range(12)
ORACLE_TOKENS = (4_000, 16_000)


def within_tolerance(instance, target_tokens):
    return abs(instance.context_tokens - target_tokens) <= LENGTH_TOLERANCE * target_tokens


# --------------------------------------------------------------------------------------------
# Registry


def test_registry_lists_every_task_with_description_settings_and_scorers():
    assert set(TASKS) == {"sniah", "oolong", "oolong-pairs", "multihop", "codeqa", "babi", "sniah-paraphrase", "count",
                          "codetree"}
    for name, spec in TASKS.items():
        assert spec.name == name and spec.description
        assert set(spec.scorers) <= set(SCORERS)
        defaults = spec.defaults()
        assert list(defaults) == [setting.name for setting in spec.settings]
        for setting in spec.settings:
            assert setting.help
            if setting.choices is not None:
                assert setting.default in setting.choices


def test_settings_are_checked():
    with pytest.raises(ValueError, match="no setting"):
        generate("sniah", 1, 8_000, colour="blue")
    with pytest.raises(ValueError, match="not one of"):
        generate("sniah", 1, 8_000, haystack="poetry")
    with pytest.raises(ValueError, match="unknown task"):
        generate("nope", 1, 8_000)
    with pytest.raises(ValueError, match="below"):
        generate("multihop", 1, TASKS["multihop"].min_target_tokens - 1)


def test_token_estimate_is_characters_over_four_for_every_context_shape():
    assert CHARS_PER_TOKEN == 4
    assert context_tokens("x" * 400) == 100
    assert context_chars(["ab", "cde"]) == 5
    assert context_chars({"title": "body"}) == 9


# --------------------------------------------------------------------------------------------
# Size, speed and determinism, for every task


@pytest.mark.parametrize("task", ALL_TASKS)
@pytest.mark.parametrize("target_tokens", [8_000, 32_000, 128_000])
def test_length_is_met_within_a_few_percent(task, target_tokens):
    instance = generate(task, 7, target_tokens)
    assert within_tolerance(instance, target_tokens), instance.context_tokens
    assert instance.metadata["context_tokens"] == instance.context_tokens
    assert instance.task == task and instance.scorer in TASKS[task].scorers


@pytest.mark.parametrize("task", ALL_TASKS)
def test_one_million_tokens_generate_in_seconds(task):
    started = time.perf_counter()
    instance = generate(task, 11, ONE_MILLION)
    elapsed = time.perf_counter() - started
    assert elapsed < MAX_SECONDS_FOR_1M_TOKENS, f"{task} took {elapsed:.1f}s"
    assert within_tolerance(instance, ONE_MILLION), instance.context_tokens


@pytest.mark.parametrize("task", ALL_TASKS)
def test_same_seed_same_instance_other_seed_other_instance(task):
    first, again, other = (generate(task, seed, 8_000) for seed in (5, 5, 6))
    assert first.fingerprint() == again.fingerprint()
    assert first.id == again.id
    assert other.fingerprint() != first.fingerprint()
    assert other.id != first.id


def test_instances_do_not_depend_on_the_process_hash_seed():
    """Set iteration order changes with PYTHONHASHSEED; a generator leaning on it would differ per run."""
    script = (
        "import json; from recursivelm.bench import TASKS, generate; "
        "print(json.dumps({t: generate(t, 3, 8000).fingerprint() for t in sorted(TASKS)}))"
    )
    runs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
        runs.append(json.loads(output.stdout))
    here = {task: generate(task, 3, 8_000).fingerprint() for task in ALL_TASKS}
    assert runs[0] == runs[1] == here


@pytest.mark.parametrize("task", ALL_TASKS)
def test_instances_are_plain_json(task):
    instance = generate(task, 2, 8_000)
    saved = json.loads(json.dumps(dataclasses.asdict(instance)))
    assert saved["gold"] == instance.gold and saved["metadata"] == instance.metadata
    assert score(instance.scorer, right_phrasings(instance)[0], saved["gold"]) == 1.0


def test_settings_change_the_instance_id():
    assert generate("babi", 1, 8_000).id != generate("babi", 1, 8_000, num_facts=10).id


# --------------------------------------------------------------------------------------------
# Scorers: the gold in typical phrasings scores 1, wrong answers 0, for every task's instances


def right_phrasings(instance):
    gold = instance.gold
    if instance.scorer == "contains":
        return [gold, f"The special magic number is {gold}.", f"{int(gold):,}", f'"{gold}"', f"**{gold}**"]
    if instance.scorer == "numeric_decay":
        return [str(gold), f"The answer is {gold}.", f"There are **{gold:,}** such items.", f"Answer: {gold}",
                f"I counted carefully and the total is {gold}"]
    if instance.scorer == "exact_choice":
        answer = gold["answer"]
        return [answer, f"The answer is {answer}.", f'"{answer.upper()}"', f"**{answer}**", f"{answer}\n"]
    if instance.scorer == "choice_letter":
        option = instance.metadata["answer_option"]
        return [gold, f"({gold})", f"The answer is {gold}.", f"Answer: {gold}) {option}", f"**{gold}**",
                gold.lower()]
    if instance.scorer == "pairs_f1":
        pairs = [tuple(pair) for pair in gold]
        return ["\n".join(f"({a}, {b})" for a, b in pairs), str(pairs),
                "\n".join(f"{i}. {b} and {a}" for i, (a, b) in enumerate(pairs, 1))]
    if instance.scorer == "path_match":
        path = gold["path"]
        return [path, f"./{path}", f"Lib/{path}", f"It is defined in `{path}`.",
                f"The answer is {codetree.module_name(path)}.", *gold["accepted"]]
    if instance.scorer == "name_set":
        names, cls = gold["names"], gold["ignore"][0]
        return [", ".join(names), f"{cls}({', '.join(names)})", f"The bases are {' and '.join(reversed(names))}.",
                str(names), f"`{', '.join(names)}`"]
    if instance.scorer == "python_value":
        value, parameter = gold["value"], instance.metadata["parameter"]
        return [value, f"The default is {value}.", f"`{value}`", f"{parameter}={value}", f"Answer: {value}"]
    raise AssertionError(instance.scorer)


def wrong_answers(instance):
    gold = instance.gold
    if instance.scorer == "contains":
        wrong = str(int(gold) + 1)
        return [wrong, f"The special magic number is {wrong}.", "I could not find it."]
    if instance.scorer == "numeric_decay":
        return [str(gold + 500), "I don't know."]
    if instance.scorer == "exact_choice":
        choices = list(gold["choices"])
        other = next(choice for choice in choices if choice != gold["answer"])
        return [other, f"The answer is {other}.", f"{gold['answer']} or {other}", "unknown"]
    if instance.scorer == "choice_letter":
        other = next(letter for letter in "ABCD" if letter != gold)
        return [other, f"The answer is {other}.", f"{gold} or {other}", "None of them."]
    if instance.scorer == "pairs_f1":
        return ["(1, 2)\n(3, 4)", "", "No pairs."]
    if instance.scorer == "path_match":
        path = gold["path"]
        return ["nowhere/else.py", f"{path} or nowhere/else.py", "I could not find it.", f"x{path}"]
    if instance.scorer == "name_set":
        partial = [", ".join(gold["names"][1:])] if len(gold["names"]) > 1 else []
        return ["NoSuchBase", ", ".join([*gold["names"], "NoSuchBase"]), *partial]
    if instance.scorer == "python_value":
        return [f"({gold['value']}, 1)", "I don't know.", "NoSuchDefault"]
    raise AssertionError(instance.scorer)


def scorer_cases():
    cases = [("sniah", {}), ("multihop", {}), ("codeqa", {}), ("babi", {}), ("babi", {"question": "person"}),
             ("oolong-pairs", {})]
    cases += [("oolong", {"question_type": q}) for q in TASKS["oolong"].settings[0].choices if q != "random"]
    cases += [("sniah-paraphrase", {"kind": k}) for k in TASKS["sniah-paraphrase"].settings[0].choices if k != "random"]
    cases += [("count", {})]
    cases += [("codetree", {"question_type": q}) for q in TASKS["codetree"].settings[0].choices if q != "random"]
    return cases


@pytest.mark.parametrize(("task", "settings"), scorer_cases())
def test_gold_in_typical_phrasings_scores_one_and_wrong_answers_zero(task, settings):
    for seed in SEEDS:
        instance = generate(task, seed, 8_000, **settings)
        for phrasing in right_phrasings(instance):
            assert instance.score(phrasing) == 1.0, (phrasing, instance.gold)
        for wrong in wrong_answers(instance):
            assert instance.score(wrong) == pytest.approx(0.0, abs=1e-12), (wrong, instance.gold)
        assert instance.score(None) == 0.0


def test_numeric_decay_gives_oolong_partial_credit():
    assert score("numeric_decay", "41", 42) == pytest.approx(0.75)
    assert score("numeric_decay", "There are 44 items.", 42) == pytest.approx(0.75**2)
    assert score("numeric_decay", "12,345", 12345) == 1.0


def test_number_extraction_skips_dates_and_prefers_the_stated_answer():
    assert extract_number("Between Jan 21, 2023 and Mar 01, 2023 there were 3 items.") == 3
    assert extract_number("Users 3 and 4 posted; the answer is 42.") == 42
    assert extract_number("twelve") == 12
    assert extract_number("no idea") is None


def test_choice_letter_reads_letters_not_articles():
    assert picked_letter("A function with default arguments; the answer is C") == "C"
    assert picked_letter("A) foo") == "A"
    assert picked_letter("A good question. I pick (D).") == "D"
    assert picked_letter("B or C") is None


def test_exact_choice_prefers_the_stated_answer_over_other_mentions():
    gold = {"answer": "garden", "choices": ["garden", "kitchen", "office"]}
    assert score("exact_choice", "Mary left the kitchen, so the answer is garden.", gold) == 1.0
    assert score("exact_choice", "kitchen, maybe garden", gold) == 0.0


def test_pairs_f1_is_partial_for_partial_answers():
    gold = [[10001, 20002], [30003, 40004]]
    assert score("pairs_f1", "(20002, 10001)", gold) == pytest.approx(2 / 3)
    assert score("pairs_f1", "(10001, 20002)\n(30003, 40004)\n(50005, 60006)", gold) == pytest.approx(0.8)
    assert parse_pairs("[(1, 2), (3, 4)]") == {("1", "2"), ("3", "4")}


# --------------------------------------------------------------------------------------------
# sniah


def test_sniah_plants_one_needle_at_the_requested_depth():
    for depth in (0.0, 0.25, 0.5, 1.0):
        instance = generate("sniah", 4, 32_000, depth=depth)
        context, value = instance.context, instance.gold
        assert context.count(value) == 1
        assert context.count(instance.metadata["needle"]) == 1
        assert context.index(instance.metadata["needle"]) == instance.metadata["needle_offset"]
        assert abs(instance.metadata["needle_offset"] / len(context) - depth) < 0.01
        key = re.search(r"magic number for (\S+) mentioned", instance.question).group(1)
        assert f"magic numbers for {key} is: {value}." in context


@pytest.mark.skipif(not haystacks.essays_available(), reason="no package with the essays is installed")
def test_sniah_essay_haystack_is_essay_text():
    instance = generate("sniah", 4, 128_000, haystack="essay", depth=0.5)
    essays = haystacks.essay_text()
    background = instance.context.replace(instance.metadata["needle"] + " ", "")
    for start in (0, len(background) // 3, len(background) - 400):
        assert background[start:start + 300] in essays + haystacks.REPEAT_SEPARATOR + essays
    assert within_tolerance(instance, 128_000)


@pytest.mark.skipif(not haystacks.essays_available(), reason="no package with the essays is installed")
def test_essays_repeat_past_their_length():
    instance = generate("sniah", 1, ONE_MILLION, haystack="essay")
    assert len(haystacks.essay_text()) < len(instance.context)
    assert within_tolerance(instance, ONE_MILLION)


def test_missing_essays_raise_a_clear_error(monkeypatch):
    monkeypatch.setattr(haystacks, "ESSAY_SOURCES", (("no-such-distribution", "nothing/"),))
    haystacks.essay_text.cache_clear()
    try:
        with pytest.raises(haystacks.HaystackUnavailable, match="recursivelm\\[bench\\]"):
            generate("sniah", 1, 8_000, haystack="essay")
        assert not haystacks.essays_available()
    finally:
        haystacks.essay_text.cache_clear()


# --------------------------------------------------------------------------------------------
# oolong: an independent oracle reads each line back to its label through the phrase banks


def _slot_pattern(slot):
    base = slot[:-1] if slot.endswith("2") and slot[:-1] in oolong_phrases.SLOTS else slot
    if base in oolong_phrases.SLOTS:
        return "(?:" + "|".join(re.escape(v) for v in oolong_phrases.SLOTS[base]) + ")"
    if base in oolong_phrases.MONEY_SLOTS:
        return r"\$[\d,]+"
    return r"\d+"


def _post_regexes():
    openers = "(?:" + "|".join(re.escape(o) for o in sorted(set(oolong_phrases.OPENERS)) if o) + ")?"
    closers = "(?:" + "|".join(re.escape(c) for c in sorted(set(oolong_phrases.CLOSERS)) if c) + ")?"
    regexes = {}
    for label, templates in oolong_phrases.TEMPLATES.items():
        bodies = []
        for template in templates:
            parts = re.split(r"\{(\w+)\}", template)
            bodies.append("".join(_slot_pattern(p) if i % 2 else re.escape(p) for i, p in enumerate(parts)))
        regexes[label] = re.compile(rf"^{openers}(?:{'|'.join(bodies)})\.?{closers}$", re.IGNORECASE)
    return regexes


POST_REGEXES = _post_regexes()
LINE = re.compile(r"^Date: (\w{3} \d{2}, \d{4}) \|\| User: (\d{5}) \|\| Instance: (.*)$")


def read_items(context):
    """(date, user, label) per line, the label recovered from the text alone."""
    items = []
    for line in context.split("\n"):
        date, user, text = LINE.match(line).groups()
        labels = [label for label, regex in POST_REGEXES.items() if regex.match(text)]
        assert len(labels) == 1, (text, labels)
        items.append((date, int(user), labels[0]))
    return items


def test_posts_never_name_their_topic_and_no_keyword_gives_a_topic_away():
    writer = PostWriter(random.Random(0))
    samples = 1_500
    words = {label: [set(re.findall(r"[a-z0-9'-]+", writer.write(label).lower())) for _ in range(samples)]
             for label in oolong_phrases.LABELS}
    stems = re.compile(r"\b(?:" + "|".join(oolong_phrases.LABEL_STEMS) + ")")
    for label, posts in words.items():
        assert not any(stems.match(word) for post in posts for word in post), label
        inside = Counter(word for post in posts for word in post)
        others = [post for other, other_posts in words.items() if other != label for post in other_posts]
        outside = Counter(word for post in others for word in post)
        for word, count in inside.items():
            # A give-away word would find most of a topic's posts and few of the others.
            giveaway = count / samples > 0.35 and outside[word] / len(others) < 0.05
            assert not giveaway, (label, word)


@pytest.mark.parametrize("question_type", [q for q in TASKS["oolong"].settings[0].choices if q != "random"])
def test_oolong_gold_matches_the_labels_read_back_from_the_context(question_type):
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in ORACLE_TOKENS):
        instance = generate("oolong", seed, tokens, question_type=question_type)
        items = read_items(instance.context)
        counts = Counter(label for _, _, label in items)
        meta = instance.metadata
        assert meta["num_items"] == len(items) and f"lists {len(items)} items" in instance.question
        assert {label: counts[label] for label in oolong_phrases.LABELS} == meta["label_counts"]
        if question_type == "label_count":
            assert instance.gold == counts[meta["label"]]
        elif question_type == "user_label_count":
            assert instance.gold == sum(1 for _, u, lab in items if u == meta["user"] and lab == meta["label"])
        elif question_type == "window_label_count":
            start, end = (dt.date.fromisoformat(d) for d in meta["window"])
            in_window = [lab for d, _, lab in items if start <= dt.datetime.strptime(d, "%b %d, %Y").date() <= end]
            assert instance.gold == in_window.count(meta["label"])
        elif question_type in ("most_frequent", "least_frequent"):
            ranked = counts.most_common() if question_type == "most_frequent" else counts.most_common()[::-1]
            assert ranked[0][1] != ranked[1][1], "the extreme must be unique"
            assert instance.gold["answer"] == ranked[0][0]
        else:
            first, second = meta["labels"]
            a, b = counts[first], counts[second]
            expected = "more" if a > b else "fewer" if a < b else "same"
            assert instance.gold["answer"] == expected


def test_oolong_pairs_gold_matches_the_pairs_read_back_from_the_context():
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in ORACLE_TOKENS):
        instance = generate("oolong-pairs", seed, tokens)
        topics: dict[int, set[str]] = {}
        for _, user, label in read_items(instance.context):
            topics.setdefault(user, set()).add(label)
        condition, labels = instance.metadata["condition"], instance.metadata["labels"]
        x, y = labels[0], labels[-1]
        users = sorted(topics)
        if condition == "both_have_label":
            expected = {(a, b) for a in users for b in users if a < b and x in topics[a] and x in topics[b]}
        elif condition == "both_have_labels":
            expected = {(a, b) for a in users for b in users
                        if a < b and {x, y} <= topics[a] and {x, y} <= topics[b]}
        else:
            def only(u, p, q):
                return p in topics[u] and q not in topics[u]
            expected = {(min(a, b), max(a, b)) for a in users for b in users
                        if only(a, x, y) and only(b, y, x)}
        assert {tuple(pair) for pair in instance.gold} == expected
        assert 1 <= len(expected) <= TASKS["oolong-pairs"].defaults()["max_gold_pairs"]


# --------------------------------------------------------------------------------------------
# multihop: walk the chain through the documents with plain text matching


def walk_chain(context, person, hops):
    company = re.search(r"\bfounded ([A-Z]\w+ [A-Z]\w+)\.", context[person]).group(1)
    city = re.search(r"Its headquarters are in (\w+)\.", context[company]).group(1)
    if hops == 2:
        return city
    return re.search(r"The (\w+) River flows through the city centre\.", context[city]).group(1)


@pytest.mark.parametrize("hops", [2, 3])
def test_multihop_gold_follows_the_chain_and_distractors_are_there(hops):
    for seed in ORACLE_SEEDS:
        instance = generate("multihop", seed, 16_000, hops=hops)
        context = instance.context
        person = re.search(r"founded by (.+?) (?:has|have) its", instance.question).group(1)
        assert walk_chain(context, person, hops) == instance.gold["answer"]
        # Exactly one company names this person as founder.
        assert sum(f"by {person}." in text for text in context.values()) == 1
        # Every distractor answer is a different name that the corpus really contains.
        assert instance.gold["answer"] not in instance.metadata["distractor_answers"]
        assert len(instance.metadata["distractor_answers"]) >= 4
        corpus = "\n".join(context.values())
        for answer in instance.metadata["distractor_answers"]:
            assert re.search(rf"\b{answer}\b", corpus)
        # A look-alike of the person (one vowel changed) founded another company.
        surname = person.split(" ")[1]
        look_alikes = [t for t in context if t != person and t.split(" ")[0] == person.split(" ")[0]
                       and len(t.split(" ")) == 2 and len(t.split(" ")[1]) == len(surname)
                       and sum(a != b for a, b in zip(t.split(" ")[1], surname)) == 1]
        assert look_alikes


def test_multihop_without_distractors_has_no_look_alikes():
    instance = generate("multihop", 1, 16_000, distractors=False)
    assert instance.metadata["distractor_answers"] == []
    assert instance.gold["choices"] == [instance.gold["answer"]]
    assert walk_chain(instance.context, instance.metadata["chain"][0], 3) == instance.gold["answer"]


# --------------------------------------------------------------------------------------------
# codeqa: recheck each answer against the sources in the context


def _find_def(tree, qualname):
    names = qualname.split(".")
    scope = tree.body
    for name in names[:-1]:
        scope = next(n for n in scope if isinstance(n, ast.ClassDef) and n.name == name).body
    return next(n for n in scope if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == names[-1])


def _count_direct_callers(tree, name):
    """A second way to count defs calling `name` in their own body: a NodeVisitor with a stack."""

    class Visitor(ast.NodeVisitor):
        def __init__(self):
            self.stack, self.callers = [], 0

        def visit_def(self, node):
            for outer in node.decorator_list + [node.args] + ([node.returns] if node.returns else []):
                self.visit(outer)
            self.stack.append(False)
            for statement in node.body:
                self.visit(statement)
            self.callers += self.stack.pop()

        visit_FunctionDef = visit_AsyncFunctionDef = visit_def

        def visit_Call(self, node):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if called == name and self.stack:
                self.stack[-1] = True
            self.generic_visit(node)

    visitor = Visitor()
    visitor.visit(tree)
    return visitor.callers


@pytest.mark.parametrize("question_type", [q for q in TASKS["codeqa"].settings[0].choices if q != "random"])
def test_codeqa_answers_hold_in_the_context_sources(question_type):
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in ORACLE_TOKENS):
        instance = generate("codeqa", seed, tokens, question_type=question_type)
        files, meta = instance.context, instance.metadata
        options = meta["options"]
        assert "ABCD"[options.index(meta["answer_option"])] == instance.gold
        for letter, option in zip("ABCD", options):
            assert f"{letter}) {option}" in instance.question
        if question_type == "defining_file":
            definers = [path for path, source in files.items()
                        if re.search(rf"^\s*class\s+{meta['class']}\b", source, re.MULTILINE)]
            assert definers == [meta["answer_option"]]
        elif question_type == "method_count":
            tree = ast.parse(files[meta["file"]])
            cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == meta["class"])
            methods = [n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
            assert str(len(methods)) == meta["answer_option"]
        elif question_type == "call_count":
            assert str(_count_direct_callers(ast.parse(files[meta["file"]]), meta["callee"])) == meta["answer_option"]
        else:
            counts = {}
            for option in options:
                qualname, path = option.split(" in ")
                signature = _find_def(ast.parse(files[path]), qualname).args
                every_arg = [signature.vararg, signature.kwarg, *signature.posonlyargs, *signature.args,
                             *signature.kwonlyargs]
                counts[option] = sum(arg is not None for arg in every_arg)
            assert len(set(counts.values())) == 4
            assert max(counts, key=counts.get) == meta["answer_option"]


CRAFTED_SOURCE = """
import os

def outer(path):
    os.path.join(path, "x")
    def inner():
        return join(1)
    return inner

class Thing:
    @decorate(join)
    def method(self, a, /, b, *args, c=join(2), **kwargs):
        self.join()

    def other(self):
        pass
"""


def test_codeqa_call_and_parameter_counting_on_crafted_source():
    tree = ast.parse(CRAFTED_SOURCE)
    # outer, inner, method, other: a nested def's call is its own; decorators and defaults run outside.
    assert codeqa._calls_per_function(tree) == [{"join"}, {"join"}, {"join"}, set()]
    assert _count_direct_callers(tree, "join") == 3
    assert _count_direct_callers(tree, "decorate") == 0
    facts = {fact.qualname: fact.parameters for fact in codeqa._functions("crafted.py", tree)}
    assert facts == {"outer": 1, "Thing.method": 6, "Thing.other": 1}


def test_codeqa_context_is_real_stdlib_source():
    root = codeqa.stdlib_root()
    instance = generate("codeqa", 2, 16_000)
    assert instance.context
    for path, source in instance.context.items():
        assert (root / path).read_text(encoding="utf-8") == source


# --------------------------------------------------------------------------------------------
# babi: replay the story found in the context


def replay_story(context, people, objects):
    verbs = "|".join(MOVE_VERBS + TAKE_VERBS + DROP_VERBS)
    story = re.findall(rf"\b({'|'.join(people)}) ({verbs}) the (\w+)(?: there)?\.", context)
    room_of, holder, lying = {}, {}, {}
    for person, verb, target in story:
        if target in objects:
            if verb in TAKE_VERBS:
                holder[target] = person
            else:
                holder[target], lying[target] = None, room_of[person]
        else:
            room_of[person] = target
    return story, room_of, holder, lying


@pytest.mark.parametrize("question", ["object", "person"])
@pytest.mark.parametrize("haystack", ["noise", "essay"])
def test_babi_gold_matches_a_replay_of_the_story_in_the_context(question, haystack):
    if haystack == "essay" and not haystacks.essays_available():
        pytest.skip("no package with the essays is installed")
    for seed in ORACLE_SEEDS:
        instance = generate("babi", seed, 8_000, question=question, haystack=haystack)
        story, room_of, holder, lying = replay_story(instance.context, PEOPLE, OBJECTS)
        assert [f"{person} {verb} the {target}" for person, verb, target in story] == [
            re.sub(r"(?: there)?\.$", "", sentence) for sentence in instance.metadata["story"]
        ]
        subject = instance.metadata["subject"]
        if question == "person":
            expected = room_of[subject]
        else:
            expected = room_of[holder[subject]] if holder.get(subject) else lying[subject]
        assert instance.gold["answer"] == expected
        assert f"Where is {'the ' if question == 'object' else ''}{subject}?" in instance.question


# --------------------------------------------------------------------------------------------
# sniah-paraphrase: the question and the answering line share no content word; lures are there

CONTENT_STOP_WORDS = frozenset("the a an of for to that at in on is are what who when where after with by its s".split())


def content_words(text):
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in CONTENT_STOP_WORDS}


@pytest.mark.parametrize("kind", [k for k in TASKS["sniah-paraphrase"].settings[0].choices if k != "random"])
def test_paraphrase_question_shares_no_content_word_with_the_answering_line(kind):
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in ORACLE_TOKENS):
        instance = generate("sniah-paraphrase", seed, tokens, kind=kind)
        meta, answer = instance.metadata, instance.gold["answer"]
        site, needle_phrase, question_phrase = meta["site"], meta["needle_phrase"], meta["question_phrase"]
        # The key phrase of the answering line is not in the question, word for word or in part.
        assert needle_phrase.lower() in meta["needle"].lower() and question_phrase in instance.question
        assert not content_words(needle_phrase) & content_words(instance.question.replace(site, ""))
        # The answer is on one line only, and that line names the site in the needle's words.
        holding = [line for line in instance.context.splitlines() if answer in line]
        assert len(holding) == 1 and holding[0].endswith(meta["needle"])
        site_pattern = re.compile(rf"(?<![\w-]){re.escape(site)}(?![\w-])")
        assert site_pattern.search(holding[0])
        # A literal search misleads: the question's words find other sites' values and the site's notes,
        # never the answer; a look-alike site (one letter off) holds the asked kind in the question's words.
        literal = [line for line in instance.context.splitlines() if question_phrase.lower() in line.lower()]
        assert literal and not any(answer in line for line in literal)
        assert any(site_pattern.search(line) for line in literal)  # a note, with no value
        city, facility = site.rsplit(" ", 1)
        lookalikes = {m for line in literal for m in re.findall(rf"\b(\w+) {facility}\b", line)
                      if m != city and len(m) == len(city) and sum(a != b for a, b in zip(m, city)) == 1}
        assert lookalikes
        assert set(instance.gold["choices"]) > {answer}


def test_paraphrase_gold_is_the_value_on_the_sites_line_of_the_asked_kind():
    """Read back independently: the site's lines that state a value in one of the kind's phrasings."""
    from recursivelm.bench.tasks.sniah_paraphrase import KINDS

    for seed in ORACLE_SEEDS:
        instance = generate("sniah-paraphrase", seed, 16_000)
        meta = instance.metadata
        phrasings = KINDS[meta["kind"]]["phrasings"]
        site_pattern = re.compile(rf"(?<![\w-]){re.escape(meta['site'])}(?![\w-])")
        values = [m.group(1) for line in instance.context.splitlines()
                  if site_pattern.search(line) and any(p.lower() in line.lower() for p in phrasings)
                  for m in [re.search(r" (?:is now|is|changed to) (\S.*)\.$", line)]
                  if m and not re.search(r"reviewed every month", line)]
        assert values == [instance.gold["answer"]]


# --------------------------------------------------------------------------------------------
# count: recount with a pattern of our own over the sentences


def sentences_of(text):
    return [s for s in re.split(r"(?<=\.)\s+", text) if s]


@pytest.mark.parametrize("cross_mentions", [True, False])
def test_count_gold_is_the_sentences_naming_the_thing_and_only_that_town(cross_mentions):
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in (*ORACLE_TOKENS, 32_000)):
        instance = generate("count", seed, tokens, cross_mentions=cross_mentions)
        meta = instance.metadata
        town, thing = meta["town"], meta["thing"]
        all_towns = [*meta["towns"], meta["lookalike_town"]]
        town_patterns = {t: re.compile(rf"\b{re.escape(t)}\b") for t in all_towns}
        thing_pattern = re.compile(rf"\b{thing}\b", re.IGNORECASE)
        sentences = sentences_of(instance.context)
        assert len(sentences) == meta["num_sentences"]

        def named(sentence):
            return {t for t, pattern in town_patterns.items() if pattern.search(sentence)}

        matching = [s for s in sentences if thing_pattern.search(s) and named(s) == {town}]
        assert len(matching) == instance.gold == len(meta["matching_offsets"])
        assert all(sentences_of(instance.context[offset:offset + 400])[0] in matching for offset in meta["matching_offsets"])
        if tokens >= 16_000:
            assert 20 <= instance.gold <= 100
        # The question's framing is in no sentence; the look-alike town has the thing too.
        framing = re.search(r"sentences (.+?)\?", meta["framing"]).group(1)
        assert framing.startswith(("report on", "are about", "give news of", "deal with"))
        assert instance.context.count(framing) == 0
        assert any(thing_pattern.search(s) and named(s) == {meta["lookalike_town"]} for s in sentences)
        crossed = [s for s in sentences if thing_pattern.search(s) and town in named(s) and len(named(s)) > 1]
        assert bool(crossed) == cross_mentions


def test_count_is_scored_with_oolongs_partial_credit():
    instance = generate("count", 0, 32_000)
    assert instance.scorer == "numeric_decay"
    assert instance.score(str(instance.gold - 2)) == pytest.approx(0.75**2)
    assert instance.score("0") < 0.01


# --------------------------------------------------------------------------------------------
# codetree: recheck each answer on the real module, imported


SIDE_EFFECT_MODULES = ("antigravity", "this", "idlelib", "turtledemo", "tkinter", "turtle")


def import_real(path):
    name = codetree.module_name(path)
    if name.split(".")[0] in SIDE_EFFECT_MODULES:
        pytest.skip(f"{name} is not imported in tests")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # chunk, imghdr, ...: real, and deprecated
            return importlib.import_module(name)
    except Exception:  # a module for another platform, a missing C extension
        return None


def find_function(module, name):
    if inspect.isfunction(getattr(module, name, None)):
        return getattr(module, name)
    for value in vars(module).values():
        if inspect.isclass(value) and name in vars(value):
            return getattr(value, name)
    return None


def recheck_codetree(instance):
    """True when the gold was confirmed on the imported module, None when the module cannot be used."""
    meta, gold = instance.metadata, instance.gold
    module = import_real(meta["file"])
    if module is None:
        return None
    if meta["question_type"] in ("class_file", "class_bases"):
        cls = getattr(module, meta["class"], None)
        if not inspect.isclass(cls):
            return None
        if meta["question_type"] == "class_file":
            # Bound in the module at the gold path, and its methods' code compiled from that file (some
            # classes set __module__ to the package that re-exports them, so inspect would look there).
            assert module.__file__.replace(os.sep, "/").endswith("/" + gold["path"])
            code_files = {vars(cls)[k].__code__.co_filename for k in vars(cls)
                          if inspect.isfunction(vars(cls)[k])}
            assert code_files <= {module.__file__, f"<frozen {module.__name__}>"}
        else:
            # As written: NamedTuple, Generic[T] are what the class statement names (PEP 560 keeps them).
            written = vars(cls).get("__orig_bases__", cls.__bases__)
            origins = [getattr(base, "__origin__", base) for base in written]
            assert {getattr(o, "__name__", None) or getattr(o, "_name", None) for o in origins} == {
                re.sub(r"\[.*", "", name).rsplit(".", 1)[-1] for name in gold["names"]}
        return True
    function = find_function(module, meta["function"])
    if function is None or not inspect.isfunction(inspect.unwrap(function)):
        return None  # replaced by a C version at import
    if meta["question_type"] == "function_module":
        assert module.__file__.replace(os.sep, "/").endswith("/" + gold["path"])
        assert inspect.unwrap(function).__code__.co_filename in (module.__file__, f"<frozen {module.__name__}>")
        return True
    default = inspect.signature(function).parameters[meta["parameter"]].default
    namespace = {**vars(module), **(vars(getattr(module, meta["class"])) if meta["class"] else {})}
    try:
        expected = eval(gold["value"], namespace)  # noqa: S307 - a default from the stdlib's own source
    except NameError:  # a name the module deletes after use: nothing left to compare with
        return None
    assert default is expected or default == expected
    return True


@pytest.mark.parametrize("question_type", [q for q in TASKS["codetree"].settings[0].choices if q != "random"])
def test_codetree_gold_holds_on_the_real_module(question_type):
    checked = 0
    for seed, tokens in ((s, t) for s in ORACLE_SEEDS for t in (4_000, 32_000)):
        instance = generate("codetree", seed, tokens, question_type=question_type)
        files, meta = instance.context, instance.metadata
        keyword = "class" if question_type.startswith("class") else "def"
        name = meta[keyword if keyword == "class" else "function"]
        definitions = [path for path, source in files.items()
                       if re.search(rf"^\s*(?:async\s+)?{keyword}\s+{name}\b", source, re.MULTILINE)]
        assert definitions == [meta["file"]]  # defined once in the whole tree: the gold is unambiguous
        checked += bool(recheck_codetree(instance))
    assert checked >= len(ORACLE_SEEDS)  # most modules import; the rest are skipped, not trusted


def test_codetree_is_whole_real_packages_and_asks_names_mentioned_elsewhere():
    root = codeqa.stdlib_root()
    mentioned = 0
    for seed in range(6):
        instance = generate("codetree", seed, 32_000)
        files, meta = instance.context, instance.metadata
        assert meta["python_version"] == sys.version.split()[0]
        for path, source in files.items():
            assert (root / path).read_text(encoding="utf-8") == source
        whole = [p for p in meta["packages"]
                 if {path for path, _ in dict(codetree.units())[p]} <= set(files)]
        assert whole and all(f"{p}/__init__.py" in files for p in whole)
        name = meta["class"] if meta["question_type"].startswith("class") else meta["function"]
        mentioned += any(re.search(rf"\b{name}\b", source) for path, source in files.items() if path != meta["file"])
    assert mentioned >= 5


def test_codetree_refuses_a_length_the_stdlib_does_not_hold():
    too_long = codetree.capacity_tokens() + 10_000
    with pytest.raises(ValueError, match=r"standard library of this Python .* holds about"):
        generate("codetree", 0, too_long)


def test_code_answer_scorers_accept_forms_of_the_answer_and_refuse_hedges():
    path = {"path": "email/mime/text.py", "accepted": ["email/mime/text.py", "mime/text.py"]}
    assert score("path_match", "/usr/lib/python3.11/email/mime/text.py", path) == 1.0
    assert score("path_match", "mime/text.py", path) == 1.0 and score("path_match", "text.py", path) == 0.0
    assert score("path_match", "email.mime.text", path) == 1.0
    assert score("path_match", "In email/mime/text.py; see also email/__init__.py", path) == 0.0
    package = {"path": "json/__init__.py", "accepted": ["json/__init__.py"]}
    assert score("path_match", "json", package) == 1.0 and score("path_match", "`json/__init__.py`", package) == 1.0
    bases = {"names": ["abc.ABC", "Generic[T]"], "ignore": ["Thing"]}
    assert score("name_set", "Thing inherits from ABC and Generic.", bases) == 1.0
    assert score("name_set", "(Generic[T], abc.ABC)", bases) == 1.0
    assert score("name_set", "ABC", bases) == 0.0 and score("name_set", "ABC, Generic, object", bases) == 0.0
    value = {"value": "'strict'"}
    assert score("python_value", '"strict"', value) == 1.0 and score("python_value", "strict", value) == 1.0
    assert score("python_value", "errors='strict'", value) == 1.0 and score("python_value", "None", value) == 0.0
    assert score("python_value", "The default is 1.0.", {"value": "1.0"}) == 1.0
    assert score("python_value", "None or 0", {"value": "None"}) == 0.0


def test_count_sentences_that_match_are_all_different():
    for seed in range(6):
        instance = generate("count", seed, 128_000)
        offsets = instance.metadata["matching_offsets"]
        matching = [sentences_of(instance.context[offset:offset + 400])[0] for offset in offsets]
        assert len(set(matching)) == len(matching) == instance.gold
