"""Citation checks with the real embedder: quotes, facts, and the dates an answer claims."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rag.citations import CitationChecker, split_cited
from rag.text import spelled_out
from rag.types import Evidence

TEXT = ("The Riverside library will reopen on 14 October 2024 after an eighteen-month renovation. "
        "The architect Mira Castell added a roof garden.")


def _chunk(source: str, text: str) -> list[Evidence]:
    return [Evidence(chunk_id="c1", doc_id="d1", source=source, text=text)]


def _checked(checker: CitationChecker, item: list[Evidence], question: str,
             *claims: str) -> list[tuple[str, str, list[str]]]:
    """(text left, first quote or "", flagged) of each claim, checked alone."""
    out = []
    for claim in claims:
        text, citations, flagged = checker.verify(claim, item, question)
        out.append((text, citations[0].quote if citations else "", flagged))
    return out


def _evidence(published: str | None) -> list[Evidence]:
    return [Evidence(chunk_id="c1", doc_id="d1", text=TEXT, source="library.html",
                     published=published)]


def test_supported_sentence_keeps_its_citation_and_quote(embedder) -> None:  # type: ignore[no-untyped-def]
    text, citations, flagged = CitationChecker(embedder).verify(
        "The library will reopen on 14 October 2024 [1].", _evidence("2024-09-05"))
    assert citations and citations[0].quote in TEXT and "14 October 2024" in text
    assert flagged == []


def test_invented_detail_is_dropped_not_shown_as_sourced(embedder) -> None:  # type: ignore[no-untyped-def]
    text, citations, flagged = CitationChecker(embedder).verify(
        "The library will reopen on 14 October 2024 [1]. The renovation cost 9 million dollars [1].",
        _evidence("2024-09-05"))
    assert "9 million" not in text and any("9 million" in f for f in flagged)
    assert len(citations) == 1


def test_date_frame_must_be_the_cited_sources_date(embedder) -> None:  # type: ignore[no-untyped-def]
    checker = CitationChecker(embedder)
    good, _, _ = checker.verify("As of 5 September 2024: The library will reopen on 14 October "
                                "2024 [1].", _evidence("2024-09-05"))
    assert good.startswith("As of 5 September 2024: ")
    wrong, citations, flagged = checker.verify(
        "As of 1 March 2025: The library will reopen on 14 October 2024 [1].",
        _evidence("2024-09-05"))
    assert not wrong.startswith("As of") and citations  # the claim stays, the false date goes
    assert "As of 1 March 2025:" in flagged
    undated, _, _ = checker.verify("An undated report: The architect Mira Castell added a roof "
                                   "garden [1].", _evidence(None))
    assert undated.startswith("An undated report: ")


def test_a_quote_must_be_the_sources_own_words(embedder) -> None:  # type: ignore[no-untyped-def]
    checker = CitationChecker(embedder)
    kept, _, _ = checker.verify('The renovation added "a roof garden" [1].', _evidence(None))
    assert "roof garden" in kept
    text, _, flagged = checker.verify(
        "The renovation added what the architect Mira Castell called “a garden for everyone” [1].",
        _evidence(None))
    assert text == "" and flagged


def test_a_literal_must_be_the_sources_own(embedder) -> None:  # type: ignore[no-untyped-def]
    """A path, an option or a call is a fact, as a number is: one letter off is another file.
    A call may drop its arguments, and a quoted title the sentence's punctuation."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="timings.html", text=(
        "Reporting build timings\nThe --timings option gives some information about how long "
        "each compilation takes. This writes an HTML report in "
        "target/cargo-timings/cargo-timing.html. Use os.path.join(path, *paths) to build "
        'paths, as shown on "The Build Show," a podcast.'))]
    checker = CitationChecker(embedder)
    question = "Where does cargo build --timings write its HTML report?"
    invented, _, flagged = checker.verify(
        "The --timings option writes an HTML report in target/cargo-timings/cargo-timings.html "
        "[1].", item, question)
    assert invented == "" and flagged
    for sentence in ("The --timings option writes an HTML report in "
                     "target/cargo-timings/cargo-timing.html [1].",
                     "Paths are built with os.path.join() [1].",
                     'It was shown on "The Build Show." [1]'):
        kept, citations, _ = checker.verify(sentence, item, question)
        assert kept and citations, sentence


