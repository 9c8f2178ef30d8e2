"""Small text helpers shared by retrieval, answerers and citation checks: sentences, terms, entities."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Collection, Iterator
from datetime import date
from functools import lru_cache
from itertools import pairwise

from ingest import definitions

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "gen", "col", "lt", "sgt", "capt", "cmdr",
    "sen", "rep", "gov", "pres", "rev", "hon", "no", "nos", "vs", "etc", "inc", "ltd", "co", "corp",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "dept", "est", "fig", "e.g", "i.e", "eg", "ie", "cf", "u.s", "u.k", "u.n", "a.m", "p.m", "mt",
    "ft", "vol",
}
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+|\n+")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "aren't", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "let", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "whose", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves", "also", "according", "said", "says", "say", "did", "does", "do", "done", "ever", "still", "yet", "many", "much", "one", "two", "amid", "last", "next", "new", "per", "via", "besides", "beside", "except", "excluding", "aside",
     "apart", "s", "t"]
)
# Prepositions and conjunctions that set up a question ("Since which version ...?") rather than
# say what it asks about, and the verb of "What happens if ...?", which asks for an outcome; a
# small collection may never use them.
FUNCTION_WORDS = frozenset(
    ["across", "along", "although", "among", "amongst", "behind", "beyond", "either", "neither",
     "hence", "however", "moreover", "onto", "since", "though", "throughout", "thus",
     "therefore", "toward", "towards", "upon", "whereas", "whether", "within", "without",
     "happen", "happens", "happened", "happening"])
QUESTION_WORDS = frozenset(["what", "when", "where", "which", "who", "whom", "whose", "why", "how"])

# A number with a point or comma is one token ("21,000", "2.2.0") for the sentence scorer,
# question parsing and the BM25 index alike.
WHOLE_NUMBER = r"\d+(?:[.,]\d+)+"
# A one-letter command-line option ("-l", "-s") is a term of its own: "What does the -l option
# do?" asks about it, and its letter alone is no word.
FLAG = r"(?<![\w-])-[A-Za-z](?![\w'’-])"
# A language named by a letter and its marks ("C++", "C#", "F#") is a term, not a lone letter.
LANGUAGE = r"(?<![\w+#])[A-Za-z](?:\+\+|#)(?![\w+#])"
_TOKEN = re.compile(rf"{FLAG}|{LANGUAGE}|[A-Za-z][A-Za-z0-9'’]*|{WHOLE_NUMBER}%?|\d+%?")


_STRAIGHT = {ord(k): v for k, v in {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                                    "\u00a0": " "}.items()}


def normalize(text: str) -> str:
    """NFKC, curly quotes made straight, dashes unified, whitespace folded."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", " ", text.translate(_STRAIGHT)).strip()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text (abbreviation-aware, newlines end sentences);
    a short one-line definition ("term: what it is. Its default.") or list item ("- encoding
    <string> The encoding. Default: 'utf8'.") is one span, read whole."""
    spans = _sentence_spans(text)
    entries = definitions(text)
    if not entries:
        return spans
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        i = bisect.bisect_right(entries, (a, len(text))) - 1
        if merged and i >= 0 and entries[i][0] <= merged[-1][0] and b <= entries[i][1]:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        piece = text[start:match.start() + 1]
        last_word = re.findall(r"([A-Za-z][A-Za-z.]*)\.?$", piece.strip().rstrip(".!?…\"'”’»)]"))
        if "\n" not in match.group(0):
            # A lone "!" or "?" between spaces before a lower-case word is a token, not an end:
            # the never type in "the fallback type is now ! (not unit)", the operator in "use
            # the ? operator". (A lone full stop is scraped text's end: "shootings . The")
            if match.group(0).rstrip() in ("!", "?") and match.start() > start \
                    and text[match.start() - 1].isspace() \
                    and not (text[end:end + 1].isupper() or text[end:end + 1].isdigit()):
                continue
            # Do not end a sentence after an abbreviation or an initial ("U.S.", "J. Smith").
            word = (last_word[-1] if last_word else "").lower().rstrip(".")
            nxt = text[end:end + 1]
            if piece.rstrip().endswith(".") and (word in _ABBREVIATIONS or len(word) == 1):
                continue
            if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘([«") \
                    and not (nxt.islower() and _ends_on_word(match.group(0), word)):
                continue
        if text[start:end].strip():
            spans.append(_trim(text, start, end))
        start = end
    if text[start:].strip():
        spans.append(_trim(text, start, len(text)))
    return spans


def _ends_on_word(mark: str, word: str) -> bool:
    """Whether a full stop after an English word ends a sentence although the next one opens in
    lower case: reference docs open sentences with a parameter or a command ("The opposite of
    filter. predicate is transformed ...", "... in a tree. npm ci installs ...")."""
    return (mark.strip() == "." and word.isalpha() and len(word) > 2
            and word not in _ABBREVIATIONS and in_dictionary(word))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def split_end(sentence: str) -> tuple[str, str]:
    """A sentence's body and its closing mark ("." when it has none), so that a citation
    marker can go between them. A lone "!" or "?" that a mark closes is the sentence's last
    token, not its end: "the fallback type is now !." ends on the full stop."""
    sentence = sentence.rstrip()
    body = sentence.rstrip(".!?")
    marks = sentence[len(body):]
    if len(marks) > 1 and marks[0] in "!?" and body[-1:].isspace():
        return body + marks[0], marks[-1]
    return body.rstrip(), marks[-1] if marks else "."


CLOSERS = "\"')]”’"  # closing quotes and brackets, which may follow a sentence's final mark


def final_mark(sentence: str) -> str:
    """The ".", "!" or "?" a sentence ends with, read behind closing quotes and brackets; ""
    when it ends with none (a heading, a dateline: "Colombo, Sri Lanka CNN —")."""
    end = sentence.rstrip().rstrip(CLOSERS)[-1:]
    return end if end in (".", "!", "?") else ""


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def tokens(text: str) -> list[str]:
    """Word, number and one-letter option tokens, lower-cased, quotes straightened."""
    return [_token(t) for t in _TOKEN.findall(text)]


def _token(raw: str) -> str:
    return raw.lower() if raw[0] == "-" else raw.lower().replace("’", "'").strip("'-")


# A word joined to code by a symbol is a name, whatever it means in prose: "each" of "_.each(",
# "all" of "np.all", "once" of "emitter.once()", "next" of "Iterator::next".
_CODE_BEFORE = frozenset("._#:`")


def in_code(text: str, start: int, end: int) -> bool:
    """Whether the word at text[start:end] is joined to code by a symbol (a name)."""
    if not text[start].islower():
        return False  # "each.The" is two sentences run together
    if start > 0 and text[start - 1] in _CODE_BEFORE:
        return True
    after = text[end:end + 3]
    if after[:1] in ("(", "`"):
        return True
    joined = after[2:3] if after.startswith("::") else after[1:2] if after[:1] in "._#" else ""
    return joined == "_" or (joined.isascii() and joined.islower())


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


# The noun of a compound preposition or conjunction says nothing of what a sentence is about:
# "in order to target workspaces" is no answer to "In which order are commands run?".
_COMPOUND_NOUNS = {"order": ("in", {"to", "that", "for"}), "terms": ("in", {"of"}),
                   "addition": ("in", {"to"}), "spite": ("in", {"of"}),
                   "behalf": ("on", {"of"}), "regard": ("with", {"to"}),
                   "respect": ("with", {"to"})}


def _content_tokens(text: str, code: bool = False) -> Iterator[str]:
    """Tokens without possessive, stopwords, question words, single letters and the nouns of
    compound prepositions (`_COMPOUND_NOUNS`), in order; a stopword stays where it is code
    (`in_code`, or everywhere when `code`)."""
    found = list(_TOKEN.finditer(text))
    words = [_token(m.group(0)) for m in found]
    for i, token in enumerate(words):
        token = token.removesuffix("'s")
        if token in _COMPOUND_NOUNS and 0 < i < len(words) - 1:
            before, after = _COMPOUND_NOUNS[token]
            if words[i - 1] == before and words[i + 1] in after:
                continue
        if not token or len(token) < 2:
            continue
        if (token not in STOPWORDS and token not in QUESTION_WORDS) or code or in_code(
                text, found[i].start(), found[i].end()):
            yield token


def content_terms(text: str, code: bool = False) -> list[str]:
    """Stemmed tokens without stopwords and question words, in order (duplicates kept); with
    `code`, the text is a name and its stopwords stay ("each" of "_.each")."""
    return [stem(token) for token in _content_tokens(text, code)]


# A sentence that opens by pointing back ("It reports ...", "This function returns ..."): what
# it speaks of is named before it.
ANAPHORA = re.compile(r"^\W*(it|its|this|that|these|those|they|their|them|he|she|his|her|"
                      r"such|both|there)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def _lemma_stems(token: str) -> frozenset[str]:
    from lemminflect import getAllLemmas

    lemmas = {lemma for forms in getAllLemmas(token).values() for lemma in forms}
    return frozenset(stem(w.lower()) for w in lemmas | {token})


def new_terms(text: str, asked: str) -> set[str]:
    """The content terms of `text` that do not restate `asked` (a question).

    A word restates the question when it shares a stem or a dictionary lemma with one of its
    words: "sent" and "sending" restate "send", "added" restates "add", "dogs" does not restate
    "animal".
    """
    asked_stems = {s for t in tokens(asked) for s in _lemma_stems(t.removesuffix("'s"))}
    return {stem(t) for t in _content_tokens(text) if not _lemma_stems(t) & asked_stems}


# A list item's marker comes first: "- Runs BEFORE the package is packed" under "prepublishOnly".
_VERB_FIRST = re.compile(r"(?:[-*•] )?([A-Z][a-z]+s) (?i:(the|a|an|its|their|this|that|these|those|"
                         r"any|all|each|every|whether|true|false|one|no|before|after)\b)")


def subjectless(sentence: str) -> bool:
    """Whether a sentence opens with a verb whose subject is left out, as reference docs describe
    the function their heading names ("Cancels an Immediate object created by setImmediate()."
    under "clearImmediate(immediate)"; "Returns the host name ...")."""
    from lemminflect import getInflection

    match = _VERB_FIRST.match(sentence.strip())
    if not match:
        return False
    word = match.group(1).lower()
    return any(word in getInflection(lemma, "VBZ") for lemma in _verb_lemmas(word))


@lru_cache(maxsize=4096)
def _verb_lemmas(word: str) -> tuple[str, ...]:
    from lemminflect import getAllLemmas

    return tuple(getAllLemmas(word).get("VERB", ()))


MONTH_NAMES = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_EXPR = re.compile(
    rf"\b((19|20)\d{{2}}|({MONTH_NAMES})\.?\s+\d{{1,2}}|\d{{1,2}}\s+({MONTH_NAMES})|"
    rf"(january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"(mon|tues|wednes|thurs|fri|satur|sun)day|yesterday|today|tomorrow|"
    r"\d{1,2}:\d{2}|\d{1,2}(?:\.\d{2})?\s*[ap]\.?m\.?|"
    r"noon|midnight|(every|each) (day|night|morning|evening|week|month|hour|year)|daily|weekly|"
    r"monthly|hourly|nightly|"
    r"(last|next|this|that) (week|month|year|spring|summer|autumn|fall|winter)|"
    r"(following|after|before|during) (the|a|their|his|her|its) (meeting|talks|summit|visit|"
    r"election|vote|war|conference|ceremony)|(19|20)\d{2}s|\d{1,2}/\d{1,2}/\d{2,4})\b",
    re.IGNORECASE,
)
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    "fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|dozen|dozens|half"
)
# A quantity, not a model name: "Mi-28" and "COVID-19" hold digits but count nothing.
_NUMBER_EXPR = re.compile(rf"(?<![\w])(?<![A-Za-z]-)\d|\b({NUMBER_WORDS})\b", re.IGNORECASE)
# A run of capitalised words: where a name may stand (`names` reads which of them are names).
# Whole words in any Latin, Greek or Cyrillic script: "Chloé Zhao" is no "Chlo", which no source
# says, and "Émile" and "Łódź" are names too.
_UPPER = "".join(re.escape(ch) for ch in map(chr, range(0x530)) if ch.isupper())
_NAME_WORD = rf"[{_UPPER}](?:[^\W\d_]|['’\-])+"
NAME_RUN = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")


def has_date(text: str) -> bool:
    return bool(_DATE_EXPR.search(text))


def has_number(text: str) -> bool:
    return bool(_NUMBER_EXPR.search(text))


def quantities(text: str) -> set[str]:
    """The numbers of a text, in digits (`numbers`) or words ("one", "dozens"), lower-cased."""
    return numbers(text) | {m.group(1).lower() for m in _NUMBER_EXPR.finditer(text)
                            if m.group(1)}


_NOT_NAMES = frozenset(MONTH_NAMES.split("|")) | {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "yes",  # "Yes, the Kremlin refused to comment ...": an answer to a yes/no question
}


# Capitalised, these are still no names: "However, ...", "Since which ...?", "Monday".
_ORDINARY = _NOT_NAMES | STOPWORDS | QUESTION_WORDS | FUNCTION_WORDS


def bare_word(word: str) -> str:
    """A word lower-cased, without quotes around it or a possessive ("Obama’s" -> "obama")."""
    return word.lower().strip("'’").removesuffix("'s").removesuffix("’s")


def _contraction(word: str) -> bool:
    """Whether a word is a contraction ("we’ll", "i'm", "don't"): no name, whatever its case."""
    return word.replace("’", "'").rpartition("'")[2] in ("ll", "re", "ve", "m", "d", "t")


def names(text: str, common: Collection[str] = ()) -> set[str]:
    """Capitalised words that look like names (people, places, organisations).

    Months and weekdays are not names, nor is a capitalised first word that is a stopword or
    reads like an ordinary word ("Speaking", "Meanwhile") rather than a name, or that is one of
    `common`, the words the text's passage uses as ordinary words (`common_words`: "Like all
    the AES candidates, ...").
    """
    found = set()
    first = re.match(r"\W*([\w'’-]+)", text)
    first_at = text.find(first.group(1)) if first else 0
    for match in NAME_RUN.finditer(text):
        words = match.group(0).split()
        for i, word in enumerate(words):
            low = bare_word(word)
            if match.start() == first_at and i == 0 and len(words) == 1 and (
                    low.endswith(("ing", "ly", "ed")) or low in common):
                continue
            if low in _ORDINARY or len(low) < 2 or _contraction(low):
                continue
            found.add(low)
    return found


PUNCT = ".,;:!?()[]\"'“”‘’"


def common_words(text: str, spans: list[tuple[int, int]] | None = None) -> set[str]:
    """The words a passage uses as ordinary words, lower-cased, for `names`: those it writes in
    lower case, and the dictionary words that open its sentences and are never capitalised
    inside one ("Like all the AES candidates, ..."; "Trump said ..." beside "Donald Trump"
    stays a name). `spans`: the text's `sentence_spans`, when the caller has them."""
    words = text.split()
    lower = {w.strip(PUNCT) for w in words if w[:1].islower()}
    inside = {w.strip(PUNCT).lower() for prev, w in pairwise(words)
              if w[:1].isupper() and not prev.endswith((".", "!", "?", ":"))}
    firsts = {text[a:b].split(maxsplit=1)[0].strip(PUNCT).lower()
              for a, b in (sentence_spans(text) if spans is None else spans)
              if text[a:b].strip()}
    return lower | {w for w in firsts - inside if w and in_dictionary(w)}


@lru_cache(maxsize=4096)
def in_dictionary(word: str) -> bool:
    """Whether a word is an English word lemminflect knows ("gzip" and "tzdata" are not)."""
    from lemminflect import getAllLemmas

    return bool(getAllLemmas(word))


@lru_cache(maxsize=4096)
def names_a_thing(word: str) -> bool:
    """Whether a word is an English noun and nothing else ("history", "module"): not "added",
    "range" or "set", which a source may say in other words ("New in version 3.9"), nor a name
    or a word of code, which `citations` checks as facts."""
    from lemminflect import getAllLemmas

    kinds = set(getAllLemmas(word.lower()))
    return bool(kinds) and kinds <= {"NOUN", "PROPN"}


def spelled_out(acronym: str, text: str) -> bool:
    """Whether a text writes an acronym out in capitalised words, one letter each (an all-caps
    word may give several): "IAEA" is the International Atomic Energy Agency, "WWII" World War
    II, "OPEC" the Organization of the Petroleum Exporting Countries (small words are skipped)."""
    letters = acronym.upper()
    words = [w.strip(".,;:()[]\"'“”‘’") for w in text.split()]

    def spells(i: int, rest: str) -> bool:
        if not rest:
            return True
        if i >= len(words) or not words[i][:1].isupper():
            # Small words inside a name ("of the") are skipped, not spelled.
            return bool(i < len(words) and words[i] in _SPELLED_SKIP and spells(i + 1, rest))
        word = words[i]
        if word.isupper() and rest.startswith(word.upper()) and spells(i + 1, rest[len(word):]):
            return True
        return rest[0] == word[0] and spells(i + 1, rest[1:])

    return len(letters) >= 2 and any(w[:1] == letters[0] and spells(i, letters)
                                     for i, w in enumerate(words))


_SPELLED_SKIP = frozenset({"of", "the", "and", "for", "on", "in", "&"})


def numbers(text: str) -> set[str]:
    """Digits in a text, normalised (commas dropped), for checking numbers against sources."""
    return {m.replace(",", "") for m in re.findall(r"\d+(?:[.,]\d+)*", text)}


# Code and other literal text: a quoted or backticked span ('w+b', `--test-threads`), or a token
# with a symbol, a call or an inner underscore in it (--with-tzpath, *.tar.gz, ~/.config/x,
# path.format(), or_insert, 🔒).
_LITERAL = re.compile(
    r"`([^`\n]{1,60})`|(?<![\w])['\"‘“]([^'\"‘’“”\n]{1,40}?)['\"’”](?![\w])|"
    r"(\S*(?:[^\w\s.,;:!?'\"‘’“”()\[\]-]|[^\W_]_[^\W_]|\w\.\w|\w\(|^-{1,2}\w|(?<=\s)-{1,2}\w)\S*)")


def literals(text: str, quoted: bool = True) -> set[str]:
    """Literal spans of a text (code, paths, quoted values), lower-cased, without the quotes and
    the sentence's own punctuation.

    Args:
        quoted: count spans in quotation marks; without them, only code (backticked, or a
            token with a symbol in it) that holds a letter: names, not quoted speech or "|".
    """
    found = set()
    for match in _LITERAL.finditer(text):
        if not quoted and match.group(2) is not None:
            continue
        span = next(g for g in match.groups() if g is not None)
        if not quoted and not any(ch.isalpha() for ch in span):
            continue
        if match.group(3) is None:
            span = span.strip()
        else:
            span = span.rstrip(".,;:!?\"'’”").lstrip("(\"'‘“")
            if span.endswith(")") and span.count(")") > span.count("("):
                span = span[:-1]
            if re.fullmatch(r"[$€£¥₹]?[\d.,]+[%x]?|(?:[a-z]\.)+[a-z]?", span, re.IGNORECASE):
                continue  # an amount or a version (`numbers` reads those), an "e.g." or "U.S."
        if span:
            found.add(span.lower())
    return found


def new_literals(text: str, asked: str, quoted: bool = True) -> set[str]:
    """The literals of `text` (`literals`) that `asked` (a question) does not hold."""
    low = asked.lower()
    return {lit for lit in literals(text, quoted) if lit not in low}


def facts(text: str, asked: str) -> set[str]:
    """The words that carry what a text asserts beyond a question: its numbers (in digits,
    `stated_numbers`), names and code the question does not hold, lower-cased, word by word
    ("The default interval is 10 seconds" -> {"10"}; "Result::expect() unwraps ..." ->
    {"result", "expect"} when the question names neither).
    """
    asked_words = {bare_word(t) for t in tokens(asked)} | stated_numbers(asked)
    spans = names(text) | literals(text, quoted=False)
    words = {bare_word(t) for span in spans for t in tokens(span)}
    return (stated_numbers(text) | words) - asked_words


_SPELLED = {word: str(n) for n, word in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
     "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
     "nineteen", "twenty"])} | {
    "thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80",
    "ninety": "90", "hundred": "100"}


def stated_numbers(text: str) -> set[str]:
    """The numbers a text states, in digits or spelled out ("five-hour talks" states 5): what a
    sentence that gives them in digits may be checked against."""
    spelled = {_SPELLED[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _SPELLED}
    return numbers(text) | spelled


# A number that names something rather than counts it: a version ("2.2.0", "3.0", "1.x") or a
# model or strain ("Su-35", "Covid-19", "BA.4"). Amounts ("$2.04 billion", "31 men", "the 17th
# month", "a 7.0-magnitude quake") are not: reports restate those loosely ("$11.8 million" for
# "more than $11 million"), and so are ratios: the "for-1" of "a 20-for-1 split" names nothing
# (the "ECMA-182" of "CRC-64-ECMA-182" does).
_IDENTIFIER = re.compile(
    r"(?:(?<!\d-)|(?=[A-Z]))\b[A-Za-z]+[-.]?\d[\w.]*|\b\d+(?:\.\d+){2,}\b|(?<![$€£])\b\d+\.(?:\d+|x)\b"
    r"(?![-\w]|\s*(?:%|percent|million|billion|trillion|thousand|m\b|bn\b))")


def identifier_words(text: str) -> set[str]:
    """A text's identifiers as written, lower-cased ("Tidewater 1.x" -> {"1.x"})."""
    return {m.group(0).lower().rstrip(".") for m in _IDENTIFIER.finditer(text)}


@lru_cache(maxsize=4096)
def _names_number(word: str, after: str | None) -> bool:
    """Whether "<word> <number> <after>" names something by its number rather than counts."""
    low = word.lower()
    if low in STOPWORDS or low in FUNCTION_WORDS or low in _MONTHS:
        return False
    if not after or not after.islower() or after in STOPWORDS:
        return True
    from lemminflect import getAllLemmas

    # "4 threads", "7 daily snapshots": a plural or an adjective after the number counts.
    lemmas = getAllLemmas(after)
    plural = bool(lemmas.get("NOUN")) and after not in lemmas["NOUN"]
    return not (plural or ("ADJ" in lemmas and "VERB" not in lemmas))


def _named_numbers(text: str) -> Iterator[tuple[str, str]]:
    """(kind, identifier) for each number the word before it names ("season 4", "Pixel 6",
    "exit code 2", "Windows 11": kind "season #") and each year before a name ("the 2021 Tour
    de France": kind "# tour"); another number under the same word is another season, model
    or year of it."""
    words = text.split()
    for i, token in enumerate(words):
        number = token.rstrip(PUNCT)
        digits = number[:-1] if number[-1:].islower() else number  # "Pixel 5a"
        if not (digits.isascii() and digits.isdigit() and len(digits) <= 4):
            continue
        bare = number == token  # "season 4" goes on: what follows may make it a count
        after = words[i + 1].strip(PUNCT) if bare and i + 1 < len(words) else None
        prev = words[i - 1] if i else ""
        if (len(prev) > 1 and prev.isascii() and prev.replace("-", "").isalpha()
                and prev[-1].isalpha() and prev[1:].islower() and after != "percent"
                and _names_number(prev, after)):
            yield f"{prev.lower()} #", f"{prev.lower()} {number}"
        if after and bare and is_year(digits) and after[:1].isupper():
            name = after.lower()
            if name not in STOPWORDS and name not in _MONTHS:
                yield f"# {name}", f"{digits} {name}"


_MONTHS = frozenset(MONTH_NAMES.split("|"))


def is_year(number: str) -> bool:
    """Whether a number as written is a year of the last or this century ("2021")."""
    return len(number) == 4 and number.isdigit() and number[:2] in ("19", "20")


def identifier_kinds(text: str) -> dict[str, set[str]]:
    """A text's identifiers by kind, their letters around the number ("Su-35" -> {"su#":
    {"su-35"}}, a bare version "3.0" -> {"#": {"3.0"}}) and the numbers words name
    (`_named_numbers`: "season 4" -> {"season #": {"season 4"}}). Letters after the number
    make another kind: "bzip2recover" is a program beside "bzip2", not another version of it."""
    kinds: dict[str, set[str]] = {}
    for word in identifier_words(text):
        kind = re.sub(r"[-.]?\d[\d.x]*", "#", word)
        kinds.setdefault(kind, set()).add(word)
    for kind, named in _named_numbers(text):
        kinds.setdefault(kind, set()).add(named)
    return kinds


def identifiers(text: str) -> set[str]:
    """The numbers of a text's identifiers ("version 3.0" -> {"3.0"}, "Su-35" -> {"35"})."""
    return {n for m in _IDENTIFIER.finditer(text) for n in numbers(m.group(0))}


def human_date(iso: str | None) -> str | None:
    """`2025-01-17` -> `17 January 2025`."""
    if not iso:
        return None
    try:
        day = date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day.day} {day.strftime('%B')} {day.year}"
