"""Document identity, edits seen by a running assistant, and metadata edits: the store never
loses or mixes up a document, and never answers from text that was replaced."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import RagError

pytestmark = pytest.mark.slow


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def two_folders(tmp_path: Path) -> tuple[Path, Path]:
    """Two folders that each hold a different `notes.md`."""
    a, b = tmp_path / "docs" / "a", tmp_path / "docs" / "b"
    write(a / "notes.md", "# Harbour\n\nThe harbour festival starts on 12 August 2024 on the "
          "north pier.\n")
    write(b / "notes.md", "# Orchard\n\nThe orchard harvest fair opens on 3 October 2024 in the "
          "old mill.\n")
    return a, b


def test_same_name_in_two_folders_are_two_documents(make_assistant, two_folders) -> None:  # type: ignore[no-untyped-def]
    a, b = two_folders
    one_by_one = make_assistant(collection="separately")
    assert one_by_one.ingest([a]).added == 1
    assert one_by_one.ingest([b]).added == 1, "b/notes.md must not replace a/notes.md"
    assert len(one_by_one.documents()) == 2
    assert "12 August 2024" in one_by_one.ask("When does the harbour festival start?").text
    assert "3 October 2024" in one_by_one.ask("When does the orchard harvest fair open?").text

    together = make_assistant(collection="together")
    report = together.ingest([a, b])  # used to fail with "Expected IDs to be unique"
    assert report.added == 2 and not report.skipped
    assert together.ingest([a, b]).unchanged == 2
    # The parent folder reaches the same files: the same documents, not copies.
    parent = together.ingest([a.parent])
    assert parent.unchanged == 2 and parent.added == 0
    assert len(together.documents()) == 2
    # A file given twice (its folder and itself) is read once.
    assert together.ingest([a, a / "notes.md"]).unchanged == 1


def test_deleting_by_an_ambiguous_name_asks_for_the_path(make_assistant, two_folders) -> None:  # type: ignore[no-untyped-def]
    a, b = two_folders
    assistant = make_assistant()
    assistant.ingest([a, b])
    with pytest.raises(RagError, match="names 2 documents"):
        assistant.delete("notes.md")
    assert len(assistant.documents()) == 2, "an ambiguous delete removes nothing"
    assert assistant.delete(str(a / "notes.md"))
    assert [d.title for d in assistant.documents()] == ["Orchard"]
    assert assistant.delete("notes.md"), "once unique, the name is enough"
    assert assistant.documents() == []


def test_editing_title_or_date_is_an_update(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "notes"
    body = "The harbour festival starts on 12 August on the north pier.\n"
    note = write(folder / "festival.md", f"---\ntitle: Harbour festival\ndate: 2024-05-01\n---\n\n{body}")
    assistant = make_assistant()
    assistant.ingest([folder])
    write(note, f"---\ntitle: Harbour festival\ndate: 2024-06-02\n---\n\n{body}")
    report = assistant.ingest([folder])
    assert report.updated == 1 and report.chunks_embedded == 0, "same text and title: reused"
    assert assistant.documents()[0].published == "2024-06-02"
    write(note, f"---\ntitle: Harbour festival 2024\ndate: 2024-06-02\n---\n\n{body}")
    assert assistant.ingest([folder]).updated == 1
    assert assistant.documents()[0].title == "Harbour festival 2024"
    # A sidecar metadata.jsonl is metadata too.
    plain = write(folder / "plain.txt", "The orchard harvest fair opens in the old mill.\n")
    assistant.ingest([folder])
    write(folder / "metadata.jsonl", '{"file": "plain.txt", "published": "2024-10-03"}\n')
    report = assistant.ingest([folder])
    assert report.updated == 1 and report.unchanged == 1
    dates = {d.source: d.published for d in assistant.documents()}
    assert dates[plain.name] == "2024-10-03"


def test_a_running_assistant_answers_from_another_process_edit(
        make_assistant, embedder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import rag.store

    folder = tmp_path / "notes"
    note = write(folder / "festival.txt", "Harbour festival\n\nThe harbour festival starts on "
                 "12 August 2024 on the north pier.\n")
    assistant = make_assistant(collection="documents")
    assistant.ingest([folder])
    question = "When does the harbour festival start?"
    assert "12 August 2024" in assistant.ask(question).text
    write(note, "Harbour festival\n\nThe harbour festival starts on 19 September 2024 on the "
          "north pier.\n")
    data = assistant.settings.data_dir
    # The other process reuses this session's ONNX export instead of making its own.
    (data / "models").symlink_to(embedder.cache_dir, target_is_directory=True)
    env = {**os.environ, "RAG_DATA_DIR": str(data), "RAG_COLLECTION": "documents"}
    done = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(folder)], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "1 updated" in done.stdout
    monkeypatch.setattr(rag.store, "_REGISTRY_TTL_S", 0.0)  # no waiting out the cache
    answer = assistant.ask(question)
    assert "19 September 2024" in answer.text and "12 August" not in answer.text
    assert all("12 August" not in e.text for e in answer.evidence), "BM25 follows the edit"


def test_a_store_from_before_path_identity_is_upgraded_in_place(
        make_assistant, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Stores written when ids were hashes of the display name: a re-ingest replaces each old
    record with its new one (reusing its vectors) instead of adding a duplicate."""
    import rag.store
    from ingest.types import Document

    from .conftest import EXAMPLES

    record = rag.store._record
    with monkeypatch.context() as old_version:
        old_version.setattr(Document, "doc_id", property(lambda self: self.legacy_doc_id))
        old_version.setattr(rag.store, "_record", lambda item, at: {
            k: v for k, v in record(item, at).items() if k != "identity"})
        assistant = make_assistant()
        assert assistant.ingest([EXAMPLES]).added == 6
    old_ids = {d.doc_id for d in assistant.documents()}
    report = assistant.ingest([EXAMPLES])
    assert report.updated == 6 and report.added == 0 and report.chunks_embedded == 0
    docs = assistant.documents()
    assert len(docs) == 6 and not old_ids & {d.doc_id for d in docs}
    assert assistant.store.count_chunks() == sum(d.chunks for d in docs)
    assert assistant.ingest([EXAMPLES]).unchanged == 6
