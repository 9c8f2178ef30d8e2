"""Laid-out text made into whole sentences: HTML blocks and wrapped PDF lines."""

from __future__ import annotations

from pathlib import Path

from ingest import load_documents
from ingest.layout import html_blocks, unwrap_lines
from ingest.types import Document
from rag.text import sentences

ROOT = Path(__file__).resolve().parents[1]
TECHDOCS = ROOT / "examples" / "techdocs"


def text_of(path: Path) -> Document:
    _, entries = load_documents([path])
    (_, docs), = list(entries)
    assert isinstance(docs, list)
    return docs[0]


def test_html_paragraphs_are_whole_whatever_the_source_line_breaks(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Time zones</title></head><body><main><h1>Time zones</h1>"
        "<p>Some systems, notably Windows systems, do not have an IANA\ndatabase available, "
        "and so for them the tzdata package\nis installed as a fallback.</p>"
        "<dl><dt><code>retention_days</code></dt><dd>How many days a snapshot\nis kept. The "
        "default is 30.</dd></dl>"
        "<pre><code>tide backup ~/Documents\ntide prune\n</code></pre>"
        "<table><tr><th>Code</th><th>Meaning</th></tr><tr><td>4</td><td>Locked.</td></tr>"
        "</table><footer>© 2025 Example</footer></main></body></html>")
    doc = text_of(page)
    said = sentences(doc.text)
    assert ("Some systems, notably Windows systems, do not have an IANA database available, and "
            "so for them the tzdata package is installed as a fallback.") in said
    assert "retention_days: How many days a snapshot is kept. The default is 30." in said
    assert "tide backup ~/Documents" in said and "tide prune" in said, "code keeps its lines"
    assert "Code: 4; Meaning: Locked." in said, "a row names its columns"
    assert doc.published is None, "a copyright year is no publish date"


def test_the_paragraphs_of_a_list_item_stay_sentences() -> None:
    """trafilatura's XML of a long generated page writes "</p><p>" with nothing between: a list
    item or a definition of two paragraphs must not run "is used." into ".npmignore files"."""
    xml = ("<doc><main><head rend=\"h1\">npm-publish</head><list rend=\"ul\"><item><p>If both "
           "files exist, then the <code>.gitignore</code> is ignored, and only the\n<code>"
           ".npmignore</code> is used.</p><p><code>.npmignore</code> files follow the same "
           "pattern rules as <code>.gitignore</code> files</p></item><item><p>Symbolic links are "
           "never included in npm packages.</p></item></list><list rend=\"dl\"><item rend="
           "\"dt-1\">tag</item><item rend=\"dd-1\"><p>Default: latest</p><p>The tag added to the "
           "package.</p></item></list></main></doc>")
    text = html_blocks(xml)
    assert "and only the .npmignore is used. .npmignore files follow the same pattern" in text
    assert "- Symbolic links are never included in npm packages." in sentences(text)
    assert "tag: Default: latest The tag added" in text, "as if the page put a newline between"


def test_lines_broken_by_hand_in_html_stay_apart_and_wrapped_ones_join(tmp_path: Path) -> None:
    # Release notes laid out with <br> (a DocBook "literallayout"): each bullet is its own line,
    # a bullet wrapped at the common width is one sentence, and nothing runs into the next.
    lines = [
        "Release 3.19.0 (11 Apr 2022)",
        "",
        "This release supports X86/Linux, AMD64/Linux, ARM32/Linux, ARM64/Linux and",
        "PPC64LE/Linux. There is also preliminary support for X86/macOS 10.13 and",
        "nanoMIPS/Linux.",
        "",
        "* Fix Rust v0 name demangling.",
        "* The Linux rseq syscall is now implemented as (silently) returning ENOSYS.",
        "* Memcheck: speed up --track-origins=yes for large mmap and munmap calls, in",
        "  the range of hundreds to thousands of megabytes.",
        "* Add FreeBSD syscall wrappers.",
    ]
    page = tmp_path / "news.html"
    page.write_text("<html><head><title>NEWS</title></head><body><main><h1>NEWS</h1>"
                    "<div class='literallayout'><p><br>" + "<br>\n".join(lines)
                    + "<br></p></div></main></body></html>")
    said = sentences(text_of(page).text)
    assert "* Fix Rust v0 name demangling." in said
    assert ("* Memcheck: speed up --track-origins=yes for large mmap and munmap calls, in the "
            "range of hundreds to thousands of megabytes.") in said
    assert "There is also preliminary support for X86/macOS 10.13 and nanoMIPS/Linux." in said
    assert "Release 3.19.0 (11 Apr 2022)" in said


