"""What code read for a question and the answer it gives: what every reading settled by code returns (code_counts,
code_relations, table_answers, records, log_measures, measures, comparisons, mentions, judging), shown to the root
as its facts and then its answer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Counted:
    """What code counted for a question (`facts`, shown to the root) and the answer it gives (`answer`: an
    option's letter, or the number where the question lists no options)."""
    facts: str
    answer: str

    def __str__(self) -> str:
        return f"{self.facts}\nAnswer: {self.answer}"
