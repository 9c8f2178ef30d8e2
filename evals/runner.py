"""Runs a gold dataset through the assistant and scores every question."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag import Answer, Assistant, Settings

from . import metrics as m
from .datasets import Dataset, Item

KS = (1, 3, 5, 10)
Progress = Callable[[int, int], None]


@dataclass
class Config:
    """One configuration of a side-by-side run."""

    name: str
    answerer: str = "extractive"
    retrieval_mode: str = "hybrid"
    baseline: bool = False


@dataclass
class RunResult:
    """Per-question rows and the summary of one configuration."""

    config: Config
    rows: list[dict[str, Any]] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    ingest_s: float = 0.0


def eval_settings(base: Settings, dataset: Dataset) -> Settings:
    """Each dataset gets its own collection, reused while its files are unchanged."""
    return base.model_copy(update={"collection": f"eval_{dataset.name}"})


def ingest_corpus(assistant: Assistant, dataset: Dataset) -> float:
    """Make the dataset's collection hold its corpus and nothing else; return the seconds taken.

    Documents ingested from the corpus at another path (another checkout of the project, an old
    cache) would otherwise answer beside it and renumber the sources the reader is shown.
    """
    started = time.perf_counter()
    assistant.ingest([dataset.corpus], prune=True)
    root = Path(dataset.corpus).resolve()
    strays = [doc_id for doc_id, record in assistant.store.registry(fresh=True).items()
              if not _inside(Path(str(record.get("path") or "/")), root)]
    for doc_id in strays:
        assistant.store.delete_document(doc_id)
    if strays:
        assistant.indexer.regroup()  # once, not per document
    return time.perf_counter() - started


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def score_row(item: Item, answer: Answer, ranked_docs: list[str], contexts: list[str],
              retrieval_s: float, sources_of: Callable[[str], str],
              source_texts: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """All metrics of one question.

    Args:
        source_texts: the indexed chunks of each document by its source name, for `ais`: whether
            a gold answer stands in the gold sources at all (what quoting them can reach).
    """
    gold = item.sources
    ranked = [sources_of(d) for d in ranked_docs]
    cited_primary = [c.source for c in answer.citations]
    cited_all = list(dict.fromkeys(
        [c.source for c in answer.citations] + [s.source for c in answer.citations for s in c.also]
    ))
    correct = (not answer.abstained) and m.answer_correct(answer.text, item.answers,
                                                          item.all_required)
    row: dict[str, Any] = {
        "id": item.id, "type": item.type, "split": item.split, "question": item.question,
        "standalone_question": answer.standalone_question,
        "expected": item.answers, "sources": gold, "as_of": item.as_of,
        "answer": answer.text, "abstained": answer.abstained,
        "citations": [c.to_dict() for c in answer.citations],
        "flagged": answer.flagged,
        "fallback": answer.fallback,
        "confidence": answer.confidence,
        "verified": answer.verified,
        "correct": correct if item.answerable else None,
        "f1": m.token_f1(answer.text, item.answers) if item.answerable else None,
        "citation_precision": m.citation_precision(cited_primary, gold + item.also_sources)
        if item.answerable else None,
        "citation_recall": m.citation_recall(cited_all, gold) if item.answerable and
        not answer.abstained else None,
        "support": m.mean([float(m.quote_supported(c.quote, c.context))
                           for c in answer.citations]) if answer.citations else None,
        "crag": m.crag_score(correct, answer.abstained, item.answerable),
        "retrieval_s": retrieval_s,
        "total_s": answer.timings.get("total_s", 0.0),
        "retrieved": ranked[:10],
    }
    if item.answerable:
        docs = m.dedupe(ranked)
        for k in KS:
            row[f"hit@{k}"] = m.hit_at_k(docs, gold, k)
            row[f"recall@{k}"] = m.recall_at_k(docs, gold, k)
            row[f"aic@{k}"] = m.answer_in_context(contexts, item.answers, k)
        row["mrr@10"] = m.mrr_at_k(docs, gold, 10)
        if source_texts is not None and gold:  # no gold sources named: the bound is unknown
            texts = [t for source in gold for t in source_texts.get(source, [])]
            row["ais"] = m.answer_in_context(texts, item.answers, len(texts))
    return row


def dialogue_history(assistant: Assistant, item: Item) -> list[Answer]:
    """The answers to a follow-up item's earlier turns, asked in order (a real conversation)."""
    history: list[Answer] = []
    for turn in item.dialogue or []:
        history.append(assistant.ask(turn, history=history, as_of=item.as_of))
    return history


