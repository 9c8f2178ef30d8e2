"""The answer policy in one place: when the evidence answers at all, which sentences may stand
as an answer, and whether a model's checked draft answers the question.

What a sentence says and how well it matches is measured in `support.py`; what the question asks
for in `question.py`; whether a sentence is backed by its source in `citations.py`. This module
only decides, from those measurements.
"""

from __future__ import annotations

import re

from .question import Question, satisfies
from .support import Candidate
from .text import content_terms

TYPED_SUPPORT_FACTOR = 0.5
ABSTAIN_WINDOW = 12  # best-scored sentences considered when deciding to abstain


class AnswerPolicy:
    """Decisions over scored evidence sentences.

    Args:
        abstain_threshold: evidence support (0..1) below which no sentence may answer.
    """

    def __init__(self, abstain_threshold: float) -> None:
        self.abstain_threshold = abstain_threshold

    def qualifies(self, question: Question, cand: Candidate) -> bool:
        """Whether a sentence may stand as an answer: it holds the kind of answer asked for (a
        date for "when", a quantity for "how many"), mentions the thing asked about
        ("population" in "What is the population of Tehran?"), matches question words the
        collection never mentions (or a close synonym), and its support clears the threshold."""
        # A date or a quantity of the right kind vouches for a paraphrase ("draft" ~ "develop").
        vouched = question.answer_type in ("date", "number", "reason") and cand.typed
        # An answer of the asked-for kind (a date, a quantity, a cause, a name) is itself
        # evidence, so a typed question needs less word overlap than an open one.
        threshold = self.abstain_threshold * (
            TYPED_SUPPORT_FACTOR if question.answer_type not in ("any", "yesno") else 1.0)
        return (cand.novel and cand.typed and cand.focus_ok and (cand.unseen_ok or vouched)
                and cand.support >= threshold)

    def should_abstain(self, question: Question, candidates: list[Candidate]) -> bool:
        """Abstain unless one of the best sentences qualifies as an answer."""
        return not any(self.qualifies(question, c) for c in candidates[:ABSTAIN_WINDOW])

    @staticmethod
    def draft_answers(question: Question, text: str) -> bool:
        """Whether a checked draft answers the question, beyond restating it.

        Every sentence left is already backed by the source it cites (its names, numbers, dates
        and quoted words are there, and its meaning is). What remains to ask is whether it
        answers: it must hold the kind of thing asked for (a date, a quantity, a new name, a
        cause) outside the question's own words, and say something the question does not.
        Which of the supported facts answers is the model's call: a concise, faithful answer
        ("They agreed in January 2022 [1].") stands, whatever else the evidence sentence held.
        """
        claims = re.sub(r"\s*\[\d+\]", "", text)
        if not satisfies(question, claims):
            return False
        return bool(set(content_terms(claims)) - set(question.terms))
