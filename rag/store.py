"""The Chroma store: chunks with their embeddings, and a registry of whole documents.

Writes go through llama-index's `ChromaVectorStore`. A document counts as indexed only once its
registry record is written, after all of its chunks: chunks whose document has no matching
record (a crash or Ctrl-C mid-write) are never retrieved and are swept on the next ingest, so a
re-run finishes the job and no half-written document is ever served. Writers to one embedded
store take turns (`Store.writing`): another process's sweep would take a document in flight for
the leftovers of a crash.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from filelock import FileLock, Timeout

from ingest import Chunk, Document

from .errors import StoreError
from .types import DocumentInfo

if TYPE_CHECKING:
    from .settings import Settings

log = logging.getLogger(__name__)
_REGISTRY_TTL_S = 2.0  # how stale another process's writes may look to a long-running reader
_STATE_ID = "change-token"


def date_int(iso: str | None) -> int:
    """`2024-01-17` -> 20240117, unknown -> 0 (Chroma filters need numbers)."""
    if not iso:
        return 0
    try:
        return int(iso[:10].replace("-", ""))
    except ValueError:
        return 0


def open_client(settings: Settings) -> Any:
    """A Chroma client: a server when `chroma_host` is set, else a persistent folder."""
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    try:
        if settings.chroma_host:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)
    except Exception as exc:  # chromadb raises many kinds; all mean the same to the user
        where = (
            f"the Chroma server at {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"the store at {settings.chroma_dir}"
        )
        raise StoreError(
            f"Could not open {where}: {exc}. Check RAG_CHROMA_HOST/RAG_CHROMA_PORT or "
            "RAG_DATA_DIR, or start the server with `chroma run --path DIR`."
        ) from exc


@dataclass
class PreparedDocument:
    """A document ready to write: its chunks, their embeddings and its record's fields."""

    document: Document
    chunks: list[Chunk]
    embeddings: list[list[float]]
    doc_embedding: list[float]
    minhash: str


def _record(item: PreparedDocument, ingested_at: float) -> dict[str, Any]:
    """The registry record of a document (what marks it committed)."""
    document = item.document
    return {
        "source": document.source,
        "title": document.title or "",
        "published": document.published or "",
        "published_int": date_int(document.published),
        "url": document.url or "",
        "outlet": document.outlet or "",
        "path": document.path or "",
        "identity": document.identity,
        "doc_hash": document.fingerprint,
        "chunks": len(item.chunks),
        "group": document.doc_id,
        "minhash": item.minhash,
        "ingested_at": ingested_at,
    }


@dataclass
class StoredChunk:
    """A committed chunk as read back from the store."""

    chunk_id: str
    doc_id: str
    text: str
    metadata: dict[str, Any]


