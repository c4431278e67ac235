"""The 0–100 score, from a fixed rubric that judges the way an interviewer does. Each
line of the rubric is a criterion with a number of points; an answer earns all, part or
none of them. Red flags then take points off, and two rules hold down answers that are no
interview story at all (those keep a share of what the criteria earn; red flags come
off after):

=================  ======  ==============================================================
criterion          points  earned
=================  ======  ==============================================================
Situation             7    in proportion to its words, full at 15
Task                  6    in proportion to its words, full at 8
Action               16    in proportion to its words, full at 40
Result               12    in proportion to its words, full at 12
Learning              5    in proportion to its words, full at 8 (a lesson of "nothing"
                           is none). Copies of pasted text and red-flag sentences
                           (blame, "learned nothing") carry no words for any part
ownership            18    share of "I" among "I" and "we" in the story (lesson left
                           out): full at 35 %, in proportion below; "I" never: 0;
                           neither "I" nor "we": 5
real example          8    a past story: 8; "I would...": 0, and the answer keeps 35 %
                           of what the criteria earn
measurable result     7    a believable number in the Result: 7; numbers elsewhere
                           only: 2; none: 0
length                6    225–450 words (1.5–3 min spoken at 150 wpm): 6; shorter: in
                           proportion; longer: down to 0 at 800 words
stakes                4    words that put the story at work, school or in a community
                           (team, customer, deadline...): 3 or more: 4; 2: 3; 1: 2;
                           none: 0, and the answer keeps 45 % of what the criteria
                           earn (an errand)
relevance             7    with a principle: 2 or more of its signals: 7; 1: 4; none: 0.
                           Without one: in proportion to stakes
balance               2    Action carries the most weight, set-up at most half: 2;
                           else 1 (0 without an Action)
concise               2    few hedges/fillers (at most 2 per 100 words, or under 3): 2;
                           else 0.5
-----------------  ------  --------------------------------------------------------------
red flag           points  taken off
-----------------  ------  --------------------------------------------------------------
pasted twice         −20   the same sentences come again (−30 for 3 copies or more)
blames others        −20   "it was my manager's fault", "because QA didn't test"
                           (in the story's second half); −5 per further one, to −30
learned nothing      −15   "I learned nothing", "I am always right"; −4 per further
                           one, to −23
failure, no lesson   −10   the story ends badly and draws no lesson
implausible numbers  −10   a cut of 100 % or more, a rise of 400 % or more
far too long       −5..−15 over 600 words (4 min): −5, and −1 per 60 words more
too short             −5   under 75 words (30 s)
thin story         0..−26  ownership and real example shrink in proportion to the
                           words the parts carry, below 120 (a skeleton shows neither)
breaks off            −4   the last sentence stops on "the", "and", a comma...
=================  ======  ==============================================================

Structure carries about half the points, and only when each part says something; the
rest is what makes an interviewer believe the story: your own role, a real past event,
a measured outcome, something at stake that shows the principle. The points an answer
loses on a criterion or a red flag are its *impact*; suggestions are ordered by it, so
the fix worth most comes first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from bot.star.relevance import stem
from bot.star.report import PARTS, Component, Signal
from bot.star.signals import SUBSTANCE_WORDS, TARGET_WORDS

PART_POINTS: dict[str, int] = {"situation": 7, "task": 6, "action": 16, "result": 12, "learning": 5}
OWNERSHIP_POINTS = 18
OWNERSHIP_FULL_SHARE = 0.35
OWNERSHIP_UNSAID = 5  # neither "I" nor "we": who did it is not said, not denied
REAL_EXAMPLE_POINTS = 8
METRICS_POINTS = 7
LENGTH_POINTS = 6
LENGTH_ZERO_WORDS = 800
STAKES_POINTS = 4
RELEVANCE_POINTS = 7
BALANCE_POINTS = 2
CONCISE_POINTS = 2
TOTAL = (
    sum(PART_POINTS.values())
    + OWNERSHIP_POINTS
    + REAL_EXAMPLE_POINTS
    + METRICS_POINTS
    + LENGTH_POINTS
    + STAKES_POINTS
    + RELEVANCE_POINTS
    + BALANCE_POINTS
    + CONCISE_POINTS
)
assert TOTAL == 100

# Red flags: points taken off.
PASTED_TWICE = 20
PASTED_MORE = 30
BLAME = 20
BLAME_MORE = (5, 10)  # per further sentence, and at most
LEARNED_NOTHING = 15
LEARNED_NOTHING_MORE = (4, 8)
FAILURE_NO_LESSON = 10
IMPLAUSIBLE = 10
UNFINISHED = 4
FAR_TOO_LONG_WORDS = 600
FAR_TOO_LONG = (5, 15)  # at 600 words, and at most
TOO_SHORT_WORDS = 75
TOO_SHORT = 5
# Answers that are no interview story keep only a share of what the criteria earn.
HYPOTHETICAL_SHARE = 0.35
NO_STAKES_SHARE = 0.45
# Ownership and a real past event need a story to show in: both are judged in
# proportion to the words the parts carry, up to this many (a skeleton shows neither).
EVIDENCE_WORDS = 120

class Criterion(NamedTuple):
    """One rubric line: the points earned out of ``points`` (and so ``lost``). A red
    flag or a cap has 0 points, a negative ``earned`` and what it cost in ``lost``."""

    key: str
    earned: float
    points: int
    lost: float


def _row(key: str, earned: float, points: int) -> Criterion:
    return Criterion(key, earned, points, points - earned)


def _flag(key: str, cost: float) -> Criterion:
    return Criterion(key, -cost, 0, cost)


def _share(value: float, full: float) -> float:
    return min(1.0, value / full) if full else 1.0


def _length_points(words: int) -> float:
    low, high = TARGET_WORDS
    if words < low:
        return LENGTH_POINTS * words / low
    if words <= high:
        return LENGTH_POINTS
    return max(0.0, LENGTH_POINTS * (LENGTH_ZERO_WORDS - words) / (LENGTH_ZERO_WORDS - high))


def _ownership_points(signal: Signal) -> float:
    i_count, we_count = signal.value["i"], signal.value["we"]
    if i_count == 0:
        return 0.0 if we_count else OWNERSHIP_UNSAID
    return OWNERSHIP_POINTS * _share(signal.value["share"], OWNERSHIP_FULL_SHARE)


def _metric_points(signals: Mapping[str, Signal], result: bool) -> float:
    metrics, implausible = signals["metrics"], signals["implausible"]
    believable = [m for m in metrics.value if m not in implausible.value]
    if metrics.ok and believable:
        return METRICS_POINTS
    if metrics.value and result and believable:
        return 2
    return 0


def _stakes_points(signal: Signal) -> float:
    return (0, 2, 3, 4)[min(3, len(signal.value))]


def _relevance_points(signal: Signal, stakes: float) -> float:
    if signal.reason == "no principle given":
        return RELEVANCE_POINTS * stakes / STAKES_POINTS
    distinct = {" ".join(map(stem, phrase.lower().split())) for phrase in signal.value}
    return (0, 4)[len(distinct)] if len(distinct) < 2 else RELEVANCE_POINTS


def _red_flags(signals: Mapping[str, Signal]) -> list[Criterion]:
    flags = []
    duplicated = signals["duplicated"]
    if not duplicated.ok:
        flags.append(_flag("duplicated", PASTED_TWICE if duplicated.value[1] <= 2 else PASTED_MORE))
    # Each further sentence that blames, or says nothing was learned, costs more.
    for key, cost, more in (
        ("blame", BLAME, BLAME_MORE),
        ("no_lesson", LEARNED_NOTHING, LEARNED_NOTHING_MORE),
        ("failure", FAILURE_NO_LESSON, (0, 0)),
        ("implausible", IMPLAUSIBLE, (0, 0)),
        ("unfinished", UNFINISHED, (0, 0)),
    ):
        signal = signals[key]
        if not signal.ok:
            extra = min(more[1], more[0] * (len(signal.value) - 1))
            flags.append(_flag(key, cost + extra))
    words = signals["word_count"].value
    if words > FAR_TOO_LONG_WORDS:
        least, most = FAR_TOO_LONG
        flags.append(_flag("too_long", min(most, least + (words - FAR_TOO_LONG_WORDS) // 60)))
    elif words < TOO_SHORT_WORDS:
        flags.append(_flag("too_short", TOO_SHORT))
    return flags


def criteria(components: Mapping[str, Component], signals: Mapping[str, Signal]) -> list[Criterion]:
    """Every rubric line for one answer, parts first in STAR order, then red flags and
    caps (only those that apply)."""
    words = signals["substance"].value
    rows = [
        _row(
            part,
            PART_POINTS[part] * _share(words[part], SUBSTANCE_WORDS[part])
            if components[part].present
            else 0,
            PART_POINTS[part],
        )
        for part in PARTS
    ]
    stakes = _stakes_points(signals["stakes"])
    action = components["action"].present
    ownership = _ownership_points(signals["ownership"])
    real = REAL_EXAMPLE_POINTS if signals["hypothetical"].ok else 0
    rows += [
        _row("ownership", ownership, OWNERSHIP_POINTS),
        _row("hypothetical", real, REAL_EXAMPLE_POINTS),
        _row("metrics", _metric_points(signals, components["result"].present), METRICS_POINTS),
        _row("length", _length_points(signals["word_count"].value), LENGTH_POINTS),
        _row("stakes", stakes, STAKES_POINTS),
        _row("relevance", _relevance_points(signals["relevance"], stakes), RELEVANCE_POINTS),
        _row(
            "balance",
            BALANCE_POINTS if signals["balance"].ok else (1 if action else 0),
            BALANCE_POINTS,
        ),
        _row("hedging", CONCISE_POINTS if signals["hedging"].ok else 0.5, CONCISE_POINTS),
    ]
    # Too little story to show ownership or a real event: those points shrink with it.
    evidence = _share(sum(words.values()), EVIDENCE_WORDS)
    if evidence < 1:
        rows.append(_flag("thin_story", (1 - evidence) * (ownership + real)))
    # Caps hold what the criteria earn; red flags then come off whatever is left, so
    # a flag always costs, capped or not.
    raw = sum(row.earned for row in rows)
    if not signals["hypothetical"].ok:
        rows.append(_flag("hypothetical_cap", raw * (1 - HYPOTHETICAL_SHARE)))
    elif not signals["stakes"].ok:
        rows.append(_flag("stakes_cap", raw * (1 - NO_STAKES_SHARE)))
    return rows + _red_flags(signals)


def total_score(rows: list[Criterion]) -> int:
    return max(0, min(100, round(sum(row.earned for row in rows))))
