"""Ingest orchestration: files -> documents -> chunks -> embeddings -> store, idempotently."""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ingest import Chunk, Chunker, Document, Groups, MinHasher, Skipped, load_documents

from .embeddings import Embedder
from .errors import IngestError
from .store import PreparedDocument, Store
from .types import FileResult, IngestReport

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (current source, done, total)

DOC_DUPLICATE_COSINE = 0.90  # mean-embedding similarity of two documents telling one story
DOC_DUPLICATE_JACCARD = 0.4  # MinHash estimate of shared 3-word shingles
EMBED_BATCH_CHUNKS = 128


def embed_text(text: str, title: str | None) -> str:
    """What the embedder sees for a chunk's text: the document title adds what it is about."""
    return f"{title}\n{text}" if title else text


def _legacy_record(document: Document, registry: dict[str, dict]) -> str | None:
    """The id of this document's record in a store written before identity came from paths
    (ids were hashes of the display source), so an upgrade replaces it instead of duplicating."""
    legacy = document.legacy_doc_id
    record = registry.get(legacy)
    if legacy == document.doc_id or record is None or record.get("identity"):
        return None
    return legacy if record.get("source") == document.source else None


class Indexer:
    """Writes documents into a store.

    Args:
        store: where chunks and document records go.
        embedder: the embedder (its tokenizer also sizes chunks).
        chunker: splits documents; built from the embedder's tokenizer by the Assistant.
        max_bytes: files over this size are skipped.
    """

    def __init__(self, store: Store, embedder: Embedder, chunker: Chunker,
                 max_bytes: int = 50_000_000) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.max_bytes = max_bytes
        self._hasher = MinHasher()
        self._replaces: dict[str, str] = {}  # new doc_id -> the legacy id of its old version

    def ingest(
        self,
        paths: list[str | Path],
        include: list[str] | None = None,
        exclude: list[str] | None = None,
        prune: bool = False,
        progress: Progress | None = None,
    ) -> IngestReport:
        """Ingest files and folders; see `Assistant.ingest` for the contract."""
        with self.store.writing():
            return self._ingest(paths, include, exclude, prune, progress)

    def _ingest(self, paths: list[str | Path], include: list[str] | None,
                exclude: list[str] | None, prune: bool, progress: Progress | None
                ) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        missing = [str(p) for p in paths if not Path(p).expanduser().exists()]
        if missing:
            raise IngestError(
                f"No such file or folder: {', '.join(missing)}. Check the path and try again."
            )
        self.store.sweep()
        total, entries = load_documents(paths, include, exclude, self.max_bytes)
        registry = self.store.registry(fresh=True)
        seen_paths: set[str] = set()
        pending: list[tuple[Document, list[Chunk], str]] = []  # (doc, chunks, status)
        done = 0
        try:
            for source, result in entries:
                done += 1
                if progress:
                    progress(source, done, total)
                if isinstance(result, Skipped):
                    report.files.append(FileResult(result.path, "skipped", result.reason))
                    continue
                for doc in result:
                    if doc.path:
                        seen_paths.add(doc.path)
                    record = registry.get(doc.doc_id)
                    if record and record.get("doc_hash") == doc.fingerprint:
                        report.files.append(FileResult(doc.source, "unchanged",
                                                       chunks=int(record.get("chunks", 0)),
                                                       doc_id=doc.doc_id))
                        continue
                    chunks = self.chunker.split(doc)
                    if not chunks:
                        report.files.append(FileResult(doc.source, "skipped", "no text to index"))
                        continue
                    legacy = _legacy_record(doc, registry)
                    if legacy:
                        self._replaces[doc.doc_id] = legacy
                    status = "updated" if record or legacy else "added"
                    pending.append((doc, chunks, status))
                    if sum(len(c) for _, c, _ in pending) >= EMBED_BATCH_CHUNKS:
                        self._flush(pending, report)
            self._flush(pending, report)
        except KeyboardInterrupt:
            # Whole documents already written stay; the one in flight was never committed.
            report.seconds = time.perf_counter() - started
            raise
        if prune:
            report.files.extend(self._prune(paths, seen_paths))
        if any(f.status in ("added", "updated", "removed") for f in report.files):
            self.regroup()
        report.seconds = time.perf_counter() - started
        if report.files and all(f.status == "skipped" for f in report.files):
            reasons = "; ".join(f"{f.source}: {f.reason}" for f in report.files[:5])
            raise IngestError(f"Nothing could be ingested ({reasons}).", )
        if not report.files:
            raise IngestError(
                "No supported files found. Supported types: .txt .md .html .htm .pdf .docx "
                ".jsonl .csv (check --include/--exclude patterns)."
            )
        return report

    def _flush(self, pending: list[tuple[Document, list[Chunk], str]],
               report: IngestReport) -> None:
        """Embed the pending documents' chunks in one batch, then write them whole."""
        if not pending:
            return
        texts = [embed_text(c.text, doc.title) for doc, chunks, _ in pending for c in chunks]
        # Embed each distinct text once: an edited document keeps the vectors of its unchanged
        # chunks, and a text repeated within the batch (copies of a story) is embedded once.
        known: dict[str, list[float]] = {}
        for doc, _, status in pending:
            if status == "updated":
                known.update(self._stored_vectors(doc))
        todo = list(dict.fromkeys(t for t in texts if t not in known))
        known.update(zip(todo, self.embedder.embed(todo), strict=True))
        report.chunks_embedded += len(todo)
        vectors = [known[t] for t in texts]
        batch: list[PreparedDocument] = []
        offset = 0
        for doc, chunks, _ in pending:
            embeddings = vectors[offset : offset + len(chunks)]
            offset += len(chunks)
            mean = np.mean(np.asarray(embeddings, dtype=np.float32), axis=0)
            mean /= float(np.linalg.norm(mean)) or 1.0
            batch.append(PreparedDocument(doc, chunks, embeddings, mean.tolist(),
                                          self._minhash(doc.text)))
        self.store.write_documents(batch)
        for doc, _, _ in pending:
            legacy = self._replaces.pop(doc.doc_id, None)
            if legacy:  # the new version is committed; now the old one may go
                self.store.delete_document(legacy)
        for doc, chunks, status in pending:
            report.files.append(FileResult(doc.source, status, chunks=len(chunks),  # type: ignore[arg-type]
                                           doc_id=doc.doc_id))
        pending.clear()

    def _stored_vectors(self, document: Document) -> dict[str, list[float]]:
        """Embedder text -> stored vector of a document's current chunks (before it changes)."""
        out = {}
        doc_id = self._replaces.get(document.doc_id, document.doc_id)
        for text, meta, vector in self.store.chunk_embeddings_of(doc_id):
            if (meta.get("title") or None) == document.title:  # the title is embedded too
                out[embed_text(text, document.title)] = vector
        return out

    def _minhash(self, text: str) -> str:
        sig = self._hasher.signature(text)
        return base64.b64encode(np.asarray(sig.hashvalues, dtype=np.uint32).tobytes()).decode()

    def _prune(self, paths: list[str | Path], seen: set[str]) -> list[FileResult]:
        roots = [str(Path(p).expanduser().resolve()) for p in paths]
        removed = []
        for doc_id, record in self.store.registry(fresh=True).items():
            path = str(record.get("path") or "")
            if not path or path in seen:
                continue
            if any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots):
                self.store.delete_document(doc_id)
                removed.append(FileResult(str(record.get("source")), "removed",
                                          "file no longer exists", doc_id=doc_id))
        return removed

    def regroup(self) -> dict[str, list[str]]:
        """Recompute near-duplicate story groups over every document and store them.

        Two documents join a group when their MinHash-estimated shingle overlap is high or their
        mean chunk embeddings are nearly the same (a rewrite or a summary of the same story).
        """
        from datasketch import LeanMinHash, MinHash, MinHashLSH

        records = self.store.registry(fresh=True)
        if not records:
            return {}
        ids = list(records)
        groups = Groups(ids)
        lsh = MinHashLSH(threshold=DOC_DUPLICATE_JACCARD, num_perm=self._hasher.num_perm)
        for doc_id in ids:
            raw = records[doc_id].get("minhash")
            if not raw:
                continue
            values = np.frombuffer(base64.b64decode(raw), dtype=np.uint32).astype(np.uint64)
            sig = LeanMinHash(MinHash(num_perm=self._hasher.num_perm, hashvalues=values,
                                        scheme="affine32"))
            for other in lsh.query(sig):
                groups.union(doc_id, other)
            lsh.insert(doc_id, sig)
        vectors = self.store.doc_embeddings(ids)
        order = list(vectors)
        matrix = np.asarray([vectors[d] for d in order], dtype=np.float32).reshape(len(order), -1)
        for start in range(0, len(order), 1024):
            sims = matrix[start : start + 1024] @ matrix.T
            rows, cols = np.nonzero(sims >= DOC_DUPLICATE_COSINE)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if start + r < c:
                    groups.union(order[start + r], order[c])
        mapping = {doc_id: groups.find(doc_id) for doc_id in ids}
        self.store.set_groups(mapping)
        return groups.groups()
