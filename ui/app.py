"""The Gradio chat UI, built by a factory that receives an `Assistant`.

`ChatApp` holds the handlers (plain methods, testable without a server); `build_app` lays them
out; `launch` starts the server with safe defaults (localhost, no share links, no analytics,
upload limits, optional login).
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr

from ingest import SUPPORTED_SUFFIXES
from rag import Answer, Assistant, RagError
from rag.types import Citation, Evidence

log = logging.getLogger(__name__)

CONTEXT_CHARS = 300  # text shown around a quote in a source card
CSS = """
.source-card {border: 1px solid var(--border-color-primary); border-radius: 8px;
  padding: 8px 12px; margin: 6px 0;}
.source-card.active {border: 2px solid var(--color-accent); background: var(--background-fill-secondary);}
.source-card .meta {font-size: 0.85em; opacity: 0.8;}
.source-card .context {font-size: 0.9em; margin-top: 4px;}
.source-card mark {background: #fde68a; color: inherit; padding: 0 2px;}
.abstained {border-left: 4px solid #f59e0b; padding-left: 8px;}
"""

# Citation markers in the chat are links to the source cards; this makes a click highlight the
# card in the sources panel instead of navigating.
HEAD = """
<script>
document.addEventListener('click', function (event) {
  const link = event.target.closest('a');
  if (!link) return;
  const href = link.getAttribute('href') || '';
  const at = href.indexOf('#src-');
  if (at < 0) return;
  event.preventDefault();
  event.stopPropagation();
  const id = href.slice(at + 1);
  document.querySelectorAll('.source-card.active').forEach(el => el.classList.remove('active'));
  const card = document.getElementById(id);
  if (card) { card.classList.add('active'); card.scrollIntoView({block: 'nearest'}); }
}, true);
</script>
"""


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def escape_markdown(text: str) -> str:
    """Document text as literal chat text: no HTML tags, links or images of its own.

    Answers quote documents, and a document may hold `<img src=x onerror=...>` or
    `[click](javascript:...)`; the chat renders Markdown and HTML, so both are neutralised.
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _link_markers(text: str, turn: int) -> str:
    """Escape an answer's text and turn its `[n]` markers into links to this turn's cards."""
    parts = re.split(r"(\[\d+\])", text)
    out = []
    for part in parts:
        marker = re.fullmatch(r"\[(\d+)\]", part)
        out.append(f"[[{marker.group(1)}]](#src-{turn}-{marker.group(1)})" if marker
                   else escape_markdown(part))
    return "".join(out)


def safe_url(url: str | None) -> str | None:
    """The URL if it is an http(s) link, else None (no `javascript:` or `data:` links)."""
    if url and re.match(r"https?://[^\s\"'<>]+$", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _highlight(context: str, quote: str) -> str:
    """The chunk as HTML with the quote marked."""
    pos = context.find(quote) if quote else -1
    if pos < 0:
        return html.escape(context[: 2 * CONTEXT_CHARS])
    start, end = max(0, pos - CONTEXT_CHARS), min(len(context), pos + len(quote) + CONTEXT_CHARS)
    before = ("…" if start else "") + context[start:pos]
    after = context[pos + len(quote):end] + ("…" if end < len(context) else "")
    return (html.escape(before) + "<mark>" + html.escape(quote) + "</mark>"
            + html.escape(after))


def _meta(source: str, title: str | None, published: str | None, url: str | None,
          page: int | None) -> str:
    parts = [f"<b>{html.escape(title)}</b>" if title else "",
             html.escape(published) if published else "",
             f"<code>{html.escape(source)}</code>",
             f'<a href="{html.escape(link)}" target="_blank" rel="noopener noreferrer">link</a>'
             if (link := safe_url(url)) else "",
             f"page {page}" if page else ""]
    return " · ".join(p for p in parts if p)


def citation_card(c: Citation, turn: int) -> str:
    also = ""
    if c.also:
        also = ("<div class='meta'>Also reported by: "
                + ", ".join(f"<code>{html.escape(s.source)}</code>" for s in c.also) + "</div>")
    return (f"<div class='source-card' id='src-{turn}-{c.n}'>"
            f"<div><b>[{c.n}]</b> {_meta(c.source, c.title, c.published, c.url, c.page)}</div>"
            f"<div class='context'>{_highlight(c.context, c.quote)}</div>{also}</div>")


def evidence_card(e: Evidence, rank: int) -> str:
    snippet = e.text if len(e.text) < 400 else e.text[:400] + "…"
    return (f"<div class='source-card'><div>{rank}. "
            f"{_meta(e.source, e.title, e.published, e.url, e.page)}</div>"
            f"<div class='context'>{html.escape(snippet)}</div></div>")


def sources_html(answer: Answer | None, turn: int) -> str:
    """The sources panel for an answer: cited sources, or the closest ones after abstaining."""
    if answer is None:
        return "<p>Sources of the latest answer appear here.</p>"
    if answer.abstained:
        cards = "".join(evidence_card(e, i) for i, e in enumerate(answer.evidence[:3], start=1))
        return ("<div class='abstained'><p><b>The documents do not answer this.</b> "
                "Closest sources found:</p></div>" + cards)
    cards = "".join(citation_card(c, turn) for c in answer.citations)
    note = ""
    if answer.flagged:
        note = (f"<p class='meta'>{len(answer.flagged)} sentence(s) of the draft were left out "
                "because no source supports them.</p>")
    if answer.verified is not None:
        note += (f"<p class='meta'>Checked by the {html.escape(answer.answerer)} model: the cited "
                 f"sentences state this answer (p = {answer.verified:.2f}).</p>")
    return f"<h4>Sources</h4>{cards}{note}"


def chat_text(answer: Answer, turn: int) -> str:
    """An answer as chat markdown: linked markers; abstentions marked as such."""
    if answer.abstained:
        return f"⚠️ {escape_markdown(answer.text)}"
    return _link_markers(answer.text, turn)


class ChatApp:
    """The UI's handlers around one `Assistant` (shared by every browser session)."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self._siblings: dict[str, Assistant] = {assistant.answerer.name: assistant}
        self._lock = threading.Lock()

    def answerers(self) -> list[str]:
        names = ["extractive", "local"]
        if self.settings.openai_base_url or self.settings.openai_api_key:
            names.append("openai")
        return names

    def _for(self, answerer: str) -> Assistant:
        with self._lock:
            if answerer not in self._siblings:
                self._siblings[answerer] = self.assistant.with_answerer(answerer)
            return self._siblings[answerer]

    # ---- chat -------------------------------------------------------------------------------

    def respond(self, message: str, history: list[dict[str, Any]], state: list[Answer],
                answerer: str, top_k: float, since: str
                ) -> Iterator[tuple[list[dict[str, Any]], str, list[Answer], str]]:
        """Stream an answer into the chat; yields (chat, sources panel, state, textbox)."""
        message = (message or "").strip()
        if not message:
            raise gr.Error("Type a question first.")
        since_value = since.strip() or None
        if since_value and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", since_value):
            raise gr.Error("The date filter must look like 2024-01-31.")
        history = [*history, {"role": "user", "content": message},
                   {"role": "assistant", "content": "…"}]
        turn = len(state) + 1
        yield history, sources_html(None, turn), state, ""
        assistant = self._for(answerer or self.assistant.answerer.name)
        draft = ""
        try:
            for event in assistant.stream(message, history=state, since=since_value,
                                          top_k=int(top_k) if top_k else None):
                if event.kind == "token" and assistant.answerer.drafts:
                    draft += event.text
                    history[-1] = {"role": "assistant",
                                   "content": f"*Draft, being checked:* {escape_markdown(draft)}"}
                    yield history, sources_html(None, turn), state, ""
                elif event.kind == "answer" and event.answer is not None:
                    answer = event.answer
                    history[-1] = {"role": "assistant", "content": chat_text(answer, turn)}
                    yield history, sources_html(answer, turn), [*state, answer], ""
        except RagError as exc:
            raise gr.Error(str(exc)) from exc

    def ask(self, message: str, answerer: str = "", top_k: float = 0, since: str = ""
            ) -> dict[str, Any]:
        """One question, one JSON answer (the UI's API endpoint for scripts and load tests)."""
        try:
            answer = self._for(answerer or self.assistant.answerer.name).ask(
                message, since=since or None, top_k=int(top_k) if top_k else None)
        except RagError as exc:
            raise gr.Error(str(exc)) from exc
        return answer.to_dict()

    @staticmethod
    def clear() -> tuple[list[dict[str, Any]], str, list[Answer], str]:
        return [], sources_html(None, 0), [], ""

    # ---- documents ---------------------------------------------------------------------------

    def documents_table(self) -> list[list[Any]]:
        docs = self.assistant.documents()
        groups: dict[str, int] = {}
        for d in docs:
            key = d.group or d.doc_id
            groups[key] = groups.get(key, 0) + 1
        labels: dict[str, str] = {}
        for key in sorted(k for k, n in groups.items() if n > 1):
            labels[key] = f"G{len(labels) + 1}"
        return [[d.title or "", d.published or "", d.chunks, labels.get(d.group or d.doc_id, ""),
                 d.source] for d in docs]

    def sources(self) -> list[tuple[str, str]]:
        """(label, doc_id) of every document, for the delete picker (sources may repeat)."""
        docs = self.assistant.documents()
        counts: dict[str, int] = {}
        for d in docs:
            counts[d.source] = counts.get(d.source, 0) + 1
        return [(f"{d.source} ({d.doc_id[:8]})" if counts[d.source] > 1 else d.source, d.doc_id)
                for d in docs]

    def upload(self, files: list[Any] | None, progress: gr.Progress = gr.Progress()  # noqa: B008
               ) -> tuple[str, list[list[Any]], Any]:
        """Copy uploads into the data dir and ingest them; return the report and the tables."""
        if not files:
            raise gr.Error("Choose one or more files to upload first.")
        target = self.settings.upload_dir
        target.mkdir(parents=True, exist_ok=True)
        limit = self.settings.upload_max_mb * 1_000_000
        paths: list[Path] = []
        refused: list[str] = []
        for f in files:
            src = Path(f if isinstance(f, str) else getattr(f, "name", str(f)))
            name = Path(src.name).name  # no directories from the client
            if src.suffix.lower() not in SUPPORTED_SUFFIXES:
                refused.append(f"{name}: unsupported type (supported: "
                               f"{', '.join(sorted(SUPPORTED_SUFFIXES))})")
                continue
            if src.stat().st_size > limit:
                refused.append(f"{name}: larger than {self.settings.upload_max_mb:g} MB")
                continue
            # One folder per content: an upload named like an earlier one is another document
            # (nothing is replaced behind the user's back); the same file again is unchanged.
            digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
            dest = target / digest / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            if not dest.exists():
                shutil.copyfile(src, dest)
            paths.append(dest)
        lines = ["### Ingest report", ""]
        if paths:
            def tick(source: str, done: int, total: int) -> None:
                progress((done, total), desc=f"ingesting {source}")

            try:
                report = self.assistant.ingest(paths, progress=tick)
            except RagError as exc:
                raise gr.Error(str(exc)) from exc
            lines.append(report.summary())
            lines.append("")
            for item in report.files:
                note = f" — {item.reason}" if item.reason else ""
                lines.append(f"- **{item.status}** `{item.source}` ({item.chunks} chunks){note}")
        for r in refused:
            lines.append(f"- **refused** {r}")
        if not paths and refused:
            raise gr.Error("No file could be uploaded: " + "; ".join(refused))
        return ("\n".join(lines), self.documents_table(),
                gr.update(choices=self.sources(), value=None))

    def confirm_delete(self, doc_id: str | None) -> tuple[str, Any]:
        """The first step of deleting: say what will go and show the confirm buttons."""
        label = self._label(doc_id)
        return (f"**Delete `{label}`?** It leaves the index (an uploaded copy is removed too); "
                "this cannot be undone.", gr.update(visible=True))

    def delete(self, doc_id: str | None) -> tuple[str, list[list[Any]], Any, Any]:
        """The second step: delete the picked document; returns report, table, picker, buttons."""
        label = self._label(doc_id)
        try:
            removed = self.assistant.delete(str(doc_id))
        except RagError as exc:
            raise gr.Error(str(exc)) from exc
        if not removed:
            raise gr.Error(f"'{label}' is not indexed any more.")
        return (f"Deleted `{label}`.", self.documents_table(),
                gr.update(choices=self.sources(), value=None), gr.update(visible=False))

    def _label(self, doc_id: str | None) -> str:
        if not doc_id:
            raise gr.Error("Pick a document to delete.")
        labels = {value: label for label, value in self.sources()}
        return labels.get(doc_id, doc_id)

    @staticmethod
    def cancel_delete() -> tuple[str, Any]:
        return "Nothing deleted.", gr.update(visible=False)

    def chat_hints(self) -> tuple[list[str], str]:
        """Example questions and the empty-index note, as they stand now (after uploads)."""
        note = "" if self.assistant.store.registry() else (
            "Nothing is indexed yet: add files in the **Documents** tab.")
        return self.examples(), note

    def hint_updates(self) -> tuple[Any, str]:
        """`chat_hints` as updates of the chat tab's examples and note."""
        examples, note = self.chat_hints()
        return gr.Dataset(samples=[[q] for q in examples]), note

    def examples(self) -> list[str]:
        """Example questions: generic when the index is empty, from document titles otherwise."""
        docs = [d for d in self.assistant.documents() if d.title][:3]
        if not docs:
            return ["What do my documents say about this topic?", "When did it happen?",
                    "Who said it?"]
        return [f"What does “{d.title}” report?" for d in docs]


def build_app(assistant: Assistant) -> gr.Blocks:
    """The chat UI for an assistant (not started; see `launch`)."""
    app = ChatApp(assistant)
    with gr.Blocks(title="Document chat", analytics_enabled=False) as demo:
        gr.Markdown("## Ask your documents\nAnswers cite their sources; click a marker "
                    "like [1] to see the supporting sentence in its context.")
        state = gr.State([])
        with gr.Tab("Chat"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", height=460, elem_id="chat",
                                         buttons=["copy"], feedback_options=None)
                    box = gr.Textbox(placeholder="Ask a question about your documents…",
                                     show_label=False, elem_id="question", submit_btn=True)
                    with gr.Row():
                        clear = gr.Button("Clear conversation", elem_id="clear")
                    _, hint = app.chat_hints()
                    note = gr.Markdown(hint, elem_id="empty-note")
                    examples = gr.Examples(app.examples(), inputs=box, label="Examples")
                with gr.Column(scale=2):
                    sources = gr.HTML(sources_html(None, 0), elem_id="sources")
                    with gr.Accordion("Settings", open=False):
                        answerer = gr.Radio(app.answerers(), value=assistant.answerer.name,
                                            label="Answerer")
                        top_k = gr.Slider(1, 20, value=assistant.settings.top_k, step=1,
                                          label="Evidence chunks (top-k)")
                        since = gr.Textbox(label="Only documents published since (YYYY-MM-DD)",
                                           value="")
            outputs = [chatbot, sources, state, box]
            box.submit(app.respond, [box, chatbot, state, answerer, top_k, since], outputs,
                       concurrency_limit=8)
            clear.click(app.clear, None, outputs)
        with gr.Tab("Documents"):
            files = gr.File(label="Upload documents (drag and drop, several at once)",
                            file_count="multiple", elem_id="upload",
                            file_types=sorted(SUPPORTED_SUFFIXES))
            ingest_btn = gr.Button("Ingest uploaded files", variant="primary", elem_id="ingest")
            report = gr.Markdown("")
            table = gr.Dataframe(app.documents_table(),
                                 headers=["title", "published", "chunks", "duplicate group",
                                          "source"], interactive=False, label="Indexed documents")
            with gr.Row():
                # No document is preselected: deleting takes a pick and a confirmation.
                pick = gr.Dropdown(app.sources(), value=None, label="Document",
                                   allow_custom_value=False, elem_id="delete-pick")
                delete_btn = gr.Button("Delete…", variant="secondary", elem_id="delete")
            with gr.Row(visible=False) as confirm_row:
                confirm_btn = gr.Button("Yes, delete it", variant="stop", elem_id="delete-confirm")
                cancel_btn = gr.Button("Cancel", elem_id="delete-cancel")
            hints = [examples.dataset, note]
            ingest_btn.click(app.upload, [files], [report, table, pick], api_name="upload") \
                .then(app.hint_updates, None, hints, api_visibility="private")
            delete_btn.click(app.confirm_delete, [pick], [report, confirm_row],
                             api_visibility="private")
            cancel_btn.click(app.cancel_delete, None, [report, confirm_row],
                             api_visibility="private")
            confirm_btn.click(app.delete, [pick], [report, table, pick, confirm_row],
                              api_visibility="private") \
                .then(app.hint_updates, None, hints, api_visibility="private")
            demo.load(lambda: (app.documents_table(), gr.update(choices=app.sources(), value=None),
                               *app.hint_updates()), None, [table, pick, *hints])
        # An API endpoint for scripts: one question in, the `rag ask --json` shape out.
        api_q = gr.Textbox(visible=False)
        api_out = gr.JSON(visible=False)
        api_q.submit(app.ask, [api_q], api_out, api_name="ask", concurrency_limit=8)
    demo.queue(default_concurrency_limit=8)
    return demo


def launch_kwargs(assistant: Assistant) -> dict[str, Any]:
    """Safe server options from settings: localhost, no share link, login, upload limits."""
    s = assistant.settings
    auth = None
    if s.ui_auth:
        user, _, password = s.ui_auth.partition(":")
        if not user or not password:
            raise RagError("RAG_UI_AUTH must look like user:password.")
        auth = (user, password)
    s.upload_dir.mkdir(parents=True, exist_ok=True)
    return {
        "server_name": s.ui_host, "server_port": s.ui_port, "share": False, "auth": auth,
        "max_file_size": f"{s.upload_max_mb:g}mb", "css": CSS, "head": HEAD,
        "allowed_paths": [], "show_error": False, "footer_links": ["api"],
        "theme": gr.themes.Soft(),
    }


def exposure_warning(host: str, auth: object) -> str | None:
    """A warning when the UI listens beyond this machine without a login, else None."""
    if auth or host in ("127.0.0.1", "localhost", "::1") or host.startswith("127."):
        return None
    return (f"warning: the chat UI listens on {host} without a login: anyone who can reach this "
            "machine can read and delete your documents. Set RAG_UI_AUTH=user:password, or "
            "use --host 127.0.0.1.")


def launch(assistant: Assistant, **overrides: Any) -> None:
    """Start the UI and block until it is stopped."""
    import sys

    demo = build_app(assistant)
    kwargs = {**launch_kwargs(assistant), **overrides}
    warning = exposure_warning(str(kwargs["server_name"]), kwargs.get("auth"))
    if warning:
        print(warning, file=sys.stderr)
    print(f"Chat UI on http://{kwargs['server_name']}:{kwargs['server_port']} (Ctrl-C to stop)")
    demo.launch(**kwargs)
