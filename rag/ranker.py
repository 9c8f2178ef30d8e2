"""The fitted sentence model: how likely an evidence sentence holds the answer to a question.

A logistic regression over a few general measurements of a sentence against a question (term
coverage, embedding similarity, whether it holds the kind of answer asked for, ...). Its weights
are not set by hand: `python -m evals.fit` learns them from the gold sets' dev halves (a sentence
is positive when it contains a gold answer) and writes `sentence_model.json` beside this module,
with what it was fitted on and how it scored on the held-out halves it never saw.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import RagError

MODEL_FILE = Path(__file__).with_name("sentence_model.json")

# What the model sees of a sentence; `support.SentenceScorer` measures each of them.
FEATURES = (
    "lexical",  # weighted share of the question's terms in the sentence or around it
    "semantic",  # cosine of sentence and question embeddings (0 when not embedded)
    "typed_answer",  # holds the kind of answer a typed question asks for (a date for "when")
    "novelty",  # share of the sentence's words the question does not have
    "focus_named",  # names the noun the question asks about ("population")
    "count_next_to_focus",  # "40 parking spaces" for "How many parking spaces"
    "chunk_prior",  # 1 / (1 + retrieval rank of its chunk)
    "length",  # words, up to 60, / 60
    "new_name",  # names someone or something the question does not ("Which show ...?")
    "ask_lexical",  # lexical, over the terms of the sentence that asks (`Question.ask`)
)


@dataclass(frozen=True)
class SentenceModel:
    """Logistic-regression weights over `FEATURES`.

    Args:
        weights: one weight per feature name.
        bias: the intercept.
        provenance: what the weights were fitted on and how they scored (kept for reports).
    """

    weights: Mapping[str, float]
    bias: float
    provenance: Mapping[str, Any] = field(default_factory=dict)

    def probability(self, features: Mapping[str, float]) -> float:
        """P(the sentence holds the answer) for a sentence's features."""
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def to_json(self) -> str:
        return json.dumps({"features": list(self.weights), "weights": dict(self.weights),
                           "bias": self.bias, "provenance": dict(self.provenance)}, indent=2)

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> SentenceModel:
        """Read fitted weights.

        Raises:
            RagError: the file is missing or holds features this version does not measure.
        """
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise RagError(f"Cannot read the sentence model {path} ({exc}). Reinstall the "
                           "package, or refit it with `python -m evals.fit`.") from exc
        unknown = set(data["weights"]) - set(FEATURES)
        if unknown:
            raise RagError(f"The sentence model {path} uses unknown features {sorted(unknown)}; "
                           "refit it with `python -m evals.fit`.")
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["bias"]),
                   data.get("provenance", {}))


@lru_cache(maxsize=1)
def default_model() -> SentenceModel:
    """The shipped model (read once; it is immutable)."""
    return SentenceModel.load()
