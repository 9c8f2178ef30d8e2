"""Question analysis: answer types, the asked-about noun, follow-up rewriting."""

from __future__ import annotations

import pytest

from rag.condense import condense
from rag.question import parse, satisfies
from rag.text import content_terms, identifier_words, sentences


@pytest.mark.parametrize(("question", "kind"), [
    ("When did the presidents agree to draft the treaty?", "date"),
    ("When does the prepublishOnly script run?", "occasion"),
    ("When are the *.rtremove scripts called?", "occasion"),
    ("When is a doctest considered to pass?", "occasion"),
    ("When was the *.rtremove hook added?", "date"),
    ("How many generals were killed?", "number"),
    ("How much will the solar farm cost?", "number"),
    ("Who is the Kremlin spokesman?", "person"),
    # "Where" asks for no name: "stdout", "the standard error stream" answer it in a manual.
    ("Where is the debugging output sent?", "any"),
    ("Why was the opening delayed?", "reason"),
    # "version" before the noun asked for only qualifies it.
    ("Which version keyword has been deprecated?", "any"),
    ("Which Python version is the default?", "version"),
    ("Will the treaty include a mutual defence clause?", "yesno"),
    ("Which aircraft did Iran arrange to receive?", "any"),
    ("Which US politician was about to take office when the treaty was signed?", "person"),
    ("Which two Iranian presidents are named in the reports?", "person"),
    # A noun that names the kind of answer asks for it: a date, which a sentence gives without
    # the word ("It was released on April 20, 2018").
    ("What is the release date of the game?", "date"),
    ("In which year was the library first released?", "date"),
    # A limit is a quantity, and so is what the question gives a unit for; a default alone may
    # be a name or a literal ("the default install strategy": "hoisted").
    ("What is the maximum depth that json.loads() accepts?", "number"),
    ("What is the default interval of the rescan element, in seconds?", "number"),
    ("What is the default install strategy?", "any"),
    ("Which option sets the timeout in seconds?", "any"),
])
def test_answer_type(question: str, kind: str) -> None:
    assert parse(question).answer_type == kind


def test_focus_noun_is_required_only_when_it_is_what_is_asked() -> None:
    population = parse("What is the population of Tehran?")
    assert (population.focus, population.focus_required) == ("population", True)
    city = parse("In which city did Putin hold talks?")
    assert city.focus_required is False
    assert parse("How many hours of talks did they hold?").focus == "hours"
    # "value", like "name" or "number", names no category: every answer is one. Reference docs
    # give a default as "Default: 70" or "width=70", never as "the value".
    default = parse("What is the default value of width in textwrap.wrap()?")
    assert default.focus != "value" and not default.focus_required
    release = parse("What is the release date of the game?")
    assert (release.focus, release.focus_required) == ("date", False)
    assert satisfies(release, "The game was released worldwide on April 20, 2018.")


def test_a_word_joined_to_code_is_a_term_whatever_it_means_in_prose() -> None:
    """"each" is a stopword in "yielding each in turn" and a function in "_.each"."""
    assert "each" in parse("What is the alias of _.each?").terms
    assert "all" in parse("What does np.all() return?").terms
    assert "each" not in parse("What does each worker do?").terms
    assert content_terms("each_.each(list, iteratee)") == ["each", "list", "iterate"]
    assert content_terms("Iterates over a list, yielding each in turn.") == [
        "iter", "list", "yield", "turn"]
    assert content_terms("for each.The next one") == []  # two sentences run together


def test_a_title_the_question_names_before_a_name_is_not_part_of_it() -> None:
    president = parse("Which president did he serve under?")
    assert satisfies(president, "He served as President Barack Obama’s defense secretary.")
    assert satisfies(parse("Who is the CEO of Tesla?"), "Tesla CEO Elon Musk said so.")
    assert not satisfies(parse("Who met Vladimir Putin?"), "President Vladimir Putin spoke.")


def test_a_name_is_new_by_the_words_the_question_does_not_name() -> None:
    from rag.question import new_names

    owner = parse("Which individual’s Twitter account was locked this week?")
    assert new_names("Twitter locked rapper Kanye West’s Twitter account.", owner) == {
        "kanye", "west"}  # a possessive ends a name: West's is not part of Twitter's
    city = parse("Which major city opened a tent camp this week?")
    assert new_names("New York City opened a tent camp.", city) == {"york"}
    council = parse("Which city council voted against the camp?")
    assert not new_names("The City Council voted against it.", council)  # only its own words
    assert not new_names("Vladimir Putin spoke.", parse("Who met putin?"))  # no common word


