"""Turning one raw entry (a TOML table, a YAML mapping, a CSV row) into a ``Question``,
with every problem described in words a contributor can act on."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from bank.errors import BankError
from bank.model import Principle, Question

QUESTION_KEYS = ("id", "principle", "text", "followups", "audience")
ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
AUDIENCE_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
MAX_TEXT_LENGTH = 1000
# CSV joins follow-ups with " | ", so a follow-up containing "|" could not survive export.
FOLLOWUP_SEPARATOR = "|"


@dataclass(frozen=True)
class EntryRules:
    """How strict to be: packaged questions need follow-ups and exact slugs; community
    questions may have none and may name their principle."""

    find_principle: Callable[[str], Principle | None]
    unknown_principle: Callable[[str], str]
    min_followups: int
    custom: bool


@dataclass(frozen=True)
class Unreadable:
    """An entry a reader could not turn into a mapping (a CSV row with too many fields);
    it stands in the entry list so its problem is reported in file order."""

    reason: str


def generated_id(slug: str, text: str) -> str:
    """The id of a community question given without one: from its principle and its
    words, so importing the same file again replaces the question instead of adding
    it twice."""
    words = " ".join(text.casefold().split())
    return f"{slug}-{hashlib.sha256(words.encode()).hexdigest()[:8]}"


def describe(where: str, raw: Mapping[str, object]) -> str:
    """``where`` plus the entry's id when it has a usable one."""
    entry_id = raw.get("id")
    if isinstance(entry_id, str) and entry_id.strip():
        return f"{where} (id {entry_id.strip()!r})"
    return where


def _text(raw: Mapping[str, object], key: str, problems: list[str]) -> str | None:
    value = raw.get(key)
    if value is None:
        problems.append(f"{key} is missing")
        return None
    if not isinstance(value, str):
        problems.append(f"{key} must be text, got {value!r}")
        return None
    if not value.strip():
        problems.append(f"{key} is empty")
        return None
    return value.strip()


def _followups(value: object, rules: EntryRules, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problems.append(f"followups must be a list of texts, got {value!r}")
        return ()
    followups = tuple(item.strip() for item in value)
    if any(not item for item in followups):
        problems.append("a follow-up is empty")
    if any(FOLLOWUP_SEPARATOR in item for item in followups):
        problems.append(f"a follow-up contains {FOLLOWUP_SEPARATOR!r}, which CSV files reserve")
    if len(followups) < rules.min_followups:
        problems.append(f"needs at least {rules.min_followups} follow-up, found {len(followups)}")
    return followups


def parse_question(raw: Mapping[str, object], where: str, rules: EntryRules) -> Question:
    """Validate one entry. ``where`` names it ("ownership.toml, question 3"); every
    problem found is raised together in one ``BankError``."""
    where = describe(where, raw)
    problems: list[str] = []
    # repr first: YAML keys need not be strings, and mixed types do not sort.
    unknown = sorted(repr(key) for key in raw if key not in QUESTION_KEYS)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)}; expected {', '.join(QUESTION_KEYS)}")
    generate_id = rules.custom and not str(raw.get("id") or "").strip()
    question_id = None if generate_id else _text(raw, "id", problems)
    if question_id is not None and not ID_PATTERN.fullmatch(question_id):
        problems.append(
            f"id {question_id!r} must be 1-64 letters, digits, '-', '_' or '.', such as 'acme-01'"
        )
    text = _text(raw, "text", problems)
    if text is not None and len(text) > MAX_TEXT_LENGTH:
        problems.append(f"text is {len(text)} characters; the limit is {MAX_TEXT_LENGTH}")
    followups = _followups(raw.get("followups"), rules, problems)

    principle: Principle | None = None
    principle_text = raw.get("principle")
    if principle_text is None:
        problems.append("principle is missing")
    elif not isinstance(principle_text, str):
        problems.append(f"principle must be text, got {principle_text!r}")
    else:
        principle = rules.find_principle(principle_text)
        if principle is None:
            problems.append(rules.unknown_principle(principle_text))

    audience = raw.get("audience")
    if isinstance(audience, str):
        audience = audience.strip() or None
    if audience is not None and (
        not isinstance(audience, str) or not AUDIENCE_PATTERN.fullmatch(audience)
    ):
        problems.append(
            f"audience must be lowercase words joined by '-', such as 'people-managers', "
            f"got {audience!r}"
        )

    if problems:
        raise BankError([f"{where}: {problem}" for problem in problems])
    assert text is not None and principle is not None
    if question_id is None:
        question_id = generated_id(principle.slug, text)
    return Question(
        id=question_id,
        principle=principle.slug,
        text=text,
        followups=followups,
        audience=audience if isinstance(audience, str) else None,
        custom=rules.custom,
    )


def parse_questions(
    entries: Iterable[tuple[str, object]],
    rules: EntryRules,
    settle: Callable[[Question], Question] | None = None,
) -> tuple[list[Question], list[str]]:
    """Parse ``(where, raw)`` pairs (a file-level default principle already merged into
    ``raw``); returns the good questions and every problem, in file order, including ids
    repeated among these entries. ``settle`` gets each good question and returns the one
    to keep, or raises ``BankError`` with the reason to reject it."""
    questions: list[Question] = []
    problems: list[str] = []
    first_seen: dict[str, str] = {}
    for where, raw in entries:
        if isinstance(raw, Unreadable):
            problems.append(f"{where}: {raw.reason}")
            continue
        if not isinstance(raw, Mapping):
            problems.append(
                f"{where}: expected an entry with keys {', '.join(QUESTION_KEYS)}, got {raw!r}"
            )
            continue
        try:
            question = parse_question(raw, where, rules)
            if question.id in first_seen:
                raise BankError(
                    f"{describe(where, raw)}: duplicate id {question.id!r} "
                    f"(first used at {first_seen[question.id]})"
                )
            first_seen[question.id] = where
            if settle is not None:
                try:
                    question = settle(question)
                except BankError as error:
                    raise BankError(f"{describe(where, raw)}: {error}") from None
        except BankError as error:
            problems.extend(error.problems)
            continue
        questions.append(question)
    return questions, problems
