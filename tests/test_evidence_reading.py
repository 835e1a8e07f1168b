"""Reading evidence before the first turn (issue 12): `evidence.gather` collects what a reader needs for a
question beyond the best BM25 lines (every line naming the rare name asked about, in other words too; the
names met beside it; a definition's body), `find()` gives it to model code, and the small profile has a
sub-call read it before the root's first turn. On the scripted model."""

import pytest

from recursivelm import RLM, Limits, ScriptedModel, evidence, first_reading, querywords, wordcounts
from recursivelm.wordcounts import Row

from conftest import block

SITES = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel"]
# A log where every site's crisis line is said in the question's words, except the one asked about.
LOG = "\n".join(
    [f"[2024-01-{d:02}] {site} Depot: the phone line to ring in a crisis is 0{d}00 1{d}1."
     for d, site in enumerate(SITES, 1) if site != "Hazel"]
    + [f"[2024-02-{d:02}] Routine inspection of the loading bay went fine." for d in range(1, 28)] * 40
    + ["[2024-03-01] Hazel Depot: the number to dial when disaster strikes is 0999 123.",
       "[2024-03-02] Hazel Depot: the goods entrance is Bay 7."]
)
QUESTION = "What is the phone line to ring in a crisis at Hazel Depot?"
PEOPLE = {
    "Ada Quorp": "Ada Quorp is a chemist born in Ostwick. In 1990, Ada founded Velk Systems.",
    "Velk Systems": "Velk Systems is a software company founded in 1990 by Ada Quorp. Its headquarters are in Brannow.",
    "Brannow": "Brannow has 50,000 people and lies on the Tessel River.",
    "Ostwick": "Ostwick sits on the Marl River.",
    **{f"Person {i}": f"Person {i} is a baker born in Calder. The Calder River is nearby." for i in range(60)},
}


def passages_text(passages):
    return "\n".join(f"[{p.where}] {p.text}" for p in passages)


def test_gather_reads_every_line_naming_the_site_asked_about_even_in_other_words():
    found = evidence.gather(LOG, QUESTION)
    text = passages_text(found)
    assert "number to dial when disaster strikes is 0999 123" in text  # no word of "phone line ... crisis"
    assert "goods entrance is Bay 7" in text  # every line naming the rare name, whatever it says
    wheres = [int(p.where.split()[1]) for p in found]
    assert wheres == sorted(wheres)  # in the text's order: a later line may correct an earlier one
    assert len(text) <= evidence.GATHER_CHARS


def test_gather_follows_a_name_met_beside_the_one_asked_about():
    question = "Which river is at the place where Ada Quorp was born?"
    assert "Marl" not in passages_text(evidence.rank(PEOPLE, question, 8))  # the bakers share more words
    text = passages_text(evidence.gather(PEOPLE, question))
    assert "[Ostwick:1] Ostwick sits on the Marl River." in text  # the hop: "born in Ostwick"
    assert text.index("[Ada Quorp:1]") < text.index("[Ostwick:1]")  # the document asked about comes first


def test_gather_follows_a_chain_of_pages_two_hops_from_the_name_asked_about():
    pages = {**PEOPLE, **{f"Town {i}": f"Town {i} is a city. The River {i} flows through the city centre." for i in range(40)}}
    question = "Which river flows through the city where the company founded by Ada Quorp has its headquarters?"
    text = passages_text(evidence.gather(pages, question))
    # Ada Quorp's page names Velk Systems ("founded"), whose page names Brannow ("headquarters"), whose
    # page names the river.
    assert "[Velk Systems:1]" in text and "[Brannow:1]" in text and "Tessel River" in text
    assert text.index("[Velk Systems:1]") < text.index("[Brannow:1]")


