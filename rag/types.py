"""The values the assistant returns: answers with citations, evidence, ingest reports."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal


@dataclass
class Source:
    """Where a piece of evidence comes from: one document (a chunk may have several that agree)."""

    doc_id: str
    source: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    chunk_id: str | None = None


@dataclass
class Evidence:
    """A retrieved chunk with its scores; `also` lists near-duplicate chunks collapsed into it."""

    chunk_id: str
    doc_id: str
    text: str
    source: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    page: int | None = None
    section: str | None = None  # the label of the section the chunk starts in
    score: float = 0.0  # fused retrieval score (higher is better)
    dense: float | None = None  # cosine similarity to the question, when known
    group: str | None = None  # story group of the document
    also: list[Source] = field(default_factory=list)
    group_published: str | None = None  # latest date of the story's dated copies (undated copy)
    # Sentences of the chunk that addressed the assistant (injected instructions), left out of
    # `text`: no answerer sees them and no answer cites them.
    withheld: list[str] = field(default_factory=list)

    def effective_date(self) -> str | None:
        """The publish date, or for an undated copy of a story the latest date of its dated
        copies (collapsed into it or in its duplicate group)."""
        if self.published:
            return self.published
        dates = [s.published for s in self.also if s.published]
        if self.group_published:
            dates.append(self.group_published)
        return max(dates) if dates else None

    def sources(self) -> list[Source]:
        """This chunk's own source first, then those of the duplicates collapsed into it."""
        own = Source(self.doc_id, self.source, self.title, self.published, self.url, self.chunk_id)
        return [own, *self.also]


@dataclass
class Citation:
    """One numbered citation: the marker `[n]` in the answer and the quote that supports it."""

    n: int
    source: str
    quote: str
    doc_id: str
    chunk_id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    page: int | None = None
    score: float = 0.0
    context: str = ""  # the chunk the quote comes from, for showing the quote in its place
    also: list[Source] = field(default_factory=list)  # other documents that say the same

    def to_dict(self, with_context: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_context:
            data.pop("context")
        return data


@dataclass
class Answer:
    """What `Assistant.ask` returns. `text` carries `[n]` markers that index `citations`."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    standalone_question: str | None = None  # the question after follow-up rewriting
    evidence: list[Evidence] = field(default_factory=list)  # what the answerer saw
    flagged: list[str] = field(default_factory=list)  # sentences dropped as unsupported
    timings: dict[str, float] = field(default_factory=dict)
    answerer: str = ""
    # True when the answerer's own draft was unsupported or off the question and the answer was
    # composed from evidence sentences instead.
    fallback: bool = False
    # The fitted probability (0..1) that the best evidence sentence allowed to answer holds the
    # answer (`AnswerPolicy.answer_margin`); 0 when none is.
    confidence: float = 0.0
    # The probability (0..1) the answerer's model gave that the cited sources state this answer
    # (`Answerer.verify`); None when no model judged it.
    verified: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `rag ask --json` (a contract: add fields, never rename them)."""
        return {
            "question": self.question,
            "text": self.text,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "standalone_question": self.standalone_question,
            "flagged": self.flagged,
            "answerer": self.answerer,
            "fallback": self.fallback,
            "confidence": round(self.confidence, 4),
            "verified": None if self.verified is None else round(self.verified, 4),
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }


FileStatus = Literal["added", "updated", "unchanged", "skipped", "removed"]


@dataclass
class FileResult:
    """What happened to one file (or one record of a records file) during an ingest."""

    source: str
    status: FileStatus
    reason: str = ""
    chunks: int = 0
    doc_id: str | None = None


@dataclass
class IngestReport:
    """Counts and per-file outcomes of one ingest."""

    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    chunks_embedded: int = 0  # chunks written minus those whose vectors were reused

    def _count(self, status: FileStatus) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def added(self) -> int:
        return self._count("added")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def skipped(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "skipped"]

    @property
    def removed(self) -> int:
        return self._count("removed")

    @property
    def chunks_added(self) -> int:
        return sum(f.chunks for f in self.files if f.status in ("added", "updated"))

    def summary(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped, {self.removed} removed "
            f"({self.chunks_added} chunks written, {self.chunks_embedded} embedded, "
            f"in {self.seconds:.1f}s)"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "skipped": len(self.skipped), "removed": self.removed,
            "chunks_added": self.chunks_added, "chunks_embedded": self.chunks_embedded,
            "seconds": round(self.seconds, 3),
            "files": [asdict(f) for f in self.files],
        }


@dataclass
class DocumentInfo:
    """One indexed document as `rag docs` lists it."""

    doc_id: str
    source: str
    title: str | None
    published: str | None
    chunks: int
    group: str | None
    content_hash: str
    url: str | None = None


@dataclass
class StreamEvent:
    """One event of `Assistant.stream`: a text delta, or the final `Answer`."""

    kind: Literal["token", "answer"]
    text: str = ""
    answer: Answer | None = None
