"""Laid-out text made into paragraphs, so sentences are whole wherever they were line-broken.

Answers quote sentences and the sentence splitter ends a sentence at a newline, so a paragraph
must be one line: an HTML `<p>` whose source wraps at 80 columns, or a PDF paragraph that pypdf
returns one printed line at a time, would otherwise turn into fragments ("notably Windows
systems, do not have an IANA"). Blocks are separated by a blank line; code keeps its lines;
a definition list reads "term: definition"; a table row reads "cell | cell".
"""

from __future__ import annotations

import re
from xml.etree import ElementTree

from .cleaning import ends_sentence, open_ended

_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*\n+")
_LIST_START = re.compile(r"^\s*(?:[-•▪◦*–]|\(?\d{1,3}[.)]|\(?[a-z][.)])\s+")


# Elements of trafilatura's XML that hold a block of their own inside another (a table cell of
# paragraphs) or break a line.
_INNER_BLOCKS = frozenset({"p", "head", "list", "item", "lb", "row", "cell"})


def _flat(element: ElementTree.Element) -> str:
    """An element's text on one line; the blocks and lines inside it are apart, so those of a
    table cell do not run together ("... pronounce "Valgrind"?1.2. Where does ...")."""
    return _SPACE.sub(" ", _spaced(element)).strip()


