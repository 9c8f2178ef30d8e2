"""Gold datasets: the schema, the built-in ones, and the RealTime QA adapter.

Schema (one JSON object per line of `evals/datasets/<name>.jsonl`):
    id            unique id, e.g. "news-001"
    type          factoid | list | yesno | number | date | multi_doc | time_sensitive |
                  conflict | unanswerable | follow_up
    question      the question (for follow_up: the last turn)
    answers       acceptable answers (aliases); empty for unanswerable
    all_required  true when every item of `answers` must appear (list answers)
    sources       files that support the answer (as ingested: relative to the corpus folder)
    also_sources  optional: files an answer may also cite without being wrong (the earlier
                  report a time-sensitive answer mentions, other copies of the same fact);
                  they count for citation precision, not for recall or retrieval hits
    as_of         ISO date the question is asked on, or null
    dialogue      earlier turns (questions) for follow_up, or null
    split         optional: "dev" or "heldout"; by default a stable hash of the id puts about
                  half of the items in each. Tune rules and fit weights on dev only; the gate
                  and the reported numbers that matter are the held-out ones.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = Path(__file__).resolve().parent / "datasets"
SPLITS = ("dev", "heldout")
TYPES = {"factoid", "list", "yesno", "number", "date", "multi_doc", "time_sensitive", "conflict",
         "unanswerable", "follow_up"}


class DatasetError(Exception):
    """A dataset cannot be found, built or parsed; the message says what to do."""


def shared_dir() -> Path:
    """Where the read-only shared material lives (`../shared`, or RAG_SHARED_DIR)."""
    return Path(os.environ.get("RAG_SHARED_DIR", ROOT.parent / "shared")).resolve()


@dataclass
class Item:
    """One gold question."""

    id: str
    type: str
    question: str
    answers: list[str]
    all_required: bool = False
    sources: list[str] = field(default_factory=list)
    also_sources: list[str] = field(default_factory=list)
    as_of: str | None = None
    dialogue: list[str] | None = None
    split: str = ""

    def __post_init__(self) -> None:
        if not self.split:
            self.split = split_of(self.id)

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def split_of(item_id: str) -> str:
    """The split of an item without an explicit one: a stable half by a hash of its id."""
    return SPLITS[hashlib.sha256(item_id.encode("utf-8")).digest()[0] % 2]


@dataclass
class Dataset:
    """A gold set and the folder of documents it is asked over."""

    name: str
    items: list[Item]
    corpus: Path


def load_items(path: Path) -> list[Item]:
    """Read and validate a gold JSONL file."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item = Item(
                id=str(row["id"]), type=str(row["type"]), question=str(row["question"]),
                answers=[str(a) for a in row.get("answers") or []],
                all_required=bool(row.get("all_required", False)),
                sources=[str(s) for s in row.get("sources") or []],
                also_sources=[str(s) for s in row.get("also_sources") or []],
                as_of=row.get("as_of"), dialogue=row.get("dialogue"),
                split=str(row.get("split") or ""),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise DatasetError(f"{path}:{number}: not a valid gold row ({exc})") from exc
        if item.type not in TYPES:
            raise DatasetError(f"{path}:{number}: unknown type '{item.type}'")
        if item.split not in SPLITS:
            raise DatasetError(f"{path}:{number}: split must be one of {', '.join(SPLITS)}")
        if item.answerable and not item.answers:
            raise DatasetError(f"{path}:{number}: an answerable question needs answers")
        items.append(item)
    return items


def realtimeqa_dir(cache: Path) -> Path:
    """Build (once) the RealTime QA corpus with shared/tools/realtimeqa_corpus.py; return its folder."""
    out = cache / "realtimeqa"
    if (out / "qa.jsonl").is_file() and (out / "docs").is_dir():
        return out
    tool = shared_dir() / "tools" / "realtimeqa_corpus.py"
    if not tool.is_file():
        raise DatasetError(
            f"RealTime QA needs the shared benchmarks at {shared_dir()} (not present on this "
            "machine). Set RAG_SHARED_DIR to the folder that holds tools/ and benchmarks/."
        )
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, str(tool), "corpus", str(out)], check=True,
                   capture_output=True)
    # The sidecar goes beside the documents so that ingest picks up dates and URLs.
    (out / "docs" / "metadata.jsonl").write_text((out / "metadata.jsonl").read_text())
    return out


