"""Every supported format read from a real file, and every kind of bad input skipped with a reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest import load_documents
from ingest.types import Document, Skipped


def load(paths: list[Path], **kwargs: object) -> tuple[dict[str, list[Document]], dict[str, str]]:
    _, entries = load_documents(paths, **kwargs)  # type: ignore[arg-type]
    docs: dict[str, list[Document]] = {}
    skipped: dict[str, str] = {}
    for source, result in entries:
        if isinstance(result, Skipped):
            skipped[Path(result.path).name] = result.reason
        else:
            docs[source] = result
    return docs, skipped


def make_pdf(path: Path, text: str | None) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4)
    c.setTitle("Quarterly report")
    if text is None:
        c.rect(100, 100, 200, 200, fill=1)  # a page with a picture and no text layer
        c.showPage()
    else:
        for number, page_text in enumerate(text.split("\f"), start=1):
            c.drawString(72, 760, page_text)
            c.drawString(72, 740, f"Page marker {number}.")
            c.showPage()
    c.save()


def test_formats(tmp_path: Path) -> None:
    import docx

    folder = tmp_path / "docs"
    (folder / "sub").mkdir(parents=True)
    (folder / "note.md").write_text("---\ntitle: Garden notes\ndate: 2024-05-01\n---\n# Garden\n\n"
                                    "The tomatoes were planted in May.\n")
    (folder / "page.html").write_text(
        "<html><head><title>Bridge reopens</title><meta name='date' content='2023-02-03'></head>"
        "<body><nav><a href='/'>Home</a><a href='/x'>Sport</a></nav><article><h1>Bridge reopens"
        "</h1><p>The old bridge reopened on Friday after two years of repairs to its steel "
        "frame, the city said.</p><p>Traffic will be limited to cars at first while the "
        "engineers finish their tests.</p></article><footer>© 2023 City paper</footer></body>"
        "</html>")
    make_pdf(folder / "sub" / "report.pdf", "Revenue grew by ten percent.\fCosts fell sharply.")
    d = docx.Document()
    d.core_properties.title = "Minutes"
    d.add_paragraph("The board met on Monday and approved the plan.")
    d.save(str(folder / "minutes.docx"))
    (folder / "items.jsonl").write_text(
        json.dumps({"id": "a1", "title": "First", "text": "Record one says hello.",
                    "published": "2021-03-04"}) + "\n" + json.dumps({"id": "a2", "body": "Two."})
        + "\n")
    (folder / "rows.csv").write_text("id,title,content\n7,Row seven,The seventh row speaks.\n")
    (folder / "story.txt").write_text("A plain story about the harbour.\n")
    (folder / "metadata.jsonl").write_text(json.dumps(
        {"file": "story.txt", "published": "2020-01-02", "url": "https://example.org/story",
         "title": "Harbour story"}) + "\n")

    docs, skipped = load([folder])
    assert skipped == {}
    md = docs["note.md"][0]
    assert (md.title, md.published) == ("Garden notes", "2024-05-01")
    assert "tomatoes" in md.text and "---" not in md.text
    html = docs["page.html"][0]
    assert "reopened on Friday" in html.text and "Sport" not in html.text
    assert html.title == "Bridge reopens" and html.published == "2023-02-03"
    pdf = docs["sub/report.pdf"][0]
    assert "Revenue grew" in pdf.text and "Costs fell" in pdf.text
    assert pdf.title == "Quarterly report"
    assert pdf.page_at(pdf.text.index("Costs fell")) == 2
    assert pdf.page_at(0) == 1
    assert docs["minutes.docx"][0].title == "Minutes"
    assert [d.source for d in docs["items.jsonl"]] == ["items.jsonl#a1", "items.jsonl#a2"]
    assert docs["items.jsonl"][0].published == "2021-03-04"
    assert docs["rows.csv"][0].title == "Row seven"
    story = docs["story.txt"][0]
    assert (story.published, story.url, story.title) == (
        "2020-01-02", "https://example.org/story", "Harbour story")


def test_a_date_in_a_code_example_is_no_publish_date(tmp_path: Path) -> None:
    """A reference page that declares no date printed one in an example ("rustdoc 1.17.0
    (56124baa9 2017-04-24)"), which was read as its publish date and so made it the newest
    document of its collection."""
    (tmp_path / "version.html").write_text(
        "<html><head><title>Version flag</title></head><body><main><h1>Version flag</h1>"
        "<p>Print the version of the tool and exit. The output names the release and the "
        "commit it was built from:</p><pre><code>$ tool --version\ntool 1.17.0 "
        "(56124baa9 2017-04-24)</code></pre><p>Nothing else is printed.</p></main></body>"
        "</html>")
    page = load([tmp_path])[0]["version.html"][0]
    assert "2017-04-24" in page.text, "the example stays in the text"
    assert page.published is None


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("Alpha text here.")
    (tmp_path / "b.txt").write_text("Beta text here.")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "c.md").write_text("Gamma text here.")
    docs, _ = load([tmp_path], include=["*.md"], exclude=["drafts/*"])
    assert set(docs) == {"a.md"}


def test_bad_inputs_are_skipped_with_reasons(tmp_path: Path) -> None:
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "empty.txt").write_text("")
    (folder / "blank.md").write_text("   \n\n")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Le café était fermé à Noël, déclara le maire.".encode(
        "cp1252"))
    make_pdf(folder / "scan.pdf", None)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (folder / "big.txt").write_text("word " * 300_000)
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04 not supported")
    (folder / "loop").mkdir()
    os.symlink(folder, folder / "loop" / "again")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")

    docs, skipped = load([folder], max_bytes=1_000_000)
    assert "décla" in docs["latin1.txt"][0].text  # detected, not mangled
    assert "empty" in skipped["empty.txt"]
    assert "empty" in skipped["blank.md"]
    assert "binary" in skipped["binary.txt"]
    assert "no text layer" in skipped["scan.pdf"]
    assert "PDF" in skipped["broken.pdf"]
    assert "limit" in skipped["big.txt"] and "RAG_MAX_FILE_MB" in skipped["big.txt"]
    assert "unsupported" in skipped["table.xlsx"]
    assert "symlink loop" in skipped["again"]
    assert "broken symlink" in skipped["dangling.txt"]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_unreadable_file_is_skipped() -> None:
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="rag-perm-", dir="/tmp"))
    folder.chmod(0o755)  # reachable by the unprivileged child below
    secret = folder / "secret.txt"
    secret.write_text("Top secret text.")
    secret.chmod(0o000)
    if os.geteuid() != 0:
        _, skipped = load([secret])
        assert "permission denied" in skipped["secret.txt"]
        return
    # root reads everything: check as an unprivileged user, in a forked child.
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        try:
            os.setgid(65534)
            os.setuid(65534)
            _, skipped = load([secret])
            os.write(write_fd, json.dumps(skipped).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    os.waitpid(pid, 0)
    skipped = json.loads(os.read(read_fd, 65536).decode() or "{}")
    assert "permission denied" in skipped.get("secret.txt", "")


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_documents([tmp_path / "nope"])


def test_latin1_text_keeps_its_accents(tmp_path: Path) -> None:
    """Latin-1 French used to come back as 'coūtait' (a Baltic code page guessed first)."""
    text = ("Le nouveau pont coûtait 4 millions d'euros, déclara le maire. "
            "Les travaux commenceront à l'été, après la fête du village.")
    (tmp_path / "pont.txt").write_bytes(text.encode("latin-1"))
    short = {  # short texts that each decoded to another alphabet or code page before
        "court.txt": ("était déclara", "latin-1"),
        "zoe.txt": ("Zoë Ils", "latin-1"),
        "gare.txt": ("Le garçon après L'hôtel fermé à Noël coûtait", "latin-1"),
        "lodz.txt": ("Żółta łódź kosztowała cztery miliony złotych.", "cp1250"),
    }
    for name, (words, encoding) in short.items():
        (tmp_path / name).write_bytes(words.encode(encoding))
    (tmp_path / "privet.txt").write_bytes("Привет, как дела? Мост стоил четыре миллиона рублей, "
                                          "сказал мэр.".encode("cp1251"))
    docs, skipped = load([tmp_path])
    assert not skipped
    assert docs["pont.txt"][0].text == text
    for name, (words, _) in short.items():
        assert docs[name][0].text == words
    assert "Мост стоил" in docs["privet.txt"][0].text


def test_decompression_bombs_are_skipped_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    import docx

    from ingest import loaders

    normal = tmp_path / "normal.docx"
    document = docx.Document()
    document.add_paragraph("The harbour festival starts on 12 August 2024.")
    document.save(str(normal))
    bomb = tmp_path / "bomb.docx"
    # The same package with 30 MB of repetitive XML in its body: ~100 KB on disk.
    with zipfile.ZipFile(normal) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                run = b"<w:p><w:r><w:t>boom</w:t></w:r></w:p>"
                data = data.replace(b"<w:body>", b"<w:body>" + run * (30_000_000 // len(run)))
            dst.writestr(item, data)
    assert bomb.stat().st_size < 500_000
    docs, skipped = load([normal, bomb])
    assert "harbour festival" in docs["normal.docx"][0].text
    assert "decompression bomb" in skipped["bomb.docx"]

    monkeypatch.setattr(loaders, "MAX_PDF_PAGES", 2)
    make_pdf(tmp_path / "long.pdf", "one\ftwo\fthree")
    _, skipped = load([tmp_path / "long.pdf"])
    assert "3 pages (limit 2)" in skipped["long.pdf"]
    monkeypatch.setattr(loaders, "MAX_PDF_PAGES", 100)
    monkeypatch.setattr(loaders, "MAX_TEXT_CHARS", 20)
    _, skipped = load([tmp_path / "long.pdf"])
    assert "characters" in skipped["long.pdf"]


def test_a_generated_doc_page_is_titled_by_its_own_heading(tmp_path: Path) -> None:
    """Documentation generators repeat a site-wide heading on every page (the book's name in
    the menu, a help dialog's "Keyboard shortcuts"); the page's <title> and its main heading
    say which page it is."""
    menu = ('<nav><h1 class="menu-title">The Tide Book</h1><ul><li><a href="a.html">Install</a>'
            '</li></ul></nav>')
    help_dialog = ('<div id="help-container"><div id="help-popup"><h2 class="help-title">Keyboard '
                   'shortcuts</h2><div><p>Press <kbd>S</kbd> to search the book</p></div></div></div>')
    body = ("<p>Tidewater keeps every snapshot encrypted, and each option below can be changed in "
            "the configuration file before the first backup is made.</p>" * 3)
    (tmp_path / "data-types.html").write_text(
        f"<html><head><title>Data Types - The Tide Book</title></head><body>{menu}<main>"
        f"<h1>Data Types</h1>{body}</main></body></html>", encoding="utf-8")
    (tmp_path / "search.html").write_text(
        f"<html><head><title>Search - The Tide Book</title></head><body>{help_dialog}{menu}<main>"
        f"<h1>Searching snapshots</h1>{body}</main></body></html>", encoding="utf-8")
    (tmp_path / "story.html").write_text(
        "<html><head><title>Library reopens | Riverside Gazette</title>"
        '<meta property="og:title" content="Library reopens"></head><body><main>'
        f"<h2>What changes</h2>{body}</main></body></html>", encoding="utf-8")
    # A hand-written manual: its name heads the page outside the main text, whose first
    # heading is its table of contents.
    (tmp_path / "manual.html").write_text(
        "<html><head><title>Widget XML Parser</title></head><body><div><h1>The Widget XML "
        f"Parser <small>Release 2.5.0</small></h1></div><div class=\"content\">{body}"
        '<h2>Table of Contents</h2><ul><li><a href="#overview">Overview</a></li></ul>'
        f"<h2>Overview</h2>{body}</div></body></html>", encoding="utf-8")
    docs, _ = load([tmp_path])
    titles = {Path(source).name: found[0].title for source, found in docs.items()}
    assert titles == {"data-types.html": "Data Types", "search.html": "Searching snapshots",
                      "story.html": "Library reopens",
                      "manual.html": "The Widget XML Parser Release 2.5.0"}


def test_an_api_reference_page_keeps_its_parameters_and_plain_headings(tmp_path: Path) -> None:
    """Reference generators (Node.js, Sphinx) put a permalink in each heading ("Options#") and
    link every parameter's type; trafilatura took such parameter lists for navigation and
    dropped them, defaults and all. The site's name, repeated as each page's first heading,
    is not the page's title; an option list nested in a list keeps its items apart."""
    menu = ('<nav><ul><li><a href="index.html">Index</a></li><li><a href="options.html">Options'
            '</a></li><li><a href="files.html">Files</a></li></ul></nav>')
    prose = ("<p>Every upload is checked against the repository before it is sent, so a "
             "file that is already stored is never sent twice over a slow link.</p>") * 3
    (tmp_path / "options.html").write_text(
        "<html><head><title>Options | Tide v3 Documentation</title></head><body>"
        f"{menu}<main><h1>Tide v3 documentation</h1>"
        '<h2>Options<span><a class="mark" href="#options" id="options">#</a></span></h2>'
        f"{prose}"
        '<h4><code>new Uploader([encoding])</code><a class="mark" href="#new">#</a></h4>'
        '<ul><li><code>encoding</code> <a href="https://example.org/string" class="type">'
        '&lt;string&gt;</a> The character <a href="buffer.html#enc">encoding</a> the '
        "<code>Uploader</code> will use. <strong>Default:</strong> <code>'utf8'</code>.</li></ul>"
        "<p>Creates a new <code>Uploader</code> instance for one repository.</p>"
        '<h4><code>tide.upload(path[, options])</code><a class="mark" href="#up">#</a></h4>'
        '<ul><li><code>path</code> <a href="t.html#string" class="type">&lt;string&gt;</a> '
        "The file to upload.</li><li><code>options</code> <a href=\"t.html#object\" "
        'class="type">&lt;Object&gt;</a><ul><li><code>retries</code> <a href="t.html#number" '
        'class="type">&lt;number&gt;</a> How often to retry. <strong>Default:</strong> '
        '<code>3</code>.</li><li><code>signal</code> <a href="t.html#signal" class="type">'
        "&lt;AbortSignal&gt;</a> Cancels the upload.</li></ul></li></ul>"
        f"{prose}</main></body></html>", encoding="utf-8")
    docs, _ = load([tmp_path])
    (doc,) = next(iter(docs.values()))
    assert doc.title == "Options"
    lines = doc.text.splitlines()
    assert "Options" in lines and "new Uploader([encoding])" in lines
    assert not any(line.endswith("#") for line in lines)
    assert ("- encoding <string> The character encoding the Uploader will use. Default: 'utf8'."
            in lines)
    assert "  - retries <number> How often to retry. Default: 3." in lines
    assert "  - signal <AbortSignal> Cancels the upload." in lines


def test_an_xhtml_page_is_repaired_too() -> None:
    from ingest.markup import repair

    page = ('<?xml version="1.0" encoding="utf-8"?>\n<html><body><h1>Install<a class="headerlink" '
            'href="#install">¶</a></h1><p>Run the installer.</p></body></html>')
    assert "¶" not in repair(page) and "Run the installer." in repair(page)


def test_a_pdf_table_of_contents_is_not_text(tmp_path: Path) -> None:
    """Dot-leader entries ("Naming . . . . 2") and roman page numbers say nothing; their words
    drew searches to the contents page instead of the section."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path = tmp_path / "manual.pdf"
    c = canvas.Canvas(str(path), pagesize=A4)
    lines = ["Table of Contents", "1 Introduction . . . . . . . . . . . . . . . . 1",
             "2 Naming rules ............................... 2", "i"]
    for n, line in enumerate(lines):
        c.drawString(72, 760 - 20 * n, line)
    c.showPage()
    c.drawString(72, 760, "The naming rules say that every element name is case sensitive.")
    c.showPage()
    c.save()
    docs, _ = load([path])
    text = next(iter(docs.values()))[0].text
    assert "every element name is case sensitive" in text
    assert ". . ." not in text and "....." not in text and "\ni\n" not in f"\n{text}\n"


def _typeset_pdf(path: Path, line: str) -> Path:
    """A one-page PDF of one line in a TrueType font, which can set ligatures and accents."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
    pdfmetrics.registerFont(TTFont("Vera", font))
    c = canvas.Canvas(str(path))
    c.setFont("Vera", 11)
    c.drawString(72, 760, line)
    c.showPage()
    c.save()
    return path


def test_pdf_ligatures_are_spelled_out(tmp_path: Path) -> None:
    """Typeset PDFs give "ﬁ" as one glyph: "ﬁles" matched no search for "files"."""
    path = _typeset_pdf(tmp_path / "manual.pdf", "Damaged \ufb01les are \ufb02agged and recovered.")
    docs, _ = load([path])
    assert "Damaged files are flagged and recovered." in next(iter(docs.values()))[0].text


def test_a_printed_headings_self_link_is_not_text(tmp_path: Path) -> None:
    """A Sphinx page printed without its style sheet shows the pilcrow that links each
    heading; it is no part of the heading's words."""
    path = _typeset_pdf(tmp_path / "policy.pdf", "2.7. python-central (removed)\u00b6")
    docs, _ = load([path])
    text = next(iter(docs.values()))[0].text
    assert "python-central (removed)" in text and "\u00b6" not in text


def test_prose_written_straight_into_a_div_is_kept(tmp_path: Path) -> None:
    """Hand-written reference pages put a function's description straight into a <div>, with no
    <p> around it (Expat's `<div class="fcndef">`); trafilatura keeps paragraphs, so every such
    description was lost. Text around a block inside the div is kept as well."""
    prose = ("<p>Widget parses documents in pieces, so a program can start parsing before it "
             "has the whole document.</p>") * 3
    (tmp_path / "reference.html").write_text(
        "<html><head><title>Widget Reference</title></head><body><h1>Widget Reference</h1>"
        f"{prose}<h4>WidgetFree</h4><pre>void WidgetFree(Widget w);</pre>"
        '<div class="fcndef">Free memory used by the parser. Your application is responsible '
        'for freeing any memory associated with <a href="#userdata">user data</a>.</div>'
        "<h4>WidgetReset</h4><div>Clean up the memory structures maintained by the parser. "
        "It returns <code>WIDGET_FALSE</code> for a parser made by <code><a href=\"#sub\">"
        "WidgetSubParser</a></code>.<ul><li>Returns WIDGET_TRUE on success</li></ul>Handlers "
        "are kept after a reset, so set them again only when they change.</div></body></html>",
        encoding="utf-8")
    docs, _ = load([tmp_path])
    text = next(iter(docs.values()))[0].text
    assert "Free memory used by the parser. Your application is responsible for freeing any " \
           "memory associated with user data." in text
    assert "Clean up the memory structures maintained by the parser. It returns WIDGET_FALSE " \
           "for a parser made by WidgetSubParser." in text
    assert "Handlers are kept after a reset" in text


def test_preformatted_output_keeps_its_lines(tmp_path: Path) -> None:
    """A <pre> trafilatura does not take for code (program output, a build file) ran into one
    line: "==19182== Invalid write of size 4 ==19182== at 0x804838F: f (example.c:6) ..."."""
    prose = "<p>Memcheck reports each error with the stack trace that led to it.</p>" * 3
    (tmp_path / "quick.html").write_text(
        f"<html><head><title>Quick start</title></head><body><h1>Quick start</h1>{prose}"
        '<p>An error message looks like this:</p><pre class="programlisting">\n'
        "  ==19182== Invalid write of size 4\n  ==19182==    at 0x804838F: f (example.c:6)\n"
        "  ==19182==    by 0x80483AB: main (example.c:11)\n</pre>"
        "<p>Read it from the top.</p><pre>valgrind --leak-check=yes myprog</pre>"
        "</body></html>", encoding="utf-8")
    docs, _ = load([tmp_path])
    lines = [line.strip() for line in next(iter(docs.values()))[0].text.splitlines()]
    assert "==19182== Invalid write of size 4" in lines
    assert "==19182==    at 0x804838F: f (example.c:6)" in lines
    assert "valgrind --leak-check=yes myprog" in lines


def test_the_paragraphs_of_a_table_cell_stay_apart(tmp_path: Path) -> None:
    """A FAQ laid out as a table: the questions listed in one cell ran together ("... come
    from?1.2. Where ..."), and an empty layout cell left a row beginning with "| "."""
    prose = "<p>These are the questions people ask most often about the tool.</p>" * 3
    (tmp_path / "faq.html").write_text(
        f"<html><head><title>FAQ</title></head><body><h1>FAQ</h1>{prose}<table>"
        "<tr><td><p>1.1. How do you pronounce the name?</p><p>1.2. Where does the name come "
        "from?</p></td><td></td></tr>"
        "<tr><td>1.2.</td><td>Where does the name come from?</td></tr>"
        "<tr><td></td><td><p>From Nordic mythology.</p></td></tr></table></body></html>",
        encoding="utf-8")
    docs, _ = load([tmp_path])
    lines = next(iter(docs.values()))[0].text.splitlines()
    assert "1.1. How do you pronounce the name? 1.2. Where does the name come from?" in lines
    assert "From Nordic mythology." in lines


def test_pdf_running_headers_with_page_numbers_do_not_cut_sentences(tmp_path: Path) -> None:
    """A Texinfo manual heads each page "Chapter 7: Reference 21", "... 22": the line differs on
    every page, so it was kept, and it cut the sentence that ran across the page break."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "manual.pdf"
    c = canvas.Canvas(str(path))
    words = ["cipher", "hash", "mode", "digest", "signature", "encoding"]
    for page, word in enumerate(words, start=20):
        c.drawString(72, 800, f"Chapter 7: Reference {page}")
        c.drawString(72, 760, f"the {word} is described on this page. Given only the output of the")
        c.drawString(72, 740, f"{word} and not the key, it should be hard to find out what went in")
        c.showPage()
    c.save()
    docs, _ = load([path])
    text = next(iter(docs.values()))[0].text
    assert "Chapter 7" not in text
    assert "it should be hard to find out what went in the hash is described on this page." in text


def test_a_two_page_print_of_a_web_page_loses_its_date_and_address_lines(tmp_path: Path) -> None:
    """A browser heads each printed page with the date and title and foots it with the page's
    address and "1/2": two pages were too few to tell such lines from text, so they stayed and
    cut the sentence that ran across the page break."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "docbook.pdf"
    c = canvas.Canvas(str(path))
    for page, lines in enumerate((["Make sure you have XML Catalogs pointing to a local copy of",
                                   "the DTD. Do not use the --docbook option of xsltproc to do",
                                   "XML DocBook documents, this option is only intended to give"],
                                  ["some support of the SGML version of DocBook. Before you go",
                                   "on, use xmllint --valid --noout on the document to make sure",
                                   "it is valid, and fix the errors before processing it further."]),
                                 start=1):
        c.drawString(72, 800, "12/6/26, 11:27 PM DocBook")
        for n, line in enumerate(lines):
            c.drawString(72, 760 - 20 * n, line)
        c.drawString(72, 40, f"file:///home/me/docs/docbook.html {page}/2")
        c.showPage()
    c.save()
    docs, _ = load([path])
    text = next(iter(docs.values()))[0].text
    assert "11:27 PM" not in text and "file://" not in text
    assert "this option is only intended to give some support of the SGML version" in text


def test_a_pdf_accent_set_before_its_letter_is_put_back_on_it(tmp_path: Path) -> None:
    """TeX sets "ö" as "¨" then "o", and pypdf reads "M¨oller": no search for the name matched."""
    path = _typeset_pdf(tmp_path / "manual.pdf",
                        "Originally written by Niels M\u00a8oller, with help from Jos\u00b4e.")
    docs, _ = load([path])
    assert "Originally written by Niels Möller, with help from José." in (
        next(iter(docs.values()))[0].text)


def test_a_manual_without_a_main_part_keeps_its_headings(tmp_path: Path) -> None:
    """DocBook, Texinfo and AsciiDoc pages mark no <main> or <article>, and DocBook puts each
    heading alone in three divs: every heading was lost, so no option list was read under the
    program it belongs to ("5.6. cg_diff Command-line Options")."""
    prose = "".join(f"<p>Paragraph {n} says how the profiler counts cache misses.</p>"
                    for n in range(4))
    (tmp_path / "cg-manual.html").write_text(
        "<html><head><title>5. Cachegrind</title></head><body>"
        '<div><table class="nav"><tr><td><a href="prev.html">Prev</a></td>'
        '<td><a href="next.html">Next</a></td></tr></table></div><div class="chapter">'
        '<div class="titlepage"><div><div><h1 class="title"><a name="cg"></a>5. Cachegrind'
        f"</h1></div></div></div>{prose}"
        '<div class="sect1"><div class="titlepage"><div><div><h2 class="title">'
        '<a name="cg.diffopts"></a>5.6. cg_diff Command-line Options</h2></div></div></div>'
        '<div class="variablelist"><dl class="variablelist"><dt><span class="term"><code>'
        "--mod-filename=&lt;expr&gt; [default: none]</code></span></dt><dd><p>Specifies a Perl "
        "search-and-replace expression that is applied to all filenames.</p></dd></dl></div>"
        "</div></div></body></html>", encoding="utf-8")
    docs, _ = load([tmp_path])
    text = next(iter(docs.values()))[0].text
    lines = text.splitlines()
    assert "5.6. cg_diff Command-line Options" in lines
    assert "Prev" not in lines and "Next" not in lines
    from ingest import section_label

    assert section_label(text, text.index("--mod-filename")) == "5.6. cg_diff Command-line Options"


def test_a_manuals_pager_is_not_text(tmp_path: Path) -> None:
    """Texinfo heads and foots each node with "Next: ..., Previous: ..., Up: ... [Contents]";
    once the headings were kept, "Who maintains GNU time?" was answered with that line."""
    prose = "<p>The time command runs another program and reports how long it took.</p>" * 3
    pager = ('<div class="header"><p>Next: <a href="#bugs" rel="next">Reporting bugs</a>, '
             'Previous: <a href="#top" rel="prev">Time</a>, Up: <a href="#top">Time</a> '
             '&nbsp; [<a href="#toc">Contents</a>][<a href="#ix">Index</a>]</p></div>')
    (tmp_path / "time.html").write_text(
        f"<html><head><title>GNU time</title></head><body>{pager}<h2>1 Measuring</h2>{prose}"
        f"<p>See <a href='#fmt'>the format</a> for what it reports next.</p>{pager}"
        "</body></html>", encoding="utf-8")
    docs, _ = load([tmp_path])
    text = next(iter(docs.values()))[0].text
    assert "Previous:" not in text and "Reporting bugs" not in text
    assert "See the format for what it reports next." in text


def test_the_gaps_a_browser_leaves_around_code_spans_are_closed(tmp_path: Path) -> None:
    """A web page printed to PDF gives a code span's wider box as extra spaces: quotes read
    "ONLY on npm publish ." and "( preversion , version )"."""
    path = _typeset_pdf(tmp_path / "scripts.pdf",
                        "Runs BEFORE the package is packed, ONLY on npm publish  . For versioning "
                        "scripts ( preversion , version ), npm sets npm_old_version  too.")
    docs, _ = load([path])
    text = next(iter(docs.values()))[0].text
    assert ("Runs BEFORE the package is packed, ONLY on npm publish. For versioning scripts "
            "(preversion, version), npm sets npm_old_version too.") in text


def test_code_with_markup_inside_stays_where_it_stands(tmp_path: Path) -> None:
    """DocBook nests markup in inline code ("<code><em><code>${prefix}</code></em>/X11/Xtrans
    </code>"); the main-text extractor moved its text to the paragraph's end, leaving "is
    installed under so that other modules may find it"."""
    prose = "<p>The interface is a set of functions that every transport implements alike.</p>" * 3
    (tmp_path / "xtrans.html").write_text(
        "<html><head><title>X Transport Interface</title></head><body><h1>Notes</h1>"
        f"{prose}<p>The source code is installed under <code class=\"filename\"><em "
        "class=\"replaceable\"><code>${prefix}</code></em>/X11/Xtrans</code> so that other "
        "modules may find it when they build.</p></body></html>")
    docs, _ = load([tmp_path / "xtrans.html"])
    text = next(iter(docs.values()))[0].text
    assert "installed under ${prefix}/X11/Xtrans so that other modules" in text
