"""What every answerer does: turn a question and numbered evidence into text with `[n]` markers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol

from ..question import Question
from ..support import Candidate
from ..text import human_date
from ..types import Evidence

__all__ = ["Answerer", "Request", "human_date"]


@dataclass
class Request:
    """Everything an answerer may use. `evidence[i]` is cited as `[i + 1]`."""

    question: Question
    evidence: list[Evidence]
    candidates: list[Candidate]  # evidence sentences scored against the question, best first
    history: list[tuple[str, str]] = field(default_factory=list)  # (question, answer) turns


class Answerer(Protocol):
    """An answer generator. Its text is checked against the evidence afterwards, whatever it is."""

    name: str

    def answer(self, request: Request) -> str:
        """The answer text with `[n]` markers."""
        ...

    def stream(self, request: Request) -> Iterator[str]:
        """The answer text in pieces, as it is produced."""
        ...