def test_gather_passes_over_others_who_share_a_first_name_with_the_one_asked_about():
    # Ada Quorp's namesakes: each founded a company whose page leads to another city and river.
    namesakes = {}
    for i in range(4):  # "Ada" in few units, as a name asked about is: an anchor
        namesakes[f"Ada Vintry{i}"] = (f"Ada Vintry{i} is a carpenter born in Holm{i}. Ada spent years abroad. "
                                       f"In 2001, Ada Vintry{i} founded Kest{i} Works, a company with headquarters.")
        namesakes[f"Kest{i} Works"] = f"Kest{i} Works is a company founded by Ada Vintry{i}. Its headquarters are in Pell{i}."
        namesakes[f"Pell{i}"] = f"Pell{i} is a city. The Dross{i} River flows through the city centre."
    pages = {**PEOPLE, **namesakes,
             **{f"Town {i}": f"Town {i} is a city. The River {i} flows through the city centre." for i in range(40)}}
    question = "Which river flows through the city where the company founded by Ada Quorp has its headquarters?"
    text = passages_text(evidence.gather(pages, question))
    assert "Tessel River" in text  # the chain of the one asked about: Velk Systems, Brannow, its river
    assert "Vintry" not in text and "Kest" not in text  # a unit with "Ada" but not "Quorp" is someone else's
    assert "In 1990, Ada founded Velk Systems." in text  # ...except on Ada Quorp's own page


def test_gather_reads_a_definition_with_its_body():
    code = {"pkg/a.py": "import os\n\n\nclass Reader(Base):\n    def open(self):\n        return 1\n\n    def close(self):\n"
                        "        return 2\n\n\ndef other():\n    return Reader()\n",
            "pkg/b.py": "from .a import Reader\n"}
    reader = next(p for p in evidence.gather(code, "How many methods does the class `Reader` define?")
                  if p.where == "pkg/a.py:4")
    # A class up to its first method: its methods are the outline's list, not the first few in code.
    assert reader.text == ("# outline: defined in pkg/a.py; bases Base; 2 methods defined in this class body: open, close\n"
                           "class Reader(Base):")
    other = next(p for p in evidence.gather(code, "What does the function `other` return?") if p.where == "pkg/a.py:12")
    assert other.text == "# outline: defined in pkg/a.py; 0 parameters\ndef other():\n    return Reader()"  # its body, to its end


def test_gather_reads_a_key_with_the_block_it_opens():
    services = "\n".join(f"svc-{i}:\n  image: registry/svc-{i}:1.{i}\n  replicas: {i % 7}\n  port: {8000 + i}" for i in range(60))
    yaml = services.replace("svc-17:", "payments:").replace("registry/svc-17:", "registry/payments:")
    found = evidence.gather(yaml, "How many replicas does the payments deployment run?")
    block = next(p for p in found if p.text.startswith("payments:"))
    assert block.text == "payments:\n  image: registry/payments:1.17\n  replicas: 3\n  port: 8017"  # to the next key
    assert not any(p.where == "line 70" for p in found)  # its image line: inside the block already chosen
    ini = "\n".join(f"[queue-{i}]\nhost = q{i}.internal\ntimeout = {i}" for i in range(40)).replace("[queue-9]", "[smtp]")
    section = next(p for p in evidence.gather(ini, "What is the timeout of the smtp section?") if p.text.startswith("[smtp]"))
    assert section.text == "[smtp]\nhost = q9.internal\ntimeout = 9"  # an INI section up to the next
    code = {"pkg/a.py": "def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n"}
    assert all("return 2" not in p.text for p in evidence.gather(code, "What does else return?")
               if p.where == "pkg/a.py:4")  # in a source file a colon ends code, not a key


def test_gather_of_words_the_context_lacks_is_empty():
    assert evidence.gather(LOG, "zeppelin quasar") == []


