"""Explicit STAR labels: found in every common form, and honoured exactly."""

from __future__ import annotations

import pytest

from bot.star import analyze
from bot.star.labels import find_markers


def parts_found(text: str) -> list[set[str]]:
    return [set(m.parts) for m in find_markers(text)]


@pytest.mark.parametrize(
    ("line", "part"),
    [
        ("S: We were late.", "situation"),
        ("Situation: We were late.", "situation"),
        ("**Task** I owned it.", "task"),
        ("**Task:** I owned it.", "task"),
        ("Action - I rewrote it.", "action"),
        ("Action — I rewrote it.", "action"),
        ("R) Costs fell 30%.", "result"),
        ("(R) Costs fell 30%.", "result"),
        ("## Result", "result"),
        ("### L", "learning"),
        ("🎯 Task: hit the date.", "task"),
        ("📍 Situation: a new team.", "situation"),
        ("- **Result**: fewer pages.", "result"),
        ("1. Outcome — fewer pages.", "result"),
        ("> L: test early.", "learning"),
        ("[Task] plan it.", "task"),
        ("Context: a startup.", "situation"),
        ("Background: a startup.", "situation"),
        ("Goal: cut churn.", "task"),
        ("My role: lead.", "task"),
        ("What I did: asked.", "action"),
        ("Impact: 2x faster.", "result"),
        ("Lessons learned: ask sooner.", "learning"),
        ("Takeaway: ask sooner.", "learning"),
        ("What I'd do differently: ask sooner.", "learning"),
        ("situation: lower case works too.", "situation"),
        ("Situation", "situation"),
        ("-S-", "situation"),
        ("situation = a small shop.", "situation"),
        ("Action (what I did): asked.", "action"),
        ("Result(s): fewer pages.", "result"),
        ("Action taken: asked.", "action"),
        ("How: I asked.", "action"),
        ("My part: lead.", "task"),
        ("How it ended: fewer pages.", "result"),
        ("## What I'd say I learned", "learning"),
        ("**How it all ended**", "result"),
        ("What was the situation?", "situation"),
        ("What did I learn?", "learning"),
        ("What did you actually do?", "action"),
        ("How did it turn out?", "result"),
        ("Step 1 (situation): a new team.", "situation"),
        ("Learn: ask early.", "learning"),
        ("**Situation.** A new team.", "situation"),
        ("**S**ituation", "situation"),
        ("So, action.", "action"),
        ("Result?", "result"),
        ("The task.", "task"),
        ("And what I learned: ask early.", "learning"),
        ("In terms of the result: fewer pages.", "result"),
        ("Right, so, situation: a new team.", "situation"),
        ("What was on me: the sign-off.", "task"),
        ("- **T**ask – own it.", "task"),
        ("sit: a new team.", "situation"),
        ("act > called them.", "action"),
        ("res: fewer pages.", "result"),
        ("📍 where: the clinic.", "situation"),
        ("⚡ did: called them.", "action"),
        ("📈 after: fewer pages.", "result"),
    ],
)
def test_label_forms(line: str, part: str) -> None:
    assert parts_found(line) == [{part}]


def test_combined_labels_allow_either_part() -> None:
    assert parts_found("S/T: We were late and I owned it.") == [{"situation", "task"}]
    assert parts_found("Situation & Task: late, mine.") == [{"situation", "task"}]


def test_inline_labels_after_a_sentence() -> None:
    text = "Situation: our API was slow. Task: I had to fix it. A) I added a cache. R: p99 fell."
    assert parts_found(text) == [{"situation"}, {"task"}, {"action"}, {"result"}]


@pytest.mark.parametrize(
    "text",
    [
        "Action items were piling up.",
        "Results were great.",
        "T-shirts for the team.",
        "The task force met weekly.",
        "S3 was the bottleneck.",
        "I made a plan A: migrate first.",
        "Context matters here.",
        "We saw the result: faster builds, and the end result - fewer pages.",
        "So, action items piled up.",
        "We fixed it. After - a week later - it broke again.",
        "After - we shipped it - the calls stopped.",
        "And results were good.",
        "What happened next? We left.",
    ],
)
def test_words_that_are_not_labels(text: str) -> None:
    assert find_markers(text) == []


def test_lower_case_letters_are_labels_when_the_answer_uses_several() -> None:
    text = "s: shift lead at a store\nt: cut the queue. a: I made a flowchart. r: 3 min"
    assert parts_found(text) == [{"situation"}, {"task"}, {"action"}, {"result"}]
    assert parts_found("a: this one is prose, not a label.") == []
    assert parts_found("R = 5 and S = 3.") == []
    assert parts_found("**We did great work**") == []


def test_letters_with_a_bare_dash_when_the_answer_uses_several() -> None:
    text = "S- a guard at a mall\nT- my job is to log it\nA-\n- took photos\nR- they fixed it"
    assert parts_found(text) == [{"situation"}, {"task"}, {"action"}, {"result"}]
    assert parts_found("A- grade work.") == []
    assert parts_found("Result. Everything worked.") == []


