"""Finding a principle from what a person typed: a slug, a name, or part of either."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from bank.errors import BankError
from bank.model import Bank, Principle

# Shorter fragments match too much ("co", "in") to be a deliberate choice.
MIN_PARTIAL_LENGTH = 3


def normalize(text: str) -> str:
    """Lowercase letters and digits only, so "Earth's Best", "earths-best" and
    "earths_best" compare equal."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _keys(principle: Principle) -> tuple[str, str]:
    return normalize(principle.slug), normalize(principle.name)


def match_principle_exactly(principles: Iterable[Principle], text: str) -> Principle | None:
    """The principle whose slug or name equals ``text`` (ignoring case and punctuation)."""
    wanted = normalize(text)
    if not wanted:
        return None
    for principle in principles:
        if wanted in _keys(principle):
            return principle
    return None


def partial_matches(principles: Sequence[Principle], text: str) -> list[Principle]:
    """Principles whose slug or name starts with ``text`` or, failing that, contains it
    (ignoring case and punctuation); empty for fragments under 3 characters."""
    wanted = normalize(text)
    if len(wanted) < MIN_PARTIAL_LENGTH:
        return []
    starting = [p for p in principles if any(k.startswith(wanted) for k in _keys(p))]
    return starting or [p for p in principles if any(wanted in k for k in _keys(p))]


def unknown_principle_message(
    principles: Iterable[Principle], text: str, list_all: bool = True
) -> str:
    """Why ``text`` names no principle, with the likeliest slugs and, if ``list_all``,
    every slug."""
    principles = list(principles)
    by_key: dict[str, str] = {}
    for principle in principles:
        for key in _keys(principle):
            by_key.setdefault(key, principle.slug)
    close = difflib.get_close_matches(normalize(text), list(by_key), n=3, cutoff=0.6)
    suggestions = [p.slug for p in partial_matches(principles, text)]
    suggestions = list(dict.fromkeys([*suggestions, *(by_key[key] for key in close)]))
    message = f"unknown principle {text!r}"
    if suggestions:
        message += f"; did you mean {' or '.join(suggestions)}?"
    if list_all:
        message += f" Known principles: {', '.join(p.slug for p in principles)}"
    return message


def resolve_principle(bank: Bank, text: str) -> Principle:
    """The principle ``text`` refers to: its slug or name (any case, punctuation, spaces,
    hyphens or underscores), or a unique start or unique part of either ("cust",
    "backbone"). Raises ``BankError`` listing the candidates when ``text`` is unknown or
    ambiguous."""
    exact = match_principle_exactly(bank.principles, text)
    if exact is not None:
        return exact
    matches = partial_matches(bank.principles, text)
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{p.slug} ({p.name})" for p in matches)
        raise BankError(f"{text!r} could mean more than one principle: {listed}")
    message = unknown_principle_message(bank.principles, text)
    raise BankError(message[0].upper() + message[1:])