@pytest.mark.parametrize("sandbox", ["inprocess", "isolated"])
def test_find_gives_model_code_the_gathered_passages(sandbox):
    root = ScriptedModel(replies=[block('print(find("crisis line at Hazel Depot"))'),
                                  block("print(find(''))"), block('FINAL("0999 123")')], name="scripted")
    result = RLM(root, profile="default", sandbox=sandbox, limits=Limits(max_sub_calls=0)).run(LOG, QUESTION)
    assert "0999 123" in root.calls[1][-1]["content"] and "[line " in root.calls[1][-1]["content"]
    assert "find(query) takes a question or some words" in root.calls[2][-1]["content"]


def test_a_find_that_finds_nothing_is_a_miss_and_not_found_copied_from_it_is_refused_once():
    root = ScriptedModel(replies=[block('print(find("zeppelin"))'), block('FINAL("not found: no passage holds a word of: zeppelin")'),
                                  block('FINAL("0999 123")')], name="scripted")
    result = RLM(root, profile="default", sandbox="inprocess", limits=Limits(max_sub_calls=0)).run(LOG, QUESTION)
    assert 'the search for "zeppelin" matched nothing' in root.calls[1][-1]["content"]
    assert "was not taken" in root.calls[2][-1]["content"]
    assert result.answer == "0999 123"
    assert result.answer == "0999 123"


def reader(messages):
    prompt = messages[-1]["content"]
    return "0999 123" if "disaster strikes is 0999 123" in prompt else "not in these passages"


def test_beyond_one_sub_call_the_small_profile_reads_the_gathered_passages_first():
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=reader, name="sub")
    big = LOG + "\n" + "\n".join(f"Filler line {i} about the weather." for i in range(20_000))  # beyond 32K tokens
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(big, QUESTION)
    first = root.calls[0][-1]["content"]
    assert "read the passages most related to the question first" in first
    assert "reading = read(" in first and "Output:\n0999 123" in first
    assert result.answer == "0999 123"
    cells = [e for e in result.trajectory if e.type == "cell_start"]
    assert cells[0].parent is None and cells[0].iteration == 0  # the engine's cell, before any root turn
    checks = [c for c in sub.calls if c[-1]["content"].endswith("Reply yes or no.")]
    assert len(checks) > 1  # no passage said yes ("not in these passages"), so all were read together
    assert result.usage.total().calls == len(checks) + 2  # the checks, the reading and the one root turn


def test_no_reading_without_sub_calls_or_outside_the_small_profile():
    big = LOG * 30
    for profile, limits in (("small", Limits(max_sub_calls=0)), ("default", Limits())):
        root = ScriptedModel(replies=[block('FINAL("x")')], name="scripted")
        sub = ScriptedModel(respond=reader, name="sub")
        result = RLM(root, sub_model=sub, profile=profile, sandbox="inprocess", limits=limits).run(big, QUESTION)
        assert "most related to the question first" not in root.calls[0][-1]["content"]
        assert "find() gathered" not in root.calls[0][-1]["content"]
        assert result.usage.total().calls == 1


def test_a_refused_absence_claim_suggests_finding_the_questions_rarest_words():
    root = ScriptedModel(replies=[block('print(search("crisis phone at Hazel"))'), block('FINAL("not found")'),
                                  block('FINAL("0999 123")')], name="scripted")
    result = RLM(root, profile="small", sandbox="inprocess", limits=Limits(max_sub_calls=0)).run(LOG, QUESTION)
    assert evidence.rarest_words(LOG, QUESTION) == ["hazel", "phone"]  # 2 lines name Hazel; 7 say "phone"
    assert 'print(find("hazel phone"))' in root.calls[2][-1]["content"]
    assert result.answer == "0999 123"


# A digest where the answer to "how many" is a count over the whole text: 30 sentences report on the
# ferry of Dunmore, 12 on its other things, 20 on the ferry of other towns.
DIGEST = " ".join(
    [f"The ferry of Dunmore sailed on day {i}." for i in range(30)]
    + [f"Dunmore's bakery sold bread on day {i}." for i in range(12)]
    + [f"The ferry of Brimley {i} was late." for i in range(20)]
    + ["It rained for a week."] * 200
)
COUNT_QUESTION = "How many sentences report on the ferry of Dunmore?"


