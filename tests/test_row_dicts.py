"""A question over a table that no reading of code settles: the small root is given the rows as typed dicts
(`table_rows()`, row_dicts.py) and writes the code that answers from all of them. On the scripted model."""

import datetime

import pytest

from recursivelm import RLM, ScriptedModel, first_reading, row_dicts, tables
from recursivelm.code_rows import code_rows

from conftest import block

TOWNS = "town,population,founded\n" + "\n".join(f"Town {i},{1000 * (i + 1)},{1900 + i}-0{1 + i % 9}-1{i % 10}"
                                                for i in range(30))
SERVICES = "\n".join(f"svc-{i:02d}:\n  memory_mb: {256 * (1 + i % 3)}\n  ports: [{8000 + i}, {9000 + i}]" for i in range(12))
RATIO = "How many times larger is the population of Town 29 than that of Town 9?"


def test_a_tables_rows_are_dicts_of_typed_values():
    rows = row_dicts.rows_of(tables.table_of(TOWNS))
    assert len(rows) == 30
    assert rows[2] == {"town": "Town 2", "population": 3000, "founded": "1902-03-12"}
    assert rows[2]["founded"] == datetime.date(1902, 3, 12) and rows[2]["founded"].year == 1902
    assert "'population': int, from 1000 to 30000, e.g. 1000" in rows.summary() and "30 rows in `rows`" in rows.summary()
    assert "'founded': datetime (also compares with and reads as its ISO text)" in rows.summary()
    services = row_dicts.rows_of(tables.table_of(SERVICES))  # YAML blocks read as rows: a list column stays a list
    assert services[1]["memory_mb"] == 512 and services[1]["ports"] == ["8001", "9001"]


def test_a_date_cell_is_a_datetime_that_reads_as_its_text_too():
    day, first = row_dicts.rows_of(tables.table_of(TOWNS))[5]["founded"], row_dicts.rows_of(tables.table_of(TOWNS))[0]["founded"]
    assert isinstance(day, datetime.datetime) and day.strftime("%A") == "Thursday" and day.weekday() == 3
    assert day == "1905-06-15" and day[:4] == "1905" and day > "1905-01-01" and day.startswith("1905-06")
    assert str(day) == "1905-06-15" and f"{day}" == "1905-06-15" and "on " + day == "on 1905-06-15"
    assert (day - first).days == 1982 and day - datetime.date(1905, 6, 1) == datetime.timedelta(days=14)
    assert day > datetime.datetime(1905, 6, 14, 23) and datetime.date(1905, 6, 16) - day == datetime.timedelta(days=1)
    assert day == datetime.date(1905, 6, 15) and sorted([day, first]) == [first, day]


def shown_after(code: str) -> str:
    """What the small root is shown after its first block over TOWNS' rows is `code`."""
    root = ScriptedModel(replies=[block(code), block("FINAL(1)")], name="scripted")
    RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small", sandbox="inprocess").run(TOWNS, RATIO)
    return root.calls[1][-1]["content"]


def test_strptime_on_a_date_of_the_rows_is_told_it_is_a_datetime_already():
    shown = shown_after('import datetime\nprint(datetime.datetime.strptime(rows[0]["founded"], "%Y-%m-%d"))')
    assert "that value is a datetime already" in shown


@pytest.mark.parametrize("code, hint", [
    ('print((df["founded"].dt.isoweekday() >= 6).sum())', ".dt.dayofweek (Monday=0 ... Sunday=6)"),  # what .dt has
    ('print(len(df[df["population"] > 2000 & df["population"] < 9000]))', "each in its own parentheses"),
    ('import datetime\nprint(datetime.datetime.strptime(df.iloc[0]["founded"], "%Y-%m-%d"))', "a pandas Timestamp already"),
    # a check of the dates' type the root wrote, then answered that the column was not datetime64 (set AA)
    ('import pandas as pd\nprint(isinstance(df["founded"], pd.Datetime64))', "its dates are datetime64 already"),
])
def test_pandas_slips_over_the_rows_dataframe_are_told_what_to_write(code, hint):
    pytest.importorskip("pandas")
    assert hint in shown_after(code)


