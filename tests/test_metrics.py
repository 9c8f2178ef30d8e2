"""Eval metrics on hand-made cases, edge cases included."""

from __future__ import annotations

import pytest

from evals import metrics as m


def test_normalisation_handles_unicode_quotes_hyphens_and_articles() -> None:
    assert m.normalize_answer("The “Su-35” Jets!") == "su 35 jets"
    assert m.contains("They bought Su 35 jets.", "Su-35")
    assert m.contains("It’s overdue", "it's overdue")


def test_a_citation_marker_is_not_an_answer() -> None:
    assert not m.answer_correct("It runs after delay milliseconds [1].", ["1"])
    assert m.answer_correct("The default is 1 [2].", ["1"])


def test_a_possessive_names_its_owner() -> None:
    assert m.contains("Amid demand for Apple’s iPhone 14, shipments slowed.", "Apple")
    assert m.contains("the United Kingdom's cost of living crisis", "United Kingdom")
    assert m.contains("Rust performs two’s complement wrapping.", "two's complement wrapping")
    assert not m.contains("Many apples were sold.", "Apple")


def test_small_counts_match_their_digits() -> None:
    assert m.answer_correct("Her detention was extended by six months [1].", ["6"])
    assert m.answer_correct("Uploads run 4 at a time [1].", ["four"])
    assert not m.answer_correct("Uploads run sixteen at a time [1].", ["6"])


def test_containment_is_on_word_boundaries() -> None:
    assert not m.contains("No mention of notes.", "no t")
    assert m.contains("In January 2022 they agreed.", "January 2022")
    assert not m.contains("In January 2023 they agreed.", "January 2022")
    assert not m.contains("anything", "")
    assert m.contains("• <MIME>/globs2 (names to MIME types)", "globs2")  # a path's parts
    assert m.contains("The variant is ErrorKind::NotFound.", "NotFound")
    assert m.contains("As of npm@4.0.0, a new event was introduced.", "4.0.0")  # name@version
    assert m.contains("Its default name is cachegrind.out.<pid> [1].", "cachegrind.out")
    assert m.contains("It is std::io::Error.", "std::io::Error")
    assert not m.contains("the globs2file", "globs2")
    assert m.contains("Use os.availableParallelism() instead.", "availableParallelism")
    assert m.contains("clearImmediate(immediate): Cancels an Immediate.", "clearImmediate")
    assert m.contains("It is always [0, 0, 0].", "[0, 0, 0]")
    assert m.contains("It cost $12.6 million.", "$12.6 million")
    assert m.contains("Made in the U.S.", "U.S.")
    # A signature's parameter states its default: "width=70" answers "70".
    assert m.contains("textwrap.wrap(text, width=70, *, tabsize=8)", "70")
    assert m.contains("TemporaryFile(mode='w+b', buffering=-1)", "w+b")
    assert not m.contains("width=700", "70")


def test_list_answers_need_every_item() -> None:
    golds = ["Su-35", "Mi-28", "Yak-130"]
    assert m.answer_correct("Su-35 jets, Mi-28 and Yak-130 trainers", golds, all_required=True)
    assert not m.answer_correct("Su-35 jets and Mi-28", golds, all_required=True)
    assert m.answer_correct("Su-35 jets", golds, all_required=False)
    assert not m.answer_correct("", golds)


def test_token_f1() -> None:
    assert m.token_f1("January 2022", ["January 2022"]) == 1.0
    assert m.token_f1("", ["January 2022"]) == 0.0
    assert m.token_f1("in January", ["January 2022"]) == pytest.approx(0.5)


def test_retrieval_metrics() -> None:
    ranked = ["d3", "d1", "d2"]
    assert m.hit_at_k(ranked, ["d1"], 1) == 0.0
    assert m.hit_at_k(ranked, ["d1"], 2) == 1.0
    assert m.recall_at_k(ranked, ["d1", "d9"], 3) == 0.5
    assert m.mrr_at_k(ranked, ["d2"], 10) == pytest.approx(1 / 3)
    assert m.mrr_at_k(ranked, ["d9"], 10) == 0.0
    assert m.dedupe(["a", "a", "b", "a"]) == ["a", "b"]
    assert m.answer_in_context(["x", "agreed in January 2022"], ["January 2022"], 1) == 0.0
    assert m.answer_in_context(["x", "agreed in January 2022"], ["January 2022"], 2) == 1.0


def test_citation_metrics() -> None:
    assert m.citation_precision([], ["a"]) is None
    assert m.citation_precision(["a", "b"], ["a"]) == 0.5
    assert m.citation_recall(["a"], ["a", "b"]) == 0.5
    assert m.citation_recall(["a"], []) is None
    assert m.quote_supported("agreed  to develop it", "who agreed to develop it in 2022")
    assert m.quote_supported("It’s “done”", 'it\'s "done" now')
    assert not m.quote_supported("agreed to draft it", "who agreed to develop it")
    assert not m.quote_supported("  ", "anything")


def test_crag_and_percentiles() -> None:
    assert m.crag_score(True, False, True) == 1
    assert m.crag_score(False, False, True) == -1
    assert m.crag_score(False, True, True) == 0
    assert m.crag_score(False, False, False) == -1
    assert m.crag_score(False, True, False) == 0
    assert m.percentile([], 50) == 0.0
    assert m.percentile([1.0, 2.0, 3.0, 4.0], 50) == pytest.approx(2.5)
    assert m.percentile([5.0], 95) == 5.0
    assert m.mean([None, 1.0, 3.0]) == 2.0
    assert m.mean([None]) is None
