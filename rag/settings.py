"""The one typed settings object, read from the environment and `.env` (prefix ``RAG_``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .model_files import LocalModel

AnswererName = Literal["extractive", "local", "openai"]
RetrievalMode = Literal["hybrid", "dense", "bm25"]
EmbedBackend = Literal["onnx", "torch"]


class Settings(BaseSettings):
    """Every knob of the assistant. Any field can be passed as a keyword to override `.env`.

    `.env.example` documents each one; keep the two in step (a test checks).
    """

    model_config = SettingsConfigDict(
        env_prefix="RAG_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Storage
    data_dir: Path = Field(Path(".rag"), description="Where the Chroma store and state live.")
    model_dir: Path | None = Field(
        None, description="Where model files are prepared (the joined Qwen GGUF, the ONNX "
        "export); empty = <data_dir>/models. Share one between data dirs to keep one copy.")
    collection: str = Field("documents", description="Chroma collection name.")
    chroma_host: str | None = Field(None, description="Chroma server host; empty = embedded store.")
    chroma_port: int = Field(8000, description="Chroma server port.")

    # Ingestion
    chunk_size: int = Field(200, ge=32, le=2048, description="Chunk size in embedder tokens.")
    chunk_overlap: int = Field(30, ge=0, description="Overlap between chunks in tokens.")
    max_file_mb: float = Field(50.0, gt=0, description="Files larger than this are skipped.")
    include: list[str] = Field(default_factory=list, description="Glob patterns to include.")
    exclude: list[str] = Field(default_factory=list, description="Glob patterns to exclude.")

    # Retrieval
    top_k: int = Field(5, ge=1, le=50, description="Evidence chunks given to the answerer.")
    retrieval_mode: RetrievalMode = Field("hybrid", description="hybrid | dense | bm25.")
    candidates: int = Field(30, ge=1, description="Candidates per retriever before fusion.")
    recency_weight: float = Field(
        0.15, ge=0, description="Strength of the soft preference for recent documents."
    )

    # Models
    embed_model: str | None = Field(
        None, description="sentence-transformers folder or name; empty = packaged all-MiniLM-L6-v2."
    )
    embed_backend: EmbedBackend = Field(
        "onnx", description="onnx (same vectors as torch, ~2.8x faster on CPU; exported once "
        "into <data_dir>/models) | torch.")
    answerer: AnswererName = Field("extractive", description="extractive | local | openai.")
    local_model: LocalModel = Field(
        "qwen2.5-coder-1.5b", description="Packaged GGUF for the local answerer: "
        "qwen2.5-coder-1.5b (default) | smollm2-135m.")
    gguf_path: Path | None = Field(
        None, description="Any GGUF file for the local answerer (overrides local_model)."
    )
    context_window: int = Field(2048, ge=256, description="LLM context window in tokens.")
    max_tokens: int = Field(160, ge=8, description="Most tokens an LLM answer may have.")
    prompt_sentences: int = Field(
        8, ge=1, le=40, description="Evidence sentences, best first, in an LLM answerer's prompt.")
    temperature: float = Field(0.0, ge=0, le=2, description="LLM sampling temperature.")
    llm_threads: int | None = Field(None, description="CPU threads for llama.cpp; empty = auto.")
    openai_base_url: str | None = Field(
        None, description="OpenAI-compatible server, e.g. http://localhost:11434/v1."
    )
    openai_api_key: str | None = Field(None, description="API key for that server.")
    openai_model: str = Field("gpt-4o-mini", description="Model name on that server.")
    request_timeout: float = Field(60.0, gt=0, description="Seconds to wait for an LLM server.")

    # Answer policy
    # Calibrated by `python -m evals.fit` on the gold sets' dev halves, checked on held-out; the
    # fitted model records the value it chose (`rag/sentence_model.json`, a test compares).
    abstain_threshold: float = Field(
        0.04, ge=0, le=1,
        description="Probability (fitted sentence model) that the best answering sentence holds "
                    "the answer, below which the assistant abstains.",
    )
    # Calibrated by `python -m evals.calibrate` on local-reader runs of the dev sets, together
    # with the verify threshold since session 18 (0.26 in session 16, alone; last in session 26).
    fallback_threshold: float = Field(
        0.22, ge=0, le=1,
        description="When a model's draft fails the citation check, the probability the best "
                    "evidence sentence must reach for the evidence sentences to answer instead; "
                    "below it the assistant abstains.",
    )
    # Calibrated by `python -m evals.calibrate` with the fallback threshold, on local-reader
    # runs of the dev sets made with RAG_VERIFY_THRESHOLD=0 (docs/evals.md, session 18).
    verify: bool = Field(
        True,
        description="Ask the answerer's model whether the sources it cites state its answer "
                    "(one more model call of one token, after the answer is written; answerers "
                    "without a model skip it).",
    )
    verify_threshold: float = Field(
        0.55, ge=0, le=1,
        description="The probability of \"yes\" from that check below which the assistant "
                    "abstains instead of answering; 0 records the check but never abstains on it.",
    )

    # UI
    ui_host: str = Field("127.0.0.1", description="Address the chat UI listens on.")
    ui_port: int = Field(7860, description="Port of the chat UI.")
    ui_auth: str | None = Field(None, description="user:password to require a login.")
    upload_max_mb: float = Field(20.0, gt=0, description="Largest upload the UI accepts.")

    log_level: str = Field("WARNING", description="Python logging level.")

    @field_validator("chroma_host", "openai_base_url", "openai_api_key", "ui_auth", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("embed_model", "gguf_path", "llm_threads", "model_dir", mode="before")
    @classmethod
    def _empty_path_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("collection")
    @classmethod
    def _chroma_name(cls, value: str) -> str:
        # Chroma's rule, checked here so a bad name fails at once, not after the embedder has
        # loaded; the store adds "__docs" and "__state" collections, so 7 characters are kept.
        if not (3 <= len(value) <= 505 and re.fullmatch(r"[A-Za-z0-9](?:[\w.-]*[A-Za-z0-9])?",
                                                         value, re.ASCII)):
            raise ValueError(
                f"collection name {value!r} must be 3-505 characters of letters, digits, '.', '_' "
                "or '-', starting and ending with a letter or digit (RAG_COLLECTION, "
                "--collection)")
        return value

    @property
    def models_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    def local_gguf(self) -> Path:
        """The GGUF file the local answerer runs: RAG_GGUF_PATH, else the packaged model."""
        from .model_files import local_gguf

        return self.gguf_path or local_gguf(self.local_model, self.models_dir)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"
