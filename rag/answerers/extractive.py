"""The `extractive` answerer: no LLM. It answers with the evidence sentences that best answer the
question, each cited, newest report first when reports from different dates disagree.
Deterministic, fast, and it cannot invent anything.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingest import containment

from ..support import Candidate
from ..types import Evidence
from .base import Request, human_date

SECOND_SENTENCE_RATIO = 0.8  # a second source must score this close to the best to be added


def _same_story(a: Evidence, b: Evidence) -> bool:
    return a.doc_id == b.doc_id or (a.group is not None and a.group == b.group)


def _strip(sentence: str) -> str:
    return sentence.strip().rstrip()


def select(request: Request) -> list[Candidate]:
    """The sentences to answer with: the best one, plus one from another report when it adds
    a different dated view (time-sensitive or conflicting sources) or more of the answer.
    """
    cands = [c for c in request.candidates if c.novel]
    if not cands:
        return []
    best = cands[0]
    evidence = request.evidence
    chosen = [best]
    for cand in cands[1:8]:
        if cand.score < SECOND_SENTENCE_RATIO * best.score:
            break
        if not cand.typed and best.typed:
            continue
        if _same_story(evidence[cand.index], evidence[best.index]):
            continue
        if containment(cand.sentence, best.sentence) >= 0.5:
            continue
        chosen.append(cand)
        break
    if len(chosen) == 2:
        newer = _newest_first(chosen, evidence)
        if request.question.wants_recent or newer != chosen:
            return newer
    elif request.question.wants_recent or request.question.answer_type in ("person", "yesno"):
        # Prefer a more recent report that answers nearly as well.
        for cand in cands[1:8]:
            if cand.score < 0.85 * best.score or not cand.typed:
                continue
            if _is_newer(evidence[cand.index], evidence[best.index]):
                return [cand, best]
    return chosen


def _is_newer(a: Evidence, b: Evidence) -> bool:
    return bool(a.published and (not b.published or a.published > b.published))


def _newest_first(chosen: list[Candidate], evidence: list[Evidence]) -> list[Candidate]:
    return sorted(chosen, key=lambda c: evidence[c.index].published or "", reverse=True)


def compose(chosen: list[Candidate], evidence: list[Evidence]) -> str:
    """Join chosen sentences with their markers; dated when their reports' dates differ."""
    dates = {evidence[c.index].published for c in chosen}
    dated = len(chosen) > 1 and len(dates) > 1 and None not in dates
    parts = []
    for pos, cand in enumerate(chosen):
        text = _strip(cand.sentence)
        end = text[-1] if text and text[-1] in ".!?" else "."
        body = text.rstrip(".!?")
        marker = f"[{cand.index + 1}]"
        if dated:
            when = human_date(evidence[cand.index].published)
            prefix = f"As of {when}: " if pos == 0 else f"Earlier, on {when}: "
            body = prefix + body
        parts.append(f"{body} {marker}{end}")
    return " ".join(parts)


class ExtractiveAnswerer:
    """Answers with cited evidence sentences; see the module docstring."""

    name = "extractive"

    def answer(self, request: Request) -> str:
        return compose(select(request), request.evidence)

    def stream(self, request: Request) -> Iterator[str]:
        yield self.answer(request)