def test_wrapped_pdf_lines_become_paragraphs() -> None:
    doc = text_of(TECHDOCS / "admin-guide.pdf")
    said = sentences(doc.text)
    assert ("The encryption key is derived from the repository passphrase with Argon2id, using "
            "64 MiB of memory and 3 iterations, so that guessing a passphrase is slow even on "
            "dedicated hardware.") in said
    assert "3. Locking" in doc.text and "4. Monitoring" in doc.text, "headings are kept"
    assert doc.published == "2025-03-10" and doc.page_at(doc.text.index("4. Monitoring")) == 2


def test_unwrap_keeps_short_lines_lists_and_headings() -> None:
    text = ("Introduction\n"
            "This paragraph was printed across several lines because it is long, and every line\n"
            "but the last one runs to the right margin of the page, as wrapped text always\n"
            "does in a PDF.\n"
            "- a list item\n"
            "- another item\n"
            "S3-compatible services are supported, and so are the older S3-\n"
            "compatible gateways that many companies still run on their own servers.")
    out = unwrap_lines(text).split("\n")
    assert out[0] == "Introduction"
    assert out[1].startswith("This paragraph") and out[1].endswith("does in a PDF.")
    assert out[2:4] == ["- a list item", "- another item"]
    assert "S3-compatible gateways" in out[4]


def test_a_word_split_at_the_margin_is_made_whole() -> None:
    """"contain-" + "ing" was "contain-ing" in every quote and two terms in the index; a
    compound broken at its hyphen keeps it."""
    text = ("The function returns a pointer to the newly allocated structure contain-\n"
            "ing the decoded fields, which the caller must free with the matching null-\n"
            "terminated helper, and it reports an error description otherwise, as before.")
    out = unwrap_lines(text)
    assert "allocated structure containing the decoded" in out
    assert "matching null-terminated helper" in out


def test_a_page_printed_by_a_browser_keeps_its_sentences_whole() -> None:
    """A browser breaks a line after a word's hyphen well before the margin, and a code span
    (wider type) leaves short lines mid-sentence: "--install-" + "strategy=nested", "... in
    your" + "package.json" and "..., or" + "%LocalAppData%/npm-cache ..." were cut, and a short
    line read as a heading."""
    printed = [  # the lines as the PDF gives them
        "legacy-bundling",
        "DEPRECATED: This option has been deprecated in favor of --install-",
        "strategy=nested",
        "Instead of hoisting package installs in node_modules, install packages in the same",
        "manner that they are depended on. This may cause very deep directory structures.",
        "Commands will be run in each workspace in the order they appear in your project's",
        "package.json",
        "Cache files are stored in ~/.npm on Posix, or",
        "%LocalAppData%/npm-cache on Windows.",
        "Ignoring missing scripts",
        "It is not required for all of the workspaces to implement the scripts that run.",
    ]
    out = unwrap_lines("\n".join(printed)).split("\n")
    assert out[0] == "legacy-bundling"
    assert out[1] == ("DEPRECATED: This option has been deprecated in favor of "
                      "--install-strategy=nested")
    assert any(line.endswith("in your project's package.json") for line in out)
    assert "Cache files are stored in ~/.npm on Posix, or %LocalAppData%/npm-cache on Windows." \
        in out
    assert "Ignoring missing scripts" in out, "a heading after a finished sentence stays one"


