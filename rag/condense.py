"""Follow-up questions made standalone before retrieval, from the conversation so far."""

from __future__ import annotations

import re

from .text import content_terms

_FOLLOW_UP = re.compile(
    r"^(and|but|also|so|then|what about|how about|and what|and who|and when|and where)\b|"
    r"\b(it|its|it's|they|them|their|he|she|his|her|this|that|these|those|there|the same|"
    r"former|latter)\b",
    re.IGNORECASE,
)
_LEAD = re.compile(r"^(and|but|also|so|then)\s*,?\s*", re.IGNORECASE)


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
    body = _LEAD.sub("", question.strip())
    body = body[:1].upper() + body[1:]
    return f"{body} (about: {topic})", previous


def _topic(question: str) -> str:
    # The earlier question's own words minus question words, in order, so retrieval matches them.
    words = re.findall(r"[\w'’-]+", question)
    keep = [w for w in words if content_terms(w)]
    return " ".join(keep)