def test_a_sentence_a_source_says_word_for_word_is_cited_to_it(embedder) -> None:  # type: ignore[no-untyped-def]
    """A reference page says the same of each item: the sentence cited to the neighbouring item
    is re-cited to the source that says it, and quoted where it runs across a line break;
    without that source, the neighbour's sentence does not back it."""
    def item(n: int, text: str) -> Evidence:
        return Evidence(chunk_id=f"c{n}", doc_id="d1", source="profiles.html", text=text)

    evidence = [
        item(1, "debug-assertions\n\nThe debug-assertions setting controls the -C "
                "debug-assertions flag which turns cfg(debug_assertions) conditional compilation "
                "on or off."),
        item(2, "debug\n\nThe debug setting controls the -C debuginfo flag which controls the\n"
                "amount of debug information included in the compiled binary.")]
    text, citations, flagged = CitationChecker(embedder).verify(
        "The debug setting controls the -C debuginfo flag which controls the amount of debug "
        "information included in the compiled binary [1].", evidence,
        "Which flag does the debug setting control?")
    assert text.endswith("binary [1].") and not flagged
    assert [c.chunk_id for c in citations] == ["c2"]
    assert citations[0].quote.startswith("The debug setting controls the -C debuginfo flag")
    # Without the page's own sentence, the neighbouring item's does not back it: near in
    # meaning, but "debuginfo" is a word no paraphrase replaces.
    text, _, flagged = CitationChecker(embedder).verify(
        "The debug setting controls the -C debuginfo flag which controls the amount of debug "
        "information included in the compiled binary [1].", evidence[:1],
        "Which flag does the debug setting control?")
    assert text == "" and flagged


def test_a_sentence_keeps_every_source_that_backs_it(embedder) -> None:  # type: ignore[no-untyped-def]
    evidence = [*_evidence("2024-09-05"),
                Evidence(chunk_id="c2", doc_id="d2", source="town.txt",
                         text="The Riverside library will reopen on 14 October 2024, the town said.")]
    text, citations, flagged = CitationChecker(embedder).verify(
        "The library will reopen on 14 October 2024 [1][2].", evidence)
    assert [c.source for c in citations] == ["library.html", "town.txt"]
    assert text.endswith("[1][2].") and flagged == []


def test_a_paraphrase_is_backed_only_by_a_sentence_holding_its_facts(embedder) -> None:  # type: ignore[no-untyped-def]
    """The number is in one sentence, the meaning in another: no single sentence backs the claim,
    and a quote without the number must not be shown as its source."""
    item = Evidence(chunk_id="c1", doc_id="d1", source="wind.txt", text=(
        "The figure of 40,000 was confirmed on Monday. The harbour was busy. Fishing boats "
        "returned late. Offshore wind farms now supply electricity to tens of thousands of "
        "households."))
    result = CitationChecker(embedder).check("The wind turbines off the coast now power 40,000 homes.",
                                             item)
    assert not result.supported or "40,000" in result.quote
    assert not result.supported


def test_a_refusal_speaks_about_the_sources_not_the_world() -> None:
    from rag.citations import is_abstention

    for refusal in ["The documents do not say.", "The provided context does not mention it.",
                    "This is not mentioned in the provided sources.", "I cannot answer that."]:
        assert is_abstention(refusal), refusal
    for answer in ["The treaty does not contain a mutual defence clause [1].",
                   "Google Drive is not supported [1].", "Officials do not say when [2]."]:
        assert not is_abstention(answer), answer


CHANGELOG = ("Version 2.2.0 (released 4 March 2025)\n\n- Changed: the default zstd compression "
             "level went from 6 to 3, which makes backups faster.\n- New: tide verify --sample.")


def _changelog() -> list[Evidence]:
    return [Evidence(chunk_id="c1", doc_id="d1", text=CHANGELOG, source="changelog.html",
                     title="Changelog")]


def test_an_answer_restating_the_question_is_backed_by_its_heading(embedder) -> None:  # type: ignore[no-untyped-def]
    """Only the numbers are new; the question's words ("version 2.2.0") stand in the chunk's
    heading, not in the sentence that holds the numbers."""
    q = "What is the default zstd level now, and what was it before version 2.2.0?"
    text, citations, flagged = CitationChecker(embedder).verify(
        "The default zstd level is 3, and it was 6 before version 2.2.0 [1].", _changelog(), q)
    assert "was 6" in text and "from 6 to 3" in citations[0].quote and flagged == []
    wrong, _, flagged = CitationChecker(embedder).verify(
        "The default zstd level is 9 [1].", _changelog(), q)
    assert wrong == "" and flagged


def test_the_questions_own_numbers_must_be_in_the_cited_source(embedder) -> None:  # type: ignore[no-untyped-def]
    """Restating the question is fine only where the source speaks of the same thing."""
    text, _, flagged = CitationChecker(embedder).verify(
        "Version 3.0 will be released on 4 March 2025 [1].", _changelog(),
        "When will version 3.0 be released?")
    assert text == "" and flagged


