"""Shared fixtures: an isolated environment, the real embedder, real Chroma in a tmp dir."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
SHARED = Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared")).resolve()
NEWS = SHARED / "corpus" / "news"
ANSWER_DOC = "003_eff68191a37fd25e.txt"
QUESTION = "When did the presidents agree to draft the treaty?"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No RAG_* variable or `.env` of the developer's leaks into a test."""
    for key in list(os.environ):
        if key.startswith("RAG_") and key != "RAG_SHARED_DIR":
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture
def news_corpus() -> Path:
    if not NEWS.is_dir():
        pytest.skip(f"needs the user's corpus at {NEWS} (../shared is absent on this machine)")
    return NEWS


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One model folder per test session: the ONNX export and the joined Qwen GGUF, made once."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def embedder(model_dir: Path):  # type: ignore[no-untyped-def]
    """The embedder as the app builds it by default (onnxruntime, exported once per session)."""
    from rag.embeddings import Embedder

    embedder = Embedder(backend="onnx", cache_dir=model_dir)
    assert embedder.backend == "onnx"
    return embedder


@pytest.fixture
def make_assistant(tmp_path: Path, embedder, model_dir: Path) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """Build an Assistant on a fresh Chroma folder with the real embedder."""
    from rag import Assistant, Settings
    from rag.store import Store

    def make(answerer: object | None = None, collection: str = "test",
             answerer_name: str = "extractive", **settings: object):
        settings.setdefault("model_dir", model_dir)
        s = Settings(data_dir=tmp_path / "data", collection=collection,  # type: ignore[arg-type]
                     answerer=answerer_name, **settings)
        return Assistant(s, Store.from_settings(s), embedder, answerer=answerer)  # type: ignore[arg-type]

    return make


@pytest.fixture
def assistant_with(make_assistant, tmp_path: Path) -> Callable[..., object]:  # type: ignore[no-untyped-def]
    """An Assistant that has ingested a folder holding the given files (name -> text)."""
    def make(files: dict[str, str], **settings: object):  # type: ignore[no-untyped-def]
        folder = tmp_path / "docs"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text, encoding="utf-8")
        assistant = make_assistant(**settings)
        assistant.ingest([folder])
        return assistant

    return make


@pytest.fixture
def example_assistant(make_assistant):  # type: ignore[no-untyped-def]
    assistant = make_assistant()
    assistant.ingest([EXAMPLES])
    return assistant


@pytest.fixture
def news_assistant(make_assistant, news_corpus):  # type: ignore[no-untyped-def]
    assistant = make_assistant(collection="news")
    assistant.ingest([news_corpus])
    return assistant