def test_the_rows_as_a_pandas_frame_with_dates_as_datetimes():
    pandas = pytest.importorskip("pandas")  # the embedded extra brings it
    rows = row_dicts.rows_of(tables.table_of(TOWNS))
    df = rows.frame()
    assert list(df.columns) == ["town", "population", "founded"] and len(df) == 30
    assert pandas.api.types.is_datetime64_any_dtype(df["founded"]) and df["founded"].dt.year.max() == 1929
    assert df.loc[df["town"] == "Town 29", "population"].item() == 30000
    assert "`df` holds the same rows as a pandas DataFrame" in rows.summary()
    access = "\n".join(f'10.0.0.{i % 4} - - [14/Oct/2025:19:{i % 60:02d}:03 +0000] "GET /a HTTP/1.1" 200 {i}' for i in range(30))
    lines = row_dicts.log_rows(access)
    assert lines[5]["time"] == "2025-10-14 19:05:03"  # ISO, as strptime and pandas are written for
    assert lines.frame()["time"].dt.minute.max() == 29


def test_cells_a_column_cannot_type_keep_their_text():
    text = "when,amount\n" + "\n".join(f"2024-01-{1 + i:02d} 10:00:00,{i}.5" for i in range(20)) + "\nnot a date,n/a"
    rows = row_dicts.rows_of(tables.table_of(text))
    assert rows[0]["when"] == datetime.datetime(2024, 1, 1, 10) and rows[0]["when"].hour == 10 and rows[0]["amount"] == 0.5
    assert rows[0]["when"] == "2024-01-01 10:00:00"
    assert rows[-1] == {"when": "not a date", "amount": "n/a"}


