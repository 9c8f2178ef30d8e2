"""The eval suite: datasets load, reports are written, and the gate catches a broken answerer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from evals.datasets import DatasetError, Item, load_dataset, load_items
from evals.report import gate, write
from evals.runner import Config, run, score_row, summarize
from rag.answerers import Request

DATASETS = Path(__file__).resolve().parents[1] / "evals" / "datasets"


class FirstChunkAnswerer:
    """Deliberately broken: answers with the start of the first retrieved chunk."""

    name = "first-chunk"
    drafts = True

    def rewrite(self, question: str, history: list[str]) -> None:
        return None

    def verify(self, question: str, answer: str, sources: list[str]) -> None:
        return None

    def answer(self, request: Request) -> str:
        return request.evidence[0].text.split(". ")[0] + " [1]."

    def stream(self, request: Request) -> Iterator[str]:
        yield self.answer(request)


def test_gold_sets_follow_the_schema() -> None:
    news = load_items(DATASETS / "news.jsonl")
    assert len(news) >= 50
    kinds = {item.type for item in news}
    assert kinds >= {"factoid", "list", "yesno", "number", "date", "multi_doc", "time_sensitive",
                     "conflict", "unanswerable", "follow_up"}
    assert any(i.question == "When did the presidents agree to draft the treaty?" for i in news)
    assert all(i.dialogue for i in news if i.type == "follow_up")
    assert all(not i.answers and not i.sources for i in news if i.type == "unanswerable")
    example = load_items(DATASETS / "example.jsonl")
    assert {i.type for i in example} >= {"factoid", "number", "unanswerable", "follow_up"}


def test_bad_dataset_rows_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "type": "factoid", "question": "Q?", "answers": []}\n')
    with pytest.raises(DatasetError, match="needs answers"):
        load_items(bad)
    with pytest.raises(DatasetError, match="--corpus"):
        load_dataset(str(bad))


@pytest.mark.slow
def test_extractive_passes_the_gate_and_writes_reports(make_assistant, news_corpus,
                                                        tmp_path: Path) -> None:
    dataset = load_dataset("news", corpus=str(news_corpus))
    result = run(make_assistant(collection="eval_news"), dataset, Config("extractive"))
    paths = write(result, tmp_path / "out", "news", "pytest")
    assert all(p.is_file() and p.stat().st_size > 0 for p in paths.values())
    rows = [json.loads(line) for line in paths["results.jsonl"].read_text().splitlines()]
    assert len(rows) == len(dataset.items)
    assert gate(result.summary, "news", "extractive") == []
    overall = result.summary["overall"]
    assert overall["support"] == 1.0
    assert overall["abstain_correct"] == 1.0


def test_answer_in_sources_says_what_quoting_the_gold_documents_can_reach() -> None:
    """`ais` reads the gold documents as indexed, not the retrieved chunks: a gold string the
    right article never states ("Europe" for a story that says "the EU") caps a quoting
    answerer, however well it retrieves."""
    from rag import Answer

    texts = {"eu.txt": ["The EU will require a common charger.", "Apple objected."],
             "other.txt": ["Europe is a continent."]}
    rows = []
    for gold in ("Apple", "Europe"):
        item = Item(id=f"q-{gold}", type="factoid", question="Which?", answers=[gold],
                    sources=["eu.txt"])
        rows.append(score_row(item, Answer(question="Which?", text="?"), ["d1"],
                              ["Europe is a continent."], 0.0, lambda d: "other.txt", texts))
    assert [r["ais"] for r in rows] == [1.0, 0.0]
    assert [r["aic@1"] for r in rows] == [0.0, 1.0]  # what was retrieved is another matter
    assert summarize(rows)["overall"]["ais"] == 0.5


@pytest.mark.slow
def test_gate_fails_for_a_broken_answerer(make_assistant, news_corpus) -> None:
    dataset = load_dataset("news", corpus=str(news_corpus))
    broken = make_assistant(answerer=FirstChunkAnswerer(), collection="eval_news")
    result = run(broken, dataset, Config("first-chunk"))
    failures = gate(result.summary, "news", "extractive")
    assert any(f.startswith(("own_accuracy", "fallback_rate")) for f in failures), failures


@pytest.mark.slow
@pytest.mark.llm
def test_local_answerer_passes_the_gate(make_assistant, news_corpus) -> None:
    dataset = load_dataset("news", corpus=str(news_corpus))
    result = run(make_assistant(collection="eval_news", answerer_name="local"), dataset,
                 Config("local", answerer="local"))
    assert gate(result.summary, "news", "local") == []


@pytest.mark.slow
def test_a_printed_set_asks_its_questions_of_the_pages_printed_to_pdf(tmp_path: Path) -> None:
    """`npmpdf` is npmdoc's pages printed by a browser, as many PDF manuals are made: the same
    questions, each source a PDF that holds its page's text."""
    from ingest.loaders import read_file

    printed = load_dataset("npmpdf", cache=tmp_path)
    html = load_dataset("npmdoc", cache=tmp_path)
    assert [i.question for i in printed.items] == [i.question for i in html.items]
    sources = {s for i in printed.items for s in i.sources}
    assert sources and all(s.endswith(".pdf") and (printed.corpus / s).is_file() for s in sources)
    page = read_file(printed.corpus / "npm-ci.pdf", "npm-ci.pdf", 10**8)[0]
    assert "automatically removed before npm ci begins its install" in " ".join(page.text.split())


