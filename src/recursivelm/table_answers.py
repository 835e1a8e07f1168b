"""Questions over a table (tables.py) settled by code: `count_table()` in the REPL, and the small profile's first
reading where the context is one.

A reader shown a table's passages counts the rows it was shown: over 6,000 orders, the 1.5B reader answered
"how many orders did the customer Okafor place?" with 7 (578), and "which city has the largest total order
amount?" with "City D" (bench/issue12/fresh_probe.py). Code reads every row (the rows a question picks are
table_rows.py's):

- the question's values: a cell value it names ("Okafor"), found in the column that holds it; the rows holding
  all of them are the ones asked about; of two values or more of one column ("from Lagos or Oslo"), the rows
  holding either, and with "both" ("Which customers ordered in both Lagos and Oslo?") the values of the column
  the noun names that have rows of each (before, only Lagos was read, and every Lagos customer listed: set L);
- the question's columns: a header it names ("city", "amount"; `order_id` is named by "order id");
- its comparisons of a number ("more than 100000", "under 50", "at least 3"): each of the number column named
  just before it ("a population over 50000 and an area under 100"), else of the one it names, or of the table's
  only one; a column it asks rows to lack ("which jobs have no timeout set?"): its empty cells; the rows holding the values and meeting them are the ones asked about;
- its period ("in March", "in 2024", "in March 2024", "in the first quarter of 2024", "in Q3", "in the second
  half of 2023"), span of days ("between 2024-03-01 and 2024-03-15", both days in; "before / after / since / until
  2024-03-01"; "between March and May", both months in) or days of the week ("on a weekend", "on Mondays"): of the
  table's date column (ISO dates, as CSV exports write them), the rows in it (periods.Days);
- "what is the <column> of ...?" where the values name one row: that row's cell;
- "by what percentage did sales change from March 2024 to April 2024?": a number column's total over the rows of
  one value (or one period of the date column) against another's;
- "the total value, counting each product's unit price times its quantity": the rows' products of the two
  number columns, summed (or averaged), the words around the product naming it (table_products.py);
- "how many customers placed orders in more than one city?": the values of one column by how many different
  values of another their rows hold (table_groups.spread); "which region has the most different customers?": the
  groups by their different values of that column (table_groups.grouped);
- "in which month did visitors rise the most over the month before?": each row less the row before
  (table_changes.py);
- "how many products have 'steel' in their name?": the rows whose cell of that column holds the quoted word;
- "how many units were ordered?" of JSON lines whose `items` are lists of objects: a row per item, where the
  question names a key of the items (record_tables.item_rows); a column cut short (`qty`) is named by its words;
- "who is the oldest employee?", "which note was written most recently?": the row at that extreme of a birth
  or age column, or of the date column, named (table_ranks.py);
- "how many items are in the inventory table?", "how many orders are there?": every row, where the counted noun
  names what a row is (the table's name, a column of a value per row) and no word is left unread;
- "how many ...?" is the number of those rows, or where the counted noun names a number column ("how many
  replicas ...", "how many units ..."), that column's total over them (one row's cell); "what percentage / share of ...?" their share of all rows, where
  one condition picks them; "how many different <column> ...?" the number of distinct values of that column
  among them; "what is the total / average <number column> ...?" their sum or mean (of the only number column
  where none is named: "how much did Ferreira pay in total?"); "which <column> has the most / largest / fewest
  ...?" the value of that column whose rows have the extreme count, or, where a number column is named, the
  extreme sum ("total") or mean ("average"), else sum; "which three ...", "the top 5 ...": that many values;
  "the second most": that place. Values tied with the last one named are named too, and the tie is said. A list
  column's items are each a value ("which tag is used on the most posts?").
- a value the question excludes ("not in the Sales department", "other than Novak") picks the rows without it;
  a value standing as the question's verb after "did <subject>" ("did tom open") is no condition;
- "how many more / fewer ... did A ... than B?": A's rows (or total, "how much more") less B's, or B's less A's;
- "how many ... of each <column>?", "the total <number column> per <column>": every value of it, listed;
- "on average, how many orders were placed per month?": the rows (or a total) over the months (days, weeks,
  years) from the first row's to the last's (table_groups.per_period); "the average number of orders per
  customer": over the column's different values (table_groups.per_value);
- "what percentage of the orders from Oslo were above 100?": of the rows the words before the verb pick
  (table_shares.py); "the difference between the highest and the lowest price", "the 95th percentile": a
  statistic of the column; "users with more than two roles": a list column's items counted; "the total amount
  of the five largest orders", "the region of the largest total over all four quarters" (table_ranks.py); "the
  date the running total first exceeded 20000" (table_changes.py); "the average days between ordering and
  delivery", of two date columns (table_products.py);
- "is there any / are there ... ?": yes or no, with the rows;
- "what is the median / total / average / largest <number column>?" of every row, where no word of the question
  is left that a column or value does not explain ("the average salary of engineers" is left: "engineers" is
  no column or value);
- "what is the <column> of X?" where the column holds another column's keys ("manager_id" holds ids): the row
  it names, as often as the question names the column ("the manager of X's manager"), said in X's column;
- "which <plural noun> ...?": the values of the column it names among the rows, or the rows' titles;
- "which <noun> ...?" or "who ...?" naming no column, whose conditions pick one row: that row's name;
- "in which month (year, weekday) were the most ...?": the rows grouped by that part of their date, counted or
  their total summed; "who ... the most <items>?": the rows counted per person;
- a bound on a column of years ("who joined after 2020"): table_rows.py's, as any condition.

A question none of these fits, or with a condition code here does not read (another comparison, a relative
period such as "last year", a number that is no value of the table), gets no answer here: the passages are read
as before. Nothing here knows a task.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from .counted import Counted
from .periods import MONTH_WORD, Days, days_asked
from .querywords import (AVERAGE, CHANGING, DISTINCT, HOW_MANY, HOW_MUCH, LEAST, MOST, ORDINAL, PERCENTILE, RANGE,
                         TIMES_AS, TOTAL, WHICH_MANY, asked_statistic, computed, described, ordinal)
from .table_changes import between_columns, largest_change, running_total
from .table_counts import how_many
from .table_groups import (DATE_PART, MAX_GROUPS_LISTED, SHOWN_GROUPS, by_date_part, grouped, per_group, per_period,
                           per_value, spread)
from .table_products import days_between, product
from .table_ranks import ACROSS, across_columns, ranked_row, top_rows
from .table_rows import COMPARISON, EACH, Asked, against_mean, asked_rows, unread_words
from .table_shares import share
from .tables import (PERCENT, WORD, Table, holds, named_columns, named_values, number, plain_number,
                     referred, row_names, several_named, shown_number, table_for)

NAME_SHARE = 0.9  # a column of who rows are about: its cells are capitalised words without digits this often
_FEWER = re.compile(r"\b(?:fewer|less)\b(?!\s+than\b)", re.I)  # "how many fewer ... than": the second's count less the first's
# "how many more orders did Kaur place than Novak?": the value after "than", compared with the one named first.
_THAN = re.compile(r"\b(?:more|fewer|less)\b(?!\s+than\b).*?\bthan\s+(?P<other>[^?.,;]+)", re.I)
# "is there any invoice above 4,000?", "are there orders over 500?", "does any order exceed 4000?": yes or no.
_ANY = re.compile(r"^\W*(?:(?:is|are|was|were)\s+there\b|(?:does|do|did|has|have)\s+any\b)", re.I)
# "When was the most recent order placed?", "what is the earliest date ...": the date column's extreme.
_WHEN = re.compile(r"^\W*(?:when\b|on what (?:date|day)\b|what (?:date|day)\b|which (?:date|day)\b"
                   r"|what (?:is|was) the (?:date|day) of the\b)", re.I)
_LATEST = re.compile(r"\b(?:most recent(?:ly)?|latest|last|newest)\b", re.I)
_EARLIEST = re.compile(r"\b(?:earliest|first|oldest)\b", re.I)
# "By what percentage did total revenue change from 2023 to 2024?", "how much did sales grow between Q1 and Q2?"
# ...or from one period of the date column to another: "from March 2024 to April 2024", "between Q1 and Q2".
_CHANGED_ITEM = rf"(?:(?:{MONTH_WORD})(?:\s+\d{{4}})?|q[1-4](?:\s+\d{{4}})?|[\w.-]+)"
_CHANGE = re.compile(CHANGING + rf".*?\b(?:from|between)\s+(?P<a>{_CHANGED_ITEM})\s+(?:to|and)\s+(?P<b>{_CHANGED_ITEM})\b",
                     re.I)
_HOW_MUCH_CHANGED = re.compile(r"\bhow much\b|\bby (?:what|how)\b|\bwhat (?:is|was) the (?:change|growth|increase|decrease|drop)\b"
                               r"|\bpercent", re.I)
# The second, third ... highest: which of the ranked values the answer is.
_PERSON = re.compile(r"[A-Z][^\d,;]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")  # a name, or an e-mail address
_WHO = re.compile(r"^\W*who\b", re.I)  # "who has the second highest salary?": a row's name, not the value
_MOST_OF = re.compile(r"\b(?:most|fewest|least)\s+(?:number\s+of\s+)?[\w-]+s\b", re.I)  # "the most e-mails": rows counted
_BOTH = re.compile(r"\b(?:both|each of|all of)\b", re.I)  # "in both Lagos and Oslo": rows of each value, not of either
_OWN_GROUP = re.compile(r"\b(?:average|mean|median)\b.*\b(?:their|its|his|her)\s+own\b", re.I)
_WHICH = re.compile(r"^\W*(?:which|what)\s+(?P<noun>\w+(?:\s+\w+)?)", re.I)  # "which customer placed", "which city has"


def answer(context: Any, question: str) -> Counted | None:
    """What code reads from the table for the question, and the answer it gives (kinds above); None where the
    context is no table or the question is none of those kinds."""
    table = table_for(context, question)
    if table is None or TIMES_AS.search(question) or _OWN_GROUP.search(question):
        # A ratio of two values: no count of rows. "More than the average salary of their own department": a mean per
        # group, not of every row (answered so, 38 for 42: set X).
        return None
    question = against_mean(table, question)
    if found := product(table, question) or days_between(table, question):
        return found  # "the total of unit price times quantity", "the average days between ordering and delivery"
    if found := spread(table, question):
        return found  # "how many customers ordered in more than one city?"
    if found := largest_change(table, question) or running_total(table, question) or between_columns(table, question):
        return found  # "in which month did visitors rise the most over the month before?"
    if (change := _CHANGE.search(question)) and _HOW_MUCH_CHANGED.search(question) and not HOW_MANY.search(question):
        return _changed(table, question, change)  # not "how many orders changed from pending to shipped?"
    than = _THAN.search(question)
    other = _other_value(table, than) if than else None
    if than and other is None and not COMPARISON.search(than.group()):
        return None  # "more ... than" something that is no value of the table
    if _BOTH.search(question) and (both := _in_each(table, question)):
        return both
    each = EACH.search(question)
    # "... than Novak" is read apart: the question without it picks Kaur's rows.
    cut = re.sub(r"\bthan\s*$", " ", question[:than.start("other")]) + question[than.end("other"):] if other else question
    if (part := DATE_PART.match(cut)) and table.dates is not None:
        cut = cut[:part.start("part")] + cut[part.end("part"):]  # "in which month": what is asked, not a condition
    # "the difference between the highest and the lowest price", "the 95th percentile": a statistic, no condition;
    # "over all four quarters" of a table of several number columns (Q1 ... Q4): those columns, no period
    cut = ACROSS.sub(" ", cut) if len(table.numbers) > 1 else cut
    asked = asked_rows(table, PERCENTILE.sub(" percentile ", RANGE.sub(" range of ", cut)), each)
    if asked is None:
        return None
    if other:
        return _difference(asked, question, other)
    if each:
        return per_period(asked, question, each) or per_value(asked, question, each) or per_group(asked, question, each)
    if found := ranked_row(asked, question) or across_columns(asked, question):
        return found  # "who is the oldest employee?", "which region had the largest total over all four quarters?"
    which = _WHICH.match(question.split("\n")[-1] if "\n" in question.strip() else question)
    by = [i for i in named_columns(table, which["noun"]) if i not in table.numbers and i not in asked.values] if which else []
    if _WHO.match(question) and _MOST_OF.search(question) and not asked.numbers:
        by = [i for i in [_who(table)] if i is not None]  # "who sent the most e-mails?": the rows counted per person
    if len(by) == 1 and (found := grouped(asked, by[0], question)):
        return found  # else "which department is employee E10786 in?": one row's cell, below
    part = DATE_PART.match(question) if table.dates is not None else None
    if part and bool(MOST.search(question)) != bool(LEAST.search(question)):  # "in which month were the most orders placed?"
        return by_date_part(asked, question, part[1])  # a month asked: no number of every row answers it
    distinct = DISTINCT.search(question)
    if distinct and HOW_MANY.search(question):
        kept = [i for i in named_columns(table, distinct["noun"]) if i not in asked.values]
        if len(kept) != 1:
            return None
        found = {row[kept[0]] for row in asked.rows}
        return Counted(f"{asked.shape}:\ndifferent values of {table.columns[kept[0]]}{asked.among()}: {len(found):,}",
                       str(len(found)))
    if not asked.conditions and unread_words(asked):
        return None  # "the average salary of engineers": a word no column or value explains is a condition not read
    if _ANY.match(question):
        return _any(asked)
    if _WHEN.match(question) and (dated := _dated(asked, question)):
        return dated
    if PERCENT.search(question):
        return share(asked, question)  # of all rows, or of the whole the words before the verb pick
    if HOW_MANY.search(question) and not (TOTAL.search(question) or AVERAGE.search(question)):
        return how_many(asked, question)
    return (_cell(asked) or top_rows(asked, question) or _summed(asked, question) or _extreme(asked, question, by)
            or _listed(asked, question) or _named_row(asked, question, by))


def _changed(table: Table, question: str, change: re.Match) -> Counted | None:
    """The change of a number column's total from the rows holding one value to those holding another, of one
    column ("from 2023 to 2024": the year column), or from one period of the date column to another ("from March
    2024 to April 2024"), in percent where the question asks a percentage."""
    first, second = change["a"].lower(), change["b"].lower()
    held = [i for i in range(len(table.columns))
            if {first, second} <= {row[i].lower() for row in table.rows}]
    if len(held) == 1:
        column = held[0]
        picked = [[row for row in table.rows if row[column].lower() == value] for value in (first, second)]
        said = [f"{table.columns[column]} = {change[side]}" for side in ("a", "b")]
    elif not held and table.dates is not None and all(days := [_period(change[side]) for side in ("a", "b")]):
        column = table.dates
        picked = [[row for row in table.rows if one.holds_cell(row[column])] for one in days]
        said = [f"{table.columns[column]} {one.said()}" for one in days]
    else:
        return None
    named = [i for i in named_columns(table, question) if i in table.numbers and i != column]
    others = [i for i in table.numbers if i != column]
    measure = named[0] if len(named) == 1 else others[0] if len(others) == 1 else None
    if measure is None:
        return None
    totals = [sum(c for row in rows if (c := number(row[measure])) is not None) for rows in picked]
    if not totals[0] and PERCENT.search(question):
        return None
    changed = totals[1] - totals[0]
    answer = f"{plain_number(round(100 * changed / totals[0], 2))}%" if PERCENT.search(question) else plain_number(round(changed, 2))
    facts = (f"{table.shape()}:\n"
             f"total {table.columns[measure]} with {said[0]}: {shown_number(totals[0])}\n"
             f"total {table.columns[measure]} with {said[1]}: {shown_number(totals[1])}\n"
             f"change: {shown_number(round(changed, 2))}" + (f", {answer}" if PERCENT.search(question) else ""))
    return Counted(facts, answer)


def _period(phrase: str) -> Days | None:
    """The days a phrase names as a whole period ("March 2024", "Q1 2024", "2023"); None where it names none."""
    days = days_asked(f"in {phrase}")
    return days if days and days.period and days.period.group().lower() == f"in {phrase}".lower() else None


def _other_value(table: Table, than: re.Match) -> tuple[int, str] | None:
    """The value "than" names ("how many more orders did Kaur place than Novak?": Novak), in its column."""
    found = named_values(table, than["other"])
    return next(iter(found.items())) if len(found) == 1 else None


def _cell(asked: Asked) -> Counted | None:
    """"What is the email of employee E10786?": the one row holding the values, and the column asked. Where that
    column holds keys of another column ("manager_id" holds ids), the row it names, as often as the question
    names the column ("the manager of X's manager": twice); the answer is of the column the question named X in."""
    table, rest = asked.table, asked.rest
    columns = [i for i in named_columns(table, rest) if i not in asked.values]
    if not asked.values or len(asked.rows) != 1 or len(columns) != 1 or HOW_MANY.search(rest):
        return None
    row, column = asked.rows[0], columns[0]
    shown = [table.shown(row)]
    by_key = _keys_of(table, column)
    if by_key is None:
        return Counted(f"{asked.shape}:\nthe one row with {asked.where}: {shown[0]}", row[column])
    # Each time the question names the column ("the manager of X's manager": twice); its words side by side
    # ("report to" for reports_to) name it once.
    naming = [bool(table.column_words(column) & {w.lower()}) for w in WORD.findall(rest)]
    hops = sum(named and not (i and naming[i - 1]) for i, named in enumerate(naming))
    for _ in range(max(hops, 1)):
        if row[column] not in by_key:
            return None
        row = by_key[row[column]]
        shown.append(table.shown(row))
    said = next(iter(asked.values))  # X's column: a name for a name
    facts = f"{asked.shape}:\nthe one row with {asked.where}, then the row its {table.columns[column]} names" \
            f"{f' ({hops} times)' if hops > 1 else ''}:\n" + "\n".join(f"  {line}" for line in shown)
    return Counted(facts, row[said])


def _keys_of(table: Table, column: int) -> dict[str, list[str]] | None:
    """Where `column`'s cells are keys of another column (tables.referred: an id column), the rows by key; None
    where they are not. A number column refers only to a key column whose name shares a word with its own
    (manager_id to id)."""
    cells = [row[column] for row in table.rows]
    for other in range(len(table.columns)):
        if other == column or (column in table.numbers and not table.column_words(column) & table.column_words(other)):
            continue  # small numbers (units, a count) are row numbers too; manager_id names the id column's rows
        if (by_key := referred(cells, table, other)) is not None:
            return by_key
    return None


def _summed(asked: Asked, question: str) -> Counted | None:
    """The total, average or median of the number column the question names, or of the only one ("How much did
    Ferreira pay in total?" names none), over the rows asked about."""
    numbers, measure = asked.numbers, asked.measure
    summed = numbers[0] if len(numbers) == 1 else measure if not numbers and not HOW_MANY.search(question) else None
    kind = asked_statistic(question)
    if summed is None or kind is None:
        return None
    cells = [c for row in asked.rows if (c := number(row[summed])) is not None]
    if not cells or (kind == "mode" and len(statistics.multimode(cells)) > 1):
        return None  # no cells, or no one commonest value
    value = computed(kind, cells)
    rows = f"rows with {asked.where}" if asked.where else "rows"
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; their {described(kind)} {asked.table.columns[summed]}: "
                   f"{shown_number(value)}", plain_number(value))


