"""Questions over a table settled by code (tables.py, issue 12): the rows holding the values a question names,
a column's value with the most rows or the largest total, as a small root's first reading and as the REPL
helper count_table()."""

import json

import pytest

from recursivelm import RLM, ScriptedModel, evidence, first_reading, table_answers, tables

from conftest import block

ROWS = [("2024-01-0%d" % (1 + i % 9), f"ORD-{100 + i}", name, city, amount)
        for i, (name, city, amount) in enumerate(
            [("Okafor", "Lagos", "10.5"), ("Okafor", "Oslo", "20"), ("Tanaka", "Osaka", "300"), ("Silva", "Lagos", "5"),
             ("Okafor", "Lagos", "1.5"), ("Tanaka", "Oslo", "7"), ("Silva", "Osaka", "40"), ("Van der Berg", "Oslo", "8"),
             ("Tanaka", "Lagos", "2"), ("Silva", "Oslo", "3"), ("Okafor", "Osaka", "4"), ("Moreau", "Lagos", "6")])]
CSV = "date,order_id,customer,city,amount\n" + "\n".join(",".join(r) for r in ROWS) + "\n"
TSV = CSV.replace(",", "\t")


@pytest.mark.parametrize("question, answer", [
    ("How many orders did the customer Okafor place?", "4"),
    ("How many orders were shipped to Lagos by okafor?", "2"),  # two values: the rows holding both; any case
    ("How many orders did Van der Berg place?", "1"),  # a value of several words
    ("What is the total amount of Tanaka's orders?", "309"),
    ("What was the average amount for Silva?", "16"),
    ("Which customer placed the most orders?", "Okafor"),
    ("Which city has the largest total amount?", "Osaka"),
    ("Which city has the lowest average amount?", "Lagos"),  # 25 / 5 = 5 against Oslo's 7.6 and Osaka's 114.7
    ("Which customer has the most orders in Lagos?", "Okafor"),  # among Lagos's rows: Okafor 2, the others 1
    ("How many orders over 7 did Okafor place?", "2"),  # 10.5 and 20; the table's only number column
    ("What is the total amount of Silva's orders under 10?", "8"),  # 5 and 3
    ("How many orders had an amount of at least 20?", "3"),  # 20, 300, 40
    ("Which city had the largest total amount in January?", "Osaka"),  # every row's date is in January 2024
    ("How many orders did Okafor place in 2024?", "4"),
    ("How many orders did Okafor place in March?", "0"),
    ("How many orders did Tanaka place during January 2024?", "3"),
    ("How many different cities did Tanaka ship to?", "3"),
    ("How many distinct customers ordered in Oslo?", "4"),  # Okafor, Tanaka, Van der Berg, Silva
    ("What is the city of order ORD-102?", "Osaka"),  # the one row with the value, the column asked
    ("Which city did order ORD-102 go to?", "Osaka"),  # "which city" over one row: its cell, no grouping
    ("What was the largest single order placed by Tanaka?", "300"),  # the only number column's extreme
    ("What is the smallest amount Silva paid?", "3"),
    ("How many orders longer than 5 did Okafor place?", "2"),  # comparisons in other words: 10.5 and 20
    ("How many orders were placed between 2024-01-02 and 2024-01-04?", "5"),  # both days in
    ("How many orders did Okafor place after 2024-01-04?", "1"),  # the 5th; the others on the 1st and 2nd
    ("How many orders were placed between January and March?", "12"),  # every row is January 2024's
    ("How many orders were placed between February and March 2024?", "0"),
    ("How many orders were placed from November 2023 to January 2024?", "12"),
    ("How many orders were placed between November and February?", "12"),  # across the year's end
    ("How much did Silva pay in total?", "48"),  # no column named: the only number column, summed
    ("What percentage of the orders went to Lagos?", "41.67%"),  # 5 of 12 rows
    ("Which two customers placed the most orders?", "Okafor, Tanaka, Silva (Tanaka and Silva tied at 3)"),
    ("Which customer has the fewest orders in Osaka?", "Tanaka, Silva, Okafor (Tanaka, Silva and Okafor tied at 1)"),
    ("How many orders were not shipped to Lagos?", "7"),  # a value excluded
    ("How many orders did customers other than Okafor place?", "8"),
    ("How many more orders did Okafor place than Silva?", "1"),  # 4 against 3
    ("How many fewer orders did Silva place than Okafor?", "1"),
    ("How much more did Tanaka pay than Silva?", "261"),  # 309 against 48: the only number column
    ("What is the median amount?", "6.5"),  # every row: no word the columns do not explain
    ("What was the highest amount?", "300"),
    ("How many orders are there for each city?", "Lagos: 5, Oslo: 4, Osaka: 3"),  # every group, most first
    ("What is the total amount per customer?", "Tanaka: 309, Silva: 48, Okafor: 36, Van der Berg: 8, Moreau: 6"),
    ("Are there any orders over 100?", "Yes: 1 row with amount > 100"),
    ("Is there an order under 1?", "No: no row has amount < 1"),
    ("When was Okafor's most recent order?", "2024-01-05"),  # the date column's latest among the rows
    ("What was the date of the earliest order to Osaka?", "2024-01-02"),
    ("What is the second largest amount?", "40"),  # 300, 40, 20, ...
    ("What is the third smallest amount?", "3"),
    ("How many orders were above the average amount?", "2"),  # the mean of every row, 33.92: 300 and 40
    ("How many orders by Okafor were below the median amount?", "2"),  # 6.5: 1.5 and 4
    ("Which customers placed orders in Osaka?", "Tanaka, Silva, Okafor"),  # the column the noun names, listed
    ("Which orders did Silva place over 10?", "ORD-106"),
    ("How many orders went to Lagos or Oslo?", "9"),  # two values of one column: rows holding either
    ("Which customers placed orders in both Lagos and Osaka?", "Okafor, Tanaka, Silva"),  # as first met; Moreau: Lagos only
    ("Which customers placed orders in both Oslo and Osaka?", "Okafor, Tanaka, Silva"),  # Van der Berg: Oslo only
    ("How many customers ordered in both Lagos and Oslo?", "3"),  # Okafor, Tanaka, Silva
    ("How many orders had an amount of 20?", "1"),  # a number column set equal to a number
    ("How many orders had an amount over 20?", "2"),  # a comparison is no equality: 300 and 40
    ("How many orders were placed on a weekend?", "2"),  # 2024-01-06 and -07, a Saturday and a Sunday
    ("How many orders did Silva place on Sundays?", "1"),
    ("How many orders were placed on weekdays?", "10"),
    ("What was the total amount in the first quarter of 2024?", "407"),  # every row: January 2024
    ("How many orders were placed in Q2 2024?", "0"),
    ("What was the total amount in the first half of 2024?", "407"),
    ("Which customer placed the most recent order?", "Tanaka"),  # 2024-01-09, not the customer of most orders
    ("Which order was placed first?", "ORD-100, ORD-109"),  # both on 2024-01-01: the tie named
    ("How many orders are there?", "12"),  # the counted noun names the rows: order_id, a value per row
    ("How many orders were placed in the last 3 days of the data?", "3"),  # 2024-01-07 to -09, back from the latest
    ("How many orders were placed in the last week covered by the data?", "8"),  # 2024-01-03 to -09
])
def test_code_reads_every_row_for_the_questions_it_settles(question, answer):
    found = table_answers.answer(CSV, question)
    assert found is not None and found.answer == answer
    assert found.facts.startswith("Read by code over the whole table (12 rows; columns: date, order_id, customer, city")
    assert table_answers.answer(TSV, question).answer == answer  # tab-separated the same
    assert table_answers.answer("\ufeff" + CSV.replace("\n", "\r\n"), question).answer == answer  # as a spreadsheet saves it


