"""Speed benchmarks, side by side with plain llama-index, in one run.

    python -m benchmarks.run [--sizes news,realtimeqa,scaled] [--scaled-chunks 50000]
                             [--queries 40] [--out reports/bench]

Prints a Markdown table and writes `report.md`, `results.json` and `latency.png`. Each ingest runs
in its own process so that its peak memory (max RSS) is its own. Machine facts go in the report.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB RAM, Python {sys.version.split()[0]}"


def pct(values: list[float], p: float) -> float:
    from evals.metrics import percentile

    return percentile(values, p)


# ---- corpora ----------------------------------------------------------------------------------


def corpus(name: str, work: Path, scaled_chunks: int) -> Path:
    """The folder of a benchmark corpus (built under `work` when needed)."""
    from evals.datasets import realtimeqa_dir, shared_dir

    if name == "news":
        return shared_dir() / "corpus" / "news"
    return realtimeqa_dir(ROOT / ".rag" / "benchmarks") / "docs"


def write_scaled_corpus(source: Path, target: Path, variants: int) -> Path:
    """`variants` copies of every article of `source`, each varied (paragraphs rotated, numbers
    shifted, the variant named in the title line) so they are different files with real text,
    with their publish dates kept (a sidecar `metadata.jsonl` per variant folder)."""
    from ingest.loaders import SIDECAR_NAME

    sidecar = source / SIDECAR_NAME
    meta = [json.loads(line) for line in sidecar.read_text().splitlines()] \
        if sidecar.is_file() else []
    files = sorted(p for p in source.iterdir() if p.is_file() and p.name != SIDECAR_NAME)
    for variant in range(variants):
        folder = target / f"v{variant:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        shift = _shift(variant)
        for path in files:
            paragraphs = path.read_text(encoding="utf-8", errors="replace").split("\n\n")
            turn = variant % max(1, len(paragraphs))
            body = paragraphs[turn:] + paragraphs[:turn]
            text = "\n\n".join(re.sub(r"\d+", shift, p) for p in body)
            (folder / path.name).write_text(text, encoding="utf-8")
        if meta:
            (folder / SIDECAR_NAME).write_text("\n".join(json.dumps(m) for m in meta))
    return target


def _shift(by: int) -> Any:
    def shift(match: re.Match[str]) -> str:
        return str(int(match.group(0)) + by)

    return shift


# ---- measurements (each in a child process) ---------------------------------------------------


def child(args: list[str]) -> dict[str, Any]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--child", *args], env=env,
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"benchmark step {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_ingest(folder: str, store: str, baseline: bool, raw: bool = True,
                   chunking: tuple[int, int] = (1024, 200)) -> dict[str, Any]:
    from rag import Assistant, Settings

    settings = Settings(data_dir=Path(store), collection="bench")
    assistant = Assistant.from_settings(settings)
    base_rss = _rss_mb()
    if baseline:
        from evals.baseline import build_index
        from evals.datasets import Dataset

        started = time.perf_counter()
        index, _ = build_index(assistant, Dataset("bench", [], Path(folder)), *chunking)
        seconds = time.perf_counter() - started
        nodes = list(index.docstore.docs.values())
        docs = len({n.ref_doc_id for n in nodes})
        texts = [n.get_content() for n in nodes]
        return {"seconds": seconds, "docs": docs, "chunks": len(nodes),
                "tokens": sum(min(len(assistant.embedder.tokenize(t)), 254) for t in texts),
                "peak_rss_mb": _rss_mb(), "model_rss_mb": base_rss}
    started = time.perf_counter()
    report = assistant.ingest([folder])
    seconds = time.perf_counter() - started
    chunks = assistant.store.all_chunks()
    texts = [c.text for c in chunks]
    result: dict[str, Any] = {"seconds": seconds, "docs": report.added + report.updated,
              "chunks": report.chunks_added, "peak_rss_mb": _rss_mb(), "model_rss_mb": base_rss,
              "tokens": sum(min(len(assistant.embedder.tokenize(t)), 254) for t in texts)}
    if not raw:
        return result
    # The raw bound: the embedder alone on the same texts the pipeline embedded.
    from rag.indexer import EMBED_BATCH_CHUNKS, embed_text

    titled = [embed_text(c.text, c.metadata.get("title") or None) for c in chunks]
    started = time.perf_counter()
    assistant.embedder.embed(titled)
    result["raw_embed_seconds"] = time.perf_counter() - started
    result["embed_backend"] = assistant.embedder.backend
    # The same texts through sentence-transformers on torch: what the ONNX runtime saves.
    started = time.perf_counter()
    assistant.embedder.sentence_transformer.encode(
        titled, batch_size=EMBED_BATCH_CHUNKS, normalize_embeddings=True, show_progress_bar=False)
    result["raw_torch_seconds"] = time.perf_counter() - started
    return result


def build_scaled_store(source_store: str, target_store: str, chunks: int) -> dict[str, Any]:
    """A store of at least `chunks` chunks made of variants of an ingested corpus.

    Embedding 50,000 chunks takes most of an hour on 2 cores, so the variants reuse the source
    chunks' embeddings (with a little noise) and shift their numbers; text, BM25 and the vector
    index are real, so retrieval latency at that size is measured as it would be. Ingest speed is
    measured on the real corpora, not here.
    """
    import numpy as np

    from ingest import Chunk, Document
    from rag import Settings
    from rag.store import Store

    src = Store.from_settings(Settings(data_dir=Path(source_store), collection="bench"))
    dst = Store.from_settings(Settings(data_dir=Path(target_store), collection="bench"))
    by_doc: dict[str, list[Any]] = {}
    for chunk in src.all_chunks():
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    vectors = src.embeddings([c.chunk_id for cs in by_doc.values() for c in cs])
    records = src.registry(fresh=True)
    rng = np.random.default_rng(0)
    written, variant, started = 0, 0, time.perf_counter()
    while written < chunks:
        for doc_id, doc_chunks in by_doc.items():
            doc_chunks.sort(key=lambda c: int(c.metadata.get("position", 0)))
            shift = _shift(variant)
            record = records[doc_id]
            texts = [re.sub(r"\d+", shift, c.text) for c in doc_chunks]
            doc = Document(source=f"v{variant:03d}/{record['source']}", text="\n\n".join(texts),
                           title=record.get("title") or None,
                           published=record.get("published") or None)
            parts = [Chunk(doc.doc_id, i, t, 0) for i, t in enumerate(texts)]
            embs = []
            for c in doc_chunks:
                v = np.asarray(vectors[c.chunk_id]) + rng.normal(0, 0.02, 384)
                embs.append((v / np.linalg.norm(v)).tolist())
            mean = np.mean(np.asarray(embs), axis=0)
            dst.write_document(doc, parts, embs, (mean / np.linalg.norm(mean)).tolist(), "")
            written += len(parts)
            if written >= chunks:
                break
        variant += 1
    return {"chunks": written, "docs": len(dst.registry(fresh=True)),
            "seconds": time.perf_counter() - started}


def measure_queries(store: str, folder: str, n: int, answerers: list[str]) -> dict[str, Any]:
    from rag import Assistant, Settings

    settings = Settings(data_dir=Path(store), collection="bench")
    assistant = Assistant.from_settings(settings)
    questions = sample_questions(folder, n)
    out: dict[str, Any] = {"questions": len(questions)}
    assistant.retriever.retrieve("warm up", top_k=5)  # builds BM25 once, loads the model
    for mode in ("hybrid", "dense", "bm25"):
        times = []
        for q in questions:
            started = time.perf_counter()
            assistant.retriever.retrieve(q, top_k=5, mode=mode)
            times.append(time.perf_counter() - started)
        out[f"retrieval_{mode}"] = {"p50": pct(times, 50), "p95": pct(times, 95)}
    for name in answerers:
        sibling = assistant.with_answerer(name)
        totals, first = [], []
        for q in questions[: (n if name == "extractive" else max(5, n // 4))]:
            started = time.perf_counter()
            ttft = None
            for event in sibling.stream(q):
                if event.kind == "token" and ttft is None:
                    ttft = time.perf_counter() - started
            totals.append(time.perf_counter() - started)
            first.append(ttft if ttft is not None else totals[-1])
        out[f"answer_{name}"] = {"p50": pct(totals, 50), "p95": pct(totals, 95),
                                 "ttft_p50": pct(first, 50), "ttft_p95": pct(first, 95)}
    out["baseline_fusion"] = baseline_fusion_latency(assistant, folder, questions)
    return out


def baseline_fusion_latency(assistant: Any, folder: str, questions: list[str]) -> dict[str, float]:
    """llama-index's QueryFusionRetriever (dense + BM25, reciprocal rank) over the same store."""
    from llama_index.core import VectorStoreIndex
    from llama_index.core.llms import MockLLM
    from llama_index.core.retrievers import QueryFusionRetriever
    from llama_index.core.retrievers.fusion_retriever import FUSION_MODES
    from llama_index.core.schema import BaseNode, TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    index = VectorStoreIndex.from_vector_store(assistant.store.vectors,
                                               embed_model=assistant.embedder.llama_embedding)
    nodes: list[BaseNode] = [TextNode(id_=c.chunk_id, text=c.text)
                             for c in assistant.store.all_chunks()]
    bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=30)
    fusion = QueryFusionRetriever([index.as_retriever(similarity_top_k=30), bm25],
                                  similarity_top_k=5, num_queries=1, mode=FUSION_MODES.RECIPROCAL_RANK,
                                  use_async=False, llm=MockLLM())  # num_queries=1: never called
    fusion.retrieve("warm up")
    times = []
    for q in questions:
        started = time.perf_counter()
        fusion.retrieve(q)
        times.append(time.perf_counter() - started)
    return {"p50": pct(times, 50), "p95": pct(times, 95)}


