"""Hybrid retrieval: dense (Chroma) and BM25 fused by reciprocal rank, a soft recency prior,
date filters, and near-duplicate chunks collapsed into one piece of evidence with all its sources.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from ingest import containment
from ingest.dedup import shingles

from .embeddings import Embedder
from .injection import withhold_instructions
from .question import RECENCY
from .store import Store, StoredChunk, date_int
from .text import FLAG, LANGUAGE, WHOLE_NUMBER, literals, sentence_spans
from .types import Evidence, Source

log = logging.getLogger(__name__)

RRF_K = 60
RECENCY_HALF_LIFE_DAYS = 30.0
DUPLICATE_CONTAINMENT = 0.5  # share of 3-word shingles two chunks have in common
DUPLICATE_COSINE = 0.93  # embedding similarity of two chunks telling the same thing
# A question that names its own span of time ("this week", "yesterday", "last month") asks about
# that span, counted back from `as_of` (or the newest report): days it covers, with a day or two
# for reports published before the events they cover were over.
SPAN_DAYS = {"day": 2, "week": 9, "last week": 16, "month": 33, "last month": 64}
_SPAN = re.compile(
    r"\b(?:(?P<day>today|tonight|yesterday|this (?:morning|afternoon|evening))|"
    r"(?P<last_week>last week(?:end)?)|"
    r"(?P<week>this week(?:end)?|(?:the |this )?past (?:week|few days|several days)|"
    r"(?:in )?recent days)|"
    r"(?P<last_month>last month)|(?P<month>this month|(?:the )?past month))\b",
    re.IGNORECASE)


def time_span(question: str) -> int | None:
    """The days back a question's own words reach ("this week": 9), or None."""
    match = _SPAN.search(question)
    if not match:
        return None
    kind = next(name for name, value in match.groupdict().items() if value)
    return SPAN_DAYS[kind.replace("_", " ")]


# Words of two or more characters (bm25s's default), numbers with a point or comma kept whole
# ("2.2.0", "4,000"), one-letter options ("-l") and languages ("C++"), as questions and the
# sentence scorer read them; bm25s's default splits numbers into pieces and drops lone digits
# and letters, so a version, an option or "C++" was not searchable at all.
BM25_TOKEN = rf"(?u){WHOLE_NUMBER}|{FLAG}|{LANGUAGE}|\b\w\w+\b"


def _bm25_tokenize(texts: list[str]) -> Any:
    import bm25s

    from .text import _stemmer

    return bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False,
                          token_pattern=BM25_TOKEN)


