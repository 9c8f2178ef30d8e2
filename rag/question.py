"""What a question asks for: its key terms and the kind of answer that would satisfy it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from .text import content_terms, has_date, has_number, names

AnswerType = Literal["date", "number", "person", "place", "yesno", "any"]

_AUX = re.compile(
    r"^(is|are|was|were|does|do|did|has|have|had|can|could|will|would|should|shall|may|might)\b",
    re.IGNORECASE,
)
_RECENCY = re.compile(
    r"\b(latest|now|currently|current|recent|recently|newest|most recent|still|today|as of|"
    r"at present|these days)\b",
    re.IGNORECASE,
)


@dataclass
class Question:
    """A parsed question: weighted key terms and the expected answer type."""

    text: str
    terms: dict[str, float] = field(default_factory=dict)  # stem -> weight (context terms < 1)
    answer_type: AnswerType = "any"
    wants_recent: bool = False
    names: set[str] = field(default_factory=set)
    surface: dict[str, str] = field(default_factory=dict)  # stem -> a word as written

    @property
    def key_terms(self) -> list[str]:
        return [t for t, w in self.terms.items() if w >= 1.0]


def answer_type(text: str) -> AnswerType:
    """The kind of answer a question expects, from its wording."""
    low = text.lower().strip()
    if re.search(r"\bwhen\b|\bwhat (year|date|day|month|time)\b|\bwhich (year|date|day|month)\b|"
                 r"\bsince when\b|\bhow long ago\b", low):
        return "date"
    if re.search(r"\bhow (many|much|long|old|far)\b|\bwhat (number|percentage|share|amount)\b|"
                 r"\bwhich number\b", low):
        return "number"
    if re.search(r"\bwho\b|\bwhom\b|\bwhose\b|\bwhich (person|official|president|leader|"
                 r"spokes(man|woman|person)|minister|director|head)\b", low):
        return "person"
    if re.search(r"\bwhere\b|\bin which (country|city|place)\b|\bwhich (country|city|place)\b",
                 low):
        return "place"
    if _AUX.match(low):
        return "yesno"
    return "any"


def parse(text: str, context: str | None = None) -> Question:
    """Parse a question; `context` (an earlier turn) adds its terms at a lower weight."""
    terms: dict[str, float] = {}
    surface: dict[str, str] = {}
    for word in re.findall(r"[\w'’-]+", text):
        for term in content_terms(word):
            terms[term] = 1.0
            surface.setdefault(term, word.lower())
    if context:
        for term in content_terms(context):
            terms.setdefault(term, 0.35)
    return Question(
        text=text,
        terms=terms,
        answer_type=answer_type(text),
        wants_recent=bool(_RECENCY.search(text)),
        names=names(text),
        surface=surface,
    )


def satisfies(question: Question, sentence: str) -> bool:
    """Whether a sentence holds the kind of thing the question asks for."""
    kind = question.answer_type
    if kind == "date":
        return has_date(sentence)
    if kind == "number":
        return has_number(sentence)
    if kind in ("person", "place"):
        # A name the question does not already contain.
        return bool(names(sentence) - question.names - set(question.terms))
    return True
