"""The sentence model's parameters and how they are stored.

The weights live in ``model.json`` next to this module. They are trained only on the
corpus' train files by ``bench/train_star_model.py``, which makes them reproducible;
nothing is downloaded at run time.

For speed, each feature's six weights (one per label) are packed into one integer of
fixed-point fields, so scoring a sentence is a single ``sum`` over the weights of its
features; ``unpack`` splits the total again. After the six label fields come eight
counter fields: the first counts the features summed (each packed vector carries a
1 there, which tells ``unpack`` how many offsets to remove); ``bot.star.scoring``
uses the others to count traits along the way.
"""

from __future__ import annotations

import functools
import json
import struct
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from bot.star.report import LABELS

MODEL_FILE = "model.json"
K = len(LABELS)
COUNTERS = 12

# Field sizes: small integers add faster. A weight is stored as round(w * 1000) plus
# an offset of 2**15 (so |w| must stay under 32), i.e. under 2**16 per feature; a
# 32-bit field then holds the sum of 65,536 features, far more than the longest
# sentence of a 20,000-character answer can bring.
_SCALE = 1_000
_OFFSET = 1 << 15
MAX_WEIGHT = (_OFFSET - 1) / _SCALE
_LABEL_BITS = 32
_COUNTER_BITS = 16
LAYOUT = struct.Struct(f"<{K}I{COUNTERS}H")
_COUNTER_SHIFT = K * _LABEL_BITS


def pack(vector: Sequence[float]) -> int:
    """One feature's weights (and a 1 in the feature-count field)."""
    if max(map(abs, vector)) > MAX_WEIGHT:
        raise ValueError(f"a weight beyond ±{MAX_WEIGHT} cannot be packed: {vector}")
    total = 1 << _COUNTER_SHIFT
    for k, weight in enumerate(vector):
        total |= (round(weight * _SCALE) + _OFFSET) << (_LABEL_BITS * k)
    return total


def pack_counters(counters: Sequence[int]) -> int:
    """Counter fields only (no weights)."""
    total = 0
    for k, value in enumerate(counters):
        total |= int(value) << (_COUNTER_SHIFT + _COUNTER_BITS * k)
    return total


def counter_mask(k: int) -> tuple[int, int]:
    """(shift, mask) reading counter ``k`` straight from a packed sum."""
    return _COUNTER_SHIFT + _COUNTER_BITS * k, (1 << _COUNTER_BITS) - 1


SCORE_UNIT = 1 / _SCALE  # what one step of a raw packed label field is worth


def unpack_raw(total: int) -> tuple[int, ...]:
    """All fields of a packed sum: K raw label fields (fixed point, plus the same
    offset for every label), then the counters."""
    return LAYOUT.unpack(total.to_bytes(LAYOUT.size, "little"))


def unpack(total: int) -> tuple[list[float], tuple[int, ...]]:
    """The per-label weight sums and the counters of a sum of packed integers."""
    fields = LAYOUT.unpack(total.to_bytes(LAYOUT.size, "little"))
    base = fields[K] * _OFFSET
    return [(value - base) / _SCALE for value in fields[:K]], fields[K:]