def test_a_table_question_no_code_settles_gives_the_root_the_rows_to_write_its_code():
    assert first_reading.choose(True, True, TOWNS, RATIO, lambda: True)[0] == first_reading.ROWS
    root = ScriptedModel(replies=[
        block('by_town = {r["town"]: r["population"] for r in rows}\nprint(round(by_town["Town 29"] / by_town["Town 9"], 2))'),
        block("FINAL(3.0)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small",
                 sandbox="inprocess").run(TOWNS, RATIO)
    first = root.calls[0][-1]["content"]
    assert "rows = table_rows(" in first and "'town': str, 30 different, e.g. 'Town 0'" in first
    assert "computes the answer from all of `rows` (or `df`" in first and "FINAL(reading)" not in first
    assert "df = rows.frame()" in first
    assert "Output:\n3.0" in root.calls[1][-1]["content"]
    assert result.answer == "3.0" and result.usage.total().calls == 2  # two root turns, no reader


def test_a_question_code_settles_is_still_its_reading_and_a_tables_prose_is_not_its_rows():
    assert first_reading.choose(True, True, TOWNS, "How many towns have a population over 20000?",
                                lambda: True)[0] == first_reading.TABLE
    report = "# Report\n" + "The harbour master keeps the keys. " * 40 + "\n\n| town | population |\n|---|---|\n" + \
        "\n".join(f"| Town {i} | {1000 * i} |" for i in range(12))
    assert first_reading.choose(True, True, report, "Who keeps the keys?", lambda: True)[0] != first_reading.ROWS
    assert first_reading.choose(True, True, report, "Which town has a population twice that of Town 3?",
                                lambda: True)[0] == first_reading.ROWS


@pytest.mark.parametrize("context", ["just some prose, no table at all", {"notes.md": "no table"}])
def test_table_rows_over_no_table_says_so_and_what_to_use(context):
    root = ScriptedModel(replies=[block("print(table_rows())"), block('FINAL("x")')], name="scripted")
    sub = ScriptedModel(respond=lambda messages: "a reading", name="sub")
    RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(context, "What is it?")
    assert "the context is no table" in root.calls[1][-1]["content"] and "search()" in root.calls[1][-1]["content"]


LOG = "\n".join(f"2025-02-{3 + i // 40:02d}T{i % 24:02d}:{i % 60:02d}:00.120Z {'ERROR' if i % 7 == 0 else 'INFO'} "
                f"session opened for {['kim', 'max'][i % 2]} user={['kim', 'max'][i % 2]} ms={10 * i}" for i in range(200))


def test_a_logs_lines_are_rows_of_their_time_level_fields_and_text():
    rows = row_dicts.log_rows(LOG)
    assert len(rows) == 200 and set(rows[0]) == {"time", "level", "user", "ms", "text", "line"}
    assert rows[7]["time"] == "2025-02-03 07:07:00" and rows[7]["time"].hour == 7 and rows[7]["level"] == "ERROR"
    assert rows[7]["user"] == "max" and rows[7]["ms"] == 70 and rows[7]["text"].startswith("ERROR session opened")
    days = (max(r["time"] for r in rows if r["user"] == "max") - rows[1]["time"]).days
    assert days == 4  # the last of max's lines is on the 7th, the first on the 3rd
    assert row_dicts.log_rows("no stamps here\njust prose") is None


def test_a_log_question_no_code_settles_gives_the_root_its_lines_as_rows():
    question = "How many days passed between max's first and last session?"
    assert first_reading.choose(True, True, LOG, question, lambda: True)[0] == first_reading.ROWS
    root = ScriptedModel(replies=[block('times = [r["time"] for r in rows if r["user"] == "max"]\nprint((max(times) - min(times)).days)'),
                                  block("FINAL(4)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small", sandbox="inprocess").run(LOG, question)
    assert "the log's lines, a row each (200 lines)" in root.calls[0][-1]["content"]
    assert "Output:\n4" in root.calls[1][-1]["content"] and result.answer == "4"


def test_a_lookup_of_what_few_lines_of_a_log_hold_is_still_read_from_its_passages():
    entries = "\n".join(f"[2024-01-{1 + i % 28:02d}] Site {i % 40}: the duty officer is Officer {i}." for i in range(400))
    entries += "\n[2024-02-01] Harbour Lab: the crisis line is 0720 122 4188."
    assert first_reading.choose(True, True, entries, "What number do I ring in a crisis at Harbour Lab?",
                                lambda: False)[0] == first_reading.PASSAGES


TREE = {
    "jobs/a.py": 'def task(value, *rest, scale=2):\n    """Scale it."""\n    def helper(x):\n        return x + 1\n'
                 '    if value < 0:\n        raise ValueError("negative")\n    return helper(value) * scale\n',
    "jobs/b.py": "class Base:\n    pass\n\n\n@dataclass\nclass Job(Base):\n    def run(self, n):\n        self.log.append(n)\n"
                 "        return n\n",
}


def test_a_python_trees_definitions_are_rows_of_what_ast_reads():
    rows = {r["name"]: r for r in code_rows(TREE)}
    assert set(rows) == {"task", "task.helper", "Base", "Job", "Job.run"}
    assert rows["task"]["params"] == ["value", "scale", "*rest"] and rows["task"]["docstring"] == "Scale it."
    assert rows["task"]["defaults"] == {"scale": "2"} and rows["Job.run"]["defaults"] == {}
    assert rows["task"]["calls"] == ["helper"] and rows["task"]["raises"] == ["ValueError"]  # helper's own body apart
    assert rows["task.helper"]["parent_kind"] == "function" and rows["Job.run"]["kind"] == "method"
    assert rows["Job"]["bases"] == ["Base"] and rows["Job"]["decorators"] == ["dataclass"]
    assert rows["Job.run"]["calls"] == ["append"] and rows["task"]["lines"] == 7 and rows["task"]["path"] == "jobs/a.py"
    assert code_rows({"notes.md": "no code"}) is None


def test_a_question_about_the_whole_tree_gives_the_root_its_definitions_as_rows():
    question = "How many functions are defined inside another function?"
    assert first_reading.choose(True, True, TREE, question, lambda: True)[0] == first_reading.ROWS
    root = ScriptedModel(replies=[block('print(sum(r["parent_kind"] == "function" for r in rows))'), block("FINAL(1)")],
                         name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small", sandbox="inprocess").run(TREE, question)
    assert "classes and functions, a row each (5 in 2 files)" in root.calls[0][-1]["content"]
    assert "Output:\n1" in root.calls[1][-1]["content"] and result.answer == "1"


def test_code_written_for_a_dataframe_over_rows_reads_rows_as_one():
    pytest.importorskip("pandas")
    root = ScriptedModel(replies=[block("print(rows[rows['town'] == 'Town 3']['population'].iloc[0], rows.shape[0])"),
                                  block("FINAL(1)")], name="scripted")
    RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small", sandbox="inprocess").run(TOWNS, RATIO)
    assert "Output:\n4000 30" in root.calls[1][-1]["content"]
    rows = row_dicts.rows_of(tables.table_of(TOWNS))
    assert rows[2]["town"] == "Town 2" and [r["town"] for r in rows][:2] == ["Town 0", "Town 1"]  # and still a list


def test_a_guess_right_after_code_over_the_rows_failed_is_refused_once():
    root = ScriptedModel(replies=[block("print(rows[0]['populaton'])"), block("FINAL(2)"),
                                  block('p = {r["town"]: r["population"] for r in rows}\nprint(p["Town 29"] / p["Town 9"])'),
                                  block("FINAL(3.0)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(replies=[], name="sub"), profile="small", sandbox="inprocess").run(TOWNS, RATIO)
    assert "your last code failed" in root.calls[2][-1]["content"] and result.answer == "3.0"


def test_a_column_set_on_rows_is_one_on_its_dataframe():
    pandas = pytest.importorskip("pandas")
    rows = row_dicts.rows_of(tables.table_of(TOWNS))
    rows["population"] = pandas.to_numeric(rows["population"], errors="coerce")
    rows["double"] = rows["population"] * 2
    assert rows.loc[rows["double"].idxmax(), "town"] == "Town 29" and rows.shape == (30, 4)
    assert "double" in rows.frame().columns and "double" not in rows[0]  # the list of dicts is as it was


def test_functions_calling_themselves_and_different_users_a_day_are_left_to_the_roots_code():
    tree = {"t/a.py": "def walk(n):\n    return walk(n - 1) if n else 0\n\n\ndef size(n):\n    return len(n)\n"}
    question = "How many functions call themselves?"
    assert first_reading.choose(True, True, tree, question, lambda: True)[0] == first_reading.ROWS
    assert [r["name"] for r in code_rows(tree) if r["name"] in r["calls"]] == ["walk"]
    log = "\n".join(f"2025-04-0{1 + i // 50} {i % 24:02d}:00:00 INFO login ok user=u{i % 7}" for i in range(200))
    question = "On average, how many different users logged in per day?"
    assert first_reading.choose(True, True, log, question, lambda: True)[0] == first_reading.ROWS


@pytest.mark.parametrize("question", ["What is the parent class of Job?", "What is the default value of the scale parameter of task?"])
def test_a_lookup_of_one_definitions_part_is_still_read_from_its_passages(question):
    assert not first_reading.rows_asked(TREE, question)  # rows answered 1 of 7 held-out lookups, passages 6


def test_a_logs_fields_written_by_form_are_keys_of_its_rows():
    access = "\n".join(f'10.0.{i % 3}.{i} - - [09/Nov/2025:09:{i:02d}:07 +0000] "GET /item/{i % 4} HTTP/1.1" {200 if i % 5 else 503} 512'
                       for i in range(40))
    rows = row_dicts.log_rows(access)
    assert {k: rows[5][k] for k in ("ip", "method", "path", "status")} == {"ip": "10.0.2.5", "method": "GET",
                                                                          "path": "/item/1", "status": 503}
    assert rows[5]["time"] == "2025-11-09 09:05:07"
    app = "\n".join(f"2025-06-02 00:{i:02d}:00 {'ERROR' if i % 7 == 0 else 'INFO'} [worker-{i % 3}] POST /api/cart {201 if i % 2 else 400} {100 + i}ms"
                    for i in range(40))
    rows = row_dicts.log_rows(app)
    assert {k: rows[3][k] for k in ("level", "source", "method", "path", "status", "ms")} == {
        "level": "INFO", "source": "worker-0", "method": "POST", "path": "/api/cart", "status": 201, "ms": 103}
    sshd = "\n".join(f"2025-06-01 00:{i:02d}:00 sshd[41{i % 2}]: Accepted password for ana from 10.0.0.{i % 9} port 22"
                     for i in range(40))
    assert {k: row_dicts.log_rows(sshd)[4][k] for k in ("source", "ip")} == {"source": "sshd", "ip": "10.0.0.4"}


def test_a_field_written_as_key_value_is_not_read_again_by_form():
    log = "\n".join(f"2025-04-02T06:{i:02d}:03Z INFO gateway request path=/v1/{i % 3} status={200 + i % 2}" for i in range(30))
    row = row_dicts.log_rows(log)[1]
    assert row["path"] == "/v1/1" and row["status"] == 201 and "method" not in row


def test_an_empty_cell_is_none_and_the_summary_says_in_how_many_rows():
    jobs = "\n\n".join(f"[job-{i:03d}]\nschedule = daily\n" + ("" if i % 4 == 0 else f"timeout = {30 * (1 + i % 3)}\n")
                       for i in range(20))
    rows = row_dicts.rows_of(tables.table_of(jobs))
    assert rows[0]["timeout"] is None and rows[1]["timeout"] == 60
    assert "'timeout': int, from 30 to 90, e.g. 60 (None in 5 rows: empty)" in rows.summary()
    assert "'schedule': str, 1 different: 'daily' (20)" in rows.summary()
    assert [r["section"] for r in rows if r["timeout"] is None][:2] == ["job-000", "job-004"]
    if pytest.importorskip("pandas"):
        assert rows.frame()["timeout"].isna().sum() == 5
    assert code_rows({"m.py": "def f():\n    return 1\n"})[0]["docstring"] is None


def test_the_summary_shows_a_keys_few_values_with_their_rows_and_a_dates_range():
    log = "\n".join(f"2025-03-{1 + i % 28:02d} 10:00:00 {('INFO', 'WARN', 'ERROR')[i % 3]} user=u{i % 40}" for i in range(120))
    summary = row_dicts.log_rows(log).summary()
    assert "'level': str, 3 different: 'INFO' (40), 'WARN' (40), 'ERROR' (40)" in summary
    assert "'user': str, 40 different, e.g. 'u0'" in summary
    assert "'time': datetime (also compares with and reads as its ISO text), from '2025-03-01 10:00:00' to '2025-03-28 10:00:00'" in summary


def test_a_log_fields_values_written_with_one_unit_are_numbers_in_it():
    log = "\n".join(f"2025-09-02T08:{i % 60:02d}:16Z GET /api/cart 200 duration={20 + 7 * i}ms" for i in range(50))
    rows = row_dicts.log_rows(log)
    assert rows[2]["duration"] == 34 and rows.units == {"duration": "ms"}
    assert "'duration': int in ms (written 20ms), from 20 to 363" in rows.summary()
    mixed = "\n".join(f"2025-09-02T08:{i % 60:02d}:16Z job took={i}{'ms' if i % 2 else 's'}" for i in range(50))
    assert row_dicts.log_rows(mixed)[1]["took"] == "1ms"  # two units: left as written


def test_a_level_written_with_a_colon_is_no_source():
    log = "\n".join(f"2025-06-01 00:{i:02d}:00 {'ERROR' if i % 4 == 0 else 'INFO'}: disk check {i}" for i in range(40))
    row = row_dicts.log_rows(log)[0]
    assert row["level"] == "ERROR" and "source" not in row
