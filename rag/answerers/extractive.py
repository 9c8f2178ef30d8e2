"""The `extractive` answerer: no LLM. It answers with the evidence sentences that best answer the
question, each cited, newest report first when reports from different dates disagree.
Deterministic, fast, and it cannot invent anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest import bulleted, containment, definition_term, section_label

from ..question import Question, new_names
from ..support import Candidate
from ..text import (
    FUNCTION_WORDS,
    PUNCT,
    STOPWORDS,
    content_terms,
    final_mark,
    in_dictionary,
    literals,
    split_end,
)
from ..types import Evidence
from .base import Request, human_date, in_context

SECOND_SENTENCE_RATIO = 0.8  # a second source must score this close to the best to be added
RECENT_RATIO = 0.5  # "the latest report": a newer answer this close to the best goes first
# The sentence after the best one is shown with it when it scores this close: the two are one
# passage ("Rustdoc only supports Rust source code and Markdown input formats." "If the file ends
# in .md or .markdown, rustdoc treats it as a Markdown file."). The same ratio as a second
# source's, not tuned (docs/evals.md, session 12).
PASSAGE_RATIO = SECOND_SENTENCE_RATIO
# Agreement: when a question asks for a name ("Which team ...?", "Who ...?"), a sentence whose
# names the other best sentences also give is likelier the answer than one that stands alone
# ("the Colorado Avalanche" in three reports against a quote from a rival's coach). Its score
# is raised by this weight times the share of the window's other sentences that share a name
# with it. Both were chosen on the RealTime QA dev half, best sentence alone, from weights
# 0/0.5/1/2 and windows of 5/8/12 (48 -> 53 of 105 right). End to end, held-out: RealTime QA
# 49 -> 52 of 101, rgb 18 -> 20 of 46, libdoc +1, rustbook -1 (docs/evals.md, session 24). The
# scores themselves, which abstention reads, are unchanged.
AGREEMENT_WEIGHT = 1.0
AGREEMENT_WINDOW = 8


def _same_story(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id or (a.group is not None and a.group == b.group)


def effective_date(item: Evidence) -> str | None:
    """A chunk's publish date, or the latest date of its dated duplicates."""
    return item.effective_date()


def select(request: Request) -> list[Candidate]:
    """The sentences to answer with: the best one (with the sentence after it when that scores
    nearly as well), plus one from another report when it adds a differently dated view (the
    answer changed over time, or the reports disagree).
    """
    chosen = _select(request)
    if chosen:
        follow = _continuation(chosen[0], request)
        if follow is not None and follow not in chosen:
            chosen.insert(1, follow)
    return chosen


def _continuation(best: Candidate, request: Request) -> Candidate | None:
    """The sentence right after `best` in its chunk, when it scores nearly as well."""
    later = [c for c in request.candidates if c.index == best.index and c.start >= best.end]
    follow = min(later, key=lambda c: c.start, default=None)
    if follow is None or not _follows(best, follow, request.evidence):
        return None  # the next sentence is too short to be a candidate, or there is none
    if follow.score < PASSAGE_RATIO * best.score and not _declares(best.sentence):
        return None
    text = request.evidence[best.index].text
    # A heading begins another section ("## Retention"): it continues nothing. (A best sentence
    # that is itself a heading is continued by its section's first line.)
    if section_label(text, follow.end + 2) != section_label(text, follow.start):
        return None
    if follow.sentence.strip() in in_context(best, request.evidence, request.question):
        return None  # already shown with it (the block a colon introduces)
    entry = _entry(text, best)
    if entry and _entry(text, follow) not in (None, entry):
        return None  # the next entry of a definition list ("-w, --warn: ...") defines another
    if bulleted(best.sentence) and bulleted(follow.sentence):
        return None  # the next item of a list says another thing, not the rest of this one
    return follow


def _declares(sentence: str) -> bool:
    """Whether a sentence is a declaration, code that states nothing by itself: the sentence
    after it describes what it declares ("XML_ParserFree(XML_Parser p);" / "Free memory used by
    the parser."), whatever words of the question that one lacks."""
    stripped = sentence.strip()
    return (not final_mark(stripped) and stripped.endswith((")", ");"))
            and bool(literals(stripped, quoted=False)))


def _entry(text: str, cand: Candidate) -> str | None:
    """The term whose definition a sentence belongs to ("-l, --mathlib" for "-l, --mathlib:
    Define the standard math library."), read on the sentence's first line."""
    line_end = text.find("\n", cand.start, cand.end)
    return definition_term(text, cand.end - 1 if line_end < 0 else line_end)


def _asks_for_name(question: Question) -> bool:
    """Whether the answer is someone or something named: a person, or "which X"."""
    if question.answer_type == "person":
        return True
    return question.answer_type == "any" and any(
        word.strip(PUNCT).lower() == "which" for word in question.text.split())


def _names(cand: Candidate, question: Question) -> set[str]:
    """The names a sentence gives that the question does not, without a capitalised first word
    that is an ordinary word ("Snapshots are kept ...", "Every ..."): its capital is the
    sentence's, and many sentences would agree on it."""
    found = new_names(cand.sentence, question, cand.common)
    first = cand.sentence.split(maxsplit=1)[0].strip(PUNCT).lower() if cand.sentence.strip() else ""
    if first in found and (first in STOPWORDS or first in FUNCTION_WORDS or in_dictionary(first)):
        found.discard(first)
    return found


