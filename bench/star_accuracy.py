"""How well the STAR coach finds the parts of an answer, measured on the corpus.

    .venv/bin/python bench/star_accuracy.py                 # held-out and real splits
    .venv/bin/python bench/star_accuracy.py --split train   # while developing
    .venv/bin/python bench/star_accuracy.py --split train --show-errors

The real split is ../shared/star-real (answers written by real people, labelled by a
careful reader): a yardstick of transfer, never trained or tuned on. Prints aggregate
figures only. ``--show-errors`` lists misread sentences and is
refused on the held-out split: rules are never tuned to held-out answers.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from corpus import REAL_ANSWERS, SPLITS, Answer, files, load, overlap_label

from bot.star import PARTS, StarReport, analyze

LABELS = (*PARTS, "other")
STYLES = ("free", "labelled")
TARGETS = {
    "accuracy:free": 0.85,
    "accuracy:labelled": 0.98,
    "presence_f1": 0.90,
    "removed_result_recall": 0.90,
    "false_missing_max": 0.05,
}


@dataclass
class Tally:
    correct: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)

    def add(self, gold: str, ok: bool) -> None:
        self.total[gold] += 1
        self.correct[gold] += ok

    def rate(self, label: str | None = None) -> float | None:
        if label is None:
            total = sum(self.total.values())
            return sum(self.correct.values()) / total if total else None
        return self.correct[label] / self.total[label] if self.total[label] else None


@dataclass
class Presence:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: frozenset[str], found: frozenset[str]) -> None:
        for part in PARTS:
            if part in gold and part in found:
                self.tp[part] += 1
            elif part in found:
                self.fp[part] += 1
            elif part in gold:
                self.fn[part] += 1

    def prf(self, part: str | None = None) -> tuple[float, float, float]:
        parts = PARTS if part is None else (part,)
        tp = sum(self.tp[p] for p in parts)
        fp = sum(self.fp[p] for p in parts)
        fn = sum(self.fn[p] for p in parts)
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def predicted_spans(report: StarReport) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in report.sentences]


def found_parts(report: StarReport, merge_learning: bool = False) -> frozenset[str]:
    found = frozenset(p for p in PARTS if report.components[p].present)
    return _merged(found) if merge_learning else found


def _merged(parts: frozenset[str]) -> frozenset[str]:
    """Learning read as Result, as the real split's presence is judged."""
    return (parts - {"learning"}) | ({"result"} if "learning" in parts else set())


def without(answer: Answer, part: str, merge_learning: bool = False) -> str:
    """The answer's text with every sentence of ``part`` deleted."""
    removed = {part, "learning"} if merge_learning and part == "result" else {part}
    pieces: list[str] = []
    position = 0
    for sentence in answer.sentences:
        if sentence.label in removed:
            pieces.append(answer.text[position : sentence.start])
            position = sentence.end
    pieces.append(answer.text[position:])
    return "".join(pieces)


def is_complete(answer: Answer) -> bool:
    return "complete" in answer.qualities


@dataclass
class Results:
    sentences: dict[str, Tally]
    presence: dict[str, Presence]
    removed: dict[str, list[bool]]
    false_missing: list[bool]
    confusion: Counter[tuple[str, str]]
    errors: list[str]
    answers: int


def evaluate(
    answers: Sequence[Answer],
    analyzer: Callable[..., StarReport] = analyze,
    collect_errors: bool = False,
    merge_learning: bool = False,
) -> Results:
    """``merge_learning`` judges presence with Learning taken as Result (the real
    split's rule)."""
    sentences = {style: Tally() for style in STYLES}
    presence = {style: Presence() for style in (*STYLES, "all")}
    removable = PARTS[:4]
    removed: dict[str, list[bool]] = {part: [] for part in removable}
    false_missing: list[bool] = []
    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[str] = []
    for answer in answers:
        style = answer.style if answer.style in STYLES else "free"
        report = analyzer(answer.text, answer.principle, answer.question_id)
        predicted = predicted_spans(report)
        cursor = 0
        for gold in answer.sentences:
            label, cursor = overlap_label(gold.start, gold.end, predicted, cursor)
            label = label or "none"
            right = gold.accepts(label)
            sentences[style].add(gold.label, right)
            confusion[(gold.label, gold.label if right else label)] += 1
            if collect_errors and not right:
                errors.append(f"{answer.id} [{gold.label} -> {label}] {gold.text[:110]}")
        found = found_parts(report, merge_learning)
        gold_parts = _merged(answer.present) if merge_learning else answer.present
        presence[style].add(gold_parts, found)
        presence["all"].add(gold_parts, found)
        if is_complete(answer):
            false_missing.append(bool(gold_parts - found))
            for part in removed:
                if part in gold_parts:
                    text = without(answer, part, merge_learning)
                    cut = analyzer(text, answer.principle, answer.question_id)
                    removed[part].append(part not in found_parts(cut, merge_learning))
    return Results(sentences, presence, removed, false_missing, confusion, errors, len(answers))


