"""The answer policy in one place: when the evidence answers at all, which sentences may stand
as an answer, and what becomes of an answer once its citations are checked (it stands, the
evidence sentences answer instead, or the assistant abstains).

What a sentence says and how well it matches is measured in `support.py`; what the question asks
for in `question.py`; whether a sentence is backed by its source in `citations.py`. This module
only decides, from those measurements.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .citations import MARKER
from .question import Question, satisfies
from .support import Candidate
from .text import bare_word, facts, new_literals, new_terms, quantities, stated_numbers, tokens

ABSTAIN_WINDOW = 12  # best-scored sentences considered when deciding to abstain


def abstains_at(margin: float, threshold: float) -> bool:
    """Whether the best sentences' margin (`AnswerPolicy.answer_margin`) means abstaining."""
    return margin <= 0 or margin < threshold


@dataclass(frozen=True)
class Verdict:
    """What becomes of a checked answer.

    action: "answer" (the checked text stands), "fall_back" (answer with the evidence sentences
        instead) or "abstain".
    unanswering: the checked text stands by its sources but does not answer the question (it is
        reported as flagged, not shown).
    """

    action: Literal["answer", "fall_back", "abstain"]
    unanswering: bool = False


class AnswerPolicy:
    """Decisions over scored evidence sentences.

    Args:
        abstain_threshold: the fitted probability (0..1) below which no sentence may answer.
        fallback_threshold: the probability the best sentence must reach for the evidence
            sentences to answer when a model's draft failed the citation check
            (`evals/calibrate.py`).
        verify_threshold: the probability of "yes" the answerer's model must give, asked
            whether the cited sources state the answer, for the answer to stand
            (`evals/calibrate.py`).
    """

    def __init__(self, abstain_threshold: float, fallback_threshold: float = 0.0,
                 verify_threshold: float = 0.0) -> None:
        self.abstain_threshold = abstain_threshold
        self.fallback_threshold = fallback_threshold
        self.verify_threshold = verify_threshold

    @staticmethod
    def margin(question: Question, cand: Candidate) -> float:
        """The highest abstain threshold at which a sentence still qualifies as an answer: the
        fitted model's probability that it holds the answer (`ranker.py`), or 0 when it cannot
        answer at all. It cannot when it lacks the kind of answer asked for (a date for "when",
        a quantity for "how many"), says nothing beyond the question's own words, comes from
        evidence that never states what the question identifies by number ("When will version
        3.0 ...": `text.identifiers`) or itself names another of its kind ("Version 2.2.0"),
        misses the noun a question requires ("population" in
        "What is the population of Tehran?"), or misses question words the collection never
        mentions, unless it holds the asked-for kind of answer (a date vouches for a
        paraphrase: "draft" ~ "develop"). Nothing vouches for a name: "30,000 source files" of
        Chromium is no count for Firefox, which the collection never mentions. Nor does it
        answer for a name the question writes as code ("XML_StopParser") that is not in it,
        its neighbours, its paragraph or its heading: "The XMLCALL annotation was added in
        Expat 1.95.7" says nothing of XML_StopParser.

        These gates were measured against a probability threshold alone on the dev halves
        (`evals/fit.py`), and each switched off in turn on dev and held-out (docs/evals.md,
        sessions 7, 27 and, for the code names, 28): without them, real unanswerable questions
        were answered.
        """
        if not (cand.novel and cand.typed and cand.focus_ok and cand.numbers_ok
                and cand.unseen_names_ok and cand.code_ok):
            return 0.0
        # A release number vouches for nothing: documents name their own version on many
        # pages ("how to install version 2.2").
        vouched = question.answer_type not in ("any", "yesno", "version")
        if not (cand.unseen_ok or vouched):
            return 0.0
        return cand.score

    def qualifies(self, question: Question, cand: Candidate) -> bool:
        """Whether a sentence may stand as an answer (its margin clears the threshold)."""
        margin = self.margin(question, cand)
        return margin > 0 and margin >= self.abstain_threshold

    def answer_margin(self, question: Question, candidates: list[Candidate]) -> float:
        """The highest threshold at which the best sentences still answer: what calibration
        sweeps (`evals/fit.py`)."""
        return max((self.margin(question, c) for c in candidates[:ABSTAIN_WINDOW]), default=0.0)

    def should_abstain(self, question: Question, candidates: list[Candidate]) -> bool:
        """Abstain unless one of the best sentences qualifies as an answer."""
        return abstains_at(self.answer_margin(question, candidates), self.abstain_threshold)

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
        claims = MARKER.sub("", text)
        if not satisfies(question, claims):
            return False
        # New words, a number the question does not hold ("$5 a gallon [1].", "You can have
        # one mutable reference at a time [1]."), or a literal ("The default mode is 'w+b'
        # [1].", "... is `--test-threads` [1].").
        asked = " ".join([question.text, *question.terms])  # with a follow-up's context terms
        return bool(new_terms(claims, asked) or quantities(claims) - quantities(question.text)
                    or new_literals(claims, question.text))

    @staticmethod
    def fallback_agrees(question: Question, draft: str, text: str) -> bool:
        """Whether evidence sentences may answer in place of a model's draft that failed the
        citation check: they must share one of the facts the draft asserted (`text.facts`: a
        number, name or code the question does not hold), when it asserted any.

        A model that read the same evidence and answered something the evidence sentences do
        not say ("The default interval ... is 10 seconds" against "The <rescan> element holds
        an <int> element which indicates the default interval") either invented it, because
        the evidence does not answer, or found it in another sentence than the one the ranking
        put first; either way the sentences are no answer to show.
        """
        draft = MARKER.sub("", draft)
        asserted = facts(draft, question.text)
        if not asserted:
            return True
        text = MARKER.sub("", text)  # its "[1]" is no number it says
        said = {bare_word(t) for t in tokens(text)} | stated_numbers(text)
        # Code agrees by all of its words the question does not hold ("expect" of
        # "Result::expect()" asked about a Result method), not by one: "FFI_BAD_ARGTYPE" shares
        # "bad" with the draft's "FFI_BAD_ALLOC", and names another thing.
        code = [words for literal in new_literals(draft, question.text, quoted=False)
                if (words := {bare_word(t) for t in tokens(literal)} & asserted)]
        if code:
            return any(words <= said for words in code)
        return bool(asserted & said)

    def stands_verified(self, verified: float | None) -> bool:
        """Whether a checked answer stands after its model judged it (`Answerer.verify`): every
        sentence is already backed by its source, word by word and in meaning; this asks
        whether what they say is the answer to the question. An answer no model judged
        (`None`) stands."""
        return verified is None or verified >= self.verify_threshold

    def judge(self, question: Question, text: str, *, drafted: bool, misbound: bool,
              confidence: float) -> Verdict:
        """What becomes of an answer once its citations are checked.

        Args:
            question: the parsed question.
            text: what survived the citation check ("" when nothing did).
            drafted: the answer was written by a model (not quoted from the evidence).
            misbound: a dropped sentence bound the question's own identifier to a fact the
                evidence gives about something else (`CitationChecker.review`).
            confidence: `answer_margin` of the evidence sentences.
        """
        unanswering = bool(text) and drafted and not self.draft_answers(question, text)
        if unanswering:
            text = ""
        # Nothing left of a draft that bound the question's own identifier to a fact about
        # something else ("Tidewater 1.x used AES-256-GCM" from a page on today's encryption):
        # the evidence holds the neighbouring fact, not the one asked for, and so would the
        # evidence sentences. A draft dropped for any other reason falls back to them.
        if not text and drafted and misbound:
            return Verdict("abstain", unanswering)
        if not text or not satisfies(question, text):
            # A model shown this evidence wrote nothing it backs that answers: itself a sign the
            # documents do not answer, so the evidence sentences need a surer best sentence.
            if drafted and confidence < self.fallback_threshold:
                return Verdict("abstain", unanswering)
            return Verdict("fall_back", unanswering)
        return Verdict("answer")
