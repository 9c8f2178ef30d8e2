"""HTML repaired before main-text extraction, for what documentation generators add.

Two habits of generated reference docs cost text. Headings carry a permalink ("Timers#",
"Installation¶"), which then sits in every heading, section label and quote. And a list item
that documents a parameter links its type and its terms ("`encoding` <string> The character
encoding to use. Default: 'utf8'."); trafilatura reads a list of such items as link-heavy
navigation and drops it, taking the defaults with it. Menus are untouched: their items are
links and little else. Hand-written pages also write prose straight into a <div>, which
trafilatura reads as loose inline pieces: the prose is wrapped in paragraphs. And trafilatura
keeps the lines of a <pre> only when it looks like code to it (braces, four-space indents):
program output, a build file or a table of numbers ("==19182== Invalid write of size 4" and
the call stack under it) ran together into one line. A <pre> of several lines is marked as
code, which keeps them. Manuals made by Texinfo, DocBook or AsciiDoc lost every heading (so
no sentence was read under its section): a heading is taken out of the divs that hold it
alone, and such a page may be read with its body framed as the article (`framed`); the
pager between a manual's pages ("Next: ..., Previous: ..., Up: ...") is dropped.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

# What a heading's self-link shows (Node.js, mdBook: "#"; Sphinx, MkDocs: "¶"; others: "§").
PERMALINK_TEXT = {"", "#", "¶", "§", "🔗", "¤", "link"}
# A list item keeps its links as plain text when at least this much of it is not a link and
# links are under half of it: prose that links a term, not a menu entry.
OWN_TEXT_CHARS = 20
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def repair(html: str) -> str:
    """The page with heading permalinks removed, links in prose list items made plain text and
    prose held directly by a <div> in paragraphs; the page unchanged when it needs none of
    these (or does not parse)."""
    import lxml.etree
    import lxml.html

    try:  # lxml refuses a str that declares its encoding (XHTML's "<?xml ... encoding=?>")
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.LxmlError) as exc:
        log.debug("HTML left as is (%s)", exc)
        return html
    changed = False
    for link in list(root.iter("a")):
        href = (link.get("href") or "").strip()
        text = link.text_content().strip()
        if href.startswith("#") and text in PERMALINK_TEXT and _in_heading(link):
            link.drop_tree()
            changed = True
    for item in root.iter("li", "dd"):
        if item.find(".//ul") is not None or item.find(".//ol") is not None:
            continue  # a menu's branch: its entries are the nested items
        links = list(item.iter("a"))
        if not links:
            continue
        total = len(item.text_content().strip())
        linked = sum(len(a.text_content()) for a in links)
        if total - linked >= OWN_TEXT_CHARS and linked < total / 2:
            for a in links:
                a.drop_tag()
            changed = True
    for div in list(root.iter("div")):
        changed |= _paragraphs(div)
    for pre in list(root.iter("pre")):
        changed |= _preformatted(pre)
    for code in list(root.iter(*INLINE_CODE)):
        changed |= _flattened(code)
    for heading in list(root.iter("h1", "h2", "h3", "h4", "h5", "h6")):
        changed |= _unwrapped(heading)
    for block in list(root.iter(*PAGER_BLOCKS)):
        if block.getparent() is not None:  # not inside a pager dropped already
            changed |= _dropped_pager(block)
    if not changed:
        return html
    return str(lxml.html.tostring(root.getroottree(), encoding="unicode", method="html"))


# Elements that start a block of their own; anything else runs inline with the text around it.
BLOCKS = frozenset({"address", "article", "aside", "blockquote", "details", "dd", "div", "dl",
                    "dt", "fieldset", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
                    "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
                    "table", "ul"})


def _paragraphs(div: Any) -> bool:
    """Wrap the prose a <div> holds directly (no <p> around it) in paragraphs; True if any.

    Hand-written and older generated pages write a description straight into a <div>
    (Expat's reference: `<div class="fcndef">Free memory used by the parser. ...</div>`), and
    trafilatura keeps only paragraphs, lists, code and tables: every such description was lost.
    """
    import lxml.html

    # The inline children between block children, each run with the text that opens it (the
    # div's own text, then each block's tail).
    blocks: list[Any] = []
    runs: list[list[Any]] = [[]]
    texts = [div.text or ""]
    for child in div:
        if isinstance(child.tag, str) and child.tag in BLOCKS:
            blocks.append(child)
            runs.append([])
            texts.append(child.tail or "")
        else:
            runs[-1].append(child)
    owns = [text + "".join((c.text_content() if isinstance(c.tag, str) else "") + (c.tail or "")
                           for c in run) for text, run in zip(texts, runs, strict=True)]
    long = [len(own.strip()) >= OWN_TEXT_CHARS for own in owns]
    if not any(is_long and any(ch.isalpha() for ch in own)
               for is_long, own in zip(long, owns, strict=True)):
        return False
    for i, run in enumerate(runs):
        if not long[i]:
            continue
        para = lxml.html.Element("p")
        para.text = texts[i]
        if i == 0:
            div.text = None
            div.insert(0, para)
        else:
            blocks[i - 1].tail = None
            blocks[i - 1].addnext(para)
        for child in run:
            para.append(child)  # moves it, with its tail
    return True


# Inline code elements. DocBook nests markup in them ("<code class="filename"><em><code>${prefix}
# </code></em>/X11/Xtrans</code>"), which trafilatura moves to the end of the paragraph, leaving
# an empty code span where the path stood ("is installed under so that other modules may find
# it ... ${prefix}/X11/Xtrans").
INLINE_CODE = ("code", "tt", "kbd", "samp")


def _flattened(code: Any) -> bool:
    """Make an inline code element that holds other elements plain text; whether it did."""
    if len(code) == 0 or any(a.tag == "pre" for a in code.iterancestors()):
        return False
    text = code.text_content()
    for child in list(code):
        code.remove(child)
    code.text = text
    return True


def _preformatted(pre: Any) -> bool:
    """Wrap what a <pre> of two or more lines holds in one <code> (trafilatura's mark of a code
    block); True if it did. A <br> in it is a newline: gtk-doc breaks a synopsis's lines so,
    and trafilatura kept only what came before the first one."""
    import lxml.html

    breaks = list(pre.iter("br"))
    for br in breaks:
        br.tail = "\n" + (br.tail or "")
        br.drop_tag()
    if len(pre) == 1 and pre[0].tag == "code" and not (pre.text or "").strip() \
            and not (pre[0].tail or "").strip():
        return bool(breaks)  # already a code block
    if sum(1 for line in pre.text_content().split("\n") if line.strip()) < 2:
        return bool(breaks)
    code = lxml.html.Element("code")
    code.text, pre.text = pre.text, None
    for child in list(pre):
        code.append(child)  # moves it, with its tail
    pre.append(code)
    return True


def _unwrapped(heading: Any) -> bool:
    """Take a heading out of the divs that hold it alone (DocBook's `<div class="titlepage">
    <div><div><h2>`); True if it did. Read framed as an article, Valgrind's pages still lost
    every such heading; taken out, all but one came back (docs/evals.md, session 28)."""
    changed = False
    parent = heading.getparent()
    while (parent is not None and parent.tag == "div" and len(parent) == 1
           and not (parent.text or "").strip() and not (heading.tail or "").strip()):
        grand = parent.getparent()
        parent.drop_tag()
        parent, changed = grand, True
    return changed


# A manual's pager between its pages ("Next: Reporting bugs, Previous: Time, Up: Time
# [Contents][Index]") answers no question: links, and no words of its own but these.
PAGER_WORDS = {"next", "previous", "prev", "up"}
PAGER_BLOCKS = ("p", "div", "nav", "td", "header", "footer")
_WORD_RE = re.compile(r"[^\W\d_]+")


def _dropped_pager(block: Any) -> bool:
    """Drop a block of pager links; True if it did."""
    links = list(block.iter("a"))
    if not links or block.getparent() is None:
        return False
    own = block.text_content()
    for link in links:
        own = own.replace(link.text_content(), " ", 1)
    words = {w.lower() for w in _WORD_RE.findall(own)}
    if not words or not words <= PAGER_WORDS:
        return False
    block.drop_tree()  # keeps its tail
    return True


def framed(html: str) -> str | None:
    """The page with its body in an <article>, when it marks no main part (no <main>, no
    <article>: Texinfo, DocBook and AsciiDoc manuals); None when it does (or does not parse).
    Without one trafilatura gathers the page's paragraphs, lists and code one by one, and no
    heading among them; with one it may also take the page's chrome, so the caller weighs the
    two (`loaders._read_html`)."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.LxmlError):
        return None
    body = root.find("body")
    if body is None or root.find(".//main") is not None or root.find(".//article") is not None:
        return None
    article = lxml.html.Element("article")
    article.text, body.text = body.text, None
    for child in list(body):
        article.append(child)
    body.append(article)
    return str(lxml.html.tostring(root.getroottree(), encoding="unicode", method="html"))


def without_code(html: str) -> Any | None:
    """The page as a tree without its code, program output and keyboard input (<pre>, <code>,
    <samp>, <kbd>), for reading what the page declares of itself: a date in an example
    ("rustdoc 1.17.0 (56124baa9 2017-04-24)", a key "created 2010-08-31") is no publish date.
    None when it does not parse."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(_XML_DECLARATION.sub("", html, count=1))
    except (ValueError, lxml.etree.LxmlError):
        return None
    for element in root.xpath("//pre|//code|//samp|//kbd"):
        element.drop_tree()  # keeps the text after it
    return root


def _in_heading(element: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt"):
            return True
        parent = parent.getparent()
    return False
