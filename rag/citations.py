"""`[n]` citation markers: parsing them out of answers and checking each against its evidence.

Every sentence that states a fact must be backed by the chunk it cites: the names, numbers and
dates it states must be in that chunk, and its wording must match a sentence there (by shared
terms or, for paraphrase, by embedding similarity). A sentence cited to the wrong chunk is re-cited
to the right one; a sentence no chunk supports is dropped and reported in `Answer.flagged`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np

from ingest import definition_term, introduced_block, section_label, section_labels

from .embeddings import Embedder
from .text import (
    PUNCT,
    STOPWORDS,
    content_terms,
    human_date,
    identifier_kinds,
    identifier_words,
    identifiers,
    is_year,
    literals,
    names,
    names_a_thing,
    new_literals,
    new_terms,
    normalize,
    numbers,
    sentence_spans,
    split_end,
    stated_numbers,
    tokens,
)
from .types import Citation, Evidence

MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A refusal speaks about the sources ("The documents do not say"), not about the world ("The
# treaty does not contain a defence clause" is an answer).
_SOURCES = r"(?:documents?|sources?|context|texts?|passages?|articles?|reports?|information given)"
ABSTAIN_PATTERNS = re.compile(
    rf"\b{_SOURCES}\s+(?:do(?:es)?\s+not|don't|doesn't)\s+(?:say|mention|state|specify|contain|"
    r"provide|include|answer|give|have)\b|"
    rf"\bnot\s+(?:mentioned|stated|specified|provided|available|given|found)\s+in\s+(?:the\s+)?"
    rf"(?:provided\s+|given\s+)?{_SOURCES}|"
    r"\bno (?:relevant )?information\b|\b(?:cannot|can't|unable to) (?:answer|determine|find)\b|"
    r"\b(?:i )?don't know\b",
    re.IGNORECASE,
)
PARAPHRASE_COSINE = 0.72
_VERDICT = re.compile(r"(?:yes|no)\s*,\s*", re.IGNORECASE)
DATE_FRAME = re.compile(
    r"^(?:(?:As of|Earlier, on|On|Later, on) (?P<date>\d{1,2} [A-Z][a-z]+ \d{4})|An undated report): ")
# The share of a claim's new words (weighed by rarity, `CitationChecker._share`), or of a
# restating claim's words, its source must hold for the claim to stand without a paraphrase check.
TERM_COVERAGE = 0.75
# Capitalised, as months are written: "may" and "march" are verbs.
_MONTHS = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER)\b")


@dataclass
class CitedSentence:
    """A sentence of an answer with the evidence numbers (1-based) it cites."""

    text: str
    cites: list[int] = field(default_factory=list)


def split_cited(answer: str, sources: int | None = None) -> list[CitedSentence]:
    """Split an answer into sentences and the `[n]` markers that follow each.

    A marker right after a sentence's end ("... 2022. [1]") belongs to that sentence. Brackets
    that cannot cite any of `sources` pieces of evidence are words of the answer, not markers:
    "os.loadavg() returns [0, 0, 0] on Windows".
    """
    def cited(group: str) -> list[int]:
        return [int(n) for n in group.replace(";", ",").split(",")]

    def is_marker(match: re.Match[str]) -> bool:
        return all(1 <= n <= (sources or n) for n in cited(match.group(1)))

    # Move markers that follow the full stop onto the sentence before it (a "!" or "?" between
    # spaces is a token of the sentence: "the fallback type is now ! [1].").
    answer = re.sub(r"([.]|(?<!\s)[!?])((?:\s*\[[1-9]\d*(?:\s*[,;]\s*[1-9]\d*)*\])+)",
                    lambda m: m.group(2) + m.group(1) if all(
                        is_marker(x) for x in MARKER.finditer(m.group(2))) else m.group(0),
                    answer)
    # A marker and a full stop end a sentence, whatever follows: "... type (ABI_21) [1].
    # gcc_jit_lvalue_set_register_name ..." is two.
    cuts = [m.end() + 1 for m in MARKER.finditer(answer)
            if is_marker(m) and answer[m.end() : m.end() + 1] in (".", "!", "?")]
    spans: list[tuple[int, int]] = []
    for a, b in sentence_spans(answer):
        inner = [cut for cut in cuts if a < cut < b]
        spans += zip([a, *inner], [*inner, b], strict=True)
    out: list[CitedSentence] = []
    for a, b in spans:
        piece = answer[a:b]
        markers = [m for m in MARKER.finditer(piece) if is_marker(m)]
        cites = [n for m in markers for n in cited(m.group(1))]
        text = MARKER.sub(lambda m: "" if is_marker(m) else m.group(0), piece).strip()
        if text:
            out.append(CitedSentence(text, cites))
        elif cites and out:
            out[-1].cites.extend(cites)
    return out


# "at the start of the year", "this year": a year named by its place, not its number.
_RELATIVE_YEAR = ("the", "this", "last", "next", "that", "previous", "following")


def facts_supported(sentence: str, source: str, allowed: str = "", context: str | None = None,
                    foreign: Collection[str] = ()) -> bool:
    """Whether every number, name and month a sentence states appears in the source.

    Args:
        sentence: the answer sentence.
        source: the evidence text.
        allowed: text whose names may also be used (the question: restating it is fine).
        context: where the allowed text's identifiers and months must appear to be restated
            (the whole cited chunk with its title and date): "Version 3.0 will be released ..."
            is no answer from a changelog that never mentions 3.0, whatever the question asked.
            None: anywhere.
        foreign: names (lower-cased) the allowed text may not lend: ones the collection never
            mentions. "The Firefox project has over 30,000 source files" restates the question's
            Firefox around what a manual says of Chromium.
    """
    src = normalize(source).lower()
    src_numbers = stated_numbers(src)  # "5 hours" is backed by "five-hour talks"
    ctx = None if context is None else normalize(context).lower()
    restated = numbers(allowed)
    if ctx is not None:
        # A number that names what is asked about ("version 3.0", "Su-35") is restated only
        # where the chunk gives it; amounts and years anywhere: a report restates those loosely
        # ("$11.8 million" for "more than $11 million", "this year" for 2024).
        restated -= identifiers(allowed) - numbers(ctx)
        # A year is restated loosely too, but not into a chunk about other years: "Kerber won
        # Wimbledon in 2019" from a report of her 2018 title, dated 2018. A chunk that gives no
        # year, or one it names by its place ("at the start of the year"), may be of any.
        ctx_years = {n for n in numbers(ctx) if is_year(n)}
        if ctx_years and not any(f"{w} year" in ctx for w in _RELATIVE_YEAR):
            restated -= {n for n in restated if is_year(n)} - ctx_years
        # And whole: "Tidewater 1.x" is not the "1" of a numbered heading "1. Encryption".
        asked = identifier_words(normalize(allowed).lower())
        if (identifier_words(sentence.lower()) & asked) - identifier_words(ctx):
            return False
        # Nor beside another of its kind: "Egan Bernal won the 2021 Tour de France" is not
        # backed by "Egan Bernal won the 2019 Tour de France", whatever year the question asked.
        kinds = identifier_kinds(normalize(source))
        if any(not named & kinds[kind]
               for kind, named in identifier_kinds(sentence).items() if kind in kinds):
            return False
    if not numbers(sentence) <= src_numbers | restated:
        return False
    src_tokens = _name_tokens(src)
    allowed_tokens = _name_tokens(normalize(allowed).lower()) - {_fold(f) for f in foreign}
    for name in names(sentence):
        parts = [p for p in re.split(r"[-']", _fold(normalize(name))) if p]  # "O’Brien"
        if not all(p in src_tokens or p in allowed_tokens for p in parts):
            return False
    # A month the question names may be restated, like its numbers, where the chunk has it.
    restated_months = allowed_tokens if ctx is None else allowed_tokens & _name_tokens(ctx)
    return all(month.lower() in src_tokens | restated_months
               for month in _MONTHS.findall(sentence))


def _fold(text: str) -> str:
    """A text without its accents: a name spelled "Jose" is the "José" its source spells."""
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def _name_tokens(text: str) -> set[str]:
    """Words of a lower-cased text as `names` yields them, without accents (`_fold`): "west's"
    names west, "d'alene" alene, "libtasn1" libtasn (a name stops at a digit), "ffi_bad_abi"
    ffi (and at an underscore)."""
    words = re.findall(r"[\w']+", _fold(text))
    return {w.removesuffix("'s") for w in words} | {
        p for w in words for p in re.split(r"[-'\d_]", w) if p}


_QUOTED = re.compile(r"[“\"]([^”\"]{2,300})[”\"]")


def quotes_supported(sentence: str, source: str) -> bool:
    """Whether every span the sentence puts in quotation marks is, word for word, in the source
    (a quote claims the source's exact words: "overripe" is no quote of "significant")."""
    src = " ".join(normalize(source).lower().split())
    for quoted in _QUOTED.findall(sentence):
        words = " ".join(normalize(quoted).lower().strip(" .,;:!?").split())
        if words and words not in src:
            return False
    return True


def literals_supported(sentence: str, source: str, asked: str = "") -> bool:
    """Whether every literal the sentence states (code, a path, an option, a quoted value) that
    the question does not is in the source: "writes target/cargo-timings/cargo-timings.html" is
    no reading of ".../cargo-timing.html". A call may drop its arguments ("os.path.join()" for
    "os.path.join(path, *paths)"), and a quoted title the sentence's comma or full stop
    ('"60 Minutes."')."""
    src = normalize(source).lower()
    return all(normalize(lit).rstrip(".,;:!?").removesuffix("()") in src
               for lit in new_literals(sentence, asked))


def _things(sentence: str) -> set[str]:
    """The terms of a sentence's words in lower case that can only name a thing
    (`text.names_a_thing`); a capitalised one ("Python") is a name, checked as one."""
    words = (part for word in sentence.split() for part in word.strip(PUNCT).split("-"))
    return {term for word in words
            if word.isalpha() and word.islower() and names_a_thing(word)
            for term in content_terms(word)}


def _words(terms: Iterable[str]) -> set[str]:
    return {t for t in terms if not t[:1].isdigit()}


@dataclass
class Check:
    """The outcome of checking one answer sentence against one piece of evidence."""

    supported: bool
    quote: str
    score: float
    # Unsupported only because it restates an identifier of the question that its source does
    # not give ("Tidewater 1.x used AES-256-GCM" from a page about today's encryption whose
    # heading is "1. Encryption"), or a name of it the collection never mentions.
    misbound: bool = False


@dataclass
class Review:
    """A checked answer: its supported text, citations, and what was dropped."""

    text: str
    citations: list[Citation]
    flagged: list[str]  # sentences dropped as unsupported (and date frames a source lacks)
    misbound: list[str]  # of those, the ones `Check.misbound` against some piece of evidence


class CitationChecker:
    """Checks answer sentences against evidence and builds the final, renumbered citations."""

    def __init__(self, embedder: Embedder, idf: Callable[[str], float] | None = None) -> None:
        self.embedder = embedder
        # Term rarity in the collection (`support.make_idf`), kept in step with the store by the
        # assistant: a claim's rare words must be in its source more than its common ones.
        self.idf = idf

    def check(self, sentence: str, evidence: Evidence, question: str = "",
              sentence_vec: np.ndarray | None = None, foreign: Collection[str] = ()) -> Check:
        """Find the sentence of `evidence` that best backs `sentence`, and whether it does
        (`foreign`: as `facts_supported`'s)."""
        spans = sentence_spans(evidence.text)
        if not spans:
            return Check(False, "", 0.0)
        pieces = [evidence.text[a:b] for a, b in spans]
        # A sentence that goes on defining a term is read with it, as the reader was shown it.
        # A piece without a word ("10 | | /// ```", a code line's number) states nothing.
        worded = [any(ch.isalpha() for ch in piece) for piece in pieces]
        terms_of = [definition_term(evidence.text, a) or "" for a, _ in spans]
        # A sentence ending in a colon is read with the list or block it introduces ("There are
        # four built-in encodings: - UTF-8 - UTF-16 ..."), as the reader was shown it.
        pieces = [f"{piece} {block}" if (block := introduced_block(evidence.text, b)) else piece
                  for piece, (_, b) in zip(pieces, spans, strict=True)]
        # Numbers are no words to find the backing sentence by (they are checked in it below):
        # "0" in "parallel_uploads: The default is 0" would find the neighbouring option's line.
        terms = _words(new_terms(sentence, question))
        # A sentence that only restates the question's words around a new number or name ("The
        # default zstd level is 3") is backed when its numbers and names stand in the quote
        # (checked below) and the question's words in the cited chunk, whose heading may carry
        # them ("Version 2.2.0").
        restating = not terms
        if restating:
            terms = _words(content_terms(sentence))
        things = _things(sentence) if restating else set()  # the nouns a restatement names
        title = evidence.title or ""

        headings = section_labels(evidence.text)

        def label_of(i: int) -> str:
            # A sentence is read with its section's label ("missing_docs" above "This lint is
            # allowed by default. It detects items missing documentation.").
            return terms_of[i] or section_label(evidence.text, spans[i][0], headings) or \
                evidence.section or ""

        covered: dict[int, tuple[float, float]] = {}
        for i, piece in enumerate(pieces):
            if not worded[i]:
                continue
            window = " ".join(pieces[max(0, i - 1) : i + 2])
            cov = len(terms & set(content_terms(window))) / max(len(terms), 1)
            # Its label is part of what it says: "Adds the _.get function." under "1.12.0 —
            # November 24, 2020" holds the whole of "1.12.0 ...: Adds the _.get function", the
            # label line itself only half of it. (A claim that restates the question would find
            # the question's words in the label of every sentence under it.)
            head = terms_of[i] if restating else label_of(i)
            here = len(terms & set(content_terms(f"{head} {piece}"))) / max(len(terms), 1)
            covered[i] = (0.5 * cov + 0.5 * here, here)
        if not covered:
            return Check(False, "", 0.0)
        best_cov = max(cov for cov, _ in covered.values())
        # Of the sentences that cover the claim's words best, the one whose numbers and names
        # are the claim's backs it ("0 and 4 inclusive" is the verbosity line, not the block
        # size's "1 and 9 inclusive" above it), then the one that holds more of the words
        # itself, not the neighbour that shares them through it.
        def holds_facts(i: int) -> bool:
            labelled = f"{title}\n{label_of(i)}\n{pieces[i]}"
            if not facts_supported(sentence, labelled, question):
                return False
            # Facts the label gives ("1.11.0 — August 28, 2020") are the sentence's only when
            # it is about what the claim names: "Adds the _.debounce cancel method." under
            # that release does not back "1.11.0 ...: Adds the _.get function".
            return facts_supported(sentence, f"{title}\n{pieces[i]}", question) or \
                literals_supported(sentence, labelled)

        backed = {i: holds_facts(i) for i, (cov, _) in covered.items() if cov == best_cov}
        if not any(backed.values()):
            # The claim's words were counted over each sentence's neighbours, so its facts may
            # stand in a neighbour that holds as many of them itself, under the same label: "The
            # maximum weight of a glob rule is 100" is backed by "The default weight value is
            # 50, and the maximum is 100." after "There is also an optional weight attribute
            # ... glob matches." Not by "Logs are kept for 7 days." after "Snapshots move to
            # cold storage after 30 days.", nor by a neighbouring definition's
            # "bandwidth_limit: ... The default is 0.".
            for i in list(backed):
                for j in (i - 1, i + 1):
                    if j in covered and j not in backed and label_of(j) == label_of(i) \
                            and covered[j][1] >= covered[i][1]:
                        backed[j] = holds_facts(j)
        if not any(backed.values()):
            # Or in a sentence of the same section that says nothing but the claim's and the
            # question's words around them: "The textwrap.shorten() function was added in
            # version 3.4" is backed by the section's closing "New in version 3.4.", however
            # far from the words "function" shares. Not by "Logs are kept for 7 days.", which
            # is about something else, nor under another function's signature: the code the
            # claim names must stand in the section's label or the title.
            own = set(content_terms(f"{question} {sentence}"))
            code = set(content_terms(" ".join(literals(sentence, quoted=False))))
            labels = {label_of(i) for i in backed}
            # A claim that only restates the question around numbers or names may say them of
            # a thing it names that a sentence of the section names too, in its own words:
            # "The range of the priority that os.setPriority() accepts is between -20 and 19"
            # is backed by "The priority input must be an integer between -20 (high priority)
            # and 19 (low priority)." under the "os.setPriority([pid, ]priority)" heading that
            # holds the claim's words best. Only under a heading that is one of those: in a
            # report without headings, "Overall, energy prices rose by 41.6% year-over-year."
            # names the year of "Gas prices have increased by 41.6% year-over-year", not gas.
            heads = {pieces[i].strip() for i in backed} if things else set()
            for j in covered:
                if j in backed or not code <= set(content_terms(
                        f"{title} {label_of(j)} {pieces[j]}")):
                    continue
                if (label_of(j) in labels and set(_words(content_terms(pieces[j]))) <= own) \
                        or (label_of(j) in heads and things & set(content_terms(pieces[j]))):
                    backed[j] = holds_facts(j)
        # Sentences under one label cover a claim's words alike through it; the one that says
        # more of the claim itself backs it ("sync: The shell of user sync is /bin/sync.", not
        # "It is not mentioned in the FHS ..." under the "bin" entry above it).
        said_terms = set(content_terms(sentence))
        best_i = max(backed, key=lambda i: (backed[i], covered[i][1],
                                            len(said_terms & set(content_terms(pieces[i]))), -i))
        quote = pieces[best_i]
        label = label_of(best_i)
        window = " ".join([label, *pieces[max(0, best_i - 1) : best_i + 2]])
        said = normalize(sentence).lower()
        if said in normalize(evidence.text).lower():
            # The quote is where the source says it, not the sentence that shares the most
            # words: "the -C debuginfo flag which controls the\namount ..." runs across a line
            # break, and the best-covering sentence was the debug-assertions line beside it.
            inside = next((p for p in pieces if said in normalize(p).lower()), quote)
            return Check(True, _exact_quote(sentence, evidence.text, inside), 1.0)
        verbatim = _verbatim(sentence, evidence.text)
        if verbatim:  # the source's words across its line breaks ("profiles:\n\nopt-level = 3")
            return Check(True, verbatim, 1.0)
        # Names, numbers and months must stand in the sentence that backs the claim (with the
        # title), not just somewhere in the chunk: "attacked in Moscow" is not backed by a
        # sentence about Damascus next to one about Moscow.
        backing = f"{title}\n{label}\n{quote}"
        # Quoted words and literals must stand in the chunk, as it was shown.
        if not (quotes_supported(sentence, evidence.text)
                and literals_supported(sentence, f"{title}\n{evidence.text}", question)):
            return Check(False, quote, best_cov)
        # The question's identifiers and months may be restated only where the chunk, its title
        # or its date gives them. A claim that would be backed if they could come from anywhere
        # is misbound: it answers a neighbouring question.
        # An untitled document is named by its file, as the reader was shown it: "Libtasn1"
        # is restated from a chunk of libtasn1.pdf that only says "the library".
        named = title or PurePath(evidence.source).stem
        whole = f"{named}\n{human_date(evidence.effective_date()) or ''}\n{evidence.text}"
        if things - set(content_terms(whole)):
            # A claim that only restates the question around a number or a name says it of a
            # thing the question names, and the chunk must name that thing: "The maximum value
            # of the history variable in bc is 999" is not backed by a chunk of bc's limits
            # that never says "history", whatever else of it the chunk says ("maximum",
            # "value", "variable", "bc", and "999" of BC_BASE_MAX).
            return Check(False, quote, best_cov)
        strict = facts_supported(sentence, backing, question, whole, foreign)
        if not strict and not backed[best_i]:  # the same check the choice of best_i made
            return Check(False, quote, best_cov)
        # What a claim adds is weighed by rarity; a claim that only restates the question is
        # held to the question's words as a whole: "The zoneinfo module was added in version
        # 3.9" from "New in version 3.9." under "zoneinfo", whatever "added" weighs.
        full_cov = (self._share(terms, set(content_terms(whole)), weighed=False) if restating
                    else self._share(terms, set(content_terms(window))))
        if full_cov >= TERM_COVERAGE:
            return Check(strict, quote, full_cov, misbound=not strict)
        vec = sentence_vec if sentence_vec is not None else np.asarray(
            self.embedder.embed([sentence])[0], dtype=np.float32)
        vecs = np.asarray(self.embedder.embed(pieces), dtype=np.float32)
        sims = vecs @ vec
        coined = self._coined(sentence, question)
        # The quote shown is the sentence that backs the paraphrase, so its facts are checked
        # against that very sentence: the closest one in meaning may not carry them.
        for j in np.argsort(-sims):
            if float(sims[j]) < PARAPHRASE_COSINE:
                break
            if not worded[j]:
                continue
            piece = f"{title}\n{pieces[j]}"
            # Close in meaning is not backing when the sentence's own words are all missing:
            # "console.error() prints its output in red" is near "console.error('error',
            # code);" in embedding space, and "red" is nowhere in it.
            held = set(content_terms(f"{terms_of[j]} {piece}"))
            if terms and not terms & held:
                continue
            # Nor when it lacks a word of the sentence no dictionary has, as it lacks a name:
            # "the -C debuginfo flag" is near "the -C debug-assertions flag" in embedding space,
            # as a reference page says the same of each item.
            if coined - held:
                continue
            if not strict:
                if facts_supported(sentence, piece, question):
                    return Check(False, quote, float(sims[j]), misbound=True)
                continue
            if facts_supported(sentence, piece, question, whole, foreign):
                return Check(True, pieces[j], float(sims[j]))
        return Check(False, quote, max(best_cov, float(np.max(sims))))

    def _share(self, terms: set[str], present: set[str], weighed: bool = True) -> float:
        """The share of a claim's words its source holds, each `weighed` by its rarity when the
        collection's is known: "Libtasn1 encodes and decodes using Distinguished Encoding Rules
        (DER)" is backed by "... Distinguished Encoding Rules (DER, as per X.690) encoding and
        decoding functions" whatever "using" is."""
        if not terms:
            return 0.0
        weight = (self.idf if weighed else None) or (lambda term: 1.0)
        total = sum(weight(t) for t in terms)
        return sum(weight(t) for t in terms & present) / total if total > 0 else 0.0

    def _coined(self, sentence: str, question: str) -> set[str]:
        """The terms of a sentence's words that the question lacks and its embedder's
        vocabulary has no word for ("debuginfo", "rpath", "zstd"): technical words no
        paraphrase replaces."""
        asked = set(content_terms(question))
        return {term for word in set(tokens(sentence)) if word.isalpha() and len(word) > 3
                for term in content_terms(word)
                if term not in asked and len(self.embedder.tokenize(word)) > 1}

    def verify(self, answer: str, evidence: list[Evidence], question: str = ""
               ) -> tuple[str, list[Citation], list[str]]:
        """Check every sentence of an answer; keep the supported ones with fresh numbering.

        Returns:
            The answer text with `[n]` renumbered from 1, its citations, and the sentences dropped
            as unsupported.
        """
        review = self.review(answer, evidence, question)
        return review.text, review.citations, review.flagged

    def review(self, answer: str, evidence: list[Evidence], question: str = "",
               foreign: Collection[str] = ()) -> Review:
        """`verify`, also saying which dropped sentences are misbound (`Check.misbound` against
        some piece of evidence): they bind the question's own identifier, or a name of it the
        collection never mentions (`foreign`), to a fact the evidence gives about something
        else, so the evidence answers a neighbouring question."""
        kept: list[str] = []
        flagged: list[str] = []
        misbound: list[str] = []
        citations: list[Citation] = []
        by_key: dict[tuple[str, str], int] = {}
        flats = [normalize(item.text).lower() for item in evidence]
        for cited in split_cited(answer, len(evidence)):
            text = cited.text
            if _is_filler(text):
                continue
            # "As of 17 January 2025: ..." frames a claim with its source's date; the frame is
            # checked against that source's publish date, the claim against its text.
            frame = DATE_FRAME.match(text)
            prefix = frame.group(0) if frame else ""
            text = text[len(prefix):]
            # A leading "Yes," or "No," is a verdict no source states; the claim after it is
            # what is checked and shown ("Yes, the treaty will not include ..." contradicted
            # itself).
            verdict = _VERDICT.match(text)
            if verdict and text[verdict.end():].strip():
                rest = text[verdict.end():]
                text = rest[:1].upper() + rest[1:]
            framed = frame.group("date") if frame else None
            order = list(dict.fromkeys(n - 1 for n in cited.cites if 1 <= n <= len(evidence)))
            # A sentence a source says word for word is cited to that source: a small model
            # often cites the neighbouring item of a reference page, which says the same of
            # something else ("The debug-assertions setting controls the -C debug-assertions
            # flag ..." for "The debug setting controls the -C debuginfo flag ...").
            said = normalize(text).lower()
            verbatim = [i for i, flat in enumerate(flats) if said in flat]
            if verbatim and not set(verbatim) & set(order):
                order = verbatim[:1]
            # Every source the sentence cites keeps its marker if it backs the sentence; when
            # none does, the first other piece of evidence that does is cited instead.
            found: list[tuple[int, Check]] = []
            bound_elsewhere = False
            for i in order:
                result = self.check(text, evidence[i], question, foreign=foreign)
                bound_elsewhere |= result.misbound
                if result.supported:
                    found.append((i, result))
            if not found:
                for i in (i for i in range(len(evidence)) if i not in order):
                    result = self.check(text, evidence[i], question, foreign=foreign)
                    bound_elsewhere |= result.misbound
                    if result.supported:
                        found.append((i, result))
                        break
            if not found:
                flagged.append(text)
                if bound_elsewhere:
                    misbound.append(text)
                continue
            if frame and not _frame_holds(framed, evidence[found[0][0]]):
                flagged.append(prefix.strip())  # a date the cited source does not carry
                prefix = ""
            markers = []
            for i, result in found:
                key = (evidence[i].chunk_id, result.quote)
                if key not in by_key:
                    by_key[key] = len(citations) + 1
                    citations.append(to_citation(by_key[key], evidence[i], result.quote,
                                                 result.score))
                markers.append(f"[{by_key[key]}]")
            body, end = split_end(text)
            kept.append(f"{prefix}{body} {''.join(markers)}{end}")
        return Review(" ".join(kept), citations, flagged, misbound)


def _frame_holds(framed: str | None, item: Evidence) -> bool:
    """Whether a date frame ("As of 17 January 2025") is the cited source's own date."""
    date = item.effective_date()
    return human_date(date) == framed if framed else date is None


def _exact_quote(sentence: str, text: str, fallback: str) -> str:
    """The span of `text` that says `sentence`, whatever the whitespace between its words."""
    return _spanning(sentence.split(), text) or fallback


def _spanning(words: list[str], text: str, after: str = "") -> str | None:
    """The span of `text` that has these words in order, any whitespace between them, followed
    by what the `after` pattern allows; None when there is none."""
    pattern = r"\s+".join(re.escape(w) for w in words) + after
    found = re.search(pattern, text, re.IGNORECASE) if words else None
    return found.group(0) if found else None


def _verbatim(sentence: str, text: str) -> str | None:
    """The span of `text` that says `sentence` word for word, whatever the whitespace between
    its words and without its closing full stop (one the answer added), or None."""
    words = sentence.rstrip(".!?").split()
    if len(words) < 4:
        return None
    return _spanning(words, text, r"(?![\w.,])")


def _is_filler(text: str) -> bool:
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS]
    return len(words) == 0


def is_abstention(text: str) -> bool:
    """Whether a model's answer says the documents do not answer."""
    return bool(ABSTAIN_PATTERNS.search(text))


def to_citation(n: int, evidence: Evidence, quote: str, score: float) -> Citation:
    return Citation(
        n=n,
        source=evidence.source,
        quote=quote,
        doc_id=evidence.doc_id,
        chunk_id=evidence.chunk_id,
        title=evidence.title,
        published=evidence.published,
        url=evidence.url,
        page=evidence.page,
        score=round(float(score), 4),
        context=evidence.text,
        also=list(evidence.also),
    )