def test_a_sentence_wrapped_in_a_narrow_column_is_whole_but_list_items_stay_apart() -> None:
    """A page whose widest lines are a column of links wraps its prose short of them:
    "DocBook is an XML/SGML vocabulary particularly" went on in lower case on the next line and
    was cut there. Items of a list that start in lower case stay lines."""
    printed = [  # as pypdf gives a page of libxslt's site printed by Chromium
        "Tutorial, Tutorial2", "Man page for", "xsltproc", "Mail archive", "XML libxml2", "FTP",
        "Windows binaries", "Solaris binaries", "MacOsX binaries", "Bug Tracker",
        "DocBook is an XML/SGML vocabulary particularly",
        "well suited to books and papers about computer hardware and software.",
        "xsltproc and libxslt are not specifically dependant on DocBook, but since",
        "a lot of people use xsltproc and libxml2 for DocBook formatting, here are a",
        "few pointers and information which may be helpful.",
        "package.json vars",
        "versioning variables",
        "current lifecycle event",
    ]
    out = unwrap_lines("\n".join(printed)).split("\n")
    assert out[:3] == ["Tutorial, Tutorial2", "Man page for xsltproc", "Mail archive"]
    assert out[-4].startswith("DocBook is an XML/SGML vocabulary particularly well suited to "
                              "books and papers about computer hardware and software. xsltproc")
    assert out[-3:] == ["package.json vars", "versioning variables", "current lifecycle event"]


def test_an_api_heading_labels_its_section_but_a_code_line_does_not() -> None:
    from ingest import section_label

    text = ("os.loadavg()\n\nOn Windows, the return value is always [0, 0, 0].\n\nmain()\n\n"
            "Then the program runs.\n\nfn main() {\n\nAnd it ends.")
    assert section_label(text, text.index("On Windows")) == "os.loadavg()"
    assert section_label(text, text.index("Then")) == "os.loadavg()"  # "main()" is code
    assert section_label(text, text.index("And it")) == "os.loadavg()"
    # A list of one item between the heading and its text labels nothing.
    listed = ("timeout.refresh()\n\n- Returns: <Timeout> a reference to timeout\n\n"
              "Sets the timer's start time to the current time.")
    assert section_label(listed, listed.index("Sets")) == "timeout.refresh()"


def test_a_change_log_entry_labels_its_changes() -> None:
    """The dashes between a release's number, date and links are no words: the line is a
    short heading like any other."""
    from ingest import section_label

    text = ("Change Log\n\n1.13.4 — June 2, 2022 — Diff — Docs\n\n- Fixes a compatibility "
            "issue with WebPack module federation.\n\n1.13.3 — April 23, 2022 — Diff — Docs\n\n"
            "- Fixes a compatibility issue with ExtendScript.")
    assert section_label(text, text.index("- Fixes a compatibility issue with WebPack")) == \
        "1.13.4 — June 2, 2022 — Diff — Docs"
    assert section_label(text, text.index("- Fixes a compatibility issue with Ext")) == \
        "1.13.3 — April 23, 2022 — Diff — Docs"


def test_a_signature_line_labels_the_description_under_it() -> None:
    """A PDF's text sets no blank line between an API entry's signature and its description;
    the signature still heads it. A call in a code block, followed by code, heads nothing."""
    from ingest import section_label

    text = ("=> {odd: 3, even: 2}\nshuffle _.shuffle(list)\nReturns a shuffled copy of the list, "
            "using a version of the Fisher-Yates shuffle.\nnoConflict _.noConflict()\nGive "
            "control of the global _ variable back to its previous owner.\nfoo.bar(baz)\n"
            "print(x)\nvar y = foo.bar(baz);\nThen it ends here for now.")
    assert section_label(text, text.index("Returns a shuffled")) == "shuffle _.shuffle(list)"
    assert section_label(text, text.index("Give control")) == "noConflict _.noConflict()"
    assert section_label(text, text.index("Then it ends")) == "noConflict _.noConflict()"
    # A C declaration, its macro-made name called in turn, heads its description too.
    c_api = ("Returns TRUE if it is local.\nint TRANS(GetPeerAddr)(XtransConnInfo connection, "
             "int *familyp, int *addrlenp, Xtransaddr **addrp);\nThis function is similar to "
             "getpeername(). It allocates space.")
    assert section_label(c_api, c_api.index("This function")) == (
        "int TRANS(GetPeerAddr)(XtransConnInfo connection, int *familyp, int *addrlenp, "
        "Xtransaddr **addrp)")


