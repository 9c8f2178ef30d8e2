"""The ground floor's own data types: what loading produces and what chunking produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(text: str) -> str:
    """A stable hash of a document's text (sha256, hex, 16 chars)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class Document:
    """One source document after loading, cleaning and metadata extraction.

    `source` is the path as the user will see it (relative to the ingested folder where there is
    one) or a URL; `doc_id` is derived from it so the same file always maps to the same document.
    `pages` holds (character offset, page number) pairs for paged formats such as PDF.
    """

    source: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD, or None when unknown or ambiguous
    url: str | None = None
    outlet: str | None = None
    path: str | None = None  # absolute path on disk, when the document came from a file
    pages: list[tuple[int, int]] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def page_at(self, offset: int) -> int | None:
        """The page number that holds character `offset`, for paged documents."""
        page = None
        for start, number in self.pages:
            if start > offset:
                break
            page = number
        return page


@dataclass
class Chunk:
    """A sentence-aligned piece of a document, the unit that is embedded and retrieved."""

    doc_id: str
    position: int
    text: str
    start: int  # character offset of the chunk in the document text
    page: int | None = None

    @property
    def chunk_id(self) -> str:
        return f"{self.doc_id}:{self.position:05d}"

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True)
class Skipped:
    """A file that was not ingested, and why, in one line."""

    path: str
    reason: str
