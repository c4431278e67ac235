"""Suggestions (2–3, one per problem, the costliest first, each quoting this answer
where it applies), the verdict line (what the score means in an interview) and one
interviewer-style follow-up question."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence

from bank.model import Principle, Question
from bot.star.report import PART_NAMES, PARTS, Component, Sentence, Signal
from bot.star.score import PART_POINTS, Criterion
from bot.star.signals import SUBSTANCE_WORDS, TARGET_WORDS
from bot.text import shorten

MIN_SUGGESTIONS = 2
MAX_SUGGESTIONS = 3
QUOTE_CHARS = 70

# Ties in impact are broken in this order: structure before polish.
_PRIORITY = {
    key: rank
    for rank, key in enumerate(
        (
            "hypothetical", "hypothetical_cap", "stakes_cap", "duplicated", "blame",
            "no_lesson", "failure", "implausible", "unfinished", "result", "action", "task",
            "situation", "ownership", "metrics", "learning", "stakes", "relevance", "too_long",
            "too_short", "thin_story", "length", "balance", "hedging",
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
    "blame": "Which part of the outcome was in your control, and what would you do "
    "differently?",
    "implausible": "How exactly did you measure that, and what was the number before?",
    "stakes": "Can you tell me about a time at work or school when your choice really "
    "mattered to others?",
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
    "blame": ("differently", "your part", "control", "again"),
    "implausible": ("measure", "number", "data", "how much"),
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


def _anchor(a: _Answer, part: str) -> str:
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


def _words_of(a: _Answer, part: str) -> int:
    return a.signals["substance"].value[part] if "substance" in a.signals else 0


def _thin(a: _Answer, part: str) -> str | None:
    """A part that is there but says too little for an interviewer to take it (None
    when it says at least half of what it needs: then it is no problem worth a tip)."""
    sentence = a.first(part)
    words = _words_of(a, part)
    if words >= SUBSTANCE_WORDS[part] // 2:
        return None
    said = f"Your {PART_NAMES[part]} {quote(sentence.text, 60)} is {words} words" if sentence else (
        f"Your {PART_NAMES[part]} says little"
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


def _situation(a: _Answer) -> str | None:
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


def _task(a: _Answer) -> str | None:
    if a.components["task"].present:
        return _thin(a, "task")
    return (
        f"Say what you were responsible for (your goal or the ask){_anchor(a, 'task')}, so "
        "your actions have a target."
    )


def _action(a: _Answer) -> str | None:
    if a.components["action"].present:
        return _thin(a, "action")
    return (
        f"Add the Action{_anchor(a, 'action')}: what did you do yourself, step by step? Name "
        "the decisions you made and why."
    )


def _result(a: _Answer) -> str | None:
    if a.components["result"].present:
        return _thin(a, "result")
    return (
        f"End with the Result{_anchor(a, 'result')}: what changed? Put a number on it if you "
        "can (time saved, % fewer errors, customers helped)."
    )


def _learning(a: _Answer) -> str | None:
    if a.components["learning"].present and _words_of(a, "learning"):
        return _thin(a, "learning")
    ending = a.last("result")
    about = f" from {quote(ending.text, 50)}" if ending else ""
    return (
        f"Close with one line on what you learned{about} and what you do differently since; "
        "interviewers often ask."
    )


def _no_lesson(a: _Answer) -> str:
    said = a.signals["no_lesson"].value
    opening = f"Replace {quote(said[0], 60)}" if said else "Replace the empty lesson"
    return (
        f"{opening} with a real lesson: what would you do differently, and what do you do "
        "now? “Nothing to learn” tells an interviewer you don't grow from mistakes."
    )


def _failure(a: _Answer) -> str:
    told = a.signals["failure"].value
    what = f" ({quote(told[0], 50)})" if told else ""
    return (
        f"The story ends badly{what} and draws no lesson: a failure story is judged on "
        "what you learned, so close with what you changed since."
    )


def _blame(a: _Answer) -> str:
    said = a.signals["blame"].value
    opening = quote(said[0], 60) if said else "The ending"
    return (
        f"{opening} puts the blame on someone else; interviewers hear that as low "
        "ownership. Say what you could have done yourself, and what you do now to prevent it."
    )


def _blame_and_no_lesson(a: _Answer) -> str:
    said = a.signals["blame"].value[0]
    return (
        f"Replace {quote(said, 60)}: it blames someone else and says there was nothing to "
        "learn, which an interviewer hears as low ownership. Say what you could have done "
        "yourself, and what you do differently now."
    )


def _duplicated(a: _Answer) -> str:
    share, copies = a.signals["duplicated"].value
    times = "twice" if copies == 2 else f"{copies} times"
    return (
        f"The same text comes {times} ({share:.0%} of the answer is repeated): post the "
        "story once, as you would tell it in the room."
    )


def _implausible(a: _Answer) -> str:
    numbers = " and ".join(a.signals["implausible"].value[:2])
    return (
        f"Numbers like {numbers} are hard to believe (nothing is cut by more than 100 %): "
        "give the real figure and its baseline, e.g. “from 40 to 12 tickets a week”."
    )


def _unfinished(a: _Answer) -> str:
    return (
        f"The answer stops mid-sentence at {quote(a.signals['unfinished'].value, 50)}: "
        "finish the story (did the paste get cut off?)."
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


def _hypothetical(a: _Answer) -> str:
    example = next((s for s in a.story if _WOULD.search(s.text)), None)
    opening = f"{quote(example.text, 60)} describes" if example else "This describes"
    return (
        f"{opening} what you would do. Interviewers want a real past example: tell one "
        "specific time and what you actually did."
    )


def _length(a: _Answer) -> str | None:
    words = a.signals["word_count"].value
    seconds = a.signals["speaking_time"].value
    low, high = TARGET_WORDS
    if words < low:
        return (
            f"At {words} words (about {seconds} s spoken) it's short: add the steps you took "
            f"and the outcome to reach 1.5–3 minutes ({low}–{high} words)."
        )
    setup = a.signals["balance"].value
    heavy = setup.get("situation", 0) + setup.get("task", 0) > 0.35
    context = a.first("situation") if heavy else None
    trim = f" cut set-up such as {quote(context.text, 50)} and" if context else " cut, and"
    return (
        f"At {words} words (about {seconds / 60:.1f} min spoken) it runs past 3 minutes:{trim} "
        "keep the detail for your actions."
    )


def _balance(a: _Answer) -> str | None:
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


def _hedging(a: _Answer) -> str:
    listed = " and ".join(f"“{h}”" for h in a.signals["hedging"].value[:2])
    return f"Drop hedges like {listed}: say what you did and what happened with confidence."


def _stakes(a: _Answer) -> str:
    return (
        "Nothing in this story is at stake for a team, customers or anyone else: pick a "
        "work, school or volunteering story where your choice mattered."
    )


def _relevance(a: _Answer) -> str | None:
    if a.principle is None:
        return None
    examples = " or ".join(f"“{s}”" for s in a.principle.signals[:2])
    hint = f" (for example {examples})" if examples else ""
    return f"Tie the story to {a.principle.name}: make clear where you showed it{hint}."


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
    "stakes": _stakes,
    "relevance": _relevance,
    "duplicated": _duplicated,
    "blame": _blame,
    "no_lesson": _no_lesson,
    "failure": _failure,
    "implausible": _implausible,
    "unfinished": _unfinished,
}

# Rubric lines that are one problem for the person: their points are added up and one
# suggestion is written for them (the writer of the first key that applies).
_PROBLEMS: tuple[tuple[str, ...], ...] = (
    ("hypothetical", "hypothetical_cap"),
    ("stakes", "stakes_cap", "relevance"),
    ("duplicated",),
    ("blame",),
    ("no_lesson", "failure", "learning"),
    ("implausible", "metrics"),
    ("ownership",),
    ("situation",),
    ("task",),
    ("action",),
    ("result",),
    ("unfinished",),
    ("length", "too_long", "too_short", "thin_story"),
    ("balance",),
    ("hedging",),
)
_PROBLEM_OF = {key: keys for keys in _PROBLEMS for key in keys}


def _problems(rows: Sequence[Criterion], signals: Mapping[str, Signal]) -> list[tuple[str, ...]]:
    """The problems that cost points, the costliest first (ties: structure before
    polish). The points of a problem are what its rubric lines lost; a story too thin
    to show a role follows from what is missing or short, so it does not count for
    the order."""
    lost: dict[tuple[str, ...], float] = {}
    for row in rows:
        if row.key in PART_POINTS and row.lost <= row.points / 2:
            continue  # a part with at least half the words it needs is no problem yet
        if row.lost > 0.25:
            keys = _PROBLEM_OF[row.key]
            lost[keys] = lost.get(keys, 0.0) + (0.0 if row.key == "thin_story" else row.lost)
    return sorted(lost, key=lambda keys: (-lost[keys], _PRIORITY.get(keys[0], 99)))


def _write(answer: _Answer, keys: tuple[str, ...], rows: Sequence[Criterion]) -> str | None:
    costs = {row.key for row in rows if row.lost > 0.25}
    if keys[0] == "stakes" and "stakes" not in costs:
        keys = ("relevance",)  # some stakes, but not the asked principle
    if keys[0] == "no_lesson" and "no_lesson" not in costs:
        keys = ("failure", "learning") if "failure" in costs else ("learning",)
    if keys[0] == "implausible" and "implausible" not in costs:
        keys = ("metrics",)
    if keys[0] == "length" and "length" not in costs:
        keys = ("length",)
    return _WRITERS[keys[0]](answer)


def suggestions(
    rows: Sequence[Criterion],
    sentences: Sequence[Sentence],
    components: Mapping[str, Component],
    signals: Mapping[str, Signal],
    principle: Principle | None,
    by_label: Mapping[str, list[Sentence]] | None = None,
) -> tuple[str, ...]:
    """2–3 suggestions, one per problem, the one worth most points first. ``by_label``
    may pass the sentences already grouped by label."""
    answer = _Answer(sentences, components, signals, principle, by_label)
    if not signals["hypothetical"].ok:
        # Structure advice waits until there is a real story to structure.
        return (_hypothetical(answer), _story_outline(answer))
    found: list[str] = []
    short = signals["word_count"].value < TARGET_WORDS[0]
    parts_advised = False
    # One sentence that both blames and learns nothing is one problem.
    blamed, empty = signals["blame"].value, signals["no_lesson"].value
    one_sentence = bool(blamed and empty and blamed[0] == empty[0])
    for keys in _problems(rows, signals):
        if keys[0] == "length" and short and parts_advised:
            continue  # the part advice already says what to add
        if one_sentence and keys[0] in ("blame", "no_lesson"):
            text = _blame_and_no_lesson(answer)
        else:
            text = _write(answer, keys, rows)
        if text and text not in found:
            found.append(text)
            parts_advised = parts_advised or keys[0] in PARTS
            if len(found) == MAX_SUGGESTIONS:
                break
    if len(found) < MIN_SUGGESTIONS:
        found += _polish(answer, MIN_SUGGESTIONS - len(found))
    return tuple(found)


_VERDICTS: dict[str, str] = {
    "hypothetical": "an interviewer would stop you here: this is what you would do, not a "
    "time you did it",
    "stakes": "an interviewer would not count this story: nothing is at stake for a team, "
    "customers or anyone else",
    "relevance": "an interviewer would ask how this shows {principle}",
    "duplicated": "an interviewer would be lost: the same text comes more than once",
    "blame": "an interviewer would mark you down on ownership: the story blames someone else",
    "no_lesson": "an interviewer would doubt you grow from mistakes: you say there was "
    "nothing to learn",
    "failure": "an interviewer would ask what you learned: the story ends badly and draws "
    "no lesson",
    "learning": "an interviewer would ask what you learned from it",
    "implausible": "an interviewer would doubt the numbers: {numbers} is hard to believe",
    "metrics": "an interviewer would ask how you measured the outcome",
    "we_only": "an interviewer would push back on ownership: you never say what you did",
    "ownership": "an interviewer would ask which part was yours: “we” outweighs “I”",
    "situation": "an interviewer would ask for the context first",
    "task": "an interviewer would ask what you were responsible for",
    "action": "an interviewer would ask what you actually did",
    "result": "an interviewer would ask how it ended",
    "thin": "an interviewer would want more: what you wrote says very little",
    "length": "an interviewer would lose the thread: it runs past 3 minutes",
    "unfinished": "an interviewer would wait for the end: the answer stops mid-sentence",
    "short": "an interviewer would want more detail: it is over in under a minute",
    "balance": "an interviewer would want more of what you did",
    "hedging": "an interviewer would want you to sound surer",
}


def verdict_line(
    rows: Sequence[Criterion], signals: Mapping[str, Signal], principle: Principle | None,
    score: int,
) -> str:
    """What the score means in an interview, naming the costliest problem."""
    problems = _problems(rows, signals)
    costs = {row.key: row.lost for row in rows}
    lead = "Ready for an interview" if score >= 85 else (
        "Close to ready" if score >= 70 else "Not ready yet" if score >= 40 else "Far from ready"
    )
    if not problems or (score >= 85 and sum(costs.get(k, 0) for k in problems[0]) < 5):
        return f"{lead}. An interviewer would hear a clear, convincing story."
    keys = problems[0]
    key = keys[0]
    if key == "stakes" and costs.get("stakes", 0) <= 0.25:
        key = "relevance"
    elif key == "no_lesson" and costs.get("no_lesson", 0) <= 0.25:
        key = "failure" if costs.get("failure", 0) > 0.25 else "learning"
    elif key == "implausible" and costs.get("implausible", 0) <= 0.25:
        key = "metrics"
    elif key == "ownership" and signals["ownership"].value["i"] == 0:
        key = "we_only" if signals["ownership"].value["we"] else "ownership"
    elif key in ("situation", "task", "action", "result") and costs.get(key, 0) < PART_POINTS[key]:
        key = "thin"
    elif key == "length" and signals["word_count"].value < TARGET_WORDS[0]:
        key = "short"
    text = _VERDICTS[key].format(
        principle=principle.name if principle else "the principle",
        numbers=" and ".join(signals["implausible"].value[:2]),
    )
    return f"{lead}. {text[0].upper()}{text[1:]}."


def _by_impact(row: Criterion) -> tuple[float, int]:
    # A hypothetical answer needs a real story before anything else can be fixed.
    if row.key == "hypothetical_cap":
        return -100.0, 0
    return -row.lost, _PRIORITY[row.key]


# The probe for a problem that has no follow-up of its own.
_PROBED_AS = {
    "no_lesson": "learning", "failure": "learning", "hypothetical_cap": "hypothetical",
    "stakes_cap": "stakes", "too_long": "default", "too_short": "action",
    "unfinished": "result", "thin_story": "action",
}


def weakest(rows: Sequence[Criterion]) -> str:
    """The rubric line to probe."""
    probes = [(row, _PROBED_AS.get(row.key, row.key)) for row in rows if row.lost > 0.25]
    lost = [(row, probe) for row, probe in probes if probe in _GENERIC_FOLLOW_UPS]
    return min(lost, key=lambda pair: _by_impact(pair[0]))[1] if lost else "default"


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
