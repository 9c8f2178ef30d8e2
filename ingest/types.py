"""The ground floor's own data types: what loading produces and what chunking produces."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


def content_hash(text: str) -> str:
    """A stable hash of a document's text (sha256, hex, 16 chars)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# Increased whenever the chunks made of unchanged text change (their boundaries or sections), so
# that the next ingest re-chunks every document; vectors of chunk texts that did not change are
# reused.
CHUNKING_VERSION = 4


@dataclass
class Document:
    """One source document after loading, cleaning and metadata extraction.

    `source` is the name the user sees (the path relative to the ingested folder, or a URL); it
    need not be unique. Identity comes from `path`, the resolved absolute path (plus `key` for one
    record of a records file): the same file always maps to the same document, whichever folder it
    was ingested through, and two files that share a name never replace each other.
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
    key: str | None = None  # the record's key within a records file (.jsonl, .csv)

    @property
    def identity(self) -> str:
        """What makes this document itself: its resolved path (and record key), else its source."""
        base = self.path or self.source
        return f"{base}#{self.key}" if self.key is not None else base

    @property
    def doc_id(self) -> str:
        return hashlib.sha1(self.identity.encode("utf-8")).hexdigest()[:16]

    @property
    def legacy_doc_id(self) -> str:
        """The id stores written before identity came from paths gave this document."""
        return hashlib.sha1(self.source.encode("utf-8")).hexdigest()[:16]

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    @property
    def fingerprint(self) -> str:
        """A hash of the text and every metadata field answers use (title and date drive
        "latest" answers), so an edit to either is an update, not "unchanged"; and of
        `CHUNKING_VERSION`, so chunks made by an older chunker are made again."""
        fields = [self.text, self.title or "", self.published or "", self.url or "",
                  self.outlet or "", str(CHUNKING_VERSION)]
        return content_hash("\x1f".join(fields))

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
    section: str | None = None  # the label of the section the chunk starts in

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
