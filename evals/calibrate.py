"""Calibrate the abstention threshold on the gold sets' dev halves; report it on held-out.

For every question the answer policy has one number: the highest `RAG_ABSTAIN_THRESHOLD` at which
the best evidence sentences still answer (`AnswerPolicy.answer_margin`). Sweeping the threshold
over those margins shows, without re-running anything, how many answerable questions would be
turned away and how many unanswerable ones would still be answered. The threshold is chosen on
dev (most correct decisions, each dataset weighted equally, answerable and unanswerable halves
weighted equally within it) and then only read off on held-out.

    python -m evals.calibrate --datasets news,example,techdocs,realtimeqa
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rag import Assistant, Settings

from .datasets import Dataset, load_dataset
from .runner import dialogue_history, eval_settings, ingest_corpus

GRID = [round(0.05 * i, 2) for i in range(0, 21)]


def margins(assistant: Assistant, dataset: Dataset) -> list[dict[str, Any]]:
    """(id, split, answerable, margin) of every question of a dataset."""
    ingest_corpus(assistant, dataset)
    rows = []
    for item in dataset.items:
        scored = assistant.scored_evidence(item.question, history=dialogue_history(assistant, item),
                                           as_of=item.as_of)
        rows.append({"dataset": dataset.name, "id": item.id, "split": item.split,
                     "answerable": item.answerable,
                     "margin": assistant.policy.answer_margin(scored.question, scored.candidates)})
    return rows


def rates(rows: list[dict[str, Any]], threshold: float) -> dict[str, float | None]:
    """Abstention on unanswerable and on answerable questions at a threshold."""
    def abstains(r: dict[str, Any]) -> bool:
        return r["margin"] <= 0 or r["margin"] < threshold

    unanswerable = [abstains(r) for r in rows if not r["answerable"]]
    answerable = [abstains(r) for r in rows if r["answerable"]]
    return {"abstain_correct": sum(unanswerable) / len(unanswerable) if unanswerable else None,
            "false_abstain": sum(answerable) / len(answerable) if answerable else None}


def objective(rows: list[dict[str, Any]], threshold: float) -> float:
    """Mean over datasets of balanced accuracy of the answer/abstain decision."""
    scores = []
    for name in sorted({r["dataset"] for r in rows}):
        got = rates([r for r in rows if r["dataset"] == name], threshold)
        parts = [1 - got["false_abstain"]] if got["false_abstain"] is not None else []
        if got["abstain_correct"] is not None:
            parts.append(got["abstain_correct"])
        scores.append(sum(parts) / len(parts))
    return sum(scores) / len(scores)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__)
    parser.add_argument("--datasets", default="news,example,techdocs,realtimeqa")
    parser.add_argument("--data-dir", default=None, help="store folder (RAG_DATA_DIR)")
    parser.add_argument("--out", default="reports/calibration")
    args = parser.parse_args(argv)
    base = Settings()
    if args.data_dir:
        base = base.model_copy(update={"data_dir": Path(args.data_dir)})
    rows: list[dict[str, Any]] = []
    for name in args.datasets.split(","):
        dataset = load_dataset(name)
        assistant = Assistant.from_settings(eval_settings(base, dataset))
        rows.extend(margins(assistant, dataset))
    dev = [r for r in rows if r["split"] == "dev"]
    held = [r for r in rows if r["split"] == "heldout"]
    best = max(GRID, key=lambda t: (objective(dev, t), -abs(t - base.abstain_threshold)))
    lines = ["| threshold | dev objective | held-out objective | held-out abstain on "
             "unanswerable | held-out false abstain |", "|---|---|---|---|---|"]
    for t in GRID:
        got = rates(held, t)
        mark = " (chosen)" if t == best else " (current)" if t == base.abstain_threshold else ""
        lines.append(f"| {t:.2f}{mark} | {objective(dev, t):.3f} | {objective(held, t):.3f} | "
                     f"{_fmt(got['abstain_correct'])} | {_fmt(got['false_abstain'])} |")
    table = "\n".join(lines)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "margins.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (out / "calibration.md").write_text(f"# Abstention threshold\n\n{table}\n")
    print(table)
    print(f"\nchosen on dev: {best} (current setting {base.abstain_threshold}); "
          f"per dataset on held-out at the chosen one:")
    for name in sorted({r["dataset"] for r in held}):
        print(f"  {name}: {rates([r for r in held if r['dataset'] == name], best)}")
    return 0


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


if __name__ == "__main__":
    raise SystemExit(main())