def run(assistant: Assistant, dataset: Dataset, config: Config,
        progress: Progress | None = None) -> RunResult:
    """Ask every question of a dataset and score it.

    Follow-up items ask their earlier turns first, so the assistant sees a real conversation.
    """
    result = RunResult(config)
    result.ingest_s = ingest_corpus(assistant, dataset)
    registry = assistant.store.registry(fresh=True)

    def sources_of(doc_id: str) -> str:
        return str(registry.get(doc_id, {}).get("source", doc_id))

    source_texts: dict[str, list[str]] = {}
    for chunk in assistant.store.all_chunks():
        source_texts.setdefault(sources_of(chunk.doc_id), []).append(chunk.text)

    for number, item in enumerate(dataset.items, start=1):
        history = dialogue_history(assistant, item)
        answer = assistant.ask(item.question, history=history, as_of=item.as_of)
        query = answer.standalone_question or item.question
        started = time.perf_counter()
        retrieved = assistant.retriever.retrieve(
            query, top_k=10, mode=assistant.settings.retrieval_mode, as_of=item.as_of,
            collapse=False)
        retrieval_s = time.perf_counter() - started
        ranked = [e.doc_id for e in retrieved.evidence]
        contexts = [e.text for e in retrieved.evidence]
        result.rows.append(score_row(item, answer, ranked, contexts, retrieval_s, sources_of,
                                     source_texts))
        if progress:
            progress(number, len(dataset.items))
    result.summary = summarize(result.rows, result.ingest_s)
    # What the answers were decided with (`evals/calibrate.py` re-decides fallbacks from it).
    result.summary["policy"] = {"abstain_threshold": assistant.settings.abstain_threshold,
                                "fallback_threshold": assistant.settings.fallback_threshold,
                                "verify": assistant.settings.verify,
                                "verify_threshold": assistant.settings.verify_threshold}
    return result


def summarize(rows: list[dict[str, Any]], ingest_s: float = 0.0) -> dict[str, Any]:
    """Overall and per-type means of every metric."""
    def block(subset: list[dict[str, Any]]) -> dict[str, Any]:
        answerable = [r for r in subset if r["type"] != "unanswerable"]
        unanswerable = [r for r in subset if r["type"] == "unanswerable"]
        out: dict[str, Any] = {"n": len(subset)}
        ranking = [f"{name}@{k}" for name in ("hit", "recall", "aic") for k in KS]
        for key in [*ranking, "mrr@10", "ais"]:
            out[key] = m.mean([r.get(key) for r in answerable])
        out["accuracy"] = m.mean([float(bool(r["correct"])) for r in answerable])
        # How the configured answerer does on its own: a fallback to evidence sentences counts as
        # a miss, so a broken answerer cannot hide behind the safety net.
        out["own_accuracy"] = m.mean([float(bool(r["correct"]) and not r.get("fallback"))
                                      for r in answerable])
        out["fallback_rate"] = m.mean([float(bool(r.get("fallback"))) for r in subset])
        out["f1"] = m.mean([r["f1"] for r in answerable])
        out["citation_precision"] = m.mean([r["citation_precision"] for r in answerable])
        out["citation_recall"] = m.mean([r["citation_recall"] for r in answerable])
        out["support"] = m.mean([r["support"] for r in subset])
        out["abstain_correct"] = m.mean([float(r["abstained"]) for r in unanswerable])
        out["false_abstain"] = m.mean([float(r["abstained"]) for r in answerable])
        out["crag"] = m.mean([float(r["crag"]) for r in subset])
        retrieval = [r["retrieval_s"] for r in subset]
        total = [r["total_s"] for r in subset]
        out["retrieval_p50_s"] = m.percentile(retrieval, 50)
        out["retrieval_p95_s"] = m.percentile(retrieval, 95)
        out["total_p50_s"] = m.percentile(total, 50)
        out["total_p95_s"] = m.percentile(total, 95)
        return out

    by_type = {kind: block([r for r in rows if r["type"] == kind])
               for kind in sorted({r["type"] for r in rows})}
    by_split = {split: block([r for r in rows if r.get("split") == split])
                for split in sorted({str(r.get("split")) for r in rows if r.get("split")})}
    return {"overall": block(rows), "ingest_s": ingest_s, "by_type": by_type,
            "by_split": by_split}


def settings_for(base: Settings, dataset: Dataset, config: Config) -> Settings:
    return eval_settings(base, dataset).model_copy(
        update={"answerer": config.answerer, "retrieval_mode": config.retrieval_mode})
