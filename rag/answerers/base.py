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
    """An answer generator. Its text is checked against the evidence afterwards, whatever it is.

    `drafts` says what kind of writer it is: True for one that words answers itself (an LLM):
    its tokens are streamed as a draft, each sentence must be backed by the source it cites, and
    when nothing survives the answer falls back to evidence sentences. False for one that only
    quotes the evidence (extractive): its text is final as composed.
    """

    name: str
    drafts: bool

    def answer(self, request: Request) -> str:
        """The answer text with `[n]` markers."""
        ...

    def stream(self, request: Request) -> Iterator[str]:
        """The answer text in pieces, as it is produced."""
        ...

    def rewrite(self, question: str, history: list[str]) -> str | None:
        """A follow-up made standalone by this answerer's model, or None (no model, not needed,
        or a rewrite that failed its check): the deterministic rewrite is used then."""
        ...
