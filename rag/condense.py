"""Follow-up questions made standalone before retrieval, from the conversation so far.

Two ways: an LLM rewrite (the `local`/`openai` answerers' model, like llama-index's condense
step), accepted only when it keeps the follow-up's own words and borrows nothing but words of the
conversation; otherwise, and for `extractive`, a deterministic rewrite that carries the previous
question's topic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .question import LEAD_IN, WORD
from .text import content_terms

Chat = Callable[[list[dict[str, str]]], Iterator[str]]
CONDENSE_SYSTEM = ("You rewrite follow-up questions so they can be understood without the "
                   "conversation. You never answer them.")
# Worked examples: small models copy a pattern far better than they follow an instruction.
CONDENSE_EXAMPLES = [
    ("Where was the new stadium built?", "When did it open?", "When did the new stadium open?"),
    ("Who is the mayor of Springfield?", "And how old is she?",
     "How old is the mayor of Springfield?"),
]
MAX_REWRITE_WORDS = 40

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|then|what about|how about|and what|and who|and when|and where)\b|"
    r"\b(it|its|it's|they|them|their|he|she|his|her|him|the same|the former|the latter)\b|"
    # A demonstrative standing for something said earlier: at the end ("Who said that?"), at the
    # start, or after a verb, preposition or question word ("When was that signed?", "What is
    # in these?"). Not the relative "that" after a noun ("the law that governs X"), not "this
    # year", and not the "there" of "Is there a deadline?".
    r"\b(this|that|these|those)\s*[?.!]?\s*$|^\W*(this|that|these|those)\b|"
    r"\b(is|was|were|are|be|did|does|do|has|have|had|will|would|can|could|about|of|on|in|"
    r"with|for|after|before|by|from|to|at|like|than|why|how|when|where|what|who)\s+(that|these|those|this(?!\s+(?:year|week|month|morning|"
    r"afternoon|evening|weekend|spring|summer|autumn|fall|winter|season|quarter|decade|"
    r"century)\b))\b|"
    r"\bthere\s*[?.!]?\s*$",
    re.IGNORECASE,
)


def needs_context(question: str) -> bool:
    """Whether a question leans on an earlier turn (pronouns, "And ...", very few key terms)."""
    return bool(_FOLLOW_UP.search(question)) or len(content_terms(question)) <= 1


def condense(question: str, history: list[str]) -> tuple[str, str | None]:
    """Rewrite a follow-up into a standalone question, deterministically.

    The previous standalone question supplies the topic: its key terms are appended as context
    ("When was it signed? (about: presidents agree draft treaty)"), which retrieval uses and the
    answer scoring weighs lower than the question's own words.
    Args:
        question: the new turn.
        history: earlier questions of the conversation, oldest first (already standalone).
    Returns:
        The standalone question, and the context it borrowed (None when it needed none).
    """
    if not history or not needs_context(question):
        return question, None
    previous = history[-1]
    topic = _topic(previous)
    if not topic:
        return question, None
    body = LEAD_IN.sub("", question.strip())
    body = body[:1].upper() + body[1:]
    return f"{body} (about: {topic})", previous


def llm_condense(question: str, history: list[str], chat: Chat) -> str | None:
    """Ask a model to rewrite a follow-up; None when it is not needed or the rewrite fails
    `acceptable` (small models drift, answer instead of rewriting, or invent a topic)."""
    if not history or not needs_context(question):
        return None
    messages = [{"role": "system", "content": CONDENSE_SYSTEM}]
    for before, follow_up, rewritten in CONDENSE_EXAMPLES:
        messages.append({"role": "user",
                         "content": f"Earlier question: {before}\nFollow-up: {follow_up}"})
        messages.append({"role": "assistant", "content": rewritten})
    messages.append({"role": "user",
                     "content": f"Earlier question: {history[-1]}\nFollow-up: {question}"})
    text = ""
    stream = chat(messages)
    try:
        for piece in stream:
            text += piece
            if "\n" in text.strip() or len(text) > 400:
                break
    finally:
        close = getattr(stream, "close", None)
        if close:
            close()  # frees the model for the answer (the local generator holds a lock)
    rewrite = _clean(text)
    return rewrite if rewrite and acceptable(question, history, rewrite) else None


def acceptable(question: str, history: list[str], rewrite: str) -> bool:
    """Whether a model's rewrite is a faithful standalone version of the follow-up: a single
    question, every key word of the follow-up kept, at least one word of the previous question
    added (it resolved something), and no word from anywhere else (nothing invented)."""
    if not rewrite.endswith("?") or len(rewrite.split()) > MAX_REWRITE_WORDS:
        return False
    own = set(content_terms(LEAD_IN.sub("", question)))
    said = set(content_terms(rewrite))
    known = set(content_terms(history[-1])) if history else set()
    added = said - own
    return own <= said and bool(added & known) and added <= known


def _clean(text: str) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = re.sub(r"^(standalone question|question|rewritten question)\s*:\s*", "", line.strip(),
                  flags=re.IGNORECASE)
    return line.strip().strip('"“”').strip()


def _topic(question: str) -> str:
    # The earlier question's own words minus question words, in order, so retrieval matches them.
    words = WORD.findall(question)
    keep = [w for w in words if content_terms(w)]
    return " ".join(keep)
