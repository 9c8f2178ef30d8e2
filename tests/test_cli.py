"""The `rag` console script, run as a user would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ANSWER_DOC, EXAMPLES, QUESTION


def rag(*args: str, cwd: Path, data: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RAG_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def test_help_does_not_import_heavy_libraries() -> None:
    code = ("import sys; import rag.cli as c; c.build_parser().format_help(); "
            "print(','.join(m for m in ('torch','chromadb','llama_index','gradio','transformers')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    help_text = subprocess.run([sys.executable, "-m", "rag.cli", "--help"], capture_output=True,
                               text=True, check=True).stdout
    for command in ("ingest", "ask", "chat", "docs", "reset", "eval", "ui"):
        assert command in help_text


@pytest.mark.slow
def test_ingest_ask_json_docs_and_errors(tmp_path: Path, news_corpus: Path) -> None:
    data = tmp_path / "data"
    asked_too_early = rag("ask", QUESTION, cwd=tmp_path, data=data)
    assert asked_too_early.returncode == 1 and "rag ingest" in asked_too_early.stderr
    missing = rag("ingest", str(tmp_path / "nope"), cwd=tmp_path, data=data)
    assert missing.returncode == 1 and "No such file" in missing.stderr

    first = rag("ingest", str(news_corpus), "--json", cwd=tmp_path, data=data)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["added"] == 5
    # The first ingest loads the torch model to export it: no progress bar leaks into the output.
    assert "Loading weights" not in first.stderr and "%|" not in first.stderr
    again = rag("ingest", str(news_corpus), "--json", cwd=tmp_path, data=data)
    assert json.loads(again.stdout)["unchanged"] == 5

    answer = rag("ask", QUESTION, "--json", cwd=tmp_path, data=data)
    assert answer.returncode == 0, answer.stderr
    payload = json.loads(answer.stdout)
    assert set(payload) >= {"question", "text", "abstained", "citations", "timings"}
    assert "January 2022" in payload["text"] and payload["abstained"] is False
    cite = payload["citations"][0]
    assert cite["source"] == ANSWER_DOC
    assert set(cite) >= {"n", "source", "title", "published", "quote", "doc_id", "chunk_id",
                         "score"}
    plain = rag("ask", QUESTION, cwd=tmp_path, data=data)
    assert "Sources:" in plain.stdout and ANSWER_DOC in plain.stdout

    docs = rag("docs", cwd=tmp_path, data=data)
    assert "same story in" in docs.stdout and "2025-01-17" in docs.stdout

    unsupported = tmp_path / "sheet.xlsx"
    unsupported.write_bytes(b"PK\x03\x04")
    bad = rag("ingest", str(unsupported), cwd=tmp_path, data=data)
    assert bad.returncode == 1 and "unsupported" in bad.stderr


@pytest.mark.slow
def test_chat_keeps_the_conversation(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert rag("ingest", str(EXAMPLES), cwd=tmp_path, data=data).returncode == 0
    env = {**os.environ, "RAG_DATA_DIR": str(data), "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "rag.cli", "chat"], cwd=tmp_path, env=env,
                         input="Who designed the library renovation?\nHow much did it cost?\n\n",
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "Mira Castell" in out.stdout and "4.2 million" in out.stdout


@pytest.mark.slow
def test_settings_errors_are_readable(tmp_path: Path) -> None:
    env = {**os.environ, "RAG_TOP_K": "lots"}
    out = subprocess.run([sys.executable, "-m", "rag.cli", "docs"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "top_k" in out.stderr and "Traceback" not in out.stderr


def test_eval_help_names_every_dataset() -> None:
    """The parser is built without importing evals (start-up), so its help lists the datasets
    by hand; this keeps that list whole."""
    from evals.datasets import NAMES
    from rag.cli import build_parser

    eval_parser = build_parser()._subparsers._group_actions[0].choices["eval"]  # type: ignore[union-attr]
    dataset = next(a for a in eval_parser._actions if a.dest == "dataset")
    listed = {name.strip() for name in (dataset.help or "").split("(")[0].split("|")}
    assert set(NAMES) <= listed