def test_possessives_and_inflections_restate_the_source_and_question(embedder) -> None:  # type: ignore[no-untyped-def]
    item = [Evidence(chunk_id="c1", doc_id="d1", source="news.txt", text=(
        "Twitter locked rapper Kanye West’s Twitter account over an antisemitic tweet. More than "
        "4,000 applicants were told by mistake that Northeastern University had accepted them."))]
    checker = CitationChecker(embedder)
    text, _, _ = checker.verify("Kanye West's account was locked [1].", item,
                                "Whose Twitter account was locked this week?")
    assert "Kanye West" in text
    text, _, _ = checker.verify(
        "Northeastern University sent 4,000 acceptance letters by mistake [1].", item,
        "Which university is sending out 4,000 acceptance letters by mistake?")
    assert "Northeastern" in text


def test_a_sentence_is_read_with_the_term_it_goes_on_defining(embedder) -> None:  # type: ignore[no-untyped-def]
    """"The default is 4" under "parallel_uploads:" backs what the reader was shown, quoted as
    the whole definition; the neighbouring option's default does not."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="configuration.html", text=(
        "Options\nbandwidth_limit: The most upload bandwidth a backup may use. The default is 0.\n"
        "parallel_uploads: How many files are uploaded at the same time. The default is 4 and "
        "the maximum is 32."))]
    checker = CitationChecker(embedder)
    text, citations, flagged = checker.verify(
        "parallel_uploads: The default is 4 and the maximum is 32 [1].", item,
        "And what is its maximum?")
    assert "32" in text and citations[0].quote.startswith("parallel_uploads: How many")
    assert citations[0].quote.endswith("maximum is 32.") and not flagged
    wrong, _, _ = checker.verify("parallel_uploads: The default is 0 [1].", item,
                                 "What is the default of parallel_uploads?")
    assert wrong == ""


def test_a_line_without_words_backs_nothing(embedder) -> None:  # type: ignore[no-untyped-def]
    """A compiler message's line number ("10 | | /// ```") is no count of anything."""
    item = _chunk("lints.html", (
        "Lints\n\nwarning: missing code example in this documentation\n"
        "10 | | /// ```\n= note: the lint level is defined here\n\n"
        "Clippy is a collection of lints that catch common mistakes."))
    checker = CitationChecker(embedder)
    text, _, flagged = checker.verify("There are 10 lints provided by clippy [1].", item,
                                      "How many lints does clippy provide?")
    assert text == "" and flagged
    text, _, _ = checker.verify("Clippy is a collection of lints [1].", item,
                                "What is clippy?")
    assert "collection of lints" in text


def test_a_quote_may_run_across_the_sources_line_breaks(embedder) -> None:  # type: ignore[no-untyped-def]
    item = [Evidence(chunk_id="c1", doc_id="d1", source="profiles.html", text=(
        "Here are the default values for the profiles:\n\n[profile.dev]\nopt-level = 0\n\n"
        "[profile.release]\nopt-level = 3\n\nMore optimisations take longer to compile."))]
    checker = CitationChecker(embedder)
    text, citations, _ = checker.verify(
        "Here are the default values for the profiles: [profile.dev] opt-level = 0 "
        "[profile.release] opt-level = 3 [1].", item, "What is the default opt-level?")
    assert "opt-level = 3" in text and citations[0].quote.endswith("opt-level = 3")
    wrong, _, _ = checker.verify("Here are the default values for the profiles: [profile.dev] "
                                 "opt-level = 0 [profile.release] opt-level = 30 [1].", item,
                                 "What is the default opt-level?")
    assert wrong == ""