def _extreme(asked: Asked, question: str, by: list[int]) -> Counted | None:
    """"What was the largest single order placed by Lindqvist?": the number column's extreme among the rows; the
    second, third ... of them where the question says so; "who has ...?": the row's name (tables.row_names)."""
    most, least = bool(MOST.search(question)), bool(LEAST.search(question))
    if asked.measure is None or most == least or HOW_MANY.search(question) or by or asked_statistic(question) == "mode":
        return None  # "the most common quantity" is no largest one
    ranked = sorted(((c, row) for row in asked.rows if (c := number(row[asked.measure])) is not None),
                    key=lambda cell: cell[0], reverse=most)
    nth = ordinal(question)
    if len(ranked) < nth:
        return None
    value, row = ranked[nth - 1]
    place = f"{ORDINAL.search(question)['n'].lower()} " if nth > 1 else ""
    said = f"{place}{'largest' if most else 'smallest'} {asked.table.columns[asked.measure]}"
    rows = f"rows with {asked.where}" if asked.where else "rows"
    facts = f"{asked.shape}:\n{rows}: {len(asked.rows):,}; their {said}: {shown_number(value)}"
    names = _who(asked.table) if _WHO.match(question) else None
    if names is not None:
        shown = asked.table.shown(row)
        return Counted(f"{facts}, in the row: {shown}", row[names])
    return Counted(facts, plain_number(value))


