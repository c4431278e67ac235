"""The sentence classifier: a small linear model over ``features`` gives each sentence
a score per part, and a Viterbi pass over the answer smooths the labels with how
stories usually flow (Situation → Task → Action → Result → Learning, with some back
and forth). Explicitly labelled sentences are fixed to the part the person named.
The model's parameters are in ``bot.star.model``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from math import exp

from bot.star.model import Model, load_model
from bot.star.report import LABELS

_NEG = -1e30


def classify(
    feature_lists: Sequence[Sequence[Hashable]],
    allowed: Sequence[frozenset[str] | None],
    breaks: Sequence[bool] | None = None,
    fixed: Sequence[bool] | None = None,
    model: Model | None = None,
) -> list[tuple[str, float]]:
    """``decode`` from feature lists (the slow, by-name path)."""
    model = model or load_model()
    return decode([model.scores(feats) for feats in feature_lists], allowed, breaks, fixed, model)


def decode(
    scores: Sequence[Sequence[float]],
    allowed: Sequence[frozenset[str] | None],
    breaks: Sequence[bool] | None = None,
    fixed: Sequence[bool] | None = None,
    model: Model | None = None,
    unit: float = 1.0,
) -> list[tuple[str, float]]:
    """The label and confidence (0–1) of each sentence from its label scores.
    ``allowed[i]`` limits the labels sentence ``i`` may take (None: any); ``fixed[i]``
    says that limit is the person's own label, which always stands; ``breaks[i]`` is
    True when a new paragraph starts at sentence ``i``. A score of ``x`` means
    ``x * unit`` (the fast scorer hands over raw fixed-point sums, which may also carry
    a constant per sentence: neither changes the result)."""
    model = model or load_model()
    if not scores:
        return []
    # Viterbi runs on raw scores: normalising a sentence's scores subtracts the same
    # constant from every label, which never changes the best path. Probabilities are
    # only needed for the chosen labels.
    banned: set[int] = set()
    unlimited = allowed.count(None) == len(allowed)
    while True:
        if unlimited and not banned:  # the usual case for a free-form answer
            rows: Sequence[Sequence[float]] = scores
        else:
            rows = [
                _restrict(row, _indices(parts, banned))
                for row, parts in zip(scores, allowed, strict=True)
            ]
        path = viterbi(rows, model, breaks, unit)
        confidence = _confidences(rows, path, unit)
        weak = (
            _weak_labels(path, confidence, fixed, model.min_confidence, model.lone_confidence)
            - banned
        )
        if not weak:
            break
        banned |= weak
    _rescue(path, rows, confidence, fixed, banned, model, unit)
    return [(LABELS[k], confidence[i]) for i, k in enumerate(path)]


def _restrict(row: Sequence[float], indices: Sequence[int] | None) -> Sequence[float]:
    if indices is None:
        return row
    out = [_NEG] * len(row)
    for i in indices:
        out[i] = row[i]
    return out


def _confidences(rows: Sequence[Sequence[float]], path: Sequence[int], unit: float) -> list[float]:
    """``_probability`` of each sentence's chosen label, written out for six labels
    (the same arithmetic, so the same floats, without a call per sentence)."""
    out: list[float] = []
    try:
        for row, k in zip(rows, path, strict=True):
            shift = row[k] * unit
            a, b, c, d, e, f = row
            out.append(
                1.0
                / (
                    exp(a * unit - shift)
                    + exp(b * unit - shift)
                    + exp(c * unit - shift)
                    + exp(d * unit - shift)
                    + exp(e * unit - shift)
                    + exp(f * unit - shift)
                )
            )
    except OverflowError:  # a ruled-out label chosen: the careful way
        return [_probability(row, k, unit) for row, k in zip(rows, path, strict=True)]
    return out


def _probability(row: Sequence[float], k: int, unit: float = 1.0) -> float:
    """Softmax probability of label ``k`` among the labels ``row`` allows."""
    shift = row[k] * unit
    try:
        return 1.0 / sum([exp(x * unit - shift) for x in row])
    except OverflowError:  # another label outscores k by e^709: k is ruled out (_NEG)
        return 0.0


def _rescue(
    path: list[int],
    rows: Sequence[Sequence[float]],
    confidence: list[float],
    fixed: Sequence[bool] | None,
    banned: set[int],
    model: Model,
    unit: float = 1.0,
) -> None:
    wanted = [k for k, threshold in enumerate(model.rescue) if threshold > 0 and k not in path]
    if not wanted:
        return
    counts = [path.count(k) for k in range(len(LABELS))]
    for k in wanted:
        threshold = model.rescue[k]
        if counts[k] or k in banned:
            continue
        candidates = [
            i for i, current in enumerate(path)
            if counts[current] > 1 and not (fixed is not None and fixed[i])
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda i: _probability(rows[i], k, unit))
        probability = _probability(rows[best], k, unit)
        if probability >= max(threshold, model.min_confidence[k]):
            counts[path[best]] -= 1
            counts[k] += 1
            path[best] = k
            confidence[best] = probability


def _indices(parts: frozenset[str] | None, banned: set[int]) -> list[int] | None:
    if parts is not None:
        kept = [LABELS.index(p) for p in parts if LABELS.index(p) not in banned]
        return kept or [LABELS.index(p) for p in parts]
    if not banned:
        return None
    return [k for k in range(len(LABELS)) if k not in banned]


def _weak_labels(
    path: Sequence[int],
    confidence: Sequence[float],
    fixed: Sequence[bool] | None,
    thresholds: Sequence[float],
    lone: Sequence[float] | None = None,
) -> set[int]:
    """Labels the smoothing chose but no free sentence is confident about (``lone``:
    the thresholds for a label chosen for one sentence only)."""
    best: dict[int, float] = {}
    for i, k in enumerate(path):
        if fixed is not None and fixed[i]:
            best[k] = 1.0  # the person's own label always stands
        else:
            best[k] = max(best.get(k, 0.0), confidence[i])
    return {
        k
        for k, value in best.items()
        if value < thresholds[k]
        or (lone is not None and value < lone[k] and path.count(k) == 1)
    }


def viterbi(
    emissions: Sequence[Sequence[float]],
    model: Model,
    breaks: Sequence[bool] | None = None,
    unit: float = 1.0,
) -> list[int]:
    """The most likely label sequence. The maximum over the six previous labels is
    written out by hand: in pure Python that is several times faster than a loop.
    Transition scores are brought to the emissions' unit (not the other way round,
    which would cost a multiplication per score)."""
    assert len(LABELS) == 6
    states = range(6)
    start, within, across, end, bound = model.in_units(unit * model.emission_scale)
    first = emissions[0]
    best = [start[j] + first[j] for j in states]
    back: list[list[int]] = []
    for index in range(1, len(emissions)):
        row = emissions[index]
        b0, b1, b2, b3, b4, b5 = best
        t0, t1, t2, t3, t4, t5 = across if breaks is not None and breaks[index] else within
        pointers = [0] * 6
        nxt = [_NEG] * 6
        cutoff = max(row) - bound
        for j in states:
            score = row[j]
            if score < cutoff:  # can never be on the best path (see Model.in_units)
                continue
            top, arg = b0 + t0[j], 0
            value = b1 + t1[j]
            if value > top:
                top, arg = value, 1
            value = b2 + t2[j]
            if value > top:
                top, arg = value, 2
            value = b3 + t3[j]
            if value > top:
                top, arg = value, 3
            value = b4 + t4[j]
            if value > top:
                top, arg = value, 4
            value = b5 + t5[j]
            if value > top:
                top, arg = value, 5
            pointers[j] = arg
            nxt[j] = top + score
        back.append(pointers)
        best = nxt
    last = max(states, key=lambda j: best[j] + end[j])
    path = [last]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    path.reverse()
    return path
