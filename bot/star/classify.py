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
    emission_scale: float = 1.0

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
            "start": [round(x, 4) for x in self.start],
            "end": [round(x, 4) for x in self.end],
            "transitions": [[round(x, 4) for x in row] for row in self.transitions],
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
            emission_scale=float(data.get("emission_scale", 1.0)),  # type: ignore[arg-type]
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
    model: Model | None = None,
) -> list[tuple[str, float]]:
    """The label and confidence (0–1) of each sentence. ``allowed[i]`` limits sentence
    ``i`` to the parts its explicit label names (None: any label)."""
    model = model or load_model()
    n = len(feature_lists)
    if n == 0:
        return []
    emissions: list[list[float]] = []
    for feats, parts in zip(feature_lists, allowed, strict=True):
        indices = None if parts is None else [LABELS.index(p) for p in parts]
        emissions.append(log_softmax(model.scores(feats), indices))
    path = viterbi(emissions, model)
    return [(LABELS[k], math.exp(emissions[i][k])) for i, k in enumerate(path)]


def viterbi(emissions: Sequence[Sequence[float]], model: Model) -> list[int]:
    k = len(LABELS)
    scale = model.emission_scale
    trans = model.transitions
    best = [model.start[j] + scale * emissions[0][j] for j in range(k)]
    back: list[list[int]] = []
    for row in emissions[1:]:
        pointers = [0] * k
        nxt = [0.0] * k
        for j in range(k):
            if row[j] <= _NEG:
                nxt[j] = _NEG
                continue
            arg = max(range(k), key=lambda i, j=j: best[i] + trans[i][j])
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