def _listed(asked: Asked, question: str) -> Counted | None:
    """"Which customers ordered over 300?", "which notes written by Lee are tagged urgent?": the values of the
    column the plural noun names among the rows asked about, or where it names none, the rows' names (a title
    or name column, else the first column of a value per row); MAX_GROUPS_LISTED at most."""
    which = WHICH_MANY.match(question)
    if which is None or not asked.conditions or MOST.search(question) or LEAST.search(question):
        return None
    table = asked.table
    named = [i for i in named_columns(table, which["noun"]) if i not in table.numbers]
    column = named[0] if len(named) == 1 else row_names(table) if not named else None
    values = list(dict.fromkeys(row[column] for row in asked.rows)) if column is not None else []
    if column is None or len(values) > MAX_GROUPS_LISTED:
        return None
    facts = f"{asked.shape}:\nrows with {asked.where}: {len(asked.rows):,}; their {table.columns[column]}:\n" + \
        "\n".join(f"  {v}" for v in values)
    return Counted(facts, ", ".join(values) if values else f"None: no row has {asked.where}")


def _in_each(table: Table, question: str) -> Counted | None:
    """"Which customers placed orders in both Lagos and Oslo?": the values of the column the plural noun names (else
    who the rows are about) that have rows holding each of the values named of one column; how many, for "how
    many". None where no one column has two values named, or the question holds a condition code does not read."""
    several = several_named(table, question)
    which = WHICH_MANY.match(question)
    if len(several) != 1 or not (which or HOW_MANY.search(question)):
        return None
    (column, values), = several.items()
    rest = question
    for value in values:
        rest = re.sub(rf"\b{re.escape(value)}\b", " ", rest, flags=re.I)
    if asked_rows(table, _BOTH.sub(" ", rest), None) is None:
        return None
    noun = which["noun"] if which else HOW_MANY.split(question, 1)[-1]
    named = [i for i in named_columns(table, noun) if i not in table.numbers and i != column]
    by = named[0] if len(named) == 1 else _who(table) if not named else None
    if by is None or by == column:
        return None
    theirs = [{row[by] for row in table.rows if holds(table, row, column, value)} for value in values]
    kept = [v for v in dict.fromkeys(row[by] for row in table.rows) if all(v in mine for mine in theirs)]
    said = " and ".join(f"{table.columns[column]} = {value}" for value in values)
    facts = (f"{table.shape()}:\nvalues of {table.columns[by]} with rows of each of {said}: {len(kept):,}" +
             "".join(f"\n  {v}" for v in kept[:MAX_GROUPS_LISTED]))
    if HOW_MANY.search(question):
        return Counted(facts, str(len(kept)))
    if len(kept) > MAX_GROUPS_LISTED:
        return None
    return Counted(facts, ", ".join(kept) if kept else f"None: no {table.columns[by]} has rows of each of {said}")


