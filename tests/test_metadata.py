"""Publish dates and titles from a document's own text."""

from __future__ import annotations

import pytest

from ingest.metadata import extract_date, extract_title, normalize_date


@pytest.mark.parametrize(("value", "expected"), [
    ("2022-06-12", "2022-06-12"),
    ("2022/06/16", "2022-06-16"),
    ("2022-06-12T10:00:00Z", "2022-06-12"),
    ("17 January 2025 09:37", "2025-01-17"),
    ("January 17, 2025", "2025-01-17"),
    ("17.01.2025", "2025-01-17"),
    ("05.06.2025", None),  # day and month order unknown: never guessed
    ("on Wednesday, January 17", None),  # no year
    ("", None),
    ("2024-02-30", None),
])
def test_normalize_date(value: str, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_labelled_date_glued_to_prose_is_taken_out() -> None:
    date, text = extract_date(" date 2024-01-17 Russia’s foreign ministry said on Wednesday.")
    assert date == "2024-01-17"
    assert text.strip() == "Russia’s foreign ministry said on Wednesday."


def test_date_line_under_a_headline() -> None:
    text = "Putin, Pezeshkian to discuss Middle East developments\n\n17 January 2025 09:37\n\nOn ..."
    assert extract_date(text)[0] == "2025-01-17"


def test_dateline_without_year_is_left_empty() -> None:
    text = "Russia's Foreign Ministry said on Wednesday, January 17, that it expects a treaty."
    assert extract_date(text)[0] is None


def test_title_is_first_headline_not_a_sentence() -> None:
    text = "Iran and Russia close to a new treaty – Moscow\n\nMoscow and Tehran are working on it."
    assert extract_title(text) == "Iran and Russia close to a new treaty – Moscow"
    assert extract_title("Just one sentence of prose that ends here.") is None


def test_a_dateline_is_not_a_title() -> None:
    text = "New York CNN —\n\nNetflix renews its drama\n\nNetflix announced Sunday that it renewed it."
    assert extract_title(text) == "Netflix renews its drama"
    assert extract_title("LONDON (Reuters) -\n\nPrices rose in May, the office said.") is None


def test_a_title_line_that_dates_its_document() -> None:
    from ingest.metadata import title_date

    minutes = ("Riverside Town Council, minutes of the meeting of 24 September 2024\n\n"
               "Present: six of the seven council members.")
    assert title_date(minutes) == "2024-09-24"
    # Not a long first line, not one with two dates, not a one-line text (a search snippet
    # reports on its dates), not a title without a full date.
    assert title_date("Results " * 30 + "on 24 September 2024\n\nText.") is None
    assert title_date("Report, 3 March 2024 to 4 April 2024\n\nText.") is None
    assert title_date("Jul 13, 2019 ... Halep beats Williams to win the Wimbledon title.") is None
    assert title_date("Minutes of the September meeting\n\nText.") is None