def _realtimeqa(cache: Path, limit: int | None) -> Dataset:
    folder = realtimeqa_dir(cache)
    items = []
    for line in (folder / "qa.jsonl").read_text().splitlines():
        row = json.loads(line)
        items.append(Item(
            id=f"rtqa-{row['id']}", type="time_sensitive", question=row["question"],
            answers=[row["answers"][0].strip("“”\"")] if row["answers"] else [],
            sources=[f"{d}.txt" for d in row["gold_docs"]],
            as_of=row["date"].replace("/", "-"),
        ))
    return Dataset("realtimeqa", items[:limit] if limit else items, folder / "docs")


def rgb_dir(cache: Path) -> Path:
    """Build (once) a corpus from RGB's passages (shared/benchmarks/rgb/en_fact.json): every
    distinct passage, right or noise, one file each; return its folder."""
    source = shared_dir() / "benchmarks" / "rgb" / "en_fact.json"
    out = cache / "rgb"
    if (out / "qa.jsonl").is_file() and (out / "docs").is_dir():
        return out
    if not source.is_file():
        raise DatasetError(
            f"The rgb set needs the shared benchmarks at {shared_dir()} (not present on this "
            "machine). Set RAG_SHARED_DIR to the folder that holds benchmarks/rgb/en_fact.json."
        )
    docs = out / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    named: dict[str, str] = {}
    rows = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        sources = []
        for kind in ("positive", "negative"):
            for n, passage in enumerate(row[kind]):
                text = " ".join(passage.split())
                if text not in named:
                    named[text] = f"q{row['id']:03d}-{kind[:3]}{n}.txt"
                    (docs / named[text]).write_text(text + "\n", encoding="utf-8")
                if kind == "positive":
                    sources.append(named[text])
        answer = row["answer"]  # a name, or one list of a date's spellings
        answers = [answer] if isinstance(answer, str) else [
            a for group in answer for a in (group if isinstance(group, list) else [group])]
        rows.append({"id": row["id"], "question": row["query"], "answers": answers,
                     "sources": sources, "date": isinstance(answer, list)})
    (out / "qa.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out


def _rgb(cache: Path, limit: int | None) -> Dataset:
    # Every question is answerable: its noise passages are search results on the same topic
    # and may state the answer in other words ("premieres Nov. 15"), so withholding the right
    # passages makes no honest unanswerable question (3 of 20 tried in session 23 were not).
    folder = rgb_dir(cache)
    items = []
    for line in (folder / "qa.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        items.append(Item(id=f"rgb-{row['id']:03d}", type="date" if row["date"] else "factoid",
                          question=row["question"], answers=row["answers"],
                          sources=row["sources"]))
    return Dataset("rgb", items[:limit] if limit else items, folder / "docs")


# Validation sets over real technical documentation nobody here wrote, found on this machine:
# HTML books of a Rust toolchain (MIT/Apache-2.0), the Node.js API reference of the nodejs
# package (MIT) and PDF manuals of Debian packages. The files are copied into the cache, never
# into the repository; every question is held-out.
RUST_HTML = Path.home() / ".rustup" / "toolchains"


@dataclass(frozen=True)
class MachineCorpus:
    """Where a validation set's documents lie on a machine, and which of them it reads."""

    folders: str  # a glob for the folder of HTML pages (the last match is read)
    pages: tuple[str, ...]
    pdf: Path | None = None  # the PDF manual of a Debian package (gzipped as some ship it)
    extra: tuple[Path, ...] = ()  # single pages from elsewhere on the machine