def test_a_line_that_leaves_a_bracket_open_goes_on() -> None:
    """A declaration printed in a wide code font breaks inside its parameter list."""
    page = ("until a connection is established. This function should not be used until the\n"
            "connection is established with Connect() or Accept().\nint TRANS(GetPeerAddr)("
            "XtransConnInfo connection, int *familyp, int\n*addrlenp, Xtransaddr **addrp);\n"
            "This function is similar to getpeername(). This function will allocate space for "
            "the\naddress, so it must be freed by the caller. Not all transports will have a "
            "valid address\nuntil a connection is established.")
    assert ("int TRANS(GetPeerAddr)(XtransConnInfo connection, int *familyp, int *addrlenp, "
            "Xtransaddr **addrp);") in unwrap_lines(page).split("\n")


def test_a_heading_that_ends_a_page_is_set_apart_from_the_prose_before_it() -> None:
    """An option's name printed as a page's last line heads the description on the next page;
    it is no part of the paragraph above it."""
    page = ("The following options are defined for the function and are read by every transport "
            "alike.\nTRANS_NONBLOCKING\nThis option controls the blocking mode of the connection. "
            "If the argument is set to 1,\nthen the connection will be set to blocking. If the "
            "argument is set to 0, then the\nconnection will be set to non- blocking.\n"
            "TRANS_CLOSEONEXEC")
    assert unwrap_lines(page, headings_apart=True).endswith("non- blocking.\n\nTRANS_CLOSEONEXEC")


def test_a_list_item_that_opens_with_a_signature_labels_its_description() -> None:
    """DocBook's API references list each function as an item: its signature, then its
    description on the same line ("This function returns ... NULL on failure.")."""
    from ingest import section_label

    text = ("Core Interface API\n\n- XtransConnInfo TRANS(OpenCOTSClient)(const char *address); "
            "This function creates a transport. This function returns NULL on failure.\n"
            "- int TRANS(SetOption)(XtransConnInfo connection, int option, int arg); This "
            "function sets options. It returns -1 on failure.\n- Call it twice (once per "
            "side); Both ends then agree.")
    client = "XtransConnInfo TRANS(OpenCOTSClient)(const char *address)"
    assert section_label(text, text.index("This function returns NULL")) == client
    assert section_label(text, text.index("- XtransConnInfo")) == client
    option = "int TRANS(SetOption)(XtransConnInfo connection, int option, int arg)"
    assert section_label(text, text.index("It returns -1")) == option
    # An item of prose that happens to hold a call is no entry.
    assert section_label(text, text.index("Both ends")) == option


def test_a_line_of_a_code_block_is_no_section_heading(tmp_path: Path) -> None:
    """A line of a build file that blank lines set apart labelled the sections after it
    ("build foo.o: cc foo.c: There exists a pre-defined pool named console")."""
    from ingest import section_label

    page = tmp_path / "manual.html"
    page.write_text(
        "<html><head><title>Manual</title></head><body><main><h1>Manual</h1>"
        "<p>Here is a basic build file that demonstrates most of the syntax of the tool.</p>"
        "<pre>cflags = -Wall\n\nrule cc\n  command = gcc $cflags -c $in -o $out\n\n"
        "build foo.o: cc foo.c\n</pre><p>There exists a pre-defined pool named console with a "
        "depth of 1.</p></main></body></html>")
    doc = text_of(page)
    assert "rule cc\n  command = gcc $cflags -c $in -o $out\nbuild foo.o: cc foo.c" in doc.text
    assert section_label(doc.text, doc.text.index("There exists")) == "Manual"


def test_every_term_of_a_definition_is_kept(tmp_path: Path) -> None:
    """Several terms may share one definition (an API's aliases, as Sphinx writes
    `bisect_right` and `bisect`): each is kept, not only the last."""
    page = tmp_path / "bisect.html"
    page.write_text(
        "<html><head><title>bisect</title></head><body><main><h1>bisect</h1>"
        "<p>This module provides support for maintaining a list in sorted order without having "
        "to sort the list after each insertion.</p>"
        "<dl><dt>bisect.bisect_right(a, x)</dt><dt>bisect.bisect(a, x)</dt>"
        "<dd><p>Similar to bisect_left(), but returns an insertion point which comes after any "
        "existing entries of x in a.</p></dd></dl></main></body></html>")
    said = sentences(text_of(page).text)
    assert ("bisect.bisect_right(a, x), bisect.bisect(a, x): Similar to bisect_left(), but "
            "returns an insertion point which comes after any existing entries of x in a.") in said