@pytest.mark.parametrize("context, question", [
    (CSV, "What happened to order ORD-103?"),  # not a count, total or extreme
    (CSV, "How many orders did Dupont place?"),  # names no value of the table
    (CSV, "What share of Okafor's orders were over 7 last year?"),  # a relative period, not read here
    (CSV, "How many orders over 7 did Okafor place last year?"),  # a period not read here: not all of them
    ("a,b,c\n" + "x,1,2\n" * 12, "How many rows with x have more than 1?"),  # two number columns, neither named
    (CSV, "How many orders did Okafor place in 2023 or 2024?"),  # a number no cell holds, outside a period
    (CSV, "How many different things did Okafor buy?"),  # names no column to count the values of
    (CSV, "What is the city of Okafor's order?"),  # four rows: no one cell answers
    ("name,joined\n" + "Ann,last week\n" * 12, "How many people named Ann joined in 2024?"),  # no date column
    ("Date: Apr 24, 2023 || User: 1 || Instance: hello, world\n" * 30, "How many items did user 1 post?"),
    ("The ferry was late, said the harbour master, again.\n" * 30, "How many sentences say late?"),
    ({"orders.csv": CSV}, "How many orders did the customer Okafor place?"),  # a directory is read by its files
    (CSV, "What is the average amount of large orders?"),  # "large": a condition no column or value explains
    (CSV, "How many more orders did Okafor place than Dupont?"),  # than no value of the table
    (CSV, "How many orders are there for each product?"),  # no column of products
])
def test_what_is_no_table_or_no_question_code_settles_is_left_to_the_reader(context, question):
    assert table_answers.answer(context, question) is None


def test_a_markdown_table_within_a_text_is_a_table():
    rows = "\n".join(f"| {r[2]}-{r[1]} | {r[3]} | {r[4]} |" for r in ROWS)
    report = ("# Quarterly report\n\nSales went well | mostly.\n\n| Order | City | Amount |\n|---|:---:|---:|\n" + rows
              + "\n\nThe Lagos office moved in June.\n")
    found = table_answers.answer(report, "What is the total amount of the orders to Lagos?")
    assert found.answer == "25"  # 10.5 + 5 + 1.5 + 2 + 6
    assert found.facts.startswith("Read by code over the table at line 5 of the text (12 rows; columns: Order, City, Amount)")
    assert table_answers.answer(report, "What is the amount of order Okafor-ORD-101?").answer == "20"
    assert table_answers.answer(report.replace("|---|:---:|---:|", "| - | - | - |"), "What is the total amount of the orders to Lagos?") is None  # no rule: no header
    assert tables.table_of(report).line == 5 and tables.table_of("| a | b |\n|---|---|\n| 1 | 2 |") is None  # a row: short


def test_json_lines_are_a_table_whose_columns_are_the_keys():
    lines = [json.dumps({"ts": f"2025-0{1 + i % 3}-0{1 + i % 9}T10:00:00Z", "service": service, "level": level,
                         "detail": {"attempt": i}})
             for i, (service, level) in enumerate([("billing", "ERROR"), ("billing", "INFO"), ("search", "ERROR")] * 5)]
    context = "\n".join(lines)
    assert table_answers.answer(context, "How many ERROR events did the billing service log?").answer == "5"
    assert table_answers.answer(context, "How many errors did the billing service log?").answer == "5"  # a value's plural
    assert table_answers.answer(context, "How many events did the search service log in February?").answer == "0"
    assert table_answers.answer(context, "How many ERROR events were logged in March 2025?").answer == "5"  # the 3rd of each three
    assert table_answers.answer("{not json\n" + context, "How many ERROR events did the billing service log?") is None