def test_a_name_the_collection_never_mentions_is_not_the_questions_to_lend(embedder) -> None:  # type: ignore[no-untyped-def]
    """The question's names may be restated, except those the collection never mentions
    (`foreign`): then the claim binds them to a fact the source states of something else."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="manual.html", title="Zap",
                     text="Zap was born from work on the Chromium browser project, which has "
                          "over 30,000 source files.")]
    checker = CitationChecker(embedder)
    question = "How many source files does the Firefox project have?"
    claim = "The Firefox project has over 30,000 source files [1]."
    assert checker.review(claim, item, question).text  # Firefox is the question's to restate
    review = checker.review(claim, item, question, foreign={"firefox"})
    assert review.text == "" and review.misbound == review.flagged


@pytest.mark.parametrize(("acronym", "text", "spelled"), [
    ("IAEA", "the International Atomic Energy Agency said", True),
    ("WWII", "the first time since World War II", True),
    ("OPEC", "the Organization of the Petroleum Exporting Countries", True),
    ("us", "in the United States.", True),
    ("ARM", "on modern Intel and AMD processors", False),
    ("firefox", "the Chromium browser project", False),
    ("us", "tell us about it", False),
])
def test_an_acronym_is_spelled_out_in_capitalised_words(acronym: str, text: str,
                                                        spelled: bool) -> None:
    assert spelled_out(acronym, text) is spelled


def test_an_identifier_is_restated_whole(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Tidewater 1.x" in the question is not the "1" of a numbered heading in the chunk."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="admin-guide.pdf", title="Admin guide",
                     text=("1. Encryption\nRepositories are encrypted with AES-256-GCM before "
                           "any data leaves the machine."))]
    checker = CitationChecker(embedder)
    question = "Which encryption algorithm did Tidewater 1.x use?"
    review = checker.review(
        "Tidewater 1.x used AES-256-GCM before any data leaves the machine [1].", item, question)
    assert review.text == "" and review.misbound == review.flagged
    # A claim that invents a fact of its own is no misbinding: it is only unsupported.
    invented = checker.review("Tidewater 1.x used Blowfish [1].", item, question)
    assert invented.flagged and not invented.misbound
    text, _, _ = checker.verify(
        "Repositories are encrypted with AES-256-GCM [1].", item,
        "Which encryption algorithm protects a repository?")
    assert "AES-256-GCM" in text


def test_an_untitled_document_is_named_by_its_file(embedder) -> None:  # type: ignore[no-untyped-def]
    """A chunk of libtasn1.pdf that says "the parser" backs a claim restating the question's
    "Libtasn1"; the same words in another file do not."""
    question = "Which style of comments does the Libtasn1 parser not support?"
    claim = "The Libtasn1 parser does not support C-style comments [1]."
    text = "The parser is case sensitive. The C-style /*, */ comments are not supported."
    checker = CitationChecker(embedder)
    for source, backed in (("libtasn1.pdf", True), ("expat-manual.pdf", False)):
        item = [Evidence(chunk_id="c1", doc_id="d1", source=source, text=text)]
        review = checker.review(claim, item, question)
        assert bool(review.text) is backed and bool(review.misbound) is not backed


def test_a_ratio_the_question_gives_is_no_identifier(embedder) -> None:  # type: ignore[no-untyped-def]
    """The "for-1" of "a 20-for-1 stock split" names nothing, so a report of a "20-to-1" split
    backs an answer that restates the question's ratio."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="split.txt", title="Stock split",
                     text=("One share of Alphabet is suddenly a lot more affordable for Main "
                           "Street investors, following a massive stock split. Alphabet split "
                           "its shares by a 20-to-1 margin on Monday."))]
    question = ("Which company's stock became cheaper for everyday investors after a massive "
                "20-for-1 stock split?")
    review = CitationChecker(embedder).review(
        "Alphabet's stock became cheaper after a massive 20-for-1 stock split [1].", item,
        question)
    assert "Alphabet" in review.text and not review.flagged


def test_a_name_is_read_whole_in_any_alphabet(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Chloé" is a name the source says, not a "Chlo" it never does, and "Chloe" spells it
    without the accent; another name is not. "O’Brien" is "O'Brien"."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="oscars.txt", title="Oscars 2021",
                     text="The 93rd Academy Awards. Chloé Zhao wins Best Director.")]
    question = "Which director won Best Director at the 93rd Academy Awards?"
    checker = CitationChecker(embedder)
    review = checker.review("Chloé Zhao won Best Director at the 93rd Academy Awards [1].",
                            item, question)
    assert "Chloé Zhao" in review.text and not review.flagged
    assert not checker.review("Chloe Zhao won Best Director [1].", item, question).flagged
    assert checker.review("Zoe Zhao won Best Director [1].", item, question).flagged
    # Nor does the curly apostrophe of a name copied from its source ("O’Brien") hide it.
    said = [Evidence(chunk_id="c2", doc_id="d2", source="race.txt", title="Race",
                     text="Pat O’Brien won the race on Sunday.")]
    assert not checker.review("The race was won by Pat O’Brien [1].", said,
                              "Who won the race?").flagged


