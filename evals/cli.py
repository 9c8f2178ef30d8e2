"""`rag eval`: one configuration or several side by side, reports, and the threshold gate."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from rag import Assistant, Settings

from .datasets import load_dataset, select_split
from .generation_cache import GenerationCache, cache_generations
from .report import cache_note, chart, compare_table, gate, write
from .runner import Config, RunResult, eval_settings, run

COMPARE = [
    Config("extractive/hybrid", "extractive", "hybrid"),
    Config("extractive/dense", "extractive", "dense"),
    Config("extractive/bm25", "extractive", "bm25"),
    Config("local/hybrid", "local", "hybrid"),
    Config("llama-index baseline", "local", "dense", baseline=True),
]


def _progress(label: str):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    transient=True, disable=not sys.stderr.isatty())


def _run_one(assistant: Assistant, config: Config, dataset,  # type: ignore[no-untyped-def]
             cache: GenerationCache | None = None) -> RunResult:
    if config.baseline:
        from .baseline import run_baseline

        return run_baseline(assistant, dataset, config)
    cached = cache is not None and cache_generations(assistant, cache)
    before = cache.stats() if cache is not None else {}
    with _progress(f"{dataset.name} · {config.name}") as bar:
        task = bar.add_task("", total=len(dataset.items))
        result = run(assistant, dataset, config,
                     progress=lambda done, total: bar.update(task, completed=done))
    if cached and cache is not None:
        # Latencies of replayed generations are not the model's: the report says so.
        after = cache.stats()
        result.summary["generation_cache"] = {
            "path": after["path"], "hits": after["hits"] - before["hits"],
            "misses": after["misses"] - before["misses"]}
    return result


def run_eval(args: argparse.Namespace, base: Settings) -> int:
    dataset = select_split(load_dataset(args.dataset, corpus=args.corpus, limit=args.limit),
                           args.split)
    command = "rag " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    settings = eval_settings(base, dataset)
    cache = GenerationCache(Path(args.generation_cache)) if args.generation_cache else None
    if args.k:
        settings = settings.model_copy(update={"top_k": args.k})
    if args.compare:
        names = args.configs.split(",") if args.configs else None
        configs = [c for c in COMPARE if names is None or c.name in names]
        out = Path(args.out or f"reports/eval/{dataset.name}-compare")
        results = []
        shared = Assistant.from_settings(settings)
        for config in configs:
            assistant = shared.with_answerer(config.answerer)
            assistant.settings = assistant.settings.model_copy(
                update={"retrieval_mode": config.retrieval_mode})
            result = _run_one(assistant, config, dataset, cache)
            write(result, out / config.name.replace("/", "-").replace(" ", "-"), dataset.name,
                  command)
            results.append(result)
        text = compare_table(results)
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.md").write_text(f"# {dataset.name}: side by side\n\n`{command}`\n\n{text}\n")
        chart(results, out / "compare.png", f"{dataset.name}: side by side")
        print(text)
        print(f"\nReports in {out}/")
        return 0
    answerer = args.answerer or settings.answerer
    mode = args.retrieval_mode or settings.retrieval_mode
    settings = settings.model_copy(update={"answerer": answerer, "retrieval_mode": mode})
    config = Config(f"{answerer}/{mode}", answerer, mode)
    result = _run_one(Assistant.from_settings(settings), config, dataset, cache)
    out = Path(args.out or f"reports/eval/{dataset.name}-{answerer}")
    paths = write(result, out, dataset.name, command)
    overall = result.summary["overall"]
    keys = ["hit@5", "mrr@10", "accuracy", "own_accuracy", "fallback_rate", "f1", "citation_precision", "citation_recall",
            "support", "abstain_correct", "false_abstain", "crag", "total_p50_s"]
    def rounded(block: dict) -> dict:  # type: ignore[type-arg]
        return {k: None if block.get(k) is None else round(block[k], 3) for k in keys}

    print(json.dumps({"all": rounded(overall), **{split: rounded(block) for split, block in
                                                   result.summary.get("by_split", {}).items()}},
                     indent=1))
    if "generation_cache" in result.summary:
        print(cache_note(result.summary["generation_cache"]))
    print("Reports: " + ", ".join(str(p) for p in paths.values()))
    if args.gate:
        failures = gate(result.summary, dataset.name, answerer)
        if failures:
            print("GATE FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
        print("Gate passed.")
    return 0
