"""Reading the STAR corpus (tests/data/star_corpus) for the benches and the training
script. See that folder's README for the format."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "tests" / "data" / "star_corpus"
SPLITS = ("heldout", "train", "real")
# Answers written by real people, labelled by a careful reader (format in its README).
# They are a yardstick only: read at run time, never copied or trained on.
REAL_ANSWERS = ROOT.parent / "shared" / "star-real" / "seed_answers.json"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class GoldSentence:
    start: int
    end: int
    text: str
    label: str
    # Other readings a careful reader could defend (the real split has them); a
    # prediction of any of them counts as right.
    also: tuple[str, ...] = ()

    def accepts(self, label: str) -> bool:
        return label == self.label or label in self.also


@dataclass(frozen=True)
class Answer:
    id: str
    principle: str | None
    question_id: str | None
    style: str
    qualities: tuple[str, ...]
    text: str
    sentences: tuple[GoldSentence, ...]

    @property
    def present(self) -> frozenset[str]:
        return frozenset(s.label for s in self.sentences if s.label != "other")


def _locate(text: str, raw_sentences: list[dict[str, str]], where: str) -> tuple[GoldSentence, ...]:
    """Gold sentences with their spans: each is an exact substring, in order."""
    found: list[GoldSentence] = []
    position = 0
    for raw in raw_sentences:
        start = text.find(raw["text"], position)
        if start < 0:
            raise ValueError(f"{where}: sentence not found in text: {raw['text'][:60]!r}")
        end = start + len(raw["text"])
        found.append(GoldSentence(start, end, raw["text"], raw["label"]))
        position = end
    return tuple(found)


def files(split: str) -> list[Path]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    if split == "real":
        return [REAL_ANSWERS] if REAL_ANSWERS.is_file() else []
    return sorted(CORPUS_DIR.glob(f"{split}_*.jsonl"))


def load_real(path: Path = REAL_ANSWERS) -> list[Answer]:
    """The real answers: the first label of a span is the gold, the others are
    accepted too; presence follows the file's ``present`` (learning counts as result)."""
    answers: list[Answer] = []
    for raw in json.loads(path.read_text(encoding="utf-8")):
        sentences = tuple(
            GoldSentence(span["start"], span["end"], span["text"], span["labels"][0],
                         tuple(span["labels"][1:]))
            for span in raw["spans"]
        )
        for sentence in sentences:
            if raw["text"][sentence.start : sentence.end] != sentence.text:
                raise ValueError(f"{path.name} {raw['id']}: span does not match its text")
        complete = all(raw["present"].values())
        answers.append(
            Answer(
                id=raw["id"],
                principle=raw.get("principle"),
                question_id=None,
                style="labelled" if raw["kind"] == "labelled" else "free",
                qualities=("complete",) if complete else (),
                text=raw["text"],
                sentences=sentences,
            )
        )
    return answers


def load(split: str) -> list[Answer]:
    if split == "real":
        return load_real()
    answers: list[Answer] = []
    for path in files(split):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            raw = json.loads(line)
            where = f"{path.name}:{number}"
            answers.append(
                Answer(
                    id=raw["id"],
                    principle=raw.get("principle"),
                    question_id=raw.get("question_id"),
                    style=raw.get("style", "free"),
                    qualities=tuple(raw.get("qualities", ())),
                    text=raw["text"],
                    sentences=_locate(raw["text"], raw["sentences"], where),
                )
            )
    return answers


def overlap_label(
    start: int, end: int, predicted: list[tuple[int, int, str]], cursor: int = 0
) -> tuple[str | None, int]:
    """The predicted label covering most of ``[start, end)``, and where to resume the
    search (both lists are in text order)."""
    best, best_overlap = None, 0
    index = cursor
    while index < len(predicted) and predicted[index][1] <= start:
        index += 1
    probe = index
    while probe < len(predicted) and predicted[probe][0] < end:
        a, b, label = predicted[probe]
        overlap = min(b, end) - max(a, start)
        if overlap > best_overlap:
            best, best_overlap = label, overlap
        probe += 1
    return best, index