def test_a_contraction_opening_a_sentence_is_no_name() -> None:
    who = parse("Who wrote the HashMap implementation?")
    assert not satisfies(who, "We’ll go over the basic functions of hash maps in this section.")
    assert not satisfies(who, "I'm sure it's fast, don't worry.")
    assert satisfies(who, "It was written by Amanieu d'Antras.")


def test_typed_sentences() -> None:
    how_many = parse("How many Su-35 fighter jets will Iran receive?")
    assert not satisfies(how_many, "Iran will get Su-35 fighter jets and Mi-28 helicopters.")
    assert satisfies(how_many, "Iran will get 24 Su-35 fighter jets.")
    cost = parse("How much did the renovation cost?")
    assert satisfies(cost, "The work cost 4.2 million dollars.")
    assert not satisfies(cost, "The work took eighteen months.")
    when = parse("When did they agree?")
    assert satisfies(when, "They agreed in January 2022.")
    assert not satisfies(when, "They agreed to develop it.")
    runs = parse("When do automatic backups run by default?")
    assert satisfies(runs, "The default runs a backup every day at 02:00 local time.")
    assert not satisfies(runs, "The backup costs 4.50 dollars a month.")
    # Without a time, an occasion is an event; a definition that restates the question's own
    # "when" names none.
    assert satisfies(runs, "A backup runs after each upload.")
    assert not satisfies(runs, "A backup runs after each upload.", events=False)
    assert not satisfies(runs, "schedule: When automatic backups run, as a cron expression.")
    assert not satisfies(when, "They agreed after a long dispute.")
    # A condition is an occasion too, when it says more than the question.
    called = parse("When are the *.rtremove scripts called?")
    assert satisfies(called, "These are called when a runtime is removed.")
    assert satisfies(parse("When is a doctest considered to pass?"),
                     "Doctests are considered to pass if they compile and run without panicking.")
    assert not satisfies(called, "The scripts are called by dpkg.")
    # A reason may follow "as" or "since" ("off as it slows Massif down").
    why = parse("Why is stack profiling off by default?")
    assert satisfies(why, "By default, stack profiling is off as it slows Massif down greatly.")
    assert not satisfies(why, "Stack profiling can be turned on with the --stacks=yes option.")
    # A version question is answered by a release number, not by any quantity.
    release = parse("In which Python version was the secrets module added?")
    assert release.answer_type == "version"
    assert satisfies(release, "New in version 3.6.")
    assert satisfies(parse("Which version of Expat added XML_StopParser?"),
                     "/* Added in Expat 1.95.8. */")
    assert not satisfies(parse("Which version added the tide copy command?"),
                         "Verifying a 1 TB repository takes about 40 minutes.")