def test_every_gold_item_has_a_stable_split() -> None:
    from evals.datasets import select_split, split_of

    assert split_of("news-001") == split_of("news-001")
    for name in ("news", "example", "techdocs"):
        items = load_items(DATASETS / f"{name}.jsonl")
        splits = {i.split for i in items}
        assert splits == {"dev", "heldout"}, name
        assert any(i.type == "unanswerable" and i.split == "heldout" for i in items), name
    # The API-reference set is for fitting only: every question is dev.
    pyref = load_items(DATASETS / "pyref.jsonl")
    assert {i.split for i in pyref} == {"dev"} and any(i.type == "unanswerable" for i in pyref)
    # So is the set that gives calibration more real unanswerable questions on documentation.
    tooldoc = load_items(DATASETS / "tooldoc.jsonl")
    assert {i.split for i in tooldoc} == {"dev"}
    assert sum(i.type == "unanswerable" for i in tooldoc) >= 10
    # And the sets sessions 39 to 41 found their changes on.
    for name in ("jsdoc", "gccdoc", "policydoc", "xtransdoc"):
        items = load_items(DATASETS / f"{name}.jsonl")
        assert {i.split for i in items} == {"dev"}, name
        assert any(i.type == "unanswerable" for i in items), name
    # The sets written to check the whole system on unseen documents are held-out only.
    for name in ("unixdoc", "libdoc", "devdoc", "npmdoc", "xsltdoc"):
        items = load_items(DATASETS / f"{name}.jsonl")
        assert {i.split for i in items} == {"heldout"}, name
        assert any(i.type == "unanswerable" for i in items), name
    techdocs = load_dataset("techdocs")
    held = select_split(techdocs, "heldout")
    assert 0 < len(held.items) < len(techdocs.items)
    assert all(i.split == "heldout" for i in held.items)


def test_the_technical_docs_gold_set_covers_what_users_ask() -> None:
    items = load_items(DATASETS / "techdocs.jsonl")
    assert len(items) >= 40
    kinds = {i.type for i in items}
    assert kinds >= {"factoid", "list", "number", "date", "multi_doc", "follow_up",
                     "unanswerable"}
    sources = {s for i in items for s in i.sources}
    assert any(s.endswith(".pdf") for s in sources) and any(s.endswith(".html") for s in sources)
    corpus = Path(__file__).resolve().parents[1] / "examples" / "techdocs"
    assert all((corpus / s).is_file() for s in sources | {s for i in items for s in i.also_sources})


@pytest.mark.slow
def test_extractive_passes_the_techdocs_gate_on_held_out(make_assistant) -> None:  # type: ignore[no-untyped-def]
    """HTML and PDF manuals the project ships: the gate reads the held-out half only."""
    dataset = load_dataset("techdocs")
    result = run(make_assistant(collection="eval_techdocs"), dataset, Config("extractive"))
    assert set(result.summary["by_split"]) == {"dev", "heldout"}
    assert gate(result.summary, "techdocs", "extractive") == []
    assert result.summary["by_split"]["heldout"]["support"] == 1.0


def _question(dataset: str, answerable: bool, cands: list[tuple[float, int]],
              synthetic: bool = False) -> dict:
    """A stored question for evals.fit: (lexical, label) per sentence, other features 0."""
    from rag.ranker import FEATURES

    def x(lexical: float) -> list[float]:
        return [lexical if f == "lexical" else 0.0 for f in FEATURES]

    return {"dataset": dataset, "split": "dev", "answerable": answerable, "synthetic": synthetic,
            "cands": [{"x": x(v), "gate": True, "y": y} for v, y in cands]}


