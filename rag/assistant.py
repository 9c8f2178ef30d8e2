"""The `Assistant`: the one facade the CLI, the UI, the evals and Python callers use."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .answerers import Answerer, ExtractiveAnswerer, Request, make_answerer
from .citations import MARKER, CitationChecker, is_abstention
from .condense import condense
from .embeddings import Embedder
from .errors import EmptyIndexError, RagError
from .indexer import Indexer, Progress
from .policy import AnswerPolicy, abstains_at
from .question import Question, parse
from .retrieval import Retriever
from .settings import Settings
from .store import Store
from .support import Candidate, SentenceScorer, make_idf
from .text import spelled_out
from .types import Answer, Citation, DocumentInfo, Evidence, IngestReport, StreamEvent

log = logging.getLogger(__name__)

History = Sequence[str | tuple[str, str] | Answer]


def _history_questions(history: History | None) -> list[str]:
    """Earlier standalone questions from a history of questions, (q, a) pairs or Answers."""
    out: list[str] = []
    for turn in history or []:
        if isinstance(turn, Answer):
            out.append(turn.standalone_question or turn.question)
        elif isinstance(turn, tuple):
            out.append(turn[0])
        else:
            out.append(str(turn))
    return out


@dataclass
class ScoredEvidence:
    """A question's evidence and its sentences, scored: what the answer policy decides from."""

    standalone: str  # the question after follow-up rewriting
    question: Question  # the parsed question
    evidence: list[Evidence]
    candidates: list[Candidate]  # evidence sentences, best first
    retrieval_s: float
    unseen_names: set[str]  # the question's names the collection never mentions


