"""Community question files: read (and validate) CSV, YAML or TOML, and export CSV,
YAML or TOML that reads back to the same questions.

CSV columns are ``id, principle, text, followups, audience`` with follow-ups joined by
" | " (``id`` may be left out or empty: it is generated from the principle and text);
YAML is a list of mappings with the same keys (``followups`` a list); TOML has the
shape of the packaged per-principle files. A principle may be given by slug or name."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

import yaml

from bank.entries import QUESTION_KEYS, EntryRules, Unreadable, parse_questions
from bank.errors import BankError
from bank.loader import toml_question_entries
from bank.model import Bank, Question
from bank.resolve import match_principle_exactly, unknown_principle_message

FORMATS = {".csv": "csv", ".yaml": "yaml", ".yml": "yaml", ".toml": "toml"}
EXPORT_FORMATS = ("csv", "yaml", "toml")
REQUIRED_CSV_COLUMNS = ("principle", "text")  # ids are generated when left out
CSV_FOLLOWUP_JOINER = " | "

# What a format reader returns: ``(where, raw)`` for each entry, in file order.
Entries = list[tuple[str, object]]


def read_questions_file(path: Path, bank: Bank) -> list[Question]:
    """Read and validate a community file (format from its extension). All or nothing:
    any problem raises ``BankError`` listing every problem, each naming the file and
    the line, item or entry."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise BankError(f"{path}: unsupported file type; use .csv, .yaml, .yml or .toml")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise BankError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BankError(f"{path}: is a directory, not a question file") from None
    except UnicodeDecodeError:
        raise BankError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise BankError(f"{path}: cannot be read ({error.strerror})") from None
    return parse_questions_text(text, fmt, bank, str(path))


def parse_questions_text(text: str, fmt: str, bank: Bank, source: str) -> list[Question]:
    """Validate community questions given as text in ``fmt`` ("csv", "yaml" or "toml");
    ``source`` names them in messages. Questions come back with ``custom=True``, except
    exact copies of packaged questions (as an export contains), which come back as the
    packaged question so that importing them adds nothing."""
    readers = {"csv": _csv_entries, "yaml": _yaml_entries, "toml": _toml_entries}
    if fmt not in readers:
        raise ValueError(f"unknown question file format {fmt!r}")
    entries = readers[fmt](text, source)
    if not entries:
        raise BankError(f"{source}: contains no questions")
    rules = EntryRules(
        find_principle=lambda name: match_principle_exactly(bank.principles, name),
        unknown_principle=lambda name: unknown_principle_message(bank.principles, name, False),
        min_followups=0,
        custom=True,
    )
    packaged = {q.id: q for q in bank.questions if not q.custom}

    def settle(question: Question) -> Question:
        existing = packaged.get(question.id)
        if existing is None:
            return question
        if _same_content(existing, question):
            return existing
        raise BankError("id is already used by a packaged question; choose another id")

    questions, problems = parse_questions(entries, rules, settle)
    if problems:
        raise BankError(problems)
    return questions


def _same_content(a: Question, b: Question) -> bool:
    def content(q: Question) -> tuple[object, ...]:
        return (q.principle, q.text, q.followups, q.audience)

    return content(a) == content(b)


# readers -----------------------------------------------------------------------------


def _csv_entries(text: str, source: str) -> Entries:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            return []
        columns = [name.strip().lower() for name in header]
        problems: list[str] = []
        unknown = [name for name in columns if name not in QUESTION_KEYS]
        missing = [name for name in REQUIRED_CSV_COLUMNS if name not in columns]
        if unknown:
            problems.append(f"unknown column(s) {', '.join(map(repr, unknown))}")
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if len(set(columns)) != len(columns):
            problems.append("a column appears twice")
        if problems:
            expected = ", ".join(QUESTION_KEYS)
            found = "; ".join(problems)
            raise BankError(f"{source}, line 1 (header): {found}; expected {expected}")
        entries: Entries = []
        line = reader.line_num + 1
        for row in reader:
            where = f"{source}, line {line}"
            line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                reason = f"{len(row)} fields but the header has {len(columns)}"
                entries.append((where, Unreadable(reason)))
                continue
            raw: dict[str, object] = dict(zip(columns, row, strict=False))
            for key in ("id", "principle", "text"):
                if not str(raw.get(key, "")).strip():
                    raw.pop(key, None)  # reported as "missing", like the other formats
            followups = str(raw.pop("followups", "") or "")
            # Spreadsheets leave stray separators ("a | b |"); empty pieces mean nothing.
            raw["followups"] = [f for f in followups.split("|") if f.strip()]
            entries.append((where, raw))
        return entries
    except csv.Error as error:
        raise BankError(f"{source}, line {reader.line_num}: not valid CSV: {error}") from None


