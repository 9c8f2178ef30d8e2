"""Settings: one typed object, documented in .env.example, read from .env and the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from rag import Settings

ROOT = Path(__file__).resolve().parents[1]


def test_env_example_documents_every_setting() -> None:
    text = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^RAG_([A-Z_]+)=", text, re.MULTILINE))
    fields = {name.upper() for name in Settings.model_fields}
    assert listed == fields
    # every setting has a comment right above it (or above its group)
    assert text.count("\n# ") >= len(fields) // 2


def test_env_file_and_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("RAG_TOP_K=7\nRAG_ANSWERER=local\nRAG_CHROMA_HOST=\n")
    monkeypatch.chdir(tmp_path)
    settings = Settings()
    assert settings.top_k == 7 and settings.answerer == "local" and settings.chroma_host is None
    monkeypatch.setenv("RAG_TOP_K", "3")
    assert Settings().top_k == 3
    assert Settings(top_k=9).top_k == 9


def test_bad_values_are_rejected_with_the_field_name() -> None:
    with pytest.raises(ValidationError, match="answerer"):
        Settings(answerer="gpt-9")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="top_k"):
        Settings(top_k=0)
    # A name Chroma would refuse fails at once, saying what a name may hold.
    for name in ("vg", "my docs", "-notes", "notes.", "x" * 506):
        with pytest.raises(ValidationError, match=r"collection name .* must be 3-505 characters"):
            Settings(collection=name)
    assert Settings(collection="eval_news").collection == "eval_news"
    assert Settings(collection="team.docs-2024").collection == "team.docs-2024"


def test_onnx_embedder_gives_the_torch_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    import numpy as np

    from rag.embeddings import Embedder

    torch_embedder = Embedder(backend="torch")
    texts = ["The library will reopen on 14 October 2024.", "Who designed it?" * 3,
             "A long text. " * 200]  # past the 256-token window: truncated the same way
    a = np.asarray(torch_embedder.embed(texts))
    b = np.asarray(embedder.embed(texts))
    assert embedder.backend == "onnx" and a.shape == b.shape
    assert float((a * b).sum(axis=1).min()) > 0.9999
    assert float(np.dot(torch_embedder.embed_query("treaty"), embedder.embed_query("treaty"))) \
        > 0.9999


def test_onnx_embedder_runs_without_torch_once_exported(embedder) -> None:  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from rag.embeddings import Embedder; "
            f"e = Embedder(backend='onnx', cache_dir=Path({str(embedder.cache_dir)!r})); "
            "e.embed(['a sentence']); print(e.backend, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.split() == ["onnx", "False"]


def test_an_export_that_disagrees_with_torch_is_not_used(embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    import numpy as np

    from rag import onnx_runtime
    from rag.embeddings import Embedder

    cache = tmp_path / "models"
    shutil.copytree(embedder.cache_dir, cache)
    cached = onnx_runtime.cached_export(embedder.model_name, cache)
    assert cached is not None
    path, reference = cached
    np.save(path.with_suffix(".probe.npy"), -reference)  # e.g. a foreign or corrupted export
    fallback = Embedder(backend="onnx", cache_dir=cache)
    assert fallback.backend == "torch"
    assert float(np.dot(fallback.embed_query("treaty"), embedder.embed_query("treaty"))) > 0.9999
