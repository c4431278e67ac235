"""``lpbot ask``: print one random question, to practise without any chat platform."""

from __future__ import annotations

import argparse
import json
import random
import sys

from bank import Bank, BankError, Question
from bank.io import question_record
from bot.cli import add_version
from bot.cli.bank_cmd import full_bank, pick_principle


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "ask",
        help="print a random question",
        description="Print a random Leadership Principles question with its follow-ups.",
    )
    add_version(parser)
    parser.add_argument(
        "principle", nargs="*", metavar="PRINCIPLE",
        help="e.g. ownership, dive deep or cust (as /lp question takes it); any when left out",
    )
    # Kept for scripts written before the principle was positional.
    parser.add_argument("--principle", dest="principle_option", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run_ask)


def choose_question(bank: Bank, slug: str | None, rng: random.Random) -> Question | None:
    pool = bank.questions_for(slug) if slug else bank.questions
    return rng.choice(pool) if pool else None


def format_question(question: Question, bank: Bank) -> str:
    principle = bank.principle(question.principle)
    lines = [f"{principle.name} ({question.id})", "", question.text]
    if question.audience:
        lines.append(f"(for {question.audience.replace('-', ' ')})")
    if question.followups:
        lines += ["", "Follow-ups:", *(f"  - {f}" for f in question.followups)]
    return "\n".join(lines)


def run_ask(args: argparse.Namespace, rng: random.Random | None = None) -> int:
    bank = full_bank()
    try:
        slug = pick_principle(bank, " ".join(args.principle) or args.principle_option)
    except BankError as error:
        print(f"lpbot ask: {error}", file=sys.stderr)
        return 2
    question = choose_question(bank, slug, rng or random.Random())
    if question is None:
        print("lpbot ask: there are no questions for that principle", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(question_record(question, bank), ensure_ascii=False))
    else:
        print(format_question(question, bank))
    return 0