def test_q_and_a_format_keeps_a_as_the_answer() -> None:
    text = "Q: Tell me about a conflict.\nA: Last year I disagreed with my lead."
    assert all("action" not in m.parts for m in find_markers(text))


def test_labels_inside_code_blocks_are_ignored() -> None:
    text = "```\nResult: not a label\n```\nI fixed it."
    assert find_markers(text, [(0, text.index("I fixed"))]) == []


LABELLED = (
    "Sure, here's one.\n\n"
    "**Situation:** I joined a team whose deploys failed weekly.\n"
    "**Task:** I had to make them reliable. It was my first month.\n"
    "**Action:** We met the vendor. I rewrote the pipeline in a week.\n"
    "**Result:** I learned a lot, and failures dropped to zero.\n"
    "**Learning:** Fix the process before the people.\n\n"
    "Happy to go deeper on any part!"
)


def test_labels_are_honoured_exactly_and_sentences_inherit_them() -> None:
    report = analyze(LABELLED)
    by_text = {s.text: s for s in report.sentences}
    # "It was my first month." reads like context but sits under Task: it stays Task.
    assert by_text["It was my first month."].label == "task"
    # "We met the vendor." sounds like teamwork, and "I learned a lot" like a lesson,
    # but the person labelled them Action and Result.
    assert by_text["We met the vendor."].label == "action"
    assert by_text["I learned a lot, and failures dropped to zero."].label == "result"
    assert by_text["I learned a lot, and failures dropped to zero."].explicit
    assert report.labelled
    assert report.missing == ()


def test_a_label_with_its_first_letter_in_bold_is_one_marker() -> None:
    report = analyze("**S**ituation\nOur deploys failed.\n\n**R**esult\nThey stopped failing.")
    assert [(s.text, s.label) for s in report.sentences] == [
        ("Our deploys failed.", "situation"),
        ("They stopped failing.", "result"),
    ]


def test_an_empty_label_followed_by_the_next_on_the_same_line() -> None:
    text = "Action - I called them. Result -  Learning - ask early."
    assert parts_found(text) == [{"action"}, {"result"}, {"learning"}]
    report = analyze(text)
    assert [s.label for s in report.sentences] == ["action", "learning"]
    assert not report.components["result"].present


def test_a_story_told_freely_before_its_first_label_keeps_every_part() -> None:
    text = (
        "Our deploys failed every week. My manager asked me to make them reliable. "
        "I rewrote the flaky tests and added a canary stage.\n\n"
        "Result: failures dropped to zero.\nLesson: fix the process first."
    )
    labels = [s.label for s in analyze(text).sentences]
    assert labels[2:] == ["action", "result", "learning"]


def test_letters_with_a_full_stop_when_the_answer_uses_several() -> None:
    text = "S. I'm a bridge inspector.\nT. It was my call.\nA. I asked.\nR. It was closed."
    assert parts_found(text) == [{"situation"}, {"task"}, {"action"}, {"result"}]
    assert parts_found("A. First item\nB. Second item") == []


def test_challenge_names_the_set_up_as_a_whole() -> None:
    assert parts_found("Challenge: cut costs.") == [{"situation", "task"}]


def test_a_paragraph_after_a_label_with_its_own_text_is_read_by_content() -> None:
    text = (
        "Context: I'm a therapist in a community team.\n\n"
        "I decided I had to learn the technology. I bought a smart speaker and set it up.\n\n"
        "Takeaway: learn what the client needs first."
    )
    labels = [s.label for s in analyze(text).sentences]
    assert labels[0] == "situation" and labels[-1] == "learning"
    assert "action" in labels[1:-1]


def test_marker_text_is_not_part_of_the_sentence() -> None:
    report = analyze(LABELLED)
    assert all("**" not in s.text and "Situation:" not in s.text for s in report.sentences)


def test_a_preface_before_the_labels_is_not_a_part() -> None:
    report = analyze(LABELLED)
    first = report.sentences[0]
    assert first.text == "Sure, here's one."
    assert first.label == "other"
    assert not first.explicit


def test_a_sign_off_paragraph_after_the_last_label_may_be_other() -> None:
    report = analyze(LABELLED)
    last = report.sentences[-1]
    assert last.text == "Happy to go deeper on any part!"
    assert last.label in ("learning", "other")


def test_an_empty_label_means_the_part_is_missing() -> None:
    text = (
        "Situation: our nightly import broke twice a week.\n"
        "Task: I owned the import.\n"
        "Action: I added retries and an alert.\n"
        "Result:\n"
        "Learning: alerts beat hope."
    )
    report = analyze(text)
    assert "result" in report.missing
    assert not report.components["result"].present


def test_a_single_label_covers_only_its_own_line() -> None:
    text = (
        "Last spring our checkout failed for mobile users and sales dropped.\n"
        "I traced it to a broken payment form and fixed it the same day.\n"
        "Result: mobile sales recovered within a week, up 12% on the month before."
    )
    report = analyze(text)
    labels = [s.label for s in report.sentences]
    assert labels[-1] == "result" and report.sentences[-1].explicit
    assert not report.sentences[0].explicit
