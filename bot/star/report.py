"""The STAR coach's result types. Everything here is immutable and JSON-friendly."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple

PARTS: tuple[str, ...] = ("situation", "task", "action", "result", "learning")
LABELS: tuple[str, ...] = (*PARTS, "other")

PART_NAMES: dict[str, str] = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "learning": "Learning",
    "other": "Other",
}


class Sentence(NamedTuple):
    """One sentence of the answer. ``start``/``end`` index the text given to
    ``analyze``; ``explicit`` is True when the person labelled it themselves.
    (Immutable; a named tuple because answers hold many and it is cheapest to build.)"""

    start: int
    end: int
    text: str
    label: str
    confidence: float
    explicit: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "label": self.label,
            "confidence": round(self.confidence, 3),
            "explicit": self.explicit,
        }


class Component(NamedTuple):
    """One STAR part: whether the answer has it and the sentences that show it
    (most confident first)."""

    present: bool
    evidence: tuple[str, ...] = ()
    words: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"present": self.present, "evidence": list(self.evidence), "words": self.words}


class Signal(NamedTuple):
    """A measured property of the answer. ``ok`` is False when it deserves a fix;
    ``reason`` says why in a few words."""

    value: Any
    ok: bool
    reason: str

    def to_json(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"value": value, "ok": self.ok, "reason": self.reason}


@dataclass(frozen=True)
class StarReport:
    """What ``analyze`` found in one answer."""

    sentences: tuple[Sentence, ...]
    components: MappingProxyType[str, Component]
    signals: MappingProxyType[str, Signal]
    score: int
    suggestions: tuple[str, ...]
    follow_up: str
    missing: tuple[str, ...]
    analyzable: bool = True
    notice: str | None = None
    truncated: bool = False
    labelled: bool = False
    principle: str | None = None
    question_id: str | None = None

    @property
    def present(self) -> tuple[str, ...]:
        return tuple(p for p in PARTS if self.components[p].present)

    def to_json(self) -> dict[str, Any]:
        return {
            "sentences": [s.to_json() for s in self.sentences],
            "components": {p: self.components[p].to_json() for p in PARTS},
            "signals": {name: sig.to_json() for name, sig in self.signals.items()},
            "score": self.score,
            "suggestions": list(self.suggestions),
            "follow_up": self.follow_up,
            "missing": list(self.missing),
            "analyzable": self.analyzable,
            "notice": self.notice,
            "truncated": self.truncated,
            "labelled": self.labelled,
            "principle": self.principle,
            "question": self.question_id,
        }
