"""The suggestion writers: one per rubric line or red flag, each quoting the answer where
it applies, plus tips for an answer with little left to fix. Which problems get a tip,
and in what order, is ``bot.star.advice``'s to decide."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from bank.model import Principle
from bot.star.report import PART_NAMES, PARTS, Component, Sentence, Signal
from bot.star.signals import SUBSTANCE_WORDS, TARGET_WORDS
from bot.text import shorten

QUOTE_CHARS = 70

_WOULD = re.compile(r"\b(?:I|we)(?:'d|’d| would| will|'ll|’ll| usually| typically| tend)\b", re.I)
_WE = re.compile(r"\b(?:we|our|us)\b", re.I)


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    return f"“{shorten(' '.join(text.split()), limit)}”"


class Answer:
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


def _anchor(a: Answer, part: str) -> str:
    """Where a missing ``part`` belongs, quoting the answer: right after the last
    sentence of an earlier part that comes before the first sentence of a later one
    (a Task after the Situation, an Action after the Task), else before that later
    sentence, else after the last earlier one."""
    rank = PARTS.index(part)
    story = a.story
    later = next(
        (i for i, s in enumerate(story) if s.label in PARTS and PARTS.index(s.label) > rank), None
    )
    before = story if later is None else story[:later]
    earlier = [s for s in before if s.label in PARTS and PARTS.index(s.label) < rank]
    if earlier:
        return f" right after {quote(earlier[-1].text, 60)}"
    if later is not None:
        return f" before {quote(story[later].text, 60)}"
    return ""


def _words_of(a: Answer, part: str) -> int:
    return a.signals["substance"].value[part] if "substance" in a.signals else 0


def _thin(a: Answer, part: str) -> str | None:
    """A part that is there but says too little for an interviewer to take it (None
    when it says at least half of what it needs: then it is no problem worth a tip)."""
    sentence = a.first(part)
    words = _words_of(a, part)
    if words >= SUBSTANCE_WORDS[part] // 2:
        return None
    plural = "s" * (words != 1)
    said = (
        f"Your {PART_NAMES[part]} {quote(sentence.text, 60)} is {words} word{plural}"
        if sentence
        else f"Your {PART_NAMES[part]} says little"
    )
    ask = {
        "situation": "say where and when it was, and what was at stake.",
        "task": "say what exactly you owned, and what success looked like.",
        "action": "walk through what you did step by step, and why you chose it.",
        "result": "say what changed, with a number if you have one.",
        "learning": "say what you do differently since.",
    }[part]
    return f"{said}: {ask}"


# An opening that sets the scene: a job, a role, a time.
_SETTING = re.compile(
    r"^\W*(?:at|in|during|while|when|last|a few|some|early|back|as|on|my first|two|three|"
    r"several|i was|i worked|i joined|i led|i ran|i managed|i owned|our|my team|"
    r"\w+ (?:years?|months?|weeks?) ago)\b",
    re.I,
)


def _situation(a: Answer) -> str | None:
    if a.components["situation"].present:
        return _thin(a, "situation")
    opening = a.story[0] if a.story else None
    if opening is not None and _SETTING.search(opening.text):
        return (
            f"Your opening {quote(opening.text, 60)} sets the scene; add a line on the "
            "problem and what was at stake before you say what you did."
        )
    where = f" before {quote(opening.text)}" if opening else ""
    return (
        f"Open with a sentence or two of context{where}: where you were, when, and what "
        "was at stake."
    )


def _task(a: Answer) -> str | None:
    if a.components["task"].present:
        return _thin(a, "task")
    return (
        f"Say what you were responsible for (your goal or the ask){_anchor(a, 'task')}, so "
        "your actions have a target."
    )


def _action(a: Answer) -> str | None:
    if a.components["action"].present:
        return _thin(a, "action")
    return (
        f"Add the Action{_anchor(a, 'action')}: what did you do yourself, step by step? Name "
        "the decisions you made and why."
    )


def _result(a: Answer) -> str | None:
    if a.components["result"].present:
        return _thin(a, "result")
    return (
        f"End with the Result{_anchor(a, 'result')}: what changed? Put a number on it if you "
        "can (time saved, % fewer errors, customers helped)."
    )


def _learning(a: Answer) -> str | None:
    if a.components["learning"].present and _words_of(a, "learning"):
        return _thin(a, "learning")
    ending = a.last("result")
    about = f" from {quote(ending.text, 50)}" if ending else ""
    return (
        f"Close with one line on what you learned{about} and what you do differently since; "
        "interviewers often ask."
    )


def _no_lesson(a: Answer) -> str:
    said = a.signals["no_lesson"].value
    opening = f"Replace {quote(said[0], 60)}" if said else "Replace the empty lesson"
    return (
        f"{opening} with a real lesson: what would you do differently, and what do you do "
        "now? “Nothing to learn” tells an interviewer you don't grow from mistakes."
    )


def _failure(a: Answer) -> str:
    told = a.signals["failure"].value
    what = f" ({quote(told[0], 50)})" if told else ""
    return (
        f"The story ends badly{what} and draws no lesson: a failure story is judged on "
        "what you learned, so close with what you changed since."
    )


def _blame(a: Answer) -> str:
    said = a.signals["blame"].value
    opening = quote(said[0], 60) if said else "The ending"
    return (
        f"{opening} puts the blame on someone else; interviewers hear that as low "
        "ownership. Say what you could have done yourself, and what you do now to prevent it."
    )


def blame_and_no_lesson(a: Answer) -> str:
    said = a.signals["blame"].value[0]
    return (
        f"Replace {quote(said, 60)}: it blames someone else and says there was nothing to "
        "learn, which an interviewer hears as low ownership. Say what you could have done "
        "yourself, and what you do differently now."
    )


def _duplicated(a: Answer) -> str:
    share, copies = a.signals["duplicated"].value
    times = "twice" if copies == 2 else f"{copies} times"
    return (
        f"The same text comes {times} ({share:.0%} of the answer is repeated): post the "
        "story once, as you would tell it in the room."
    )


def _implausible(a: Answer) -> str:
    numbers = " and ".join(a.signals["implausible"].value[:2])
    return (
        f"Numbers like {numbers} are hard to believe (nothing is cut by more than 100 %): "
        "give the real figure and its baseline, e.g. “from 40 to 12 tickets a week”."
    )


def _unfinished(a: Answer) -> str:
    return (
        f"The answer stops mid-sentence at {quote(a.signals['unfinished'].value, 50)}: "
        "finish the story (did the paste get cut off?)."
    )


def _metrics(a: Answer) -> str | None:
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


def _ownership(a: Answer) -> str:
    counts = a.signals["ownership"].value
    example = next((s for s in a.by_label.get("action", ()) if _WE.search(s.text)), None)
    example = example or next((s for s in a.sentences if _WE.search(s.text)), None)
    if counts["i"] == 0 and counts["we"] == 0:
        return "Say who did what: tell your own steps in the first person (I checked, I decided)."
    rewrite = f" Turn {quote(example.text, 60)} into what you did." if example else ""
    if counts["i"] == 0:
        return (
            f"You say “we” {counts['we']}× and never “I”: an interviewer can't tell what you "
            f"did.{rewrite}"
        )
    return (
        f"You say “we” {counts['we']}× and “I” {counts['i']}×. Keep the teamwork, but make "
        f"your own part clear.{rewrite}"
    )


def hypothetical(a: Answer) -> str:
    example = next((s for s in a.story if _WOULD.search(s.text)), None)
    opening = f"{quote(example.text, 60)} describes" if example else "This describes"
    return (
        f"{opening} what you would do. Interviewers want a real past example: tell one "
        "specific time and what you actually did."
    )


def _length(a: Answer) -> str | None:
    words = a.signals["word_count"].value
    seconds = a.signals["speaking_time"].value
    low, high = TARGET_WORDS
    if words < low:
        return (
            f"At {words} word{'s' * (words != 1)} (about {seconds} s spoken) it's short: add "
            f"the steps you took and the outcome to reach 1.5–3 minutes ({low}–{high} words)."
        )
    setup = a.signals["balance"].value
    heavy = setup.get("situation", 0) + setup.get("task", 0) > 0.35
    context = a.first("situation") if heavy else None
    trim = f" cut set-up such as {quote(context.text, 50)} and" if context else " cut, and"
    return (
        f"At {words} words (about {seconds / 60:.1f} min spoken) it runs past 3 minutes:{trim} "
        "keep the detail for your actions."
    )


def _balance(a: Answer) -> str | None:
    if not a.components["action"].present:
        return None
    shares = a.signals["balance"].value
    action = round(100 * shares.get("action", 0))
    setup = round(100 * (shares.get("situation", 0) + shares.get("task", 0)))
    if setup > 50:
        if a.signals["word_count"].value < TARGET_WORDS[0]:
            return (
                f"Your actions are {action}% of the story: add the key steps you took and "
                "why, rather than more context."
            )
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


def _hedging(a: Answer) -> str:
    listed = " and ".join(f"“{h}”" for h in a.signals["hedging"].value[:2])
    return f"Drop hedges like {listed}: say what you did and what happened with confidence."


def _stakes(a: Answer) -> str:
    return (
        "Nothing in this story is at stake for a team, customers or anyone else: pick a "
        "work, school or volunteering story where your choice mattered."
    )


def _relevance(a: Answer) -> str | None:
    if a.principle is None:
        return None
    # Words the answer already uses are no hint: suggesting them would say the answer
    # lacks what it has.
    said = " ".join(sentence.text.lower() for sentence in a.sentences)
    unsaid = [word for word in a.principle.signals if word.lower() not in said]
    examples = " or ".join(f"“{word}”" for word in unsaid[:2])
    hint = f" (for example {examples})" if examples else ""
    return (
        f"Tie the story to {a.principle.name}: make clear where you showed it, in what "
        f"you chose and why{hint}."
    )


def story_outline(a: Answer) -> str:
    missing = [p for p in ("situation", "task", "action", "result") if not a.components[p].present]
    gaps = f" (this one has no {_listed(missing)} yet)" if missing else ""
    return (
        "Then tell it in order: where and when it happened, what you were asked to do, the "
        f"steps you took, and how it ended, with a number if you have one{gaps}."
    )


def _listed(parts: Sequence[str]) -> str:
    names = [p.title() for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def polish(a: Answer, wanted: int) -> list[str]:
    """Up to ``wanted`` tips for an answer with little left to fix, still specific to it.
    (None says to lead with the outcome: a good story is told in order.)"""
    tips: list[str] = []
    action = a.first("action")
    if action is not None:
        tips.append(
            f"Be ready to explain why you chose {quote(action.text, 60)} over the alternatives."
        )
    result = a.last("result")
    if result is not None and len(tips) < wanted:
        tips.append(
            f"Expect “how did you know?” after {quote(result.text, 60)}: have the measure "
            "and who saw it ready."
        )
    seconds = a.signals["speaking_time"].value
    tips.append(f"Say it out loud once: at about {seconds} s spoken, check the pace feels natural.")
    return tips[:wanted]


WRITERS: dict[str, Callable[[Answer], str | None]] = {
    "situation": _situation,
    "task": _task,
    "action": _action,
    "result": _result,
    "learning": _learning,
    "metrics": _metrics,
    "ownership": _ownership,
    "hypothetical": hypothetical,
    "length": _length,
    "balance": _balance,
    "hedging": _hedging,
    "stakes": _stakes,
    "relevance": _relevance,
    "duplicated": _duplicated,
    "blame": _blame,
    "no_lesson": _no_lesson,
    "failure": _failure,
    "implausible": _implausible,
    "unfinished": _unfinished,
}
