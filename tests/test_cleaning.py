"""Page-chrome removal: chrome lines go, every article sentence stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.cleaning import bulleted, remove_chrome, unbulleted

CHROME = {
    "000_c89d4988a9b26859.txt": [
        "For the latest headlines, follow our Google News channel online or via the app.",
        "Read more:",
        "Russia goes ahead with plans to buy Iranian short-range ballistic missiles: Report",
        "Iran, Russia to trade in local currencies instead of US dollar",
        "Russia says strikes on Yemen escalate tensions across Mideast, asks for UN meeting",
    ],
    "001_38317d17a90a1e63.txt": ["Read the leading news of the day:", "Read also:",
                                 "Related topics:", "More news"],
    "002_dc714f3d6c9d9d53.txt": [],
    "003_eff68191a37fd25e.txt": [
        "You can share this story on social media:", "Russia Today", "Comments are closed.",
        "This website uses cookies to improve your experience. We'll assume you're ok with this, "
        "but you can opt-out if you wish. Accept Read More",
    ],
    "004_fb200a36c31937b8.txt": [
        "twitter", "youtube", "instagram", "facebook", "telegram", "apple store", "play market",
        "night_theme", "ru", "arm", "search", "WHAT ARE YOU LOOKING FOR ?",
        "Any use of materials is allowed only if there is a hyperlink to Caliber.az",
        "Caliber.az © 2025. .", "REGION", "A+", "A-", "By Aghakazim Guliyev", "Caliber.Az",
        "Views: 140", "share-lineLiked the story? Share it on social media!", "print",
        "copy link", "Ссылка скопирована", "ads", "Follow us on Telegram", "loading",
        "The most important news of Armenia, Georgia, Turkey and Iran",
    ],
}


@pytest.mark.parametrize("name", sorted(CHROME))
def test_seed_articles_lose_chrome_and_keep_every_sentence(news_corpus: Path, name: str) -> None:
    raw = (news_corpus / name).read_text(encoding="utf-8")
    cleaned = remove_chrome(raw)
    kept = {line.strip() for line in cleaned.splitlines()}
    for line in CHROME[name]:
        assert line not in kept, f"chrome line survived: {line!r}"
    for line in raw.splitlines():
        line = line.strip()
        if line and line not in CHROME[name]:
            assert line in kept, f"article line lost: {line!r}"


def test_menu_share_and_cookie_lines_go_but_prose_stays() -> None:
    raw = "\n".join([
        "Home", "News", "Sport", "Contact",
        "Council approves budget",
        "The council approved the budget on Tuesday by a vote of 5-2.",
        "Share this article",
        "The mayor said the plan would cut costs.",
        "Related articles:",
        "Mayor opens new bridge",
        "Storm closes schools",
        "This site uses cookies to improve your experience.",
        "© 2024 Example Gazette. All rights reserved.",
    ])
    cleaned = remove_chrome(raw)
    assert "The council approved the budget on Tuesday by a vote of 5-2." in cleaned
    assert "The mayor said the plan would cut costs." in cleaned
    assert "Council approves budget" in cleaned
    for chrome in ("Home", "Share this article", "Mayor opens new bridge", "cookies", "©"):
        assert chrome not in cleaned


def test_plain_prose_is_untouched() -> None:
    text = "First paragraph of prose.\n\nSecond paragraph, also prose. It has two sentences."
    assert remove_chrome(text) == text


def test_a_list_a_sentence_introduces_is_content_however_short() -> None:
    """Three short labels in a row read as a menu, and shouted ones as UI labels; the items of
    a list that a sentence ending in a colon introduces are neither."""
    text = ("The parser reads documents in pieces, so it can start before the whole document "
            "has arrived.\n\nThere are four built-in encodings in the parser:\n\n- UTF-8\n"
            "- UTF-16\n- ISO-8859-1\n- US-ASCII\n\nAnything else triggers a call to the unknown "
            "encoding handler.\n\nHome\nNews\nSport\nWeather\n")
    cleaned = remove_chrome(text)
    assert "- UTF-8\n- UTF-16\n- ISO-8859-1\n- US-ASCII" in cleaned
    assert "Weather" not in cleaned and "Home" not in cleaned


@pytest.mark.parametrize(("line", "item"), [
    ("- Returns: <Timeout> a reference to timeout", "Returns: <Timeout> a reference to timeout"),
    ("  •  Redistributions of source code", "Redistributions of source code"),
    ("* Default: '&'.", "Default: '&'."),
])
def test_a_bulleted_line_is_read_without_its_bullet(line: str, item: str) -> None:
    assert bulleted(line)
    assert unbulleted(line) == item


@pytest.mark.parametrize("line", [
    "1.2. Where does the name come from?",  # a numbered heading, not a bullet
    "-1 means no limit.",  # a negative number
    "--trace-children=yes traces them.",  # an option
])
def test_a_number_or_an_option_is_no_bullet(line: str) -> None:
    assert not bulleted(line)
    assert unbulleted(line) == line