def test_a_chunk_opening_inside_a_long_definition_keeps_its_term() -> None:
    from ingest import Chunker
    from ingest.types import Document

    definition = ("bisect.bisect_left(a, x, lo=0, hi=len(a), *, key=None): Locate the insertion "
                  "point for x in a to maintain sorted order. " + " ".join(
                      f"Sentence {n} of the description says more about the search." for n in
                      range(40)) + " The returned insertion point ip partitions the array.")
    text = f"Searching sorted lists\n\n{definition}\n\nHe said: this line is prose."
    chunks = Chunker(60, 0).split(Document(source="bisect.html", text=text))
    inside = [c for c in chunks[1:] if not c.text.startswith(("bisect.", "He said"))]
    assert inside and all(c.section == "bisect.bisect_left(a, x, lo=0, hi=len(a), *, key=None)"
                          for c in inside)
    assert chunks[0].section is None or chunks[0].section == "Searching sorted lists"


def test_a_sentence_deep_in_a_long_definition_names_its_term() -> None:
    """A signature's description runs over several sentences; its last ones ("New in version
    3.4.") still describe it, and are shown and checked with it."""
    from ingest import definition_term

    signature = "textwrap.shorten(text, width, *, placeholder=' [...]')"
    text = (f"textwrap\n\n{signature}: Collapse and truncate the given text. Words are dropped "
            "from the end. New in version 3.4.\n\nretention_days: How many days. The default is "
            "30.\n\nHe said: the release slipped. Then it shipped.")
    assert definition_term(text, text.index("New in version")) == signature
    assert definition_term(text, text.index("The default")) == "retention_days"
    assert definition_term(text, text.index("Then it")) is None  # prose, not a term
    assert definition_term(text, text.index(signature)) is None  # the line's own start


def test_a_sentence_that_runs_into_a_long_table_is_cut_at_a_line_end() -> None:
    """An intro ending in a colon runs into a table with no full stop; too long for one chunk,
    it is split where its lines end, never mid-line at a comma."""
    from ingest import Chunker

    rows = "\n".join(f"4 CARD32 FIELD_{n}_OFFSET" for n in range(80))
    text = ("The cache file\n\nThe cache file holds the same data as the globs, magic, aliases "
            f"and icons files, in a binary, mappable format: Header:\n{rows}\n\nAll offsets "
            "are in bytes.")
    chunks = Chunker(60, 0).split(Document(source="spec.pdf", text=text))
    assert any("in a binary, mappable format: Header:" in c.text for c in chunks)
    lines = set(text.splitlines())
    assert all(line in lines for c in chunks for line in c.text.splitlines())


def test_a_pdf_heading_between_prose_labels_its_section_but_table_cells_do_not() -> None:
    """A PDF gives a heading as one more line: set apart, it labels the sentences under it
    ("Runs BEFORE the package is prepared and packed" is prepublishOnly's); a run of short
    lines (a table's cells) is no heading."""
    from ingest import section_label

    printed = [
        "Does not run during npm publish, but does run during npm ci and npm install.",
        "prepublishOnly",
        "Runs BEFORE the package is prepared and packed, ONLY on npm publish.",
        "Command",
        "Takes the lock",
        "tide backup",
        "Each command above takes the lock before it reads or writes the repository.",
    ]
    text = unwrap_lines("\n".join(printed), headings_apart=True)
    assert section_label(text, text.index("Runs BEFORE")) == "prepublishOnly"
    assert "Command\nTakes the lock\ntide backup" in text
    assert section_label(text, text.index("Each command")) == "prepublishOnly"
    plain = unwrap_lines("\n".join(printed))
    assert section_label(plain, plain.index("Runs BEFORE")) is None, "HTML line breaks keep theirs"


