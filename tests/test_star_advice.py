"""Advice anchored where it belongs, on answers whose parts are given by hand (so these
hold whatever the part finder reads). Example answers are our own writing."""

from __future__ import annotations

import re

from bot.star import advice, analyze
from bot.star.features import Traits
from bot.star.report import PARTS, Component, Sentence
from bot.star.score import criteria
from bot.star.signals import compute_signals

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|%")


def suggestions_for(parts: list[tuple[str, str]]) -> tuple[str, ...]:
    """Suggestions for an answer told as (label, sentence) pairs, in order."""
    sentences, position = [], 0
    for label, text in parts:
        sentences.append(Sentence(position, position + len(text), text, label, 0.9))
        position += len(text) + 1
    tokens = [_TOKEN.findall(s.text.lower()) for s in sentences]
    traits = [
        Traits(past=True, number=bool(re.search(r"\d", s.text))) for s in sentences
    ]
    words = dict.fromkeys((*PARTS, "other"), 0)
    for s in sentences:
        words[s.label] += len(s.text.split())
    components = {
        p: Component(words[p] > 0, tuple(s.text for s in sentences if s.label == p), words[p])
        for p in PARTS
    }
    signals = compute_signals(sentences, tokens, traits, (0, 0), words, None)
    rows = criteria(components, signals)
    return advice.suggestions(rows, sentences, components, signals, None)


SITUATION = "At my last job I ran the billing dashboard that finance used to close each month."
SITUATION_2 = "The month-end report took six hours and often timed out halfway."
TASK = "My manager asked me to get the close under two hours before the audit in March."
ACTIONS = (
    "I profiled the report and found it re-read every invoice for each of the twelve regions.",
    "I built a nightly summary table, pointed the report at it and added a check that "
    "warns when the totals drift from the invoices.",
)
RESULT = "The report now runs in eight minutes, and finance closed March two days early."
LEARNING = "I learned to measure before I optimise, and I now profile first."


def test_a_missing_task_is_asked_for_right_after_the_situation() -> None:
    parts = [("situation", SITUATION), ("situation", SITUATION_2),
             *[("action", a) for a in ACTIONS], ("result", RESULT), ("learning", LEARNING)]
    task = next(s for s in suggestions_for(parts) if s.startswith("Say what you were"))
    assert "right after “The month-end report took six hours" in task


def test_a_missing_action_is_asked_for_right_after_the_task_not_after_the_last_sentence() -> None:
    parts = [("situation", SITUATION), ("task", TASK), ("result", RESULT), ("learning", LEARNING)]
    action = next(s for s in suggestions_for(parts) if s.startswith("Add the Action"))
    assert "right after “My manager asked me" in action
    assert "I learned" not in action


def test_a_missing_result_comes_after_the_last_action() -> None:
    parts = [("situation", SITUATION), ("task", TASK), *[("action", a) for a in ACTIONS]]
    result = next(s for s in suggestions_for(parts) if s.startswith("End with the Result"))
    assert "right after “I built a nightly summary table" in result


def test_an_opening_that_is_the_context_is_not_told_to_come_after_more_context() -> None:
    parts = [("task", SITUATION), *[("action", a) for a in ACTIONS], ("result", RESULT)]
    found = suggestions_for(parts)
    assert not any("context before “At my last job" in s for s in found)
    opening = [s for s in found if "At my last job" in s and "sets the scene" in s]
    assert len(opening) <= 1


def test_a_missing_situation_is_asked_for_before_the_first_sentence_otherwise() -> None:
    parts = [("task", TASK), *[("action", a) for a in ACTIONS], ("result", RESULT),
             ("learning", LEARNING)]
    found = suggestions_for(parts)
    assert any("context before “My manager asked me" in s for s in found)


def test_a_thin_part_is_asked_to_say_more_not_to_be_added() -> None:
    parts = [("situation", SITUATION), ("situation", SITUATION_2), ("task", TASK),
             ("action", "I fixed it."), ("result", RESULT), ("learning", LEARNING)]
    found = suggestions_for(parts)
    assert any(s.startswith("Your Action “I fixed it.” is 3 words") for s in found)
    assert not any(s.startswith("Add the Action") for s in found)


def test_no_advice_says_to_lead_with_the_outcome() -> None:
    parts = [("situation", SITUATION), ("situation", SITUATION_2), ("task", TASK),
             *[("action", a) for a in ACTIONS], ("result", RESULT), ("learning", LEARNING)]
    found = suggestions_for(parts)
    assert 2 <= len(found) <= 3
    assert not any("lead with" in s.lower() for s in found)


def test_the_relevance_tip_never_offers_words_the_answer_already_uses() -> None:
    text = (
        "Last spring our checkout failed every Friday and customers could not pay. "
        "As the on-call engineer I had to stop the outages before the holiday sale. "
        "I traced them to a batch job locking the orders table and moved it to a replica. "
        "We had zero outages in the next three months and payment errors fell by 40%. "
        "I learned to check scheduled jobs first when an incident repeats."
    )
    report = analyze(text, "customer-obsession")
    tips = [tip for tip in report.suggestions if "Tie the story to" in tip]
    assert tips, "the story shows little customer obsession: the tip is expected"
    assert "“customers”" not in tips[0] and "“customer”" not in tips[0]