def test_tally_counts_sentences_holding_the_questions_name_alone_and_with_each_other_word():
    assert wordcounts.asks_count(COUNT_QUESTION) and not wordcounts.asks_count(QUESTION)
    # "The ferry of Dunmore": the question binds the word to its rarest name, and so does the text; that
    # pairing's count is the only row. Shown the name's count (42) beside it, the 1.5B reader took that.
    assert wordcounts.tally(DIGEST, COUNT_QUESTION) == [Row(("dunmore", "ferry"), 30)]  # no ferry is another name's
    # Words the question does not bind to the name: each pairing, the more specific counts first.
    rows = wordcounts.tally(DIGEST, "How many sentences name Dunmore, and how many of them the ferry?")
    assert rows == [Row(("dunmore", "ferry"), 30), Row(("dunmore",), 42)]
    assert ("dunmore", "sentences") not in [r.words for r in rows]  # a word no sentence beside the name holds
    assert wordcounts.tally(DIGEST, "How many zeppelins?") == []


def test_tally_pairs_the_name_with_the_words_of_the_sentence_that_asks_not_of_the_texts_description():
    question = "The context is a digest of ferry news.\n\nHow many sentences are about the bakery of Dunmore?"
    assert wordcounts.asking_sentence(question) == "How many sentences are about the bakery of Dunmore?"
    # "ferry" describes the text: paired with the name it would be the first row (30), above the count asked for.
    assert wordcounts.tally(DIGEST, question) == [Row(("dunmore", "bakery"), 12)]
    assert wordcounts.asking_sentence("Where is the ferry of Dunmore?") == "Where is the ferry of Dunmore?"


def test_tally_counts_apart_the_sentences_where_the_word_goes_with_another_name():
    # Sentences naming the town and the thing that report on another town's thing; "Sunday" is a name too,
    # but further from the ferry than Dunmore, and "The" starts sentences, it names nothing.
    cross = [f"Visitors from Dunmore said the ferry of Brimley was late on day {i}." for i in range(4)]
    cross += ["A reporter from Dunmore wrote that Brimley's ferry sank.", "Unlike the ferry of Brimley, the bakery of Dunmore shut."]
    sunday = ["Locals in Dunmore say their ferry closed early on Sunday."] * 3
    text = " ".join([DIGEST, *cross, *sunday])
    rows = wordcounts.tally(text, COUNT_QUESTION)
    # 39 sentences hold both; in 6 the ferry is Brimley's. Shown both counts, the 1.5B reader took the larger.
    assert rows == [Row(("dunmore", "ferry"), 33, bound=True)]
    assert wordcounts.describe(rows[0]) == "sentences holding 'dunmore' and 'ferry', with no other name nearer 'ferry': 33"
    # "news" frames the question; the text's "Bakery news from Dunmore" pairs it with the name, but the
    # question's thing is its word nearest the name, and farther words' rows are not shown.
    news = " ".join([text, *[f"Bakery news from Dunmore: it sold {i} loaves." for i in range(5)]])
    rows = wordcounts.tally(news, "How many sentences give news of the ferry of Dunmore?")
    assert rows == [Row(("dunmore", "ferry"), 33, bound=True)]
    # A question that pairs the words without binding them counts every sentence holding both.
    assert wordcounts.tally(text, "How many sentences mention both Dunmore and the word ferry?") == [
        Row(("dunmore", "ferry"), 39), Row(("dunmore",), 51)]


def test_a_word_the_question_calls_a_word_is_counted_though_written_in_lower_case():
    # "the word zarnith": a made-up word in lower case names the thing counted as surely as a capital would.
    text = " ".join(["The zarnith was seen near the harbour."] * 13 + ["It rained for a week."] * 300)
    for question in ("How many times is the word zarnith mentioned in the text?",
                     "How many times does the term 'zarnith' occur?"):
        assert "zarnith" in querywords.named_words(question)
        assert wordcounts.tally(text, question) == [Row(("zarnith",), 13)]
    assert first_reading.how_counted(text, "How many times is the word zarnith mentioned in the text?") == \
        first_reading.COUNT_IS_READING  # "word" frames the question; the count of the word alone answers it
    assert querywords.named_words("What did Tanaka's team ship?") == {"tanaka"}  # an apostrophe is no quote


