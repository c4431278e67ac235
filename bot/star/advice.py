"""Suggestions (2–3, one per problem, the costliest first, each quoting this answer
where it applies), the verdict line (what the score means in an interview) and one
interviewer-style follow-up question."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bank.model import Principle, Question
from bot.star.report import PARTS, Component, Sentence, Signal
from bot.star.score import PART_POINTS, Criterion
from bot.star.signals import TARGET_WORDS
from bot.star.tips import WRITERS, Answer, blame_and_no_lesson, hypothetical, polish, story_outline

MIN_SUGGESTIONS = 2
MAX_SUGGESTIONS = 3

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


def _write(answer: Answer, keys: tuple[str, ...], rows: Sequence[Criterion]) -> str | None:
    costs = {row.key for row in rows if row.lost > 0.25}
    if keys[0] == "stakes" and "stakes" not in costs:
        keys = ("relevance",)  # some stakes, but not the asked principle
    if keys[0] == "no_lesson" and "no_lesson" not in costs:
        keys = ("failure", "learning") if "failure" in costs else ("learning",)
    if keys[0] == "implausible" and "implausible" not in costs:
        keys = ("metrics",)
    if keys[0] == "length" and "length" not in costs:
        keys = ("length",)
    return WRITERS[keys[0]](answer)


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
    answer = Answer(sentences, components, signals, principle, by_label)
    if not signals["hypothetical"].ok:
        # Structure advice waits until there is a real story to structure.
        return (hypothetical(answer), story_outline(answer))
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
            text = blame_and_no_lesson(answer)
        else:
            text = _write(answer, keys, rows)
        if text and text not in found:
            found.append(text)
            parts_advised = parts_advised or keys[0] in PARTS
            if len(found) == MAX_SUGGESTIONS:
                break
    if len(found) < MIN_SUGGESTIONS:
        found += polish(answer, MIN_SUGGESTIONS - len(found))
    return tuple(found)


_VERDICTS: dict[str, str] = {
    "hypothetical": "an interviewer would stop you here: this is what you would do, not a "
    "time you did it",
    "stakes": "an interviewer would not count this story: nothing is at stake for a team, "
    "customers or anyone else",
    "relevance": "an interviewer would ask how this story shows the principle asked about",
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


def verdict_line(rows: Sequence[Criterion], signals: Mapping[str, Signal], score: int) -> str:
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
    text = _VERDICTS[key].format(numbers=" and ".join(signals["implausible"].value[:2]))
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
