"""What a question asks for: its key terms and the kind of answer that would satisfy it."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

from .text import (
    LANGUAGE,
    NAME_RUN,
    NUMBER_WORDS,
    WHOLE_NUMBER,
    bare_word,
    content_terms,
    final_mark,
    has_date,
    has_number,
    identifiers,
    in_code,
    in_dictionary,
    literals,
    names,
    numbers,
    sentence_spans,
)

AnswerType = Literal["date", "occasion", "number", "version", "person", "reason", "yesno", "any"]
_REASON = re.compile(
    r"\b(because|due to|owing to|as a result|caused|causes|cause|so that|in order to|"
    r"thanks to|led to|reason|why|over concerns?|citing|to (protest|avoid|prevent|"
    r"allow|help|ensure)|(as|since) (it|they|such))\b", re.IGNORECASE)

_AUX = re.compile(
    r"^(is|are|was|were|does|do|did|has|have|had|can|could|will|would|should|shall|may|might)\b",
    re.IGNORECASE,
)
# Words that ask for the newest state of things: retrieval prefers recent sources for them and
# answers put the newest report first.
RECENCY = re.compile(
    r"\b(latest|now|currently|current|recent|recently|newest|most recent|still|today|as of|"
    r"at present|these days|so far|yet)\b",
    re.IGNORECASE,
)


@dataclass
class Question:
    """A parsed question: weighted key terms and the expected answer type."""

    text: str
    terms: dict[str, float] = field(default_factory=dict)  # stem -> weight (context terms < 1)
    answer_type: AnswerType = "any"
    wants_recent: bool = False
    names: set[str] = field(default_factory=set)
    focus: str | None = None  # the noun asked about, when plain from the wording
    focus_required: bool = False  # whether an answer must mention it
    surface: dict[str, str] = field(default_factory=dict)  # stem -> a word as written
    identifiers: set[str] = field(default_factory=set)  # numbers naming something: "3.0", "Su-35"
    # Words no synonym stands for, lower-cased as written: the names, and the words of code,
    # options, paths and quoted values ("--max-stackframe", "json.load()").
    verbatim: set[str] = field(default_factory=set)
    # The sentence that asks, when others before it set the scene ("A no-hitter was thrown this
    # week for just the second time in World Series history. Which two teams are competing?");
    # the whole question otherwise.
    ask: str = ""
    # The earlier question a follow-up leans on, when no model rewrote it standalone ("What is
    # its uid?" after "Which user runs gnats?"): a reader must be shown it to know what "its" is.
    context: str | None = None


MONEY_QUESTION = re.compile(
    r"\bhow much (money\b|(?:[\w'’-]+\s+){0,5}?(cost|costs|pay|paid|spend|spent|charge|charged|"
    r"earn|earned|owe|invest|invested|bid|fine|fined)\b)|\b(price|cost) of\b", re.IGNORECASE)
MONEY = re.compile(
    r"[$€£¥₹]\s?\d|\d[\d,.]*\s*(?:million|billion|thousand|m|bn|k)?\s*"
    r"(?:dollars?|euros?|pounds?|yuan|yen|rupees?|roubles?|rubles?|rials?|francs?|usd|eur|gbp)\b",
    re.IGNORECASE)
# "Which version ...?", "In which Python version ...?": a release number answers ("3.6", "1.95.7"),
# not any quantity ("about 40 minutes"); so does a whole number a version is set to ("version 2",
# "the spec version was bumped to 20191213"), not a count further on ("the version adds 40 ...").
VERSION_QUESTION = re.compile(r"(what|which) ([\w.'’+-]+ ){0,2}?versions?\b", re.IGNORECASE)
RELEASE_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)+(?![\w.]*\d)|"
                            r"\bversion(?:(?: [a-z]+){0,3}? (?:is|was|to))? \d+\b", re.IGNORECASE)
_WH = re.compile(r"\b(when|what|which|who|whom|whose|where|why|how)\b", re.IGNORECASE)


def answer_type(text: str) -> AnswerType:
    """The kind of answer a question expects, from its wording.

    Only the question's own wh-phrase counts: the "when" of "Who ... when the treaty was signed?"
    belongs to a clause, not to what is asked.
    """
    low = text.lower().strip()
    if _AUX.match(low) and not _WH.search(low.split(",")[0][:40]):
        return "yesno"
    first = _WH.search(low)
    if not first:
        return "any"
    low = low[first.start():]
    timed = re.match(r"(?P<occasion>when (do|does|is|are)\b)|when\b|(what|which) (year|date|day|month|"
                     r"time)\b|since when\b|how long ago\b", low)
    if timed:
        # A present-simple "when does the prepare script run?" ("When are the hooks called?")
        # asks on what occasion: a time ("every day at 02:00") or an event ("before the package
        # is packed", "when a runtime is removed", "if they compile").
        return "occasion" if timed.group("occasion") else "date"
    # A limit asks for a quantity ("What is the maximum depth ...?"), and so does a question
    # that names its unit ("What is the default interval, in seconds?").
    if re.match(r"how (many|much|long|old|far)\b|(what|which) (number|percentage|share|amount)\b"
                r"|(what|which) (is|are|was|were) the (([\w'’-]+ ){0,2}?(maximum|minimum)\b|"
                r".*\bin (milli|micro)?(seconds|minutes|hours|days|bytes|percent)\W*$)", low):
        return "number"
    if VERSION_QUESTION.match(low):
        return "version"
    if re.match(r"who\b|whom\b|whose\b|which ([\w'’-]+ ){0,2}?(person|people|officials?|"
                r"presidents?|leaders?|spokes(man|woman|person|men|women|people)|ministers?|"
                r"directors?|heads?|politicians?)\b", low):
        return "person"
    if re.match(r"why\b|(for )?what reason\b|what (caused|led to)\b", low):
        return "reason"
    return "any"


# A trailing clause that sets the scene rather than says what is asked ("... after the attack").
_SCENE = re.compile(
    r"\b(after|before|during|since|following|when|while|according to|in the wake of|amid|"
    r"besides|apart from|other than)\b",
    re.IGNORECASE,
)
SCENE_WEIGHT = 0.6
_GENERIC_FOCUS = {"kind", "type", "sort", "part", "name", "number", "way", "thing", "one", "ones",
                  "value", "values"}
_FILLER = {"kind", "type", "sort", "name", "way"}  # "what kind of meeting": the meeting is asked
# A focus noun that names the kind of answer: "What is the release date of ...?" asks for a date,
# which a sentence gives without the word ("It was released on April 20, 2018").
_DATE_NOUNS = {"date", "dates", "year", "day", "month"}
_FOCUS_PATTERNS = [
    re.compile(r"^(?:in |of |for |at |by )?(?:which|what)\s+(?:[\w'’-]+\s+){0,2}?(?P<focus>[\w'-]+)\s+"
               r"(?:was|were|is|are|did|does|do|has|have|had|will|would|can|could)\b",
               re.IGNORECASE),
    re.compile(r"\bhow many\s+(?:(?!of\b)[\w'-]+\s+){0,2}?(?P<focus>(?!of\b)[\w'-]+)\s+"
               r"(?:will|would|did|does|do|were|was|are|is|have|has|had|can|could)\b",
               re.IGNORECASE),
    re.compile(r"\bhow (?:many|much)\s+(?P<focus>[\w'-]+)", re.IGNORECASE),
    re.compile(r"\b(?:what|which|who)\s+(?:is|are|was|were)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?"
               r"(?P<focus>[\w'-]+)\s+(?:of|for|to|in|at|on|that|who)\b", re.IGNORECASE),
    re.compile(r"^(?:who|what)\s+(?:is|are|was|were)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}?"
               r"(?P<focus>[\w'-]+)\s*\??$", re.IGNORECASE),
]


def focus_word(text: str) -> tuple[str | None, bool]:
    """The noun a question asks about, and whether an answer must mention it.

    "What is the population of Tehran?" asks about the population: an answer must mention it.
    "Which city ...?" names a category the answer is an instance of ("Moscow"): it weighs, but
    need not be mentioned.
    """
    for number, pattern in enumerate(_FOCUS_PATTERNS):
        match = pattern.search(text.strip())
        if match:
            word = match.group("focus").lower()
            if number > 2 and word.endswith(("ed", "ing")):
                continue  # a verb ("expected to sign"), not the noun asked about
            if word not in _GENERIC_FOCUS and content_terms(word):
                return word, number >= 1
    return None, False


# A conversational lead-in ("And who ...", "So, when ..."): not what is asked.
LEAD_IN = re.compile(r"^\s*(?:and|but|so|also|then|ok(?:ay)?|now|well)\b\s*,?\s*", re.IGNORECASE)


# A question's words as written, a dotted or grouped number whole ("2.2.0", "4,000"), a
# language's marks kept ("C++").
WORD = re.compile(rf"{WHOLE_NUMBER}|{LANGUAGE}|[\w'’-]+")


def parse(text: str, context: str | None = None) -> Question:
    """Parse a question; `context` (an earlier turn) adds its terms at a lower weight.

    Words in a trailing scene-setting clause ("... after the Crocus City Hall attack") weigh
    less than those of the main clause, which say what is asked.
    """
    terms: dict[str, float] = {}
    surface: dict[str, str] = {}
    # The question without its lead-in ("And ..."): what is asked.
    core = LEAD_IN.sub("", text)
    scene = _SCENE.search(text)
    cut = scene.start() if scene and len(text[: scene.start()].split()) >= 3 else len(text)
    for match in WORD.finditer(text):
        word = match.group(0)
        weight = 1.0 if match.start() < cut else SCENE_WEIGHT
        if word.lower() in _FILLER:
            continue
        for term in content_terms(word, code=in_code(text, match.start(), match.end())):
            terms[term] = max(terms.get(term, 0.0), weight)
            surface.setdefault(term, word.lower())
    if context:
        for term in content_terms(context):
            terms.setdefault(term, 0.35)
    focus, required = focus_word(core)
    kind = answer_type(core)
    if focus in _DATE_NOUNS and kind == "any":
        kind, required = "date", False
    # "Which version keyword ...?" asks for a keyword, not a release.
    words = [word.lower() for word in WORD.findall(core)]
    if kind == "version" and focus and any(
            word in ("version", "versions") and after == focus
            for word, after in pairwise(words)):
        kind = "any"
    return Question(
        text=text,
        terms=terms,
        answer_type=kind,
        wants_recent=bool(RECENCY.search(text)),
        names=names(text),
        surface=surface,
        focus=focus,
        focus_required=required,
        identifiers=identifiers(text),
        ask=asking_sentence(core),
        context=context,
        # A hyphenated term ("the fetch-retries config") is a setting's or a command's name
        # as much as a code span is.
        verbatim=names(text) | {word.lower() for literal in literals(text)
                                for word in WORD.findall(literal)}
        | {word for word in surface.values() if "-" in word.strip("-")},  # already lower-cased
    )


def asking_sentence(text: str) -> str:
    """The sentence of a question that asks: the last one ending in a question mark, else the
    last one; the whole text when it is one sentence."""
    spans = sentence_spans(text)
    if len(spans) < 2:
        return text.strip()
    pieces = [text[a:b].strip() for a, b in spans]
    asking = [piece for piece in pieces if final_mark(piece) == "?"]
    return (asking or pieces)[-1]


def satisfies(question: Question, sentence: str, *, events: bool = True,
              common: Collection[str] = ()) -> bool:
    """Whether a sentence holds the kind of thing the question asks for; with `events` False,
    an occasion must be a time (`SentenceScorer.candidates` takes events only when the evidence
    gives no time). `common`: the words the sentence's passage uses as ordinary words
    (`text.common_words`), none of them a name when it opens the sentence.
    """
    kind = question.answer_type
    if kind in ("date", "occasion"):
        rest = _without(sentence, question.text)
        return has_date(rest) or (kind == "occasion" and events
                                  and _states_event(sentence, question.text))
    if kind == "number":
        rest = _without(sentence, question.text)
        if MONEY_QUESTION.search(question.text):
            return bool(MONEY.search(rest))
        # "How many X": a number counting X is best (a scoring bonus); any quantity will do.
        return has_number(rest)
    if kind == "version":
        released = {n for m in RELEASE_NUMBER.finditer(sentence) for n in numbers(m.group(0))}
        return bool(released - numbers(question.text))
    if kind == "reason":
        return bool(_REASON.search(sentence))
    if kind == "person":
        # A name the question does not already contain (nor part of one it does: "Vladimir" in
        # "Vladimir Putin" is no new name when the question names Putin).
        return bool(new_names(sentence, question, common))
    return True


# What places a thing by an event or a condition ("after", "when", "if", ...).
_EVENT_WORDS = frozenset({"after", "before", "during", "since", "following", "when", "while",
                          "amid", "until", "if", "unless", "once", "whenever", "upon"})
_CLAUSE_ENDS = ",;:.!?"


def _states_event(sentence: str, question: str) -> bool:
    """Whether a sentence places what an occasion question asks about by an event or a
    condition the question does not state ("Runs BEFORE the package is packed", "called when a
    runtime is removed", "pass if they compile"): "When automatic backups run, as a cron
    expression" only restates "When do automatic backups run?"."""
    asked = set(content_terms(question))
    for match in WORD.finditer(sentence):
        if match.group(0).lower() in _EVENT_WORDS:
            rest = sentence[match.end():]
            cut = min((i for i in map(rest.find, _CLAUSE_ENDS) if i >= 0), default=len(rest))
            if set(content_terms(rest[:cut])) - asked:
                return True
    return False


def _without(sentence: str, question: str) -> str:
    """The sentence without the words the question already has (a "35" in "Su-35" is no answer
    to "how many Su-35 jets")."""
    asked = {w.lower() for w in re.findall(r"[\w'’]+", question) if content_terms(w)}
    return " ".join(w for w in re.findall(r"[\w'’%/.$€£¥₹-]+", sentence)
                    if not any(part.lower() in asked for part in re.split(r"[-/]", w) if part))


def new_names(sentence: str, question: Question, common: Collection[str] = ()) -> set[str]:
    """Names in a sentence that are not, and are not part of, a name the question mentions:
    their words the question does not have ("york" of "New York City" for "Which city ...?";
    `common` as for `text.names`)."""
    said = {w.lower() for w in WORD.findall(question.text)}
    asked = question.names | set(question.terms) | said
    # A word the question has rules out a name holding it when the question names it, or
    # writes it in lower case but no dictionary has it ("putin"); a common word does not: "New
    # York City" is a new name for "Which major city ...?".
    known = question.names | {w for w in said if not in_dictionary(w)}
    # Read in the whole sentence: a capitalised first word is no name when it reads like an
    # ordinary word ("Meanwhile", `text.names`).
    in_sentence = names(sentence, common)
    found: set[str] = set()
    for match in NAME_RUN.finditer(sentence):
        # A possessive ends a name: "Kanye West’s Twitter account" names Kanye West and Twitter.
        run = match.group(0).split()
        cuts = [i + 1 for i, word in enumerate(run[:-1]) if word.endswith(("'s", "’s"))]
        for start, end in zip([0, *cuts], [*cuts, len(run)], strict=True):
            # A title or an owner the question names may stand before a name ("President
            # Barack Obama", "Tesla CEO Elon Musk"): the name is what follows it.
            words = run[start:end]
            while words and bare_word(words[0]) in asked:
                words.pop(0)
            phrase = names(" ".join(words)) & in_sentence
            if not phrase & known:
                found |= phrase - asked
    return found


def number_next_to_focus(sentence: str, question: Question) -> bool:
    """Whether a quantity stands right before the thing a "how many" question counts
    ("40 parking spaces" for "How many parking spaces ...")."""
    if question.answer_type != "number" or not question.focus:
        return False
    focus = re.escape(question.focus[:5])
    pattern = (rf"(?<![\w-])(\d[\d,.]*|(?:{NUMBER_WORDS}|several|many))\s+(?:[\w'-]+\s+){{0,2}}{focus}")
    return bool(re.search(pattern, sentence, re.IGNORECASE))