def test_the_questions_year_sets_the_time_and_may_be_restated(embedder) -> None:  # type: ignore[no-untyped-def]
    """"At the start of 2024" in the question is when, not what: a report that says "now" backs
    an answer that restates the year."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="treaty.txt", title="Treaty talks",
                     text=("The official gave no timeline for the signing. He noted that the "
                           "treaty project is at a high level of readiness."))]
    question = "What state of readiness was the treaty project in at the start of 2024?"
    text, _, flagged = CitationChecker(embedder).verify(
        "The treaty project was at a high level of readiness at the start of 2024 [1].", item,
        question)
    assert "high level of readiness" in text and not flagged


def test_names_glued_to_digits_spelled_numbers_and_a_yes_are_backed(embedder) -> None:  # type: ignore[no-untyped-def]
    """Faithful drafts the checker used to drop: a name glued to a digit ("Libtasn1"), a number
    the source spells out ("five-hour talks"), a claim after the "Yes," of a yes/no answer, and
    a "may" that is no month."""
    manual = [Evidence(chunk_id="m", doc_id="m", source="libtasn1.pdf", text=(
        "This manual is for GNU Libtasn1 (version 4.19.0, 18 August 2022), a library for "
        "Abstract Syntax Notation One."))]
    text, _, flagged = CitationChecker(embedder).verify(
        "The manual describes version 4.19.0 of GNU Libtasn1 [1].", manual)
    assert "4.19.0" in text and flagged == []
    talks = [Evidence(chunk_id="t", doc_id="t", source="talks.txt", text=(
        "Putin held five-hour talks in the Kremlin with Iranian President Ebrahim Raisi."))]
    text, _, flagged = CitationChecker(embedder).verify(
        "Putin and Raisi held 5 hours of talks in the Kremlin [1].", talks)
    assert "5 hours" in text and flagged == []
    text, _, flagged = CitationChecker(embedder).verify(
        "Putin and Raisi held 6 hours of talks in the Kremlin [1].", talks)
    assert text == "" and flagged, "a number the source does not state, in any spelling"
    comment = [Evidence(chunk_id="k", doc_id="k", source="k.txt", text=(
        "The Kremlin refused to comment on the White House assumption about missiles."))]
    text, _, flagged = CitationChecker(embedder).verify(
        "Yes, the Kremlin refused to comment on the White House assumption [1].", comment)
    # The claim stands; the verdict word, which no source states, goes ("Yes, the treaty will
    # not include ..." contradicted itself).
    assert text.startswith("The Kremlin refused to comment") and flagged == []
    # "may" is a verb, not the month May the question would have to date.
    licence = [Evidence(chunk_id="l", doc_id="l", source="l.pdf", text=(
        "Anybody can redistribute the library under the terms of the GNU Lesser General Public "
        "License."))]
    text, _, flagged = CitationChecker(embedder).verify(
        "The library may be redistributed under the GNU Lesser General Public License [1].",
        licence, "Under which licence may the library be redistributed?")
    assert "Lesser" in text and flagged == []


def test_brackets_that_cite_nothing_are_part_of_the_answer(embedder) -> None:  # type: ignore[no-untyped-def]
    """"[0, 0, 0]" is what os.loadavg() returns, not a citation of source 0."""
    docs = [Evidence(chunk_id="o", doc_id="o", source="os.html", text=(
        "On Windows, os.loadavg() always returns [0, 0, 0]."))]
    text, citations, _ = CitationChecker(embedder).verify(
        "On Windows, os.loadavg() returns [0, 0, 0]. [1]", docs)
    assert "[0, 0, 0]" in text and text.endswith("[1].") and len(citations) == 1


def test_a_paraphrase_shares_at_least_one_of_its_own_words_with_its_backing(embedder) -> None:  # type: ignore[no-untyped-def]
    # Close in embedding space to the code line, yet "red" is nowhere in the source.
    evidence = [Evidence(chunk_id="c1", doc_id="d1", source="console.html",
                         text="Prints to stderr with newline.\n\nconsole.error('error', code);")]
    checker = CitationChecker(embedder)
    question = "Which color does console.error() print its output in?"
    text, _, flagged = checker.verify(
        "The console.error() function prints its output in red [1].", evidence, question)
    assert text == "" and flagged
    kept, _, _ = checker.verify("console.error() prints to stderr with a newline [1].", evidence,
                                "Where does console.error() print?")
    assert "stderr" in kept


# Claims the check used to drop, each backed by one sentence of its chunk: (chunk, draft,
# question, words the kept answer holds, how the quote shown for it begins).
BACKED = {
    # The sentence before scores as well through its neighbour ("Note ... special"); only the
    # sentence itself backs the claim, and its capitalised "Note" with it.
    "a tie goes to the sentence that holds the words itself": (
        "Data type: gadget: The gadget has the following members:\n"
        "size_t size: This is set by the library; you should initialize it to zero.\n"
        "gadget **parts: This is a NULL-terminated array of pointers to gadget objects. "
        "There is one part per slot of the box. Note that the library has no special "
        "support for bit-fields. You must manage these manually.",
        "gadget **parts: Note that the library has no special support for bit-fields [1].",
        "Does the library support bit fields in boxes?", "no special support",
        "Note that the library has no special support for bit-fields."),
    # "0 and 4 inclusive" shares only "inclusive" with the question's new words, as the block
    # size's "1 and 9 inclusive" above it does: the sentence holding the numbers backs it.
    "of equally worded sentences the one with the claim's numbers backs it": (
        "Parameter blockSize100k specifies the block size to be used for compression. It "
        "should be a value between 1 and 9 inclusive. Parameter verbosity should be set to "
        "a number between 0 and 4 inclusive. 0 is silent.",
        "The verbosity parameter may take values between 0 and 4 inclusive [1].",
        "What range of values may the verbosity parameter take?", "0 and 4",
        "Parameter verbosity"),
    # "FFI_BAD_ABI" names FFI as "ffi_prep_cif" does: the parts of an identifier are its
    # words, as the parts of "libtasn1" are.
    "a name in capitals inside an identifier is backed": (
        "ffi_prep_cif returns a libffi status code, of type ffi_status. This will be either "
        "FFI_OK if everything worked properly; FFI_BAD_TYPEDEF if one of the ffi_type objects "
        "is incorrect; or FFI_BAD_ABI if the abi parameter is invalid.",
        "ffi_prep_cif returns FFI_BAD_ABI if the abi parameter is invalid [1].",
        "What does ffi_prep_cif return if the abi parameter is invalid?", "FFI_BAD_ABI", ""),
}


@pytest.mark.parametrize("case", list(BACKED))
def test_a_claim_is_checked_against_the_sentence_that_backs_it(embedder, case: str) -> None:  # type: ignore[no-untyped-def]
    text, draft, question, holds, quote = BACKED[case]
    evidence = [Evidence(chunk_id="c1", doc_id="d1", text=text, source="page.html")]
    kept, citations, flagged = CitationChecker(embedder).verify(draft, evidence, question)
    assert flagged == [] and holds in kept
    assert citations[0].quote.startswith(quote)


def test_a_mark_that_is_a_token_stays_in_the_checked_sentence(embedder) -> None:  # type: ignore[no-untyped-def]
    """The never type "!" is what the answer says: it is neither a sentence end nor dropped
    as the closing mark when the marker is placed."""
    item = _chunk("never-type-fallback.html", (
        "Details\nHistorically, the fallback type has been () (unit). In the 2024 edition, "
        "the fallback type is now !."))
    text, citations, flagged = CitationChecker(embedder).verify(
        "In the 2024 edition, the fallback type is now ! [1].", item,
        "What is the never type fallback in the 2024 edition?")
    assert text == "In the 2024 edition, the fallback type is now ! [1]." and not flagged
    assert citations[0].quote == "In the 2024 edition, the fallback type is now !."


def test_a_claims_facts_may_stand_in_the_next_sentence_of_its_passage(embedder) -> None:  # type: ignore[no-untyped-def]
    """The sentence that shares the claim's words and the one that states its number are
    neighbours in one passage; a neighbour about something else backs nothing."""
    item = _chunk("spec.pdf", (
        "Elements\nGlob elements have a pattern attribute. A file whose name matches the "
        "pattern is given the element's type, subject to conflicting rules elsewhere. There is "
        "also an optional weight attribute which settles conflicts with other glob matches. The "
        "default weight value is 50, and the maximum is 100.\n\nRetention\n\nSnapshots move "
        "to cold storage after 30 days. Logs are kept for 7 days."))
    checker = CitationChecker(embedder)
    [(text, quote, _)] = _checked(checker, item, "What is the maximum weight of a glob rule?",
                                  "The maximum weight of a glob rule is 100 [1].")
    assert "100" in text and quote.startswith("The default weight value")
    [(wrong, _, flagged)] = _checked(checker, item, "When do snapshots move?",
                                     "Snapshots move to cold storage after 7 days [1].")
    assert wrong == "" and flagged


def test_a_claims_facts_may_stand_in_a_sentence_of_only_its_words(embedder) -> None:  # type: ignore[no-untyped-def]
    """A section's closing "New in version 3.4." backs the version of the claim whose other
    words stand sentences away; the next section's "New in version 3.3." does not, and the
    first section's sentence backs no claim about the next one's function."""
    item = _chunk("textwrap.html", (
        "textwrap.shorten(text, width): Collapse and truncate the given text to fit in the "
        "given width. Optional keyword arguments correspond to the attributes of TextWrapper. "
        "Note that the whitespace is collapsed before the text is passed to the fill() "
        "function. New in version 3.4.\n"
        "textwrap.indent(text, prefix): Add prefix to the beginning of selected lines in text. "
        "New in version 3.3."))
    checker = CitationChecker(embedder)
    question = "In which Python version was textwrap.shorten() added?"
    text, citations, _ = checker.verify(
        "The textwrap.shorten() function was added in Python version 3.4 [1].", item, question)
    assert "3.4" in text and citations[0].quote == "New in version 3.4."
    wrong, _, flagged = checker.verify(
        "The textwrap.shorten() function was added in Python version 3.3 [1].", item, question)
    assert wrong == "" and flagged
    # Nor does it back the same claim of the next function, whose own section says nothing of
    # 3.4: the sentence stands under another's signature.
    wrong, _, flagged = checker.verify(
        "The textwrap.indent() function was added in Python version 3.4 [1].", item,
        "In which Python version was textwrap.indent() added?")
    assert wrong == "" and flagged


def test_a_claim_is_not_backed_by_another_of_its_kind(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Egan Bernal won the 2021 Tour de France" restates the question's year around what the
    source says of the 2019 race: misbound, as "Season 4" would be against "Season 3"."""
    item = [Evidence(chunk_id="c1", doc_id="d1", source="results.txt", title="Cycling",
                     text="Egan Bernal officially won the 2019 Tour de France on Sunday. Tadej "
                          "Pogacar finished the 2021 race in yellow.")]
    checker = CitationChecker(embedder)
    review = checker.review("Egan Bernal won the 2021 Tour de France [1].", item,
                            "Who won the 2021 Tour de France?")
    assert review.text == "" and review.misbound == review.flagged
    text, _, _ = checker.verify("Egan Bernal won the 2019 Tour de France [1].", item,
                                "Who won the 2019 Tour de France?")
    assert "Egan Bernal" in text


