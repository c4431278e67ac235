"""Which question a channel gets next.

The daily question rotates through the principles (the one asked least recently
first) and never repeats a question in a channel until every question of that
principle has been asked there; then that principle starts a new round. All
randomness comes from the ``random.Random`` passed in, so a seeded one makes every
pick reproducible.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

from bank.model import Bank, Question
from storage.values import AskedQuestion as Asked

# Posts that never reached the channel do not count as asked.
_NOT_ASKED_STATUSES = frozenset({"failed", "skipped"})


class NoQuestionsError(LookupError):
    """The bank (or the requested principle) has no question to give."""


def _asked(history: Sequence[Asked]) -> list[Asked]:
    return [record for record in history if record.status not in _NOT_ASKED_STATUSES]


def _eligible(questions: list[Question], audience: str | None) -> list[Question]:
    """Questions for everyone plus those tagged for ``audience``; when that leaves
    nothing, every question (a principle is never skipped for lack of audience)."""
    matching = [q for q in questions if q.audience is None or q.audience == audience]
    return matching or questions


def _choose_unasked(
    questions: list[Question], asked: list[Asked], rng: random.Random
) -> Question:
    """A random question among those asked the fewest times in the channel, so no
    question repeats until all were asked. At the start of a new round the question
    asked last is held back, so a round boundary never repeats it back to back."""
    ids = {q.id for q in questions}
    times_asked: Counter[str] = Counter()
    for record in asked:
        if record.question_id in ids:
            times_asked[record.question_id] += record.times
    fewest = min(times_asked[q.id] for q in questions)
    candidates = [q for q in questions if times_asked[q.id] == fewest]
    if len(candidates) > 1:
        latest = next((r.question_id for r in reversed(asked) if r.question_id in ids), None)
        candidates = [q for q in candidates if q.id != latest] or candidates
    return rng.choice(candidates)


def _principle_questions(bank: Bank, principle: str, audience: str | None) -> list[Question]:
    questions = bank.questions_for(principle)
    if not questions:
        raise NoQuestionsError(f"there are no questions for the principle {principle!r}")
    return _eligible(questions, audience)


def pick_question(
    bank: Bank,
    history: Sequence[Asked],
    rng: random.Random,
    *,
    principle: str | None = None,
    audience: str | None = None,
) -> Question:
    """The channel's next daily question. ``history`` is the channel's posts, oldest
    first (as ``Storage.asked_questions`` returns them); failed and skipped posts are
    ignored. Without ``principle`` the least recently asked principle is chosen (never
    asked first, ties in the bank's order); with it, only that principle's questions.
    Raises ``NoQuestionsError`` when there is nothing to pick."""
    asked = _asked(history)
    if principle is None:
        principle = _least_recent_principle(bank, asked)
    return _choose_unasked(_principle_questions(bank, principle, audience), asked, rng)


def _least_recent_principle(bank: Bank, asked: list[Asked]) -> str:
    last_asked_at: dict[str, int] = {}
    for position, record in enumerate(asked):
        last_asked_at[record.principle] = position
    with_questions = {q.principle for q in bank.questions}
    ranked = [
        (last_asked_at.get(p.slug, -1), order, p.slug)
        for order, p in enumerate(bank.principles)
        if p.slug in with_questions
    ]
    if not ranked:
        raise NoQuestionsError("the question bank is empty")
    return min(ranked)[2]


def pick_random_question(
    bank: Bank,
    history: Sequence[Asked],
    rng: random.Random,
    principle: str | None = None,
    *,
    audience: str | None = None,
) -> Question:
    """A question on demand (``/lp question``): a random principle, or the given one,
    preferring questions this channel has not had yet."""
    if principle is None:
        with_questions = {q.principle for q in bank.questions}
        slugs = [p.slug for p in bank.principles if p.slug in with_questions]
        if not slugs:
            raise NoQuestionsError("the question bank is empty")
        principle = rng.choice(slugs)
    return _choose_unasked(_principle_questions(bank, principle, audience), _asked(history), rng)