def _spaced(element: ElementTree.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        inner = _spaced(child)
        parts.append(f" {inner} " if child.tag in _INNER_BLOCKS else inner)
        parts.append(child.tail or "")
    return "".join(parts)


def html_blocks(xml: str) -> str:
    """Text from trafilatura's XML output (`output_format="xml"`), one block per paragraph."""
    root = ElementTree.fromstring(xml)
    main = root.find("main")
    blocks: list[str] = []
    _blocks(main if main is not None else root, blocks)
    return "\n\n".join(b for b in blocks if b.strip())


def _blocks(parent: ElementTree.Element, blocks: list[str]) -> None:
    for element in parent:
        tag = element.tag
        if tag == "div" and not (element.text or "").strip() \
                and not any((child.tail or "").strip() for child in element):
            _blocks(element, blocks)  # a section the page nests its blocks in
        elif tag == "code":
            # One block, blank lines and all: a line of it set apart by blank lines would read
            # as a section heading ("build foo.o: cc foo.c" in a build file).
            code = _BLANK_LINES.sub("\n", "".join(element.itertext()).strip("\n"))
            if code.strip():
                blocks.append(code)
        elif tag == "list":
            blocks.append(_list_text(element))
        elif tag == "table" and _lays_out(element):
            for cell in element.iter("cell"):
                _cell_blocks(cell, blocks)
        elif tag == "table":
            blocks.append(_table_text(element))
        elif element.find(".//lb") is not None:
            # Lines broken by hand (<br>: release notes, a DocBook literal layout, an address):
            # a line that ran to the common width was wrapped there, and a short line or a
            # bullet ends one ("* Fix Rust v0 name demangling.").
            text = unwrap_lines("\n".join(_SPACE.sub(" ", line).strip()
                                          for line in _broken_lines(element).split("\n")))
            if text:
                blocks.append(text)
        else:  # head, p, quote, and anything new: one line
            text = _flat(element)
            if text:
                blocks.append(text)


# What a cell of a table that lays out a page holds, and a data table's cell does not.
_PAGE_BLOCKS = frozenset({"head", "list", "table"})


def _lays_out(table: ElementTree.Element) -> bool:
    """Whether a table lays out a page rather than holding data: it is one column, and a cell
    holds a heading, a list, another table, a block of code or two paragraphs (the pages of
    many older sites are a table whose one cell holds the whole text). A code span ("SIGHUP")
    is no block; a row of two cells pairs them (a question and its answer, a tool and what it
    does) as a data table's does."""
    if any(sum(bool(_flat(cell)) for cell in row.findall("cell")) > 1
           for row in table.iter("row")):
        return False
    for cell in table.iter("cell"):
        if any(child.tag in _PAGE_BLOCKS for child in cell):
            return True
        blocks = sum(child.tag == "p" or (child.tag == "code"
                                          and "\n" in "".join(child.itertext()).strip())
                     for child in cell)
        if blocks > 1:
            return True
    return False


def _cell_blocks(cell: ElementTree.Element, blocks: list[str]) -> None:
    """A layout cell's blocks, its own loose text a block of its own."""
    loose = [cell.text or "", *(child.tail or "" for child in cell)]
    if any(part.strip() for part in loose):
        text = _flat(cell)  # prose written straight into the cell: read it as one paragraph
        if text:
            blocks.append(text)
        return
    _blocks(cell, blocks)


def _broken_lines(element: ElementTree.Element) -> str:
    """An element's text with its line breaks (trafilatura's <lb/>) as newlines."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _broken_lines(child))
        parts.append(child.tail or "")
    return "".join(parts)


def prose_chars(xml: str) -> int:
    """How many characters, spaces aside, trafilatura's XML output holds outside its headings
    and code (where a page's chrome, a menu or a footer, would be)."""
    root = ElementTree.fromstring(xml)

    def chars(element: ElementTree.Element) -> int:
        return len("".join("".join(element.itertext()).split()))

    return chars(root) - sum(chars(e) for e in root.iter() if e.tag in ("head", "code", "quote"))


def xml_heading(xml: str) -> str | None:
    """The first heading of trafilatura's XML output, or None (`metadata.first_heading` is
    the Markdown one)."""
    root = ElementTree.fromstring(xml)
    head = next(root.iter("head"), None)
    return (_flat(head) or None) if head is not None else None


def _table_text(element: ElementTree.Element) -> str:
    """One line per row; under a header row (the page's <th> cells) each cell is named by its
    column ("Platform: macOS; Minimum version: 12 (Monterey)"), so a row answers on its own. A
    table without one whose rows pair a name with what it is reads "name: what it is", as a
    definition list does ("ctxt: an XSLT transformation context", "compdb: given a list of
    rules, ..."): its first row is no header."""
    cells = [[cell for cell in row if cell.tag == "cell"] for row in element.iter("row")]
    rows = [(r, [_flat(cell) for cell in r]) for r in cells]
    rows = [(r, texts) for r, texts in rows if any(texts)]
    if not rows:
        return ""
    first, first_texts = rows[0]
    header = first_texts if len(rows) > 1 and all(first_texts) and all(
        cell.get("role") == "head" for cell in first) else None
    lines = [" | ".join(header)] if header else []
    for _, row in rows[1 if header else 0:]:
        filled = [cell for cell in row if cell]
        if header and len(row) == len(header):
            line = "; ".join(f"{h}: {c}" for h, c in zip(header, row, strict=True) if c)
            lines.append(line if ends_sentence(line) else f"{line}.")
        elif not header and len(filled) == 2 and _names_a_thing(filled[0]):
            lines.append(f"{filled[0].rstrip(':').rstrip()}: {filled[1]}")
        else:
            # Empty cells are layout (an indent, a question's number left of its answer).
            lines.append(" | ".join(filled))
    return "\n".join(lines)


def _names_a_thing(cell: str) -> bool:
    """Whether a cell reads as a name (a parameter, a tool, an option): a few words with a letter,
    not a number ("1.2.") or a sentence."""
    return (any(ch.isalpha() for ch in cell) and len(cell.split()) <= 4
            and not ends_sentence(cell.rstrip(":")))


def _list_text(element: ElementTree.Element, depth: int = 0) -> str:
    """One line per item; a list inside an item follows it, indented, one line per item
    ("- options <Object>" then "  - ref <boolean> ... Default: true."), so the items' texts
    do not run together ("Default: true.signal <AbortSignal>")."""
    lines: list[str] = []
    term: str | None = None
    indent = "  " * depth
    for item in element.findall("item"):
        rend = item.get("rend") or ""
        text = _own_text(item)
        nested = [_list_text(sub, depth + 1) for sub in item.findall("list")]
        if rend.startswith("dt"):
            # Terms that share one definition (an API's aliases) are all kept.
            term = f"{term}, {text}" if term and text else term or text
            continue
        if rend.startswith("dd") and term:
            lines.append(f"{indent}{term}: {text}")
            term = None
        elif text:
            title = _item_title(item)
            if title:  # a titled item (an FAQ's question): the title labels what follows
                lines.append(f"{indent}- {title}")
                lines.append(f"{indent}  {text[len(title):].strip()}")
            else:
                lines.append(f"{indent}- {text}")
        lines.extend(n for n in nested if n)
    if term:
        lines.append(term)
    return "\n".join(lines)


def _item_title(item: ElementTree.Element) -> str | None:
    """The title an item gives the paragraphs it holds ("Troubles compiling or linking programs"
    before "<p>Usually the problem comes from ..."): its own text before its first paragraph,
    when that ends no sentence."""
    first = next(iter(item), None)
    title = _SPACE.sub(" ", item.text or "").strip()
    if first is None or first.tag != "p" or not title or ends_sentence(title):
        return None
    return title


def _own_text(item: ElementTree.Element) -> str:
    """An item's text without the lists nested in it."""
    parts = [item.text or ""]
    for child in item:
        if child.tag == "p":  # an item of two paragraphs: "... is used." and ".npmignore files"
            parts.append(" ")
        if child.tag != "list":
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return _SPACE.sub(" ", "".join(parts)).strip()


_FRAGMENT = re.compile(r"([A-Za-z]+)-$")
_FIRST_WORD = re.compile(r"[A-Za-z]+")


def _join_hyphenated(current: str, line: str) -> str:
    """Join a line broken after a hyphen: a word the typesetter split ("contain-" + "ing") is
    made whole when the joined form is an English word; a compound keeps its hyphen
    ("S3-compatible", "null-terminated")."""
    fragment, first = _FRAGMENT.search(current), _FIRST_WORD.match(line)
    if fragment and first and _is_word((fragment.group(1) + first.group(0)).lower()):
        return current[:-1] + line
    return current + line


def _is_word(word: str) -> bool:
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word))


