"""The fitted sentence model: loading, scoring and its provenance."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rag.errors import RagError
from rag.ranker import FEATURES, SentenceModel, default_model


def test_shipped_model_is_fitted_and_says_on_what() -> None:
    model = default_model()
    assert model.weights and set(model.weights) <= set(FEATURES)
    provenance = model.provenance
    assert provenance["command"] == "python -m evals.fit"
    assert provenance["training_questions"] >= 100
    assert "heldout" in provenance, "held-out scores are recorded beside the weights"


def test_probability_follows_the_weights() -> None:
    model = SentenceModel({"lexical": 4.0, "semantic": 2.0}, -3.0)
    low = model.probability({"lexical": 0.1, "semantic": 0.1})
    high = model.probability({"lexical": 0.9, "semantic": 0.1})
    assert 0 < low < 0.5 < high < 1
    assert model.probability({}) == pytest.approx(1 / (1 + 2.718281828 ** 3), rel=1e-6)


def test_round_trip_and_clear_errors(tmp_path: Path) -> None:
    model = SentenceModel({"lexical": 1.5}, -0.5, {"note": "x"})
    path = tmp_path / "m.json"
    path.write_text(model.to_json())
    assert SentenceModel.load(path) == model
    path.write_text(json.dumps({"weights": {"shoe_size": 1.0}, "bias": 0}))
    with pytest.raises(RagError, match=r"unknown features.*evals\.fit"):
        SentenceModel.load(path)
    with pytest.raises(RagError, match="Cannot read"):
        SentenceModel.load(tmp_path / "missing.json")


def test_default_threshold_is_the_one_the_fit_chose() -> None:
    from rag import Settings

    assert Settings().abstain_threshold == default_model().provenance["abstain_threshold"]
