"""The `rag` console script: ingest, ask, chat, docs, reset, eval, ui, bench.

Heavy libraries are imported inside the commands, so `rag --help` stays quick. This is the one
edge module in `rag/` that may import `ui/` and `evals/`, and only inside the commands that use them.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import RagError
from .settings import Settings

if TYPE_CHECKING:
    from .assistant import Assistant
    from .types import Answer, IngestReport


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="store folder (RAG_DATA_DIR)")
    parser.add_argument("--collection", help="collection name (RAG_COLLECTION)")


def _answering(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--answerer", choices=["extractive", "local", "openai"],
                        help="answer generator (RAG_ANSWERER)")
    parser.add_argument("--top-k", type=int, help="evidence chunks (RAG_TOP_K)")
    parser.add_argument("--mode", choices=["hybrid", "dense", "bm25"], dest="retrieval_mode",
                        help="retrieval mode (RAG_RETRIEVAL_MODE)")
    parser.add_argument("--as-of", help="answer as of this date (YYYY-MM-DD)")
    parser.add_argument("--since", help="only documents published on or after (YYYY-MM-DD)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rag", description="Ask questions about your own documents, with checked citations.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ingest", help="add or update files and folders in the index")
    p.add_argument("paths", nargs="+", help="files or folders (recursively)")
    p.add_argument("--prune", action="store_true",
                   help="remove documents whose files under these folders are gone")
    p.add_argument("--include", action="append", default=None, help="glob to include (repeat)")
    p.add_argument("--exclude", action="append", default=None, help="glob to exclude (repeat)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    _common(p)

    p = sub.add_parser("ask", help="answer one question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    _answering(p)
    _common(p)

    p = sub.add_parser("chat", help="a terminal chat that keeps the conversation")
    _answering(p)
    _common(p)

    p = sub.add_parser("docs", help="list indexed documents and their duplicate groups")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("delete", help="remove one document (by source or id)")
    p.add_argument("document")
    _common(p)

    p = sub.add_parser("reset", help="delete everything in the collection")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    _common(p)

    p = sub.add_parser("ui", help="start the Gradio chat UI")
    p.add_argument("--host", help="listen address (RAG_UI_HOST, default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (RAG_UI_PORT, default 7860)")
    p.add_argument("--ingest", nargs="*", default=None, metavar="PATH",
                   help="ingest these paths before starting")
    _answering(p)
    _common(p)

    p = sub.add_parser("eval", help="run a gold dataset and write reports")
    p.add_argument("--dataset", default="news",
                   help="news | example | techdocs | realtimeqa | rgb | rustdoc | rustbook | "
                   "nodedoc | pydoc | pyref | unixdoc | tooldoc | libdoc | devdoc | pyfaq | npmdoc "
                   "| npmpdf | xsltdoc | xsltpdf | jsdoc | jspdf | gccdoc | gccpdf | policydoc "
                   "| policypdf | xtransdoc | xtranspdf | PATH.jsonl (evals.datasets.NAMES)")
    p.add_argument("--split", choices=["all", "dev", "heldout"], default="all",
                   help="which questions: tune on dev; the gate reads held-out (default all)")
    p.add_argument("--corpus", help="documents folder for a PATH dataset")
    p.add_argument("--answerer", choices=["extractive", "local", "openai"], default=None)
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], dest="retrieval_mode")
    p.add_argument("--k", type=int, help="top-k evidence chunks for answering")
    p.add_argument("--out", help="report folder (default reports/eval/<dataset>-<answerer>)")
    p.add_argument("--limit", type=int, help="only the first N questions")
    p.add_argument("--compare", action="store_true",
                   help="run several configurations and a plain llama-index baseline side by side")
    p.add_argument("--configs", help="with --compare: comma-separated config names")
    p.add_argument("--gate", action="store_true",
                   help="exit non-zero when a score is below evals/thresholds.toml")
    p.add_argument("--generation-cache", metavar="FILE",
                   help="reuse the model's generations stored in FILE (SQLite), keyed by the exact "
                   "prompt: measures a change after generation without re-running the model")
    _common(p)

    p = sub.add_parser("bench", help="speed benchmarks (see benchmarks/)")
    p.add_argument("args", nargs=argparse.REMAINDER)
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from `.env` and the environment, with command-line flags on top."""
    overrides: dict[str, Any] = {}
    for key in ("data_dir", "collection", "answerer", "top_k", "retrieval_mode"):
        value = getattr(args, key, None)
        if value is not None:
            overrides[key] = value
    if getattr(args, "host", None):
        overrides["ui_host"] = args.host
    if getattr(args, "port", None):
        overrides["ui_port"] = args.port
    return Settings(**overrides)


def _assistant(args: argparse.Namespace) -> Assistant:
    from .assistant import Assistant

    return Assistant.from_settings(settings_from(args))


# ---- output ---------------------------------------------------------------------------------