def test_tally_leaves_out_a_name_every_record_holds():
    records = "\n".join(f"User: {i % 7} || Date: 2024-01-{i % 28 + 1:02} || Text: post {i}" for i in range(100))
    # "User" and "Date" are written as names, but every line holds them: they are fields, not things.
    assert wordcounts.tally(records, "How many items did the 'User' post after the 'Date'?") == []


def counter(messages):
    prompt = messages[-1]["content"]
    return "30" if "sentences holding 'dunmore' and 'ferry': 30" in prompt else "3"


def test_a_how_many_question_is_read_with_the_sentence_counts_of_the_whole_text():
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=counter, name="sub")
    big = DIGEST + " " + " ".join(f"Filler sentence {i} about the weather." for i in range(20_000))
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run(big, COUNT_QUESTION)
    first = root.calls[0][-1]["content"]
    assert "counts = tally(" in first and "read(" not in first and "sentences holding 'dunmore' and 'ferry': 30" in first
    # One count, the question's own "ferry of Dunmore": it is the reading, with no reader to miscopy it.
    assert result.answer == "30" and sub.calls == []
    # Several counts (words the question does not bind to the name): a reader picks the one asked for.
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(respond=counter, name="sub")
    question = "How many sentences name Dunmore, and how many of them the ferry?"
    result = RLM(root, sub_model=sub, profile="small", sandbox="isolated").run(big, question)
    assert len(sub.calls) == 1 and result.answer == "30"
    # Not a count question: the reading is of passages only, as before.
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    RLM(root, sub_model=ScriptedModel(respond=counter, name="sub"), profile="small", sandbox="inprocess").run(
        big, "Where did the ferry of Dunmore sail?")
    assert "tally(" not in root.calls[0][-1]["content"]


def test_the_count_of_the_name_alone_is_not_the_answer_to_a_question_about_more_than_the_name():
    # "How many items about travel did user 31821 post?": the text never writes "travel" beside the user, and
    # the user's 78 items, taken as the answer, stood for 15 (oolong seed 5 at 128K).
    said = {0: "Missed my connecting flight again.", 5: "My shares are down 3%."}  # user 31821's, by d % 10
    records = "\n".join(f"Date: Mar {d % 28 + 1:02}, 2023 || User: {31821 if d % 5 == 0 else 40000 + d} || Instance: "
                         + said.get(d % 10, "The travel blog I follow posted.") for d in range(400))
    question = "How many items about travel did user 31821 post? Answer with a number."
    assert wordcounts.tally(records, question) == [Row(("31821",), 80)]
    assert not wordcounts.answers_alone(records, question, wordcounts.tally(records, question))
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    sub = ScriptedModel(replies=["40"], name="sub")
    result = RLM(root, sub_model=sub, profile="small", sandbox="inprocess").run(records, question)
    assert "sentences holding '31821': 80" in sub.calls[0][-1]["content"] and question in sub.calls[0][-1]["content"]
    assert result.answer == "40"  # the reader's, shown the count and the question
    # Asked for the user's lines and nothing else, the count is the answer: "user" is in each of them.
    question = "How many lines are there for user 31821? Answer with a number."
    assert wordcounts.answers_alone(records, question, wordcounts.tally(records, question))