MACHINE_CORPORA = {
    # `rustdoc`: nine pages of the rustdoc book and freedesktop's 17-page MIME specification.
    "rustdoc": MachineCorpus(
        f"{RUST_HTML}/*/share/doc/rust/html/rustdoc",
        ("what-is-rustdoc.html", "command-line-arguments.html", "lints.html",
         "scraped-examples.html", "advanced-features.html",
         "write-documentation/documentation-tests.html",
         "write-documentation/the-doc-attribute.html",
         "write-documentation/what-to-include.html", "read-documentation/search.html"),
        Path("/usr/share/doc/shared-mime-info/shared-mime-info-spec.pdf")),
    # `rustbook`: six chapters of The Rust Programming Language and the 36-page GNU Libtasn1
    # manual (GFDL); written in session 8 from the documents alone (docs/evals.md says which
    # changes its misses then suggested).
    "rustbook": MachineCorpus(
        f"{RUST_HTML}/*/share/doc/rust/html/book",
        ("ch01-03-hello-cargo.html", "ch03-02-data-types.html", "ch08-03-hash-maps.html",
         "ch09-02-recoverable-errors-with-result.html", "ch11-02-running-tests.html",
         "ch14-01-release-profiles.html"),
        Path("/usr/share/doc/libtasn1-doc/libtasn1.pdf")),
    # `nodedoc`: six pages of the Node.js API reference (another generator: API signatures,
    # parameter lists, option lists nested in lists, tables of constants); written in session 9
    # from the documents alone, before any answer was seen.
    "nodedoc": MachineCorpus(
        "/usr/share/doc/nodejs/api",
        ("timers.html", "os.html", "path.html", "querystring.html", "string_decoder.html",
         "console.html")),
    # `pydoc`: six pages of the Python 3.11 library reference (Sphinx, Debian's python3.11-doc,
    # PSF licence): signatures as definition terms, "Changed in version" notes, admonitions,
    # doctest blocks; written in session 10 from the pages alone, before any answer was seen.
    "pydoc": MachineCorpus(
        "/usr/share/doc/python3.*/html/library",
        ("json.html", "zoneinfo.html", "secrets.html", "textwrap.html", "tempfile.html",
         "bisect.html")),
    # `pyref`: five other pages of the same reference, a dev set for fitting (every question is
    # `dev`): the API-reference questions ("What does heapq.heappushpop() return?", "Which
    # fnmatch function ...?") that no other dev half holds; written in session 12 from the
    # pages alone, before any answer was seen. The shipped model is not fitted on it yet
    # (docs/evals.md, session 12).
    "pyref": MachineCorpus(
        "/usr/share/doc/python3.*/html/library",
        ("heapq.html", "fnmatch.html", "glob.html", "shlex.html", "copy.html")),
    # `unixdoc`: two more generators: the bzip2 manual as a 38-page DocBook PDF (ligatures,
    # option lists, API reference; BSD-style licence), GNU bc's one-page Texinfo HTML manual
    # and nine pages of libffi's Texinfo HTML manual (MIT); written in session 15 from the
    # documents alone, before any answer was seen (docs/evals.md says what its misses led to).
    "unixdoc": MachineCorpus(
        "/usr/share/doc/libffi*/html",
        ("The-Basics.html", "Primitive-Types.html", "Structures.html", "Size-and-Alignment.html",
         "The-Closure-API.html", "Thread-Safety.html", "Memory-Usage.html",
         "Missing-Features.html", "Multiple-ABIs.html"),
        Path("/usr/share/doc/bzip2/manual.pdf.gz"), (Path("/usr/share/doc/bc/bc.html"),)),
    # `tooldoc`: a dev set for calibration (every question is `dev`), written in session 16 to
    # give dev more real unanswerable questions on technical documents (12 of its 37): Ninja's
    # AsciiDoc HTML manual (Apache-2.0), GNU time's Texinfo HTML manual (GFDL) and a 29-page
    # LaTeX paper on CRC algorithms that zlib's Debian package ships gzipped.
    "tooldoc": MachineCorpus(
        "/usr/share/doc/ninja-build", ("manual.html",),
        Path("/usr/share/doc/zlib1g-dev/crc-doc.1.0.pdf.gz"), (Path("/usr/share/doc/time/time.html"),)),
    # `libdoc`: Expat's hand-written one-page HTML reference (MIT; prose written straight into
    # <div>s, which cost its every function description until session 17) and fontconfig's
    # 15-page fonts.conf manual (a DocBook PDF); written in session 17 from the documents alone,
    # before any answer was seen, after that session's first three changes; all held-out.
    "libdoc": MachineCorpus(
        "/usr/share/doc/libexpat1-dev/expat.html", ("reference.html",),
        Path("/usr/share/doc/fontconfig/fontconfig-user.pdf.gz")),
    # `devdoc`: four pages of Valgrind's DocBook HTML manual (GFDL: the quick start, the FAQ as
    # a question table, Cachegrind and Massif with their program-output blocks) and Nettle's
    # 100-page Texinfo PDF manual (public domain); written in session 28 from the documents
    # alone, before any answer was seen; all held-out.
    "devdoc": MachineCorpus(
        "/usr/share/doc/valgrind/html",
        ("quick-start.html", "faq.html", "cg-manual.html", "ms-manual.html"),
        Path("/usr/share/doc/nettle-dev/nettle.pdf.gz")),
    # `pyfaq`: two pages of Python's FAQ (Sphinx, PSF licence), each question a heading and its
    # answer the paragraph under it; written in session 28 to check, on a second FAQ layout,
    # the rule that reads an answer under the question before it (found on devdoc's table
    # FAQ). Its questions were written after the pages' questions and answers were read, so
    # it validates that rule, not the system on unseen text; all held-out.
    "pyfaq": MachineCorpus(
        "/usr/share/doc/python3.*/html/faq", ("general.html", "library.html")),
    # `npmdoc`: six pages of the npm CLI's documentation (Artistic-2.0; HTML generated from
    # Markdown, with a table of contents, option lists of "Default:" and "Type:" lines and
    # folder-tree drawings) and Debian's users-and-groups page (GPL-2; a DocBook list of
    # account names and their descriptions); written in session 29 from the documents alone,
    # before any answer was seen; all held-out.
    "npmdoc": MachineCorpus(
        "/usr/lib/node_modules/npm/docs/output",
        ("commands/npm-ci.html", "using-npm/scripts.html", "configuring-npm/package-lock-json.html",
         "commands/npm-version.html", "configuring-npm/folders.html",
         "using-npm/workspaces.html"),
        extra=(Path("/usr/share/doc/base-passwd/users-and-groups.html"),)),
    # `xsltdoc`: seven hand-written pages of libxslt's site (MIT; laid out in tables, a menu on
    # every page, an FAQ as a numbered list of titled answers, a usage block) and its DocBook
    # tutorial; written in session 31 from the pages' text (read with lxml, not through this
    # project's loader), before any answer was seen; all held-out.
    "xsltdoc": MachineCorpus(
        "/usr/share/doc/libxslt1-dev/html",
        ("intro.html", "xsltproc2.html", "FAQ.html", "docbook.html", "python.html",
         "extensions.html", "internals.html"),
        extra=(Path("/usr/share/doc/libxslt1-dev/html/tutorial/libxslttutorial.html"),)),
    # `jsdoc`: Underscore.js's one-page reference (MIT; DocumentCloud's layout: each entry a
    # bold name run into its signature, aliases on their own line, a long change log whose
    # releases are headed by a version, a date and links). A dev set (every question is
    # `dev`): written in session 39 from the page alone, before any answer was seen, then used
    # to find that session's changes.
    "jsdoc": MachineCorpus("/usr/share/doc/libjs-underscore", ("index.html",)),
    # `gccdoc`: GCC 12's release notes (gcc-12-base; a hand-written page of nested lists, each
    # item an option or a feature, under a heading per language or target). A dev set: written
    # in session 40 from the page alone, before any answer was seen, then used to find that
    # session's changes.
    "gccdoc": MachineCorpus("/usr/share/doc/gcc-12-base", ("NEWS.html",)),
    # `policydoc`: the Debian Python Policy (python3; one Sphinx page of numbered sections of
    # "must" and "should" rules, file paths and package names written as code, definition
    # lists). A dev set: written in session 41 from the page alone, before any answer was
    # seen, then used to find that session's changes.
    "policydoc": MachineCorpus("/usr/share/doc/python3", ("python-policy.html",)),
    # `xtransdoc`: the X Transport Interface (xtrans-dev, MIT; one DocBook page: a C API
    # reference of signatures run into their descriptions, flag lists, a configuration table).
    # Written in session 41 from the page's text alone, after that session's first changes and
    # before any answer on it was seen; its first run was the session's unseen measurement,
    # and its misses then led to the session's second changes, so it is a dev set.
    "xtransdoc": MachineCorpus("/usr/share/doc/xtrans-dev", ("xtrans.html",)),
}