def format_answer(answer: Answer) -> str:
    """An answer for the terminal: text, then each cited source with its supporting quote."""
    lines = [answer.text, ""]
    if answer.citations:
        lines.append("Sources:")
        for c in answer.citations:
            lines.append(f"  [{c.n}] {_describe(c.source, c.title, c.published, c.page)}")
            lines.append(f'      "{c.quote.strip()}"')
            if c.also:
                lines.append("      also reported by: " + ", ".join(s.source for s in c.also))
    elif answer.abstained and answer.evidence:
        lines.append("Closest sources:")
        for e in answer.evidence[:3]:
            lines.append(f"  - {_describe(e.source, e.title, e.published, e.page)}")
    if answer.flagged:
        lines.append("")
        lines.append(f"({len(answer.flagged)} unsupported sentence(s) left out.)")
    return "\n".join(lines).rstrip()


def _describe(source: str, title: str | None, published: str | None, page: int | None) -> str:
    parts = [source]
    if title:
        parts.append(f"“{title}”")
    if published:
        parts.append(published)
    if page:
        parts.append(f"p. {page}")
    return " — ".join(parts)


def format_report(report: IngestReport) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Ingest report", show_lines=False)
    for column in ("status", "file", "chunks", "note"):
        table.add_column(column)
    for f in report.files:
        table.add_row(f.status, f.source, str(f.chunks) if f.chunks else "", f.reason)
    console = Console(width=110)
    with console.capture() as captured:
        console.print(table)
    return captured.get() + report.summary()


# ---- commands -------------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TextColumn("{task.fields[current]}"), transient=True,
                  disable=args.json or not sys.stderr.isatty()) as bar:
        task = bar.add_task("ingesting", total=None, current="")

        def progress(source: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, current=source[-50:])

        report = assistant.ingest(args.paths, prune=args.prune, include=args.include,
                                  exclude=args.exclude, progress=progress)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(format_report(report))
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    answer = assistant.ask(args.question, as_of=args.as_of, since=args.since)
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_answer(answer))
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    print(f"Chatting with {len(assistant.documents())} documents ({assistant.answerer.name} "
          "answerer). Empty line or Ctrl-D to quit; /clear forgets the conversation.")
    history: list[Answer] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except EOFError:
            print()
            return 0
        if not question:
            return 0
        if question == "/clear":
            history.clear()
            print("(conversation cleared)")
            continue
        try:
            final = None
            streamed = False
            for event in assistant.stream(question, history=history, as_of=args.as_of,
                                          since=args.since):
                if event.kind == "token" and assistant.answerer.drafts:
                    if not streamed:
                        print("draft> ", end="")
                        streamed = True
                    print(event.text, end="", flush=True)
                elif event.kind == "answer":
                    final = event.answer
            if streamed:
                print()
            assert final is not None
            print("\nassistant> " + format_answer(final))
            history.append(final)
        except RagError as exc:
            print(f"error: {exc}", file=sys.stderr)


def cmd_docs(args: argparse.Namespace) -> int:
    from .store import Store

    store = Store.from_settings(settings_from(args))
    docs = store.documents()
    if args.json:
        print(json.dumps([d.__dict__ for d in docs], indent=2, ensure_ascii=False))
        return 0
    if not docs:
        print("Nothing indexed yet. Run `rag ingest PATH`.")
        return 0
    groups: dict[str, list[str]] = {}
    for d in docs:
        groups.setdefault(d.group or d.doc_id, []).append(d.source)
    label = {g: f"G{i}" for i, g in enumerate(sorted(g for g, m in groups.items() if len(m) > 1),
                                               start=1)}
    width = max(len(d.source) for d in docs)
    print(f"{'source':<{width}}  {'published':<10}  chunks  group  title")
    for d in docs:
        print(f"{d.source:<{width}}  {d.published or '':<10}  {d.chunks:>6}  "
              f"{label.get(d.group or '', ''):<5}  {d.title or ''}")
    print(f"\n{len(docs)} documents, {sum(d.chunks for d in docs)} chunks.")
    for g, members in groups.items():
        if len(members) > 1:
            print(f"{label[g]}: same story in {', '.join(members)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    assistant = _assistant(args)
    if not assistant.delete(args.document):
        raise RagError(f"No indexed document '{args.document}'. See `rag docs` for what is there.")
    print(f"Removed {args.document}.")
    return 0


def cmd_reset(args: argparse.Namespace) -> int:
    from .store import Store

    settings = settings_from(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise RagError("Refusing to reset without confirmation: add --yes.")
        if input(f"Delete everything in collection '{settings.collection}'? [y/N] ").lower() != "y":
            print("Nothing deleted.")
            return 0
    Store.from_settings(settings).reset()
    print(f"Collection '{settings.collection}' is empty.")
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    from ui.app import launch

    assistant = _assistant(args)
    if args.ingest:
        print(assistant.ingest(args.ingest).summary())
    launch(assistant)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from evals.cli import run_eval

    return run_eval(args, settings_from(args))


def cmd_bench(args: argparse.Namespace) -> int:
    from benchmarks.run import main as bench_main

    return bench_main(list(args.args))


COMMANDS = {"ingest": cmd_ingest, "ask": cmd_ask, "chat": cmd_chat, "docs": cmd_docs,
            "delete": cmd_delete, "reset": cmd_reset, "ui": cmd_ui, "eval": cmd_eval,
            "bench": cmd_bench}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except RagError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: whole documents written so far are kept; run the same command "
              "again to finish.", file=sys.stderr)
        return 130
    except Exception as exc:  # pydantic ValidationError and dataset errors have good messages
        name = type(exc).__name__
        if name in ("ValidationError", "DatasetError"):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())

