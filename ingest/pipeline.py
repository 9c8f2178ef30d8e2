"""Files in, clean `Document`s out: reading, chrome removal and metadata in one pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .cleaning import remove_chrome
from .loaders import RawDocument, discover, iter_raw
from .metadata import extract_date, extract_title, first_heading, normalize_date, title_date
from .types import Document, Skipped


def to_document(raw: RawDocument) -> Document:
    """Clean a raw document and fill in its title and date from what it says about itself."""
    text = raw.text
    published = normalize_date(raw.published)
    if published is None:
        published, text = extract_date(text)
    if raw.clean:
        text = remove_chrome(text)
    if published is None:
        # A date line buried under a navigation menu is near the top once the menu is gone.
        published, text = extract_date(text)
    if published is None:
        published = title_date(text)
    title = raw.title
    if not title and raw.kind == "markdown":
        title = first_heading(text)
    if not title and raw.kind in {"text", "markdown"}:
        title = extract_title(text)
    return Document(
        source=raw.source,
        text=text.strip(),
        title=title,
        published=published,
        url=raw.url,
        outlet=raw.outlet,
        path=raw.path,
        pages=raw.pages,
        key=raw.key,
    )


def load_documents(
    paths: list[str | Path],
    include: list[str] | None = None,
    exclude: list[str] | None = None,
    max_bytes: int = 50_000_000,
) -> tuple[int, Iterator[tuple[str, list[Document] | Skipped]]]:
    """Discover files and lazily read them into documents.

    Args:
        paths: files and folders.
        include / exclude: glob patterns on file names or relative paths.
        max_bytes: files larger than this are skipped with a reason.
    Returns:
        The number of entries that will be yielded, and an iterator of (source, documents or
        Skipped) per file. Skipped entries found while walking folders come first.
    Raises:
        FileNotFoundError: a given path does not exist.
    """
    files, skipped = discover(paths, include, exclude)

    def generate() -> Iterator[tuple[str, list[Document] | Skipped]]:
        for skip in skipped:
            yield skip.path, skip
        for _path, source, result in iter_raw(files, max_bytes):
            if isinstance(result, Skipped):
                yield source, result
                continue
            docs = [to_document(raw) for raw in result]
            docs = [doc for doc in docs if doc.text]
            if not docs:
                yield source, Skipped(source, "no text left after removing page chrome")
            else:
                yield source, docs

    return len(files) + len(skipped), generate()