# Sets whose documents are another set's HTML pages printed to PDF by a browser, as many PDF
# manuals are made, asked the same questions. `npmpdf`: npmdoc's pages printed by headless
# Chromium (a date and title header and a file:// footer on every page, bullets drawn, code
# spans in a wider type); session 29. `xsltpdf`: xsltdoc's, whose menu is printed beside the
# text; session 31.
# `jspdf`: jsdoc's page (session 39), whose signatures the PDF's text runs into the
# description below them without a blank line. `gccpdf`: gccdoc's page (session 40).
# `policypdf`: policydoc's page (session 41). `xtranspdf`: xtransdoc's page (session 41).
PRINTED = {"npmpdf": "npmdoc", "xsltpdf": "xsltdoc", "jspdf": "jsdoc", "gccpdf": "gccdoc",
           "policypdf": "policydoc", "xtranspdf": "xtransdoc"}
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# The flags a browser needs on a machine without a network or a display (no first-run pages,
# no background fetches, no GPU).
_PRINT_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync")


def printed_corpus_dir(name: str, cache: Path) -> Path:
    """Print (once) a printed set's HTML pages to PDF; return the folder of the PDFs.

    Raises:
        DatasetError: no browser to print with, or a page did not print.
    """
    pages = machine_corpus_dir(PRINTED[name], cache)
    browser = next((found for b in BROWSERS if (found := shutil.which(b))), None)
    if browser is None:
        raise DatasetError(f"The {name} set prints {PRINTED[name]}'s pages to PDF with a browser, "
                           "and this machine has none: install Debian's chromium, or run "
                           f"{PRINTED[name]}.")
    out = cache / name
    out.mkdir(parents=True, exist_ok=True)
    profile = out / ".browser"  # the browser's own settings, removed once all pages print
    for page in sorted(pages.glob("*.html")):
        target = out / f"{page.stem}.pdf"
        if target.is_file():
            continue
        done = subprocess.run([browser, *_PRINT_FLAGS, f"--user-data-dir={profile}",
                               f"--print-to-pdf={target}", page.resolve().as_uri()],
                              capture_output=True, timeout=300, check=False)
        if done.returncode or not target.is_file():
            raise DatasetError(f"{browser} could not print {page} to PDF: "
                               f"{done.stderr.decode(errors='replace')[-300:]}")
    shutil.rmtree(profile, ignore_errors=True)
    return out


