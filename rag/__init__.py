"""Grounded, cited question answering over your own documents, offline.

    from rag import Assistant, Settings
    assistant = Assistant.from_settings(Settings())
    assistant.ingest(["docs/"])
    answer = assistant.ask("When did the presidents agree to draft the treaty?")

Heavy libraries load only when an `Assistant` is built, so importing `rag` is quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import (
    ConfigError,
    EmptyIndexError,
    IngestError,
    ModelUnavailableError,
    RagError,
    StoreError,
)
from .settings import Settings
from .types import (
    Answer,
    Citation,
    DocumentInfo,
    Evidence,
    FileResult,
    IngestReport,
    Source,
    StreamEvent,
)

if TYPE_CHECKING:
    from ingest import Chunk, Document

    from .assistant import Assistant

__all__ = [
    "Answer", "Assistant", "Chunk", "Citation", "ConfigError", "Document", "DocumentInfo",
    "EmptyIndexError", "Evidence", "FileResult", "IngestError", "IngestReport",
    "ModelUnavailableError", "RagError", "Settings", "Source", "StoreError", "StreamEvent",
]


def __getattr__(name: str) -> Any:
    # Lazy: `Assistant` pulls in torch, chromadb and llama-index.
    if name == "Assistant":
        from .assistant import Assistant

        return Assistant
    if name in ("Chunk", "Document"):
        import ingest

        return getattr(ingest, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