def test_a_page_laid_out_in_a_table_keeps_its_headings_lists_and_code(tmp_path: Path) -> None:
    """Older sites lay a whole page out in a table: its one cell holds the headings, paragraphs,
    lists and code. Read as a data table's row, all of it ran into one sentence ("The XSLT
    processing steps There are a few steps ...: parse the stylesheet ...")."""
    from ingest import section_label

    page = tmp_path / "internals.html"
    page.write_text(
        "<html><head><title>Library internals</title></head><body>"
        "<table><tr><td><h1>The XSLT C library</h1><h2>Library internals</h2></td></tr></table>"
        "<table><tr><td><h3>The processing steps</h3><p>There are a few steps which are "
        "decoupled at the interface level:</p><ol><li>parse the stylesheet</li><li>compile "
        "it</li></ol><pre>xsltproc --novalid style.xsl doc.xml\nxsltproc --timing style.xsl "
        "doc.xml</pre><h3>FAQ</h3><ol><li>Troubles compiling programs using the library"
        "<p>Use <code>xslt-config --cflags</code> to get the compilation flags.</p></li>"
        "<li>Is there a C++ binding? Yes, xmlwrapp.</li></ol></td></tr></table>"
        "<table><tr><th>Option</th><th>Meaning</th></tr><tr><td>--novalid</td><td>skip the DTD"
        "</td></tr></table></body></html>")
    doc = text_of(page)
    said = sentences(doc.text)
    assert "There are a few steps which are decoupled at the interface level:" in said
    assert "- parse the stylesheet" in said and "- compile it" in said
    assert "xsltproc --novalid style.xsl doc.xml" in said, "code keeps its lines"
    start = doc.text.index("There are a few steps")
    assert section_label(doc.text, start) == "The processing steps"
    # An item titled before its paragraph: the title labels the answer, not runs into it.
    assert "- Troubles compiling programs using the library" in said
    assert "Use xslt-config --cflags to get the compilation flags." in said
    assert "- Is there a C++ binding? Yes, xmlwrapp." in doc.text
    assert "Option: --novalid; Meaning: skip the DTD." in said, "a data table names its columns"


def test_the_list_a_colon_introduces_ends_before_the_next_heading() -> None:
    """The list after "defined by 3 objects:" is shown with that sentence; the heading of the
    next section ("Registering a module") is not part of it, though no full stop ends it."""
    from ingest import introduced_block

    text = ("An extension module is defined by 3 objects:\n\n- the namespace name\n- an "
            "initialization function\n- a shutdown function\n\nRegistering a module\n\n"
            "Currently a module has to be compiled within the application.")
    assert introduced_block(text, text.index(":") + 1) == (
        "- the namespace name - an initialization function - a shutdown function")
    # A block of settings keeps its parts, blank lines between them and all.
    settings = ("Here are the default values:\n\n[profile.dev]\nopt-level = 0\n\n"
                "[profile.release]\nopt-level = 3\n\nThe opt-level setting controls this.")
    assert introduced_block(settings, settings.index(":") + 1) == (
        "[profile.dev] opt-level = 0 [profile.release] opt-level = 3")
    # A sentence left open finishes in the block after it; a heading or a whole sentence does
    # not go on in one.
    macro = ("The TRANS() macro is defined as\n\n#define TRANS(func) _PROTOCOLTrans##func\n\n"
             "PROTOCOL will be defined in each directory.")
    assert introduced_block(macro, macro.index(" as") + 3) == "#define TRANS(func) _PROTOCOLTrans##func"
    syntax = "Addresses are specified in the following syntax,\n\nprotocol/host:port\n\nwhere protocol names a family of protocols."
    assert introduced_block(syntax, syntax.index(",") + 1) == "protocol/host:port"
    heading = "Chapter 3. Address Format\n\nprotocol/host:port\n\nThe host part names a host."
    assert introduced_block(heading, heading.index("Format") + 6) is None
    whole = "Addresses look like this.\n\nprotocol/host:port"
    assert introduced_block(whole, whole.index(".") + 1) is None


