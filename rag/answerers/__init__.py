"""Answerers, chosen by `Settings.answerer`; all produce text with `[n]` markers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Answerer, Request, human_date
from .extractive import ExtractiveAnswerer

if TYPE_CHECKING:
    from ..settings import Settings

__all__ = ["Answerer", "ExtractiveAnswerer", "Request", "human_date", "make_answerer"]


def make_answerer(settings: Settings) -> Answerer:
    """Build the answerer a settings object names (models load lazily, on first answer)."""
    from ..errors import ConfigError
    from .llm import LlamaCppGenerator, LLMAnswerer, OpenAIGenerator

    if settings.answerer == "extractive":
        return ExtractiveAnswerer()
    if settings.answerer == "local":
        return LLMAnswerer("local", LlamaCppGenerator(
            settings.local_gguf(), settings.context_window, settings.llm_threads,
            settings.max_tokens, settings.temperature), settings.prompt_sentences)
    if settings.answerer == "openai":
        if not settings.openai_base_url and not settings.openai_api_key:
            raise ConfigError(
                "The openai answerer needs RAG_OPENAI_BASE_URL (e.g. http://localhost:11434/v1 "
                "for Ollama) or RAG_OPENAI_API_KEY for OpenAI itself."
            )
        return LLMAnswerer("openai", OpenAIGenerator(
            settings.openai_base_url, settings.openai_api_key, settings.openai_model,
            settings.max_tokens, settings.temperature, settings.request_timeout),
            settings.prompt_sentences)
    raise ConfigError(f"Unknown answerer '{settings.answerer}': use extractive, local or openai.")