def machine_corpus_dir(name: str, cache: Path) -> Path:
    """Assemble (once) a validation set's corpus from this machine's files; return its folder.

    Raises:
        DatasetError: the machine lacks the HTML pages or the PDF manual (says which).
    """
    spec = MACHINE_CORPORA[name]
    out = cache / name
    folders = sorted(Path(p) for p in glob.glob(spec.folders))
    missing = [str(p) for p in (spec.pdf, *spec.extra) if p and not p.is_file()]
    if folders:
        missing += [page for page in spec.pages if not (folders[-1] / page).is_file()]
    else:
        missing.append(spec.folders)
    if missing:
        raise DatasetError(
            f"The {name} set reads documentation installed on the machine it was written on; "
            f"this machine lacks {', '.join(missing)}. Run the other sets, or install the "
            "package that provides it (a Rust toolchain, nodejs, libtasn1-doc, "
            "shared-mime-info, python3.11-doc, bzip2, bc, libffi8, ninja-build, time, "
            "zlib1g-dev, libexpat1-dev, fontconfig, valgrind, nettle-dev, npm, base-passwd, "
            "libxslt1-dev, libjs-underscore, gcc-12-base, python3, xtrans-dev)."
        )
    out.mkdir(parents=True, exist_ok=True)
    for page in spec.pages:
        target = out / Path(page).name
        if not target.is_file():
            shutil.copyfile(folders[-1] / page, target)
    for extra in spec.extra:
        if not (out / extra.name).is_file():
            shutil.copyfile(extra, out / extra.name)
    if spec.pdf:
        target = out / spec.pdf.name.removesuffix(".gz")
        if not target.is_file():
            opener = gzip.open if spec.pdf.suffix == ".gz" else open
            with opener(spec.pdf, "rb") as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst)
    return out