def _named_row(asked: Asked, question: str, by: list[int]) -> Counted | None:
    """"Which service listens on port 8769?", "who earns 98000?": where the question's noun names no column and its
    conditions pick one row, that row's name (its name or title column; for "who", who it is about)."""
    which = re.match(r"^\W*which\s+\w", question, re.I)  # not "what happened to ORD-103?": a noun, not a verb
    if by or not asked.conditions or len(asked.rows) != 1 or not (which or _WHO.match(question)):
        return None
    table = asked.table
    column = row_names(table) if which else _who(table)
    if column is None:
        return None
    row = asked.rows[0]
    if row[column] in asked.values.values():
        return None  # "Who is Cyra Okoro's supervisor?": the name it asks about is no answer to it
    return Counted(f"{asked.shape}:\nthe one row with {asked.where}: {table.shown(row)}", row[column])


def _who(table: Table) -> int | None:
    """The column naming who a row is about: one called name, else the first text column of capitalised words
    without digits ("Tanaka", not "ORD-106") or of e-mail addresses, NAME_SHARE of its cells, whose cells are not all
    one (an e-mail's `To: team@...` says who of none); else the rows' names (tables.row_names)."""
    texts = [i for i in range(len(table.columns)) if i not in table.numbers and i not in table.lists and i != table.dates]
    people = [i for i in texts if sum(bool(_PERSON.fullmatch(row[i])) for row in table.rows) >= NAME_SHARE * len(table.rows)
              and len({row[i] for row in table.rows}) > 1]
    return next((i for i in people if "name" in table.column_words(i)), people[0] if people else row_names(table))


