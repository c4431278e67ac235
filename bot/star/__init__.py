"""The STAR coach: reads an interview answer and reports its Situation, Task, Action,
Result and Learning, with signals, a score, suggestions and a follow-up question.

    from bot.star import analyze, render_feedback
    report = analyze(text, principle="ownership")
    reply = render_feedback(report)
"""

from __future__ import annotations

from bot.star.analyzer import MAX_CHARS, analyze
from bot.star.render import render_feedback
from bot.star.report import LABELS, PART_NAMES, PARTS, Component, Sentence, Signal, StarReport

__all__ = [
    "LABELS",
    "MAX_CHARS",
    "PARTS",
    "PART_NAMES",
    "Component",
    "Sentence",
    "Signal",
    "StarReport",
    "analyze",
    "render_feedback",
]
