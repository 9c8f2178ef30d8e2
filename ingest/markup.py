"""HTML repaired before main-text extraction, for what documentation generators add.

Two habits of generated reference docs cost text. Headings carry a permalink ("Timers#",
"Installation¶"), which then sits in every heading, section label and quote. And a list item
that documents a parameter links its type and its terms ("`encoding` <string> The character
encoding to use. Default: 'utf8'."); trafilatura reads a list of such items as link-heavy
navigation and drops it, taking the defaults with it. Menus are untouched: their items are
links and little else.
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
    """The page with heading permalinks removed and links in prose list items made plain text;
    the page unchanged when it needs neither (or does not parse)."""
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
    if not changed:
        return html
    return str(lxml.html.tostring(root.getroottree(), encoding="unicode", method="html"))


def _in_heading(element: Any) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt"):
            return True
        parent = parent.getparent()
    return False