def test_an_answer_that_points_back_brings_its_antecedent() -> None:
    from rag.answerers.base import in_context
    from rag.support import Candidate
    from rag.types import Evidence

    text = ("Options\n\nAfter editing the file, run tide config check. It reports unknown "
            "options without starting a backup.\n\nIt is fast.")
    evidence = [Evidence(chunk_id="c", doc_id="d", text=text, source="configuration.html")]
    start = text.index("It reports")
    pointing = Candidate(0, text[start:text.index("\n\nIt is")], start, text.index("\n\nIt is"))
    assert in_context(pointing, evidence) == (
        "After editing the file, run tide config check. It reports unknown options without "
        "starting a backup.")
    alone = text.index("It is fast")
    first = Candidate(0, "It is fast.", alone, len(text))
    assert in_context(first, evidence) == "Options: It is fast.", (
        "not across a paragraph break: the section's label names what it points back to")
    lints = ("missing_docs\n\nThis lint is allowed by default. It detects items missing "
             "documentation.\n\n#![warn(missing_docs)]\npub fn undocumented() {}\n\nIt is "
             "also available from rustc.")
    evidence = [Evidence(chunk_id="c", doc_id="d", text=lints, source="lints.html")]
    for sentence in ("It detects items missing documentation.", "It is also available from rustc."):
        start = lints.index(sentence)
        shown = in_context(Candidate(0, sentence, start, start + len(sentence)), evidence)
        assert shown.startswith("missing_docs: ") and shown.endswith(sentence)
    # A sentence that speaks of "this lint" further on, for a question asking which lint.
    lints += "\n\nNote that unlike other rustdoc lints, this lint is also available from rustc."
    evidence = [Evidence(chunk_id="c", doc_id="d", text=lints, source="lints.html")]
    note = "Note that unlike other rustdoc lints, this lint is also available from rustc."
    start = lints.index(note)
    cand = Candidate(0, note, start, start + len(note))
    assert in_context(cand, evidence, parse("Which lint is available from rustc?")) == (
        f"missing_docs: {note}")
    assert in_context(cand, evidence, parse("What is available from rustc?")) == note
    groups = "Groups\n\nshadow: /etc/shadow is readable by this group."
    evidence = [Evidence(chunk_id="c", doc_id="d", text=groups, source="groups.html")]
    entry = groups[groups.index("shadow"):]
    cand = Candidate(0, entry, groups.index("shadow"), len(groups))
    assert in_context(cand, evidence, parse("Which group can read /etc/shadow?")) == entry, (
        "an entry that opens with its term names what it speaks of")


def test_a_sentence_that_describes_the_answer_brings_the_one_naming_it() -> None:
    from rag.answerers.base import in_context
    from rag.question import parse
    from rag.support import Candidate
    from rag.types import Evidence

    text = ("Adele is returning to Las Vegas.\n\nAfter postponing her residency, the singer "
            "announced Monday that she has rescheduled her shows.\n\nLONDON, England CNN —"
            "\n\nThe singer will play twelve nights.\n\nTide 2.0 dropped Brotli. Use the first-party zstd "
            "option.")
    evidence = [Evidence(chunk_id="c", doc_id="d", text=text, source="news.txt")]

    def shown(sentence: str, question: str) -> str:
        start = text.index(sentence)
        cand = Candidate(0, sentence, start, start + len(sentence))
        return in_context(cand, evidence, parse(question))

    described = "After postponing her residency, the singer announced Monday that she has " \
                "rescheduled her shows."
    assert shown(described, "Which singer will launch a Las Vegas residency?") == (
        f"Adele is returning to Las Vegas. {described}"), "across the paragraph break"
    assert shown(described, "When will the residency start?") == described, (
        "only for a question asking which singer")
    after_dateline = "The singer will play twelve nights."
    assert shown(after_dateline, "Which singer will play?") == after_dateline, (
        "a dateline names no one")
    named = "Use the first-party zstd option."
    assert shown(named, "Which option is recommended?") == named, (
        "a word no dictionary knows names the option itself")


def test_a_sentence_continuing_a_definition_names_the_term() -> None:
    from rag.answerers.base import in_context
    from rag.support import Candidate
    from rag.types import Evidence

    text = ("Options\nexclude: Files never backed up.\nparallel_uploads: How many files are "
            "uploaded at the same time. The default is 4 and the maximum is 32.\n"
            "The default is 0, which means no limit.")
    evidence = [Evidence(chunk_id="c", doc_id="d", text=text, source="configuration.html")]
    start = text.index("The default is 4")
    end = text.index("32.") + 3
    assert in_context(Candidate(0, text[start:end], start, end), evidence) == (
        "parallel_uploads: The default is 4 and the maximum is 32.")
    first = text.index("parallel_uploads")
    line = "parallel_uploads: How many files are uploaded at the same time."
    assert in_context(Candidate(0, line, first, first + len(line)), evidence) == line, (
        "the term is already on show")
    alone = text.index("The default is 0")
    assert in_context(Candidate(0, text[alone:], alone, len(text)), evidence) == text[alone:], (
        "a line of its own is no definition")


def test_a_short_definition_is_read_whole() -> None:
    """One entry of a definition list or table is one unit: its second sentence ("The default
    is 4") means nothing without its first, and a question matches the first."""
    entry = ("parallel_uploads: How many files are uploaded at the same time. The default is 4 "
             "and the maximum is 32.")
    assert sentences(f"Options\n{entry}\nAn ordinary line. And another.") == [
        "Options", entry, "An ordinary line.", "And another."]
    long_entry = "Note: " + " ".join(["This sentence is one of many in a long note."] * 8)
    assert len(sentences(long_entry)) == 8, "a long paragraph that opens with a label is prose"