def select_split(dataset: Dataset, split: str | None) -> Dataset:
    """The dataset's items of one split ("dev", "heldout"); all of them for None or "all"."""
    if not split or split == "all":
        return dataset
    if split not in SPLITS:
        raise DatasetError(f"Unknown split '{split}': use dev, heldout or all.")
    return Dataset(dataset.name, [i for i in dataset.items if i.split == split], dataset.corpus)


# Every dataset known by name, in the order they are listed to users.
NAMES = ("news", "example", "techdocs", "realtimeqa", "rgb", *MACHINE_CORPORA, *PRINTED)


def _printed(source: str) -> str:
    return str(Path(source).with_suffix(".pdf")) if source.endswith(".html") else source


def load_dataset(name_or_path: str, corpus: str | None = None, cache: Path | None = None,
                 limit: int | None = None) -> Dataset:
    """A dataset by name (`NAMES`) or a gold JSONL path plus its corpus.

    Raises:
        DatasetError: with what to do (e.g. the shared folder is absent).
    """
    cache = cache or ROOT / ".rag" / "benchmarks"
    if name_or_path == "realtimeqa":
        return _realtimeqa(cache, limit)
    if name_or_path == "rgb":
        return _rgb(cache, limit)
    if name_or_path in MACHINE_CORPORA:
        items = load_items(DATASETS / f"{name_or_path}.jsonl")
        return Dataset(name_or_path, items[:limit] if limit else items,
                       machine_corpus_dir(name_or_path, cache))
    if name_or_path in PRINTED:
        items = [replace(item, sources=[_printed(s) for s in item.sources],
                         also_sources=[_printed(s) for s in item.also_sources])
                 for item in load_items(DATASETS / f"{PRINTED[name_or_path]}.jsonl")]
        return Dataset(name_or_path, items[:limit] if limit else items,
                       printed_corpus_dir(name_or_path, cache))
    if name_or_path in ("news", "example", "techdocs"):
        path = DATASETS / f"{name_or_path}.jsonl"
        folder = {"news": shared_dir() / "corpus" / "news",
                  "example": ROOT / "examples" / "corpus",
                  "techdocs": ROOT / "examples" / "techdocs"}[name_or_path]
        if corpus:
            folder = Path(corpus)
        if not folder.is_dir():
            raise DatasetError(
                f"The '{name_or_path}' dataset is asked over {folder}, which is not present on "
                "this machine. Put the shared folder beside the project or set RAG_SHARED_DIR."
            )
        items = load_items(path)
        return Dataset(name_or_path, items[:limit] if limit else items, folder)
    path = Path(name_or_path)
    if not path.is_file():
        raise DatasetError(
            f"No dataset '{name_or_path}': use {', '.join(NAMES)} or a path to a .jsonl file."
        )
    if not corpus:
        raise DatasetError(f"A dataset file needs its documents: add --corpus DIR for {path}.")
    items = load_items(path)
    return Dataset(path.stem, items[:limit] if limit else items, Path(corpus))
