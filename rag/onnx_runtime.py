"""The embedder's transformer run by onnxruntime: same weights, same vectors, faster on CPU.

sentence-transformers' own ONNX backend needs `optimum-onnx`, which does not install beside the
pinned transformers 5; onnxruntime itself comes with chromadb. So the model is exported once with
`torch.onnx.export` into a cache folder and run here with the model's own mean pooling. A
self-check against the torch model decides whether the export is used at all: the torch vector
of a probe sentence is stored beside the export, so later runs check the export against it
without loading torch at all (~4 s and ~450 MB less per process).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

AGREEMENT = 0.9999  # cosine the ONNX and torch vectors of a probe sentence must reach
EXPORT_VERSION = "2"  # part of the cache key: a change in how the model is exported re-exports
# Measured on 1,500 RealTime QA chunks (2 cores): batches of 8 sorted by length took 19-20 s,
# 32 took 22 s, 128 took 27 s; smaller batches stay in cache and pad less.
BATCH_SIZE = 8
_PROBE = "Moscow and Tehran are working on the final version of a comprehensive new treaty."


def mean_pooled_folder(model_dir: Path) -> bool:
    """Whether a sentence-transformers folder is transformer -> mean pooling (-> normalize), the
    shape this runner reproduces; anything else stays on torch."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text())
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        if kinds not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
            return False
        pooling = json.loads((model_dir / modules[1]["path"] / "config.json").read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v is True]
    return modes == ["pooling_mode_mean_tokens"]


def prompts(model_dir: Path) -> dict[str, str]:
    """The prompts a sentence-transformers folder asks for ("query"/"text" -> prefix)."""
    try:
        config = json.loads((model_dir / "config_sentence_transformers.json").read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in (config.get("prompts") or {}).items() if v}


def export_path(model_name: str, cache_dir: Path) -> Path:
    """Where the export of a model lives (a new `EXPORT_VERSION` means a new file)."""
    where = str(Path(model_name).resolve() if Path(model_name).exists() else model_name)
    key = hashlib.sha1(f"{where}|{EXPORT_VERSION}".encode()).hexdigest()[:12]
    return cache_dir / f"{Path(model_name).name or 'model'}-{key}.onnx"


def _reference_path(onnx_path: Path) -> Path:
    return onnx_path.with_suffix(".probe.npy")


def export(st: Any, model_name: str, cache_dir: Path) -> Path:
    """Export a loaded SentenceTransformer's transformer (once) and store the torch vector of
    the probe sentence beside it; returns the export's path."""
    path = export_path(model_name, cache_dir)
    reference = _reference_path(path)
    if not path.is_file():
        _export_transformer(st, path)
    if not reference.is_file():
        vector = np.asarray(st.encode([_PROBE], normalize_embeddings=True), dtype=np.float32)[0]
        _atomic_write(reference, lambda tmp: np.save(tmp, vector))  # tmp ends in .npy
    return path


def cached_export(model_name: str, cache_dir: Path) -> tuple[Path, np.ndarray] | None:
    """The export and its probe's torch vector, if a previous run made them."""
    path = export_path(model_name, cache_dir)
    reference = _reference_path(path)
    if not (path.is_file() and reference.is_file()):
        return None
    try:
        with open(reference, "rb") as fh:
            return path, np.load(fh)
    except (OSError, ValueError):
        return None


def _atomic_write(path: Path, write: Callable[[str], None]) -> None:
    """Have `write` fill a file beside `path`, then rename it into place: another process may
    export the same model at the same time, and a half-written file must never be read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _export_transformer(st: Any, path: Path) -> None:
    import torch

    transformer = st[0].auto_model.eval()
    tokenizer = st.tokenizer
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids")
             if n in tokenizer.model_input_names]

    class Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = transformer

        def forward(self, *args: Any) -> Any:
            return self.model(**dict(zip(names, args, strict=True))).last_hidden_state

    sample = tokenizer(["hello world"], return_tensors="pt")
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "hidden"]}
    # Traced with plain ("eager") attention: onnxruntime runs that graph 1.17x faster than
    # the traced scaled-dot-product one (22.6 s vs 26.4 s on 1,500 chunks, same vectors).
    attention = getattr(transformer.config, "_attn_implementation", None)

    def write(target: str) -> None:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer chatter about shapes fixed in export
            torch.onnx.export(Wrapped(), tuple(sample[n] for n in names), target,
                              input_names=names, output_names=["hidden"], dynamic_axes=axes,
                              opset_version=17, dynamo=False)

    try:
        _set_attention(transformer, "eager")
        _atomic_write(path, write)
    finally:
        if attention:
            _set_attention(transformer, attention)
    log.info("exported %s", path)


class OnnxEncoder:
    """Mean-pooled, unit-length sentence vectors from an exported transformer.

    Args:
        model_dir: the sentence-transformers folder (its `tokenizer.json` and max length).
        onnx_path: the export (see `export`).
        threads: onnxruntime intra-op threads (default: all cores).
    """

    def __init__(self, model_dir: Path, onnx_path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        try:
            config = json.loads((model_dir / "sentence_bert_config.json").read_text())
            self.max_length = int(config.get("max_seq_length") or 256)
        except (OSError, ValueError):
            self.max_length = 256
        # Two tokenizers: chunking counts whole documents, encoding truncates and pads.
        self.counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.counter.no_truncation()
        self.counter.no_padding()
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        # Padded positions are masked out of attention and pooling; the id only has to exist.
        pad = self.counter.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=pad or 0, pad_token="[PAD]")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(onnx_path), options,
                                            providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    def count(self, text: str) -> list[int]:
        """Token ids of a text, no special tokens, no truncation."""
        return list(self.counter.encode(text, add_special_tokens=False).ids)

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length vectors, in input order (batches of similar length: less padding)."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        for start in range(0, len(texts), batch_size):
            idx = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            fields = {"input_ids": [e.ids for e in encodings],
                      "attention_mask": [e.attention_mask for e in encodings],
                      "token_type_ids": [e.type_ids for e in encodings]}
            feed = {n: np.asarray(fields[n], dtype=np.int64) for n in self.inputs}
            hidden = self.session.run(None, feed)[0]
            mask = np.asarray(fields["attention_mask"], dtype=np.float32)[..., None]
            vecs = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            vecs /= np.clip(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12, None)
            if out is None:
                out = np.empty((len(texts), vecs.shape[1]), dtype=np.float32)
            out[idx] = vecs
        assert out is not None
        return out

    def agrees_with(self, reference: np.ndarray) -> bool:
        """Whether this export reproduces the torch vector of the probe sentence (a bad or
        foreign export must never be used)."""
        mine = self.encode([_PROBE])[0]
        return mine.shape == reference.shape and float(mine @ reference) >= AGREEMENT


def _set_attention(model: Any, implementation: str) -> None:
    """Switch a transformers model's attention kernel (the weights are unchanged)."""
    try:
        model.set_attn_implementation(implementation)
    except (AttributeError, ValueError):  # older transformers: the config field is read per call
        model.config._attn_implementation = implementation
