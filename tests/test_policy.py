"""The answer policy over real scored sentences (the packaged embedder and sentence model)."""

from __future__ import annotations

import pytest

from rag.policy import AnswerPolicy, Verdict
from rag.question import parse
from rag.settings import Settings
from rag.support import Candidate, SentenceScorer, make_idf
from rag.text import common_words, content_terms
from rag.types import Evidence

CHANGELOG = ("Version 2.2.0 (released 4 March 2025)\n\n- Changed: the default zstd compression "
             "level went from 6 to 3.\n\nVersion 2.0.0 (released 2 February 2024)\n\n- New "
             "repository format 2.")


def _abstains(embedder, question: str, text: str = CHANGELOG) -> bool:  # type: ignore[no-untyped-def]
    evidence = [Evidence(chunk_id="c1", doc_id="d1", text=text, source="changelog.html",
                         title="Changelog", published="2025-03-04")]
    parsed = parse(question)
    candidates = SentenceScorer(embedder, make_idf({}, 0)).candidates(parsed, evidence)
    return AnswerPolicy(Settings().abstain_threshold).should_abstain(parsed, candidates)


def _collection(embedder, text: str, source: str) -> tuple[SentenceScorer, list[Evidence]]:  # type: ignore[no-untyped-def]
    """A scorer over a one-chunk collection whose words are the chunk's, and that chunk."""
    scorer = SentenceScorer(embedder, make_idf({}, 0))
    scorer.doc_freq = {t: 1 for t in content_terms(text)}
    return scorer, [Evidence(chunk_id="c1", doc_id="d1", text=text, source=source)]


def _abstentions(scorer: SentenceScorer, evidence: list[Evidence],
                 cases: tuple[tuple[str, bool], ...]) -> None:
    """Each question abstains, or not, as its case says."""
    policy = AnswerPolicy(Settings().abstain_threshold)
    for question, abstains in cases:
        parsed = parse(question)
        assert policy.should_abstain(parsed, scorer.candidates(parsed, evidence)) is abstains, \
            question


def test_evidence_that_never_states_the_questions_number_does_not_answer(embedder) -> None:  # type: ignore[no-untyped-def]
    assert not _abstains(embedder, "When was version 2.2.0 released?")
    assert _abstains(embedder, "When will version 3.0 be released?")
    # Stated elsewhere in the chunk is not enough: the sentence that would answer is about
    # another version ("Version 2.2.0 (released ...)" does not say when 3.0 comes).
    later = CHANGELOG + "\n\n- Deprecated: the --fast flag, to be removed in 3.0."
    assert _abstains(embedder, "When will version 3.0 be released?", later)
    # A name with a digit in it is no version: "Libtasn1" does not rule out "version 2.1".
    licence = "Libtasn1 is licensed under the GNU Lesser General Public License version 2.1."
    assert not _abstains(embedder, "Under which licence is Libtasn1 distributed?", licence)


def test_a_year_in_the_question_may_be_implied_by_the_report(embedder) -> None:  # type: ignore[no-untyped-def]
    """"In 2025" is often told as "this year" by a report of that year."""
    assert not _abstains(embedder, "Which compression level became the default in 2025?")


def test_a_name_the_collection_never_mentions_has_no_synonym(embedder) -> None:  # type: ignore[no-untyped-def]
    """Word vectors put "BTreeMap" next to "HashMap"; a sentence about HashMap still says
    nothing about BTreeMap, whose hashing function the documents never give."""
    text = ("Hash maps\n\nBy default, HashMap uses a hashing function called SipHash that can "
            "provide resistance to denial-of-service attacks. You can switch to another hasher.")
    scorer, evidence = _collection(embedder, text, "hash-maps.html")
    scorer.doc_freq = {"hashmap": 1, "hash": 1, "function": 1, "default": 1, "use": 1}
    _abstentions(scorer, evidence, (
        ("Which hashing function does HashMap use by default?", False),
        ("Which hashing function does BTreeMap use by default?", True)))