def unwrap_lines(text: str, headings_apart: bool = False) -> str:
    """Join the printed lines of a page back into paragraphs.

    A line that runs (nearly) to the right margin was wrapped there: it continues on the next
    line; so does one that ends in a word's hyphen, a comma or a word no sentence ends with
    ("or", "the"). A short line ends its paragraph; so does a line before a list item, and a
    short line without final punctuation (a heading) stands alone, unless it starts in lower
    case after a wrapped line that left its sentence open. "S3-" at the margin joins
    "compatible" without a space; "contain-" joins "ing" without the hyphen.

    Args:
        headings_apart: set a heading between prose apart by blank lines, as a section label
            (`ingest.chunking.section_label`) is; a run of short lines (a table's cells) stays.
    """
    lines = [line.rstrip() for line in text.split("\n")]
    lengths = sorted(len(line) for line in lines if line.strip())
    if len(lengths) < 3:
        return text
    width = lengths[int(0.9 * (len(lengths) - 1))]
    out: list[str] = []
    alone: list[bool] = []  # per line of `out`: a heading on its own
    current = ""
    current_heading = False

    def flush() -> None:
        nonlocal current
        if current:
            out.append(current)
            alone.append(current_heading)
        current = ""

    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            flush()
            out.append("")
            alone.append(False)
            continue
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        # A line left open goes on, however short a code span's wider type left it; so does
        # one that leaves a bracket open ("int TRANS(GetPeerAddr)(XtransConnInfo connection,
        # int *familyp, int" / "*addrlenp, Xtransaddr **addrp);").
        open_end = open_ended(stripped) or stripped.count("(") > stripped.count(")")
        # A short line without final punctuation is a heading, unless it is left open or goes
        # on with the sentence a wrapped line left open ("... in the order they appear in your"
        # / "package.json", printed in a wider code font).
        heading = (len(line) < 0.6 * width and not ends_sentence(stripped) and not open_end
                   and not (current and not ends_sentence(current) and stripped[:1].islower()))
        # A line that is all an aside in brackets ("(LIBGCCJIT_ABI_21)", "(PR102024)") is no
        # heading: it belongs to the line it was set under, which a short line had ended.
        aside = stripped[:1] == "(" and stripped[-1:] == ")" and not _LIST_START.match(line)
        heading = heading and not aside
        if aside and not current and out and out[-1] and not alone[-1]:
            current = out.pop()
            alone.pop()
        elif heading or _LIST_START.match(line):
            flush()
        if not current:
            current = stripped
            current_heading = heading
        elif current.endswith("-") and current[-2:-1].isalnum() and stripped[:1].isalnum():
            current = _join_hyphenated(current, stripped)
        else:
            current += " " + stripped
        # A browser breaks a line after a word's hyphen well before the margin when what
        # follows is long: "... in favor of --install-" / "strategy=nested".
        broken = stripped.endswith("-") and stripped[-2:-1].isalnum() and nxt[:1].isalnum()
        # A sentence left open goes on in lower case: a narrow column wraps it well short of
        # the page's widest lines ("DocBook is an XML/SGML vocabulary particularly" / "well
        # suited to books and papers ... software."). Not into code or a name ("xsltproc
        # [options]"), nor into the next of a run of unpunctuated lines (a table's rows, a
        # list's items): what follows must end the sentence or run on to the margin itself,
        # and what it goes on from must be a sentence's start ("DocBook is ...") or already
        # run on from one (an item "check nargs for ..." is neither).
        runs_on = (not ends_sentence(stripped) and nxt[:1].islower()
                   and (current[:1].isupper() or current != stripped)
                   and _is_word(nxt.split(maxsplit=1)[0])
                   and (ends_sentence(nxt) or len(nxt) >= 0.8 * width))
        wrapped = (len(line) >= 0.8 * width or broken or open_end or runs_on) and not heading
        if not wrapped or not nxt or _LIST_START.match(nxt):
            flush()
    flush()
    if headings_apart:
        out = _headings_apart(out, alone)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip()


def _headings_apart(lines: list[str], alone: list[bool]) -> list[str]:
    """Blank lines around each heading that stands between lines of prose, and before one that
    ends the page after prose (its section goes on on the next page)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        before = alone[i - 1] if i else False
        after = alone[i + 1] if i + 1 < len(lines) else False
        if alone[i] and not before and not after and i + 1 < len(lines) \
                and lines[i + 1].strip():
            out.extend(["", line, ""])
        elif alone[i] and i and i + 1 == len(lines) and lines[i - 1].strip() and not before:
            out.extend(["", line])
        else:
            out.append(line)
    return out
