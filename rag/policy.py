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

    @staticmethod
    def margin(question: Question, cand: Candidate) -> float:
        """The highest abstain threshold at which a sentence still qualifies as an answer (0 when
        it never does): it must hold the kind of answer asked for (a date for "when", a quantity
        for "how many"), mention the thing asked about ("population" in "What is the population
        of Tehran?") and match question words the collection never mentions (or a synonym)."""
        # A date or a quantity of the right kind vouches for a paraphrase ("draft" ~ "develop").
        vouched = question.answer_type in ("date", "number", "reason") and cand.typed
        if not (cand.novel and cand.typed and cand.focus_ok and (cand.unseen_ok or vouched)):
            return 0.0
        # An answer of the asked-for kind (a date, a quantity, a cause, a name) is itself
        # evidence, so a typed question needs less word overlap than an open one.
        factor = TYPED_SUPPORT_FACTOR if question.answer_type not in ("any", "yesno") else 1.0
        return cand.support / factor

    def qualifies(self, question: Question, cand: Candidate) -> bool:
        """Whether a sentence may stand as an answer (its margin clears the threshold)."""
        margin = self.margin(question, cand)
        return margin > 0 and margin >= self.abstain_threshold

    def answer_margin(self, question: Question, candidates: list[Candidate]) -> float:
        """The highest threshold at which the best sentences still answer: what calibration
        sweeps (`evals/calibrate.py`)."""
        return max((self.margin(question, c) for c in candidates[:ABSTAIN_WINDOW]), default=0.0)

    def should_abstain(self, question: Question, candidates: list[Candidate]) -> bool:
        """Abstain unless one of the best sentences qualifies as an answer."""
        margin = self.answer_margin(question, candidates)
        return margin <= 0 or margin < self.abstain_threshold

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