def test_the_questions_year_is_not_restated_into_a_report_of_other_years(embedder) -> None:  # type: ignore[no-untyped-def]
    """"Kerber won Wimbledon in 2019" lends the question's year to a report of her 2018 title;
    a chunk that gives no year, or names one by its place ("the year"), may be of any."""
    def chunk(text: str) -> list[Evidence]:
        return [Evidence(chunk_id="c1", doc_id="d1", source="tennis.txt", text=text)]

    checker = CitationChecker(embedder)
    question = "Who won the women's singles Wimbledon in 2019?"
    claim = "Angelique Kerber won the women's singles Wimbledon in 2019 [1]."
    review = checker.review(claim, chunk(
        "Angelique Kerber has won the 2018 Wimbledon women's singles title, beating Serena "
        "Williams in the final."), question)
    assert review.text == "" and review.misbound == review.flagged
    assert checker.review(claim, chunk(
        "Angelique Kerber has won the Wimbledon women's singles title, beating Serena Williams "
        "in the final."), question).text
    # A report that names the year by its place may be of the question's year.
    assert checker.review(claim, chunk(
        "Angelique Kerber, the 2018 champion, has won the Wimbledon women's singles title again "
        "at the start of the year's grass season."), question).text


def _rarity(common: list[str]) -> Callable[[str], float]:
    """Term rarity over a small collection in which `common` words are everywhere."""
    from rag.support import make_idf
    from rag.text import content_terms

    return make_idf({t: 30 for word in common for t in content_terms(word)}, 40)