def test_a_table_without_a_header_row_pairs_names_with_what_they_are(tmp_path: Path) -> None:
    """An API reference lists a function's parameters in a table of two cells a row and no
    <th>: its first row was taken for a header, and every other row read "cur:: node:; source
    node being executed: data node being processed". Its headings, one per function, made
    the page read with them look too long to be chrome-free, so they were dropped."""
    functions = "".join(
        f'<div class="refsect2"><a name="xsltApply{name}"></a><h3>xsltApply{name} ()</h3>'
        f"<p>Process the XSLT apply-{name.lower()} element.</p>"
        '<div class="variablelist"><table><tr><td><p><span class="term">ctxt</span>:</p></td>'
        "<td><p>an XSLT transformation context</p></td></tr>"
        '<tr><td><p><span class="term">node</span>:</p></td><td><p>the current node in the '
        "source tree.</p></td></tr></table></div></div>"
        for name in [f"Step{n}" for n in range(40)] + ["Sort"])
    page = tmp_path / "libxslt-transform.html"
    page.write_text("<html><head><title>transform</title></head><body>"
                    '<table class="navigation"><tr><td><a href="up.html">Up</a></td><td><a '
                    'href="home.html">Home</a></td><th>libxslt Reference Manual</th></tr></table>'
                    '<div class="refentry"><h2>transform</h2>'
                    f"<p>transform - the XSLT engine transformation part.</p>{functions}"
                    "<table><tr><th>Code</th><th>Meaning</th></tr><tr><td>4</td>"
                    "<td>Locked.</td></tr></table></div></body></html>")
    doc = text_of(page)
    lines = doc.text.splitlines()
    assert "ctxt: an XSLT transformation context" in lines
    assert "node: the current node in the source tree." in lines
    assert "xsltApplySort ()" in lines, "the functions' headings are kept"
    assert "Code: 4; Meaning: Locked." in lines, "a <th> row still names the columns"


def test_a_page_read_framed_may_add_headings_and_code_but_nothing_else() -> None:
    """Framing a page that marks no main part keeps its headings, unless it brings in chrome.
    It was weighed by length alone, so an API reference with a heading and a signature per
    function lost all of them; a menu still keeps the unframed reading."""
    from ingest.loaders import _framed_reading

    body = "".join(f"<p>Function {n} processes the XSLT element it is given.</p>" for n in range(20))
    plain = f"<doc><main>{body}</main></doc>"
    heads = "".join(f'<head rend="h3">xsltApplyStep{n} ()</head><code>void\txsltApplyStep{n}'
                    f"\t\t(xsltTransformContextPtr ctxt,\n\t\t\t xmlNodePtr node)</code><p>"
                    f"Function {n} processes the XSLT element it is given.</p>" for n in range(20))
    assert _framed_reading(plain, f"<doc><main>{heads}</main></doc>")
    menu = "".join(f"<p>Menu entry number {n}</p>" for n in range(40))
    assert _framed_reading(plain, f"<doc><main>{menu}{body}</main></doc>") is None


def test_a_line_break_tag_in_preformatted_text_is_a_newline(tmp_path: Path) -> None:
    """gtk-doc breaks a synopsis's lines with <br>: only what came before the first one was
    read ("void xsltValueOf (xsltTransformContextPtr ctxt,")."""
    prose = "".join(f"<p>Paragraph {n} says what the transformation module does.</p>"
                    for n in range(3))
    page = tmp_path / "transform.html"
    page.write_text(
        f"<html><head><title>transform</title></head><body><main><h1>transform</h1>{prose}"
        '<pre class="synopsis">void\t<a href="#v">xsltValueOf</a>\t(<a href="#c">'
        "xsltTransformContextPtr</a> ctxt, <br/>\t\t xmlNodePtr node);\nvoid\t<a href=\"#s\">"
        "xsltSort</a>\t(xsltTransformContextPtr ctxt);</pre>"
        "<p>The module implements the bulk of the transformation.</p></main></body></html>")
    lines = [line.strip() for line in text_of(page).text.splitlines()]
    assert "xmlNodePtr node);" in lines
    assert "void\txsltSort\t(xsltTransformContextPtr ctxt);" in lines


def test_a_line_that_is_all_an_aside_in_brackets_stays_with_its_line() -> None:
    """A printed list of entry points, each followed by the ABI it came in on a line of its own:
    the bracketed line is no heading, and belongs to the entry above it."""
    page = ("The API gained new entry points.\n"
            "gcc_jit_context_new_bitcast for reinterpreting the bits of an rvalue as a type\n"
            "(LIBGCCJIT_ABI_21)\n"
            "gcc_jit_lvalue_set_register_name for setting a specific register for a variable\n"
            "(LIBGCCJIT_ABI_22)\n")
    lines = unwrap_lines(page, headings_apart=True).split("\n")
    assert "gcc_jit_context_new_bitcast for reinterpreting the bits of an rvalue as a type " \
        "(LIBGCCJIT_ABI_21)" in lines
    assert lines[-1].endswith("variable (LIBGCCJIT_ABI_22)")
