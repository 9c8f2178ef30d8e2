"""Sentence-aware chunking sized in the embedder's own tokens (llama-index `SentenceSplitter`)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

from .cleaning import LIST_ITEM, bulleted, is_sentence, open_ended, unbulleted
from .types import Chunk, Document

Tokenizer = Callable[[str], list]  # type: ignore[type-arg]


# An API reference's heading: one call of a dotted name ("os.loadavg()", "immediate.hasRef()").
_API_HEADING = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\(\)")


def _label(paragraph: str) -> str | None:
    line = paragraph.strip().lstrip("#").strip()
    if bulleted(line):
        return None  # a list of one item ("- Returns: <Timeout>") labels nothing after it
    # Separators are no words: "1.12.0 — November 24, 2020 — Diff — Docs" is six.
    words = [w for w in line.split() if any(ch.isalnum() for ch in w)]
    if "\n" not in line and len(words) <= 8 and re.fullmatch(
            r"[\w\-`'\"@].*[\w)`'\"]", line) and not re.search(r"[{};=]", line) and (
            "()" not in line or _API_HEADING.fullmatch(line)):
        return line
    return None


# An API reference's signature line, a name called with its parameters ("shuffle
# _.shuffle(list)", "countBy _.countBy(list, iteratee, [context])"): a heading even where no
# blank line sets it apart, as in a PDF's text, where the entry's description follows on the
# next line. A macro's name may be called in turn ("int TRANS(Connect)(XtransConnInfo
# connection, const char *address)").
_SIGNATURE = re.compile(r"[^\n{};=]*?(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\([^()\n{};=]*[A-Za-z]"
                        r"[^()\n{};=]*\)(?:\([^()\n{};=]*\))?|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+"
                        r"\(\))")


def section_labels(text: str) -> list[tuple[int, str]]:
    """Every paragraph of a text that is a section label (one short line without a full stop),
    and every signature line (`_SIGNATURE`) with text after it, with the offset where the text
    after it begins; one pass over the text."""
    out: list[tuple[int, str]] = []
    pos = 0
    while (sep := text.find("\n\n", pos)) >= 0:
        label = _label(text[pos:sep])
        if label:
            out.append((sep + 2, label))
        out.extend(_signatures(text, pos, sep))
        pos = sep + 2
    out.extend(_signatures(text, pos, len(text)))
    return sorted(out)


def _signatures(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """The signature lines of the paragraph text[start:end] that a line of prose follows (in a
    code block, "foo.bar(baz)" is a statement: code follows it), and the list items that open
    with a signature run into their description ("- int TRANS(Connect)(XtransConnInfo
    connection, const char *address); This function creates a connection ...")."""
    out = []
    line_start = start
    while line_start < end:
        nl = text.find("\n", line_start, end)
        nl = end if nl < 0 else nl
        line = text[line_start:nl].strip()
        after = text.find("\n", nl + 1, end)
        described = text[nl + 1:after if after >= 0 else end].strip()
        # A C declaration ends in ";" and may take more words ("int TRANS(GetPeerAddr)(
        # XtransConnInfo connection, int *familyp, int *addrlenp, Xtransaddr **addrp);").
        declared = line.removesuffix(";")
        if nl < end and len(line) <= TERM_MAX \
                and len(line.split()) <= (12 if declared != line else 8) \
                and described[:1].isupper() and _SIGNATURE.fullmatch(declared) \
                and not bulleted(line) and is_sentence(described):
            out.append((nl + 1, declared))
        elif bulleted(line):
            # A list item that opens with a declaration, up to its ";", and goes on with a
            # sentence: the item is all under it.
            head, semicolon, rest = unbulleted(line).partition(";")
            if semicolon and rest.strip()[:1].isupper() and len(head.split()) <= 12 \
                    and _SIGNATURE.fullmatch(head):
                out.append((line_start, head))
        line_start = nl + 1
    return out


def section_label(text: str, start: int,
                  labels: list[tuple[int, str]] | None = None) -> str | None:
    """The label of the section a position of a text is in: the nearest earlier paragraph that is
    one short line without a full stop ("missing_docs" above "This lint is allowed by default.",
    "Version 2.2.0 (released 4 March 2025)" above a list of changes).

    Args:
        labels: `section_labels(text)`, when many positions of one long text are asked about.
    """
    labels = section_labels(text) if labels is None else labels
    i = bisect.bisect_right(labels, start, key=lambda item: item[0])
    return labels[i - 1][1] if i else None


# A definition-list item on one line: "parallel_uploads: How many files ... The default is 4."
_TERM = re.compile(r"\s*([\w.`-]{2,40}):\s")


TERM_MAX = 200  # characters: a definition's term (an API signature) is at most this long
_TERM_SIGNS = set("()_.=<-/[")  # what marks a term of several words as code, not prose


def definition_term(text: str, start: int) -> str | None:
    """The term a sentence at `start` goes on defining, when it continues a definition line:
    "parallel_uploads" for "The default is 4." after "parallel_uploads: How many files are
    uploaded at once.", "textwrap.shorten(text, width, *, placeholder=' [...]')" for "New in
    version 3.4." at the end of that signature's description. None at a line's start, or when
    the line does not open with a term and ": " ("He said: ..." is prose: a term of several
    words must look like code)."""
    line = text.rfind("\n", 0, start) + 1
    term = _TERM.match(text, line)
    if term and term.end() <= start:
        return term.group(1)
    cut = text.find(": ", line, start)
    if cut < 0 or cut - line > TERM_MAX:
        return None
    name = text[line:cut].strip()
    if not name or ". " in name or (" " in name and not _TERM_SIGNS & set(name)):
        return None
    return name


