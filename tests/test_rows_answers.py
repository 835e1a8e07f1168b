"""What code over a table's rows may answer: a reading that leaves out a word turning the question's meaning
declines (counted.read_whole), and the root's own code that kept every row it was given is refused once
(parsing.kept_every_row, refusals.after_rows)."""

import datetime

from recursivelm import RLM, ScriptedModel, first_reading, judging, records
from recursivelm.counted import Counted, read_whole
from recursivelm.parsing import kept_every_row

from conftest import block

STAFF = "name,manager,salary\nAmes,,190000\n" + "\n".join(
    f"{name},{boss},{pay}" for name, boss, pay in [
        ("Baird", "Ames", 96000), ("Cole", "Ames", 120000), ("Diaz", "Ames", 110000), ("Eady", "Baird", 99000),
        ("Frost", "Baird", 70000), ("Gale", "Cole", 64000), ("Hume", "Cole", 130000), ("Ivers", "Diaz", 90000),
        ("Joss", "Diaz", 57000), ("Kemp", "Baird", 80000), ("Lowe", "Cole", 60000)])
RICHER = "Which employees earn more than their manager?"
RIGHT = ('pay = {r["name"]: r["salary"] for r in rows}\n'
         'print([r["name"] for r in rows if r["manager"] and r["salary"] > pay[r["manager"]]])')
STOCK = "product,warehouse,qty\n" + "\n".join(f"P-{p:03d},{w},{0 if (p * 3 + i) % 11 == 0 else 10 + p}"
                                              for p in range(30) for i, w in enumerate(["North", "South", "East"]))


def run(replies, context=STAFF, question=RICHER):
    root = ScriptedModel(replies=replies, name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small",
                 sandbox="inprocess").run(context, question)
    return root, result


def told(root, turn):
    return root.calls[turn][-1]["content"]


def test_a_list_of_every_row_is_refused_once_with_how_many_rows_it_kept():
    root, result = run([block('print(df[df["salary"] > df["manager"].notnull()]["name"].tolist())'),
                        block('FINAL("Ames, Baird, Cole")'), block(RIGHT), block('FINAL("Eady, Hume")')])
    assert "your code kept every row (12 of 12)" in told(root, 2) and "print(rows[:5])" in told(root, 2)
    assert result.answer == "Eady, Hume"


def test_a_result_printed_and_answered_in_one_block_is_judged_too():
    root, result = run([block('kept = [r["name"] for r in rows]\nprint(kept)\nFINAL(kept)'), block(RIGHT),
                        block('FINAL("Eady, Hume")')])
    assert "kept every row" in told(root, 1) and result.answer == "Eady, Hume"


def test_every_row_given_again_after_its_refusal_is_taken():
    everyone = 'print([r["name"] for r in rows])'
    root, result = run([block(everyone), block('FINAL("all twelve")'), block(everyone), block('FINAL("all twelve")')])
    assert "kept every row" in told(root, 2) and result.answer == "all twelve"


def test_an_answer_that_says_all_and_names_none_is_refused_once():
    root, result = run([block(RIGHT), block('FINAL("All three")'), block('FINAL("Eady, Hume")')])
    assert "names none of the rows it means" in told(root, 2) and "12 of 12" not in told(root, 2)
    assert result.answer == "Eady, Hume"


def test_a_count_of_some_rows_is_taken_at_once():
    root, result = run([block(RIGHT.replace("print([", "print(len([").replace("]])", "]]))")), block("FINAL(2)")],
                       question="How many employees earn more than their manager?")
    assert result.answer == "2" and len(root.calls) == 2


def test_as_many_values_as_rows_given_are_told_from_fewer():
    names = str([f"n{i}" for i in range(12)])
    assert kept_every_row(names, 12) and kept_every_row("12", 12)
    assert kept_every_row("0     Ames\n1    Baird\nName: name, Length: 12, dtype: object", 12)
    assert kept_every_row("     name  salary\n0  Ames  1\n\n[12 rows x 2 columns]", 12)
    assert not kept_every_row(names, 13) and not kept_every_row("11", 12) and not kept_every_row("['Cole']", 12)
    assert not kept_every_row("['a', 'b', 'c']", 3)  # so few rows, every one may be the answer
    assert not kept_every_row(names, None) and not kept_every_row("", 12)


