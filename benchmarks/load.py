"""Load test: N concurrent clients ask through the Gradio API for a bounded time while another
process ingests into the same store. Checks that no request fails, that every answer belongs to
the question its client asked, and that the UI serves the newly ingested documents afterwards.

    python -m benchmarks.load [--clients 8] [--seconds 60] [--out reports/load]

Traffic goes to 127.0.0.1 only; the loops are bounded by time and stop by themselves.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [
    ("Who designed the library renovation?", "Mira Castell"),
    ("How much did the library renovation cost?", "4.2 million"),
    ("Who voted against the Main Street bike lanes?", "Li Wen"),
    ("Which company was awarded the solar farm contract?", "Northfield Renewables"),
    ("What was the average lead level in tap samples?", "2 parts per billion"),
    ("When will the library reopen?", "14 October 2024"),
]
NEW_QUESTION = ("Which bakery won the harbour festival prize?", "Tidewater Bakery")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _new_documents(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"festival-{i:03d}.md").write_text(
            f"---\ntitle: Harbour festival report {i}\ndate: 2024-08-{(i % 28) + 1:02d}\n---\n"
            f"The harbour festival drew {1000 + i} visitors on day {i}. The bread prize went to "
            "Tidewater Bakery, whose rye loaf the judges called the best in a decade.\n")


def run(clients: int, seconds: float, out: Path) -> dict[str, Any]:
    from gradio_client import Client

    from rag import Assistant, Settings
    from ui.app import build_app, launch_kwargs

    work = Path(tempfile.mkdtemp(prefix="rag-load-"))
    settings = Settings(data_dir=work / "data", collection="load")
    assistant = Assistant.from_settings(settings)
    assistant.ingest([ROOT / "examples" / "corpus"])
    port = _free_port()
    demo = build_app(assistant)
    demo.launch(**{**launch_kwargs(assistant), "server_port": port, "prevent_thread_lock": True,
                   "quiet": True})
    url = f"http://127.0.0.1:{port}/"
    _new_documents(work / "new", 150)
    env = {**os.environ, "RAG_DATA_DIR": str(settings.data_dir), "RAG_COLLECTION": "load",
           "HF_HUB_OFFLINE": "1"}
    writer = subprocess.Popen([sys.executable, "-m", "rag.cli", "ingest", str(work / "new")],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    latencies: list[float] = []
    errors: list[str] = []
    mixed: list[str] = []
    lock = threading.Lock()
    deadline = time.time() + seconds

    def client(k: int) -> None:
        api = Client(url, verbose=False)
        i = k
        while time.time() < deadline:
            question, expected = QUESTIONS[i % len(QUESTIONS)]
            i += 1
            started = time.perf_counter()
            try:
                result = api.predict(question, api_name="/ask")
            except Exception as exc:  # any failure counts
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if result.get("question") != question or expected not in result.get("text", ""):
                    mixed.append(f"asked {question!r}, got {result.get('text', '')[:80]!r}")

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    writer.wait(timeout=1800)
    writer_ok = writer.returncode == 0
    time.sleep(3)  # the registry refresh interval of a long-running reader
    after = Client(url, verbose=False).predict(NEW_QUESTION[0], api_name="/ask")
    sees_new = NEW_QUESTION[1] in after.get("text", "")
    demo.close()
    shutil.rmtree(work, ignore_errors=True)

    from evals.metrics import percentile

    result = {
        "clients": clients, "seconds": seconds, "requests": len(latencies),
        "errors": len(errors), "mixed_up": len(mixed), "ingest_ok": writer_ok,
        "ui_sees_new_documents": sees_new,
        "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95),
        "max_s": max(latencies) if latencies else 0.0,
        "throughput_rps": len(latencies) / seconds,
        "error_samples": errors[:5], "mixup_samples": mixed[:5],
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--out", default="reports/load")
    args = parser.parse_args(argv)
    result = run(args.clients, args.seconds, Path(args.out))
    ok = (result["errors"] == 0 and result["mixed_up"] == 0 and result["ingest_ok"]
          and result["ui_sees_new_documents"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