def _agreed_first(cands: list[Candidate], question: Question) -> list[Candidate]:
    """The candidates with the one the best sentences agree on most first (`AGREEMENT_WEIGHT`)."""
    if not cands or not _asks_for_name(question):
        return cands
    window = cands[:AGREEMENT_WINDOW]
    named = [_names(c, question) for c in window]
    others = max(len(window) - 1, 1)

    def agreed(i: int) -> float:
        shared = sum(1 for j, names in enumerate(named) if j != i and names & named[i])
        return window[i].score * (1 + AGREEMENT_WEIGHT * shared / others)

    # Only among those the answer policy ranks alike: one that may stand alone (`qualified`)
    # is not overtaken by one that may not.
    alike = [i for i, c in enumerate(window) if c.qualified == window[0].qualified]
    first = window[max(alike, key=agreed)]
    return [first, *(c for c in cands if c is not first)]


def _select(request: Request) -> list[Candidate]:
    cands = _agreed_first([c for c in request.candidates if c.novel], request.question)
    if not cands:
        return []
    best = cands[0]
    evidence = request.evidence
    chosen = [best]
    for cand in cands[1:8]:
        if cand.score < SECOND_SENTENCE_RATIO * best.score:
            break
        if not cand.qualified or (not cand.typed and best.typed):
            continue
        if _same_story(evidence[cand.index], evidence[best.index]):
            continue
        if containment(cand.sentence, best.sentence) >= 0.5:
            continue
        # A second report is worth showing when it is dated differently: the answer may have
        # changed between them (or the two disagree), and the reader should see both.
        d1, d2 = effective_date(evidence[cand.index]), effective_date(evidence[best.index])
        if not d1 or not d2 or d1 == d2:
            continue
        chosen.append(cand)
        break
    if len(chosen) == 2:
        newer = _newest_first(chosen, evidence)
        if request.question.wants_recent or newer != chosen:
            return newer
    elif request.question.wants_recent or request.question.answer_type in ("person", "yesno"):
        # Prefer a more recent report that answers nearly as well; when the question asks for
        # the latest ("according to the latest report", "currently"), the newest report that
        # answers at all comes first, and the best older answer follows with its date.
        ratio = RECENT_RATIO if request.question.wants_recent else 0.85
        newer = [c for c in cands[1:8] if c.score >= ratio * best.score and c.typed
                 and c.qualified and _same_subject(c, best, request.question)
                 and _is_newer(evidence[c.index], evidence[best.index])]
        if newer:
            newest = max(newer, key=lambda c: (effective_date(evidence[c.index]) or "", c.score))
            return [newest, best]
    return chosen


def _same_subject(cand: Candidate, best: Candidate, question: Question) -> bool:
    """Whether a weaker, newer sentence answers the same thing: when the best one names the noun
    asked about ("which drones"), so must it (fighter jets are no drones)."""
    focus = content_terms(question.focus)[:1] if question.focus else []
    if not focus or focus[0] not in content_terms(best.sentence):
        return True
    return focus[0] in content_terms(cand.sentence)


def _is_newer(a: Evidence, b: Evidence) -> bool:
    da, db = effective_date(a), effective_date(b)
    return bool(da and (not db or da > db))


def _newest_first(chosen: list[Candidate], evidence: list[Evidence]) -> list[Candidate]:
    return sorted(chosen, key=lambda c: effective_date(evidence[c.index]) or "", reverse=True)


def compose(chosen: list[Candidate], evidence: list[Evidence],
            question: Question | None = None) -> str:
    """Join chosen sentences with their markers, each shown with what it refers to
    (`in_context`); dated when their reports' dates differ."""
    dates = {effective_date(evidence[c.index]) for c in chosen}
    dated = len(chosen) > 1 and len(dates - {None}) >= 1 and len(dates) > 1
    parts = []
    for pos, cand in enumerate(chosen):
        follows = pos > 0 and _follows(chosen[pos - 1], cand, evidence)
        text = cand.sentence.strip() if follows else in_context(cand, evidence, question)
        body, end = split_end(text)
        marker = f"[{cand.index + 1}]"
        if dated and not follows:
            when = human_date(effective_date(evidence[cand.index]))
            if when is None:
                prefix = "An undated report: "
            else:
                prefix = f"As of {when}: " if pos == 0 else f"Earlier, on {when}: "
            body = prefix + body
        parts.append(f"{body} {marker}{end}")
    return " ".join(parts)


def _follows(first: Candidate, second: Candidate, evidence: list[Evidence]) -> bool:
    """Whether `second` is the sentence right after `first` in the same chunk (sentence spans
    cover all of a text but the whitespace between them)."""
    return (first.index == second.index and second.start >= first.end
            and not evidence[first.index].text[first.end:second.start].strip())


class ExtractiveAnswerer:
    """Answers with cited evidence sentences; see the module docstring."""

    name = "extractive"
    drafts = False

    def rewrite(self, question: str, history: list[str]) -> str | None:
        return None

    def verify(self, question: str, answer: str, sources: list[str]) -> float | None:
        return None  # no model to judge with; its answers are the sources' own sentences

    def answer(self, request: Request) -> str:
        return compose(select(request), request.evidence, request.question)

    def stream(self, request: Request) -> Iterator[str]:
        yield self.answer(request)