@dataclass(frozen=True)
class Model:
    weights: dict[Hashable, tuple[float, ...]]
    start: tuple[float, ...]
    transitions: tuple[tuple[float, ...], ...]
    end: tuple[float, ...]
    # Between sentences separated by a blank line (a new paragraph), where people
    # usually move on to the next part.
    paragraph_transitions: tuple[tuple[float, ...], ...] | None = None
    emission_scale: float = 1.0
    # A part is only kept when at least one of its sentences reaches this confidence;
    # otherwise the answer is decoded again without it (the smoothing alone would
    # happily invent a Result at the end of a story that has none).
    min_confidence: tuple[float, ...] = (0.0,) * K
    # The same when the part rests on one sentence alone: a lone borderline "Result"
    # at the end of a story is more often the last action than an outcome.
    lone_confidence: tuple[float, ...] = (0.0,) * K
    # A part the smoothing left out is brought back when one sentence is at least this
    # sure of it (and taking that sentence leaves its own part with others); 0 = never.
    rescue: tuple[float, ...] = (0.0,) * K
    packed: dict[Hashable, int] = field(default_factory=dict, repr=False, compare=False)
    _units: dict[float, tuple[Any, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.packed:
            self.packed.update((f, pack(v)) for f, v in self.weights.items())


    def in_units(
        self, unit: float
    ) -> tuple[
        tuple[float, ...],
        tuple[tuple[float, ...], ...],
        tuple[tuple[float, ...], ...],
        tuple[float, ...],
        float,
    ]:
        """Start, within-paragraph, across-paragraph and end scores divided by ``unit``,
        and the pruning bound: a label whose emission trails the best one by more than
        twice the widest spread of any of these scores can never be on the best path
        (swapping it for the best label gains more than its transitions can lose)."""
        found = self._units.get(unit)
        if found is None:

            def scaled(row: Sequence[float]) -> tuple[float, ...]:
                return tuple(x / unit for x in row)

            across = self.paragraph_transitions or self.transitions
            spreads = [max(r) - min(r) for r in (self.start, self.end)]
            for matrix in (self.transitions, across):
                cells = [x for row in matrix for x in row]
                spreads.append(max(cells) - min(cells))
            found = (
                scaled(self.start),
                tuple(scaled(r) for r in self.transitions),
                tuple(scaled(r) for r in across),
                scaled(self.end),
                (2 * max(spreads) + 1e-6) / unit,
            )
            self._units[unit] = found
        return found  # type: ignore[return-value]

    def scores(self, feats: Iterable[Hashable]) -> list[float]:
        return unpack(sum(filter(None, map(self.packed.get, feats))))[0]

    def to_json(self) -> dict[str, object]:
        def rounded(row: Iterable[float]) -> list[float]:
            return [round(x, 4) for x in row]

        return {
            "labels": list(LABELS),
            "emission_scale": self.emission_scale,
            "min_confidence": list(self.min_confidence),
            "lone_confidence": list(self.lone_confidence),
            "rescue": list(self.rescue),
            "start": rounded(self.start),
            "end": rounded(self.end),
            "transitions": [rounded(row) for row in self.transitions],
            "paragraph_transitions": [
                rounded(row) for row in self.paragraph_transitions or self.transitions
            ],
            "weights": dict(
                sorted((str(f), rounded(v)) for f, v in self.weights.items())
            ),
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        if data.get("labels") != list(LABELS):
            raise ValueError("model labels do not match this version of the analyzer")
        raw_weights = data["weights"]
        assert isinstance(raw_weights, dict)

        def row(values: object) -> tuple[float, ...]:
            assert isinstance(values, list)
            return tuple(float(x) for x in values)

        def matrix(values: object) -> tuple[tuple[float, ...], ...]:
            assert isinstance(values, list)
            return tuple(row(r) for r in values)

        transitions = matrix(data["transitions"])
        return cls(
            weights={f: row(v) for f, v in raw_weights.items()},
            start=row(data["start"]),
            transitions=transitions,
            end=row(data["end"]),
            paragraph_transitions=matrix(data.get("paragraph_transitions") or data["transitions"]),
            emission_scale=float(data.get("emission_scale", 1.0)),  # type: ignore[arg-type]
            min_confidence=row(data.get("min_confidence") or [0.0] * K),
            lone_confidence=row(
                data.get("lone_confidence") or data.get("min_confidence") or [0.0] * K
            ),
            rescue=row(data.get("rescue") or [0.0] * K),
        )


@functools.cache
def _packaged_model() -> Model:
    text = resources.files("bot.star").joinpath(MODEL_FILE).read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


_override: list[Model] = []


def load_model() -> Model:
    """The model in use: the packaged one unless a tool swapped in another."""
    return _override[-1] if _override else _packaged_model()


def set_model(model: Model | None) -> None:
    """For the training script and benches only: analyze with ``model`` (None restores
    the packaged model)."""
    _override.clear()
    if model is not None:
        _override.append(model)