def test_a_how_many_question_is_counted_even_where_the_whole_text_fits_one_reading():
    # Reading a whole 4K-token digest, the 1.5B reader counted 0 for 26; the counts are exact.
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    result = RLM(root, sub_model=ScriptedModel(respond=counter, name="sub"), profile="small",
                 sandbox="inprocess").run(DIGEST, COUNT_QUESTION)
    assert "counts = tally(" in root.calls[0][-1]["content"] and result.answer == "30"
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    RLM(root, sub_model=ScriptedModel(respond=counter, name="sub"), profile="small", sandbox="inprocess").run(
        DIGEST, "Where did the ferry of Dunmore sail?")
    first = root.calls[0][-1]["content"]  # not a count: the passages about Dunmore are read
    assert "reading = read(" in first and "tally(" not in first and "whole_text" not in first
    # A count of things the question does not name (topics inferred from meaning) is not a tally of names;
    # the names quoted in the text's description are not what it counts.
    listing = ("The context lists items, one per line, formatted as 'Date: <date> || User: <id>'.\n\n"
               "Are there more, fewer, or the same number of items about health compared with items about finance?")
    root = ScriptedModel(replies=[block("FINAL(reading)")], name="scripted")
    RLM(root, sub_model=ScriptedModel(respond=counter, name="sub"), profile="small", sandbox="inprocess").run(
        "\n".join(f"Date: 2024-01-{i % 28 + 1:02} || User: {i} || Instance: {'I ran' if i % 9 else 'a health check'} {i}."
                  for i in range(50)),
        listing)
    assert "whole_text = context" in root.calls[0][-1]["content"] and "tally(" not in root.calls[0][-1]["content"]


def test_variables_made_by_find_and_tally_outlive_their_cell_in_the_isolated_sandbox():
    # bm25s makes (disabled) tqdm bars; tqdm's first one used to start a monitor thread that outlived the
    # cell, which restarted the worker and lost the variables.
    root = ScriptedModel(replies=[block('x = find("ferry of Dunmore")\ny = tally("How many ferry of Dunmore?")'),
                                  block("FINAL(y.splitlines()[0])")], name="scripted")
    result = RLM(root, profile="default", sandbox="isolated", limits=Limits(max_sub_calls=0)).run(DIGEST, COUNT_QUESTION)
    assert "did not stop" not in root.calls[1][-1]["content"]
    assert result.answer == "sentences holding 'dunmore' and 'ferry': 30"


def test_a_backticked_name_is_found_where_it_is_defined_and_a_rarely_defined_name_comes_first():
    code = {f"pkg/m{i}.py": f"class C{i}:\n    def __repr__(self):\n        return 'C{i}'\n" for i in range(12)}
    code["pkg/tree.py"] = "def copy_tree(src, dst, preserve_mode=1, update=0, verbose=1, dry_run=0):\n    pass\n"
    code["pkg/log.py"] = "def shutdown(handlerList=_handlerList):\n    pass\n"
    code["pkg/use.py"] = "import log\nlog.shutdown(log._handlerList[:])\n"
    index = evidence.index_for(code)
    # `shutdown` is lower case: a name only because it is in backticks, or written as a call.
    assert [index.wheres[i] for i in index._definitions("the default of `handlerList` in `shutdown`")] == ["pkg/log.py:1"]
    assert [index.wheres[i] for i in index._definitions("When shutdown() is called, what is handlerList?")] == ["pkg/log.py:1"]
    assert index._definitions("When shutdown is called, what is its list?") == []
    ranked = evidence.rank(code, "Which has more parameters: copy_tree or `__repr__`?", 3)
    assert ranked[0].where == "pkg/tree.py:1"  # defined once, ahead of a name defined in every class
    # Named with its class, the method is one definition too: the one in that class's body.
    ranked = evidence.rank(code, "Which has more parameters: copy_tree or C3.__repr__?", 3)
    assert [p.where for p in ranked[:2]] == ["pkg/m3.py:2", "pkg/tree.py:1"]


