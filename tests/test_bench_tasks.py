"""The generated benchmark tasks: sizes, determinism, gold answers checked by independent oracles,
and scorers that accept the usual phrasings of a right answer and reject wrong ones."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import time
from collections import Counter

import pytest

from recursivelm.bench import SCORERS, TASKS, generate, haystacks, score
from recursivelm.bench.scoring import extract_number, parse_pairs, picked_letter
from recursivelm.bench.tasks import codeqa, oolong_phrases
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
    assert set(TASKS) == {"sniah", "oolong", "oolong-pairs", "multihop", "codeqa", "babi"}
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
@pytest.mark.parametrize("target_tokens", [8_000, 128_000])
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
    raise AssertionError(instance.scorer)


def scorer_cases():
    cases = [("sniah", {}), ("multihop", {}), ("codeqa", {}), ("babi", {}), ("babi", {"question": "person"}),
             ("oolong-pairs", {})]
    cases += [("oolong", {"question_type": q}) for q in TASKS["oolong"].settings[0].choices if q != "random"]
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