def test_a_small_roots_first_reading_over_a_table_is_what_code_read():
    question = "Which city has the largest total amount?"
    template, _ = first_reading.choose(True, True, CSV, question, lambda: True)
    assert template == first_reading.TABLE
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(replies=[], name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run(CSV, question)
    assert result.answer == "Osaka"
    shown = root.calls[0][-1]["content"]
    assert "total amount by city, most first:\n  Osaka: 344\n  Oslo: 38\n  Lagos: 25\nOsaka\n" in shown
    assert sub.calls == []  # nothing read by a model


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_count_table_in_the_repl(sandbox):
    code = 'print(count_table("How many orders did Silva place?").answer)\nprint(count_table("Who is Silva?"))'
    root = ScriptedModel(replies=[block(code), block('FINAL("done")')], name="scripted")
    RLM(root, profile="default", sandbox=sandbox).run(CSV, "Tell me about Silva.")
    assert "3\nNone" in root.calls[1][-1]["content"]


STAFF = "id,name,manager_id,team\n" + "\n".join(
    f"{i},{name},{boss},{team}" for i, (name, boss, team) in enumerate(
        [("Ada Quist", "", "Board"), ("Bo Lind", 0, "Sales"), ("Cy Moss", 1, "Sales"), ("Di Park", 2, "Sales"),
         ("Ed Ruiz", 1, "Ops"), ("Fay Oh", 4, "Ops"), ("Gus Tam", 4, "Ops"), ("Hal Ng", 0, "Ops"), ("Ivy Ek", 7, "Ops"),
         ("Jo Abe", 7, "Sales"), ("Kit Fox", 3, "Sales"), ("Lu Wei", 3, "Sales")]))


@pytest.mark.parametrize("question, answer, hops", [
    ("Who is Kit Fox's manager?", "Di Park", 1),  # manager_id holds the id column's keys: the row it names
    ("Who is the manager of Kit Fox's manager?", "Cy Moss", 2),  # the column named twice: two rows on
    ("Who is the manager of the manager of Lu Wei's manager?", "Bo Lind", 3),
    ("What is the team of Ivy Ek?", "Ops", 0),  # a column of no keys: the cell
])
def test_a_column_holding_another_columns_keys_is_followed_to_the_row_it_names(question, answer, hops):
    found = table_answers.answer(STAFF, question)
    assert found is not None and found.answer == answer
    assert found.facts.count("\n  ") == (hops + 1 if hops else 0)  # each row on the way is shown
    # A column of several words names it once where they stand together: "report to" is reports_to once.
    names = [line.split(",")[1] for line in STAFF.splitlines()[1:]]
    reports = "name,reports_to\n" + "\n".join(f"{line.split(',')[1]},{names[int(b)] if (b := line.split(',')[2]) else ''}"
                                              for line in STAFF.splitlines()[1:])
    assert table_answers.answer(reports, "Who does Kit Fox report to?").answer == "Di Park"


NOTES = {f"notes/{k:02d}.md": f"---\ntitle: Note {k}\nauthor: {['Lee', 'Mira', 'Sam'][k % 3]}\n"
         + (f"tags: [{['urgent', 'draft', 'finance'][k % 4 % 3]}, ops]" if k % 2 else f"tags:\n  - {['hr', 'urgent'][k % 4 // 2]}")
         + f"\n---\n\nBody of note {k}, about {['budgets', 'hiring', 'outages'][k % 3]}." for k in range(14)}


def test_a_value_standing_as_the_questions_verb_is_not_a_condition():
    issues = "\n".join(json.dumps({"id": i, "opened_by": ["ana", "li"][i % 2], "state": ["open", "closed"][i % 3 % 2]})
                       for i in range(30))
    assert table_answers.answer(issues, "How many issues did ana open?").answer == "15"  # open: what ana did
    assert table_answers.answer(issues, "How many open issues did ana file?").answer == "10"  # 0, 2, 6, ...: the state


@pytest.mark.parametrize("question, answer", [
    ("How many notes did Sam write?", "4"),  # 2, 5, 8, 11
    ("How many notes are tagged urgent?", "6"),  # a list cell holds each of its items: 2, 3, 6, 7, 10, 11 (two ways)
    ("Which notes written by Lee are tagged urgent?", "Note 3, Note 6"),  # the rows' titles
    ("Which authors wrote notes tagged hr?", "Lee, Mira, Sam"),  # 0, 4, 8, 12: the column the noun names
])
def test_a_directory_of_notes_with_front_matter_is_a_table_of_their_keys(question, answer):
    found = table_answers.answer(NOTES, question)
    assert found is not None and found.answer == answer
    assert "columns: path, title, author, tags" in found.facts


def test_who_has_the_nth_highest_value_is_the_rows_name():
    pay = "employee,team,salary\n" + "\n".join(f"{name},{['Ops', 'Dev'][i % 2]},{salary}" for i, (name, salary) in enumerate(
        zip(["Ines", "Omar", "Yuki", "Ade", "Bo", "Cy", "Di", "Ed", "Fay", "Gus", "Hal", "Ivy"],
            [52000, 91000, 77000, 64000, 99000, 58000, 83000, 71000, 60000, 95000, 56000, 69000])))
    assert table_answers.answer(pay, "Who has the second highest salary?").answer == "Gus"  # 99000 Bo, then 95000
    assert table_answers.answer(pay, "Who has the lowest salary in Dev?").answer == "Cy"  # Dev: 91000, 64000, 58000, ...
    assert table_answers.answer(pay, "What is the second highest salary?").answer == "95000"
    # "Who" is the column of names, not the first of a value per row: the customer, not the order's id.
    assert table_answers.answer(CSV, "Who has the largest amount?").answer == "Tanaka"
    assert table_answers.answer(CSV, "Who placed the second smallest order to Lagos?").answer == "Tanaka"  # 1.5, then 2


REVENUE = "year,quarter,revenue\n" + "\n".join(f"{y},Q{q},{100 * q + (50 if y == 2024 else 0)}" for y in (2022, 2023, 2024)
                                               for q in range(1, 5))  # 2023: 1000; 2024: 1200


@pytest.mark.parametrize("question, answer", [
    ("By what percentage did total revenue change from 2023 to 2024?", "20%"),
    ("How much did revenue grow from 2023 to 2024?", "200"),
    ("How much did revenue increase between Q1 and Q2?", "300"),  # 100 a year in each of the three years
    ("By what percentage did revenue change from 2023 to 2025?", None),  # 2025: no such row
    ("How many revenue figures changed from Q1 to Q2?", None),  # a count, not how much a total changed
])
def test_the_change_of_a_total_from_one_value_of_a_column_to_another(question, answer):
    found = table_answers.answer(REVENUE, question)
    assert (found and found.answer) == answer


CITIES = ["Lisbon", "Porto", "Braga"]
CUSTOMERS = "customer,city\n" + "\n".join(f"C{i},{CITIES[i % 3]}" for i in range(12))
SALES = "sale,customer,amount\n" + "\n".join(f"S{i},C{i % 12},{10 * (i % 7 + 1)}" for i in range(30))
TOTALS = {city: sum(10 * (i % 7 + 1) for i in range(30) if CITIES[i % 12 % 3] == city) for city in CITIES}


@pytest.mark.parametrize("question, answer", [
    ("What is the total amount of sales to customers in Lisbon?", str(TOTALS["Lisbon"])),  # by the sale's customer
    ("How many customers are in Porto?", "4"),  # customers.csv alone: its name, no number column named
    ("Which city has the largest total amount?", max(TOTALS, key=TOTALS.get)),
])
def test_a_directory_of_tables_is_read_as_the_one_asked_about_joined_with_those_it_refers_to(question, answer):
    found = table_answers.answer({"data/customers.csv": CUSTOMERS, "data/sales.csv": SALES}, question)
    assert found is not None and found.answer == answer
    assert "of the directory's 2 tables" in found.facts


def test_a_tables_passages_are_its_rows_with_their_columns_names_and_the_row_a_whole_name_picks():
    people = [("Cyra Okoro", "Ivo Weber"), ("Cyra Ruiz", "Bo Sato"), ("Dev Okoro", "Ana Lund"), ("Fay Okoro", "Bo Sato")]
    people += [(f"{a} {b}", "Ana Lund") for a in ("Gus", "Hana", "Jun", "Emil", "Tor", "Kai") for b in ("Costa", "Weber", "Sato")]
    staff = "\n".join(["name,title,reports_to", "Ana Lund,Director,", "Ivo Weber,Director,", "Bo Sato,Director,"]
                      + [f"{name},Analyst,{boss}" for name, boss in people])
    texts = [p.text for p in evidence.gather(staff, "Who is Cyra Okoro's supervisor?")]
    assert "name: Cyra Okoro; title: Analyst; reports_to: Ivo Weber" in texts  # the column says what the cell is
    # One text: the rows holding a word of the name but not all of it are about others.
    assert not any("Cyra Ruiz" in t or "Dev Okoro" in t for t in texts)
    # The row it names is one row, but its name is no answer to a question about it: the reader's.
    assert table_answers.answer(staff, "Who is Cyra Okoro's supervisor?") is None


INI = "\n\n".join(f"[worker-{i:03d}]\nqueue = {['mail', 'billing'][i % 2]}\ntimeout = {[5, 30, 60][i % 3]}\nport = {8000 + i}"
                  for i in range(30))
XML = "<inventory>\n" + "\n".join(f'  <product id="P{100 + i}">\n    <title>Item {i}</title>\n    <price>{10 * i}</price>\n'
                                 f'  </product>' for i in range(30)) + "\n</inventory>"
YAML = "\n".join(f"app-{i:02d}:\n  image: app:{i}\n  replicas: {i % 4 + 1}\n  resources:\n    cpu: 1\n  port: {7000 + i}"
                 for i in range(30))


@pytest.mark.parametrize("context, question, answer", [
    (INI, "How many workers have a timeout of 30?", "10"),  # a number column set equal to a number
    (INI, "How many workers on the mail queue have a timeout of 60?", "5"),  # i even and i % 3 == 2
    (INI, "Which worker is configured to listen on port 8017?", "worker-017"),  # one row picked: its name
    (XML, "How many products have a price above 200?", "9"),  # 210 ... 290
    (XML, "What is the price of P105?", "50"),
    (YAML, "How many replicas does app-07 run?", "4"),  # the counted noun is a number column: its cell, not 1 row
    (YAML, "Which app uses port 7012?", "app-12"),
])
def test_a_text_of_blocks_is_a_table_of_a_row_per_block(context, question, answer):
    found = table_answers.answer(context, question)
    assert found is not None and found.answer == answer
    assert "a row each" in found.facts  # the shape says the blocks were read as rows


def test_prose_or_code_is_no_table_of_blocks():
    prose = "\n".join(["Introduction:", "  This guide explains the tool.", "Usage: run it."] * 20)
    assert tables.parse(prose) is None
    assert tables.parse("def f():\n    x = 1\n    return x\n" * 20) is None


def test_a_list_of_documents_with_header_lines_is_a_table_of_their_headers():
    senders = ["kim@corp.example"] * 5 + ["ravi@corp.example"] * 7 + ["ole@corp.example"] * 3
    mails = [f"From: {who}\nTo: team@corp.example\nSubject: {['Budget', 'Lunch'][i % 2]}\n\nSee you Thursday."
             for i, who in enumerate(senders)]
    found = table_answers.answer(mails, "Who sent the most e-mails?")
    assert found is not None and found.answer == "ravi@corp.example"  # From: To is one address for all, no one's
    assert table_answers.answer(mails, "How many e-mails did kim@corp.example send about the Budget?").answer == "3"
    assert tables.parse(["Just a note.", "Another note."] * 10) is None  # no header lines: no table


def test_a_json_array_of_objects_is_a_table():
    users = json.dumps([{"id": i, "role": ["admin", "viewer", "viewer"][i % 3], "active": i % 2 == 0} for i in range(30)],
                       indent=2)
    assert table_answers.answer(users, "How many users have the role admin?").answer == "10"
    wrapped = json.dumps({"users": json.loads(users)})  # an object holding one array
    assert table_answers.answer(wrapped, "How many users have the role admin?").answer == "10"
    assert tables.parse(json.dumps({"host": "a", "port": 1})) is None  # a config: no array of objects


def test_the_oldest_youngest_latest_or_earliest_row_is_named():
    staff = "name,team,birth_year\n" + "\n".join(f"{n},{t},{y}" for n, t, y in [
        ("Ari", "Ops", 1971), ("Bela", "Dev", 1958), ("Cato", "Ops", 1990), ("Dara", "Dev", 2001), ("Enzo", "Ops", 1958),
        ("Fenna", "Sales", 1983), ("Gil", "Dev", 1966), ("Hedda", "Ops", 1999), ("Ilse", "Sales", 1977), ("Joris", "Dev", 1988)])
    found = table_answers.answer(staff, "Who is the oldest employee?")
    assert found.answer == "Bela, Enzo" and "2 rows tied" in found.facts  # both born 1958: the earliest birth year
    assert table_answers.answer(staff, "Who is the youngest person in the Ops team?").answer == "Hedda"  # 2001 is Dev's
    aged = "name,age\n" + "\n".join(f"P{i},{20 + i * 7 % 31}" for i in range(12))
    assert table_answers.answer(aged, "Who is the oldest member?").answer == "P4"  # an age column: the largest, 48
    notes = {f"notes/n{i:02d}.md": f"---\ntitle: Note {i}\ndate: 2025-0{1 + i % 9}-1{i % 10}\n---\n\nText." for i in range(12)}
    assert table_answers.answer(notes, "Which note was written most recently?").answer == "Note 8"  # 2025-09-18
    assert table_answers.answer(notes, "What is the earliest note?").answer == "Note 0"
    assert table_answers.answer(staff, "Who is the richest employee?") is None  # no column it ranks by


def test_a_measure_defined_as_one_number_column_times_another():
    stock = "sku,city,unit_price,quantity\n" + "\n".join(f"S{i},{['Lagos', 'Oslo'][i % 2]},{1 + i},{i % 4}" for i in range(12))
    total = sum((1 + i) * (i % 4) for i in range(12))  # 0 + 2 + 6 + 12 + 0 + 6 + 14 + 24 + 0 + 10 + 22 + 36 = 132
    found = table_answers.answer(stock, "What is the total value of the stock, counting each product's unit price times its quantity?")
    assert found is not None and found.answer == str(total) == "132"
    assert "unit_price × quantity (the question's 'stock' taken as naming it)" in found.facts
    lagos = table_answers.answer(stock, "What is the total of unit price multiplied by quantity for Lagos?")
    assert lagos.answer == "42" and "city = Lagos" in lagos.facts  # rows 0, 2, ..., 10: 0 + 6 + 0 + 14 + 0 + 22
    assert table_answers.answer(stock, "What is the total of sku times city?") is None  # no number columns


def test_a_change_from_one_period_to_another_and_the_group_at_a_place():
    sales = "sold_on,amount\n" + "\n".join(f"2024-0{3 + i % 2}-1{i % 9},{10 + i}" for i in range(20))
    march, april = sum(10 + i for i in range(0, 20, 2)), sum(10 + i for i in range(1, 20, 2))  # 190 and 200
    found = table_answers.answer(sales, "By what percentage did total sales change from March 2024 to April 2024?")
    assert found.answer == f"{round(100 * (april - march) / march, 2)}%" == "5.26%"
    assert "total amount with sold_on in March 2024: 190" in found.facts
    assert table_answers.answer(sales, "How much did sales grow from March to April?").answer == "10"
    # A change in percent is no share of rows: "by what percentage did sales grow in April?" is left to the reader.
    assert table_answers.answer(sales, "By what percentage did sales grow in April 2024?") is None
    assert table_answers.answer(CSV, "Which city has the second most orders?").answer == "Oslo"  # 5, 4, 3
    # Okafor 4, Tanaka 3, Silva 3: the third place is Silva's, tied with Tanaka's.
    assert table_answers.answer(CSV, "Which customer placed the third most orders?").answer == "Tanaka, Silva (tied)"


def test_values_counted_by_how_many_different_values_of_another_column_their_rows_hold():
    # Okafor: Lagos, Oslo, Osaka; Tanaka: Osaka, Oslo, Lagos; Silva: Lagos, Osaka, Oslo; Van der Berg and Moreau: one.
    assert table_answers.answer(CSV, "How many customers placed orders in more than one city?").answer == "3"
    assert table_answers.answer(CSV, "Which customers ordered in only one city?").answer == "Van der Berg, Moreau"
    assert table_answers.answer(CSV, "How many customers ordered in at least two cities in 2024?").answer == "3"


def test_a_nested_objects_keys_are_columns_of_their_own():
    events = "\n".join(json.dumps({"id": i, "user": {"name": f"u{i % 5}", "country": ["Canada", "Chile"][i % 3 == 0]}})
                       for i in range(30))
    found = table_answers.answer(events, "How many events came from users in Canada?")
    assert found is not None and found.answer == "20" and "user.country = Canada" in found.facts


def test_comparisons_of_two_columns_list_items_missing_cells_and_rows_per_month():
    towns = "town,population,area\n" + "\n".join(f"T{i},{10000 * i},{40 * (i % 5)}" for i in range(12))
    # population > 50000: T6-T11; of them area < 100 (i % 5 in 0, 1, 2): T6, T7, T10, T11
    found = table_answers.answer(towns, "How many towns have a population over 50000 and an area under 100?")
    assert found.answer == "4" and "population > 50000 and area < 100" in found.facts
    posts = json.dumps([{"id": i, "tags": ["go", "sql"][: 1 + i % 2] + (["rust"] if i % 3 == 0 else [])} for i in range(12)])
    assert table_answers.answer(posts, "Which tag is used on the most posts?").answer == "go"  # 12, sql 6, rust 4
    jobs = "\n\n".join(f"[job-{i}]\nowner = ops" + (f"\ntimeout = {i}" if i % 4 else "") for i in range(12))
    assert table_answers.answer(jobs, "Which jobs have no timeout set?").answer == "job-0, job-4, job-8"
    spread = "placed_on,amount\n" + "\n".join(f"2024-{1 + i % 3:02d}-0{1 + i % 5},{i}" for i in range(12))
    per_month = table_answers.answer(spread, "On average, how many orders were placed per month?")
    assert per_month.answer == "4" and "over the 3 months from 2024-01-01" in per_month.facts


def test_different_values_per_group_a_quoted_word_in_a_column_and_nested_item_lists():
    # North has the most orders (3 customers), South the most different customers (5).
    orders = "order_id,customer,region\n" + "\n".join(f"O-{i},N{i % 3},North" for i in range(20)) + "\n" + \
        "\n".join(f"O-{20 + i},S{i % 5},South" for i in range(10))
    found = table_answers.answer(orders, "Which region has the most different customers?")
    assert found.answer == "South" and "different customer by region" in found.facts
    assert table_answers.answer(orders, "Which region has the most orders?").answer == "North"
    # Different values of no column: not the rows counted per group.
    assert table_answers.answer(orders, "Which region has the most different suppliers?") is None
    products = "sku,name,price\n" + "\n".join(f"P{i},{['Steel hook', 'Oak shelf', 'Stainless steel rail', 'Steelcase'][i % 4]},{i}"
                                               for i in range(16))
    found = table_answers.answer(products, "How many products have 'steel' in their name?")
    assert found.answer == "8" and "name holding 'steel'" in found.facts  # the word whole: not "Steelcase"
    assert table_answers.answer(products, "How many products whose name contains the word \"oak\" cost more than 5?").answer == "2"  # P9, P13
    baskets = "\n".join(json.dumps({"order": f"B-{i}", "customer": f"C{i % 4}",
                                    "items": [{"sku": f"S{k}", "qty": k + 1} for k in range(1 + i % 3)]}) for i in range(12))
    # Items per order: 1, 2, 3 (qty 1; 1+2; 1+2+3), four times: 4 * (1 + 3 + 6) units over 24 items.
    found = table_answers.answer(baskets, "How many units were ordered in total across all orders?")
    assert found.answer == "40" and "a row each (24 rows" in found.facts
    assert table_answers.answer(baskets, "How many orders are there?").answer == "12"  # still a row per order


def test_the_row_of_the_largest_rise_over_the_row_before():
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    visitors = [100, 180, 170, 400, 390, 420, 430, 440, 450, 460, 470, 480]  # rises: +80, -10, +230, -10, +30, +10 ...
    table = "| Month | Visitors |\n|---|---|\n" + "\n".join(f"| {m} | {v} |" for m, v in zip(months, visitors))
    report = "A report.\n\n## Visitors\n\n" + table + "\n\nMore prose."
    found = table_answers.answer(report, "In which month did the number of visitors rise the most over the month before?")
    assert found is not None and found.answer == "April" and "April: +230" in found.facts
    assert table_answers.answer(report, "Which month saw the biggest drop from the previous month?").answer == "March and May (tied at -10)"
    # The largest value is no rise: without "before" the question is another.
    assert table_answers.answer(report, "In which month did visitors rise the most?") is None or \
        table_answers.answer(report, "In which month did visitors rise the most?").answer != "April"


def test_a_range_rows_per_value_a_share_within_a_group_and_list_lengths():
    prices = "sku,name,price\n" + "\n".join(f"K{i},lamp {i},{10 + (i * 37) % 90}" for i in range(40))  # 10 .. 99
    found = table_answers.answer(prices, "What is the difference between the highest and the lowest price?")
    assert found.answer == "89" and "range (largest less smallest)" in found.facts
    assert table_answers.answer(prices, "What is the 90th percentile of the price?").answer == "89.4"
    orders = "order_id,customer,city,amount\n" + "\n".join(f"O-{i},C{i % 7},{['Oslo', 'Lima', 'Pune'][i % 3]},{10 + i * 3}"
                                                           for i in range(60))
    found = table_answers.answer(orders, "What is the average number of orders per customer?")
    assert found.answer == "8.57" and "over 7 different customer values" in found.facts  # 60 / 7
    # "how much did each ... spend?": the amounts, not the rows, per customer (before: the rows counted)
    assert table_answers.answer(orders, "How much did each city spend?").answer == "Pune: 2030, Lima: 1970, Oslo: 1910"
    assert table_answers.answer(CSV, "What share of Okafor's orders were over 7?").answer == "50%"  # 2 of Okafor's 4
    # Oslo's 20 orders (amounts 10, 19, ... 181), 9 of them above 100: the share of Oslo's, not of all 60.
    found = table_answers.answer(orders, "What percentage of the orders from Oslo were above 100?")
    assert found.answer == "45%" and "9 of the 20 rows with city = Oslo" in found.facts
    assert table_answers.answer(orders, "What share of orders above 100 came from Oslo?").answer == "31.03%"  # 9 of 29
    assert table_answers.answer(orders, "What percentage of orders were from Oslo and above 100?").answer == "15%"
    users = json.dumps([{"user": f"u{i}", "roles": ["admin", "editor", "viewer", "billing"][: 1 + i % 4]} for i in range(20)])
    found = table_answers.answer(users, "How many users have more than two roles?")
    assert found.answer == "10" and "number of roles > 2" in found.facts
    # "at least" is a comparison, not the fewest
    assert table_answers.answer(users, "Which users have at least 4 roles?").answer == "u3, u7, u11, u15, u19"


def test_top_rows_a_running_total_sums_across_columns_equal_columns_and_days_between_dates():
    orders = "order_id,ordered_on,delivered_on,billing_city,shipping_city,amount\n" + "\n".join(
        f"O-{i},2024-02-{1 + i // 2:02d},2024-03-{1 + i % 7:02d},{['Oslo', 'Lima'][i % 2]},{['Oslo', 'Lima'][i % 3 % 2]},{100 + i}"
        for i in range(28))
    found = table_answers.answer(orders, "What is the total amount of the five largest orders?")
    assert found.answer == "625" and "the 5 largest amount: 127, 126, 125, 124, 123" in found.facts  # not every order's
    assert table_answers.answer(orders, "What is the average amount of the 3 smallest orders?").answer == "101"
    # 100 + 101 + ... : past 1000 at the tenth order (1045), placed on 2024-02-05
    found = table_answers.answer(orders, "On which date did the running total of the order amounts first exceed 1000?")
    assert found.answer == "2024-02-05" and "1,045 at row 10" in found.facts
    assert table_answers.answer(orders, "Which order brought the cumulative amount past 1000?").answer == "O-9"
    same = [i for i in range(28) if i % 2 == i % 3 % 2]
    assert table_answers.answer(orders, "How many orders were shipped to the same city they were billed to?").answer == str(len(same))
    days = [(29 - (1 + i // 2)) + 1 + i % 7 for i in range(28)]  # to the end of February (29 days in 2024), then into March
    found = table_answers.answer(orders, "On average, how many days passed between an order being placed and its delivery?")
    assert found.answer == plain(sum(days) / len(days)) and "from ordered_on to delivered_on" in found.facts
    quarters = "| Region | Q1 | Q2 | Q3 | Q4 |\n|---|---|---|---|---|\n" + "\n".join(
        f"| R{i} | {100 + i} | {200 - 3 * i} | {50 + (i * 7) % 30} | 80 |" for i in range(10))
    report = "Prose.\n\n## Sales by region\n\n" + quarters + "\n\nMore prose."
    found = table_answers.answer(report, "Which region had the largest total over all four quarters?")
    assert found.answer == "R4" and "each row's total of Q1, Q2, Q3, Q4" in found.facts  # 104 + 188 + 78 + 80
    assert table_answers.answer(report, "Which region had the largest Q1?").answer == "R9"  # a column named with a digit


def test_the_commonest_value_a_share_of_a_total_a_months_average_and_different_values_counted():
    sales = "sale_id,product,quantity\n" + "\n".join(f"T-{i},{['pen', 'pad'][i % 2]},{[1, 2, 2, 3, 5][i % 5]}" for i in range(30))
    found = table_answers.answer(sales, "What is the most common quantity sold?")
    assert found.answer == "2" and "most common quantity" in found.facts  # not the largest, 5
    tied = "sale_id,quantity\n" + "\n".join(f"T-{i},{i % 3}" for i in range(30))
    assert table_answers.answer(tied, "What is the most common quantity?") is None  # 0, 1 and 2 ten times each
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    table = "| Month | Visitors |\n|---|---|\n" + "\n".join(f"| {m} | {100 * (k + 1)} |" for k, m in enumerate(months))
    report = "Prose.\n\n## Visitors\n\n" + table + "\n\nMore."
    # July's 700 of 7,800: "in July" is a value of the Month column, "the year's" every row, "visitors" the total's
    found = table_answers.answer(report, "What percentage of the year's visitors came in July?")
    assert found.answer == "8.97%" and "700 of 7,800" in found.facts
    readings = "day,temperature\n" + "\n".join(f"2024-{1 + d // 28:02d}-{1 + d % 28:02d},{[3, 9, 14, 7][d // 28 % 4] + d % 2}"
                                              for d in range(28 * 4))
    found = table_answers.answer(readings, "Which month had the highest average temperature?")
    assert found.answer == "March" and "average temperature by the month of day" in found.facts  # not 7.95, every day's
    orders = "order_id,customer,amount\n" + "\n".join(f"O-{i},C{i % 7},{10 + i * 3}" for i in range(60))
    found = table_answers.answer(orders, "How many customers placed orders above 100?")
    assert found.answer == "7" and "different customer among them: 7" in found.facts  # not the 29 orders
    assert table_answers.answer(orders, "How many orders were placed above 100?").answer == "29"


def plain(value: float) -> str:
    return tables.plain_number(round(value, 2))


def test_every_row_is_counted_where_the_counted_noun_names_the_rows():
    table = "| Item | Count | Shelf |\n|---|---|---|\n" + "\n".join(f"| item {i} | {i % 9} | {'AB'[i % 2]} |" for i in range(14))
    report = "Some prose first.\n\n## Inventory\n\n" + table + "\n\nMore prose."
    found = table_answers.answer(report, "How many items are listed in the inventory table?")
    assert found is not None and found.answer == "14"  # the heading names the table; "listed" picks no row
    assert table_answers.answer(report, "How many items are listed in the sales table?") is None  # another table
    assert table_answers.answer(CSV, "How many customers are there?") is None  # a customer has several rows


@pytest.mark.parametrize("question, answer", [
    ("In which month were the most orders placed?", "January"),  # every row's date is in January 2024
    ("Which year had the most orders?", "2024"),  # one year only: it
])
def test_rows_grouped_by_a_part_of_their_date(question, answer):
    found = table_answers.answer(CSV, question)
    assert (found and found.answer) == answer
    spread = CSV.replace("2024-01-03", "2024-03-03").replace("2024-01-02", "2024-03-02")  # four of twelve in March
    assert table_answers.answer(spread, "In which month were the fewest orders placed?").answer == "March"


def test_a_bound_on_a_column_of_years():
    staff = "name,joined,salary\n" + "\n".join(f"P{i:03d},{2010 + i % 15},{40000 + 1000 * i}" for i in range(60))
    joined_late = [40000 + 1000 * i for i in range(60) if 2010 + i % 15 > 2020]
    found = table_answers.answer(staff, "What is the average salary of employees who joined after 2020?")
    assert found.answer == str(sum(joined_late) // len(joined_late)) and "joined > 2020" in found.facts
    assert table_answers.answer(staff, "How many employees joined before 2012?").answer == "8"
    assert table_answers.answer(staff, "How many employees joined since 2023?").answer == "8"


def test_an_equality_and_a_comparison_of_one_column_are_both_read():
    requests = "id,duration_ms\n" + "\n".join(f"R{i},{[100, 2000, 1500][i % 3]}" for i in range(30))
    found = table_answers.answer(requests, "How many requests of 2000 ms took less than 1500 ms?")
    assert found is not None and found.answer == "0"  # = 2000 and < 1500: none; the comparison is not cut with it


PRICES = "product,price_2023,price_2024\n" + "\n".join(
    f"{name},{old},{new}" for name, old, new in [("Anchor", 10, 12), ("Basket", 40, 30), ("Clamp", 20, 29), ("Dowel", 50, 51),
                                                 ("Funnel", 5, 4), ("Gasket", 60, 55), ("Hinge", 7, 9), ("Ladle", 8, 8),
                                                 ("Mallet", 30, 33), ("Rivet", 3, 3.5)])


@pytest.mark.parametrize("question, want", [
    ("Which product's price rose the most from 2023 to 2024?", "Clamp"),  # +9, though Gasket's 2023 price is highest
    ("Which product's price fell the most between 2023 and 2024?", "Basket"),
    ("Which product's price rose the least from 2023 to 2024?", "Basket"),
])
def test_a_rise_from_one_number_column_to_another_is_read_row_by_row(question, want):
    found = table_answers.answer(PRICES, question)
    assert found is not None and found.answer == want
    assert "price_2024 less price_2023, row by row" in found.facts


def test_a_ratio_or_a_mean_per_group_is_no_count_of_rows_and_is_left_to_the_roots_code():
    staff = "name,department,salary\n" + "\n".join(f"E{i},{['Ops', 'Legal'][i % 2]},{40000 + 1000 * i}" for i in range(20))
    for context, question in ((staff, "How many employees earn more than the average salary of their own department?"),
                              (PRICES, "How many times larger is the 2024 price of Dowel than that of Anchor?"),
                              (PRICES, "Which product has a 2024 price twice that of Hinge?")):
        assert table_answers.answer(context, question) is None
        assert first_reading.choose(True, True, context, question, lambda: True)[0] == first_reading.ROWS


def test_a_share_of_things_many_rows_each_is_not_read_as_a_share_of_rows():
    events = "\n".join(json.dumps({"session": f"s{i // 3}", "event": "purchase" if i % 7 == 0 else "view"}) for i in range(90))
    assert table_answers.answer(events, "What percentage of sessions include a purchase event?") is None
    orders = "order_id,city\n" + "\n".join(f"O-{i},{'Oslo' if i % 4 == 0 else 'Lima'}" for i in range(40))
    assert table_answers.answer(orders, "What percentage of the orders came from Oslo?").answer == "25%"
