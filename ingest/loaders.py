"""Finding files and reading each supported format into raw text plus what the format says about it.

Every failure of one file becomes a `Skipped` with a one-line reason; nothing here stops a batch.
"""

from __future__ import annotations

import csv
import fnmatch
import html as html_lib
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .layout import html_blocks, prose_chars, unwrap_lines, xml_heading
from .markup import framed, repair, without_code
from .types import Skipped

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
RECORD_SUFFIXES = {".jsonl", ".csv"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | RECORD_SUFFIXES | {".pdf", ".docx"}
SIDECAR_NAME = "metadata.jsonl"
TEXT_FIELDS = ("text", "content", "body", "article")


# Limits on what a small file may expand to (a decompression bomb: an 80 KB .docx holding 30 MB
# of XML took 89 s and 2.45 GB to parse). Real documents stay far below them: a 500-page report
# is ~5 MB of DOCX XML, ~2 M characters of PDF text.
MAX_UNPACKED_XML_BYTES = 25_000_000  # the XML parts of a .docx, uncompressed
MAX_COMPRESSION_RATIO = 100  # of one .docx part; text XML compresses ~5-20x
MAX_PDF_PAGES = 5_000
MAX_TEXT_CHARS = 20_000_000  # extracted text of one PDF

_PREFERRED = ["utf_8", "utf_16", "cp1252", "latin_1", "iso8859_15", "cp1251", "cp1250",
              "koi8_r", "shift_jis", "gb18030", "big5", "euc_kr"]


class SkipFile(Exception):
    """Raised by a reader to skip one file with a reason."""


@dataclass
class RawDocument:
    """Text read from a file (or one record of it) with the metadata the format itself carries."""

    source: str
    text: str
    path: str
    kind: str  # "text", "markdown", "html", "pdf", "docx", "record"
    title: str | None = None
    published: str | None = None  # as found; normalised later
    url: str | None = None
    outlet: str | None = None
    pages: list[tuple[int, int]] = field(default_factory=list)
    clean: bool = True  # whether page-chrome removal applies (scraped plain text)
    key: str | None = None  # a record's key within a records file


def _matches(rel: str, patterns: list[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


def discover(
    paths: list[str | Path],
    include: list[str] | None = None,
    exclude: list[str] | None = None,
) -> tuple[list[tuple[Path, str]], list[Skipped]]:
    """Expand files and folders into (absolute path, display source) pairs.

    Folders are walked recursively without following symlinked folders twice (loops are reported,
    not followed). `source` is relative to the folder given, or the file name for a single file.
    Args:
        paths: files and folders to ingest.
        include: glob patterns a file must match (name or relative path); empty means all supported.
        exclude: glob patterns that drop a file.
    Returns:
        The files to read, and the paths skipped with their reasons.
    """
    include, exclude = include or [], exclude or []
    found: list[tuple[Path, str]] = []
    skipped: list[Skipped] = []
    for given in paths:
        root = Path(given).expanduser()
        if not root.exists() and not root.is_symlink():
            raise FileNotFoundError(f"No such file or folder: {given}")
        if root.is_file():
            found.append((root.resolve(), root.name))
            continue
        seen_dirs: set[tuple[int, int]] = set()
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=None):
            here = Path(dirpath)
            try:
                st = here.stat()
            except OSError as exc:
                skipped.append(Skipped(str(here), f"cannot read folder: {exc.strerror}"))
                dirnames[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                skipped.append(Skipped(str(here), "symlink loop: folder already visited"))
                dirnames[:] = []
                continue
            seen_dirs.add(key)
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            if not os.access(here, os.R_OK | os.X_OK):
                skipped.append(Skipped(str(here), "permission denied: cannot list folder"))
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                if name.startswith(".") or name == SIDECAR_NAME:
                    continue
                full = here / name
                rel = full.relative_to(root).as_posix()
                if include and not _matches(rel, include):
                    continue
                if exclude and _matches(rel, exclude):
                    continue
                if full.is_symlink() and not full.exists():
                    skipped.append(Skipped(rel, "broken symlink"))
                    continue
                found.append((full.resolve(), rel))
    unique: dict[Path, str] = {}
    for path, source in found:
        unique.setdefault(path, source)
    return list(unique.items()), skipped


def read_sidecar(folder: Path) -> dict[str, dict[str, str]]:
    """Read `metadata.jsonl` ({file, published, url, title, ...}) from a folder, keyed by file."""
    sidecar = folder / SIDECAR_NAME
    out: dict[str, dict[str, str]] = {}
    if not sidecar.is_file():
        return out
    for line in sidecar.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and row.get("file"):
            out[str(row["file"])] = {k: str(v) for k, v in row.items() if v is not None}
    return out


def decode_bytes(data: bytes) -> str:
    """Decode file bytes to text: UTF-8 first, then the detected encoding.

    Raises:
        SkipFile: for binary data or text whose encoding cannot be detected.
    """
    if not data.strip():
        raise SkipFile("empty file")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise SkipFile("binary content in a text file (NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    candidates = {m.encoding: (str(m), m.chaos) for m in from_bytes(data)}
    chaos_of = {text: chaos for text, chaos in candidates.values()}
    for encoding in ("cp1252", "cp1250", "cp1251"):  # the detector may fold these into others
        if encoding not in candidates:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            candidates[encoding] = (text, chaos_of.get(text, 1.0))
    if not candidates:
        raise SkipFile("binary or undecodable content (no text encoding fits)")
    # A wrong code page shows in the words it makes: "dйclara" mixes two alphabets, "³ódŸ" puts
    # symbols inside a word. The fewest such words wins, then the detector's chaos (in coarse
    # steps: short texts fit several code pages about equally well), then the code page most
    # common in the wild. On random word salads of 7 languages (150 each) this decodes French,
    # German, Spanish, Polish, Russian and Greek 97-100% right (Polish was 0%); Czech in cp1250
    # reads as valid cp1252 and comes out right 20% of the time (was 60%).
    least = min(chaos for _, chaos in candidates.values())

    def rank(item: tuple[str, tuple[str, float]]) -> tuple[int, int, int]:
        encoding, (text, chaos) = item
        preference = _PREFERRED.index(encoding) if encoding in _PREFERRED else len(_PREFERRED)
        return _odd_words(text), int((chaos - least) / 0.05), preference

    _, (text, _) = min(candidates.items(), key=rank)
    printable = sum(ch.isprintable() or ch.isspace() for ch in text[:4096])
    if printable < 0.9 * min(len(text), 4096):
        raise SkipFile("binary content in a text file")
    return text


@lru_cache(maxsize=4096)
def _script(ch: str) -> str:
    return unicodedata.name(ch, "?").split(" ")[0]


def _odd_words(text: str) -> int:
    """Words that no language writes: letters of two alphabets, or symbols among letters."""
    odd = 0
    for word in text.split():
        scripts = {_script(ch) for ch in word if ch.isalpha()}
        symbols = any(unicodedata.category(ch) in ("So", "Sk", "No", "Co", "Cn") for ch in word)
        if len(scripts) > 1 or (scripts and symbols):
            odd += 1
    return odd


def _read_text(path: Path, source: str) -> list[RawDocument]:
    text = decode_bytes(path.read_bytes())
    kind = "markdown" if path.suffix.lower() in {".md", ".markdown"} else "text"
    doc = RawDocument(source=source, text=text, path=str(path), kind=kind)
    if kind == "markdown":
        _front_matter(doc)
    return [doc]


def _front_matter(doc: RawDocument) -> None:
    """Move simple `key: value` YAML front matter into the document's metadata."""
    text = doc.text.lstrip("\ufeff")
    if not text.startswith("---"):
        return
    end = text.find("\n---", 3)
    if end < 0:
        return
    for line in text[3:end].splitlines():
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip().lower(), value.strip().strip("'\"")
        if key == "title":
            doc.title = value or None
        elif key in {"date", "published", "publish_date", "pubdate"}:
            doc.published = value or None
        elif key in {"url", "link", "canonical"}:
            doc.url = value or None
        elif key in {"source", "outlet", "publisher", "sitename"}:
            doc.outlet = value or None
    doc.text = text[end + 4 :].lstrip("\n")


def _read_html(path: Path, source: str) -> list[RawDocument]:
    import trafilatura

    html = repair(decode_bytes(path.read_bytes()))
    # XML keeps the page's blocks (paragraphs, lists, code, tables), so each paragraph becomes
    # one line whatever the source's own line breaks (see layout.py).
    xml = _main_text(html)
    text = html_blocks(xml) if xml else ""
    whole = framed(html)
    if whole is not None:
        # A page that marks no main part loses its headings; framed as an article it keeps
        # them, and is read so unless that brings in more than headings and code would (a
        # menu, a footer: chrome the unframed reading left out).
        framed_xml = _main_text(whole)
        framed_text = _framed_reading(xml, framed_xml) if framed_xml else None
        if framed_text:
            xml, text = framed_xml, framed_text
    if not text.strip():
        raise SkipFile("no main text found in the HTML page")
    # Dates only from what the page declares (meta tags, <time>, a date line): the extensive
    # search takes a footer's "© 2025" for a publish date of 1 January 2025, and even the
    # quick one a date printed in a code example.
    declared = without_code(html)
    meta = trafilatura.extract_metadata(html if declared is None else declared, extensive=False)
    doc = RawDocument(source=source, text=text, path=str(path), kind="html", clean=False)
    if meta is not None:
        doc.title = meta.title or None
        doc.published = meta.date or None
        doc.url = meta.url or None
        doc.outlet = meta.sitename or None
    doc.title = _page_name(html, xml, doc.title) or doc.title
    return [doc]


FRAMED_GROWTH = 1.1  # a framed page's prose may be this much longer than the unframed reading's
FRAMED_SLACK = 200  # characters (spaces aside), for a page of a few lines


def _framed_reading(xml: str | None, framed_xml: str) -> str | None:
    """The page read framed (`markup.framed`), when it adds little but headings and code to
    `xml`, its unframed reading (None: nothing was read): no menu, no footer. Headings and
    code are weighed apart, as they are what framing brings back (an API reference has a
    heading and a signature per function). None when it adds more."""
    framed_text = html_blocks(framed_xml)
    prose = prose_chars(xml) if xml else 0
    if framed_text.strip() and prose_chars(framed_xml) <= FRAMED_GROWTH * prose + FRAMED_SLACK:
        return framed_text
    return None


def _main_text(html: str) -> str | None:
    import trafilatura

    return trafilatura.extract(  # type: ignore[no-any-return]
        html, output_format="xml", include_comments=False, include_tables=True,
        favor_recall=True, with_metadata=False,
    )


_TITLE_TAG = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_PARTS = re.compile(r"\s+[|\-–—·•:]+\s+")  # "Page | Site", "Page - Site", "Page — Site"


def _page_name(html: str, xml: str | None, found: str | None) -> str | None:
    """The main text's first heading, when the page's <title> names the page that way ("Data
    Types" in "Data Types - The Rust Programming Language") or does not name it the way the
    title found elsewhere does. Generated documentation repeats a site-wide heading on every
    page ("The Rust Programming Language" in the menu, "Keyboard shortcuts" in a help dialog),
    which is what metadata extraction then takes for each page's title. When that heading is
    the site's name, the last part of the <title> ("Node.js v20.20.2 documentation"), the rest
    of the <title> names the page ("Timers" in "Timers | Node.js v20.20.2 Documentation")."""
    tag = _TITLE_TAG.search(html)
    heading = xml_heading(xml) if xml else None
    if not tag or not heading or len(heading.split()) > 15:
        return None
    title = " ".join(html_lib.unescape(tag.group(1)).split())
    parts = [p for p in _TITLE_PARTS.split(title) if p.strip()]
    if len(parts) > 1 and heading.casefold() == parts[-1].casefold():
        return " - ".join(parts[:-1])  # the heading names the site, as the title's end does
    page = title.casefold()
    # A title found elsewhere that holds every word of the <title> names the page too ("The
    # Expat XML Parser Release 2.5.0" for "Expat XML Parser"), however the first heading of the
    # main text reads ("Table of Contents").
    named = found is not None and (found.casefold() in page
                                   or set(page.split()) <= set(found.casefold().split()))
    if heading.casefold() in page or (found and not named):
        return heading
    return None


def _pdf_date(value: object) -> str | None:
    # PDF dates look like D:20240117093700+00'00'
    text = str(value or "")
    if text.startswith("D:") and len(text) >= 10 and text[2:10].isdigit():
        return f"{text[2:6]}-{text[6:8]}-{text[8:10]}"
    return None


# "12", "Page 3 of 10", and the roman numbers of front matter ("iv").
_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$|^\s*(?-i:[ivx]{1,5})\s*$", re.IGNORECASE)
# A table of contents or index entry: a dot leader to the page number ("Naming . . . . . 2").
# Its words would draw a search to a page that answers nothing.
_DOT_LEADER = re.compile(r"(?:\. ){5,}|\.{8,}")
# The gap a browser leaves around a code span, which the text layer gives as spaces: "npm
# publish  and", "npm publish .", "( preversion , version )".
_WIDE_GAP = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_GAP_BEFORE = re.compile(r"(?<=[\w)\]>\"'”’*]) +(?!\. \.)(?=[,.;:](?:\s|$)|\))")
_GAP_AFTER = re.compile(r"\( +(?=\S)")


def _close_gaps(text: str) -> str:
    """Text without the spaces a page's layout put inside a sentence: a run of them, one before
    a comma, full stop or closing bracket, one after an opening bracket."""
    text = _WIDE_GAP.sub(" ", text)
    return _GAP_AFTER.sub("(", _GAP_BEFORE.sub("", text))


_DIGITS = re.compile(r"\d+")
PARAGRAPH_CHARS = 60  # a line at least this long, ending a page, may run on to the next


def _running_lines(pages: list[str]) -> set[str]:
    """Running headers and footers: a first or last line that recurs on most pages, or that
    recurs with its page number changing ("Chapter 7: Reference 21", "Chapter 7: Reference
    22", on the pages of one chapter of a Texinfo manual). Left in, such a line splits the
    sentence that runs across the page break. A page a browser printed in two pages is headed
    by its date and title and footed by its address and "1/2", "2/2": on both pages, such a
    line is running too."""
    if len(pages) < 2:
        return set()
    least = min(3, len(pages))
    counts: dict[str, int] = {}
    numbered: dict[str, set[str]] = {}
    for text in pages:
        lines = [line.strip() for line in text.split("\n") if line.strip()]
        for line in set(lines[:2] + lines[-2:]):
            counts[line] = counts.get(line, 0) + 1
            if _DIGITS.search(line):
                numbered.setdefault(_DIGITS.sub("#", line), set()).add(line)
    running = {line for line, n in counts.items() if n >= max(least, 0.5 * len(pages))}
    for variants in numbered.values():
        # A table's header row repeated on each page it spans keeps its numbers.
        if len(variants) >= least:
            running |= variants
    return running


# Typeset PDFs (TeX, DocBook) often give "ﬁ" for "fi": one glyph that no word search matches
# ("ﬁles" is not "files"). Each is spelled out as its letters.
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
# TeX sets an accent as its own glyph before the letter, and pypdf gives it so: "M¨oller" for
# "Möller". A spacing accent right before a letter it composes with is put back on it.
_SPACING_ACCENTS = {"¨": "\u0308", "´": "\u0301", "ˆ": "\u0302", "˜": "\u0303", "¸": "\u0327",
                    "ˇ": "\u030c", "˚": "\u030a"}
_ACCENTED = re.compile(f"([{''.join(_SPACING_ACCENTS)}])([A-Za-z])")


def _accented(match: re.Match[str]) -> str:
    composed = unicodedata.normalize("NFC", match.group(2) + _SPACING_ACCENTS[match.group(1)])
    return composed if len(composed) == 1 else match.group(0)


def _runs_on(before: str, page_text: str) -> bool:
    """Whether a page begins in the middle of the sentence the page before ended in: that one
    ends in a paragraph (a table row or a heading is short) with a word, not a sentence's end,
    and this one begins in lower case."""
    last = before.rstrip().rsplit("\n", 1)[-1]
    return (len(last) >= PARAGRAPH_CHARS and (last[-1].isalpha() or last[-1] == ",")
            and page_text[:1].islower())


def _read_pdf(path: Path, source: str) -> list[RawDocument]:
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError, PdfReadError

    try:
        reader = PdfReader(str(path))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise SkipFile(f"PDF has {len(reader.pages)} pages (limit {MAX_PDF_PAGES}); split it "
                           "into parts to ingest it")
        parts: list[str] = []
        pages: list[tuple[int, int]] = []
        offset = 0
        raw_pages = []
        for number, page in enumerate(reader.pages, start=1):
            text = (page.extract_text() or "").translate(_LIGATURES)
            raw_pages.append((number, _ACCENTED.sub(_accented, text).strip()))
            if sum(len(t) for _, t in raw_pages) > MAX_TEXT_CHARS:
                raise SkipFile(f"PDF text passes {MAX_TEXT_CHARS / 1e6:.0f} M characters by page "
                               f"{number} (possibly a decompression bomb); split it into parts")
        running = _running_lines([t for _, t in raw_pages])
        for number, raw_text in raw_pages:
            # A web page printed without its style sheet shows each heading's self-link
            # ("2.7. python-central (removed)¶"); it is no part of the heading.
            kept = [line.rstrip().removesuffix("¶").rstrip() for line in raw_text.split("\n")
                    if line.strip() not in running and not _PAGE_NUMBER.match(line)
                    and not _DOT_LEADER.search(line)]
            # A heading apart labels the sentences under it, as an HTML page's do.
            page_text = _close_gaps(unwrap_lines("\n".join(kept).strip(), headings_apart=True))
            if not page_text:
                continue
            if parts and _runs_on(parts[-1], page_text):
                # A sentence the page break cut ("... hard to find the" / "plaintext."): one
                # paragraph again, with a space where the break was.
                parts[-1] = f"{parts[-1]} {page_text}"
                pages.append((offset - 1, number))
                offset += len(page_text) + 1
                continue
            pages.append((offset, number))
            parts.append(page_text)
            offset += len(page_text) + 2
        info = reader.metadata
    except LimitReachedError as exc:  # pypdf inflates no stream past 75 MB
        raise SkipFile(f"PDF stream expands past pypdf's limit ({exc}): possibly a "
                       "decompression bomb") from exc
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise SkipFile(f"unreadable PDF: {exc}") from exc
    text = "\n\n".join(parts)
    if not text.strip():
        raise SkipFile("PDF has no text layer (scanned images?); run OCR on it first")
    # Not the web-page chrome filter: in a PDF short lines are headings and table cells.
    doc = RawDocument(source=source, text=text, path=str(path), kind="pdf", pages=pages,
                      clean=False)
    if info is not None:
        doc.title = (info.title or "").strip() or None
        doc.published = _pdf_date(info.get("/CreationDate"))
    return [doc]


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip-based file whose parts expand far beyond any real document's.

    Raises:
        SkipFile: the declared sizes exceed the limits (zipfile never inflates past them).
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = [i for i in archive.infolist() if i.filename.endswith((".xml", ".rels"))]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SkipFile(f"unreadable DOCX: {exc}") from exc
    total = sum(i.file_size for i in parts)
    if total > MAX_UNPACKED_XML_BYTES:
        raise SkipFile(f"DOCX expands to {total / 1e6:.0f} MB of XML (limit "
                       f"{MAX_UNPACKED_XML_BYTES / 1e6:.0f} MB): possibly a decompression bomb; "
                       "convert it to PDF or text if it is genuine")
    for info in parts:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
            raise SkipFile(f"DOCX part {info.filename} expands {ratio:.0f}x (limit "
                           f"{MAX_COMPRESSION_RATIO}x): possibly a decompression bomb")


def _read_docx(path: Path, source: str) -> list[RawDocument]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_unpacked_size(path)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, ValueError, KeyError, OSError) as exc:
        raise SkipFile(f"unreadable DOCX: {exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends: a broken file, not our bug
        raise SkipFile(f"unreadable DOCX: {exc}") from exc
    text = "\n\n".join(p.text for p in document.paragraphs if p.text.strip())
    if not text.strip():
        raise SkipFile("DOCX has no text")
    props = document.core_properties
    doc = RawDocument(source=source, text=text, path=str(path), kind="docx", clean=False)
    doc.title = (props.title or "").strip() or None
    if props.created is not None:
        doc.published = props.created.date().isoformat()
    return [doc]


def _record_to_doc(row: dict[str, object], source: str, path: Path,
                   key: str) -> RawDocument | None:
    lowered = {str(k).lower(): v for k, v in row.items()}
    text = next((str(lowered[f]) for f in TEXT_FIELDS if lowered.get(f)), "")
    if not text.strip():
        return None

    def pick(*names: str) -> str | None:
        value = next((lowered[n] for n in names if lowered.get(n)), None)
        return str(value) if value is not None else None

    return RawDocument(
        source=source,
        text=text,
        path=str(path),
        kind="record",
        title=pick("title", "headline", "name"),
        published=pick("published", "publish_date", "date", "pubdate"),
        url=pick("url", "link"),
        outlet=pick("source", "outlet", "publisher"),
        key=key,
    )


def _read_records(path: Path, source: str) -> list[RawDocument]:
    text = decode_bytes(path.read_bytes())
    rows: list[tuple[str, dict[str, object]]] = []
    if path.suffix.lower() == ".jsonl":
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise SkipFile(f"line {number} is not JSON: {exc.msg}") from exc
            if isinstance(row, dict):
                rows.append((str(row.get("id") or number), row))
    else:
        reader = csv.DictReader(io.StringIO(text))
        for number, row in enumerate(reader, start=1):
            rows.append((str(row.get("id") or number), dict(row)))
    docs = []
    keys: set[str] = set()
    for number, (key, row) in enumerate(rows, start=1):
        if key in keys:  # two rows with one id are still two records
            key = f"{key}-{number}"
        keys.add(key)
        doc = _record_to_doc(row, f"{source}#{key}", path, key)
        if doc is not None:
            docs.append(doc)
    if not docs:
        raise SkipFile(f"no record has a text field ({', '.join(TEXT_FIELDS)})")
    return docs


def read_file(path: Path, source: str, max_bytes: int) -> list[RawDocument]:
    """Read one file into raw documents (records files give one per record).

    Raises:
        SkipFile: with a one-line reason when the file cannot or should not be ingested.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise SkipFile(
            f"unsupported file type '{suffix or path.name}' "
            f"(supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror}") from exc
    if size > max_bytes:
        raise SkipFile(
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit "
            "(raise RAG_MAX_FILE_MB to include it)"
        )
    if size == 0:
        raise SkipFile("empty file")
    if not os.access(path, os.R_OK):
        raise SkipFile("permission denied: cannot read file")
    try:
        if suffix in TEXT_SUFFIXES:
            return _read_text(path, source)
        if suffix in HTML_SUFFIXES:
            return _read_html(path, source)
        if suffix in RECORD_SUFFIXES:
            return _read_records(path, source)
        if suffix == ".pdf":
            return _read_pdf(path, source)
        return _read_docx(path, source)
    except PermissionError as exc:
        raise SkipFile("permission denied: cannot read file") from exc
    except OSError as exc:
        raise SkipFile(f"cannot read: {exc.strerror or exc}") from exc


def iter_raw(
    files: list[tuple[Path, str]], max_bytes: int
) -> Iterator[tuple[Path, str, list[RawDocument] | Skipped]]:
    """Read files one by one, yielding their raw documents or the reason they were skipped."""
    sidecars: dict[Path, dict[str, dict[str, str]]] = {}
    for path, source in files:
        try:
            docs = read_file(path, source, max_bytes)
        except SkipFile as exc:
            yield path, source, Skipped(source, str(exc))
            continue
        folder = path.parent
        if folder not in sidecars:
            sidecars[folder] = read_sidecar(folder)
        extra = sidecars[folder].get(path.name)
        if extra:
            for doc in docs:
                doc.title = doc.title or extra.get("title")
                doc.published = extra.get("published") or doc.published
                doc.url = doc.url or extra.get("url")
                doc.outlet = doc.outlet or extra.get("source") or extra.get("outlet")
        yield path, source, docs
