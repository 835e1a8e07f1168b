"""How many records say one kind of thing about a name, in other words than the text's (wordings.py, issue 12):
the name's lines grouped by wording and counted by code, the group picked by the question's words or a reader,
as a small root's first reading and as the REPL helper line_kinds()."""

import random

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, wordings

from conftest import block

rng = random.Random(0)
LOG = []
for i in range(400):
    user, kind = rng.choice(["alice", "bob", "carol"]), rng.random()
    stamp = f"2024-03-{1 + i // 20:02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d} host-{rng.randrange(9)}"
    if kind < 0.2:
        LOG.append(f"{stamp} sshd[{rng.randrange(9999)}]: Failed password for {user} from 10.0.0.{rng.randrange(250)}")
    elif kind < 0.6:
        LOG.append(f"{stamp} sshd[{rng.randrange(9999)}]: Accepted publickey for {user} from 10.0.0.{rng.randrange(250)}")
    else:
        LOG.append(f"{stamp} CRON[{rng.randrange(9999)}]: session opened for user {user}")
LOG_TEXT = "\n".join(LOG)
FAILED_ALICE = sum("Failed password for alice " in line for line in LOG)
TICKETS = "\n".join(
    [f"Ticket #{100 + i} was escalated by the Lisbon desk this week." for i in range(7)]
    + [f"Ticket #{200 + i} was closed by the Lisbon desk this week." for i in range(5)]
    + [f"Ticket #{300 + i} was escalated by the Porto desk this week." for i in range(4)]
    + [f"Line {i}: the harbour was calm." for i in range(30)])


def test_the_questions_own_words_pick_the_kind_they_name():
    kinds = wordings.line_kinds(TICKETS, "How many tickets did the Lisbon desk escalate?")
    assert [k.lines for k in kinds] == [7, 5] and kinds.picked == [1]  # "escalate" for "escalated"
    assert kinds.total() == "7"
    assert "7 lines like: Ticket #100 was escalated by the Lisbon desk this week." in str(kinds)


@pytest.mark.parametrize("question, name, thing", [
    ("How many unsuccessful login attempts were there for the user alice?", "alice", "unsuccessful login attempts"),
    ("How many of bob's uploads failed?", "bob", "uploads failed"),
    ("What is the number of failed jobs on node7?", "node7", "failed jobs"),
])
def test_what_a_question_counts_is_its_words_after_how_many(question, name, thing):
    assert wordings.counted_thing(question, name) == thing


def test_words_the_text_never_writes_leave_the_pick_to_a_reader():
    kinds = wordings.line_kinds(LOG_TEXT, "How many unsuccessful login attempts were there for the user alice?")
    assert kinds.picked == []  # "user" stands beside the name: it says who alice is, not which lines
    replies = ["Yes." if "Failed password" in kind.example else "No" for kind in kinds]
    assert kinds.total(replies) == str(FAILED_ALICE)
    assert kinds.total(["no"] * len(kinds)) == "no kind was picked"
    prompts = kinds.prompts()
    assert len(prompts) == len(kinds) + len(kinds) * (len(kinds) - 1)  # each alone, then each two in both orders
    assert prompts[0] == f"Line: {kinds[0].example}\n\nIs this line about unsuccessful login attempts? Reply yes or no."
    assert prompts[len(kinds)] == (f"Line 1: {kinds[0].example}\n\nLine 2: {kinds[1].example}\n\n"
                                   "Which line is about unsuccessful login attempts? Reply 1 or 2.")


def test_the_kind_that_wins_the_most_comparisons_outranks_the_yes_said_to_others():
    kinds = wordings.line_kinds(LOG_TEXT, "How many unsuccessful login attempts were there for the user alice?")
    failed = next(k for k, kind in enumerate(kinds) if "Failed password" in kind.example)
    pairs = [(i, j) for i in range(len(kinds)) for j in range(len(kinds)) if i != j]
    # Yes said to every kind alone (the small reader's bias); compared, the first line wins but where the failed
    # logins are second to the cron line: they still win the most comparisons (3 of 4; the others 2 and 1).
    cron = next(k for k, kind in enumerate(kinds) if "CRON" in kind.example)
    compared = ["Line 1" if i == failed or (i == cron and j == failed) else ("2" if j == failed else "1")
                for i, j in pairs]
    assert kinds.total(["Yes"] * len(kinds) + compared) == str(FAILED_ALICE)
    # A reader that always says 1: every kind wins as often, a tie; the checks one at a time decide.
    checks = ["Yes." if k == failed else "No" for k in range(len(kinds))]
    assert kinds.total(checks + ["1"] * len(pairs)) == str(FAILED_ALICE)


@pytest.mark.parametrize("context, question", [
    (TICKETS, "How many sentences mention the Lisbon desk?"),  # a count of sentences: tally's
    (TICKETS, "What did the Lisbon desk do?"),  # not how many
    (TICKETS, "How many tickets did the Lisbon desk escalate?\n\nA) 7\nB) 5"),  # a letter, not a number
    (TICKETS, "How many tickets did the Lisbon desk escalate before March?"),  # a condition not read here
    (TICKETS, "How many tickets over #104 did the Lisbon desk escalate?"),
    ("The gala in Oslo drew 420 people.\nOslo is cold.\n" * 2, "How many people attended the gala in Oslo?"),
    (" ".join(f"Oslo {w} the {v} today." for w, v in zip("saw met had lost won".split(), "fjord ferry rain key race".split())),
     "How many things did Oslo see?"),  # one line, no records
])
def test_what_is_not_records_of_a_few_kinds_is_left_to_the_other_readings(context, question):
    assert wordings.line_kinds(context, question) is None


def test_a_small_roots_first_reading_of_such_a_count_is_a_readers_pick_and_codes_count():
    question = "How many unsuccessful login attempts were there for the user alice?"
    template, _ = first_reading.choose(True, True, LOG_TEXT, question, lambda: True)
    assert template == first_reading.KINDS
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    # The reader says yes to the failed logins' example only (a check's first line is "Line: <example>").
    sub = ScriptedModel(respond=lambda m: "yes" if "Failed password" in m[-1]["content"].split("\n", 1)[0] else "no",
                        name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run(LOG_TEXT, question)
    assert result.answer == str(FAILED_ALICE)
    assert "by their wording, counted by code" in root.calls[0][-1]["content"]
    assert len(sub.calls) == 3 + 6  # one check of each kind, each two compared in both orders; the count is code's


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_line_kinds_in_the_repl(sandbox):
    code = ('k = line_kinds("How many tickets did the Lisbon desk escalate?")\nprint(k.total())\n'
            'print(line_kinds("Who runs the Lisbon desk?"))')
    root = ScriptedModel(replies=[block(code), block('FINAL("done")')], name="scripted")
    RLM(root, profile="default", sandbox=sandbox).run(TICKETS, "Tell me about Lisbon.")
    assert "7\nNone" in root.calls[1][-1]["content"]
