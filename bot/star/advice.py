"""Suggestions (2–4, the fix worth most points first, each quoting this answer) and one
interviewer-style follow-up question."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from bank.model import Principle, Question
from bot.star.report import Component, Sentence, Signal
from bot.star.score import Criterion
from bot.star.signals import TARGET_WORDS
from bot.text import shorten

MIN_SUGGESTIONS = 2
MAX_SUGGESTIONS = 4
QUOTE_CHARS = 70

# Ties in impact are broken in this order: structure before polish.
_PRIORITY = {
    key: rank
    for rank, key in enumerate(
        (
            "result", "action", "hypothetical", "task", "situation", "metrics", "ownership",
            "learning", "balance", "length", "relevance", "hedging",
        )
    )
}

_GENERIC_FOLLOW_UPS: dict[str, str] = {
    "situation": "Before we go on: when was this, and what was at stake for the team or "
    "the customer?",
    "task": "What exactly were you responsible for here, and who set that goal?",
    "action": "Walk me through what you personally did, step by step. What did you do first?",
    "result": "How did it end? What changed, and how did you measure it?",
    "learning": "Looking back, what did you learn, and what would you do differently next time?",
    "metrics": "How did you know it worked? Which number moved, and by how much?",
    "ownership": "You mention the team a lot. Which part of that was yours alone?",
    "hypothetical": "Can you tell me about a specific time this actually happened, and what "
    "you did?",
    "default": "What was the hardest call you made in that story, and what did you give up "
    "for it?",
}
_FOLLOW_UP_KEYWORDS: dict[str, tuple[str, ...]] = {
    "situation": ("context", "stake", "when was", "why was", "situation", "background"),
    "task": ("responsib", "goal", "expected", "own", "role", "why you"),
    "action": ("you personally", "what did you do", "how did you", "step", "decide", "approach"),
    "result": (
        "result", "outcome", "turn out", "measure", "impact", "worked", "afterwards", "react",
        "change",
    ),
    "learning": ("learn", "differently", "again", "changed the way", "since", "lesson"),
    "metrics": ("measure", "know it worked", "number", "data", "impact", "how much"),
    "ownership": ("you personally", "your role", "your part", "yourself", "you alone"),
    "hypothetical": ("specific", "example", "actually", "time"),
}
_WOULD = re.compile(r"\b(?:I|we)(?:'d|’d| would| will|'ll|’ll| usually| typically| tend)\b", re.I)
_WE = re.compile(r"\b(?:we|our|us)\b", re.I)


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    return f"“{shorten(' '.join(text.split()), limit)}”"


class _Answer:
    """What the suggestion writers need to know about one analyzed answer."""

    def __init__(
        self,
        sentences: Sequence[Sentence],
        components: Mapping[str, Component],
        signals: Mapping[str, Signal],
        principle: Principle | None,
        by_label: Mapping[str, list[Sentence]] | None = None,
    ) -> None:
        self.sentences = sentences
        self.components = components
        self.signals = signals
        self.principle = principle
        if by_label is None:
            grouped: dict[str, list[Sentence]] = {}
            for sentence in sentences:
                grouped.setdefault(sentence.label, []).append(sentence)
            by_label = grouped
        self.by_label = by_label

    @functools.cached_property
    def story(self) -> list[Sentence]:
        """The sentences that tell the story (all of them if none does)."""
        return [s for s in self.sentences if s.label != "other"] or list(self.sentences)

    def first(self, label: str) -> Sentence | None:
        found = self.by_label.get(label)
        return found[0] if found else None

    def last(self, label: str) -> Sentence | None:
        found = self.by_label.get(label)
        return found[-1] if found else None


def _situation(a: _Answer) -> str:
    where = f" before {quote(a.story[0].text)}" if a.story else ""
    return (
        f"Open with a sentence or two of context{where}: where you were, when, and what "
        "was at stake."
    )


def _task(a: _Answer) -> str:
    after = a.last("situation")
    where = f" right after {quote(after.text)}" if after else ""
    return (
        f"Say what you were responsible for (your goal or the ask){where}, so your actions "
        "have a target."
    )


def _action(a: _Answer) -> str:
    setup = a.last("task") or a.last("situation") or (a.story[0] if a.story else None)
    path = f" to get from {quote(setup.text)} to the outcome" if setup else ""
    return (
        f"Add the Action: what did you do yourself, step by step,{path}? Name the decisions "
        "you made and why."
    )


def _result(a: _Answer) -> str:
    last = a.last("action") or (a.story[-1] if a.story else None)
    after = f" after {quote(last.text)}" if last else ""
    return (
        f"End with the Result: what changed{after}? Put a number on it if you can (time "
        "saved, % fewer errors, customers helped)."
    )


def _learning(a: _Answer) -> str:
    ending = a.last("result") or (a.story[-1] if a.story else None)
    about = f" from {quote(ending.text, 50)}" if ending else ""
    return (
        f"Close with one line on what you learned{about} and what you do differently since; "
        "interviewers often ask."
    )


def _metrics(a: _Answer) -> str | None:
    result = a.last("result")
    if result is None:
        return None
    numbers = a.signals["metrics"].value
    earlier = (
        f" You mention {', '.join(numbers[:2])} elsewhere; show the number the outcome moved."
        if numbers
        else ""
    )
    return (
        f"Put a number on the result {quote(result.text)}: how much faster, cheaper or "
        f"better, for how many people?{earlier}"
    )


def _ownership(a: _Answer) -> str:
    counts = a.signals["ownership"].value
    example = next((s for s in a.by_label.get("action", ()) if _WE.search(s.text)), None)
    example = example or next((s for s in a.sentences if _WE.search(s.text)), None)
    rewrite = f" For example, turn {quote(example.text, 60)} into what you did." if example else ""
    return (
        f"You say “we” {counts['we']}× and “I” {counts['i']}×. Keep the teamwork, but make "
        f"your own part clear.{rewrite}"
    )


def _hypothetical(a: _Answer) -> str:
    example = next((s for s in a.story if _WOULD.search(s.text)), None)
    opening = f"{quote(example.text, 60)} describes" if example else "This describes"
    return (
        f"{opening} what you would do. Interviewers want a real past example: tell one "
        "specific time and what you actually did."
    )


def _length(a: _Answer) -> str:
    words = a.signals["word_count"].value
    seconds = a.signals["speaking_time"].value
    low, high = TARGET_WORDS
    if words < low:
        return (
            f"At {words} word{'s' * (words != 1)} (about {seconds} s spoken) it's short: add "
            f"the steps you took and the outcome to reach 1.5–3 minutes ({low}–{high} words)."
        )
    context = a.first("situation")
    trim = f" such as {quote(context.text, 50)}" if context else ""
    return (
        f"At {words} words (about {seconds / 60:.1f} min spoken) it runs past 3 minutes: cut "
        f"set-up{trim} and keep the detail for your actions."
    )


def _balance(a: _Answer) -> str | None:
    if not a.components["action"].present:
        return None
    shares = a.signals["balance"].value
    action = round(100 * shares.get("action", 0))
    setup = round(100 * (shares.get("situation", 0) + shares.get("task", 0)))
    if setup > 50:
        context = a.first("situation") or a.first("task")
        trim = f" like {quote(context.text, 50)}" if context else ""
        return (
            f"Set-up takes {setup}% of the story and your actions {action}%: trim "
            f"context{trim} and spend the words on what you did."
        )
    result = round(100 * shares.get("result", 0))
    return (
        f"Your Action ({action}%) is lighter than the rest (Result {result}%, set-up "
        f"{setup}%): add the key steps you took and why."
    )


def _hedging(a: _Answer) -> str:
    listed = " and ".join(f"“{h}”" for h in a.signals["hedging"].value[:2])
    return f"Drop hedges like {listed}: say what you did and what happened with confidence."


def _relevance(a: _Answer) -> str | None:
    if a.principle is None:
        return None
    examples = " or ".join(f"“{s}”" for s in a.principle.signals[:2])
    hint = f" (for example {examples})" if examples else ""
    return f"Tie the story to {a.principle.name}: make clear where you showed it{hint}."


_WRITERS: dict[str, Callable[[_Answer], str | None]] = {
    "situation": _situation,
    "task": _task,
    "action": _action,
    "result": _result,
    "learning": _learning,
    "metrics": _metrics,
    "ownership": _ownership,
    "hypothetical": _hypothetical,
    "length": _length,
    "balance": _balance,
    "hedging": _hedging,
    "relevance": _relevance,
}


def _story_outline(a: _Answer) -> str:
    missing = [p for p in ("situation", "task", "action", "result") if not a.components[p].present]
    gaps = f" (this one has no {_listed(missing)} yet)" if missing else ""
    return (
        "Then tell it in order: where and when it happened, what you were asked to do, the "
        f"steps you took, and how it ended, with a number if you have one{gaps}."
    )


def _listed(parts: Sequence[str]) -> str:
    names = [p.title() for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def _polish(a: _Answer, wanted: int) -> list[str]:
    """Up to ``wanted`` tips for an answer with little left to fix, still specific to it."""
    tips: list[str] = []
    results = a.by_label.get("result", [])
    numbers = a.signals["metrics"].value if a.signals["metrics"].ok else ()
    result = next((s for s in results if any(n in s.text for n in numbers)), None)
    result = result or max(results, key=lambda s: s.confidence, default=None)
    if result is not None:
        tips.append(
            f"Your strongest line is {quote(result.text, 60)}: if time is short, lead with it."
        )
    action = a.first("action")
    if action is not None and len(tips) < wanted:
        tips.append(
            f"Be ready to explain why you chose {quote(action.text, 60)} over the alternatives."
        )
    seconds = a.signals["speaking_time"].value
    tips.append(f"Say it out loud once: at about {seconds} s spoken, check the pace feels natural.")
    return tips[:wanted]


def _by_impact(row: Criterion) -> tuple[float, int]:
    # A hypothetical answer needs a real story before anything else can be fixed.
    if row.key == "hypothetical":
        return -100.0, 0
    return -row.lost, _PRIORITY[row.key]


def suggestions(
    rows: Sequence[Criterion],
    sentences: Sequence[Sentence],
    components: Mapping[str, Component],
    signals: Mapping[str, Signal],
    principle: Principle | None,
    by_label: Mapping[str, list[Sentence]] | None = None,
) -> tuple[str, ...]:
    """2–4 suggestions, the one worth most points first. ``by_label`` may pass the
    sentences already grouped by label."""
    answer = _Answer(sentences, components, signals, principle, by_label)
    if not signals["hypothetical"].ok:
        # Structure advice waits until there is a real story to structure.
        return (_hypothetical(answer), _story_outline(answer))
    found: list[str] = []
    for row in sorted((row for row in rows if row.lost > 0), key=_by_impact):
        text = _WRITERS[row.key](answer)
        if text and text not in found:
            found.append(text)
            if len(found) == MAX_SUGGESTIONS:
                break
    if len(found) < MIN_SUGGESTIONS:
        found += _polish(answer, MIN_SUGGESTIONS - len(found))
    return tuple(found)


def weakest(rows: Sequence[Criterion]) -> str:
    lost = [row for row in rows if row.lost > 0 and row.key in _GENERIC_FOLLOW_UPS]
    return min(lost, key=_by_impact).key if lost else "default"


def follow_up(
    rows: Sequence[Criterion], question: Question | None, principle: Principle | None
) -> str:
    """From the question's follow-ups when one fits the weakest point, else a probe
    aimed at it."""
    focus = weakest(rows)
    if question is not None and question.followups:
        keywords = _FOLLOW_UP_KEYWORDS.get(focus, ())
        hits = [
            (sum(k in f.lower() for k in keywords), -i, f) for i, f in enumerate(question.followups)
        ]
        best = max(hits)
        if best[0] > 0 or focus == "default":
            return best[2]
    if focus == "default" and principle is not None:
        return (
            f"How does this story show {principle.name}? What would have gone differently "
            "without you?"
        )
    return _GENERIC_FOLLOW_UPS[focus]