def test_an_option_the_collection_never_mentions_has_no_synonym(embedder) -> None:  # type: ignore[no-untyped-def]
    """"stackframe" of "--max-stackframe" is near "stack(s)" in word vectors; a sentence about
    stack profiling says nothing about an option the documents never give."""
    text = ("Massif options\n\nEach default value is in brackets.\n\n--stacks=<yes|no> "
            "[default: no]: Specifies whether stack profiling should be done.\n\nWhat is "
            "measured:\n- The size of the stack(s).")
    scorer, evidence = _collection(embedder, text, "ms-manual.html")
    _abstentions(scorer, evidence, (("What is the default value of --stacks?", False),
                                    ("What is the default value of --max-stackframe?", True)))


def test_a_hyphenated_setting_the_collection_never_mentions_has_no_synonym(embedder) -> None:  # type: ignore[no-untyped-def]
    """"the fetch-retries config" is a setting's name, written without a code span: a sentence
    about fetching from URLs says nothing of a setting the documents never give."""
    text = ("Config settings\n\nEach config value is listed with its default.\n\n"
            "allow-remote\n\nDefault: \"all\"\n\nallow-remote: Limits the ability for npm to "
            "fetch dependencies from urls.\n\nfetch-timeout\n\nfetch-timeout: The maximum "
            "amount of time to wait for HTTP requests to complete. Default: 300000")
    scorer, evidence = _collection(embedder, text, "config.html")
    _abstentions(scorer, evidence, (
        ("What is the default value of the fetch-timeout config?", False),
        ("What is the default value of the fetch-retries config?", True)))


