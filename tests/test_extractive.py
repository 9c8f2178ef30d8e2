"""Which evidence sentences the extractive answerer shows, over hand-scored sentences (the
scores are given here: how sentences are scored is tested with the real model elsewhere)."""

from __future__ import annotations

from rag.answerers import Request
from rag.answerers.extractive import ExtractiveAnswerer
from rag.question import parse
from rag.support import Candidate
from rag.text import common_words, sentence_spans
from rag.types import Evidence

TEXT = ("Snapshots\n\nEvery snapshot has two kinds of index. Tidewater calls them flat and tree. "
        "Indexes are rebuilt by the check command.\n\nRetention policy\n\nSnapshots are kept "
        "for 30 days.")


def _answer(scores: dict[str, float], text: str = TEXT) -> str:
    evidence = [Evidence(chunk_id="c1", doc_id="d1", text=text, source="snapshots.md")]
    common = common_words(text)  # as `SentenceScorer` reads the passage
    cands = []
    for a, b in sentence_spans(text):
        sentence = text[a:b]
        score = next((s for key, s in scores.items() if sentence.startswith(key)), 0.01)
        cands.append(Candidate(0, sentence, a, b, score=score, qualified=True, common=common))
    cands.sort(key=lambda c: c.score, reverse=True)
    request = Request(parse("Which kinds of index does a snapshot have?"), evidence, cands)
    return ExtractiveAnswerer().answer(request)


def test_the_next_sentence_joins_the_best_only_when_it_scores_nearly_as_well() -> None:
    both = _answer({"Every snapshot": 0.40, "Tidewater calls": 0.35})
    assert both == ("Every snapshot has two kinds of index [1]. "
                    "Tidewater calls them flat and tree [1].")
    alone = _answer({"Every snapshot": 0.40, "Tidewater calls": 0.20})
    assert alone == "Every snapshot has two kinds of index [1]."


def test_a_heading_after_the_best_sentence_is_no_continuation() -> None:
    answer = _answer({"Indexes are rebuilt": 0.40, "Retention policy": 0.39})
    assert answer == "Indexes are rebuilt by the check command [1]."
    # A best sentence that is itself a heading is continued by its section's first line.
    answer = _answer({"Retention policy": 0.40, "Snapshots are kept": 0.39})
    assert answer == "Retention policy [1]. Snapshots are kept for 30 days [1]."


def test_the_next_entry_of_a_definition_list_is_no_continuation() -> None:
    options = ("Options\n\n-l, --mathlib: Define the standard math library. It is loaded "
               "first.\n-w, --warn: Give warnings for extensions to POSIX bc.")
    answer = _answer({"-l, --mathlib": 0.40, "It is loaded": 0.39}, options)
    assert answer == "-l, --mathlib: Define the standard math library [1]. It is loaded first [1]."
    answer = _answer({"It is loaded": 0.40, "-w, --warn": 0.39}, options)
    assert answer == "-l, --mathlib: It is loaded first [1]."


def test_a_declaration_is_shown_with_the_sentence_that_describes_it() -> None:
    """A signature states nothing; what it declares is said by the next sentence, which need
    not hold the question's words. Code that ends a sentence is no declaration."""
    reference = ("XML_ParserFree\n\nXML_ParserFree(XML_Parser p);\nFree memory used by the "
                 "parser. Your application is responsible for user data.")
    answer = _answer({"XML_ParserFree(": 0.50, "Free memory": 0.19}, reference)
    assert answer == "XML_ParserFree(XML_Parser p); [1]. Free memory used by the parser [1]."
    call = "Always call XML_ParserFree (the last call). It frees the parser."
    assert _answer({"Always call": 0.50, "It frees": 0.19}, call) == (
        "Always call XML_ParserFree (the last call) [1].")


def test_the_next_item_of_a_list_is_no_continuation_of_an_item() -> None:
    """Two items are two claims: run together, "- A [1]. - B [1]." reads as one list item and
    fails its own citation check. A heading's first item does continue it."""
    items = ("Bindings\n\n- Peter Jones maintains C++ bindings within xmlwrapp.\n- Mike "
             "Phillips provides a module for PHP.")
    answer = _answer({"- Peter Jones": 0.40, "- Mike Phillips": 0.39}, items)
    assert answer == "- Peter Jones maintains C++ bindings within xmlwrapp [1]."
    release = "Version 2.1.0 (released 18 September 2024)\n- New: SFTP repositories."
    answer = _answer({"Version 2.1.0": 0.40, "- New: SFTP": 0.39}, release)
    assert answer.endswith("- New: SFTP repositories [1].")


def test_a_list_item_that_says_this_does_not_point_to_the_item_before_it() -> None:
    """"This library" in a list of key points refers to what the list is about, not to the
    item above it ("It is written in plain C"): shown with that item, the answer ran two
    claims together and failed its own citation check."""
    points = ("Introduction\n\nHere are some key points about libxslt:\n\n- Libxslt is a C "
              "implementation\n- It is written in plain C, making as few assumptions as "
              "possible.\n- This library is released under the MIT Licence")
    answer = _answer({"- This library": 0.40}, points)
    assert answer == "Introduction: - This library is released under the MIT Licence [1]."


def test_a_mark_that_is_a_token_is_kept_and_ends_no_sentence() -> None:
    """The never type "!" (or the "?" operator) between spaces is what the sentence says, not
    where it ends; the citation goes before the closing full stop only."""
    text = ("Never type fallback\n\nIn the 2024 edition, the fallback type is now ! (not unit). "
            "Historically, it was ().")
    assert sentence_spans(text)[1] == (text.index("In the"), text.index(" Historically"))
    answer = _answer({"In the 2024": 0.40}, text)
    assert answer == "In the 2024 edition, the fallback type is now ! (not unit) [1]."
    answer = _answer({"In the 2024": 0.40}, text.replace(" (not unit)", ""))
    assert answer == "In the 2024 edition, the fallback type is now ! [1]."


def test_a_name_the_best_sentences_agree_on_comes_first() -> None:
    """For a question asking which one, the sentence whose name other top sentences repeat
    overtakes a slightly better scored one that names others; the scores stay as they were."""
    sentences = [("Tampa Bay coach Jon Cooper praised his players after the final.", 0.40),
                 ("The Colorado Avalanche won the Stanley Cup on Sunday.", 0.35),
                 ("Fans of the Colorado Avalanche filled the streets of Denver.", 0.20),
                 ("The Avalanche had not won the trophy since 2001.", 0.15)]
    evidence = [Evidence(chunk_id=f"c{i}", doc_id=f"d{i}", text=s, source=f"{i}.txt")
                for i, (s, _) in enumerate(sentences)]

    def answer(question: str, qualified: tuple[bool, ...] = (True, True, True, False)) -> str:
        cands = [Candidate(i, s, 0, len(s), score=score, qualified=ok)
                 for i, ((s, score), ok) in enumerate(zip(sentences, qualified, strict=True))]
        return ExtractiveAnswerer().answer(Request(parse(question), evidence, cands))

    assert answer("Which team won the 2022 Stanley Cup?") == (
        "The Colorado Avalanche won the Stanley Cup on Sunday [2].")
    assert answer("Who won the 2022 Stanley Cup?").startswith("The Colorado Avalanche")
    assert answer("When was the 2022 Stanley Cup final played?").startswith("Tampa Bay"), (
        "only a question asking for a name")
    assert answer("Which team won the 2022 Stanley Cup?", (True, False, False, False)).startswith(
        "Tampa Bay"), "one that may not stand alone does not overtake one that may"
