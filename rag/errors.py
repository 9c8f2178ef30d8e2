"""The exception tree. Every message says what to do next; the CLI and UI show it as is."""

from __future__ import annotations


class RagError(Exception):
    """Base of every error the assistant raises on purpose."""


class ConfigError(RagError):
    """A setting is missing or wrong."""


class EmptyIndexError(RagError):
    """A question was asked before anything was ingested."""

    def __init__(self, collection: str) -> None:
        super().__init__(
            f"Nothing is indexed in collection '{collection}' yet. "
            "Ingest documents first, e.g. `rag ingest path/to/folder`."
        )


class IngestError(RagError):
    """Nothing could be ingested from the given paths."""


class ModelUnavailableError(RagError):
    """A model could not be loaded or a model server could not be reached."""


class StoreError(RagError):
    """The vector store could not be opened or written."""