def _yaml_entries(text: str, source: str) -> Entries:
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        raise BankError(f"{source}{_yaml_problem(error)}") from None
    if data is None:
        return []
    items_node = root
    if isinstance(data, dict) and set(data) == {"questions"}:
        data = data["questions"]
        items_node = root.value[0][1] if isinstance(root, yaml.MappingNode) else None
    if not isinstance(data, list):
        raise BankError(
            f"{source}: expected a list of questions (each a mapping of {', '.join(QUESTION_KEYS)})"
        )
    lines: list[int | None] = [None] * len(data)
    if isinstance(items_node, yaml.SequenceNode):
        lines = [node.start_mark.line + 1 for node in items_node.value]
    return [
        (f"{source}, item {index} (line {line})" if line else f"{source}, item {index}", raw)
        for index, (raw, line) in enumerate(zip(data, lines, strict=True), start=1)
    ]


def _yaml_problem(error: yaml.YAMLError) -> str:
    """ ", line 4, column 14: not valid YAML (expected ...)" without PyYAML's echo of
    the source text."""
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None)
    if mark is None or problem is None:
        return f": not valid YAML: {error}"
    context = getattr(error, "context", None)
    detail = f"{context}: {problem}" if context else problem
    return f", line {mark.line + 1}, column {mark.column + 1}: not valid YAML ({detail})"


def _toml_entries(text: str, source: str) -> Entries:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"{source}: not valid TOML: {error}") from None
    return toml_question_entries(data, source)


# writers -----------------------------------------------------------------------------


def question_record(question: Question, bank: Bank) -> dict[str, object]:
    """A question as plain data (for JSON): its principle's slug and name included."""
    return {
        "id": question.id,
        "principle": question.principle,
        "principle_name": bank.principle(question.principle).name,
        "text": question.text,
        "followups": list(question.followups),
        "audience": question.audience,
        "custom": question.custom,
    }


def write_questions(questions: Iterable[Question], fmt: str, stream: TextIO) -> None:
    """Write ``questions`` as "csv", "yaml" or "toml" in the form ``read_questions_file``
    reads."""
    questions = list(questions)
    if fmt == "csv":
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(QUESTION_KEYS)
        for q in questions:
            writer.writerow(
                [q.id, q.principle, q.text, CSV_FOLLOWUP_JOINER.join(q.followups), q.audience or ""]
            )
    elif fmt == "yaml":
        yaml.safe_dump(
            [_yaml_item(q) for q in questions],
            stream,
            sort_keys=False,
            allow_unicode=True,
            width=100,
        )
    elif fmt == "toml":
        stream.write("# lpbot questions: `lpbot bank import` reads this file back.\n")
        for q in questions:
            stream.write(_toml_item(q))
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")


def _yaml_item(question: Question) -> dict[str, object]:
    item: dict[str, object] = {
        "id": question.id,
        "principle": question.principle,
        "text": question.text,
        "followups": list(question.followups),
    }
    if question.audience:
        item["audience"] = question.audience
    return item


def _toml_string(text: str) -> str:
    # A JSON string is a TOML basic string, except that TOML also forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_item(question: Question) -> str:
    lines = [
        "",
        "[[questions]]",
        f"id = {_toml_string(question.id)}",
        f"principle = {_toml_string(question.principle)}",
        f"text = {_toml_string(question.text)}",
        "followups = [" + "".join(f"\n  {_toml_string(f)}," for f in question.followups)
        + ("\n]" if question.followups else "]"),
    ]
    if question.audience:
        lines.append(f"audience = {_toml_string(question.audience)}")
    return "\n".join(lines) + "\n"


def format_problems(error: BankError, limit: int = 50) -> Sequence[str]:
    """The error's problems, capped so a broken 10,000-row file stays readable."""
    if len(error.problems) <= limit:
        return error.problems
    hidden = len(error.problems) - limit
    return [*error.problems[:limit], f"... and {hidden} more problem(s)"]