class Assistant:
    """Ingests documents and answers questions about them with checked citations.

    Args:
        settings: the configuration (top-k, retrieval mode, thresholds...).
        store: the Chroma store.
        embedder: the embedder shared by ingest and retrieval.
        answerer: the answer generator; defaults to the one `settings.answerer` names.
    """

    def __init__(self, settings: Settings, store: Store, embedder: Embedder,
                 answerer: Answerer | None = None) -> None:
        from ingest import Chunker

        self.settings = settings
        self.store = store
        self.embedder = embedder
        self.answerer: Answerer = answerer or make_answerer(settings)
        self._extractive = ExtractiveAnswerer()
        # Chunks are sized in the embedder's own tokens, leaving room for the title line.
        size = min(settings.chunk_size, embedder.max_tokens - 24)
        self.indexer = Indexer(
            store, embedder,
            Chunker(size, min(settings.chunk_overlap, size // 2), tokenizer=embedder.tokenize),
            max_bytes=int(settings.max_file_mb * 1_000_000),
        )
        self.retriever = Retriever(store, embedder, settings.candidates, settings.recency_weight)
        self.checker = CitationChecker(embedder)
        self.policy = AnswerPolicy(settings.abstain_threshold, settings.fallback_threshold,
                                   settings.verify_threshold)
        self._scorer: SentenceScorer | None = None
        self._scorer_version = -1

    @classmethod
    def from_settings(cls, settings: Settings | None = None, **overrides: Any) -> Assistant:
        """Assemble an assistant from settings (read from `.env` when none are given).

        Args:
            settings: the settings; `Settings()` when None.
            overrides: settings fields to change, e.g. `answerer="local"`.
        """
        settings = settings or Settings()
        if overrides:
            settings = settings.model_copy(update=overrides)
        logging.getLogger().setLevel(settings.log_level.upper())
        embedder = Embedder(settings.embed_model, backend=settings.embed_backend,
                            cache_dir=settings.models_dir)
        store = Store.from_settings(settings)
        return cls(settings, store, embedder)

    def with_answerer(self, name: str) -> Assistant:
        """A sibling assistant sharing this one's store and embedder, with another answerer."""
        settings = self.settings.model_copy(update={"answerer": name})
        return Assistant(settings, self.store, self.embedder)

    # ---- documents ----------------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path], *, prune: bool = False,
               include: list[str] | None = None, exclude: list[str] | None = None,
               progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders. Idempotent: unchanged files are skipped, changed ones replaced.

        Args:
            paths: files and folders (folders recursively).
            prune: remove documents whose files under these folders no longer exist.
            include / exclude: glob patterns (default: the settings').
            progress: called as (source, done, total) per file.
        Returns:
            An `IngestReport` with what happened to each file.
        Raises:
            IngestError: a path does not exist, or nothing at all could be ingested.
        """
        return self.indexer.ingest(
            list(paths),
            include=include if include is not None else self.settings.include,
            exclude=exclude if exclude is not None else self.settings.exclude,
            prune=prune, progress=progress,
        )

    def documents(self) -> list[DocumentInfo]:
        """Every indexed document with its chunk count and duplicate group."""
        return self.store.documents()

    def delete(self, document: str) -> bool:
        """Remove one document; a file the UI uploaded is removed from the data dir too.

        Args:
            document: a doc_id, a file path, or a source name as `rag docs` lists it.
        Returns:
            True when something was removed, False when nothing matches.
        Raises:
            RagError: the name matches several documents (files of one name in two folders).
        """
        records = self.store.registry(fresh=True)
        path = str(Path(document).expanduser().resolve())
        # One file may hold several documents (the records of a .jsonl): a path takes them all.
        matches = [document] if document in records else [
            d for d, r in records.items() if r.get("path") == path]
        if not matches:
            matches = [d for d, r in records.items() if r.get("source") == document]
            if len(matches) > 1:
                listed = "; ".join(f"{d} ({records[d].get('path') or '?'})" for d in matches[:5])
                raise RagError(f"'{document}' names {len(matches)} documents: {listed}. "
                               "Delete one by its id or its full path.")
        if not matches:
            return False
        with self.store.writing():
            for doc_id in matches:
                self.store.delete_document(doc_id)
                self._remove_upload(str(records[doc_id].get("path") or ""))
            self.indexer.regroup()
        return True

    def _remove_upload(self, path: str) -> None:
        """Delete the stored copy of an uploaded file (files elsewhere are the user's own)."""
        if not path:
            return
        uploads = self.settings.upload_dir.resolve()
        file = Path(path)
        if uploads not in file.parents or not file.is_file():
            return
        file.unlink()
        if file.parent != uploads and not any(file.parent.iterdir()):
            file.parent.rmdir()

    def reset(self) -> None:
        """Delete everything indexed in this collection."""
        with self.store.writing():
            self.store.reset()

    # ---- questions ----------------------------------------------------------------------

    def ask(self, question: str, *, history: History | None = None, as_of: str | None = None,
            since: str | None = None, top_k: int | None = None) -> Answer:
        """Answer a question from the indexed documents, with checked citations.

        Args:
            question: the question; a follow-up is made standalone using `history`.
            history: earlier turns (questions, (question, answer) pairs or `Answer`s).
            as_of: ISO date; answer as of that day (later documents are left out).
            since: ISO date; only documents published on or after it.
            top_k: evidence chunks (default: the settings').
        Returns:
            An `Answer`; `abstained` is True when the documents do not answer the question.
        Raises:
            EmptyIndexError: nothing has been ingested.
            ModelUnavailableError: the answerer's model cannot be loaded or reached.
        """
        answer: Answer | None = None
        for event in self.stream(question, history=history, as_of=as_of, since=since,
                                 top_k=top_k):
            if event.kind == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str, *, history: History | None = None,
               as_of: str | None = None, since: str | None = None,
               top_k: int | None = None) -> Iterator[StreamEvent]:
        """Like `ask`, but yields the answer text as it is generated, then the checked `Answer`.

        Token events carry raw model text (markers unchecked); the final event's `Answer` is the
        verified one, whose text may differ where unsupported sentences were dropped.
        """
        question = question.strip()
        started = time.perf_counter()
        scored = self.scored_evidence(question, history=history, as_of=as_of, since=since,
                                      top_k=top_k)
        standalone, parsed, evidence, candidates = (scored.standalone, scored.question,
                                                    scored.evidence, scored.candidates)
        retrieved = started + scored.retrieval_s
        answer = Answer(question=question, text="", evidence=evidence,
                        standalone_question=standalone if standalone != question else None,
                        answerer=self.answerer.name)
        answer.confidence = self.policy.answer_margin(parsed, candidates)
        if abstains_at(answer.confidence, self.policy.abstain_threshold):
            answer.abstained = True
            answer.text = abstention_text(question)
        else:
            # Sentences that qualify as answers go first; the rest stay as context.
            for cand in candidates:
                cand.qualified = self.policy.qualifies(parsed, cand)
            candidates.sort(key=lambda c: not c.qualified)
            request = Request(parsed, evidence, candidates)
            pieces: list[str] = []
            for piece in self.answerer.stream(request):
                pieces.append(piece)
                if self.answerer.drafts:
                    yield StreamEvent("token", text=piece)
            raw = "".join(pieces)
            self._finish(answer, raw, request, scored.unseen_names)
            if not self.answerer.drafts:
                yield StreamEvent("token", text=answer.text)
        answer.timings = {
            "retrieval_s": retrieved - started,
            "answer_s": time.perf_counter() - retrieved,
            "total_s": time.perf_counter() - started,
        }
        yield StreamEvent("answer", answer=answer)

    def scored_evidence(self, question: str, *, history: History | None = None,
                        as_of: str | None = None, since: str | None = None,
                        top_k: int | None = None) -> ScoredEvidence:
        """The evidence for a question and its sentences scored against it: everything the
        answer policy decides from (`ask` uses it; so does calibration in `evals/`).

        Raises:
            RagError: the question is empty.
            EmptyIndexError: nothing has been ingested.
        """
        question = question.strip()
        if not question:
            raise RagError("The question is empty. Type a question about your documents.")
        if not self.store.registry():
            raise EmptyIndexError(self.store.name)
        started = time.perf_counter()
        standalone, context = self._condense(question, _history_questions(history))
        result = self.retriever.retrieve(
            standalone, top_k=top_k or self.settings.top_k, mode=self.settings.retrieval_mode,
            as_of=as_of, since=since)
        retrieval_s = time.perf_counter() - started
        parsed = parse(question if context else standalone, context)
        scorer = self.scorer()
        candidates = scorer.candidates(parsed, result.evidence, result.query_embedding)
        return ScoredEvidence(standalone, parsed, result.evidence, candidates, retrieval_s,
                              scorer.unseen_names(parsed))

    def _condense(self, question: str, history: list[str]) -> tuple[str, str | None]:
        """The standalone question and the earlier question it borrowed from (None when the
        model's own rewrite was accepted: it is standalone by itself)."""
        if history:
            standalone = self.answerer.rewrite(question, history)
            if standalone:
                log.debug("follow-up rewritten by %s: %s", self.answerer.name, standalone)
                return standalone, None
        return condense(question, history)

    def _finish(self, answer: Answer, raw: str, request: Request,
                unseen_names: set[str]) -> None:
        """Check the draft's citations; the answer policy says whether it stands, falls back to
        the evidence sentences, or abstains."""
        question = request.question
        text, citations, flagged = "", list[Citation](), list[str]()
        misbound = False
        if raw.strip() and not is_abstention(raw):
            # The question's names that neither the collection nor (spelled out) the evidence
            # mentions: a draft may not restate them as if its source did.
            foreign = {name for name in unseen_names
                       if not any(spelled_out(name, e.text) for e in request.evidence)}
            review = self.checker.review(raw, request.evidence, question.text, foreign)
            text, citations, flagged = review.text, review.citations, review.flagged
            misbound = bool(review.misbound)
        drafted = self.answerer.drafts
        verdict = self.policy.judge(question, text, drafted=drafted, misbound=misbound,
                                    confidence=answer.confidence)
        if verdict.unanswering:
            flagged = [*flagged, text]
        if verdict.action != "answer":
            text, citations = "", []
        if verdict.action == "fall_back":
            if raw.strip() and drafted:
                flagged = flagged or [raw.strip()]
                log.info("%s answer not supported by the evidence; answering extractively",
                         self.answerer.name)
            fallback = self._extractive.answer(request)
            text, citations, more = self.checker.verify(fallback, request.evidence, question.text)
            flagged = flagged + more
            answer.fallback = drafted
            if drafted and text and not self.policy.fallback_agrees(question, raw, text):
                log.info("%s answer and the evidence sentences disagree; abstaining",
                         self.answerer.name)
                flagged = [*flagged, MARKER.sub("", text).strip()]
                text, citations, answer.fallback = "", [], False
        if text and self.settings.verify:
            # The model that wrote the draft (or whose draft fell back) judges the answer left:
            # do the sentences it cites state this answer to the question?
            claims = MARKER.sub("", text).strip()
            answer.verified = self.answerer.verify(
                answer.standalone_question or answer.question, claims,
                [c.quote for c in citations])
            if not self.policy.stands_verified(answer.verified):
                log.info("%s judged its answer unsupported (p=%.2f); abstaining",
                         self.answerer.name, answer.verified)
                flagged = [*flagged, claims]
                text, citations, answer.fallback = "", [], False
        answer.text, answer.citations = text, citations
        answer.flagged = list(dict.fromkeys(flagged))
        if not text:
            answer.abstained = True
            answer.text = abstention_text(answer.question)

    def scorer(self) -> SentenceScorer:
        """The sentence scorer, with term statistics in step with the store (its word-vector
        cache survives across questions); the citation checker weighs words by the same rarity."""
        bm25 = self.retriever.bm25
        bm25.refresh()
        if self._scorer is None or self._scorer_version != bm25.version:
            if self._scorer is None:
                self._scorer = SentenceScorer(self.embedder, make_idf({}, 0))
            self._scorer.idf = make_idf(bm25.doc_freq, bm25.n_docs)
            self.checker.idf = self._scorer.idf
            self._scorer.doc_freq = bm25.doc_freq
            self._scorer_version = bm25.version
        return self._scorer


def abstention_text(question: str) -> str:
    """What the assistant says when the documents do not answer."""
    q = question.strip().rstrip("?")
    q = q[:1].lower() + q[1:] if q[:2] != q[:2].upper() else q
    return f"The documents do not say ({q}). The closest sources found are listed below."


__all__ = ["Assistant", "Evidence", "abstention_text"]
