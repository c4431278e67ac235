"""``lpbot bank``: list, validate, import and export the question bank.

Custom (community) questions live in the database; commands that only read include
them when the database already exists and never create one."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from bank import Bank, BankError, Question, load_bank, merge_custom, resolve_principle
from bank.io import (
    EXPORT_FORMATS,
    format_problems,
    question_record,
    read_questions_file,
    write_questions,
)
from bot.cli import add_version
from bot.config import Settings
from storage import StorageError, open_storage, sqlite_path_from_url


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bank",
        help="list, validate, import or export questions",
        description="Work with the question bank: the packaged questions plus your "
        "community's own, imported from CSV, YAML or TOML files.",
    )
    add_version(parser)
    actions = parser.add_subparsers(dest="bank_action", metavar="ACTION")
    actions.required = True

    list_parser = add_version(
        actions.add_parser("list", help="list questions", description="List the questions.")
    )
    list_parser.add_argument("--principle", metavar="SLUG_OR_NAME", help="only this principle")
    list_parser.add_argument("--json", action="store_true", help="print one JSON array")
    list_parser.set_defaults(handler=run_list)

    validate_parser = add_version(
        actions.add_parser(
            "validate",
            help="check a question file (or the packaged bank) without importing it",
            description="Check a CSV, YAML or TOML question file and report every problem; "
            "with no FILE, check the packaged question bank.",
        )
    )
    validate_parser.add_argument("file", metavar="FILE", type=Path, nargs="?")
    validate_parser.set_defaults(handler=run_validate)

    import_parser = add_version(
        actions.add_parser(
            "import",
            help="add a file's questions to the database",
            description="Validate a CSV, YAML or TOML question file and store its questions "
            "in the database (DATABASE_URL). Nothing is stored unless the whole file is valid; "
            "a question whose id is already imported is replaced.",
        )
    )
    import_parser.add_argument("file", metavar="FILE", type=Path)
    import_parser.set_defaults(handler=run_import)

    export_parser = add_version(
        actions.add_parser(
            "export",
            help="print all questions as YAML, CSV or TOML",
            description="Print the packaged and imported questions in a form "
            "`lpbot bank validate` and `lpbot bank import` read back.",
        )
    )
    export_parser.add_argument("--format", choices=EXPORT_FORMATS, default="yaml")
    export_parser.add_argument(
        "--custom-only", action="store_true", help="only the imported (community) questions"
    )
    export_parser.set_defaults(handler=run_export)


# shared with ``lpbot ask`` -----------------------------------------------------------


def database_exists(url: str) -> bool:
    """Whether the database ``url`` names is already there (reading must not create
    one). Raises ``ValueError`` for a URL storage cannot use."""
    path = sqlite_path_from_url(url)
    return path != ":memory:" and Path(path).is_file()


async def _read_custom(url: str) -> list[Question]:
    storage = await open_storage(url)
    try:
        return await storage.custom_questions()
    finally:
        await storage.close()


async def _store_custom(url: str, questions: list[Question]) -> int:
    storage = await open_storage(url)
    try:
        return await storage.add_custom_questions(questions)
    finally:
        await storage.close()


def database_url() -> str:
    """``DATABASE_URL`` from the settings, checked; raises ``ValueError`` (a
    ``ConfigError`` for a bad setting) with a message for the user."""
    url = Settings.from_env().database_url
    sqlite_path_from_url(url)
    return url


def full_bank() -> Bank:
    """The packaged bank plus the database's custom questions. A missing database
    means no custom questions; an unusable one is reported on stderr and skipped, so
    the packaged questions are always available."""
    packaged = load_bank()
    try:
        url = database_url()
        if not database_exists(url):
            return packaged
        custom = asyncio.run(_read_custom(url))
    except (ValueError, StorageError) as error:
        print(f"lpbot: custom questions skipped: {error}", file=sys.stderr)
        return packaged
    return merge_custom(packaged, custom)


def pick_principle(bank: Bank, text: str | None) -> str | None:
    """The slug ``text`` names (None for all); raises ``BankError`` if unknown."""
    return resolve_principle(bank, text).slug if text else None


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


# handlers ----------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    bank = full_bank()
    try:
        slug = pick_principle(bank, args.principle)
    except BankError as error:
        print(f"lpbot bank list: {error}", file=sys.stderr)
        return 2
    questions = bank.questions_for(slug) if slug else bank.questions
    if args.json:
        print(json.dumps([question_record(q, bank) for q in questions], ensure_ascii=False))
        return 0
    for principle in bank.principles:
        group = [q for q in questions if q.principle == principle.slug]
        if not group:
            continue
        print(f"{principle.name} ({_count(len(group), 'question')})")
        for question in group:
            tags = [
                tag for tag in (question.audience, "custom" if question.custom else None) if tag
            ]
            suffix = f"  [{', '.join(tags)}]" if tags else ""
            print(f"  {question.id:<8} {question.text}{suffix}")
        print()
    return 0


def _report(action: str, error: BankError, what: str = "the file was rejected") -> None:
    print(f"lpbot bank {action}: {what}:", file=sys.stderr)
    for problem in format_problems(error):
        print(f"  {problem}", file=sys.stderr)


def run_validate(args: argparse.Namespace) -> int:
    if args.file is None:
        try:
            bank = load_bank()
        except BankError as error:
            _report("validate", error, "the packaged bank is invalid")
            return 1
        print(
            f"packaged bank: {_count(len(bank.principles), 'principle')}, "
            f"{_count(len(bank.questions), 'question')} OK"
        )
        return 0
    try:
        questions = read_questions_file(args.file, load_bank())
    except BankError as error:
        _report("validate", error)
        return 1
    print(f"{args.file}: {_count(len(questions), 'question')} OK")
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        questions = read_questions_file(args.file, load_bank())
    except BankError as error:
        _report("import", error)
        print("Nothing was imported.", file=sys.stderr)
        return 1
    new = [q for q in questions if q.custom]
    already = len(questions) - len(new)
    note = f" ({already} already in the packaged bank were skipped)" if already else ""
    if not new:
        print(f"{args.file}: nothing to import{note}")
        return 0
    try:
        url = database_url()
    except ValueError as error:
        print(f"lpbot bank import: {error}\nNothing was imported.", file=sys.stderr)
        return 2
    try:
        stored = asyncio.run(_store_custom(url, new))
    except StorageError as error:
        print(f"lpbot bank import: {error}\nNothing was imported.", file=sys.stderr)
        return 1
    print(f"{args.file}: imported {_count(stored, 'question')}{note}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    questions = full_bank().questions
    if args.custom_only:
        questions = [q for q in questions if q.custom]
    write_questions(questions, args.format, sys.stdout)
    return 0
