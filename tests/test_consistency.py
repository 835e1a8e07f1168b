"""consistency.choose on its own: which of K samples' answers wins, and why."""

from recursivelm.consistency import Sample, choose, normalise

DOC = "alpha\nthe vault code is 4417\nomega\n"


def answers(*given: str | None) -> list[Sample]:
    return [Sample(a) for a in given]


def test_the_majority_wins_among_answers_found_nowhere():
    choice = choose(answers("1234", "9999", "1234"), DOC)
    assert choice.winner == 0
    assert [(c.answer, c.samples, c.found) for c in choice.candidates] == [("1234", [1, 3], None), ("9999", [2], None)]


def test_an_answer_found_in_the_context_beats_a_majority_found_nowhere():
    choice = choose(answers("1234", "4417", "1234"), DOC)
    assert choice.winner == 1 and choice.candidates[0].found == "context"


def test_an_answer_found_in_its_own_samples_cell_output_counts_and_another_samples_output_does_not():
    samples = [Sample("1234", outputs=["nothing here"]), Sample("5678", outputs=["hits: 5678 at line 9"]),
               Sample("1234", outputs=["5678 again"])]
    choice = choose(samples, DOC)
    assert choice.winner == 1 and choice.candidates[0].found == "cell output"
    assert choice.candidates[1].found is None  # "1234" is in no output of the samples that gave it


def test_wordings_that_differ_only_in_case_quotes_space_or_a_period_are_one_answer():
    assert normalise(' "Paris". ') == normalise("paris") == normalise("'PARIS.'") == "paris"
    choice = choose(answers("Lyon", "paris", '"Paris".'), "no city here")
    assert choice.winner == 1 and choice.candidates[0].samples == [2, 3]


def test_a_wording_found_verbatim_finds_its_group():
    # The context says "Paris"; the group's other wording "paris." is not in it, but one wording is enough.
    choice = choose(answers("Lyon", "paris.", "Paris"), "The capital is Paris.")
    assert choice.winner == 1 and choice.candidates[0].found == "context"


def test_ties_go_to_the_earliest_sample():
    assert choose(answers("b", "a"), "").winner == 0  # one vote each, neither found
    assert choose(answers("north", "south", "south", "north"), "").winner == 0
    assert choose(answers("north", "south"), "north and south").winner == 0  # both found


def test_a_one_character_answer_proves_nothing_by_being_found():
    choice = choose(answers("7", "9", "9"), "7 is in the text")
    assert choice.winner == 1 and all(c.found is None for c in choice.candidates)


def test_samples_without_an_answer_do_not_vote_and_none_at_all_keeps_the_first():
    assert choose(answers(None, "x1", None), "").winner == 1
    choice = choose(answers(None, None, " "), DOC)
    assert (choice.winner, choice.candidates) == (0, [])


def test_any_document_of_a_list_or_a_dict_and_a_dicts_names_are_searched():
    assert choose(answers("zz", "4417"), ["nothing", DOC]).winner == 1
    docs = {"src/pkg/vault.py": "CODE = 1", "README": "see the code"}
    assert choose(answers("src/other.py", "src/pkg/vault.py"), docs).candidates[0].found == "context"
    assert choose(answers("nope", "CODE = 1"), docs).winner == 1


def test_an_error_copied_from_a_failed_cell_is_no_evidence():
    # Seen on the embedded model (codeqa, K=3): a sample answered with its cell's error, which its own cell
    # output holds verbatim, and beat the two samples that agreed on "A".
    error = "Error:\nSyntaxError: invalid syntax (line 1)\n    Error:"
    choice = choose([Sample("A"), Sample(error, outputs=[error]), Sample("A")], "no such text")
    assert choice.winner == 0
    assert [(c.answer, c.found) for c in choice.candidates] == [("A", None), (error, None)]
