"""Loading the packaged question bank from ``bank/data``: ``principles.toml`` (the
principles, in canonical order) and one TOML file of questions per principle."""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import replace
from pathlib import Path

from bank.entries import EntryRules, parse_questions
from bank.errors import BankError
from bank.model import Bank, Principle, Question
from bank.resolve import unknown_principle_message

DATA_DIR = Path(__file__).with_name("data")
PRINCIPLES_FILE = "principles.toml"
PRINCIPLE_KEYS = ("slug", "name", "summary", "color", "signals")
QUESTION_FILE_KEYS = ("principle", "questions")
SLUG_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def read_toml(path: Path, label: str) -> dict[str, object]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError(f"{label}: no such file") from None
    except UnicodeDecodeError:
        raise BankError(f"{label}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"{label}: not valid TOML: {error}") from None


def toml_question_entries(data: dict[str, object], label: str) -> list[tuple[str, object]]:
    """The ``(where, raw)`` entries of a question file shaped like the packaged ones: an
    optional top-level ``principle`` and a ``[[questions]]`` array. The top-level
    principle is the default for entries that do not name their own."""
    unknown = sorted(set(data) - set(QUESTION_FILE_KEYS))
    if unknown:
        raise BankError(
            f"{label}: unknown top-level key(s) {', '.join(map(repr, unknown))}; "
            f"expected 'principle' and [[questions]]"
        )
    questions = data.get("questions")
    if not isinstance(questions, list) or not questions:
        raise BankError(f"{label}: no [[questions]] entries found")
    default = data.get("principle")
    entries: list[tuple[str, object]] = []
    for index, raw in enumerate(questions, start=1):
        if isinstance(raw, dict) and default is not None:
            raw = {"principle": default, **raw}
        entries.append((f"{label}, question {index}", raw))
    return entries


def _parse_principle(raw: object, where: str) -> Principle:
    if not isinstance(raw, dict):
        raise BankError(f"{where}: expected a table of {', '.join(PRINCIPLE_KEYS)}")
    problems: list[str] = []
    unknown = sorted(set(raw) - set(PRINCIPLE_KEYS))
    if unknown:
        problems.append(f"unknown key(s) {', '.join(map(repr, unknown))}")
    texts: dict[str, str] = {}
    for key in ("slug", "name", "summary"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{key} must be non-empty text, got {value!r}")
        else:
            texts[key] = value.strip()
    if "slug" in texts:
        where = f"{where} ({texts['slug']})"
        if not SLUG_PATTERN.fullmatch(texts["slug"]):
            problems.append("slug must be lowercase words joined by '-'")
    color = raw.get("color")
    if isinstance(color, bool) or not isinstance(color, int) or not 0 <= color <= 0xFFFFFF:
        problems.append(f"color must be an RGB number such as 0xFF9900, got {color!r}")
    signals = raw.get("signals")
    if (
        not isinstance(signals, list)
        or not signals
        or not all(isinstance(s, str) and s.strip() for s in signals)
    ):
        problems.append("signals must be a non-empty list of non-empty texts")
    else:
        if any(s != s.strip().lower() for s in signals):
            problems.append("signals must be lowercase with no surrounding spaces")
        if len(set(signals)) != len(signals):
            problems.append("signals contain a duplicate")
    if problems:
        raise BankError([f"{where}: {problem}" for problem in problems])
    assert isinstance(color, int) and isinstance(signals, list)
    return Principle(
        slug=texts["slug"],
        name=texts["name"],
        summary=texts["summary"],
        signals=tuple(signals),
        color=color,
    )


def load_principles(path: Path) -> list[Principle]:
    """The principles in file order, with ``order`` numbered from 1."""
    label = path.name
    data = read_toml(path, label)
    raw_list = data.get("principles")
    if not isinstance(raw_list, list) or not raw_list:
        raise BankError(f"{label}: no [[principles]] entries found")
    principles: list[Principle] = []
    problems: list[str] = []
    for index, raw in enumerate(raw_list, start=1):
        try:
            principle = _parse_principle(raw, f"{label}, principle {index}")
        except BankError as error:
            problems.extend(error.problems)
            continue
        for earlier in principles:
            if earlier.slug == principle.slug or earlier.name == principle.name:
                problems.append(
                    f"{label}, principle {index} ({principle.slug}): same slug or name as "
                    f"principle {earlier.order}"
                )
        principles.append(replace(principle, order=index))
    if problems:
        raise BankError(problems)
    return principles


def load_bank_from(directory: Path) -> Bank:
    """Load and validate ``principles.toml`` and every other ``*.toml`` in ``directory``
    as a question file. Questions come out in the principles' order, then file order."""
    principles = load_principles(directory / PRINCIPLES_FILE)
    by_slug = {p.slug: p for p in principles}
    rules = EntryRules(
        find_principle=by_slug.get,
        unknown_principle=lambda text: unknown_principle_message(principles, text),
        min_followups=1,
        custom=False,
    )
    entries: list[tuple[str, object]] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.toml")):
        if path.name == PRINCIPLES_FILE:
            continue
        try:
            entries.extend(toml_question_entries(read_toml(path, path.name), path.name))
        except BankError as error:
            problems.extend(error.problems)
    questions, entry_problems = parse_questions(entries, rules)
    problems.extend(entry_problems)
    if problems:
        raise BankError(problems)
    order = {p.slug: p.order for p in principles}
    questions.sort(key=lambda q: order[q.principle])
    return Bank(principles=principles, questions=questions)


@functools.lru_cache(maxsize=1)
def load_bank() -> Bank:
    """The packaged bank, loaded once. Shared by every caller: do not modify it; use
    ``merge_custom`` for a copy with a community's questions added."""
    return load_bank_from(DATA_DIR)


def merge_custom(bank: Bank, custom: list[Question]) -> Bank:
    """A new bank: ``bank``'s questions plus ``custom`` ones, in principle order. A
    custom question whose id is already taken or whose principle is unknown is left
    out (import rejects both, so this only guards against a hand-edited database)."""
    taken = {q.id for q in bank.questions}
    order = {p.slug: p.order for p in bank.principles}
    added = []
    for question in custom:
        if question.id not in taken and question.principle in order:
            taken.add(question.id)
            added.append(question)
    questions = sorted([*bank.questions, *added], key=lambda q: order.get(q.principle, 0))
    return Bank(principles=list(bank.principles), questions=questions)
