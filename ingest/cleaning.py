"""Page-chrome removal for scraped plain text: menus, share widgets, notices, related headlines.

Works line by line and is conservative: a line that reads like an article sentence is kept unless
it matches a strong chrome pattern (cookie notice, copyright, "follow our ... channel").
"""

from __future__ import annotations

import re

_TERMINAL = re.compile(r"[.!?…:;][\"'”’»)\]]*$|[\"”’»]$")

# Lines that are chrome whatever their length.
_STRONG = [
    r"\b(this|our) (web)?site uses cookies\b",
    r"\buses cookies to\b",
    r"\baccept (all )?cookies\b",
    r"\bcookie (policy|settings|preferences)\b",
    r"\bcomments are closed\b",
    r"\b(leave|post|add) a comment\b",
    r"^\d+ comments?$",
    r"©|\(c\) \d{4}|\bcopyright\b|\ball rights reserved\b",
    r"\buse of (the )?materials\b.*\b(allowed|permitted|hyperlink)\b",
    r"\bfollow (us|our)\b",
    r"\bshare (this|it|the story|on)\b",
    r"\bshare-line\b|\bliked the story\b",
    r"\bsubscribe (to|for|now)\b|\bsign up for\b|\bnewsletter\b",
    r"\bdownload (our|the) app\b",
    r"\bgoogle news\b",
    r"^views?:?\s*\d[\d,.]*$",
    r"^(read|see) (more|also)\b",
    r"^read the (latest|leading|top|main)\b.*\bnews\b",
    r"^(related|recommended|trending|popular|most read|more)( (topics|articles|stories|news|"
    r"posts|reading|from [\w ]+))?:?$",
    r"^you (may|might) (also )?(like|be interested)",
    r"^advertisement$|^ads?$|^sponsored( content)?$",
]
_STRONG_RE = re.compile("|".join(f"(?:{p})" for p in _STRONG), re.IGNORECASE)

_WIDGET_WORDS = {
    "twitter", "x", "youtube", "instagram", "facebook", "telegram", "whatsapp", "linkedin",
    "tiktok", "vk", "reddit", "pinterest", "rss", "email", "print", "copy link", "share", "tweet",
    "menu", "search", "home", "login", "log in", "sign in", "register", "subscribe", "loading",
    "apple store", "app store", "play market", "google play", "night_theme", "dark mode",
    "back to top", "close", "next", "previous", "ads", "ad", "more",
}
_BULLET = "[-•▪◦*–]"  # the marks a bulleted list item opens with
LIST_ITEM = re.compile(rf"\s*(?:{_BULLET}|\d{{1,3}}[.)])\s+\S")  # a list item on one line
_BULLETED = re.compile(rf"\s*{_BULLET}\s+")  # not a number: "1.2. Where ...?" may be a heading


def bulleted(text: str) -> bool:
    """Whether a line or sentence opens with a list item's bullet ("- Returns: <Timeout>")."""
    return _BULLETED.match(text) is not None


def unbulleted(text: str) -> str:
    """A bulleted line or sentence without its bullet."""
    match = _BULLETED.match(text)
    return text[match.end():] if match else text


_BYLINE_RE = re.compile(r"^(by|author:?|written by)\s+[A-Z][\w.'’-]+(\s+[A-Z][\w.'’-]+){0,3}$")
_MARKER_RE = re.compile(
    r"^((read|see) (more|also)|related( \w+)?|more (news|stories)|recommended|"
    r"read the (latest|leading|top)\b.*)[: ]*$",
    re.IGNORECASE,
)