def test_a_word_that_only_sets_up_the_question_need_not_be_in_the_collection(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Since which version ...?": a collection that never says "since" still answers it, and
    the question's capitalised "Since" is no name the answer must not restate."""
    text = ("Rust Version\n\nThe rust-version field is an optional key that tells cargo what "
            "version of the Rust toolchain you support for your package.\n\nMSRV: Respected as "
            "of 1.56")
    scorer, evidence = _collection(embedder, text, "rust-version.html")
    parsed = parse("Since which Rust version is the rust-version field respected?")
    assert "since" not in parsed.names and not scorer.unseen_names(parsed)
    candidates = scorer.candidates(parsed, evidence)
    assert not AnswerPolicy(Settings().abstain_threshold).should_abstain(parsed, candidates)


def test_what_happens_asks_for_an_outcome_the_collection_need_not_call_so(embedder) -> None:  # type: ignore[no-untyped-def]
    """"What happens if ...?" asks for an outcome; reference docs state it ("then the .gitignore
    is ignored") and may never write "happen"."""
    text = ("Files included in package\n\nIf there is a .gitignore or .npmignore file, then "
            "ignored files will be excluded from the package. If both files exist, then the "
            ".gitignore is ignored, and only the .npmignore is used.")
    scorer, evidence = _collection(embedder, text, "npm-publish.html")
    parsed = parse("What happens if both a .gitignore and an .npmignore file exist?")
    policy = AnswerPolicy(Settings().abstain_threshold)
    best = next(c for c in scorer.candidates(parsed, evidence) if policy.qualifies(parsed, c))
    assert "only the .npmignore is used" in best.sentence


def test_an_ordinary_word_opening_a_sentence_is_no_name(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Who constructed ...?" wants a name: "Like" opening a sentence is a word the passage
    never capitalises inside a sentence, so a passage without a name does not answer; while
    "Trump" beside "Donald Trump" stays a name."""
    scorer = SentenceScorer(embedder, make_idf({}, 0))
    policy = AnswerPolicy(Settings().abstain_threshold)
    question = parse("Who constructed the winning AES design?")
    nameless = ("AES is a block cipher for data of any kind.\n\nLike all the "
                "AES candidates, the winning design uses a block size of 128 bits.")
    named = nameless + (" The winning design, also known as RIJNDAEL, was constructed by Joan "
                        "Daemen and Vincent Rijnmen.")
    assert policy.should_abstain(question, scorer.candidates(question, [_doc(nameless)]))
    best = _best_answer(embedder, [_doc(named)], question.text)
    assert "Joan Daemen" in best.sentence
    assert "like" in common_words(nameless) and "aes" not in common_words(nameless)
    news = "President Donald Trump spoke on Monday. Trump said the talks would go on."
    assert "trump" not in common_words(news)


def test_a_one_digit_number_is_news(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Since version 3, npm hoists dependencies by default." says nothing the question does not
    but its number; a number of one digit is as much an answer as "21,000"."""
    text = ("Another optimization can be made by installing dependencies at the highest level "
            "possible (hoisting). Since version 3, npm hoists dependencies by default.")
    best = _best_answer(embedder, [_doc(text)],
                        "Since which version does npm hoist dependencies by default?")
    assert best.sentence.startswith("Since version 3")


def test_a_sentence_is_read_under_its_heading(embedder) -> None:  # type: ignore[no-untyped-def]
    """In API reference docs the function's name is its section's heading, not in the sentence
    that answers ("On Windows, the return value is always [0, 0, 0]." under "os.loadavg()");
    a sibling section's sentence says the same of another function."""
    text = ("os.loadavg()\n\n- Returns: <number[]>\n\nReturns an array containing the 1, 5, "
            "and 15 minute load averages.\n\nThe load average is a Unix-specific concept.\n\n"
            "On Windows, the return value is always [0, 0, 0].\n\nos.hostname()\n\n- Returns:"
            " <string>\n\nReturns the host name of the operating system.\n\nOn Windows, the "
            "return value is always an empty string.")
    sibling = text.index("os.hostname()")
    for question, in_first in (("What does os.loadavg() return on Windows?", True),
                               ("What does os.hostname() return on Windows?", False)):
        best = _best_answer(embedder, [_doc(text)], question)
        assert (best.start < sibling) is in_first, (question, best.sentence)


@pytest.mark.parametrize(("text", "question", "answer"), [
    # Reference docs describe the function a heading names without naming it again.
    ("clearImmediate(immediate)\n\n- immediate <Immediate> An Immediate object as returned by "
     "setImmediate().\n\nCancels an Immediate object created by setImmediate().\n\n"
     "clearInterval(timeout)\n\n- timeout <Timeout> A Timeout object as returned by "
     "setInterval().\n\nCancels a Timeout object created by setInterval().",
     "Which function cancels an Immediate object created by setImmediate()?",
     "clearImmediate(immediate): Cancels an Immediate object created by setImmediate()."),
    # A reference page's first sentence may say just what the question says: the heading is
    # what answers "Which error code ...?", and a sibling section that says otherwise does not.
    ("Error code E0499\n\nA variable was borrowed as mutable more than once.\n\n"
     "Error code E0382\n\nA variable was used after its contents have been moved elsewhere.",
     "Which error code means a variable was borrowed as mutable more than once?",
     "Error code E0499: A variable was borrowed as mutable more than once."),
])
def test_a_sentence_is_about_its_heading(embedder, text: str, question: str, answer: str) -> None:  # type: ignore[no-untyped-def]
    """A sentence without a subject, or one that only restates the question, is about what its
    section's heading names, and the answer shows the heading."""
    from rag.answerers.base import in_context

    evidence = [_doc(text)]
    assert in_context(_best_answer(embedder, evidence, question), evidence) == answer


def test_a_heading_is_lent_only_to_a_sentence_that_restates_the_question(embedder) -> None:  # type: ignore[no-untyped-def]
    """Not to a heading line, nor to a sentence that says little of what the question asks."""
    evidence = [_doc("Error code E0499\n\nA variable was borrowed as mutable more than once."
                     "\n\nError code E0382\n\nA variable was used after its contents have been "
                     "moved elsewhere.")]
    # A heading line is no sentence to restate: it keeps no heading above it as its subject.
    parsed = parse("Which error code is E0382?")
    heading = next(c for c in SentenceScorer(embedder, make_idf({}, 0)).candidates(
        parsed, evidence) if c.sentence.startswith("Error code E0382"))
    assert not heading.subject
    # Nor does a sentence that says only a little of what the question asks.
    news = "Big changes, big votes\n\nAnd one has yet to be introduced."
    parsed = parse("Which major change will soon be introduced to Netflix?")
    assert not any(c.subject for c in SentenceScorer(embedder, make_idf({}, 0)).candidates(
        parsed, [_doc(news)]))


def test_a_list_item_is_read_under_its_label(embedder) -> None:  # type: ignore[no-untyped-def]
    """Life-cycle docs list what each script does under its name: "- Runs BEFORE the package is
    prepared and packed" says it of prepublishOnly, the label above it, not of prepare."""
    text = ("prepare\n\n- Runs BEFORE the package is packed, i.e. during npm publish and npm "
            "pack\n- Runs AFTER prepublishOnly and prepack, but BEFORE postpack\n\n"
            "prepublishOnly\n\n- Runs BEFORE the package is prepared and packed, ONLY on npm "
            "publish.\n\nprepack\n\n- Runs BEFORE a tarball is packed.")
    best = _best_answer(embedder, [_doc(text)], "When does the prepublishOnly script run?")
    assert best.subject == "prepublishOnly" and "ONLY on npm publish" in best.sentence
    assert best.stated.startswith("prepublishOnly: Runs BEFORE")


def test_an_answer_is_read_under_the_question_it_follows(embedder) -> None:  # type: ignore[no-untyped-def]
    """A FAQ puts each answer on the line after its question; the answer's own sentence need
    not repeat the question's words ("From Nordic mythology.")."""
    text = ("1.1. | How do you pronounce Valgrind?\nThe \"Val\" as in the word \"value\". Almost "
            "everyone gets it wrong at first.\n1.2. | Where does the name Valgrind come from?\n"
            "From Nordic mythology. Originally the project was named Heimdall.\n"
            "1.3. | Why do Valgrind stack traces show the wrong function names?\nOccasionally "
            "Valgrind gets the wrong function names because glibc gives one function two names.")
    best = _best_answer(embedder, [_doc(text)], "Where does the name Valgrind come from?")
    assert best.sentence == "From Nordic mythology."


def _doc(text: str) -> Evidence:
    return Evidence(chunk_id="c1", doc_id="d1", text=text, source="api.html")


def _best_answer(embedder, evidence: list[Evidence], question: str) -> Candidate:  # type: ignore[no-untyped-def]
    """The best sentence that may stand as the answer."""
    scorer = SentenceScorer(embedder, make_idf({}, 0))
    policy = AnswerPolicy(Settings().abstain_threshold)
    parsed = parse(question)
    return next(c for c in scorer.candidates(parsed, evidence) if policy.qualifies(parsed, c))


def test_what_becomes_of_a_checked_answer() -> None:
    """The policy's verdict on what survived the citation check (no model needed)."""
    policy = AnswerPolicy(Settings().abstain_threshold, fallback_threshold=0.3)
    when = parse("When did the presidents agree to draft the treaty?")
    judge = policy.judge
    # A checked draft that holds a date beyond the question's words stands.
    assert judge(when, "They agreed in January 2022 [1].", drafted=True,
                 misbound=False, confidence=0.5).action == "answer"
    # One that only restates the question is reported, and the evidence sentences answer.
    restated = judge(when, "The presidents agreed to draft the treaty [1].", drafted=True,
                     misbound=False, confidence=0.5)
    assert (restated.action, restated.unanswering) == ("fall_back", True)
    # Nothing survived: the evidence sentences answer, unless a dropped sentence bound the
    # question's own identifier to a fact about something else.
    assert judge(when, "", drafted=True, misbound=False, confidence=0.5) == Verdict("fall_back")
    assert judge(when, "", drafted=True, misbound=True, confidence=0.5) == Verdict("abstain")
    # Quoted sentences are not drafts: no restatement test, and misbinding is a model's error.
    assert judge(when, "", drafted=False, misbound=True, confidence=0.5) == Verdict("fall_back")
    assert judge(when, "The treaty was signed in Moscow [1].", drafted=False,
                 misbound=False, confidence=0.5).action == "fall_back"  # no date: it does not answer "when"
    # A model that wrote nothing the evidence backs is a sign the evidence does not answer: the
    # evidence sentences answer in its place only when the best of them is sure enough.
    assert judge(when, "", drafted=True, misbound=False, confidence=0.2) == Verdict("abstain")
    assert judge(when, "The presidents agreed to draft the treaty [1].", drafted=True,
                 misbound=False, confidence=0.2) == Verdict("abstain", unanswering=True)
    assert judge(when, "", drafted=False, misbound=False, confidence=0.2) == Verdict("fall_back")
    # A literal the question does not hold answers it: a value, a flag, a path.
    mode = parse("What is the default mode of tempfile.TemporaryFile()?")
    assert judge(mode, "The default mode of tempfile.TemporaryFile() is 'w+b' [1].",
                 drafted=True, misbound=False, confidence=0.5).action == "answer"
    assert judge(mode, "tempfile.TemporaryFile() has a default mode [1].",
                 drafted=True, misbound=False, confidence=0.5).unanswering
    # A count written out is a number the question does not hold.
    many = parse("How many mutable references can you have at a time in Rust?")
    assert judge(many, "You can have one mutable reference at a time in Rust [1].",
                 drafted=True, misbound=False, confidence=0.5).action == "answer"
    assert judge(many, "You can have mutable references at a time in Rust [1].",
                 drafted=True, misbound=False, confidence=0.5).unanswering
    where = parse("Where does a fresh installation on Linux read its configuration from?")
    assert judge(where, "It reads it from ~/.config/tidewater/tide.toml on Linux [1].",
                 drafted=True, misbound=False, confidence=0.5).action == "answer"


def test_evidence_sentences_answer_for_a_draft_only_when_they_share_its_facts() -> None:
    """A draft that failed the citation check still says what its model read in the evidence:
    sentences sharing none of the facts it asserted (numbers, names, code the question does not
    hold) answer something else."""
    agrees = AnswerPolicy(Settings().abstain_threshold).fallback_agrees
    rescan = parse("What is the default interval of the rescan element, in seconds?")
    holds = ("The <rescan> element holds an <int> element which indicates the default interval "
             "between automatic checks for font configuration changes.")
    assert not agrees(rescan, "The default interval of the rescan element is 10 seconds [1].",
                      holds)
    assert agrees(rescan, "The rescan element checks every 30 seconds [1].",
                  "By default the <rescan> element checks every 30 seconds.")
    # A draft asserting nothing beyond the question's words leaves the sentences to answer.
    assert agrees(rescan, "The rescan element has a default interval [1].", holds)
    # Numbers match however they are written; names and code word by word.
    arrested = parse("Approximately how many people have been arrested during the protests?")
    assert agrees(arrested, "About 1,000 people have been arrested [1].",
                  "More than 1000 protesters have been detained, rights groups say.")
    which = parse("Which Result method unwraps the value but lets you choose the panic! message?")
    assert agrees(which, "The `Result::expect()` method does [1].",
                  "Similarly, the expect method lets us also choose the panic! error message.")
    # ... by all of the words of the code the question does not hold, not by one of them.
    memory = parse("What does ffi_prep_cif return when it runs out of memory?")
    assert not agrees(memory, "ffi_prep_cif returns FFI_BAD_ALLOC when it runs out of memory.",
                      "ffi_prep_cif_var will return FFI_BAD_ARGTYPE if any argument is a float.")
    assert agrees(memory, "ffi_prep_cif returns FFI_BAD_ALLOC when it runs out of memory.",
                  "If allocation fails, ffi_prep_cif returns FFI_BAD_ALLOC.")
    # The sentences' citation markers are no numbers they state.
    threads = parse("How many threads does the test runner use?")
    assert not agrees(threads, "The test runner uses 1 thread [1].",
                      "Tests run in parallel by default [1].")
    assert not agrees(which, "The `unwrap_or_else` method does [1].",
                      "Similarly, the expect method lets us also choose the panic! error message.")


def test_the_sentence_answering_the_ask_beats_the_one_restating_the_scene(embedder) -> None:  # type: ignore[no-untyped-def]
    """A question that sets the scene before it asks: the sentence that only retells the scene
    holds most of the question's words, the answer holds those of the sentence that asks."""
    evidence = [_doc(
        "Justin Verlander threw a no-hitter on Wednesday, only the second no-hitter in World "
        "Series history.\n\nThe Houston Astros and the Philadelphia Phillies are competing in "
        "this year's championship, which resumes on Friday.")]
    question = ("A no-hitter was thrown this week for just the second time in World Series "
                "history. Which two teams are competing in the championship?")
    best = _best_answer(embedder, evidence, question)
    assert "Houston Astros" in best.sentence
    assert best.features["ask_lexical"] > best.features["lexical"]


def test_sentences_are_embedded_only_for_a_model_that_weighs_the_cosine(embedder) -> None:  # type: ignore[no-untyped-def]
    """The shipped model does not read the embedding cosine, so scoring skips the sentence
    embeddings; `evals.fit` measures every feature, weighed or not."""
    from rag.ranker import SentenceModel

    evidence = [_doc("The treaty was signed in Moscow on 17 January 2025.")]
    question = parse("Where was the treaty signed?")

    def semantic(**kwargs) -> float:  # type: ignore[no-untyped-def]
        scorer = SentenceScorer(embedder, make_idf({}, 0), **kwargs)
        return scorer.candidates(question, evidence)[0].features["semantic"]

    assert semantic() == 0.0
    assert semantic(measure_all=True) > 0.3
    assert semantic(model=SentenceModel({"semantic": 1.0}, 0.0)) > 0.3


def test_a_release_number_answers_a_version_question_but_vouches_for_nothing(embedder) -> None:  # type: ignore[no-untyped-def]
    """A version question wants a release number, not any quantity; and the number a page
    gives its own release ("install version 2.2") does not stand for a word the collection
    never mentions ("copy"), as a date stands for a paraphrase."""
    text = ("Install\n\nThis page explains how to install version 2.2 and check that the "
            "installation works.\n\nThe sync command was added in version 2.1.\n\nVerifying a "
            "1 TB repository takes about 40 minutes.")
    scorer, evidence = _collection(embedder, text, "install.html")
    _abstentions(scorer, evidence, (
        ("Which version added the sync command?", False),
        ("Which version added the copy command?", True),
    ))


def test_an_answer_of_the_asked_kind_does_not_stand_for_a_name_never_mentioned(embedder) -> None:  # type: ignore[no-untyped-def]
    """A count vouches for a paraphrase, not for a name: "30,000 source files" of Chromium does
    not answer for Firefox, which the collection never mentions. An acronym it never uses may
    be written out ("IAEA")."""
    text = ("Ninja was born from work on the Chromium browser project, which has over 30,000 "
            "source files.\n\nAccording to the International Atomic Energy Agency, the plant "
            "holds enough fuel for three years.")
    scorer, evidence = _collection(embedder, text, "manual.html")
    _abstentions(scorer, evidence, (
        ("How many source files does the Chromium project have?", False),
        ("How many source files does the Firefox project have?", True),
        ("According to the IAEA, the plant holds enough fuel for how many years?", False),
    ))


def test_the_noun_of_in_order_to_is_no_answer_about_order(embedder) -> None:  # type: ignore[no-untyped-def]
    """"In which order ...?" was answered by "... in order to target multiple workspaces": a
    compound preposition's noun is no word of what a sentence is about."""
    assert "order" not in content_terms("You can repeat it in order to target more workspaces.")
    assert "order" in content_terms("Commands run in the order they appear.")
    text = ("You can also specify this argument multiple times in order to target multiple "
            "workspaces. Commands will be run in each workspace in the order they appear in your "
            "package.json.")
    scorer, evidence = _collection(embedder, text, "workspaces.html")
    parsed = parse("In which order are commands run across the workspaces?")
    best = scorer.candidates(parsed, evidence)[0]
    assert best.sentence.startswith("Commands will be run"), best.sentence


def test_a_code_name_made_of_the_questions_words_is_news(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Which property provides access to POSIX specific implementations of the path methods?":
    the sentence naming path.posix restates every word of the question, yet the name is the
    answer; its neighbour naming path.win32 was chosen for the one word it adds."""
    text = ("The path.posix property provides access to POSIX specific implementations of the "
            "path methods. The path.win32 property provides access to Windows-specific "
            "implementations of the path methods.")
    scorer, evidence = _collection(embedder, text, "path.html")
    parsed = parse("Which property provides access to POSIX specific implementations of the path "
                   "methods?")
    candidates = scorer.candidates(parsed, evidence)
    posix = next(c for c in candidates if "path.posix" in c.sentence)
    assert posix.novel
    policy = AnswerPolicy(Settings().abstain_threshold)
    assert not policy.should_abstain(parsed, candidates)
    best = max(candidates, key=lambda c: policy.margin(parsed, c))
    assert "path.posix" in best.sentence, best.sentence


def test_an_occasion_is_an_event_when_no_matching_sentence_gives_a_time(embedder) -> None:  # type: ignore[no-untyped-def]
    """"When are the *.rtremove scripts called?" asks on what occasion; a year elsewhere on the
    page (a copyright line) is no time for it, so the condition answers."""
    hooks = " ".join(f"Hook scripts of kind {n} are kept in the runtime.d folder of package {n}."
                     for n in ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta",
                               "theta", "iota", "kappa", "lambda", "mu", "nu", "xi", "omicron",
                               "pi", "rho"))
    text = (f"Copyright 1999-2021, Software in the Public Interest.\n\n{hooks}\n\n"
            "/usr/share/python3/runtime.d/*.rtremove: These are called when a runtime is removed "
            "or stops being supported.")
    best = _best_answer(embedder, [_doc(text)], "When are the *.rtremove scripts called?")
    assert "stops being supported" in best.sentence


def test_a_sentence_that_points_back_speaks_of_its_entrys_signature(embedder) -> None:  # type: ignore[no-untyped-def]
    """In an API reference each entry's "This function returns ..." is about the function its
    signature names; another entry's sentence that happens to hold "FAILURE" is not. (An
    entry of up to 300 characters is read whole.)"""
    text = ("Core Interface API\n\n- XtransConnInfo TRANS(OpenCOTSClient)(const char *address); "
            "This function creates a Connection-Oriented Transport for a client. The parameter "
            "address contains the full address of the server to which this endpoint will be "
            "connected, as protocol, host and port. This function "
            "returns an opaque transport connection object on success, or NULL on failure.\n"
            "- int TRANS(ResetListener)(XtransConnInfo connection); When a server is restarted, "
            "certain listen ports may need to be reset. This function will return one of the "
            "following values: TRANS_RESET_NOOP, TRANS_RESET_NEW_FD, or TRANS_RESET_FAILURE.")
    best = _best_answer(embedder, [_doc(text)], "What does TRANS(OpenCOTSClient) return on failure?")
    assert "NULL on failure" in best.sentence
    assert best.subject.startswith("XtransConnInfo TRANS(OpenCOTSClient)")
