"""Deterministic metrics: retrieval, answers, citations, abstention, latency. Plain functions."""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Sequence

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
_PUNCT = set(string.punctuation) - {"%"}
# Small counts written out match their digits: "six months" answers "6".
_COUNTS = {w: str(i) for i, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty"])}
_CITATION = re.compile(r"\[\d+\]")  # an answer's "[1]" is no "1"
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_COUNT_WORD = re.compile(rf"\b({'|'.join(_COUNTS)})\b")


def normalize_answer(text: str) -> str:
    """SQuAD-style normalisation: lower case, no punctuation or articles, folded whitespace.

    Unicode is NFKC-normalised and curly quotes/dashes straightened first, and hyphens become
    spaces, so "Su-35" matches "Su 35" and "five-hour" matches "five hour"; so do slashes and
    colons (the path "<MIME>/globs2" names "globs2", "ErrorKind::NotFound" names "NotFound")
    and so do brackets of every kind ("cachegrind.out.<pid>" names "cachegrind.out"), an
    equals sign, an at sign ("npm@4.0.0" names 4.0.0) and a dot before a name
    ("os.availableParallelism()" names "availableParallelism", "clearImmediate(immediate)"
    names "clearImmediate", a signature's "width=70" names its default 70);
    counts up to twenty become digits, so "six months" matches "6"; citation markers ("[1]")
    go, so they never pass for a number the answer lacks; a possessive 's goes, so
    "Apple's iPhone" names "Apple" (plain SQuAD normalisation turns it into "apples").
    """
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTES).lower()
    text = _CITATION.sub(" ", text)
    text = _POSSESSIVE.sub("", text)
    text = re.sub(r"[-/:=@()\[\]<>{}]|(?<=\w)\.(?=[^\W\d]{2})", " ", text)
    text = "".join(ch for ch in text if ch not in _PUNCT)
    text = _ARTICLES.sub(" ", text)
    text = _COUNT_WORD.sub(lambda m: _COUNTS[m.group(1)], text)
    return " ".join(text.split())


def contains(answer: str, gold: str) -> bool:
    """Whether the normalised gold string appears in the normalised answer on word boundaries."""
    g = normalize_answer(gold)
    if not g:
        return False
    return f" {g} " in f" {normalize_answer(answer)} "


def answer_correct(answer: str, golds: Sequence[str], all_required: bool = False) -> bool:
    """Containment of any gold alias, or of every item for list answers."""
    if not golds:
        return False
    hits = [contains(answer, g) for g in golds]
    return all(hits) if all_required else any(hits)


def token_f1(answer: str, golds: Sequence[str]) -> float:
    """Best SQuAD token F1 of the answer against any gold alias (0 when there is none)."""
    pred = normalize_answer(answer).split()
    best = 0.0
    for gold in golds:
        ref = normalize_answer(gold).split()
        common = Counter(pred) & Counter(ref)
        same = sum(common.values())
        if not pred or not ref or same == 0:
            continue
        precision, recall = same / len(pred), same / len(ref)
        best = max(best, 2 * precision * recall / (precision + recall))
    return best


def hit_at_k(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """1.0 when any gold document is among the first k retrieved documents."""
    return float(bool(set(ranked[:k]) & set(gold))) if gold else 0.0


def recall_at_k(ranked: Sequence[str], gold: Sequence[str], k: int) -> float:
    """Share of gold documents among the first k retrieved documents."""
    if not gold:
        return 0.0
    return len(set(ranked[:k]) & set(gold)) / len(set(gold))


def mrr_at_k(ranked: Sequence[str], gold: Sequence[str], k: int = 10) -> float:
    """Reciprocal rank of the first gold document within the first k (0 when absent)."""
    for rank, doc in enumerate(ranked[:k], start=1):
        if doc in gold:
            return 1.0 / rank
    return 0.0


def dedupe(ranked: Sequence[str]) -> list[str]:
    """Document ids in first-seen order (chunks of one document count once)."""
    return list(dict.fromkeys(ranked))


def answer_in_context(contexts: Sequence[str], golds: Sequence[str], k: int) -> float:
    """1.0 when a gold answer appears in the first k retrieved chunks."""
    return float(any(contains(c, g) for c in contexts[:k] for g in golds)) if golds else 0.0


def citation_precision(cited: Sequence[str], gold: Sequence[str]) -> float | None:
    """Share of cited documents that are gold sources (None when nothing is cited)."""
    if not cited:
        return None
    return sum(1 for c in cited if c in set(gold)) / len(cited)


def citation_recall(cited: Sequence[str], gold: Sequence[str]) -> float | None:
    """Share of gold sources that are cited, counting a source as cited once any is (None when
    there are no gold sources). A question answered by several duplicate articles is fully
    recalled by one citation when it names them all, so this is usually computed over the
    documents a citation names, duplicates included."""
    if not gold:
        return None
    return len(set(cited) & set(gold)) / len(set(gold))


def quote_supported(quote: str, chunk: str) -> bool:
    """Whether a citation's quote appears verbatim (modulo whitespace/quotes) in its chunk."""
    def squash(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
        return " ".join(text.split()).lower()

    return bool(quote.strip()) and squash(quote) in squash(chunk)


def balanced_abstention(false_abstain: float | None, abstain_real: float | None) -> float:
    """Balanced accuracy of the answer/abstain decision: answerable questions answered, and,
    when there are any, unanswerable ones abstained (what the thresholds are calibrated on)."""
    parts = [1 - (false_abstain or 0.0)]
    if abstain_real is not None:
        parts.append(abstain_real)
    return sum(parts) / len(parts)


def crag_score(correct: bool, abstained: bool, answerable: bool) -> int:
    """CRAG-style: +1 correct, 0 abstain, -1 wrong (answering an unanswerable one is wrong)."""
    if abstained:
        return 0
    if not answerable:
        return -1
    return 1 if correct else -1


def percentile(values: Sequence[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100) of a non-empty sequence; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * p / 100.0
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Sequence[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None
