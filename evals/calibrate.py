"""Calibrate the fallback and verify thresholds (`Settings.fallback_threshold`,
`Settings.verify_threshold`) on local-reader eval runs.

A drafting reader whose draft the citation check rejects falls back to the evidence sentences.
That rejection is itself evidence that the documents do not answer: the reader was shown the
same evidence and wrote nothing it backs. So a fallback must clear a higher bar than an answer
does: the best evidence sentence's fitted probability (`Answer.confidence`) must reach the
fallback threshold, or the assistant abstains.

An answer that stands is then judged by the reader's model (`Answerer.verify`): the probability
it gives that the cited sentences state this answer to the question (`Answer.verified`) must
reach the verify threshold, or the assistant abstains.

Input: the result folders of `rag eval --answerer local` runs made with
`RAG_FALLBACK_THRESHOLD=0 RAG_VERIFY_THRESHOLD=0` (every fallback answered, every answer judged
and kept), whose rows record each answer's confidence, whether it fell back, and its verdict.
The two thresholds are chosen together on the dev rows only, by the objective the abstention
threshold is calibrated with (`evals/fit.py`): the mean over datasets of balanced accuracy,
answerable questions answered and unanswerable ones abstained; ties go to the lower thresholds.
Held-out rows are only reported.

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
VERIFY_THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 20)]
Thresholds = tuple[float, float]  # (fallback, verify)


def load_rows(folders: list[Path]) -> list[dict[str, Any]]:
    """The question rows of local-reader runs, each tagged with its dataset.

    Raises:
        SystemExit: a folder is not a run of a drafting reader with the fallback and verify
            thresholds at 0.
    """
    rows: list[dict[str, Any]] = []
    for folder in folders:
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        policy = summary.get("policy", {})
        if (policy.get("fallback_threshold", None) != 0 or policy.get("verify_threshold") != 0
                or not policy.get("verify")):
            raise SystemExit(f"{folder}: run it with RAG_FALLBACK_THRESHOLD=0 "
                             "RAG_VERIFY_THRESHOLD=0 RAG_VERIFY=true, so that every fallback is "
                             "answered, every answer judged, and both can be re-decided here.")
        for line in (folder / "results.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if "confidence" not in row:
                raise SystemExit(f"{folder}: its rows carry no confidence; rerun `rag eval`.")
            rows.append({**row, "dataset": summary["dataset"]})
    return rows


def abstains(row: dict[str, Any], thresholds: Thresholds) -> bool:
    """Whether a question is abstained on at these fallback and verify thresholds."""
    fallback, verify = thresholds
    verified = row.get("verified")
    return bool(row["abstained"] or (row["fallback"] and row["confidence"] < fallback)
                or (verified is not None and verified < verify))


def outcome(rows: list[dict[str, Any]], threshold: Thresholds) -> dict[str, Any]:
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


def objective(rows: list[dict[str, Any]], threshold: Thresholds) -> float:
    """Mean over datasets of balanced accuracy (as `evals.fit.objective`)."""
    scores = []
    for name in sorted({r["dataset"] for r in rows}):
        got = outcome([r for r in rows if r["dataset"] == name], threshold)
        scores.append(balanced_abstention(
            got["false_abstain"] / max(got["answerable"], 1),
            got["abstained"] / got["unanswerable"] if got["unanswerable"] else None))
    return statistics.mean(scores)


def calibrate(rows: list[dict[str, Any]]) -> tuple[Thresholds, dict[str, Any]]:
    """The (fallback, verify) thresholds chosen on the dev rows, and a report of them on dev and
    held-out."""
    dev = [r for r in rows if r.get("split") != "heldout"]
    held = [r for r in rows if r.get("split") == "heldout"]
    grid = [(f, v) for f in THRESHOLDS for v in VERIFY_THRESHOLDS]
    best = max(grid, key=lambda t: (round(objective(dev, t), 9), -t[0], -t[1]))
    zero = (0.0, 0.0)
    report: dict[str, Any] = {"fallback_threshold": best[0], "verify_threshold": best[1],
                              "objective_dev": objective(dev, best),
                              "objective_dev_at_0": objective(dev, zero)}
    for split, subset in (("dev", dev), ("heldout", held)):
        report[split] = {
            name: {"at_0": outcome(mine, zero), "chosen": outcome(mine, best)}
            for name in sorted({r["dataset"] for r in subset})
            for mine in [[r for r in subset if r["dataset"] == name]]}
    return best, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", type=Path, help="`rag eval --out` folders")
    parser.add_argument("--out", type=Path, default=None, help="write the report (JSON) here")
    args = parser.parse_args(argv)
    (fallback, verify), report = calibrate(load_rows(args.folders))
    print(f"chosen on dev: fallback threshold {fallback}, verify threshold {verify} "
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
