"""The Gradio UI: handlers called directly, a live server driven by gradio_client, and a real
headless Chromium clicking a citation."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import pytest

from .conftest import ANSWER_DOC, EXAMPLES, QUESTION

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_respond(app, question: str, state=None):  # type: ignore[no-untyped-def]
    outputs = list(app.respond(question, [], state or [], "extractive", 5, ""))
    return outputs[-1]


def test_handlers_answer_with_citations_and_abstain(news_assistant) -> None:  # type: ignore[no-untyped-def]
    from ui.app import ChatApp

    app = ChatApp(news_assistant)
    chat, sources, state, box = run_respond(app, QUESTION)
    assert box == "" and len(state) == 1
    assert "January 2022" in chat[-1]["content"] and "#src-1-1" in chat[-1]["content"]
    assert ANSWER_DOC in sources and "<mark>" in sources
    chat, sources, state, _ = run_respond(app, "What is the population of Tehran?", state)
    assert chat[-1]["content"].startswith("⚠️ The documents do not say")
    assert "Closest sources" in sources


def test_handler_errors_are_readable(make_assistant) -> None:  # type: ignore[no-untyped-def]
    import gradio as gr

    from ui.app import ChatApp

    app = ChatApp(make_assistant())
    with pytest.raises(gr.Error, match="rag ingest"):
        run_respond(app, QUESTION)
    with pytest.raises(gr.Error, match="Type a question"):
        run_respond(app, "  ")


def test_upload_reports_and_refuses(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import gradio as gr

    from ui.app import ChatApp

    app = ChatApp(make_assistant())
    assert "Nothing is indexed yet" in app.chat_hints()[1]
    bad = tmp_path / "sheet.xlsx"
    bad.write_bytes(b"PK")
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    good = tmp_path / "library-renovation.html"
    shutil.copy(EXAMPLES / "library-renovation.html", good)
    report, table, _ = app.upload([str(good), str(bad), str(empty)])
    assert "added" in report and "library-renovation.html" in report
    assert "refused** sheet.xlsx: unsupported" in report
    assert "empty.txt" in report and "empty file" in report
    assert [row[-1] for row in table] == ["library-renovation.html"]
    stored = list(app.settings.upload_dir.glob("*/library-renovation.html"))
    assert len(stored) == 1
    examples, note = app.chat_hints()  # what the chat tab shows once the upload is done
    assert note == "" and "Riverside library" in examples[0]
    with pytest.raises(gr.Error, match="unsupported"):
        app.upload([str(bad)])
    # The same file again changes nothing; another file of the same name is another document.
    report, table, _ = app.upload([str(good)])
    assert "unchanged" in report and len(table) == 1
    other = tmp_path / "other" / "library-renovation.html"
    other.parent.mkdir()
    other.write_text("<html><head><title>Harbour notes</title></head><body><p>The harbour "
                     "festival starts on 12 August 2024 on the north pier.</p></body></html>")
    report, table, _ = app.upload([str(other)])
    assert "added" in report and len(table) == 2, "an upload never replaces a namesake"
    # Deleting takes a pick and a confirmation, and removes the stored upload too.
    with pytest.raises(gr.Error, match="Pick a document"):
        app.confirm_delete(None)
    labels = dict(app.sources())
    assert len(labels) == 2 and all("library-renovation.html (" in label for label in labels)
    doc_id = next(d.doc_id for d in app.assistant.documents() if d.title == "Harbour notes")
    question, buttons = app.confirm_delete(doc_id)
    assert "Delete" in question and buttons["visible"] is True
    assert len(app.assistant.documents()) == 2, "asking to delete deletes nothing"
    message, table, pick, buttons = app.delete(doc_id)
    assert "Deleted" in message and len(table) == 1 and buttons["visible"] is False
    assert pick["value"] is None
    assert len(list(app.settings.upload_dir.glob("*/library-renovation.html"))) == 1
    assert other.is_file(), "the user's own file is never touched"


def test_document_text_is_shown_as_text_not_markup() -> None:
    from rag import Answer, Citation
    from ui.app import chat_text, safe_url, sources_html

    evil = ('The farm opens in spring <img src=x onerror=alert(1)> [see](javascript:alert(2)) '
            '![x](http://tracker.example/p.png) [1].')
    answer = Answer(question="q", text=evil, citations=[Citation(
        n=1, source="<b>notes</b>.md", quote="spring <img src=x>", doc_id="d", chunk_id="c",
        title="<script>alert(3)</script>", url="javascript:alert(4)",
        context="The farm opens in spring <img src=x>.")])
    chat = chat_text(answer, 1)
    assert "<img" not in chat and "](javascript:" not in chat and "![x](" not in chat
    assert "[[1]](#src-1-1)" in chat, "the citation marker is still a link"
    panel = sources_html(answer, 1)
    assert "<img" not in panel and "<script>" not in panel and "<b>notes" not in panel
    assert "javascript:" not in panel
    assert "Checked by" not in panel, "no model judged it"
    answer.verified, answer.answerer = 0.912, "local"
    assert "Checked by the local model: the cited sentences state this answer (p = 0.91)" in \
        sources_html(answer, 1)
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_url("javascript:alert(1)") is None and safe_url("data:text/html,x") is None


def test_delete_picker_starts_empty_and_delete_is_two_steps(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from ui.app import build_app

    assistant = make_assistant()
    assistant.ingest([EXAMPLES])
    demo = build_app(assistant)
    by_id = {getattr(b, "elem_id", None): b for b in demo.blocks.values()}
    assert by_id["delete-pick"].value is None, "no document is preselected for deletion"
    assert by_id["delete"].variant != "stop" and by_id["delete-confirm"].variant == "stop"


def test_listening_beyond_localhost_without_login_warns() -> None:
    from ui.app import exposure_warning

    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", ("ann", "secret")) is None
    warning = exposure_warning("0.0.0.0", None)
    assert warning and "RAG_UI_AUTH" in warning


def test_launch_settings_are_safe(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from rag import RagError
    from ui.app import launch_kwargs

    kwargs = launch_kwargs(make_assistant())
    assert kwargs["server_name"] == "127.0.0.1" and kwargs["share"] is False
    assert kwargs["auth"] is None and kwargs["max_file_size"] == "20mb"
    assert launch_kwargs(make_assistant(ui_auth="ann:secret"))["auth"] == ("ann", "secret")
    with pytest.raises(RagError, match="user:password"):
        launch_kwargs(make_assistant(ui_auth="nopassword"))


@pytest.fixture
def live_server(news_assistant):  # type: ignore[no-untyped-def]
    from ui.app import build_app, launch_kwargs

    demo = build_app(news_assistant)
    kwargs = {**launch_kwargs(news_assistant), "server_port": free_port(),
              "prevent_thread_lock": True, "quiet": True}
    demo.launch(**kwargs)
    yield f"http://127.0.0.1:{kwargs['server_port']}/"
    demo.close()


def test_api_with_gradio_client(live_server: str, tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from gradio_client import Client, handle_file

    client = Client(live_server, verbose=False)
    result = client.predict(QUESTION, api_name="/ask")
    assert "January 2022" in result["text"] and result["citations"][0]["source"] == ANSWER_DOC
    questions = ["Who is the Kremlin spokesman?", "Which drones has Iran provided to Russia?",
                 QUESTION, "What is the population of Tehran?"]
    with ThreadPoolExecutor(4) as pool:  # concurrent sessions each get their own answer
        answers = list(pool.map(lambda q: Client(live_server, verbose=False).predict(
            q, api_name="/ask"), questions))
    assert [a["question"] for a in answers] == questions
    assert "Peskov" in answers[0]["text"] and "Shahed" in answers[1]["text"]
    assert answers[3]["abstained"] is True
    note = tmp_path / "harbour.md"
    note.write_text("# Harbour\n\nThe harbour festival is on 12 August 2024 on the north pier.\n")
    report = client.predict([handle_file(str(note))], api_name="/upload")
    assert "harbour.md" in report[0] and "added" in report[0]


@pytest.mark.browser
def test_browser_click_on_citation_shows_quote(live_server: str,
                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.fail("Debian's chromium is not installed: run `make browser` (apt-get install "
                    "chromium) before the tests")
    from playwright.sync_api import sync_playwright

    out = Path(__file__).resolve().parents[1] / "reports" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(live_server)
        page.wait_for_selector("#question textarea", timeout=60_000)
        page.fill("#question textarea", QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_function(
            "document.querySelector('#sources').innerText.includes('[1]')", timeout=120_000)
        assert "January 2022" in page.inner_text("#chat")
        marker = page.locator("#chat a[href*='#src-']").first
        marker.click()
        time.sleep(0.3)
        active = page.locator(".source-card.active")
        assert active.count() == 1
        card = active.first.inner_text()
        assert ANSWER_DOC in card and "January 2022" in active.first.locator("mark").inner_text()
        page.screenshot(path=str(out / "citation-click.png"), full_page=True)
        browser.close()
    assert (out / "citation-click.png").stat().st_size > 10_000