def _fmt(value: float | None) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def _mark(ok: bool) -> str:
    return "ok " if ok else "LOW"


def report_text(results: Results, split: str) -> str:
    lines = [f"STAR coach accuracy on the {split} split ({results.answers} answers)", ""]
    lines.append("Sentence-label accuracy (gold sentences; per part = share of that part's")
    lines.append("sentences labelled correctly)")
    header = " ".join(f"{p[:5]:>6}" for p in LABELS)
    lines.append(f"  {'style':<10}{'n':>6} {'overall':>8} {header}")
    for style in STYLES:
        tally = results.sentences[style]
        n = sum(tally.total.values())
        overall = tally.rate()
        target = TARGETS[f"accuracy:{style}"]
        per = " ".join(f"{_fmt(tally.rate(p)):>6}" for p in LABELS)
        mark = _mark(overall is not None and overall >= target) if n else "   "
        lines.append(f"  {style:<10}{n:>6} {_fmt(overall):>8} {per}   {mark} target {target}")
    lines += ["", "Part presence (answers):  precision  recall     F1"]
    for part in PARTS:
        p, r, f = results.presence["all"].prf(part)
        lines.append(f"  {part:<22} {p:9.3f} {r:7.3f} {f:6.3f}")
    for scope in ("all", *STYLES):
        p, r, f = results.presence[scope].prf()
        target = TARGETS["presence_f1"]
        lines.append(
            f"  {'micro (' + scope + ')':<22} {p:9.3f} {r:7.3f} {f:6.3f}   {_mark(f >= target)} "
            f"target F1 {target}"
        )
    lines.append("")
    for part, outcomes in results.removed.items():
        rate = sum(outcomes) / len(outcomes) if outcomes else None
        target = TARGETS["removed_result_recall"]
        mark = _mark(rate is not None and rate >= target) if part == "result" else "   "
        suffix = f"   {mark} target {target}" if part == "result" else ""
        lines.append(
            f"Removed-{part.title()} recall (complete answers, all {part} sentences deleted): "
            f"{_fmt(rate)} of {len(outcomes)}{suffix}"
        )
    fm = results.false_missing
    rate = sum(fm) / len(fm) if fm else None
    cap = TARGETS["false_missing_max"]
    lines.append(
        f"False 'missing' on complete answers: {_fmt(rate)} of {len(fm)}   "
        f"{_mark(rate is not None and rate <= cap)} target <= {cap}"
    )
    lines += ["", "Confusion (rows gold, columns predicted):"]
    columns = (*LABELS, "none")
    lines.append("  " + " " * 10 + "".join(f"{c[:6]:>7}" for c in columns))
    for gold in LABELS:
        row = "".join(f"{results.confusion[(gold, c)]:>7}" for c in columns)
        lines.append(f"  {gold:<10}{row}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split",
        choices=SPLITS,
        action="append",
        help="split to measure (repeatable); default: heldout and real",
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="list misread sentences (train split only)"
    )
    args = parser.parse_args(argv)
    splits = args.split or ["heldout", "real"]
    if args.show_errors and splits != ["train"]:
        parser.error("--show-errors only works with --split train alone")
    status = 0
    for number, split in enumerate(splits):
        if number:
            print("\n")
        if not files(split):
            where = REAL_ANSWERS if split == "real" else f"tests/data/star_corpus/{split}_*.jsonl"
            print(f"The {split} split is skipped: {where} is not there.")
            status = status if split == "real" else 1
            continue
        results = evaluate(
            load(split), collect_errors=args.show_errors, merge_learning=split == "real"
        )
        print(report_text(results, split))
        if args.show_errors:
            print("\nMisread sentences:")
            print("\n".join(results.errors))
    return status


if __name__ == "__main__":
    sys.exit(main())