def _words(line: str) -> list[str]:
    return re.findall(r"[\w’'-]+", line)


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (closing punctuation, maybe inside quotes)."""
    return bool(_TERMINAL.search(line.strip()))


# Words no sentence ends with: a line ending in one (or in a comma) goes on.
_OPEN_ENDS = {"a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "for", "with",
              "by", "from", "as", "at", "into", "than", "that", "which", "whose"}


def open_ended(line: str) -> bool:
    """Whether a line stops where no sentence ends: on a comma or a word such as "the" or "as"
    ("Cache files are stored in ~/.npm on Posix, or", "The TRANS() macro is defined as")."""
    words = line.split()
    return bool(words) and (line.rstrip().endswith(",") or words[-1].lower() in _OPEN_ENDS)


def is_sentence(line: str) -> bool:
    """Whether a line reads like prose: enough words and closing punctuation."""
    return len(_words(line)) >= 4 and bool(_TERMINAL.search(line.strip()))


def _is_widget(line: str) -> bool:
    text = line.strip()
    low = text.lower()
    if low in _WIDGET_WORDS:
        return True
    letters = re.sub(r"[^\w]", "", text)
    if len(letters) <= 3 and not text.endswith((".", "!", "?")):
        return True  # "A+", "A-", "ru", "arm", stray symbols
    words = _words(text)
    if text.isupper() and len(words) <= 8 and not is_sentence(text.rstrip("?!")):
        return True  # shouted UI labels: REGION, WHAT ARE YOU LOOKING FOR ?
    return bool(_BYLINE_RE.match(text))


def _is_short_label(line: str) -> bool:
    return len(_words(line)) <= 3 and not _TERMINAL.search(line.strip())


def remove_chrome(text: str) -> str:
    """Drop page-chrome lines from scraped text and keep the article's prose.

    Args:
        text: the document's text as scraped, one paragraph or widget per line.
    Returns:
        The text with chrome lines removed and runs of blank lines folded.
    """
    lines = text.splitlines()
    n = len(lines)
    chrome = [False] * n
    nonempty = [i for i, line in enumerate(lines) if line.strip()]

    for i in nonempty:
        line = lines[i].strip()
        if _STRONG_RE.search(line) or _is_widget(line):
            chrome[i] = True

    # Navigation blocks: three or more short labels in a row.
    run: list[int] = []
    for i in [*nonempty, -1]:
        if i >= 0 and _is_short_label(lines[i]):
            run.append(i)
            continue
        if len(run) >= 3:
            # A three-word headline right before the prose ends the menu, it is not part of it.
            if i >= 0 and is_sentence(lines[i]) and len(_words(lines[run[-1]])) >= 3:
                run = run[:-1]
            for j in run:
                chrome[j] = True
        run = []

    # Headline lists after a "Read more:" style marker: drop until the prose resumes.
    for pos, i in enumerate(nonempty):
        if _MARKER_RE.match(lines[i].strip()):
            chrome[i] = True
            for j in nonempty[pos + 1 :]:
                if is_sentence(lines[j]) and not chrome[j]:
                    break
                chrome[j] = True

    # A non-sentence line between two chrome lines (or chrome and the edge) is chrome too.
    changed = True
    while changed:
        changed = False
        for pos, i in enumerate(nonempty):
            if chrome[i] or is_sentence(lines[i]):
                continue
            # Neighbours that exist (the page's edge counts as neither side) must all be chrome.
            sides = [chrome[nonempty[p]] for p in (pos - 1, pos + 1) if 0 <= p < len(nonempty)]
            if sides and all(sides):
                chrome[i] = True
                changed = True

    # The items of a list that a sentence ending in a colon introduces are its content, however
    # short or shouted ("There are four built-in encodings:" before "- UTF-8", "- US-ASCII").
    for pos, i in enumerate(nonempty):
        if chrome[i] or not (is_sentence(lines[i]) and lines[i].rstrip().endswith(":")):
            continue
        for j in nonempty[pos + 1 :]:
            if not LIST_ITEM.match(lines[j]) or _STRONG_RE.search(lines[j]):
                break
            chrome[j] = False

    kept = [line.rstrip() for i, line in enumerate(lines) if not chrome[i]]
    cleaned = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()