def _dated(asked: Asked, question: str) -> Counted | None:
    """"When was the most recent order placed?": the latest (or earliest) day of the date column among the rows
    asked about, as written, with its row."""
    table = asked.table
    latest, earliest = bool(_LATEST.search(question)), bool(_EARLIEST.search(question))
    if table.dates is None or latest == earliest or not asked.rows:
        return None
    row = (max if latest else min)(asked.rows, key=lambda r: r[table.dates])  # ISO dates sort as text
    shown = table.shown(row)
    rows = f"rows with {asked.where}" if asked.where else "rows"
    return Counted(f"{asked.shape}:\n{rows}: {len(asked.rows):,}; the {'latest' if latest else 'earliest'} "
                   f"{table.columns[table.dates]}: {row[table.dates]}, in the row: {shown}", row[table.dates])


def _any(asked: Asked) -> Counted | None:
    """"Is there any invoice above 4,000 euros?": whether any row meets the question's conditions, and the first
    few that do."""
    if not asked.conditions:
        return None
    shown = "\n".join("  " + asked.table.shown(row)
                      for row in asked.rows[:SHOWN_GROUPS])
    facts = f"{asked.shape}:\nrows with {asked.where}: {len(asked.rows):,}" + (f"; the first:\n{shown}" if shown else "")
    said = f"Yes: {len(asked.rows):,} row{'s' * (len(asked.rows) != 1)} with {asked.where}" if asked.rows \
        else f"No: no row has {asked.where}"
    return Counted(facts, said)