def test_a_short_list_item_is_read_whole() -> None:
    """A parameter's list item states its default in a second sentence ("Default: 'utf8'."),
    which means nothing without the first."""
    item = "- encoding <string> The character encoding the decoder will use. Default: 'utf8'."
    nested = "  - depth <number> How many times to recurse. Default: 2."
    assert sentences(f"Creates a decoder.\n{item}\n{nested}\nAn ordinary line. And another.") == [
        "Creates a decoder.", item, nested.strip(), "An ordinary line.", "And another."]


def test_sentence_splitting_respects_abbreviations() -> None:
    assert sentences("Mr. Putin met Dr. Raisi in Jan. 2022. They agreed! Was it U.S. policy? Yes.") \
        == ["Mr. Putin met Dr. Raisi in Jan. 2022.", "They agreed!", "Was it U.S. policy?", "Yes."]
    # Reference docs open a sentence with a parameter or a command, in lower case; after an
    # abbreviation, an initial or an ellipsis, lower case goes on with the sentence.
    assert sentences("Returns the values. The opposite of filter. predicate is transformed.") \
        == ["Returns the values.", "The opposite of filter.", "predicate is transformed."]
    assert sentences("He said wait... then left. See Fig. a for it. It is approx. five.") \
        == ["He said wait... then left.", "See Fig. a for it.", "It is approx. five."]
    # Only a letter opens a sentence so: a list run into a line goes on ("exit. - -l, ...").
    assert len(sentences("Options: - -h: Print the usage and exit. - -l: Use the library.")) == 1
    # Manuals write "eg." and "ie." without the inner full stop.
    assert sentences("It runs much slower (eg. 20 to 30 times) than normal. Then it stops.") \
        == ["It runs much slower (eg. 20 to 30 times) than normal.", "Then it stops."]


def test_follow_up_borrows_the_previous_topic() -> None:
    standalone, context = condense("When was it signed?",
                                   ["When did the presidents agree to draft the treaty?"])
    assert context is not None
    assert "treaty" in standalone and standalone.startswith("When was it signed?")
    assert condense("Who is the Kremlin spokesman?", ["Anything?"]) == (
        "Who is the Kremlin spokesman?", None)
    assert condense("And who is the Kremlin spokesman?", [])[1] is None
    # A lead-in is a whole word: "Sony" does not open with "so".
    assert condense("Sony said what about it?", ["Who makes the PlayStation 5?"])[0].startswith(
        "Sony said what about it?")


def test_follow_up_lead_in_does_not_hide_the_asked_noun() -> None:
    assert parse("And which bridges were closed?").focus == "bridges"


def test_model_rewrite_of_a_follow_up_is_checked_before_use() -> None:
    from rag.condense import acceptable, llm_condense

    earlier = ["Who is the head of Russia's Foreign Intelligence service?"]
    follow_up = "How did he describe the Israeli attack?"
    good = "How did the head of Russia's Foreign Intelligence service describe the Israeli attack?"
    assert acceptable(follow_up, earlier, good)
    # An answer instead of a question, a dropped word, an invented topic: all refused.
    assert not acceptable(follow_up, earlier, "The head of the service is Sergei Naryshkin.")
    assert not acceptable(follow_up, earlier, "How did the head of the service describe it?")
    assert not acceptable(follow_up, earlier, "How did Putin describe the Israeli attack?")
    assert not acceptable(follow_up, earlier, follow_up)  # resolved nothing

    def chat(messages):  # type: ignore[no-untyped-def]
        assert earlier[0] in messages[-1]["content"] and follow_up in messages[-1]["content"]
        yield from [good[:20], good[20:], "\nSure! Anything else?"]

    assert llm_condense(follow_up, earlier, chat) == good
    assert llm_condense("Who chairs the energy committee?", earlier, chat) is None  # standalone