def test_fit_learns_which_feature_marks_the_answer_and_drops_the_rest() -> None:
    from evals.fit import _fit, select_features, top_k_accuracy
    from rag.ranker import FEATURES

    rng = np.random.default_rng(0)
    questions = []
    for _ in range(40):
        cands = [(float(rng.uniform(0.0, 0.5)), 0) for _ in range(6)]
        # the answer at a random place: a model that ranks nothing must not hit it by order
        cands.insert(int(rng.integers(0, 7)), (float(rng.uniform(0.6, 1.0)), 1))
        questions.append(_question("a", True, cands))
    log: list[str] = []
    columns, c = select_features(questions, log)
    assert [FEATURES[i] for i in columns] == ["lexical"], log
    model = _fit(questions, columns, c)
    assert model.weights["lexical"] > 0
    assert top_k_accuracy(model, questions, 1) == 1.0


def test_fit_calibrates_abstention_on_real_negatives_and_reports_hard_ones() -> None:
    from evals.fit import abstention, objective
    from rag.ranker import SentenceModel

    model = SentenceModel({"lexical": 10.0}, -5.0)  # p = 0.5 at lexical 0.5
    questions = [_question("a", True, [(0.9, 1)]), _question("a", True, [(0.3, 1)]),
                 _question("a", False, [(0.2, 0)]),
                 _question("a", False, [(0.7, 0)], synthetic=True)]
    got = abstention(model, questions, 0.5)
    assert got == {"false_abstain": 0.5, "abstain_real": 1.0, "abstain_synthetic": 0.0}
    # answerable kept 1/2, real unanswerable abstained 1/1 -> 0.75; the hard negative is only
    # reported (not optimised), so it does not count
    assert abs(objective(model, questions, 0.5) - 0.75) < 1e-9
    assert objective(model, questions, 0.0) == 0.5, "a threshold of 0 answers everything"


@pytest.mark.slow
@pytest.mark.llm
def test_local_reader_passes_the_techdocs_gate_on_held_out(make_assistant) -> None:  # type: ignore[no-untyped-def]
    dataset = load_dataset("techdocs")
    result = run(make_assistant(collection="eval_techdocs", answerer_name="local"), dataset,
                 Config("local", answerer="local"))
    assert gate(result.summary, "techdocs", "local") == []


@pytest.mark.parametrize("name", ["rustdoc", "rustbook", "nodedoc"])
def test_the_machine_doc_sets_are_validation_only_and_say_what_they_need(
        tmp_path: Path, name: str) -> None:
    """Validation only: every item is held-out (nothing is fitted on it)."""
    from evals.datasets import DatasetError

    items = load_items(DATASETS / f"{name}.jsonl")
    assert len(items) >= 30 and {i.split for i in items} == {"heldout"}
    assert sum(not i.answerable for i in items) >= 5
    try:
        dataset = load_dataset(name, cache=tmp_path)
    except DatasetError as exc:
        assert "this machine lacks" in str(exc)  # it says which files are missing
        return
    sources = {s for i in items for s in i.sources}
    assert all((dataset.corpus / s).is_file() for s in sources)


