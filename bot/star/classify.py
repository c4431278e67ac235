"""The sentence classifier: a small linear model over ``features`` gives each sentence
a score per part, and a Viterbi pass over the answer smooths the labels with how
stories usually flow (Situation → Task → Action → Result → Learning, with some back
and forth). Explicitly labelled sentences are fixed to the part the person named.

The weights live in ``model.json`` next to this module. They are trained only on
the corpus' train files by ``bench/train_star_model.py``, which makes them
reproducible; nothing is downloaded at run time.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from bot.star.report import LABELS

MODEL_FILE = "model.json"
_NEG = -1e9


@dataclass(frozen=True)
class Model:
    weights: dict[str, tuple[float, ...]]
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
    min_confidence: tuple[float, ...] = (0.0,) * len(LABELS)
    # A part the smoothing left out is brought back when one sentence is at least this
    # sure of it (and taking that sentence leaves its own part with others); 0 = never.
    rescue: tuple[float, ...] = (0.0,) * len(LABELS)

    def scores(self, feats: Sequence[str]) -> list[float]:
        get = self.weights.get
        vectors = [v for v in map(get, feats) if v is not None]
        if not vectors:
            return [0.0] * len(LABELS)
        return [sum(column) for column in zip(*vectors, strict=True)]

    def to_json(self) -> dict[str, object]:
        return {
            "labels": list(LABELS),
            "emission_scale": self.emission_scale,
            "min_confidence": list(self.min_confidence),
            "rescue": list(self.rescue),
            "start": [round(x, 4) for x in self.start],
            "end": [round(x, 4) for x in self.end],
            "transitions": [[round(x, 4) for x in row] for row in self.transitions],
            "paragraph_transitions": [
                [round(x, 4) for x in row] for row in self.paragraph_transitions or self.transitions
            ],
            "weights": {
                f: [round(x, 4) for x in v] for f, v in sorted(self.weights.items())
            },
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Model:
        if data.get("labels") != list(LABELS):
            raise ValueError("model labels do not match this version of the analyzer")
        raw_weights = data["weights"]
        assert isinstance(raw_weights, dict)
        return cls(
            weights={f: tuple(v) for f, v in raw_weights.items()},
            start=tuple(data["start"]),  # type: ignore[arg-type]
            transitions=tuple(tuple(r) for r in data["transitions"]),  # type: ignore[union-attr]
            end=tuple(data["end"]),  # type: ignore[arg-type]
            paragraph_transitions=tuple(
                tuple(r)
                for r in data.get("paragraph_transitions") or data["transitions"]  # type: ignore[union-attr]
            ),
            emission_scale=float(data.get("emission_scale", 1.0)),  # type: ignore[arg-type]
            min_confidence=tuple(data.get("min_confidence") or (0.0,) * len(LABELS)),  # type: ignore[arg-type]
            rescue=tuple(data.get("rescue") or (0.0,) * len(LABELS)),  # type: ignore[arg-type]
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


def log_softmax(scores: Sequence[float], allowed: Sequence[int] | None = None) -> list[float]:
    indices = range(len(scores)) if allowed is None else allowed
    top = max(scores[i] for i in indices)
    total = math.log(sum(math.exp(scores[i] - top) for i in indices)) + top
    out = [_NEG] * len(scores)
    for i in indices:
        out[i] = scores[i] - total
    return out


def classify(
    feature_lists: Sequence[Sequence[str]],
    allowed: Sequence[frozenset[str] | None],
    breaks: Sequence[bool] | None = None,
    fixed: Sequence[bool] | None = None,
    model: Model | None = None,
) -> list[tuple[str, float]]:
    """The label and confidence (0–1) of each sentence. ``allowed[i]`` limits the labels
    sentence ``i`` may take (None: any); ``fixed[i]`` says that limit is the person's
    own label, which always stands; ``breaks[i]`` is True when a new paragraph starts
    at sentence ``i``."""
    model = model or load_model()
    n = len(feature_lists)
    if n == 0:
        return []
    scores = [model.scores(feats) for feats in feature_lists]
    banned: set[int] = set()
    while True:
        emissions = [
            log_softmax(row, _indices(parts, banned)) for row, parts in zip(scores, allowed, strict=True)
        ]
        path = viterbi(emissions, model, breaks)
        weak = _weak_labels(path, emissions, fixed, model.min_confidence) - banned
        if not weak:
            break
        banned |= weak
    _rescue(path, emissions, fixed, banned, model)
    return [(LABELS[k], math.exp(emissions[i][k])) for i, k in enumerate(path)]


def _rescue(
    path: list[int],
    emissions: Sequence[Sequence[float]],
    fixed: Sequence[bool] | None,
    banned: set[int],
    model: Model,
) -> None:
    counts = [0] * len(LABELS)
    for k in path:
        counts[k] += 1
    for k, threshold in enumerate(model.rescue):
        if threshold <= 0 or counts[k] or k in banned:
            continue
        candidates = [
            i for i, current in enumerate(path)
            if counts[current] > 1 and not (fixed is not None and fixed[i])
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda i: emissions[i][k])
        if emissions[best][k] >= math.log(max(threshold, model.min_confidence[k])):
            counts[path[best]] -= 1
            counts[k] += 1
            path[best] = k


def _indices(parts: frozenset[str] | None, banned: set[int]) -> list[int] | None:
    if parts is not None:
        kept = [LABELS.index(p) for p in parts if LABELS.index(p) not in banned]
        return kept or [LABELS.index(p) for p in parts]
    if not banned:
        return None
    return [k for k in range(len(LABELS)) if k not in banned]


def _weak_labels(
    path: Sequence[int],
    emissions: Sequence[Sequence[float]],
    fixed: Sequence[bool] | None,
    thresholds: Sequence[float],
) -> set[int]:
    """Labels the smoothing chose but no free sentence is confident about."""
    best: dict[int, float] = {}
    for i, k in enumerate(path):
        if fixed is not None and fixed[i]:
            best[k] = 0.0  # the person's own label always stands
        else:
            best[k] = max(best.get(k, _NEG), emissions[i][k])
    return {
        k for k, value in best.items() if thresholds[k] > 0 and value < math.log(thresholds[k])
    }


def viterbi(
    emissions: Sequence[Sequence[float]], model: Model, breaks: Sequence[bool] | None = None
) -> list[int]:
    k = len(LABELS)
    scale = model.emission_scale
    within = model.transitions
    across = model.paragraph_transitions or within
    best = [model.start[j] + scale * emissions[0][j] for j in range(k)]
    back: list[list[int]] = []
    for index in range(1, len(emissions)):
        row = emissions[index]
        trans = across if breaks is not None and breaks[index] else within
        pointers = [0] * k
        nxt = [0.0] * k
        for j in range(k):
            if row[j] <= _NEG:
                nxt[j] = _NEG
                continue
            arg = max(range(k), key=lambda i, j=j, t=trans: best[i] + t[i][j])
            pointers[j] = arg
            nxt[j] = best[arg] + trans[arg][j] + scale * row[j]
        back.append(pointers)
        best = nxt
    last = max(range(k), key=lambda j: best[j] + model.end[j])
    path = [last]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    path.reverse()
    return path
