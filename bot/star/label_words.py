"""The words people use to label the parts of a STAR answer, and the part each names.
``bot.star.labels`` finds them in an answer; this module is only the vocabulary."""

from __future__ import annotations

# Label words (lower case) and the part each names. Longer phrases come first in the
# pattern so "lessons learned" wins over "lessons".
WORDS: dict[str, str] = {
    "situation": "situation",
    "sit": "situation",
    "situ": "situation",
    "where": "situation",
    "context": "situation",
    "background": "situation",
    "setting": "situation",
    "scenario": "situation",
    "problem": "situation",
    "challenge": "situation",  # or task: see EITHER
    "task": "task",
    "tasks": "task",
    "goal": "task",
    "goals": "task",
    "objective": "task",
    "objectives": "task",
    "role": "task",
    "responsibility": "task",
    "mission": "task",
    "assignment": "task",
    "the ask": "task",
    "my part": "task",
    "what was on me": "task",
    "my job": "task",
    "what i had to do": "task",
    "what i needed to do": "task",
    "action": "action",
    "activity": "action",  # UK careers services teach Situation, Task, Activity, Result
    "activities": "action",
    "act": "action",
    "did": "action",
    "actions": "action",
    "actions taken": "action",
    "action taken": "action",
    "how": "action",
    "how i did it": "action",
    "how we did it": "action",
    "how i handled it": "action",
    "what i did": "action",
    "what we did": "action",
    "what i actually did": "action",
    "how i solved it": "action",
    "solution": "action",
    "approach": "action",
    "steps": "action",
    "steps taken": "action",
    "result": "result",
    "res": "result",
    "after": "result",
    "end result": "result",
    "results": "result",
    "outcome": "result",
    "outcomes": "result",
    "impact": "result",
    "results and impact": "result",
    "how it ended": "result",
    "how it turned out": "result",
    "how it went": "result",
    "learning": "learning",
    "learn": "learning",
    "learnings": "learning",
    "learned": "learning",
    "lesson": "learning",
    "lessons": "learning",
    "lesson learned": "learning",
    "lessons learned": "learning",
    "lesson learnt": "learning",
    "lessons learnt": "learning",
    "takeaway": "learning",
    "takeaways": "learning",
    "reflection": "learning",
    "reflections": "learning",
    "what i learned": "learning",
    "what i learnt": "learning",
    "what we learned": "learning",
    "what i took away": "learning",
    "key learning": "learning",
    "what i'd do differently": "learning",
    "what i would do differently": "learning",
}
# Label words that name the set-up as a whole: either part may follow.
EITHER = {"challenge": frozenset(("situation", "task"))}
# Single letters: "S:", "T -", "(A)", "R)".
LETTERS: dict[str, str] = {
    "s": "situation", "t": "task", "a": "action", "r": "result", "l": "learning"
}
# Label words that also open ordinary sentences: labels only with a colon (or "=", ">",
# emphasis, or a line of their own).
COMMON_WORDS = frozenset(("how", "where", "did", "after"))
# Word stems that name a part in a heading written in the person's own words.
HEADING_STEMS = {
    "situation": "situation", "context": "situation", "background": "situation",
    "task": "task", "goal": "task", "objective": "task", "responsib": "task",
    "action": "action", "approach": "action", "steps": "action",
    "result": "result", "outcome": "result", "impact": "result", "ended": "result",
    "learn": "learning", "lesson": "learning", "takeaway": "learning",
    "reflect": "learning", "differently": "learning",
}
# Questions an interviewer asks, used by people as labels.
QUESTION_PHRASES = {
    "need to do": "task", "have to do": "task", "had to do": "task", "asked to do": "task",
    "did you do": "action", "did i do": "action", "actually do": "action",
    "turn out": "result", "turned out": "result", "did it end": "result",
    "did it go": "result",
}
