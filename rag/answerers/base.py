"""What every answerer does: turn a question and numbered evidence into text with `[n]` markers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Protocol

from ingest import bulleted, definition_term, introduced_block, section_label

from ..question import Question, new_names
from ..support import Candidate
from ..text import ANAPHORA, PUNCT, final_mark, human_date, in_dictionary, names, sentence_spans
from ..types import Evidence

__all__ = ["Answerer", "Request", "human_date", "in_context"]


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

    def verify(self, question: str, answer: str, sources: list[str]) -> float | None:
        """The probability (0..1) this answerer's model gives that `sources` state `answer` to
        `question`; None when it has no model to judge with (the answer stands unjudged)."""
        ...


def in_context(cand: Candidate, evidence: list[Evidence], question: Question | None = None) -> str:
    """A sentence with what it points back to, for showing it alone: the sentence before it in
    its paragraph ("It reports unknown options ..." needs "After editing, run tide config
    check."), and when that still points back, its section's label ("missing_docs: This lint is
    allowed by default. It detects items missing documentation."). A sentence that goes on
    defining a term is shown with the term ("parallel_uploads: The default is 4."), one that
    leaves its subject to its heading with the heading ("clearImmediate(immediate): Cancels an
    Immediate object."), and one that ends in a colon with the short block it introduces.
    Given the `question`, a sentence that speaks of what it asks for only by description ("the
    singer announced Monday ..." for "Which singer ...?") comes after the sentence before it
    that names it ("Adele is returning to Las Vegas.")."""
    sentence = cand.sentence.strip()
    text = evidence[cand.index].text
    block = introduced_block(text, cand.end)
    if block:
        sentence = f"{sentence} {block}"
    term = definition_term(text, cand.start)
    if term:
        return f"{term}: {sentence}"
    if cand.subject:  # "clearImmediate(immediate): Cancels an Immediate object ..."
        return cand.headed(sentence)
    if not ANAPHORA.match(sentence):
        named = _antecedent(cand, text, question) if question else None
        if named:
            return f"{named} {sentence}"
        # "... this lint is also available from rustc directly" for "Which rustdoc lint ...?":
        # the lint is the one its section is about (unless the sentence opens with the term it
        # defines: "shadow: /etc/shadow is readable by this group").
        if (question and question.focus and _points_to(sentence, question.focus)
                and not definition_term(text, cand.end - 1)):
            label = section_label(text, cand.start) or evidence[cand.index].section
            if label and label not in sentence:
                return f"{label}: {sentence}"
        return sentence
    before = [(a, b) for a, b in sentence_spans(text) if b <= cand.start]
    # A pronoun points back within its paragraph; a list item's not to the item before it
    # ("- This library is released under the MIT Licence" after "- It is written in plain C").
    if (before and "\n\n" not in text[before[-1][1]:cand.start]
            and not bulleted(sentence)):
        a, b = before[-1]
        previous = text[a:b].strip()
        if not previous.endswith(":") and len(previous) >= 12:  # a heading or label says nothing
            sentence = f"{previous} {sentence}"
    if ANAPHORA.match(sentence):
        label = section_label(text, cand.start) or evidence[cand.index].section
        if label:
            sentence = f"{label}: {sentence}"
    return sentence


def _antecedent(cand: Candidate, text: str, question: Question) -> str | None:
    """The sentence before `cand` in its section when `cand` speaks of the kind of thing the
    question asks for by a definite description ("the singer", "the country's most populous
    island") and that sentence names something `cand` does not: what the description refers to.
    """
    if (not question.focus or question.focus_required
            or question.answer_type not in ("any", "person")
            or not _describes(cand.sentence, question.focus)):
        return None
    before = [(a, b) for a, b in sentence_spans(text) if b <= cand.start]
    if not before:
        return None
    a, b = before[-1]
    previous = text[a:b].strip()
    if (not final_mark(previous) or len(previous) < 12
            or section_label(text, a) != section_label(text, cand.start)):
        # Only a whole sentence of the same section: a dateline ("Colombo, Sri Lanka CNN —"),
        # a heading or a label introduces, it does not name what the next sentence describes.
        return None
    return previous if new_names(previous, question) - names(cand.sentence) else None


def _points_to(sentence: str, focus: str) -> bool:
    """Whether a sentence speaks of "this" or "these" of the focus noun ("this lint")."""
    words = [word.lower().strip(PUNCT) for word in sentence.split()]
    return any(this in ("this", "these") and noun in (focus, f"{focus}s")
               for this, noun in pairwise(words))


def _describes(sentence: str, focus: str) -> bool:
    """Whether a sentence holds "the" + up to four plain words + the focus noun ("the wildly
    popular South Korean show", "the country's"): a thing of that kind, referred to, not named.
    A lower-case word no dictionary knows names it ("the gzip compression option"), and so does
    "X as the pattern"."""
    words = sentence.split()
    for i, word in enumerate(words):
        low = word.lower().strip(PUNCT).removesuffix("'s").removesuffix("’s")
        if low not in (focus, f"{focus}s", f"{focus}es"):
            continue
        for at in range(i - 1, max(i - 6, -1), -1):
            before = words[at]
            if before.lower() == "the":
                return at == 0 or words[at - 1].lower() != "as"
            parts = before.split("-")
            if not all(p.isalpha() and (p[0].isupper() or in_dictionary(p)) for p in parts):
                break
    return False
