"""The question bank's data types: principles and the questions asked about them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principle:
    """One Leadership Principle, summarised in our own words.

    ``signals`` are words and short phrases an interviewer listens for when judging
    whether a story really shows this principle; the STAR coach uses them for relevance.
    """

    slug: str
    name: str
    summary: str
    signals: tuple[str, ...] = ()
    color: int = 0xFF9900
    order: int = 0


@dataclass(frozen=True)
class Question:
    """A behavioural question with the probes an interviewer would follow up with."""

    id: str
    principle: str  # the principle's slug
    text: str
    followups: tuple[str, ...] = ()
    audience: str | None = None  # e.g. "people-managers"; None means everyone
    custom: bool = False  # True for a community's imported question


@dataclass
class Bank:
    """All principles (in their canonical order) and all questions."""

    principles: list[Principle] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)

    def principle(self, slug: str) -> Principle:
        for p in self.principles:
            if p.slug == slug:
                return p
        raise KeyError(slug)

    def question(self, question_id: str) -> Question:
        for q in self.questions:
            if q.id == question_id:
                return q
        raise KeyError(question_id)

    def questions_for(self, slug: str) -> list[Question]:
        return [q for q in self.questions if q.principle == slug]
