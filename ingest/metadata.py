"""Titles and publish dates found in a document's own text, and date normalisation.

Dates are returned as ISO `YYYY-MM-DD`; anything ambiguous (no year, day/month order unknown) is
left as None rather than guessed.
"""

from __future__ import annotations

import re
from datetime import date

from .cleaning import is_sentence

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_YEAR = r"(?P<year>(19|20)\d{2})"
_DAY = r"(?P<day>\d{1,2})(st|nd|rd|th)?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*[+-]\d{2}:?\d{2})?)?"

_ISO = re.compile(r"(?P<year>(19|20)\d{2})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
_DMY = re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.IGNORECASE)
_MDY = re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.IGNORECASE)
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})[./-](?P<b>\d{1,2})[./-](?P<year>(19|20)\d{2})\b")
_WEEKDAY = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

# A line that announces the date: "date 2024-01-17", "Published: 17 January 2025 09:37".
_DATE_PREFIX = re.compile(
    r"^\s*(?:date|published(?: on)?|posted(?: on)?|updated(?: on)?|pubdate)\s*[:\-]?\s*",
    re.IGNORECASE,
)


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def normalize_date(value: str | None) -> str | None:
    """Turn a date string from metadata into `YYYY-MM-DD`, or None when it is not a clear date.

    Accepts ISO forms (`2022-06-12`, `2022/06/16`, `2022-06-12T10:00:00Z`), `17 January 2025`,
    `January 17, 2025` and unambiguous numeric forms (`17.01.2025`; not `05.06.2025`).
    """
    if not value:
        return None
    text = str(value).strip()
    match = _ISO.search(text)
    if match:
        return _valid(int(match["year"]), int(match["month"]), int(match["day"]))
    for pattern in (_DMY, _MDY):
        match = pattern.search(text)
        if match:
            return _valid(int(match["year"]), MONTHS[match["month"].lower()], int(match["day"]))
    match = _NUMERIC.search(text)
    if match:
        a, b = int(match["a"]), int(match["b"])
        if a > 12 >= b:
            return _valid(int(match["year"]), b, a)
        if b > 12 >= a:
            return _valid(int(match["year"]), a, b)
    return None


def _whole_line_date(line: str) -> str | None:
    """The date when a line is nothing but a date (and maybe a time)."""
    stripped = _DATE_PREFIX.sub("", line.strip())
    for pattern in (_ISO, _DMY, _MDY, _NUMERIC):
        match = re.fullmatch(rf"{_WEEKDAY}{pattern.pattern}{_TIME}\.?", stripped, re.IGNORECASE)
        if match:
            return normalize_date(stripped)
    return None


def extract_date(text: str, head_lines: int = 15) -> tuple[str | None, str]:
    """Find the publish date in the first lines of a document.

    Looks for a date line (`17 January 2025 09:37`), a labelled date (`date 2024-01-17`,
    `Published: ...`) that may run into the first sentence, or a dateline. Dates without a year
    ("on Wednesday, January 17") are ambiguous and give None.
    Returns:
        The ISO date or None, and the text with a date label that was glued to prose removed.
    """
    lines = text.splitlines()
    seen = 0
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        seen += 1
        if seen > head_lines:
            break
        found = _whole_line_date(line)
        if found:
            return found, text
        labelled = _DATE_PREFIX.match(line)
        if labelled:
            rest = line[labelled.end() :]
            match = _ISO.match(rest) or _DMY.match(rest) or _MDY.match(rest)
            if match:
                iso = normalize_date(match.group(0))
                if iso:
                    # Keep the prose that follows the label on the same line.
                    lines[index] = rest[match.end() :].lstrip(" ,:-")
                    return iso, "\n".join(lines)
    return None, text


def title_date(text: str, max_words: int = 20) -> str | None:
    """The date a document's title line gives it ("Riverside Town Council, minutes of the
    meeting of 24 September 2024"), when that line is short, holds one full date and has text
    under it; for documents no line announces a date for. A one-line text is no title: a search
    snippet's dates are what it reports on."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2 or len(lines[0].split()) > max_words:
        return None
    first = lines[0]
    found = {normalize_date(m.group(0)) for pattern in (_ISO, _DMY, _MDY)
             for m in pattern.finditer(first)} - {None}
    return found.pop() if len(found) == 1 else None


# A dateline ends where the story starts: "New York CNN —", "LONDON (Reuters) -".
_DATELINE = re.compile(r"\s[—–-]{1,2}$")


def extract_title(text: str, head_lines: int = 8) -> str | None:
    """The first headline-like line near the top: 4 to 25 words, not a sentence, a date or a
    dateline."""
    seen = 0
    for line in text.splitlines():
        stripped = line.strip().lstrip("#").strip()
        if not stripped:
            continue
        seen += 1
        if seen > head_lines:
            break
        words = stripped.split()
        if _DATELINE.search(stripped):
            continue  # "New York CNN —" opens the story; it names a place, not the story
        if 4 <= len(words) <= 25 and not is_sentence(stripped) and not _whole_line_date(stripped):
            return stripped
        if is_sentence(stripped) and len(words) > 25:
            break  # the article has started
    return None


def first_heading(text: str) -> str | None:
    """A Markdown `# heading` at the top, used as the title of Markdown files."""
    for line in text.splitlines():
        if line.strip():
            match = re.match(r"^#{1,2}\s+(.+)$", line.strip())
            return match.group(1).strip() if match else None
    return None
