"""``lpbot check``: STAR feedback on answers in files or on stdin.

Exit status is 0 when every input was read and analyzed; it is 1 when a file could
not be read or some input could not be analyzed (empty, binary junk, emoji only, not
English: the report says why), so a script can tell."""

from __future__ import annotations

import argparse
import codecs
import json
import sys
from typing import TextIO

from bank import Bank, BankError, Principle, Question, load_bank, resolve_principle
from bot.cli import add_version
from bot.star import PART_NAMES, StarReport, analyze, render_feedback

STDIN = "-"
HUMAN_LIMIT = 4000
_SHORT_LABELS = {"situation": "S", "task": "T", "action": "A", "result": "R", "learning": "L"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "check",
        help="get STAR feedback on an answer",
        description="Check interview answers for STAR structure (Situation, Task, Action, "
        "Result, Learning) and print feedback. Reads each FILE (UTF-8 or UTF-16), or "
        "stdin when no FILE is given or FILE is '-'. Exit status 1 when a file cannot be "
        "read or an input cannot be analyzed (empty, binary, not English).",
    )
    add_version(parser)
    parser.add_argument("files", nargs="*", metavar="FILE", help="answer file(s); '-' is stdin")
    parser.add_argument("--principle", metavar="SLUG", help="the principle the answer is for")
    parser.add_argument("--question", metavar="ID", help="the question id the answer is for")
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object per input, one per line"
    )
    parser.set_defaults(handler=run_check)


_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> str:
    """Text as read: UTF-16 when the file says so (Windows Notepad's "Unicode", with
    or without its byte-order mark), else UTF-8 (a leading byte-order mark is kept,
    so offsets match the file); undecodable bytes become U+FFFD, which the analyzer
    treats as junk."""
    encoding = _utf16_encoding(data)
    if encoding is not None:
        return data.decode(encoding, errors="replace")
    return data.decode("utf-8", errors="replace")


def _utf16_encoding(data: bytes) -> str | None:
    if data.startswith(_UTF16_BOMS):
        return "utf-16"  # reads the mark for the byte order and drops it
    if len(data) < 4 or len(data) % 2:
        return None
    # English in UTF-16 without a mark: every other byte is zero. UTF-8 text never
    # holds a zero byte, so this cannot take a UTF-8 file for UTF-16.
    even, odd = data[0::2], data[1::2]
    half = len(data) // 2
    if odd.count(0) > half * 0.6 and even.count(0) == 0:
        return "utf-16-le"
    if even.count(0) > half * 0.6 and odd.count(0) == 0:
        return "utf-16-be"
    return None


def _read(name: str, stdin: TextIO) -> str:
    if name == STDIN:
        buffer = getattr(stdin, "buffer", None)
        return decode(buffer.read()) if buffer is not None else stdin.read()
    with open(name, "rb") as handle:
        return decode(handle.read())


def _context(
    args: argparse.Namespace, err: TextIO
) -> tuple[Principle | None, Question | None, Bank | None]:
    if not args.principle and not args.question:
        return None, None, None
    try:
        bank = load_bank()
    except BankError as error:
        print(f"lpbot check: cannot load the question bank ({error}); "
              "relevance is not judged", file=err)
        return None, None, None
    question = None
    if args.question:
        try:
            question = bank.question(args.question)
        except KeyError:
            print(f"lpbot check: no question with id {args.question!r}; ignoring it", file=err)
    principle = None
    if args.principle:
        try:
            principle = resolve_principle(bank, args.principle)
        except BankError as error:
            print(f"lpbot check: {error}; relevance is not judged", file=err)
    return principle, question, bank


def format_human(report: StarReport, name: str | None = None) -> str:
    lines: list[str] = []
    if name is not None:
        lines += [f"== {name} ==", ""]
    lines.append(render_feedback(report, limit=HUMAN_LIMIT).as_text())
    if report.sentences:
        lines += ["", "Sentences:"]
        for sentence in report.sentences:
            tag = _SHORT_LABELS.get(sentence.label, "-")
            text = " ".join(sentence.text.split())
            part = PART_NAMES[sentence.label]
            lines.append(f"  [{tag}] {text}  ({part}, {sentence.confidence:.0%})")
    return "\n".join(lines)


def run_check(
    args: argparse.Namespace, stdin: TextIO | None = None, out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    err = err or sys.stderr
    names = args.files or [STDIN]
    principle, question, bank = _context(args, err)
    status = 0
    for index, name in enumerate(names):
        label = "stdin" if name == STDIN else name
        try:
            text = _read(name, stdin)
        except OSError as error:
            reason = error.strerror or str(error)
            print(f"lpbot check: cannot read {label}: {reason}", file=err)
            if args.json:
                print(json.dumps({"file": label, "error": f"cannot read: {reason}"}), file=out)
            status = 1
            continue
        report = analyze(text, principle, question, bank=bank)
        if not report.analyzable:
            status = 1
        if args.json:
            print(json.dumps({"file": label, **report.to_json()}, ensure_ascii=False), file=out)
        else:
            if index:
                print(file=out)
            print(format_human(report, label if len(names) > 1 else None), file=out)
    return status
