"""Suggestions (2–4, the fix worth most points first, each quoting this answer) and one
interviewer-style follow-up question."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from bank.model import Principle, Question
from bot.star.report import Component, Sentence, Signal
from bot.star.score import Criterion
from bot.star.signals import TARGET_WORDS
from bot.text import shorten

_WOULD = re.compile(r"\b(?:I|we)(?:'d|’d| would| will|'ll|’ll| usually| typically| tend)\b", re.I)

MIN_SUGGESTIONS = 2
MAX_SUGGESTIONS = 4
QUOTE_CHARS = 70

# Ties in impact are broken in this order: structure before polish.
_PRIORITY = (
    "result", "action", "hypothetical", "task", "situation", "metrics", "ownership",
    "learning", "balance", "length", "relevance", "hedging",
)

_GENERIC_FOLLOW_UPS: dict[str, str] = {
    "situation": "Before we go on: when was this, and what was at stake for the team or the customer?",
    "task": "What exactly were you responsible for here, and who set that goal?",
    "action": "Walk me through what you personally did, step by step. What did you do first?",
    "result": "How did it end? What changed, and how did you measure it?",
    "learning": "Looking back, what did you learn, and what would you do differently next time?",
    "metrics": "How did you know it worked? Which number moved, and by how much?",
    "ownership": "You mention the team a lot. Which part of that was yours alone?",
    "hypothetical": "Can you tell me about a specific time this actually happened, and what you did?",
    "default": "What was the hardest call you made in that story, and what did you give up for it?",
}
_FOLLOW_UP_KEYWORDS: dict[str, tuple[str, ...]] = {
    "situation": ("context", "stake", "when was", "why was", "situation", "background"),
    "task": ("responsib", "goal", "expected", "own", "role", "why you"),
    "action": ("you personally", "what did you do", "how did you", "step", "decide", "approach"),
    "result": ("result", "outcome", "turn out", "measure", "impact", "worked", "afterwards",
               "react", "change"),
    "learning": ("learn", "differently", "again", "changed the way", "since", "lesson"),
    "metrics": ("measure", "know it worked", "number", "data", "impact", "how much"),
    "ownership": ("you personally", "your role", "your part", "yourself", "you alone"),
    "hypothetical": ("specific", "example", "actually", "time"),
}


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    return f"“{shorten(' '.join(text.split()), limit)}”"


def _first(sentences: Sequence[Sentence], label: str) -> Sentence | None:
    return next((s for s in sentences if s.label == label), None)


def _last(sentences: Sequence[Sentence], label: str) -> Sentence | None:
    return next((s for s in reversed(sentences) if s.label == label), None)


def _suggestion(
    key: str,
    sentences: Sequence[Sentence],
    components: Mapping[str, Component],
    signals: Mapping[str, Signal],
    principle: Principle | None,
) -> str | None:
    story = [s for s in sentences if s.label != "other"] or list(sentences)
    first = story[0] if story else None
    setup = _last(sentences, "task") or _last(sentences, "situation") or first
    if key == "situation":
        where = f" before {quote(first.text)}" if first else ""
        return f"Open with a sentence or two of context{where}: where you were, when, and what was at stake."
    if key == "task":
        after = _last(sentences, "situation")
        where = f" right after {quote(after.text)}" if after else ""
        return f"Say what you were responsible for (your goal or the ask){where}, so your actions have a target."
    if key == "action":
        start = f" to get from {quote(setup.text)} to the outcome" if setup else ""
        return f"Add the Action: what did you do yourself, step by step,{start}? Name the decisions you made and why."
    if key == "result":
        last = _last(sentences, "action") or (story[-1] if story else None)
        after = f" after {quote(last.text)}" if last else ""
        return f"End with the Result: what changed{after}? Put a number on it if you can (time saved, % fewer errors, customers helped)."
    if key == "learning":
        ending = _last(sentences, "result") or (story[-1] if story else None)
        about = f" from {quote(ending.text, 50)}" if ending else ""
        return f"Close with one line on what you learned{about} and what you do differently since; interviewers often ask."
    if key == "metrics":
        result = _last(sentences, "result")
        if result is None:
            return None
        numbers = signals["metrics"].value
        earlier = f" You mention {', '.join(numbers[:2])} elsewhere; show the number the outcome moved." if numbers else ""
        return f"Put a number on the result {quote(result.text)}: how much faster, cheaper or better, for how many people?{earlier}"
    if key == "ownership":
        counts = signals["ownership"].value
        we_sentence = next((s for s in sentences if s.label == "action" and _has_we(s.text)), None)
        we_sentence = we_sentence or next((s for s in sentences if _has_we(s.text)), None)
        example = f" For example, turn {quote(we_sentence.text, 60)} into what you did." if we_sentence else ""
        return (
            f"You say “we” {counts['we']}× and “I” {counts['i']}×. Keep the teamwork, "
            f"but make your own part clear.{example}"
        )
    if key == "hypothetical":
        example = next((s for s in story if _WOULD.search(s.text)), None)
        opening = f"{quote(example.text, 60)} describes" if example else "This describes"
        return f"{opening} what you would do. Interviewers want a real past example: tell one specific time and what you actually did."
    if key == "length":
        words = signals["word_count"].value
        seconds = signals["speaking_time"].value
        low, high = TARGET_WORDS
        if words < low:
            return f"At {words} words (about {seconds} s spoken) it's short: add the steps you took and the outcome to reach 1.5–3 minutes ({low}–{high} words)."
        context = _first(sentences, "situation")
        trim = f" such as {quote(context.text, 50)}" if context else ""
        return f"At {words} words (about {seconds / 60:.1f} min spoken) it runs past 3 minutes: cut set-up{trim} and keep the detail for your actions."
    if key == "balance":
        shares = signals["balance"].value
        action = round(100 * shares.get("action", 0))
        setup_share = round(100 * (shares.get("situation", 0) + shares.get("task", 0)))
        if not components["action"].present:
            return None
        if setup_share > 50:
            context = _first(sentences, "situation") or _first(sentences, "task")
            trim = f" like {quote(context.text, 50)}" if context else ""
            return f"Set-up takes {setup_share}% of the story and your actions {action}%: trim context{trim} and spend the words on what you did."
        result = round(100 * shares.get("result", 0))
        return f"Your Action ({action}%) is lighter than the rest (Result {result}%, set-up {setup_share}%): add the key steps you took and why."
    if key == "hedging":
        hedges = signals["hedging"].value
        listed = " and ".join(f"“{h}”" for h in hedges[:2])
        return f"Drop hedges like {listed}: say what you did and what happened with confidence."
    if key == "relevance" and principle is not None:
        examples = " or ".join(f"“{s}”" for s in principle.signals[:2])
        hint = f" (for example {examples})" if examples else ""
        return f"Tie the story to {principle.name}: make clear where you showed it{hint}."
    return None


def _has_we(text: str) -> bool:
    lowered = f" {text.lower()} "
    return " we " in lowered or " our " in lowered or lowered.startswith(" we")


def _polish(sentences: Sequence[Sentence], signals: Mapping[str, Signal]) -> list[str]:
    tips: list[str] = []
    result = _last(sentences, "result")
    if result is not None:
        tips.append(f"Your strongest line is {quote(result.text, 60)}: if time is short, lead with it.")
    action = _first(sentences, "action")
    if action is not None:
        tips.append(f"Be ready to explain why you chose {quote(action.text, 60)} over the alternatives.")
    seconds = signals["speaking_time"].value
    tips.append(f"Say it out loud once: at about {seconds} s spoken, check the pace feels natural.")
    return tips


def suggestions(
    rows: Sequence[Criterion],
    sentences: Sequence[Sentence],
    components: Mapping[str, Component],
    signals: Mapping[str, Signal],
    principle: Principle | None,
) -> tuple[str, ...]:
    ordered = sorted(
        (row for row in rows if row.lost > 0),
        key=lambda row: (-row.lost, _PRIORITY.index(row.key)),
    )
    found: list[str] = []
    for row in ordered:
        text = _suggestion(row.key, sentences, components, signals, principle)
        if text and text not in found:
            found.append(text)
        if len(found) == MAX_SUGGESTIONS:
            break
    if len(found) < MIN_SUGGESTIONS:
        found += _polish(sentences, signals)[: MIN_SUGGESTIONS - len(found)]
    return tuple(found)


def weakest(rows: Sequence[Criterion]) -> str:
    lost = [row for row in rows if row.lost > 0 and row.key in _GENERIC_FOLLOW_UPS]
    if not lost:
        return "default"
    return min(lost, key=lambda row: (-row.lost, _PRIORITY.index(row.key))).key


def follow_up(rows: Sequence[Criterion], question: Question | None, principle: Principle | None) -> str:
    """From the question's follow-ups when one fits the weakest point, else a probe
    aimed at it."""
    focus = weakest(rows)
    if question is not None and question.followups:
        keywords = _FOLLOW_UP_KEYWORDS.get(focus, ())
        hits = [(sum(k in f.lower() for k in keywords), -i, f) for i, f in enumerate(question.followups)]
        best = max(hits)
        if best[0] > 0 or focus == "default":
            return best[2]
    if focus == "default" and principle is not None:
        return f"How does this story show {principle.name}? What would have gone differently without you?"
    return _GENERIC_FOLLOW_UPS[focus]