def test_the_next_hop_may_be_a_name_the_hop_before_found_beside_others():
    # Ada's page names the city too (she lived there); the company's page names it as its headquarters and a
    # second office elsewhere. The chain goes on to the headquarters, not to the one name not seen before.
    pages = {
        "Ada Quorp": "Ada Quorp is a chemist born in Ostwick. In 1990, Ada founded Velk Systems. Ada later moved to Brannow.",
        "Velk Systems": "Velk Systems is a software company founded in 1990 by Ada Quorp. Its headquarters are in "
                        "Brannow. In 1995, Velk Systems opened a second office in Dorrit.",
        "Brannow": "Brannow is a city. The Tessel River flows through the city centre.",
        "Dorrit": "Dorrit is a city. The Lune River flows through the city centre.",
        "Ostwick": "Ostwick is a city. The Marl River flows through the city centre.",
        **{f"Firm {i}": f"Firm {i} is a company whose many workshops, depots, stores and offices make, mend and sell a "
                         f"long list of household goods to buyers far and wide. Its headquarters are in Dorrit."
           for i in range(20)},
        **{f"Town {i}": f"Town {i} is a city. The River {i} flows through the city centre." for i in range(40)},
    }
    question = "Which river flows through the city where the company founded by Ada Quorp has its headquarters?"
    text = passages_text(evidence.gather(pages, question))
    # The units naming the second office's city fill the reading once that city is taken for the next hop.
    assert "[Brannow:1] Brannow is a city. The Tessel River" in text


@pytest.mark.parametrize("question, counts_text", [
    ("How many sentences report on the ferry of Dunmore?", True),
    ("How many times is the Oslo ferry mentioned?", True),
    ("What is the number of lines that name Oslo?", True),
    ("How many methods does the class `Reader` define?", False),  # inside one definition: read its passages
    ("Which function has the most parameters? Count every parameter.", False),
    ("What is the phone line at Hazel Depot?", False),
])
def test_a_question_counting_pieces_of_the_text_is_told_apart_from_one_counting_inside_a_passage(question, counts_text):
    assert wordcounts.asks_count(question) is counts_text


def test_a_name_the_context_defines_is_read_where_it_is_defined_not_where_it_is_called():
    code = {"pkg/log.py": "def shutdown(handlerList=_handlerList):\n    for h in handlerList:\n        h.close()\n",
            "pkg/config.py": "import log\n\n\ndef stop():\n    log.shutdown(log._handlerList[:])\n",
            **{f"pkg/m{i}.py": f"def f{i}(x):\n    return x + {i}\n" for i in range(30)}}
    text = passages_text(evidence.gather(code, "What is the default of the parameter `handlerList` of `shutdown`?"))
    assert "[pkg/log.py:1] # outline: defined in pkg/log.py; 1 parameter: handlerList=_handlerList\ndef shutdown(handlerList=_handlerList):\n    for h in handlerList:" in text
    assert "log.shutdown(log._handlerList[:])" not in text  # a call site: the reader took its argument


def test_a_short_document_holding_the_questions_anchor_is_gathered_whole():
    # "Who wrote the memo about the Halvorsen contract?": the author is on the memo's From: line, which holds
    # no word of the question; read alone, the contract's line gave the 1.5B reader no author.
    memos = [f"Memo {i}\nFrom: Tomas Berg\nSubject: Budget review\nPlease review the figures." for i in range(200)]
    memos[50] = "Memo 50\nFrom: Rafael Ortiz\nSubject: Contracts\nThe Halvorsen contract was signed yesterday."
    passages = evidence.gather(memos, "Who wrote the memo about the Halvorsen contract?")
    assert [p.where for p in passages if p.where.startswith("[50]")] == [f"[50] line {n}" for n in range(1, 5)]
    assert "From: Rafael Ortiz" in [p.text for p in passages]
    # A long document is not read whole: its anchor's lines are, as before.
    long_doc = {"a.txt": "\n".join(f"Line {i} of the ledger." for i in range(400)) + "\nThe Halvorsen contract was signed."}
    passages = evidence.gather(long_doc, "When was the Halvorsen contract signed?")
    assert len([p for p in passages if p.where.startswith("a.txt")]) < 50