DER = Evidence(chunk_id="c1", doc_id="d1", source="asn.html", text=(
    "This document describes a library for ASN.1 parsing and structures management, and "
    "Distinguished Encoding Rules (DER) encoding and decoding functions."))


def test_a_common_word_does_not_sink_a_claim_whose_rare_words_the_source_holds(embedder) -> None:  # type: ignore[no-untyped-def]
    """"using" is nowhere in the source; counted like "Distinguished" it left the claim short of
    the share it needs, and its paraphrase short of the cosine."""
    question = "Which encoding rules does the library encode and decode?"
    claim = "It encodes and decodes using Distinguished Encoding Rules (DER)."
    assert not CitationChecker(embedder).check(claim, DER, question).supported
    rarity = _rarity(["use", "using", "library", "rules", "encode", "decode"])
    assert CitationChecker(embedder, rarity).check(claim, DER, question).supported


def test_a_rare_word_the_source_lacks_still_sinks_a_claim(embedder) -> None:  # type: ignore[no-untyped-def]
    rarity = _rarity(["use", "using", "library", "rules", "encode", "decode"])
    claim = "It validates certificates with Distinguished Encoding Rules (DER)."
    assert not CitationChecker(embedder, rarity).check(
        claim, DER, "Which encoding rules does the library use?").supported


def test_a_claim_that_restates_the_question_is_held_to_its_words_as_a_whole(embedder) -> None:  # type: ignore[no-untyped-def]
    """"added" is rarer than "module" or "version" here and the source says "New in": weighed,
    the restated words fell short, though the number stands in the source."""
    title = "zoneinfo — IANA time zone support"
    item = Evidence(chunk_id="c1", doc_id="d1", source="zoneinfo.html", title=title, text=(
        f"{title}\n\nNew in version 3.9.\n\nSource code: Lib/zoneinfo\n\nThe zoneinfo module "
        "provides a concrete time zone implementation to support the IANA time zone database."))
    rarity = _rarity(["module", "version", "python", "time", "zone"])
    assert CitationChecker(embedder, rarity).check(
        "The zoneinfo module was added in version 3.9.", item,
        "In which Python version was the zoneinfo module added?").supported


def test_a_restated_question_must_name_a_thing_its_chunk_names(embedder) -> None:  # type: ignore[no-untyped-def]
    """A claim made of the question's words and a number says it of the thing the question
    names: a chunk that never names "history" backs no limit of it, though it holds every
    other word and the number (of another limit)."""
    item = _chunk("bc.html", (
        "All previously defined functions remain defined and the value of all non-auto "
        "variables are the value at the point of interruption.\n\n9 Limits\n\nThe following "
        "are the limits currently in place for this bc processor.\n\n"
        "BC_BASE_MAX: The maximum output base is currently set at 999. The maximum input base "
        "is 16.\nBC_DIM_MAX: This is currently an arbitrary limit of 65535 as distributed."))
    checker = CitationChecker(embedder)
    question = "What is the maximum value of the history variable in bc?"
    wrong, _, flagged = checker.verify(
        "The maximum value of the history variable in bc is 999 [1].", item, question)
    assert wrong == "" and flagged
    text, _, _ = checker.verify("The maximum output base in bc is 999 [1].", item,
                                "What is the maximum output base in bc?")
    assert "999" in text


