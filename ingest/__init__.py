"""Ingestion: files in, clean documents and chunks out. Imports nothing from rag, ui or evals."""

from .chunking import (
    Chunker,
    definition_term,
    definitions,
    introduced_block,
    section_label,
    section_labels,
)
from .cleaning import bulleted, remove_chrome, unbulleted
from .dedup import Groups, MinHasher, containment, jaccard
from .loaders import SUPPORTED_SUFFIXES
from .metadata import extract_date, extract_title, normalize_date
from .pipeline import load_documents, to_document
from .types import Chunk, Document, Skipped, content_hash

__all__ = [
    "SUPPORTED_SUFFIXES", "Chunk", "Chunker", "Document", "Groups", "MinHasher", "Skipped",
    "bulleted", "containment", "content_hash", "definition_term", "definitions", "extract_date",
    "extract_title", "introduced_block", "jaccard", "load_documents", "normalize_date",
    "remove_chrome", "section_label", "section_labels", "to_document", "unbulleted",
]