class Bm25Index:
    """A bm25s index over every committed chunk, rebuilt from the store when the store changes.

    Rebuilding from the store (rather than keeping a second copy on disk) means it can never drift
    from what Chroma holds; it is rebuilt lazily on the first query after a change.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._version = -1
        self._chunks: list[StoredChunk] = []
        self._retriever: Any = None
        self._lock = threading.Lock()
        self.doc_freq: dict[str, int] = {}
        self.n_docs = 0

    def _ensure(self) -> None:
        self.store.registry()
        if self._version == self.store.version and self._retriever is not None:
            return
        with self._lock:
            version = self.store.version
            if self._version == version and self._retriever is not None:
                return
            import bm25s

            chunks = self.store.all_chunks()
            retriever = None
            doc_freq: dict[str, int] = {}
            if chunks:
                tokenized = _bm25_tokenize([_index_text(c) for c in chunks])
                retriever = bm25s.BM25()
                retriever.index(tokenized, show_progress=False)
                counts = np.zeros(len(tokenized.vocab), dtype=np.int64)
                for ids in tokenized.ids:
                    counts[np.unique(np.asarray(ids, dtype=np.int64))] += 1
                doc_freq = {term: int(counts[i]) for term, i in tokenized.vocab.items()}
            self._chunks, self._retriever = chunks, retriever
            self.doc_freq, self.n_docs = doc_freq, len(chunks)
            self._version = version

    def query(self, question: str, n: int) -> list[tuple[StoredChunk, float]]:
        """The n best chunks for a question by BM25, best first."""
        self._ensure()
        if self._retriever is None or not self._chunks:
            return []
        tokens = _bm25_tokenize([question])
        if not tokens.vocab:
            return []
        n = min(n, len(self._chunks))
        docs, scores = self._retriever.retrieve(tokens, k=n, show_progress=False)
        return [
            (self._chunks[int(i)], float(s))
            for i, s in zip(docs[0], scores[0], strict=True)
            if float(s) > 0
        ]

    @property
    def version(self) -> int:
        """The store version this index was built from."""
        return self._version

    @property
    def chunks(self) -> list[StoredChunk]:
        self._ensure()
        return self._chunks

    def refresh(self) -> None:
        """Bring the index in step with the store now (it otherwise does so on the next query)."""
        self._ensure()


def _index_text(chunk: StoredChunk) -> str:
    # The title is part of what a chunk is about; headlines carry the key terms.
    title = chunk.metadata.get("title") or ""
    return f"{title}\n{chunk.text}" if title else chunk.text


def _with_literal_holder(lits: set[str], ranked: list[str], chunks: dict[str, StoredChunk],
                         top_k: int) -> list[str]:
    """The ranking with the best chunk holding every literal the question writes as code
    ("--release", "os.tmpdir()") moved into the last of the top_k places, when none there does.

    The answer policy takes such a literal only from the sentence, its section or its title
    (`Candidate.code_ok`): evidence without it cannot answer, however well its words match
    ("cargo build" chunks ranked above the one on "cargo build --release").
    """
    if not lits:
        return ranked

    def holds(cid: str) -> bool:
        meta = chunks[cid].metadata
        text = " ".join([chunks[cid].text, meta.get("title") or "", meta.get("section") or ""])
        return all(lit in text.lower() for lit in lits)

    if any(holds(cid) for cid in ranked[:top_k]):
        return ranked
    best = next((cid for cid in ranked[top_k : top_k * 4] if holds(cid)), None)
    if best is None:
        return ranked
    rest = [cid for cid in ranked if cid != best]
    return [*rest[: top_k - 1], best, *rest[top_k - 1 :]]


def _parse_day(iso: str | None) -> date | None:
    if not iso:
        return None
    try:
        return date.fromisoformat(iso[:10])
    except ValueError:
        return None


@dataclass
class RetrievalResult:
    """Evidence in rank order and the diagnostics evals and the UI show."""

    evidence: list[Evidence]
    query_embedding: list[float]
    dense_ranked: list[str]
    bm25_ranked: list[str]


class Retriever:
    """Finds the evidence for a question.

    Args:
        store: the Chroma store.
        embedder: the embedder used at ingest.
        candidates: how many chunks each retriever proposes before fusion.
        recency_weight: strength of the soft preference for recent documents (0 turns it off).
    """

    def __init__(self, store: Store, embedder: Embedder, candidates: int = 30,
                 recency_weight: float = 0.15) -> None:
        self.store = store
        self.embedder = embedder
        self.bm25 = Bm25Index(store)
        self.candidates = candidates
        self.recency_weight = recency_weight

    def retrieve(
        self,
        question: str,
        top_k: int = 5,
        mode: str = "hybrid",
        as_of: str | None = None,
        since: str | None = None,
        collapse: bool = True,
    ) -> RetrievalResult:
        """Retrieve, fuse, weight by recency, collapse duplicates and return the top_k.

        A question that names its own span of time ("this week", "yesterday") is answered from
        the reports of that span (`time_span`), from all of them when none is that recent.

        Args:
            question: the standalone question.
            top_k: pieces of evidence to return (after collapsing duplicates).
            mode: "hybrid", "dense" or "bm25".
            as_of: ISO date; documents published after it are left out, recent ones preferred.
            since: ISO date; only documents published on or after it.
            collapse: merge chunks that repeat each other.
        """
        start = self._span_start(question, as_of)
        if start is None or (since is not None and since >= start):
            return self._retrieve(question, top_k, mode, as_of, since, collapse)
        inside = self._retrieve(question, top_k, mode, as_of, start, collapse)
        return inside if inside.evidence else self._retrieve(question, top_k, mode, as_of, since,
                                                             collapse)

    def _span_start(self, question: str, as_of: str | None) -> str | None:
        """The first day of the span of time a question names, or None when it names none or
        no document is dated."""
        days = time_span(question)
        if days is None:
            return None
        reference = _parse_day(as_of)
        if reference is None:
            dated = [_parse_day(str(r.get("published") or "")) for r in
                     self.store.registry().values()]
            reference = max((d for d in dated if d), default=None)
        return (reference - timedelta(days=days)).isoformat() if reference else None

    def _retrieve(self, question: str, top_k: int, mode: str, as_of: str | None,
                  since: str | None, collapse: bool) -> RetrievalResult:
        upper = date_int(as_of) if as_of else 0
        lower = date_int(since) if since else 0
        query_embedding = self.embedder.embed_query(question)
        dense: list[tuple[StoredChunk, float]] = []
        sparse: list[tuple[StoredChunk, float]] = []
        want = max(self.candidates, top_k * 3)
        if mode in ("hybrid", "dense"):
            dense = self.store.dense_query(query_embedding, want, where=_date_where(upper, lower))
        if mode in ("hybrid", "bm25"):
            # Over-fetch when filtering by date, since BM25 filters after ranking.
            fetched = self.bm25.query(question, want * (3 if (upper or lower) else 1))
            sparse = [(c, s) for c, s in fetched if _in_window(c.metadata, upper, lower)][:want]

        fused: dict[str, float] = {}
        chunks: dict[str, StoredChunk] = {}
        cosines: dict[str, float] = {}
        for rank, (chunk, cosine) in enumerate(dense):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks[chunk.chunk_id] = chunk
            cosines[chunk.chunk_id] = cosine
        for rank, (chunk, _score) in enumerate(sparse):
            fused[chunk.chunk_id] = fused.get(chunk.chunk_id, 0.0) + 1.0 / (RRF_K + rank + 1)
            chunks.setdefault(chunk.chunk_id, chunk)

        self._apply_recency(question, fused, chunks, as_of)
        ranked = sorted(fused, key=lambda cid: fused[cid], reverse=True)
        ranked = _with_literal_holder(literals(question), ranked, chunks, top_k)
        self._fill_cosines(ranked[: top_k * 4], cosines, query_embedding)
        registry = self.store.registry()
        evidence = [
            _to_evidence(chunks[cid], fused[cid], cosines.get(cid), registry)
            for cid in ranked[: top_k * 4]
        ]
        evidence = [e for e in evidence if e.text]  # a chunk that only addressed the assistant
        _date_undated_copies(evidence, registry)
        if collapse:
            evidence = self._collapse(evidence, top_k)
        return RetrievalResult(
            evidence=evidence[:top_k],
            query_embedding=query_embedding,
            dense_ranked=[c.chunk_id for c, _ in dense],
            bm25_ranked=[c.chunk_id for c, _ in sparse],
        )

    def _apply_recency(self, question: str, fused: dict[str, float],
                       chunks: dict[str, StoredChunk], as_of: str | None) -> None:
        """Multiply scores by 1 + w * 0.5^(age/30 days); age counts back from as_of or the newest."""
        weight = self.recency_weight
        if not weight or not fused:
            return
        if RECENCY.search(question):
            weight *= 3
        days = {cid: _parse_day(chunks[cid].metadata.get("published")) for cid in fused}
        known = [d for d in days.values() if d]
        if not known:
            return
        reference = _parse_day(as_of) or max(known)
        for cid, day in days.items():
            if day is None:
                prior = 0.5  # undated: neither favoured nor penalised much
            else:
                age = max((reference - day).days, 0)
                prior = math.pow(0.5, age / RECENCY_HALF_LIFE_DAYS)
            fused[cid] *= 1.0 + weight * prior

    def _fill_cosines(self, ids: list[str], cosines: dict[str, float],
                      query_embedding: list[float]) -> None:
        """Cosine similarity for BM25-only hits, so every piece of evidence has one."""
        missing = [cid for cid in ids if cid not in cosines]
        if not missing:
            return
        for cid, emb in self.store.embeddings(missing).items():
            cosines[cid] = float(sum(a * b for a, b in zip(query_embedding, emb, strict=True)))

    def _collapse(self, evidence: list[Evidence], top_k: int) -> list[Evidence]:
        """Fold chunks that repeat an earlier (higher-ranked) chunk into it, keeping their sources."""
        if len(evidence) < 2:
            return evidence
        embeddings = self.store.embeddings([e.chunk_id for e in evidence])
        kept: list[Evidence] = []
        for item in evidence:
            target = None
            for other in kept:
                if other.doc_id == item.doc_id:
                    continue
                if containment(item.text, other.text) >= DUPLICATE_CONTAINMENT or (
                    _cos(embeddings.get(item.chunk_id), embeddings.get(other.chunk_id))
                    >= DUPLICATE_COSINE
                ):
                    target = other
                    break
            if target is None:
                kept.append(item)
            elif all(s.doc_id != item.doc_id for s in target.also):
                target.also.append(Source(item.doc_id, item.source, item.title, item.published,
                                          item.url, item.chunk_id))
        # Sentence-level repeats only matter among what is shown; a few spares replace chunks
        # that turn out to hold nothing new.
        return self._drop_repeated_sentences(kept[: top_k + 3])

    @staticmethod
    def _drop_repeated_sentences(evidence: list[Evidence]) -> list[Evidence]:
        """Remove from lower-ranked chunks the sentences a higher-ranked chunk already holds
        (a rewrite repeating one sentence of the wire story); a chunk left with nothing new is
        dropped, its source recorded on the chunk that holds its sentences."""
        seen: list[tuple[set[str], Evidence]] = []
        out: list[Evidence] = []
        for item in evidence:
            spans = sentence_spans(item.text)
            keep: list[tuple[int, int]] = []
            mine: list[set[str]] = []
            for a, b in spans:
                sentence = item.text[a:b]
                sh = shingles(sentence)
                mine.append(sh)
                twin = None
                if len(sentence) > 40 and sh:
                    twin = next((ev for other, ev in seen if ev.doc_id != item.doc_id and other
                                 and len(sh & other) / len(sh | other) >= 0.6), None)
                if twin is None:
                    keep.append((a, b))
                elif all(s.doc_id != item.doc_id for s in twin.also):
                    twin.also.append(Source(item.doc_id, item.source, item.title,
                                            item.published, item.url, item.chunk_id))
            seen.extend((sh, item) for sh in mine)
            if not keep:
                continue
            if len(keep) < len(spans):
                item.text = "\n".join(item.text[a:b] for a, b in keep)
            out.append(item)
        return out


def _cos(a: list[float] | None, b: list[float] | None) -> float:
    if a is None or b is None:
        return 0.0
    return float(sum(x * y for x, y in zip(a, b, strict=True)))


def _date_where(upper: int, lower: int) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if upper:
        # Undated documents stay in: their date is unknown, not later.
        clauses.append({"published_int": {"$lte": upper}})
    if lower:
        clauses.append({"published_int": {"$gte": lower}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _in_window(meta: dict[str, Any], upper: int, lower: int) -> bool:
    day = int(meta.get("published_int") or 0)
    if upper and day > upper:
        return False
    return not (lower and day < lower)


def _date_undated_copies(evidence: list[Evidence], registry: dict[str, dict[str, Any]]) -> None:
    """An undated copy of a wire story is as old as its dated copies: note their latest date."""
    groups = {e.group for e in evidence if not e.published and e.group}
    if not groups:
        return
    latest: dict[str, str] = {}
    for record in registry.values():
        group, published = record.get("group"), record.get("published")
        if group in groups and published and published > latest.get(group, ""):
            latest[group] = published
    for item in evidence:
        if not item.published and item.group:
            item.group_published = latest.get(item.group)


def _to_evidence(chunk: StoredChunk, score: float, cosine: float | None,
                 registry: dict[str, dict[str, Any]]) -> Evidence:
    meta = chunk.metadata
    record = registry.get(chunk.doc_id, {})
    text, withheld = withhold_instructions(chunk.text)
    return Evidence(
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        text=text,
        withheld=withheld,
        source=str(meta.get("source", "")),
        title=meta.get("title") or None,
        published=meta.get("published") or None,
        url=meta.get("url") or None,
        page=int(meta.get("page") or 0) or None,
        section=meta.get("section") or None,
        score=score,
        dense=cosine,
        group=record.get("group"),
    )