def test_a_restated_question_stands_by_a_sentence_of_its_section_on_the_same_thing(embedder) -> None:  # type: ignore[no-untyped-def]
    """The numbers of a claim that restates the question may stand in a sentence under the
    heading its words are in, when that sentence names a thing the claim names; not in one of
    another section."""
    item = _chunk("os.html", (
        "os.setPriority([pid, ]priority)\n\n- pid <integer> The process ID to set scheduling "
        "priority for. Default: 0.\n\nAttempts to set the scheduling priority for the process "
        "specified by pid.\n\nThe priority input must be an integer between -20 (high "
        "priority) and 19 (low priority). When retrieving a process priority level, this range "
        "mapping may cause the return value to be slightly different on Windows.\n\n"
        "os.tmpdir()\n\nReturns a string between 1 and 9."))
    (text, quote, _), (wrong, _, flagged) = _checked(
        CitationChecker(embedder), item,
        "What is the range of the priority that os.setPriority() accepts?",
        "The range of the priority that os.setPriority() accepts is between -20 and 19 [1].",
        "The range of the priority that os.setPriority() accepts is between 1 and 9 [1].")
    assert "-20" in text and "-20 (high priority)" in quote
    assert wrong == "" and flagged
    # A report has no headings: a sentence with the number and a noun of the claim is no
    # backing there ("year" is not "gas").
    report = _chunk("cpi.txt", (
        "Consumer prices climbed again in June, the report said. Much of the increase came from "
        "fuel: gas prices were up nearly 60% over the year. Shelter and food cost more too. "
        "Airline fares fell for a second month. Overall, energy costs rose by 41.6% "
        "year-over-year."))
    [(wrong, _, flagged)] = _checked(
        CitationChecker(embedder), report,
        "How much have gas prices increased in the US over the past year?",
        "Gas prices have increased by 41.6% year-over-year [1].")
    assert wrong == "" and flagged


def test_a_sentence_is_read_with_its_sections_label(embedder) -> None:  # type: ignore[no-untyped-def]
    """"1.12.0 ...: Adds the _.get function" is backed by the change under that release's
    heading, not by the heading line alone, which holds only the label's half of it."""
    item = _chunk("underscore.html", (
        "1.12.0 — November 24, 2020 — Diff — Docs\n\n- Adds the _.get and _.toPath functions. "
        "The latter can be overridden.\n- Fixes a bug in _.isEqual.\n\n"
        "1.11.0 — August 28, 2020 — Diff — Docs\n\n- Adds the _.debounce cancel method."))
    (text, quote, flagged), (wrong, _, wrong_flagged) = _checked(
        CitationChecker(embedder), item, "Which version added the _.get and _.toPath functions?",
        "1.12.0 — November 24, 2020 — Diff — Docs: Adds the _.get and _.toPath functions [1].",
        "1.11.0 — August 28, 2020 — Diff — Docs: Adds the _.get and _.toPath functions [1].")
    assert "1.12.0" in text and quote.startswith("- Adds the _.get") and not flagged
    assert wrong == "" and wrong_flagged


def test_of_sentences_under_one_label_the_one_saying_the_claim_backs_it(embedder) -> None:  # type: ignore[no-untyped-def]
    """Every entry under the "bin" heading holds the claim's "bin" through it; the entry that
    says the claim itself is its quote, not the first one."""
    item = _chunk("users-and-groups.html", (
        "bin\n\nIt is not mentioned in the FHS, Debian Policy, or the changelogs of base-passwd "
        "or base-files.\nsys: Historically, the sys user and group owned the kernel sources.\n"
        "sync: The shell of user sync is /bin/sync. Thus, anyone can sync the system at the "
        "console."))
    [(text, quote, _)] = _checked(CitationChecker(embedder), item,
                                  "What is the shell of the sync user?",
                                  "The shell of the sync user is /bin/sync [1].")
    assert "/bin/sync" in text and quote.startswith("sync: The shell of user sync")


def test_a_marker_and_a_full_stop_end_a_sentence_whatever_follows() -> None:
    cited = split_cited("gcc_jit_new_bitcast reinterprets bits (ABI_21) [1]. "
                        "gcc_jit_set_register_name sets a register (ABI_22) [2].", 2)
    assert [(c.text, c.cites) for c in cited] == [
        ("gcc_jit_new_bitcast reinterprets bits (ABI_21).", [1]),
        ("gcc_jit_set_register_name sets a register (ABI_22).", [2])]
