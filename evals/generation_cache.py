"""Reuse a model's generations across eval runs (`rag eval --generation-cache FILE`).

A change to what happens after generation (the citation check, the answer policy, the
fallback) is then measured on every gold set in minutes instead of re-running the model, and
both sides of a comparison read the very same drafts. A generation is keyed by the model's
identity, the exact messages and the generation settings: a prompt that differs by one
character is generated afresh, so a change to retrieval or the prompt is still measured with
the model.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag.errors import RagError

Message = dict[str, str]


def model_identity(generator: Any) -> str:
    """What a generation depends on besides the prompt: which model, and how it samples."""
    path = getattr(generator, "model_path", None)
    if path is not None:  # a GGUF file: its name and size tell two models apart
        size = Path(path).stat().st_size if Path(path).is_file() else -1
        model = f"gguf:{Path(path).name}:{size}:ctx{getattr(generator, 'context_window', '')}"
    else:
        model = (f"{type(generator).__name__}:{getattr(generator, 'base_url', '')}:"
                 f"{getattr(generator, 'model', '')}")
    return f"{model}:t{getattr(generator, 'temperature', '')}"


class GenerationCache:
    """Generations stored in one SQLite file, shared by every run that names it.

    Args:
        path: the SQLite file (created with its folder when missing).
    Raises:
        RagError: the file cannot be opened as a cache.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.execute("CREATE TABLE IF NOT EXISTS generations "
                             "(key TEXT PRIMARY KEY, pieces TEXT NOT NULL)")
        except sqlite3.DatabaseError as exc:
            raise RagError(f"Cannot use {self.path} as a generation cache ({exc}). Name a new "
                           "file, or delete this one to start an empty cache.") from exc

    @staticmethod
    def key(identity: str, messages: list[Message], max_tokens: int | str | None) -> str:
        blob = json.dumps([identity, messages, max_tokens], sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def get(self, key: str) -> list[Any] | None:
        with self._lock:
            row = self._db.execute("SELECT pieces FROM generations WHERE key = ?",
                                   (key,)).fetchone()
        return None if row is None else list(json.loads(row[0]))

    def put(self, key: str, pieces: list[Any]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO generations VALUES (?, ?)",
                             (key, json.dumps(pieces, ensure_ascii=False)))
            self._db.commit()

    def stats(self) -> dict[str, Any]:
        """Hits and misses of this run (what the report records)."""
        return {"path": str(self.path), "hits": self.hits, "misses": self.misses}


class CachedGenerator:
    """A generator (`chat(messages, max_tokens) -> Iterator[str]`) whose generations are kept.

    A cached generation is replayed piece by piece, as the model streamed it; a new one is
    stored only once the model finished it (an interrupted generation is not kept).
    """

    def __init__(self, generator: Any, cache: GenerationCache) -> None:
        self.generator = generator
        self.cache = cache
        self.identity = model_identity(generator)

    def __getattr__(self, name: str) -> Any:  # model_path, max_tokens, ... of the wrapped one
        return getattr(self.generator, name)

    def chat(self, messages: list[Message], max_tokens: int | None = None) -> Iterator[str]:
        key = self.cache.key(self.identity, messages,
                             max_tokens or getattr(self.generator, "max_tokens", None))
        pieces = self.cache.get(key)
        if pieces is not None:
            self.cache.hits += 1
            yield from pieces
            return
        self.cache.misses += 1
        pieces = []
        for piece in self.generator.chat(messages, max_tokens):
            pieces.append(piece)
            yield piece
        self.cache.put(key, pieces)

    def yes_probability(self, messages: list[Message]) -> float | None:
        """The wrapped model's P(yes) for a yes/no question, kept like a generation (None when
        the wrapped model cannot judge)."""
        if not hasattr(self.generator, "yes_probability"):
            return None
        key = self.cache.key(self.identity, messages, "yes_probability")
        kept = self.cache.get(key)
        if kept is not None:
            self.cache.hits += 1
            return kept[0]  # type: ignore[no-any-return]
        self.cache.misses += 1
        judged = self.generator.yes_probability(messages)
        self.cache.put(key, [judged])
        return judged  # type: ignore[no-any-return]


def cache_generations(assistant: Any, cache: GenerationCache) -> bool:
    """Route an assistant's model calls through the cache; False when its answerer runs no
    model (the extractive one)."""
    answerer = assistant.answerer
    generator = getattr(answerer, "generator", None)
    if generator is None:
        return False
    if isinstance(generator, CachedGenerator):
        generator.cache = cache
    else:
        answerer.generator = CachedGenerator(generator, cache)
    return True