def _difference(asked: Asked, question: str, other: tuple[int, str]) -> Counted | None:
    """"How many more orders did Kaur place than Novak?", "how much more did Kaur pay than Novak?": the rows
    (or the number column's total) of the value named first, less those of the value after "than", in its
    column, under the question's other conditions."""
    column, second = other
    first = asked.values.get(column)
    if first is None or first.lower() == second.lower():
        return None
    theirs = [row for row in asked.table.rows if row[column].lower() == second.lower()
              and all(row[i].lower() == v.lower() for i, v in asked.values.items() if i != column)]
    summed = asked.numbers[0] if len(asked.numbers) == 1 else asked.measure
    if HOW_MANY.search(question):
        mine, others, unit = len(asked.rows), len(theirs), "rows"
    elif summed is not None and HOW_MUCH.search(question):
        mine, others = (sum(c for row in rs if (c := number(row[summed])) is not None) for rs in (asked.rows, theirs))
        unit = f"total {asked.table.columns[summed]}"
    else:
        return None
    name = asked.table.columns[column]
    # "how many fewer ... did Kaur place than Novak?": how many more Novak's are
    difference = others - mine if _FEWER.search(question) else mine - others
    facts = (f"{asked.shape}:\n{unit} with {asked.where}: {shown_number(mine)}\n{unit} with {name} = {second}: "
             f"{shown_number(others)}\ndifference: {shown_number(difference)}")
    return Counted(facts, plain_number(round(difference, 2)))
