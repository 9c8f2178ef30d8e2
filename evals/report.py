"""Eval reports: results.jsonl, summary.json, report.md and chart.png; thresholds and the gate."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from .runner import RunResult

THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
MAIN = ["hit@5", "mrr@10", "accuracy", "own_accuracy", "citation_precision", "support", "abstain_correct",
        "false_abstain", "crag"]
TYPE_COLUMNS = ["n", "hit@5", "accuracy", "f1", "citation_precision", "support", "crag"]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def table(headers: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def write(result: RunResult, out: Path, dataset: str, command: str) -> dict[str, Path]:
    """Write the four report files for one configuration; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in ("results.jsonl", "summary.json", "report.md",
                                           "chart.png")}
    with paths["results.jsonl"].open("w", encoding="utf-8") as f:
        for row in result.rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    summary = {"dataset": dataset, "config": result.config.__dict__, "command": command,
               **result.summary}
    paths["summary.json"].write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    paths["report.md"].write_text(markdown(result, dataset, command), encoding="utf-8")
    chart([result], paths["chart.png"], f"{dataset}: {result.config.name}")
    return paths


def cache_note(stats: dict[str, Any] | None) -> str:
    """What a run's generation cache did (empty when it ran without one)."""
    if not stats:
        return ""
    return (f"Generations: {stats['hits']} reused from {stats['path']}, {stats['misses']} "
            "generated; the latencies of reused ones are not the model's.")


def markdown(result: RunResult, dataset: str, command: str) -> str:
    s = result.summary
    overall = s["overall"]
    parts = [f"# Eval: {dataset} ({result.config.name})", "", f"Command: `{command}`", "",
             f"Questions: {overall['n']}; ingest {s['ingest_s']:.1f}s; retrieval p50/p95 "
             f"{overall['retrieval_p50_s'] * 1000:.0f}/{overall['retrieval_p95_s'] * 1000:.0f} ms; "
             f"end to end p50/p95 {overall['total_p50_s']:.2f}/{overall['total_p95_s']:.2f} s", "",
             *([cache_note(s["generation_cache"]), ""] if s.get("generation_cache") else []),
             "## Overall", "",
             table(["metric", "value"], [[k, overall.get(k)] for k in
                                         ["hit@1", "hit@3", "hit@5", "hit@10", "recall@5",
                                          "mrr@10", "aic@5", "ais", *MAIN[2:], "f1",
                                          "citation_recall", "fallback_rate"]]),
             "", "## By question type", "",
             table(["type", *TYPE_COLUMNS],
                   [[kind, *[block.get(c) for c in TYPE_COLUMNS]]
                    for kind, block in s["by_type"].items()]),
             "", "## Failures", ""]
    failures = [r for r in result.rows if _failed(r)]
    if not failures:
        parts.append("None.")
    for r in failures:
        expected = "abstain" if r["type"] == "unanswerable" else " / ".join(r["expected"])
        parts += [f"- **{r['id']}** ({r['type']}) {r['question']}",
                  f"  - expected: {expected}; sources: {', '.join(r['sources']) or '–'}",
                  f"  - got: {r['answer']}",
                  f"  - retrieved: {', '.join(r['retrieved'][:5])}"]
    return "\n".join(parts) + "\n"


def _failed(row: dict[str, Any]) -> bool:
    if row["type"] == "unanswerable":
        return not row["abstained"]
    return not row["correct"]


def chart(results: list[RunResult], path: Path, title: str) -> None:
    """A grouped bar chart of the main scores, one group of bars per configuration."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [k for k in MAIN if k != "false_abstain"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / max(len(results), 1)
    for i, result in enumerate(results):
        overall = result.summary["overall"]
        values = [overall.get(k) or 0.0 for k in metrics]
        xs = [j + i * width for j in range(len(metrics))]
        ax.bar(xs, values, width, label=result.config.name)
    ax.set_xticks([j + width * (len(results) - 1) / 2 for j in range(len(metrics))])
    ax.set_xticklabels(metrics, rotation=20)
    ax.set_ylim(-0.2, 1.05)
    ax.axhline(0, color="black", linewidth=0.5)
    ax.set_title(title)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def compare_table(results: list[RunResult]) -> str:
    keys = ["hit@1", "hit@5", "mrr@10", "aic@5", "accuracy", "own_accuracy", "f1",
            "citation_precision",
            "support", "abstain_correct", "false_abstain", "crag", "total_p50_s"]
    return table(["config", *keys],
                 [[r.config.name, *[r.summary["overall"].get(k) for k in keys]] for r in results])


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def gate(summary: dict[str, Any], dataset: str, answerer: str,
         thresholds: dict[str, Any] | None = None) -> list[str]:
    """Scores below their checked-in thresholds, as readable lines (empty when all pass).

    Keys named `max_*` are upper bounds (e.g. `max_false_abstain`); the rest are lower bounds.
    The held-out split is what is gated when the run has one: rules are tuned on dev, and a
    gate on the questions they were tuned on would prove nothing.
    """
    thresholds = thresholds if thresholds is not None else load_thresholds()
    limits = thresholds.get(dataset, {}).get(answerer, {})
    overall = summary.get("by_split", {}).get("heldout") or summary["overall"]
    failures = []
    for key, limit in limits.items():
        if key.startswith("max_"):
            metric = key[4:]
            value = overall.get(metric)
            if value is not None and value > limit:
                failures.append(f"{metric} = {value:.3f} is above its limit {limit}")
        else:
            value = overall.get(key)
            if value is None or value < limit:
                failures.append(f"{key} = {_fmt(value)} is below its threshold {limit}")
    return failures
