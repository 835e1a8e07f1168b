"""The numbered section a question names, read whole in its place (blocks.py, issue 12): found by its heading,
which no BM25 word names, up to the next heading of its level or above."""

import pytest

from recursivelm import blocks, evidence

POLICY = "\n".join([
    "# Records policy",
    "Intro text about the policy and who it applies to.",
    "## 1. Storage",
    "### 1.1 Rule", "Copies are retained for 30 days.",
    "### 1.2 Rule", "Copies are retained for 60 days.", "Exceptions need the owner's approval.",
    "## 2. Backups",
    "### 2.1 Rule", "Copies are retained for 180 days.",
    "3 copies are kept offsite.",  # a sentence opening with a number: no heading
    "### 2.10 Rule", "Copies are retained for 7 days.",
])
PLAIN = "\n".join(["Section 4: Leave", "Staff get 25 days of leave.", "4.1 Carry-over", "Up to 5 days carry over.",
                   "4.2 Sick leave", "Sick leave is unlimited.", "Section 5: Travel", "Economy class only."])


def lines(text, question):
    texts = text.splitlines()
    found = blocks.section(texts, question, lambda i, j: True)
    return found and [texts[i] for i in found]


@pytest.mark.parametrize("text, question, want", [
    (POLICY, "According to section 1.2, how long are copies kept?",
     ["### 1.2 Rule", "Copies are retained for 60 days.", "Exceptions need the owner's approval."]),
    (POLICY, "What does section 2.1 say about retention?",  # not 2.10; "3 copies ..." stays in it
     ["### 2.1 Rule", "Copies are retained for 180 days.", "3 copies are kept offsite."]),
    (POLICY, "What is in chapter 2?", ["## 2. Backups", "### 2.1 Rule", "Copies are retained for 180 days.",
                                       "3 copies are kept offsite.", "### 2.10 Rule", "Copies are retained for 7 days."]),
    (PLAIN, "How many days of leave does section 4 give?",
     ["Section 4: Leave", "Staff get 25 days of leave.", "4.1 Carry-over", "Up to 5 days carry over.", "4.2 Sick leave",
      "Sick leave is unlimited."]),
    (PLAIN, "What does clause 4.2 say?", ["4.2 Sick leave", "Sick leave is unlimited."]),
    (PLAIN, "What does section 9 say?", None),  # no heading holds it
    (PLAIN, "How many days of leave do staff get?", None),  # names no section
])
def test_a_section_is_its_heading_and_the_lines_up_to_the_next_heading_of_its_level(text, question, want):
    assert lines(text, question) == want


def test_gather_reads_the_named_section_whole_in_its_place():
    text = "\n".join(["Filler about the weather."] * 300) + "\n" + POLICY
    found = evidence.gather(text, "According to section 1.2, for how many days are copies retained?")
    assert [p.text for p in found] == ["### 1.2 Rule", "Copies are retained for 60 days.", "Exceptions need the owner's approval."]
    assert found[0].where == "line 306"
    # In a directory, a section ends with its file.
    files = {"a.md": POLICY.split("## 2.")[0], "b.md": "## 2. Backups\n### 2.1 Rule\nCopies are retained for 180 days."}
    assert [p.where for p in evidence.gather(files, "What does section 1.2 say?")] == ["a.md:6", "a.md:7", "a.md:8"]


INI = "\n".join(f"[svc-{i:03d}]\nhost = 10.0.0.{i}\nport = {8000 + i}\n" for i in range(300))
XML = "<catalog>\n" + "\n".join(f'  <item sku="A-{1000 + i}">\n    <name>Lamp {i}</name>\n    <price>{i}.50</price>\n  </item>'
                                  for i in range(300)) + "\n</catalog>"
YAML = "\n".join(f"svc-{i:03d}:\n  image: app:{i}\n  replicas: {i % 7}\n  port: {9000 + i}" for i in range(300))


@pytest.mark.parametrize("context, question, want", [
    # A field found by its value is read with the block it is in: the section, element or key above it.
    (INI, "Which service is configured to listen on port 8211?", "[svc-211]\nhost = 10.0.0.211\nport = 8211"),
    (YAML, "Which service runs on port 9123?", "svc-123:\n  image: app:123\n  replicas: 4\n  port: 9123"),
    # An XML element is read with its lines.
    (XML, "What is the price of the item with SKU A-1042?",
     '<item sku="A-1042">\n    <name>Lamp 42</name>\n    <price>42.50</price>'),
])
def test_a_field_is_read_with_the_block_it_is_in(context, question, want):
    assert want in [p.text for p in evidence.gather(context, question)]


def test_a_line_in_no_block_is_read_alone():
    texts = ["Intro line.", "port = 80", "  indented = 1", "[a]", "x = 1"]
    assert blocks.enclosing(texts, 1, lambda j: True) is None  # above it: a line opening nothing
    assert blocks.enclosing(texts, 2, lambda j: True) is None  # "port = 80" is a field, no key
    assert blocks.enclosing(texts, 4, lambda j: True) == 3
    assert blocks.enclosing(texts, 4, lambda j: j != 3) is None  # the section is another document's
    assert blocks.enclosing(["def f():", "    x = 1"], 1, lambda j: True) is None  # code opens no key block


BOOK = "\n\n".join(f"## Chapter {n}: Part {n}\n\nSome text about chapter {n - 1} and what came before." for n in range(1, 13))


@pytest.mark.parametrize("question, want", [
    ("How many chapters does the book have?", "12"),  # headings opening with "Chapter <n>", each number once
    ("How many chapters are there in total?", "12"),
    ("How many chapters mention the harbour?", None),  # a condition on them: the reader's
    ("How many sections does the book have?", None),  # no heading opens with "Section"
])
def test_the_parts_a_text_has_are_its_headings_numbers(question, want):
    found = blocks.parts_counted(question, BOOK.splitlines())
    assert (found and found.answer) == want


def test_a_passage_says_the_markdown_heading_it_is_under():
    manual = ("# Owner's manual\n\n## Safety\n\nKeep it dry.\n\n## Specifications\n\n"
              + "\n".join(f"Filler line {i} about the casing." for i in range(40))
              + "\nThe warranty covers parts and labour for 36 months.\n")
    found = evidence.gather(manual, "Under which heading is the warranty period given?")
    warranty = next(p for p in found if "warranty" in p.text)
    assert warranty.where == "line 49, under '## Specifications'"
    assert evidence.around(manual, warranty.where).splitlines()[-1].endswith("The warranty covers parts and labour for 36 months.")
    # A `#` line inside a paragraph, or in a file of code, is no heading.
    assert blocks.headings(["line 1", "line 2", "line 3"], ["text", "# not alone", "more"]) == [None, None, None]
    assert blocks.headings(["a.py:1", "a.py:3"], ["# comment", "x = 1"]) == [None, None]


def test_the_items_of_the_list_under_the_heading_a_question_names_are_counted():
    minutes = ("# Minutes\n\nThe board met.\n\n## Attendees\n\n" + "\n".join(f"- Person {i} ({['board', 'staff'][i % 2]})"
               for i in range(7)) + "\n\n## Decisions\n\n- Approve the budget\n- Move the meeting\n")
    found = blocks.listed_under("How many people attended the meeting?", [l for l in minutes.splitlines() if l.strip()])
    assert found is not None and found.answer == "7" and "the list under '## Attendees': 7 items" in found.facts
    assert blocks.listed_under("How many decisions were taken?", minutes.splitlines()).answer == "2"
    # A word some items hold and others do not is a condition not read here.
    assert blocks.listed_under("How many board members attended?", minutes.splitlines()) is None