def test_a_reading_that_leaves_out_a_negation_or_a_change_declines():
    counted = Counted("Read by code over the lines: 900; of them holding 'started': 466", "466")
    assert read_whole("How many jobs were started but never finished?", counted) is None
    assert read_whole("How many jobs were started?", counted) is counted
    negated = Counted("rows with department != Sales: 80", "80")
    assert read_whole("How many employees are not in the Sales department?", negated) is negated
    totals = Counted("total price by product, most first:\n  grill: 1,895", "grill")
    assert read_whole("Which product's price changed the most times?", totals) is None
    rise = Counted("price_2024 less price_2023, row by row, largest first:\n  Clamp: +17.33", "Clamp")
    assert read_whole("Which product's price rose the most from 2023 to 2024?", rise) is rise
    bases = Counted("the class `_Helper` is defined as `class _Helper(object)`", "object")
    # How the answer is wanted turns nothing code reads: an aside, an instruction that asks nothing.
    assert read_whole("What are the bases of `_Helper` (keywords such as metaclass= are not bases)? Do not explain.",
                      bases) is bases


def test_a_table_question_code_half_reads_goes_to_the_roots_own_code():
    question = "How many products have zero stock in at least one warehouse?"
    assert records.settled(STOCK, question) is None
    assert first_reading.choose(True, True, STOCK, question, lambda: True)[0] == first_reading.ROWS
    assert records.settled(STOCK, "How many rows have a qty of 0?").answer == "9"  # no word left out


def test_a_logs_lines_are_events_not_items_judged_one_by_one():
    at, lines = datetime.datetime(2025, 9, 1, 8, 0), []
    for i in range(60):
        at += datetime.timedelta(seconds=30)
        lines.append(f"{at.isoformat(sep=' ')} INFO scheduler: job J{1000 + i // 2} {'started' if i % 2 == 0 else 'finished'}")
    log, question = "\n".join(lines[:-3]), "How many jobs were started but never finished?"
    assert judging.asked(log, question) is None and records.settled(log, question) is None
    assert first_reading.choose(True, True, log, question, lambda: True)[0] == first_reading.ROWS


def test_a_list_written_out_of_values_shown_is_taken_at_once():
    for answer in ("Eady, Hume", "The employees paid more than their manager are Eady and Hume."):
        root, result = run([block(RIGHT), block(f"FINAL({answer!r})")])
        assert result.answer == answer and len(root.calls) == 2
    root, result = run([block(RIGHT), block('FINAL("Eady, Ruiz")'), block('FINAL("Eady, Hume")')])
    assert "is in nothing your code printed" in told(root, 2)  # Ruiz was never shown


class SamplingScripted(ScriptedModel):
    """A scripted model with a temperature and a seed, as a server-backed one has: each call notes them."""
    temperature, seed = 0.0, None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sampling_of_calls = []  # shared with its resampled twins (a shallow copy)

    async def complete(self, messages, **kwargs):
        self.sampling_of_calls.append((self.temperature, self.seed))
        return await super().complete(messages, **kwargs)


def test_after_a_repeated_block_the_root_is_asked_again_sampling():
    failing = 'import pandas as pd\nprint(isinstance(df["salary"], pd.Datetime64))'
    root = SamplingScripted(replies=[block(failing), block(failing), block(RIGHT), block('FINAL("Eady, Hume")')],
                            name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small",
                 sandbox="inprocess").run(STAFF, RICHER)
    assert result.answer == "Eady, Hume"
    # greedy, greedy (the repeat: not run), sampled at the profile's temperature with a seed of its own, greedy
    assert root.sampling_of_calls == [(0.0, None), (0.0, None), (0.7, 1), (0.0, None)]


def test_a_value_of_the_rows_summary_given_after_code_that_failed_is_refused_once():
    root, result = run([block('print(df[df["salary"].idxmax()]["name"])'), block('FINAL("Ames")'), block(RIGHT),
                        block('FINAL("Eady, Hume")')])
    assert "your last code failed" in told(root, 2) and result.answer == "Eady, Hume"
