"""Red flags at the unit level: what counts, and what a real story may say without
being flagged. Example sentences are our own writing."""

from __future__ import annotations

import pytest

from bot.star.red_flags import (
    blames,
    duplicated_signal,
    implausible_numbers,
    learned_nothing,
    unfinished_signal,
)
from bot.star.relevance import stakes_signal
from bot.star.report import Sentence


def sentence(text: str, label: str = "result") -> Sentence:
    return Sentence(0, len(text), text, label, 0.9)


@pytest.mark.parametrize(
    "text",
    [
        "In the end it was my manager's fault.",
        "It was their fault, not mine.",
        "I blame the vendor for the delay.",
        "We blamed it on the network team.",
        "The design team was to blame.",
        "It wasn't my fault that the build broke.",
        "The vendor team was completely useless.",
    ],
)
def test_blame_anywhere(text: str) -> None:
    assert blames(text, late=False)


@pytest.mark.parametrize(
    "text",
    [
        "It only went wrong because the other team didn't test their part.",
        "QA should have caught it before release.",
        "My lead should have told me earlier.",
    ],
)
def test_excuses_count_in_the_second_half_of_a_story(text: str) -> None:
    assert blames(text, late=True)
    assert not blames(text, late=False)  # early on, "because they didn't" is context


@pytest.mark.parametrize(
    "text",
    [
        "It was my fault: I skipped the review.",
        "It was nobody's fault, the disk simply failed.",
        "We ran a blameless review the next morning.",
        "I did not blame the new hire, I fixed the onboarding doc.",
        "The product team thought a redesign was to blame.",
        "Even though it was not my job, I stepped in.",
        "I learned people usually aren't lazy, they just lack context.",
    ],
)
def test_owning_it_or_telling_context_is_no_blame(text: str) -> None:
    assert not blames(text, late=True)


@pytest.mark.parametrize(
    "text",
    [
        "I learned nothing really.",
        "I didn't learn much from it.",
        "Honestly there was nothing to learn.",
        "I don't think there was a lesson for me.",
        "I learned that I am always right.",
        "I wouldn't change anything.",
    ],
)
def test_learned_nothing(text: str) -> None:
    assert learned_nothing(sentence(text, "learning"))


def test_a_lesson_that_is_a_lesson_is_kept() -> None:
    assert not learned_nothing(sentence("I learned to check scheduled jobs first.", "learning"))
    assert learned_nothing(sentence("Nothing really.", "learning"))
    assert not learned_nothing(sentence("Nothing broke that night.", "result"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("I saved 100% of costs.", ["100%"]),
        ("Revenue went up 500% in a month.", ["500%"]),
        ("We cut costs by 120%.", ["120%"]),
        ("It was a 600% increase in signups.", ["600%"]),
        ("Latency fell by 40% and signups grew 150%.", []),
        ("Test coverage went up to 100%.", []),
        ("We cut latency by 50%, with 100% of tickets answered on time.", []),
    ],
)
def test_implausible_numbers(text: str, found: list[str]) -> None:
    assert implausible_numbers(text) == found


def test_text_pasted_twice_is_found_and_a_repeated_short_line_is_not() -> None:
    story = [sentence(t) for t in (
        "Our nightly import kept failing on Mondays.",
        "I moved it to a staging table and swapped it in.",
        "The failures stopped the next week.",
    )]
    assert duplicated_signal(story).ok
    twice = duplicated_signal(story + story)
    assert not twice.ok and twice.value == (0.5, 2)
    assert duplicated_signal([*story, sentence("It worked."), sentence("It worked.")]).ok


def test_a_story_that_breaks_off() -> None:
    done = [sentence("We had a slow build."), sentence("I cached the deps."),
            sentence("Builds took 4 minutes, not 20.")]
    assert unfinished_signal(done).ok
    cut = [*done[:2], sentence("Then I moved the")]
    assert not unfinished_signal(cut).ok
    # Chat writers leave off the last full stop: that is no cut.
    assert unfinished_signal([*done[:2], sentence("builds are way faster now")]).ok


def test_stakes() -> None:
    assert not stakes_signal([["i", "walked", "to", "the", "bakery", "for", "bread"]]).ok
    found = stakes_signal([["our", "customers", "hit", "the", "deadline"]])
    assert found.ok and found.value == ("customers", "deadline")
