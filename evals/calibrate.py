"""Calibrate the fallback threshold (`Settings.fallback_threshold`) on local-reader eval runs.

A drafting reader whose draft the citation check rejects falls back to the evidence sentences.
That rejection is itself evidence that the documents do not answer: the reader was shown the
same evidence and wrote nothing it backs. So a fallback must clear a higher bar than an answer
does: the best evidence sentence's fitted probability (`Answer.confidence`) must reach the
fallback threshold, or the assistant abstains.

Input: the result folders of `rag eval --answerer local` runs made with
`RAG_FALLBACK_THRESHOLD=0` (every fallback answered), whose rows record each answer's confidence
and whether it fell back. The threshold is chosen on the dev rows only, by the objective the
abstention threshold is calibrated with (`evals/fit.py`): the mean over datasets of balanced
accuracy, answerable questions answered and unanswerable ones abstained; ties go to the lower
threshold. Held-out rows are only reported.

    python -m evals.calibrate reports/techdocs-local reports/news-local ...
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from .metrics import balanced_abstention

THRESHOLDS = [round(0.01 * i, 2) for i in range(0, 61)]


def load_rows(folders: list[Path]) -> list[dict[str, Any]]:
    """The question rows of local-reader runs, each tagged with its dataset.

    Raises:
        SystemExit: a folder is not a run of a drafting reader with the fallback threshold at 0.
    """
    rows: list[dict[str, Any]] = []
    for folder in folders:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        policy = summary.get("policy", {})
        if policy.get("fallback_threshold", None) != 0:
            raise SystemExit(f"{folder}: run it with RAG_FALLBACK_THRESHOLD=0, so that every "
                             "fallback is answered and can be re-decided here.")
        for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "confidence" not in row:
                raise SystemExit(f"{folder}: its rows carry no confidence; rerun `rag eval`.")
            rows.append({**row, "dataset": summary["dataset"]})
    return rows


def abstains(row: dict[str, Any], threshold: float) -> bool:
    """Whether a question is abstained on at this fallback threshold."""
    return bool(row["abstained"] or (row["fallback"] and row["confidence"] < threshold))


def outcome(rows: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    """Accuracy, false abstentions and abstentions on unanswerable questions at a threshold."""
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    return {
        "answerable": len(answerable),
        "correct": sum(bool(r["correct"]) and not abstains(r, threshold) for r in answerable),
        "false_abstain": sum(abstains(r, threshold) for r in answerable),
        "unanswerable": len(unanswerable),
        "abstained": sum(abstains(r, threshold) for r in unanswerable),
    }


def objective(rows: list[dict[str, Any]], threshold: float) -> float:
    """Mean over datasets of balanced accuracy (as `evals.fit.objective`)."""
    scores = []
    for name in sorted({r["dataset"] for r in rows}):
        got = outcome([r for r in rows if r["dataset"] == name], threshold)
        scores.append(balanced_abstention(
            got["false_abstain"] / max(got["answerable"], 1),
            got["abstained"] / got["unanswerable"] if got["unanswerable"] else None))
    return statistics.mean(scores)


def calibrate(rows: list[dict[str, Any]]) -> tuple[float, dict[str, Any]]:
    """The threshold chosen on the dev rows, and a report of it on dev and held-out."""
    dev = [r for r in rows if r.get("split") != "heldout"]
    held = [r for r in rows if r.get("split") == "heldout"]
    best = max(THRESHOLDS, key=lambda t: (round(objective(dev, t), 9), -t))
    report: dict[str, Any] = {"threshold": best, "objective_dev": objective(dev, best),
                              "objective_dev_at_0": objective(dev, 0.0)}
    for split, subset in (("dev", dev), ("heldout", held)):
        report[split] = {
            name: {"at_0": outcome(mine, 0.0), "chosen": outcome(mine, best)}
            for name in sorted({r["dataset"] for r in subset})
            for mine in [[r for r in subset if r["dataset"] == name]]}
    return best, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="`rag eval --out` folders")
    parser.add_argument("--out", type=Path, default=None, help="write the report (JSON) here")
    args = parser.parse_args(argv)
    threshold, report = calibrate(load_rows(args.folders))
    print(f"fallback threshold chosen on dev: {threshold} "
          f"(objective {report['objective_dev']:.4f}; at 0: {report['objective_dev_at_0']:.4f})")
    print(f"{'split':8} {'dataset':12} {'correct':>10} {'false abst.':>12} {'unans. abst.':>13}")
    for split in ("dev", "heldout"):
        for name, got in report[split].items():
            a, c = got["at_0"], got["chosen"]
            unans = f"{a['abstained']}->{c['abstained']}/{c['unanswerable']}" \
                if c["unanswerable"] else "-"
            print(f"{split:8} {name:12} {a['correct']:>3}->{c['correct']:>3}/{c['answerable']:<3} "
                  f"{a['false_abstain']:>5}->{c['false_abstain']:<4} {unans:>13}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