def sample_questions(folder: str, n: int) -> list[str]:
    """Questions for the corpus: RealTime QA's own, or the news gold set's."""
    from evals.datasets import DATASETS, load_items, realtimeqa_dir

    if "news" in folder:
        items = load_items(DATASETS / "news.jsonl")
        questions = [i.question for i in items]
    else:
        qa = realtimeqa_dir(ROOT / ".rag" / "benchmarks") / "qa.jsonl"
        questions = [json.loads(line)["question"] for line in qa.read_text().splitlines()]
    random.Random(0).shuffle(questions)
    return questions[:n]


# ---- the report -------------------------------------------------------------------------------


def run(sizes: list[str], scaled_chunks: int, n_queries: int, out: Path,
        answerers: list[str], real_scaled_ingest: bool = True) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="rag-bench-"))
    results: dict[str, Any] = {"machine": machine(), "command": " ".join(sys.argv), "sizes": {}}
    for size in sizes:
        store = work / size
        if size == "scaled":
            if "realtimeqa" not in results["sizes"]:
                raise SystemExit("the scaled size is built from the realtimeqa one: list it first")
            source = corpus("realtimeqa", work, scaled_chunks)
            if real_scaled_ingest:
                # Real files, embedded for real: enough varied copies of the articles to pass
                # `scaled_chunks` chunks at the realtimeqa chunks-per-article rate.
                per_copy = results["sizes"]["realtimeqa"]["ours"]["chunks"]
                folder = write_scaled_corpus(source, work / "scaled-docs",
                                             -(-scaled_chunks // per_copy))
                # The raw-embedder bound is measured on realtimeqa (same texts, same ratio).
                ours = child(["ingest", str(folder), str(store), "no-raw"])
                base = child(["baseline", str(folder), str(work / "scaled-baseline")])
            else:
                folder = source
                built = child(["scaled", str(work / "realtimeqa"), str(store), str(scaled_chunks)])
                ours = {**built, "peak_rss_mb": float("nan"), "tokens": 0, "synthetic": True}
                base = None
        else:
            folder = corpus(size, work, scaled_chunks)
            ours = child(["ingest", str(folder), str(store)])
            base = child(["baseline", str(folder), str(work / f"{size}-baseline")])
        # llama-index with chunks sized like ours (200/30 tokens), so that it embeds all the
        # text too: the like-for-like comparison of ingest speed.
        fit = child(["baseline-fit", str(folder), str(work / f"{size}-baseline-fit")]) \
            if size == "realtimeqa" else None
        queries = child(["queries", str(store), str(folder), str(n_queries), ",".join(answerers)])
        results["sizes"][size] = {"ours": ours, "baseline": base, "baseline_fit": fit,
                                  "queries": queries}
        print(f"{size}: ingested {ours['docs']} docs / {ours['chunks']} chunks in "
              f"{ours['seconds']:.1f}s", file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    text = markdown(results)
    (out / "report.md").write_text(text)
    chart(results, out / "latency.png")
    print(text)
    return results


def markdown(results: dict[str, Any]) -> str:
    lines = [f"Machine: {results['machine']}", f"Command: `{results['command']}`", "",
             "### Ingest", "",
             "| corpus | pipeline | docs | chunks | seconds | docs/s | chunks/s | embedded tokens/s "
             "| peak RSS MB | overhead vs raw embedder | raw embedder: onnx vs torch |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for size, r in results["sizes"].items():
        for label, m in (("ours", r["ours"]), ("llama-index (1024/200)", r["baseline"]),
                         ("llama-index (200/30)", r.get("baseline_fit"))):
            if not m or m.get("synthetic"):
                continue
            overhead = (f"{m['seconds'] / m['raw_embed_seconds']:.2f}x"
                        if m.get("raw_embed_seconds") else "–")
            speedup = (f"{m['raw_embed_seconds']:.1f} s vs {m['raw_torch_seconds']:.1f} s "
                       f"({m['raw_torch_seconds'] / m['raw_embed_seconds']:.2f}x)"
                       if m.get("raw_torch_seconds") and m.get("embed_backend") == "onnx" else "–")
            lines.append(
                f"| {size} | {label} | {m['docs']} | {m['chunks']} | {m['seconds']:.1f} | "
                f"{m['docs'] / m['seconds']:.1f} | {m['chunks'] / m['seconds']:.1f} | "
                f"{m['tokens'] / m['seconds']:.0f} | {m['peak_rss_mb']:.0f} | {overhead} | "
                f"{speedup} |")
    lines += ["", "### Query latency (ms; p50 / p95)", "",
              "| corpus | chunks | hybrid retrieval | dense | bm25 | llama-index fusion | "
              "extractive end to end | local end to end | local first token |",
              "|---|---|---|---|---|---|---|---|---|"]
    for size, r in results["sizes"].items():
        q = r["queries"]

        def cell(key: str, sub: str = "p50", sub2: str = "p95", q: dict[str, Any] = q) -> str:
            if key not in q:
                return "–"
            return f"{q[key][sub] * 1000:.0f} / {q[key][sub2] * 1000:.0f}"

        lines.append(f"| {size} | {r['ours']['chunks']} | {cell('retrieval_hybrid')} | "
                     f"{cell('retrieval_dense')} | {cell('retrieval_bm25')} | "
                     f"{cell('baseline_fusion')} | {cell('answer_extractive')} | "
                     f"{cell('answer_local')} | {cell('answer_local', 'ttft_p50', 'ttft_p95')} |")
    return "\n".join(lines) + "\n"


def chart(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = list(results["sizes"])
    xs = [results["sizes"][s]["ours"]["chunks"] for s in sizes]
    fig, ax = plt.subplots(figsize=(7, 4))
    for key, label in (("retrieval_hybrid", "hybrid retrieval"), ("baseline_fusion",
                                                                   "llama-index fusion"),
                       ("answer_extractive", "extractive end to end")):
        ys = [results["sizes"][s]["queries"].get(key, {}).get("p95", float("nan")) * 1000
              for s in sizes]
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the store")
    ax.set_ylabel("p95 latency (ms)")
    ax.legend()
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "--child":
        kind, *rest = argv[1:]
        if kind == "ingest":
            result = measure_ingest(rest[0], rest[1], baseline=False, raw=rest[2:] != ["no-raw"])
        elif kind == "baseline":
            result = measure_ingest(rest[0], rest[1], baseline=True)
        elif kind == "baseline-fit":
            result = measure_ingest(rest[0], rest[1], baseline=True, chunking=(200, 30))
        elif kind == "scaled":
            result = build_scaled_store(rest[0], rest[1], int(rest[2]))
        else:
            result = measure_queries(rest[0], rest[1], int(rest[2]),
                                     [a for a in rest[3].split(",") if a])
        print(json.dumps(result))
        return 0
    parser = argparse.ArgumentParser(prog="rag bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="news,realtimeqa,scaled")
    parser.add_argument("--scaled-chunks", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--answerers", default="extractive,local")
    parser.add_argument("--out", default="reports/bench")
    parser.add_argument("--synthetic-scaled", action="store_true",
                        help="build the scaled store from the realtimeqa embeddings (minutes) "
                        "instead of ingesting real files (about half an hour on 2 cores)")
    args = parser.parse_args(argv)
    run(args.sizes.split(","), args.scaled_chunks, args.queries, Path(args.out),
        args.answerers.split(","), real_scaled_ingest=not args.synthetic_scaled)
    return 0


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main"]