class Store:
    """Chunks and document records of one collection.

    Args:
        client: a chromadb client (persistent, server or ephemeral).
        collection: the collection name; the registry lives in `<collection>__docs`.
    """

    def __init__(self, client: Any, collection: str,
                 reopen: Callable[[], Any] | None = None,
                 write_lock: Path | None = None) -> None:
        self.client = client
        self.name = collection
        self._reopen = reopen
        # Held by whoever writes to an embedded store (a Chroma server orders its own writes).
        self._write_lock = None if write_lock is None else FileLock(write_lock)
        self._connect(client)
        self._lock = threading.RLock()
        self._own_writes = 0  # writes this process made since the registry was last read
        self._registry: dict[str, dict[str, Any]] | None = None
        self._registry_at = 0.0
        self._registry_count = -1
        self._seen_token: str | None = None  # the change token the cached registry was read at
        self._written_token: str | None = None  # the last token this process wrote
        self.version = 0  # bumps whenever this process sees the registry change

    def _connect(self, client: Any) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        space = {"hnsw:space": "cosine"}
        try:
            self._chunks = client.get_or_create_collection(
                self.name, metadata=space, embedding_function=None
            )
            self._docs = client.get_or_create_collection(
                f"{self.name}__docs", metadata=space, embedding_function=None
            )
            # One record whose token every writer replaces: a reader that sees a token it did not
            # write knows the collection changed, even when the document count did not (an edit).
            self._state = client.get_or_create_collection(
                f"{self.name}__state", embedding_function=None
            )
        except Exception as exc:
            raise StoreError(f"Could not open collection '{self.name}': {exc}") from exc
        self.client = client
        self.vectors = ChromaVectorStore(chroma_collection=self._chunks)

    def _reload(self) -> None:
        """Reopen an embedded store after another process wrote to it.

        An embedded Chroma client keeps its vector index in memory; documents another process
        (`rag ingest` beside a running UI) adds would be listed but not searchable until the
        index is read again from disk.
        """
        if self._reopen is None:
            return
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        self._connect(self._reopen())
        log.info("reloaded the store after another process changed it")

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        if settings.chroma_host:
            return cls(open_client(settings), settings.collection)
        client = open_client(settings)  # creates the folder the lock file lives in
        return cls(client, settings.collection, lambda: open_client(settings),
                   settings.chroma_dir / f"{settings.collection}.write.lock")

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the store for a run of writes (an ingest, a delete): another process's ingest
        waits for it, as its sweep would delete this one's chunks in flight (written, their
        document's record not yet), and this one waits for another's."""
        lock = self._write_lock
        if lock is None:
            yield
            return
        try:
            lock.acquire(timeout=0)
        except Timeout:
            log.warning("another process is writing to the store (%s); waiting for it to finish",
                        lock.lock_file)
            lock.acquire()
        try:
            yield
        finally:
            lock.release()

    # ---- the registry of committed documents -------------------------------------------

    def registry(self, fresh: bool = False) -> dict[str, dict[str, Any]]:
        """doc_id -> record metadata of every committed document.

        Cached for a moment; after that one read of the change token tells whether anything
        (this process or another) wrote since, and only then are the records read again.
        """
        with self._lock:
            now = time.monotonic()
            cached = self._registry is not None and not fresh
            if cached and now - self._registry_at < _REGISTRY_TTL_S:
                return self._registry  # type: ignore[return-value]
            token = self.change_token()
            count = self._docs.count()
            if cached and token == self._seen_token and (
                    token is not None or count == self._registry_count):
                # Stores written before change tokens existed fall back to the document count.
                self._registry_at = now
                return self._registry  # type: ignore[return-value]
            records: dict[str, dict[str, Any]] = {}
            for ids, metas in self._paged(self._docs, include=["metadatas"]):
                for doc_id, meta in zip(ids, metas, strict=True):
                    records[doc_id] = dict(meta or {})
            if records != self._registry:
                external = (token != self._written_token) if token is not None \
                    else not self._own_writes
                if self._registry is not None and external:
                    self._reload()
                self.version += 1
            self._own_writes = 0
            self._registry, self._registry_at, self._registry_count = records, now, count
            self._seen_token = token
            return records

    def change_token(self) -> str | None:
        """The token the last writer left (None in a store no writer with tokens touched)."""
        try:
            got = self._state.get(ids=[_STATE_ID], include=["metadatas"])
        except Exception:  # a stale embedded index; the next registry read reloads
            return None
        metas = got.get("metadatas") or []
        return str(metas[0].get("token")) if metas and metas[0] else None

    def _invalidate(self) -> None:
        """After a write: forget the cached registry and leave a new change token."""
        with self._lock:
            self._registry_at = 0.0
            self._registry_count = -1
            self._own_writes += 1
            token = uuid.uuid4().hex
            try:
                self._state.upsert(ids=[_STATE_ID], embeddings=[[1.0]], documents=[""],
                                   metadatas=[{"token": token}])
                self._written_token = token
            except Exception as exc:  # readers then fall back to counting documents
                log.warning("could not record a change token: %s", exc)

    @staticmethod
    def _paged(collection: Any, include: list[str], where: dict | None = None,
               page: int = 5000) -> Iterator[tuple[list[str], list[Any]]]:
        offset = 0
        key = include[0]
        while True:
            got = collection.get(include=include, where=where, limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            yield ids, got[key]
            if len(ids) < page:
                return
            offset += page

    def documents(self) -> list[DocumentInfo]:
        """Every committed document, sorted by source."""
        infos = [
            DocumentInfo(
                doc_id=doc_id,
                source=str(meta.get("source", "")),
                title=meta.get("title") or None,
                published=meta.get("published") or None,
                chunks=int(meta.get("chunks", 0)),
                group=meta.get("group") or None,
                content_hash=str(meta.get("doc_hash", "")),
                url=meta.get("url") or None,
            )
            for doc_id, meta in self.registry(fresh=True).items()
        ]
        return sorted(infos, key=lambda d: d.source)

    # ---- writing ----------------------------------------------------------------------

    def write_document(
        self,
        document: Document,
        chunks: list[Chunk],
        embeddings: list[list[float]],
        doc_embedding: list[float],
        minhash: str,
    ) -> None:
        """Replace one document's chunks and commit its record last."""
        self.write_documents([PreparedDocument(document, chunks, embeddings, doc_embedding,
                                               minhash)])

    def write_documents(self, batch: list[PreparedDocument]) -> None:
        """Replace several documents' chunks, then commit their records (see the module docstring).

        One Chroma call per step for the whole batch: each call persists, and per-document calls
        cost 27 s of a 112 s ingest of 577 articles.
        """
        from llama_index.core.schema import BaseNode, NodeRelationship, RelatedNodeInfo, TextNode

        if not batch:
            return
        nodes: list[BaseNode] = []
        for item in batch:
            document = item.document
            for chunk, embedding in zip(item.chunks, item.embeddings, strict=True):
                node = TextNode(
                    id_=chunk.chunk_id,
                    text=chunk.text,
                    embedding=embedding,
                    metadata={
                        "doc_id": document.doc_id,
                        "source": document.source,
                        "title": document.title or "",
                        "published": document.published or "",
                        "published_int": date_int(document.published),
                        "url": document.url or "",
                        "page": chunk.page or 0,
                        "section": chunk.section or "",
                        "position": chunk.position,
                        "start": chunk.start,
                        "doc_hash": document.fingerprint,
                        "chunk_hash": chunk.content_hash,
                    },
                )
                node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(
                    node_id=document.doc_id)
                nodes.append(node)
        now = time.time()
        with self._lock:
            try:
                # Old chunks go first; until the records below are rewritten, an old record's
                # hash no longer matches any chunk, so readers see the document as absent, never
                # mixed.
                self._chunks.delete(where={"doc_id": {"$in": [i.document.doc_id for i in batch]}})
                if nodes:
                    self.vectors.add(nodes)
                self._docs.upsert(
                    ids=[i.document.doc_id for i in batch],
                    embeddings=[i.doc_embedding for i in batch],
                    documents=[i.document.title or i.document.source for i in batch],
                    metadatas=[_record(i, now) for i in batch],
                )
            except Exception as exc:
                names = ", ".join(f"'{i.document.source}'" for i in batch[:3])
                more = f" and {len(batch) - 3} more" if len(batch) > 3 else ""
                raise StoreError(f"Could not write {names}{more} to the store: {exc}. "
                                 "Nothing was half-written: run the ingest again.") from exc
            finally:
                self._invalidate()

    def delete_document(self, doc_id: str) -> None:
        """Remove a document: its record first (so it stops being served), then its chunks."""
        with self._lock:
            self._docs.delete(ids=[doc_id])
            self._chunks.delete(where={"doc_id": doc_id})  # as write_documents does
            self._invalidate()

    def set_groups(self, groups: dict[str, str]) -> None:
        """Store each document's duplicate-group id where it changed."""
        records = self.registry(fresh=True)
        changed = [d for d, g in groups.items() if d in records and records[d].get("group") != g]
        if not changed:
            return
        with self._lock:
            for start in range(0, len(changed), 1000):
                ids = changed[start : start + 1000]
                metas = [{**records[d], "group": groups[d]} for d in ids]
                self._docs.update(ids=ids, metadatas=metas)
            self._invalidate()

    def sweep(self) -> int:
        """Delete chunks that belong to no committed document (left by an interrupted write)."""
        records = self.registry(fresh=True)
        orphans: list[str] = []
        for ids, metas in self._paged(self._chunks, include=["metadatas"]):
            for chunk_id, meta in zip(ids, metas, strict=True):
                record = records.get(str(meta.get("doc_id")))
                if record is None or record.get("doc_hash") != meta.get("doc_hash"):
                    orphans.append(chunk_id)
        with self._lock:
            for start in range(0, len(orphans), 5000):
                self._chunks.delete(ids=orphans[start : start + 5000])
        if orphans:
            log.info("swept %d chunks of interrupted writes", len(orphans))
        return len(orphans)

    def reset(self) -> None:
        """Delete every chunk and document of this collection."""
        with self._lock:
            for collection in (self._chunks, self._docs):
                for ids, _ in self._paged(collection, include=["metadatas"]):
                    collection.delete(ids=ids)
            self._invalidate()

    # ---- reading ----------------------------------------------------------------------

    def count_chunks(self) -> int:
        return int(self._chunks.count())

    def is_committed(self, meta: dict[str, Any]) -> bool:
        record = self.registry().get(str(meta.get("doc_id")))
        return record is not None and record.get("doc_hash") == meta.get("doc_hash")

    def all_chunks(self) -> list[StoredChunk]:
        """Every committed chunk (for the BM25 index and evals)."""
        out: list[StoredChunk] = []
        offset = 0
        while True:
            got = self._chunks.get(include=["documents", "metadatas"], limit=5000, offset=offset)
            if not got["ids"]:
                break
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"],
                                            strict=True):
                meta = dict(meta or {})
                if self.is_committed(meta):
                    out.append(StoredChunk(chunk_id, str(meta["doc_id"]), text or "", meta))
            if len(got["ids"]) < 5000:
                break
            offset += 5000
        return out

    def embeddings(self, chunk_ids: list[str]) -> dict[str, list[float]]:
        """Stored embeddings of some chunks (those that exist)."""
        if not chunk_ids:
            return {}
        got = self._retrying(lambda: self._chunks.get(ids=chunk_ids, include=["embeddings"]))
        return {cid: list(e) for cid, e in zip(got["ids"], got["embeddings"], strict=True)}

    def chunk_embeddings_of(self, doc_id: str) -> list[tuple[str, dict[str, Any], list[float]]]:
        """(text, metadata, embedding) of every stored chunk of a document."""
        got = self._retrying(lambda: self._chunks.get(
            where={"doc_id": doc_id}, include=["documents", "metadatas", "embeddings"]))
        return [(str(t), dict(m or {}), [float(x) for x in e]) for t, m, e in
                zip(got["documents"], got["metadatas"], got["embeddings"], strict=True)]

    def doc_embeddings(self, doc_ids: list[str]) -> dict[str, list[float]]:
        """Mean chunk embedding of each document (for grouping near-duplicate stories)."""
        out: dict[str, list[float]] = {}
        for start in range(0, len(doc_ids), 5000):
            ids = doc_ids[start : start + 5000]

            def read(ids: list[str] = ids) -> Any:
                return self._docs.get(ids=ids, include=["embeddings"])

            got = self._retrying(read)
            out.update({d: list(e) for d, e in zip(got["ids"], got["embeddings"], strict=True)})
        return out

    def _retrying(self, call: Callable[[], Any]) -> Any:
        """Run a read; if the in-memory index is stale (another process wrote), reload once."""
        try:
            return call()
        except Exception as exc:
            if self._reopen is None:
                raise StoreError(f"Could not read the store: {exc}") from exc
            log.info("store read failed (%s); reloading and retrying", exc)
            with self._lock:
                self._reload()
            return call()

    def dense_query(
        self, embedding: list[float], n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[StoredChunk, float]]:
        """Nearest committed chunks to a query embedding, with cosine similarity."""
        import math

        from llama_index.core.vector_stores.types import VectorStoreQuery

        total = self.count_chunks()
        if total == 0:
            return []
        query = VectorStoreQuery(query_embedding=embedding, similarity_top_k=min(n, total))
        result = self._retrying(
            lambda: self.vectors.query(query, where=where) if where else self.vectors.query(query))
        hits: list[tuple[StoredChunk, float]] = []
        for node, similarity in zip(result.nodes or [], result.similarities or [], strict=True):
            meta = dict(node.metadata)
            if not self.is_committed(meta):
                continue
            # ChromaVectorStore reports exp(-distance); with cosine space distance = 1 - cos.
            cosine = 1.0 + math.log(max(similarity, 1e-12))
            hits.append((StoredChunk(node.node_id, str(meta["doc_id"]), node.get_content(), meta),
                         cosine))
        return hits
