"""Each signal, through ``analyze`` (the way callers see it) and at the unit level."""

from __future__ import annotations

import pytest

from bank.model import Principle
from bot.star import analyze
from bot.star.signals import (
    TARGET_WORDS,
    balance_signal,
    length_signals,
    measurable,
    ownership_signal,
)

STORY = (
    "Last year our billing service kept timing out during month-end runs. "
    "I was responsible for fixing it before the next close. "
    "I profiled the jobs, found a missing index and rewrote the two slowest queries. "
    "As a result, the run went from 3 hours to 20 minutes and we saved $4,000 a month."
)


def test_word_count_and_speaking_time() -> None:
    signals = length_signals(300)
    assert signals["word_count"].value == 300
    assert signals["speaking_time"].value == 120  # 150 words a minute
    assert signals["speaking_time"].ok
    short = length_signals(100)
    assert not short["speaking_time"].ok and "1.5–3 minutes" in short["speaking_time"].reason
    long = length_signals(600)
    assert not long["speaking_time"].ok and "3-minute" in long["speaking_time"].reason
    assert TARGET_WORDS == (225, 450)


def test_length_signals_through_analyze() -> None:
    report = analyze(STORY)
    assert report.signals["word_count"].value >= 50
    assert not report.signals["speaking_time"].ok  # a short answer


def test_balance_wants_action_to_carry_the_most_weight() -> None:
    good = balance_signal({"situation": 20, "task": 10, "action": 60, "result": 20, "learning": 5})
    assert good.ok and "Action" in good.reason
    setup_heavy = balance_signal(
        {"situation": 80, "task": 20, "action": 30, "result": 10, "learning": 0}
    )
    assert not setup_heavy.ok and "set-up" in setup_heavy.reason
    result_heavy = balance_signal(
        {"situation": 10, "task": 5, "action": 20, "result": 60, "learning": 0}
    )
    assert not result_heavy.ok and "Result" in result_heavy.reason
    no_action = balance_signal(
        {"situation": 10, "task": 5, "action": 0, "result": 5, "learning": 0}
    )
    assert not no_action.ok


def test_ownership_flags_many_we_and_few_i_but_not_teamwork_with_a_clear_role() -> None:
    assert not ownership_signal(1, 9).ok
    assert ownership_signal(6, 8).ok  # teamwork, and the person's role is clear
    assert ownership_signal(5, 0).ok
    assert not ownership_signal(0, 0).ok


def test_ownership_through_analyze() -> None:
    we_heavy = (
        "Our team had a flaky deploy. We decided to fix it. We rewrote the scripts. "
        "We added tests. We shipped it and our deploys stopped failing."
    )
    signal = analyze(we_heavy).signals["ownership"]
    assert not signal.ok
    assert signal.value["we"] > signal.value["i"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Costs fell by 30% and we saved $1.2M.", ["30%", "$1.2M"]),
        ("It took 3 weeks instead of 2 months.", ["3 weeks", "2 months"]),
        ("We onboarded 40 customers and 12 engineers.", ["40 customers", "12 engineers"]),
        ("Throughput doubled and errors went to zero.", ["doubled", "zero"]),
        ("It finished in two weeks.", ["two weeks"]),
        ("Builds were 3x faster.", ["3x"]),
    ],
)
def test_measurable_expressions(text: str, expected: list[str]) -> None:
    assert measurable(text) == expected


def test_a_year_alone_is_not_a_measure() -> None:
    assert measurable("In 2021 the team was happier.") == []


def test_metrics_signal_looks_for_numbers_in_the_result() -> None:
    report = analyze(STORY)
    metrics = report.signals["metrics"]
    assert metrics.ok
    assert "3 hours" in metrics.value and "$4,000" in metrics.value


def test_numbers_outside_the_result_do_not_count_as_a_measured_result() -> None:
    text = (
        "We had 300 open tickets and 4 engineers. "
        "My job was to clear the backlog. "
        "I sorted the tickets by age and paired with each engineer. "
        "In the end the team was much happier and the customers noticed."
    )
    metrics = analyze(text).signals["metrics"]
    assert not metrics.ok
    assert "300 open" not in metrics.value  # "open" is not a unit
    assert "4 engineers" in metrics.value


def test_hypothetical_answers_are_flagged() -> None:
    text = (
        "If I had a conflict with a teammate, I would first listen to them. "
        "I would try to understand their view. Then I would agree on next steps. "
        "I would follow up a week later."
    )
    signal = analyze(text).signals["hypothetical"]
    assert not signal.ok and signal.value >= 3


def test_a_real_story_with_a_would_in_the_lesson_is_not_hypothetical() -> None:
    text = STORY + " Next time I would add query monitoring from day one."
    assert analyze(text).signals["hypothetical"].ok


def test_hedging_counts_fillers() -> None:
    text = (
        "I think we basically had kind of a slow release, maybe. "
        "I guess I sort of fixed it, you know, probably by adding tests. "
        "It actually worked."
    )
    signal = analyze(text).signals["hedging"]
    assert not signal.ok
    assert signal.value[:3] == ("basically", "maybe", "i think")
    assert analyze(STORY).signals["hedging"].ok


def test_relevance_uses_the_principles_signals() -> None:
    frugality = Principle(
        slug="frugality",
        name="Frugality",
        summary="Do more with less.",
        signals=("saved", "cost", "budget", "without spending"),
    )
    signal = analyze(STORY, frugality).signals["relevance"]
    assert signal.ok and "saved" in signal.value
    unrelated = Principle(slug="x", name="Think Big", summary="", signals=("vision", "bold"))
    assert not analyze(STORY, unrelated).signals["relevance"].ok
    assert analyze(STORY).signals["relevance"].reason == "no principle given"


def test_relevance_matches_word_forms_and_phrases() -> None:
    principle = Principle(slug="co", name="Customer Obsession", summary="", signals=("customer",))
    text = STORY.replace("we saved $4,000 a month", "customers stopped complaining")
    assert analyze(text, principle).signals["relevance"].ok
    phrase = Principle(slug="o", name="Ownership", summary="", signals=("missing index",))
    assert analyze(STORY, phrase).signals["relevance"].value == ("missing index",)


def test_ownership_counts_the_story_not_the_lesson() -> None:
    text = (
        "Our team had a flaky deploy. We decided to fix it. We rewrote the scripts and "
        "we added tests. We shipped it and our deploys stopped failing. "
        "I learned that I should test deploys early, and I now run them every day."
    )
    signal = analyze(text).signals["ownership"]
    assert signal.value["i"] == 0 and not signal.ok
    assert "never" in signal.reason
    assert ownership_signal(3, 6).value["share"] == 0.33


def test_substance_leaves_out_copies_and_blame() -> None:
    once = analyze(STORY).signals["substance"].value
    twice = analyze(f"{STORY} {STORY}").signals["substance"].value
    assert twice == once  # a pasted copy adds no content to any part
    blamed = analyze(STORY + " It was my manager's fault.").signals["substance"].value
    assert sum(blamed.values()) == sum(once.values())
