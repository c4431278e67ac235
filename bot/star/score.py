"""The 0–100 score, from a fixed rubric. Each line of the rubric is a criterion with a
number of points; an answer earns all, part or none of them:

=================  ======  ==============================================================
criterion          points  earned
=================  ======  ==============================================================
Situation             7    present
Task                  7    present
Action               18    present
Result               13    present
Learning              5    present
measurable result    10    a number in the Result (%, money, time, counts): 10;
                           numbers elsewhere but not in the Result: 4; none: 0
ownership             8    your own role is clear (not many "we" with few "I"): 8; else 3
real example          8    a past story, not "I would...": 8; hypothetical: 0
length               10    1.5–3 min spoken (225–450 words at 150 wpm): 10;
                           150–224 or 451–600 words: 6; 75–149 or 601–800: 2; else 0
balance               6    Action carries the most weight and set-up is at most half: 6;
                           else 2 (0 without an Action)
concise               4    few hedges/fillers (at most 2 per 100 words, or under 3): 4;
                           else 1
relevance             4    uses the asked principle's signals: 4; none: 0.
                           When no principle is given it is not judged: 4
=================  ======  ==============================================================

Structure is half the score, because a missing part is the first thing an interviewer
notices; the rest rewards what makes a story convincing. The points an answer loses
on a criterion are that criterion's *impact*; suggestions are ordered by it, so the
fix worth most comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from bot.star.report import PARTS, Component, Signal

PART_POINTS: dict[str, int] = {"situation": 7, "task": 7, "action": 18, "result": 13, "learning": 5}
METRICS_POINTS = 10
OWNERSHIP_POINTS = 8
REAL_EXAMPLE_POINTS = 8
LENGTH_POINTS = 10
BALANCE_POINTS = 6
CONCISE_POINTS = 4
RELEVANCE_POINTS = 4
TOTAL = (
    sum(PART_POINTS.values())
    + METRICS_POINTS
    + OWNERSHIP_POINTS
    + REAL_EXAMPLE_POINTS
    + LENGTH_POINTS
    + BALANCE_POINTS
    + CONCISE_POINTS
    + RELEVANCE_POINTS
)
assert TOTAL == 100


class Criterion(NamedTuple):
    """One rubric line: the points earned out of ``points`` (and so ``lost``)."""

    key: str
    earned: float
    points: int
    lost: float


def _row(values: tuple[str, float, int]) -> Criterion:
    key, earned, points = values
    return _new_row(Criterion, (key, earned, points, points - earned))


# tuple.__new__ skips the named tuple's Python-level __new__ (this runs a dozen times
# per answer, thousands of times a second).
_new_row = tuple.__new__


def _length_points(words: int) -> float:
    if 225 <= words <= 450:
        return LENGTH_POINTS
    if 150 <= words <= 600:
        return 6
    if 75 <= words <= 800:
        return 2
    return 0


def criteria(components: Mapping[str, Component], signals: Mapping[str, Signal]) -> list[Criterion]:
    """Every rubric line for one answer, parts first in STAR order."""
    rows = [
        _row((part, PART_POINTS[part] if components[part].present else 0, PART_POINTS[part]))
        for part in PARTS
    ]
    metrics = signals["metrics"]
    if metrics.ok:
        metric_points = METRICS_POINTS
    elif metrics.value and components["result"].present:
        metric_points = 4
    else:
        metric_points = 0
    action = components["action"].present
    rows += [
        _row(("metrics", metric_points, METRICS_POINTS)),
        _row(("ownership", OWNERSHIP_POINTS if signals["ownership"].ok else 3, OWNERSHIP_POINTS)),
        _row(
            (
                "hypothetical",
                REAL_EXAMPLE_POINTS if signals["hypothetical"].ok else 0,
                REAL_EXAMPLE_POINTS,
            )
        ),
        _row(("length", _length_points(signals["word_count"].value), LENGTH_POINTS)),
        _row(
            (
                "balance",
                BALANCE_POINTS if signals["balance"].ok else (2 if action else 0),
                BALANCE_POINTS,
            )
        ),
        _row(("hedging", CONCISE_POINTS if signals["hedging"].ok else 1, CONCISE_POINTS)),
        _row(("relevance", RELEVANCE_POINTS if signals["relevance"].ok else 0, RELEVANCE_POINTS)),
    ]
    return rows


def total_score(rows: list[Criterion]) -> int:
    return max(0, min(100, round(sum(row.earned for row in rows))))