def test_an_eval_collection_holds_its_corpus_and_nothing_else(make_assistant,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    """The same corpus ingested from another checkout must not answer beside this one."""
    from evals.datasets import Dataset
    from evals.runner import ingest_corpus

    old, new = tmp_path / "old-checkout", tmp_path / "checkout"
    for folder in (old, new):
        folder.mkdir()
        (folder / "bridge.txt").write_text("The bridge opened in May 2021. Mayor Ana Ruiz cut "
                                           "the ribbon in front of two thousand people.")
    (old / "harbour.txt").write_text("The harbour reopened in June after a long repair.")
    assistant = make_assistant(collection="eval_town")
    assistant.ingest([old])
    ingest_corpus(assistant, Dataset("town", [], new))
    paths = {r.get("path") for r in assistant.store.registry(fresh=True).values()}
    assert paths == {str((new / "bridge.txt").resolve())}


class _CountingModel:
    """A model stand-in that writes a cited sentence from its prompt and counts its calls (the
    model is not under test: what the cache keeps and replays is)."""

    model_path = None
    max_tokens = 64
    temperature = 0.0

    def __init__(self) -> None:
        self.calls = 0

    def chat(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Iterator[str]:
        self.calls += 1
        first = messages[-1]["content"].split("\n")[1]  # "[n] (label) sentence"
        yield first.split(") ", 1)[1][:60]
        yield " [1]."


@pytest.mark.slow
def test_generation_cache_replays_drafts_and_says_so(make_assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from evals.cli import _run_one
    from evals.generation_cache import CachedGenerator, GenerationCache
    from rag.answerers.llm import LLMAnswerer
    from rag.errors import RagError

    model = _CountingModel()
    assistant = make_assistant(answerer=LLMAnswerer("local", model), collection="eval_example")
    dataset = load_dataset("example", limit=4)
    cache = GenerationCache(tmp_path / "gen.sqlite")
    first = _run_one(assistant, Config("local/hybrid", "local"), dataset, cache)
    generated = model.calls
    assert generated > 0
    assert first.summary["generation_cache"]["misses"] == generated
    again = _run_one(assistant, Config("local/hybrid", "local"), dataset,
                     GenerationCache(tmp_path / "gen.sqlite"))
    assert model.calls == generated  # nothing generated twice
    assert again.summary["generation_cache"] == {
        "path": str(tmp_path / "gen.sqlite"), "hits": generated, "misses": 0}
    assert [r["answer"] for r in again.rows] == [r["answer"] for r in first.rows]
    from evals.report import markdown

    assert f"Generations: {generated} reused" in markdown(again, "example", "rag eval")
    # Another prompt, or another model, is generated afresh.
    other = CachedGenerator(model, cache)
    assert "".join(other.chat([{"role": "user", "content": "x\n[1] (a) New prompt."}])) == (
        "New prompt. [1].")
    assert model.calls == generated + 1
    model.temperature = 0.7
    list(CachedGenerator(model, cache).chat([{"role": "user", "content": "x\n[1] (a) New prompt."}]))
    assert model.calls == generated + 2
    # A file that is no cache is refused with what to do.
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database")
    with pytest.raises(RagError, match="generation cache"):
        GenerationCache(bad)


def test_the_generation_cache_keeps_a_models_verdicts(tmp_path: Path) -> None:
    from evals.generation_cache import CachedGenerator, GenerationCache

    class Judge:
        model_path = None
        calls = 0

        def yes_probability(self, messages: list[dict[str, str]]) -> float | None:
            self.calls += 1
            return 0.25 if "unstated" in messages[-1]["content"] else None

    judge, cache = Judge(), GenerationCache(tmp_path / "gen.sqlite")
    cached = CachedGenerator(judge, cache)
    unstated = [{"role": "user", "content": "unstated"}]
    assert [cached.yes_probability(unstated) for _ in range(2)] == [0.25, 0.25]
    assert [cached.yes_probability([{"role": "user", "content": "x"}]) for _ in range(2)] == [
        None, None]
    assert judge.calls == 2 and (cache.hits, cache.misses) == (2, 2)
    # A model that cannot judge gives no verdict, and nothing is kept.
    assert CachedGenerator(object(), cache).yes_probability(unstated) is None


def _local_run(folder: Path, dataset: str, rows: list[dict[str, object]],
               fallback_threshold: float = 0.0, verify_threshold: float = 0.0,
               verify: bool = True) -> Path:
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps({
        "dataset": dataset, "policy": {"abstain_threshold": 0.06,
                                       "fallback_threshold": fallback_threshold,
                                       "verify": verify, "verify_threshold": verify_threshold}}))
    (folder / "results.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    return folder


def _row(split: str, kind: str, *, fallback: bool, confidence: float, correct: bool = False,
         abstained: bool = False, verified: float | None = None) -> dict[str, object]:
    return {"split": split, "type": kind, "fallback": fallback, "confidence": confidence,
            "correct": correct if kind != "unanswerable" else None, "abstained": abstained,
            "verified": verified}


def test_the_fallback_and_verify_thresholds_are_chosen_on_dev_rows_only(tmp_path: Path) -> None:
    from evals.calibrate import calibrate, load_rows, main

    docs = _local_run(tmp_path / "docs", "docs", [
        _row("dev", "unanswerable", fallback=True, confidence=0.2),   # abstains above 0.2
        _row("dev", "factoid", fallback=True, confidence=0.4, correct=True),  # lost above 0.4
        _row("dev", "factoid", fallback=False, confidence=0.1, correct=True, verified=0.9),
        _row("dev", "unanswerable", fallback=False, confidence=0.0, abstained=True),
        # The model's own answer to an unanswerable question, judged unstated: turned away
        # from a verify threshold of 0.35 on (the right answer above holds until 0.9).
        _row("dev", "unanswerable", fallback=False, confidence=0.5, verified=0.3),
        # Held-out rows would pull both thresholds up; they are only reported.
        _row("heldout", "unanswerable", fallback=True, confidence=0.45),
        _row("heldout", "unanswerable", fallback=False, confidence=0.5, verified=0.8),
        _row("heldout", "factoid", fallback=True, confidence=0.3, correct=True),
    ])
    (fallback, verify), report = calibrate(load_rows([docs]))
    assert fallback == 0.21, "the lowest threshold that turns the dev unanswerable away"
    assert verify == 0.35, "the lowest verify threshold that turns the other one away"
    assert report["dev"]["docs"]["chosen"] == {"answerable": 2, "correct": 2, "false_abstain": 0,
                                               "unanswerable": 3, "abstained": 3}
    held = report["heldout"]["docs"]
    assert (held["at_0"]["correct"], held["chosen"]["correct"]) == (1, 1)
    assert (held["at_0"]["abstained"], held["chosen"]["abstained"]) == (0, 0)
    # A run whose fallbacks or verdicts were already decided cannot be re-decided.
    for name, decided in (("fallback", {"fallback_threshold": 0.3}),
                          ("verify", {"verify_threshold": 0.5}), ("off", {"verify": False})):
        folder = _local_run(tmp_path / name, "docs", [], **decided)  # type: ignore[arg-type]
        with pytest.raises(SystemExit, match="RAG_FALLBACK_THRESHOLD=0 RAG_VERIFY_THRESHOLD=0"):
            main([str(folder)])


def test_a_machine_corpus_takes_single_pages_and_a_gzipped_manual(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch
                                                                  ) -> None:
    import gzip

    from evals.datasets import MACHINE_CORPORA, MachineCorpus, machine_corpus_dir

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "a.html").write_text("<p>a</p>")
    (tmp_path / "b.html").write_text("<p>b</p>")
    with gzip.open(tmp_path / "manual.pdf.gz", "wb") as f:
        f.write(b"%PDF-1.4 not really")
    spec = MachineCorpus(str(tmp_path / "html"), ("a.html",), tmp_path / "manual.pdf.gz",
                         (tmp_path / "b.html",))
    monkeypatch.setitem(MACHINE_CORPORA, "probe", spec)
    out = machine_corpus_dir("probe", tmp_path / "cache")
    assert sorted(p.name for p in out.iterdir()) == ["a.html", "b.html", "manual.pdf"]
    assert (out / "manual.pdf").read_bytes() == b"%PDF-1.4 not really"
    monkeypatch.setitem(MACHINE_CORPORA, "gone", MachineCorpus(
        str(tmp_path / "html"), ("a.html",), None, (tmp_path / "c.html",)))
    with pytest.raises(DatasetError, match=r"c\.html"):
        machine_corpus_dir("gone", tmp_path / "cache")
    unix = load_items(DATASETS / "unixdoc.jsonl")
    assert {i.split for i in unix} == {"heldout"} and len(unix) >= 30


def test_the_rgb_set_is_built_from_the_shared_passages(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Each distinct passage is one document (a passage two questions share is written once);
    a date's spellings are its aliases; without the shared file, the error says where to put
    it."""
    shared = tmp_path / "shared"
    (shared / "benchmarks" / "rgb").mkdir(parents=True)
    rows = [
        {"id": 0, "query": "Who acquired Instagram?", "answer": "Facebook",
         "positive": ["Facebook acquired Instagram in 2012.", "Instagram\u00a0was bought by Facebook."],
         "negative": ["Instagram is a photo app."], "positive_wrong": ["Apple acquired it."]},
        {"id": 1, "query": "When was GPT-3 released?", "answer": [["June 2020", "Jun 2020"]],
         "positive": ["GPT-3 was released in June 2020."],
         "negative": ["Instagram is a photo app."], "positive_wrong": ["In June 2010."]},
    ]
    (shared / "benchmarks" / "rgb" / "en_fact.json").write_text(
        "".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("RAG_SHARED_DIR", str(shared))
    data = load_dataset("rgb", cache=tmp_path / "cache")
    assert sorted(p.name for p in data.corpus.iterdir()) == [
        "q000-neg0.txt", "q000-pos0.txt", "q000-pos1.txt", "q001-pos0.txt"]
    assert (data.corpus / "q000-pos1.txt").read_text() == "Instagram was bought by Facebook.\n"
    first, second = data.items
    assert (first.type, first.answers, first.sources) == (
        "factoid", ["Facebook"], ["q000-pos0.txt", "q000-pos1.txt"])
    assert (second.id, second.type, second.answers) == ("rgb-001", "date", ["June 2020", "Jun 2020"])
    monkeypatch.setenv("RAG_SHARED_DIR", str(tmp_path / "absent"))
    with pytest.raises(DatasetError, match="RAG_SHARED_DIR"):
        load_dataset("rgb", cache=tmp_path / "other")