@pytest.mark.parametrize("question", [
    "What is the law that governs tenant deposits?",
    "Is there a deadline for filing the appeal?",
    "How much will the city spend this year?",
    "Which company built the bridge that collapsed?",
    "Who said that the treaty was delayed?",
])
def test_ordinary_questions_are_not_follow_ups(question: str) -> None:
    assert condense(question, ["When did the presidents agree to draft the treaty?"]) == (
        question, None)


@pytest.mark.parametrize("question", [
    "Why did that happen?", "Who said that?", "When was that signed?", "What happened there?",
    "Does this apply to renters?", "And the cost?",
])
def test_questions_that_lean_on_the_conversation_are_follow_ups(question: str) -> None:
    standalone, context = condense(question, ["When did the presidents agree to draft the treaty?"])
    assert context is not None and "treaty" in standalone


def test_addition_is_a_word_like_any_other() -> None:
    from rag.text import stem

    assert stem("addition") in parse("What was the addition to the museum?").terms


def test_a_sentence_ending_in_a_colon_brings_the_block_it_introduces() -> None:
    from rag.answerers.base import in_context
    from rag.support import Candidate
    from rag.types import Evidence

    text = ("Here are the default values for the dev and release profiles:\n\nFilename: "
            "Cargo.toml\n\n[profile.dev]\nopt-level = 0\n\n[profile.release]\nopt-level = 3\n\n"
            "The opt-level setting controls the number of optimizations Rust applies.")
    evidence = [Evidence(chunk_id="c", doc_id="d", text=text, source="profiles.html")]
    end = text.index(":") + 1
    shown = in_context(Candidate(0, text[:end], 0, end), evidence)
    assert shown.endswith("profiles: Filename: Cargo.toml [profile.dev] opt-level = 0 "
                          "[profile.release] opt-level = 3")
    prose = "He said:\n\nThe treaty will be signed in Moscow next week, officials confirmed."
    assert in_context(Candidate(0, "He said:", 0, 8), [Evidence(
        chunk_id="c", doc_id="d", text=prose, source="a.txt")]) == "He said:", "prose is not shown"


def test_the_sentence_that_asks_is_told_from_the_scene_before_it() -> None:
    scene = ("A no-hitter was thrown this week for just the second time in World Series history. "
             "Which two teams are competing in the championship?")
    assert parse(scene).ask == "Which two teams are competing in the championship?"
    # A statement after the question is no ask; one sentence is the whole question.
    assert parse("Who won? Say it briefly.").ask == "Who won?"
    assert parse("And who signed the treaty in 2001?").ask == "who signed the treaty in 2001?"
    assert parse("What does os.path.join() return?").ask == "What does os.path.join() return?"


def test_a_language_named_by_a_letter_and_marks_is_a_term() -> None:
    """"C++" was the lone letter "c", dropped as a single letter: "Which library provides C++
    bindings?" then matched a line on Ruby bindings as well as the one on C++ bindings. The
    scorer and the BM25 index read it alike, so the collection's count of it is right."""
    from rag.retrieval import _bm25_tokenize
    from rag.text import content_terms

    assert "c++" in content_terms("Which library provides C++ bindings for libxslt?")
    assert "c++" in parse("Which library provides C++ bindings for libxslt?").terms
    assert "c#" in content_terms("Is there a C# API?")
    assert "c" not in content_terms("Use the -c flag of the C compiler.")
    vocab = _bm25_tokenize(["Peter Jones maintains C++ bindings within xmlwrapp."]).vocab
    assert "c++" in vocab


@pytest.mark.parametrize(("text", "named"), [
    ("a massive 20-for-1 stock split", set()),  # a ratio names nothing
    ("odds of 1-in-4", set()),
    ("the CRC-64-ECMA-182 polynomial", {"crc-64", "ecma-182"}),
    ("Covid-19 and the Su-35", {"covid-19", "su-35"}),
])
def test_identifiers_are_numbers_that_name_something(text: str, named: set[str]) -> None:
    assert identifier_words(text) == named


def test_a_version_is_a_release_number_or_a_whole_number_a_version_is_set_to() -> None:
    question = parse("To which version was the default ISA spec bumped?")
    assert question.answer_type == "version"
    assert satisfies(question, "Default ISA spec version was bump to 20191213, see the notes.")
    assert satisfies(question, "It moved to version 3.9.")
    assert not satisfies(question, "The version adds 40 new intrinsics to the spec."), (
        "a count further on is no version")
