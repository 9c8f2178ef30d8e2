"""How well a sentence of the evidence answers a question: the measure behind sentence selection,
abstention and citation checks. Evidence-based: key-term coverage weighted by rarity, answer type,
embedding similarity and a few more measurements, combined by the fitted sentence model
(`ranker.py`), never a raw cosine threshold alone.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ingest import introduced_block, section_label, section_labels, unbulleted

from .embeddings import Embedder
from .question import Question, new_names, number_next_to_focus, satisfies
from .ranker import SentenceModel, default_model
from .text import (
    ANAPHORA,
    FUNCTION_WORDS,
    bare_word,
    common_words,
    content_terms,
    final_mark,
    identifier_kinds,
    literals,
    new_literals,
    numbers,
    sentence_spans,
    spelled_out,
    subjectless,
)
from .types import Evidence

IdfFn = Callable[[str], float]
SEMANTIC_CANDIDATES = 16  # sentences embedded per question (the rest are ranked lexically only)


@dataclass
class Candidate:
    """A sentence of one piece of evidence, scored against the question."""

    index: int  # which evidence it comes from
    sentence: str
    start: int
    end: int
    lexical: float = 0.0  # weighted share of the question's terms found (sentence + context)
    semantic: float = 0.0  # cosine similarity of sentence and question
    typed: bool = True  # holds the kind of answer the question asks for
    novel: bool = True  # says something beyond the question's own words
    # The fitted model's probability that it holds the answer (ranker.py): what orders the
    # sentences and what the abstention threshold reads.
    score: float = 0.0
    focus_ok: bool = True  # the noun the question asks about is there (or a near-synonym)
    unseen_ok: bool = True  # question words the collection never mentions are matched anyway
    # The question's names the collection never mentions are there literally (an acronym may be
    # written out): no answer of the asked-for kind stands for a name ("Firefox" is not
    # "Chromium").
    unseen_names_ok: bool = True
    # The names the question writes as code ("XML_StopParser", "--check-theme") are in the
    # sentence, its paragraph or a neighbour, or its section's heading: a sentence about
    # another function does not answer for this one.
    code_ok: bool = True
    # The question's identifiers ("version 3.0") stand in its evidence, and the sentence names
    # no other of their kind instead ("Version 2.2.0").
    numbers_ok: bool = True
    qualified: bool = False  # set by the assistant: may stand as an answer on its own
    features: dict[str, float] = field(default_factory=dict)  # what `ranker.FEATURES` names
    subject: str = ""  # the heading a sentence without a subject describes (`text.subjectless`)
    block: str = ""  # the short block or list a sentence ending in a colon introduces
    # The words its passage uses as ordinary words (`text.common_words`).
    common: frozenset[str] | set[str] = field(default=frozenset(), repr=False)

    @property
    def stated(self) -> str:
        """The sentence with the subject it leaves to its heading and the block it introduces,
        when it does."""
        sentence = f"{self.sentence} {self.block}" if self.block else self.sentence
        return self.headed(sentence) if self.subject else sentence

    def headed(self, sentence: str) -> str:
        """`sentence` after the subject it leaves to its heading."""
        return f"{self.subject}: {unbulleted(sentence)}"  # its bullet is inside the sentence


def _coverage(weights: dict[str, float], present: dict[str, float]) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w * present.get(t, 0.0) for t, w in weights.items()) / total


SOFT_MATCH_FLOOR = 0.3  # word-vector cosine at which a synonym starts to count
SOFT_MATCH_SPAN = 0.4
SOFT_MATCH_MAX = 0.8  # a synonym never counts as much as the word itself
FOCUS_MATCH = 0.6  # the asked-about noun, literally in the sentence or next to it


def _asked_lines(text: str, spans: list[tuple[int, int]]) -> list[str | None]:
    """For each sentence, the line before its own when that line ends in a question ("1.2. |
    Where does the name "Valgrind" come from?"), else None."""
    out: list[str | None] = []
    for a, _ in spans:
        start = text.rfind("\n", 0, a)
        before = text[:start].rstrip() if start > 0 else ""
        line = before[before.rfind("\n") + 1:].strip()
        out.append(line if line and final_mark(line) == "?" else None)
    return out


class SentenceScorer:
    """Scores evidence sentences against a question.

    A question term counts fully when the sentence has it, 0.6 when a neighbouring sentence or
    the title has it, 0.3 when only the chunk has it, and up to 0.8 when the sentence has a
    near-synonym (word-vector similarity).
    Args:
        embedder: for sentence/question and word similarity.
        idf: inverse document frequency of a stemmed term in the indexed collection.
        doc_freq: how many chunks hold each term (0 means the collection never mentions it).
        model: the fitted sentence model (the shipped one by default).
        measure_all: measure every feature, also those the model gives no weight (`evals.fit`
            collects them all); otherwise sentences are embedded only when it weighs them.
    """

    def __init__(self, embedder: Embedder, idf: IdfFn, doc_freq: dict[str, int] | None = None,
                 model: SentenceModel | None = None, measure_all: bool = False) -> None:
        self.embedder = embedder
        self.model = model or default_model()
        self.measure_all = measure_all
        self.idf = idf
        self.doc_freq = doc_freq if doc_freq is not None else {}
        self._word_vectors: dict[str, np.ndarray] = {}

    def _vectors(self, words: list[str]) -> dict[str, np.ndarray]:
        missing = [w for w in dict.fromkeys(words) if w not in self._word_vectors]
        if missing:
            if len(self._word_vectors) > 50_000:
                self._word_vectors.clear()
            for word, vec in zip(missing, self.embedder.embed(missing), strict=True):
                self._word_vectors[word] = np.asarray(vec, dtype=np.float32)
        return {w: self._word_vectors[w] for w in words}

    def unseen_names(self, question: Question) -> set[str]:
        """The question's names (lower-cased) that the collection never mentions."""
        if not self.doc_freq:
            return set()
        return {name for term, word in question.surface.items()
                if (name := bare_word(word)) in question.names
                and not self.doc_freq.get(term)}

    def weights(self, question: Question) -> dict[str, float]:
        return {t: w * self.idf(t) for t, w in question.terms.items()}

    def candidates(self, question: Question, evidence: list[Evidence],
                   query_embedding: list[float] | None = None) -> list[Candidate]:
        """Every sentence of the evidence, best first."""
        weights = self.weights(question)
        asked_ids = identifier_kinds(question.text)
        asked = set(question.terms)
        asked_numbers = numbers(question.text)
        out: list[Candidate] = []
        matches: list[dict[str, float]] = []
        exact: list[set[str]] = []
        for index, item in enumerate(evidence):
            numbers_ok = question.identifiers <= numbers(f"{item.title or ''}\n{item.text}")
            spans = sentence_spans(item.text)
            stems = [set(content_terms(item.text[a:b])) for a, b in spans]
            title = set(content_terms(item.title or ""))
            chunk = set().union(*stems) if stems else set()
            # Sentences of one paragraph share a topic: "Li Wen voted against" two sentences
            # after "bike lanes on Main Street" is still about the bike lanes.
            para_of = [item.text.count("\n\n", 0, a) for a, _ in spans]
            paragraph: dict[int, set[str]] = {}
            for p_id, st in zip(para_of, stems, strict=True):
                paragraph.setdefault(p_id, set()).update(st)
            title_text = (item.title or "").strip().lower()
            common = common_words(item.text, spans)  # a first word among them is no name
            labels = section_labels(item.text)
            asked_before = _asked_lines(item.text, spans)
            for pos, (a, b) in enumerate(spans):
                sentence = item.text[a:b]
                if len(sentence) < 12 or sentence.strip().lower() == title_text:
                    continue  # a headline names the story; it answers nothing by itself
                # The section's heading scopes what is under it ("os.loadavg()" above "On
                # Windows, the return value is always [0, 0, 0].").
                label = section_label(item.text, a, labels) or item.section or ""
                near = title | set(content_terms(label)) | (
                    stems[pos - 1] if pos > 0 else set()) | (
                    stems[pos + 1] if pos + 1 < len(stems) else set())
                own, subject = stems[pos], ""
                asking_line = asked_before[pos]
                if asking_line is not None and final_mark(sentence) != "?":
                    # The line before asks a question, this one answers it (a FAQ: "Where does
                    # the name come from?" then "From Nordic mythology."): its words are this
                    # answer's subject.
                    own = own | set(content_terms(asking_line))
                restates = (bool(own) and own <= asked and 2 * len(own) >= len(asked)
                            and sentence.rstrip().endswith(".")
                            and bool(literals(label) or numbers(label)))
                # A sentence that points back ("This function returns NULL on failure.")
                # within an API entry, under its signature, speaks of what the signature names.
                points_back = (bool(ANAPHORA.match(sentence)) and bool(literals(label))
                               and _labelled_here(item.text, a, labels))
                if label and (subjectless(sentence) or restates or points_back):
                    # Its heading is its subject: "Cancels an Immediate object." under
                    # "clearImmediate(immediate)" names what cancels it, and "This lint detects
                    # when an item is missing documentation." under "missing_docs", which only
                    # restates "Which lint detects items missing documentation?", names which.
                    # Restating is saying at least half of what the question says, as a whole
                    # sentence: a subhead is none, and "And one has yet to be introduced." under
                    # a news caption says too little. The heading must name an item (code or a
                    # number): a topic ("Missing features") says which section, not which thing.
                    own, subject = own | set(content_terms(label)), label
                # A sentence ending in a colon says what it introduces: "There are four
                # built-in encodings in Expat:" names them in the list after it.
                block = introduced_block(item.text, b) or ""
                own = own | set(content_terms(block))
                match = {}
                for t in question.terms:
                    match[t] = 1.0 if t in own else 0.6 if t in near else (
                        0.5 if t in paragraph[para_of[pos]] else 0.3 if t in chunk else 0.0)
                # A statement in the question's own words answers a yes/no question: what it
                # adds is whether it holds ("There is no support for bit fields in structures").
                # A number is news too, one digit or more ("Since version 3, npm hoists ..."),
                # and so is a name written as code that the question does not write, though
                # made of its words ("The path.posix property provides access to POSIX
                # specific implementations of the path methods.").
                # A question says nothing, whatever its words ("What is the location and date
                # for the Super Bowl in 2022?" on a page of search results).
                novel = final_mark(sentence) != "?" and (
                    bool(own - set(question.terms)) or question.answer_type == "yesno"
                    or bool(numbers(sentence) - asked_numbers)
                    or bool(new_literals(sentence, question.text, quoted=False)))
                cand = Candidate(index, sentence, a, b, subject=subject, block=block,
                                 novel=novel, numbers_ok=numbers_ok, common=common)
                cand.typed = satisfies(question, cand.stated, events=False,  # features read it
                                       common=common)
                if asked_ids and numbers_ok:
                    # "Version 2.2.0 (released ...)" is about another version than "3.0", and
                    # "Su-57" another jet than "Su-35".
                    named = identifier_kinds(cand.stated)
                    cand.numbers_ok = all(named[k] & asked_ids[k]
                                          for k in named.keys() & asked_ids)
                cand.lexical = _coverage(weights, match)
                out.append(cand)
                matches.append(match)
                exact.append(own)
        if not out:
            return out
        order = sorted(range(len(out)), key=lambda i: out[i].lexical + 0.05 / (1 + out[i].index),
                       reverse=True)
        head = order[:SEMANTIC_CANDIDATES]
        if question.answer_type == "occasion" and not any(out[i].typed for i in head):
            # "When does it run?": a time when the sentences that match give one, else an
            # event ("when a runtime is removed"); a time elsewhere on the page is no answer.
            for cand in out:
                cand.typed = satisfies(question, cand.stated, common=cand.common)
        literal = [dict(m) for m in matches]  # before synonyms: the required focus must be literal
        self._soft_credit(question, [out[i] for i in head], [matches[i] for i in head])
        if self.measure_all or "semantic" in self.model.weights:
            q = np.asarray(query_embedding if query_embedding is not None
                           else self.embedder.embed_query(question.text), dtype=np.float32)
            vectors = np.asarray(self.embedder.embed([out[i].stated for i in head]),
                                 dtype=np.float32)
            for i, vec in zip(head, vectors, strict=True):
                out[i].semantic = float(vec @ q)
        focus = content_terms(question.focus)[0] if question.focus else None
        if focus in weights:
            weights = {**weights, focus: weights[focus] * 2}
        # A category the answer is an instance of ("which fields": energy, education) need not
        # be in the collection; the other words the collection never mentions must be matched.
        unseen = [t for t, w in question.terms.items()
                  if w >= 1.0 and self.doc_freq and not self.doc_freq.get(t)
                  and (t != focus or question.focus_required)
                  and question.surface.get(t) not in FUNCTION_WORDS]
        # A name has no synonyms: "HashMap" near "BTreeMap" in word vectors does not answer
        # for it, so an unseen name must be there literally; so must an unseen word of an
        # option or a call ("stackframe" of "--max-stackframe" is not "the stack(s)").
        unseen_names = {t for t in unseen if question.surface.get(t, t) in question.verbatim}
        code = {t for lit in literals(question.text) for t in content_terms(lit)} & set(weights)
        typed_question = question.answer_type not in ("any", "yesno")
        # A name the collection never uses may be an acronym its passage writes out ("IAEA":
        # the International Atomic Energy Agency, "WWII-era": World War II).
        spelled: dict[tuple[int, str], bool] = {}

        def spelled_in(index: int, term: str) -> bool:
            if (index, term) not in spelled:
                spelled[(index, term)] = any(
                    spelled_out(word, evidence[index].text)
                    for word in {term, question.surface.get(term, term)})
            return spelled[(index, term)]

        # A question that sets the scene before it asks ("A no-hitter was thrown this week ...
        # Which two teams ...?"): the sentence restating the scene is not the one answering.
        asking = set(content_terms(question.ask)) if question.ask else set(weights)
        ask_weights = {t: w for t, w in weights.items() if t in asking} or weights
        for cand, match, own, lit in zip(out, matches, exact, literal, strict=True):
            cand.lexical = _coverage(weights, match)
            cand.focus_ok = (focus is None or not question.focus_required
                             or lit.get(focus, 0.0) >= FOCUS_MATCH)
            cand.unseen_ok = all(match.get(t, 0.0) >= 0.4 for t in unseen if t not in unseen_names)
            cand.unseen_names_ok = all(lit.get(t, 0.0) >= 0.4 or spelled_in(cand.index, t)
                                       for t in unseen_names)
            cand.code_ok = all(lit.get(t, 0.0) >= 0.4 for t in code)
            cand.features = {
                "lexical": cand.lexical,
                "semantic": max(cand.semantic, 0.0),
                "typed_answer": float(typed_question and cand.typed),
                "novelty": len(own - asked) / len(own) if own else 0.0,
                "focus_named": float(bool(focus) and focus in own),
                "count_next_to_focus": float(number_next_to_focus(cand.stated, question)),
                "chunk_prior": 1.0 / (1 + cand.index),
                "length": min(len(cand.sentence.split()), 60) / 60,
                "new_name": float(bool(new_names(cand.stated, question, cand.common))),
                "ask_lexical": _coverage(ask_weights, match),
            }
            cand.score = self.model.probability(cand.features)
        out.sort(key=lambda c: c.score, reverse=True)
        return out

    def _soft_credit(self, question: Question, cands: list[Candidate],
                     matches: list[dict[str, float]]) -> None:
        """Credit question words a sentence lacks but has a near-synonym of ("draft" ~
        "prepared", "receive" ~ "provide"), by word vectors; never as much as the word itself."""
        q_words = {t: question.surface.get(t, t) for t in question.terms}
        todo = []
        for cand, match in zip(cands, matches, strict=True):
            missing = [t for t, v in match.items() if v < SOFT_MATCH_MAX]
            words = [w.lower() for w in re.findall(r"[A-Za-z][\w'-]+", cand.sentence)
                     if content_terms(w)]
            if missing and words:
                todo.append((match, missing, words))
        if not todo:
            return
        vecs = self._vectors(list(q_words.values()) + [w for _, _, ws in todo for w in ws])
        for match, missing, words in todo:
            matrix = np.stack([vecs[w] for w in words])
            for term in missing:
                best = float(np.max(matrix @ vecs[q_words[term]]))
                credit = SOFT_MATCH_MAX * min(max((best - SOFT_MATCH_FLOOR) / SOFT_MATCH_SPAN,
                                                  0.0), 1.0)
                match[term] = max(match[term], credit)


def _labelled_here(text: str, start: int, labels: list[tuple[int, str]]) -> bool:
    """Whether the label of the text at `start` (`section_labels`) stands in its paragraph."""
    i = bisect.bisect_right(labels, start, key=lambda item: item[0])
    return bool(i) and "\n\n" not in text[labels[i - 1][0]:start]


def make_idf(doc_freq: dict[str, int], n_docs: int) -> IdfFn:
    """BM25-style IDF from document frequencies; unseen terms get the highest weight."""
    top = math.log(1 + (n_docs + 0.5) / 0.5) if n_docs else 1.0

    def idf(term: str) -> float:
        df = doc_freq.get(term)
        if not df:
            return top
        return math.log(1 + (n_docs - df + 0.5) / (df + 0.5))

    return idf
