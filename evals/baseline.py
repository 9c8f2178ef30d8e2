"""The plain llama-index baseline: what a user gets from llama-index's defaults with the same
embedder and the same local model (SentenceSplitter 1024/200, VectorStoreIndex, top-k 5,
a compact-mode query engine). No cleaning, no dedup, no dates, no citation checks.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from rag import Assistant
from rag.citations import is_abstention

from . import metrics as m
from .datasets import Dataset
from .runner import Config, RunResult, summarize

TOP_K = 5


def _local_llm(assistant: Assistant) -> Any:
    """The local answerer's model (RAG_LOCAL_MODEL or RAG_GGUF_PATH) as a llama-index LLM."""
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata
    from llama_index.core.llms.callbacks import llm_completion_callback

    from rag.answerers.llm import LlamaCppGenerator

    generator = LlamaCppGenerator(assistant.settings.local_gguf(), context_window=4096,
                                  max_tokens=assistant.settings.max_tokens)

    class LocalGGUF(CustomLLM):
        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=4096, num_output=generator.max_tokens,
                               model_name=generator.model_path.name)

        @llm_completion_callback()
        def complete(self, prompt: str, formatted: bool = False, **kwargs: Any
                     ) -> CompletionResponse:
            text = "".join(generator.chat([{"role": "user", "content": prompt}]))
            return CompletionResponse(text=text)

        @llm_completion_callback()
        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any
                            ) -> Iterator[CompletionResponse]:
            text = ""
            for delta in generator.chat([{"role": "user", "content": prompt}]):
                text += delta
                yield CompletionResponse(text=text, delta=delta)

    return LocalGGUF()


def build_index(assistant: Assistant, dataset: Dataset, chunk_size: int = 1024,
                chunk_overlap: int = 200) -> tuple[Any, float]:
    """Index the raw corpus the llama-index way; return the index and the seconds it took."""
    from llama_index.core import Settings as LISettings
    from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter

    started = time.perf_counter()
    reader = SimpleDirectoryReader(str(dataset.corpus), recursive=True,
                                   exclude=["metadata.jsonl"], filename_as_id=True,
                                   exclude_hidden=False)
    documents = reader.load_data(show_progress=False)
    for doc in documents:
        doc.metadata = {"file_name": doc.metadata.get("file_name")}
    LISettings.embed_model = assistant.embedder.llama_embedding
    index = VectorStoreIndex.from_documents(
        documents, transformations=[SentenceSplitter(chunk_size=chunk_size,
                                                     chunk_overlap=chunk_overlap)],
        embed_model=assistant.embedder.llama_embedding)
    return index, time.perf_counter() - started


def run_baseline(assistant: Assistant, dataset: Dataset, config: Config,
                 answer_with_llm: bool = True) -> RunResult:
    """Score the baseline on a dataset: retrieval always, answers with the local model."""
    index, ingest_s = build_index(assistant, dataset)
    retriever = index.as_retriever(similarity_top_k=10)
    engine = None
    if answer_with_llm:
        engine = index.as_query_engine(llm=_local_llm(assistant), similarity_top_k=TOP_K,
                                       response_mode="compact")
    result = RunResult(config, ingest_s=ingest_s)
    for item in dataset.items:
        question = " ".join([*(item.dialogue or []), item.question])  # no condense step
        started = time.perf_counter()
        nodes = retriever.retrieve(question)
        retrieval_s = time.perf_counter() - started
        ranked = [n.node.metadata.get("file_name", "") for n in nodes]
        contexts = [n.node.get_content() for n in nodes]
        text = ""
        if engine is not None:
            text = str(engine.query(question)).strip()
        total_s = time.perf_counter() - started
        gold = item.sources
        docs = m.dedupe(ranked)
        # The baseline abstains only in words ("The context does not mention ..."); those
        # replies count as abstentions, the same phrases the assistant recognises in a draft.
        abstained = not text or is_abstention(text)
        correct = not abstained and m.answer_correct(text, item.answers, item.all_required)
        row: dict[str, Any] = {
            "id": item.id, "type": item.type, "split": item.split, "question": item.question,
            "standalone_question": None, "expected": item.answers, "sources": gold,
            "as_of": item.as_of, "answer": text, "abstained": abstained, "citations": [],
            "flagged": [], "fallback": False,
            "correct": correct if item.answerable else None,
            "f1": m.token_f1(text, item.answers) if item.answerable else None,
            # The baseline has no citations; its sources are the chunks it was given.
            "citation_precision": None, "citation_recall": None, "support": None,
            "crag": m.crag_score(correct, abstained, item.answerable),
            "retrieval_s": retrieval_s, "total_s": total_s, "retrieved": docs[:10],
        }
        if item.answerable:
            for k in (1, 3, 5, 10):
                row[f"hit@{k}"] = m.hit_at_k(docs, gold, k)
                row[f"recall@{k}"] = m.recall_at_k(docs, gold, k)
                row[f"aic@{k}"] = m.answer_in_context(contexts, item.answers, k)
            row["mrr@10"] = m.mrr_at_k(docs, gold, 10)
        result.rows.append(row)
    result.summary = summarize(result.rows, ingest_s)
    return result
