"""How well a sentence of the evidence answers a question: the measure behind sentence selection,
abstention and citation checks. Evidence-based: key-term coverage weighted by rarity, answer type,
and embedding similarity, never a raw cosine threshold alone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .embeddings import Embedder
from .question import Question, satisfies
from .text import content_terms, sentence_spans
from .types import Evidence

IdfFn = Callable[[str], float]
SEMANTIC_CANDIDATES = 16  # sentences embedded per question (the rest are ranked lexically only)


@dataclass
class Candidate:
    """A sentence of one piece of evidence, scored against the question."""

    index: int  # which evidence it comes from
    sentence: str
    start: int
    end: int
    lexical: float = 0.0  # weighted share of the question's terms found (sentence + context)
    in_sentence: float = 0.0  # the same, counting the sentence alone
    semantic: float = 0.0  # cosine similarity of sentence and question
    typed: bool = True  # holds the kind of answer the question asks for
    novel: bool = True  # says something beyond the question's own words
    score: float = 0.0
    support: float = 0.0  # how well the evidence backs an answer from this sentence (0..1)


def _coverage(weights: dict[str, float], present: dict[str, float]) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w * present.get(t, 0.0) for t, w in weights.items()) / total


SOFT_MATCH_FLOOR = 0.3  # word-vector cosine at which a synonym starts to count
SOFT_MATCH_SPAN = 0.4
SOFT_MATCH_MAX = 0.8  # a synonym never counts as much as the word itself


class SentenceScorer:
    """Scores evidence sentences against a question.

    Args:
        embedder: for sentence/question similarity.
        idf: inverse document frequency of a stemmed term in the indexed collection.
    """

    def __init__(self, embedder: Embedder, idf: IdfFn) -> None:
        self.embedder = embedder
        self.idf = idf
        self._word_vectors: dict[str, np.ndarray] = {}

    def _vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        missing = [w for w in dict.fromkeys(words) if w not in self._word_vectors]
        if missing:
            for word, vec in zip(missing, self.embedder.embed(missing), strict=True):
                self._word_vectors[word] = np.asarray(vec, dtype=np.float32)
            if len(self._word_vectors) > 50_000:
                self._word_vectors.clear()
        return {w: self._word_vectors[w] for w in words}

    def _soft_credit(self, question: Question, cands: list[Candidate]) -> None:
        """Give partial credit for question words missing from a sentence but matched by a
        near-synonym in it ("draft" ~ "prepared", "receive" ~ "provide"), by word vectors."""
        weights = self.weights(question)
        q_words = {t: question.surface.get(t, t) for t in question.terms}
        per_cand: list[tuple[Candidate, list[str], list[str]]] = []
        for cand in cands:
            stems = set(content_terms(cand.sentence))
            missing = [t for t in question.terms if t not in stems]
            if not missing:
                continue
            words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", cand.sentence)
                     if content_terms(w)]
            per_cand.append((cand, missing, words))
        if not per_cand:
            return
        vecs = self._vectors(list(q_words.values()) + [w for _, _, ws in per_cand for w in ws])
        total = sum(weights.values()) or 1.0
        for cand, missing, words in per_cand:
            if not words:
                continue
            matrix = np.stack([vecs[w] for w in words])
            gain = 0.0
            for term in missing:
                best = float(np.max(matrix @ vecs[q_words[term]]))
                credit = min(max((best - SOFT_MATCH_FLOOR) / SOFT_MATCH_SPAN, 0.0), 1.0)
                gain += weights[term] * SOFT_MATCH_MAX * credit
            cand.lexical = min(1.0, cand.lexical + gain / total)
            cand.in_sentence = min(1.0, cand.in_sentence + gain / total)

    def weights(self, question: Question) -> dict[str, float]:
        return {t: w * self.idf(t) for t, w in question.terms.items()}

    def candidates(self, question: Question, evidence: list[Evidence],
                   query_embedding: list[float] | None = None) -> list[Candidate]:
        """Every sentence of the evidence, best first."""
        weights = self.weights(question)
        out: list[Candidate] = []
        for index, item in enumerate(evidence):
            spans = sentence_spans(item.text)
            stems = [set(content_terms(item.text[a:b])) for a, b in spans]
            title = set(content_terms(item.title or ""))
            for pos, (a, b) in enumerate(spans):
                sentence = item.text[a:b]
                if len(sentence) < 12:
                    continue
                context = title | (stems[pos - 1] if pos > 0 else set()) | (
                    stems[pos + 1] if pos + 1 < len(stems) else set())
                present = {t: 1.0 for t in stems[pos]}
                in_sentence = _coverage(weights, present)
                for t in context:
                    present.setdefault(t, 0.6)
                lexical = _coverage(weights, present)
                novel = bool(stems[pos] - set(question.terms))
                out.append(Candidate(index, sentence, a, b, lexical, in_sentence,
                                     typed=satisfies(question, sentence), novel=novel))
        if not out:
            return out
        for cand in out:
            # Preliminary order: lexical, with a nudge for retrieval rank.
            cand.score = cand.lexical + 0.05 / (1 + cand.index)
        out.sort(key=lambda c: c.score, reverse=True)
        head = out[:SEMANTIC_CANDIDATES]
        self._soft_credit(question, head)
        q = np.asarray(query_embedding if query_embedding is not None
                       else self.embedder.embed_query(question.text), dtype=np.float32)
        vectors = np.asarray(self.embedder.embed([c.sentence for c in head]), dtype=np.float32)
        for cand, vec in zip(head, vectors, strict=True):
            cand.semantic = float(vec @ q)
        for cand in out:
            semantic = max(0.0, (cand.semantic - 0.15) / 0.6)
            score = 0.55 * cand.lexical + 0.25 * cand.in_sentence + 0.35 * min(semantic, 1.0)
            score += 0.04 / (1 + cand.index)
            if not cand.typed:
                score *= 0.55
            if not cand.novel:
                score *= 0.5
            cand.score = score
            cand.support = min(1.0, 0.7 * cand.lexical + 0.3 * min(semantic, 1.0))
        out.sort(key=lambda c: c.score, reverse=True)
        return out


def make_idf(doc_freq: dict[str, int], n_docs: int) -> IdfFn:
    """BM25-style IDF from document frequencies; unseen terms get the highest weight."""
    top = math.log(1 + (n_docs + 0.5) / 0.5) if n_docs else 1.0

    def idf(term: str) -> float:
        df = doc_freq.get(term)
        if not df:
            return top
        return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))

    return idf