INTRODUCED_MAX = 300  # characters of a block a sentence ending in a colon is shown with


def introduced_block(text: str, end: int) -> str | None:
    """The short block a sentence ending in a colon at `end` introduces, on one line: the
    code or settings after "here are the default values for the dev and release profiles:"
    ("[profile.dev] opt-level = 0 [profile.release] opt-level = 3"), or the list after "you
    only need to learn four functions:" ("XML_ParserCreate: Create a new parser object. ..."),
    which hold its answer; or the block that finishes a sentence left open before it ("The
    TRANS() macro is defined as" / "#define TRANS(func) _PROTOCOLTrans##func"). None when
    prose other than a list's items follows, or when the block is longer than
    `INTRODUCED_MAX` characters."""
    # Read back over the whitespace, not a copy of all the text before `end`: this runs for
    # every sentence of every chunk a question retrieves.
    last = end - 1
    while last >= 0 and text[last].isspace():
        last -= 1
    if last < 0:
        return None
    if text[last] != ":":
        # Left open ("... in the following syntax,", "... is defined as") where a block
        # begins: only the end of the sentence's line is read back.
        line = text[max(text.rfind("\n", 0, last) + 1, last - 60):last + 1]
        if not (text.startswith("\n\n", last + 1) and open_ended(line)):
            return None
    lines: list[str] = []
    all_items = apart = False  # every line so far a list item; a blank line since the last
    for line in text[end:].split("\n"):
        if not line.strip():
            apart = True
            continue
        item = bool(LIST_ITEM.match(line))
        if is_sentence(line) and not (item or _TERM.match(line)):
            break
        if all_items and apart and not item:
            break  # the next section's heading, after the list
        all_items = item and (all_items or not lines)
        apart = False
        lines.append(line.strip())
        if sum(len(x) + 1 for x in lines) > INTRODUCED_MAX:
            return None
    return " ".join(lines) or None


DEFINITION_MAX = 300  # characters: a longer "term: ..." line is a paragraph, read by sentences


def definitions(text: str) -> list[tuple[int, int]]:
    """Spans of the short one-line entries of a text: a definition ("parallel_uploads: How many
    files are uploaded at the same time. The default is 4 and the maximum is 32.") or a list
    item ("- encoding <string> The encoding to use. Default: 'utf8'."), one entry of a list or
    table, which reads as one unit although it may hold several sentences."""
    out = []
    pos = 0
    for line in text.split("\n"):
        if len(line) <= DEFINITION_MAX and (_TERM.match(line) or LIST_ITEM.match(line)):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _sentences_then_lines(chunk_size: int,
                          tokenizer: Tokenizer | None) -> Callable[[str], list[str]]:
    """Sentences (llama-index's tokenizer), and a sentence too long for a chunk split at its
    line ends: an intro that runs into a table or code block without a full stop ("... in a
    binary, mmappable format: Header:\n2 CARD16 MAJOR_VERSION 1\n...") would otherwise be cut
    at a comma, mid-line."""
    from llama_index.core.node_parser.text.utils import split_by_sentence_tokenizer
    from llama_index.core.utils import get_tokenizer

    sentences = split_by_sentence_tokenizer()
    count = tokenizer or get_tokenizer()

    def split(text: str) -> list[str]:
        out: list[str] = []
        for sentence in sentences(text):
            # A token has a character or more: a short sentence fits without being counted.
            if "\n" in sentence.strip() and len(sentence) > chunk_size // 2 \
                    and len(count(sentence)) > chunk_size:
                out.extend(_LINE.findall(sentence))
            else:
                out.append(sentence)
        return out

    return split


_LINE = re.compile(r"[^\n]*\n+|[^\n]+$")


class Chunker:
    """Splits documents into sentence-aligned chunks of at most `chunk_size` tokens.

    Args:
        chunk_size: the most tokens a chunk may have, counted by `tokenizer`.
        chunk_overlap: tokens shared by neighbouring chunks.
        tokenizer: the embedder's tokenizer, so that sizes match what the embedder sees; the
            default is llama-index's bundled tokenizer.
    """

    def __init__(self, chunk_size: int, chunk_overlap: int, tokenizer: Tokenizer | None = None):
        from llama_index.core.node_parser import SentenceSplitter

        if chunk_overlap >= chunk_size:
            raise ValueError(
                f"chunk_overlap ({chunk_overlap}) must be smaller than chunk_size ({chunk_size})"
            )
        self._splitter = SentenceSplitter(
            chunk_size=chunk_size,
            chunk_overlap=chunk_overlap,
            tokenizer=tokenizer,
            chunking_tokenizer_fn=_sentences_then_lines(chunk_size, tokenizer),
            paragraph_separator="\n\n",
            include_metadata=False,
            include_prev_next_rel=False,
        )

    def split(self, document: Document) -> list[Chunk]:
        """Chunk one document; each chunk knows its character offset and page."""
        texts = self._splitter.split_text(document.text)
        labels = section_labels(document.text)
        chunks: list[Chunk] = []
        cursor = 0
        for position, text in enumerate(texts):
            start = document.text.find(text, cursor)
            if start < 0:  # the splitter normalised whitespace: anchor on the first words
                start = document.text.find(text[:40], cursor)
            start = max(start, 0)
            cursor = start + 1
            chunks.append(
                Chunk(
                    doc_id=document.doc_id,
                    position=position,
                    text=text,
                    start=start,
                    page=document.page_at(start) if document.pages else None,
                    # A chunk that opens mid-section ("This lint warns by default.") keeps the
                    # label its section began with, which the chunk before it holds; one that
                    # opens inside a long definition, the term defined.
                    section=definition_term(document.text, start)
                    or section_label(document.text, start, labels),
                )
            )
        return chunks
