"""How real people write labelled answers: odd line breaks and spaces, bare letters,
careers-service vocabulary. A part the writer labelled is never reported missing."""

from __future__ import annotations

import pytest

from bot.star import analyze
from bot.star.plain import plain

PARTS_TEXT = (
    "S: Our clinic's booking line rang out every Monday morning.",
    "T: I was asked to cut the missed calls before the winter rush.",
    "A: I moved two receptionists to an early shift and added a call-back queue.",
    "R: Missed calls fell from about 90 to 12 a week.",
    "L: I learned to look at when work arrives, not only how much.",
)


@pytest.mark.parametrize(
    "separator",
    ["\u2028", "\u2029", "\u0085", "\r", "\r\n", "\x0c", "\u2028\u2028", "\r\n\r\n"],
    ids=["LS", "PS", "NEL", "CR", "CRLF", "FF", "LS-LS", "CRLF-CRLF"],
)
def test_labels_between_unusual_line_breaks_are_all_read(separator: str) -> None:
    text = separator.join(PARTS_TEXT)
    report = analyze(text)
    assert report.missing == ()
    assert all(s.explicit for s in report.sentences)
    assert [s.label for s in report.sentences] == [
        "situation", "task", "action", "result", "learning"
    ]


def test_quotes_and_offsets_point_into_the_text_as_written() -> None:
    text = "S:\u00a0Our\u00a0shop\u200b flooded.\u2028T: I had to reopen it by Friday."
    report = analyze(text)
    for sentence in report.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
    assert report.sentences[0].text == "Our\u00a0shop\u200b flooded."
    assert report.sentences[0].label == "situation"


def test_plain_keeps_the_length_and_maps_each_character() -> None:
    text = "a\u2028b\u2029c\r\nd\re\x0cf\u00a0g\u200bh\u200di"
    view = plain(text)
    assert len(view) == len(text)
    assert view == "a\nb\nc \nd\ne\nf g h\u200di"
    assert plain("ordinary text\n") == "ordinary text\n"


def test_bare_letters_at_line_starts_are_labels_once_several_are_used() -> None:
    text = (
        "S We had 400 tickets waiting after the billing migration went live.\n"
        "T I owned clearing the queue before the quarterly audit.\n"
        "A I sorted them by customer impact and paired up with two agents.\n"
        "R We cleared it in nine days and the audit found no open complaints.\n"
        "L While it was hard, I now triage by impact first."
    )
    report = analyze(text)
    assert report.missing == ()
    assert [s.label for s in report.sentences] == [
        "situation", "task", "action", "result", "learning"
    ]
    assert report.sentences[-1].text.startswith("While it was hard")


def test_a_bare_l_after_marked_letters_is_the_learning() -> None:
    learning = "L While it was busy, I now plan shifts by call data."
    text = "\u2028".join((*PARTS_TEXT[:4], learning))
    report = analyze(text)
    assert report.missing == ()
    assert report.sentences[-1].label == "learning"


def test_the_article_a_opening_a_line_is_not_a_label() -> None:
    text = (
        "S: Our warehouse shipped the wrong parts twice in one week.\n"
        "A customer in Leeds phoned me about the second order on Friday.\n"
        "T: I had to find out why before the next delivery."
    )
    report = analyze(text)
    customer = next(s for s in report.sentences if s.text.startswith("A customer"))
    assert customer.label == "situation"


@pytest.mark.parametrize(
    ("label", "part"),
    [
        ("Activity", "action"),
        ("Activities", "action"),
        ("Sample response for the result", "result"),
        ("Outcome", "result"),
        ("Impact", "result"),
        ("Background", "situation"),
        ("Context", "situation"),
        ("Problem", "situation"),
        ("Goal", "task"),
        ("Objective", "task"),
        ("Lessons", "learning"),
        ("Takeaway", "learning"),
    ],
)
def test_careers_service_label_words(label: str, part: str) -> None:
    text = (
        "Situation: The library's study rooms were double-booked most evenings.\n"
        f"{label}: The line under this label belongs to the part it names.\n"
    )
    report = analyze(text)
    assert report.sentences[-1].explicit
    assert report.sentences[-1].label == part


def test_the_seed_style_answer_labels_every_part() -> None:
    # The form of ../shared/seeds/004: labels with U+2028 between them, in our own words.
    text = (
        "S: A regional retailer kept asking our team for a custom export that nobody "
        "else wanted.\u2028T: I needed to learn what problem the export was meant to "
        "solve. \u2028A: I sat with their analysts for an afternoon and found they "
        "rebuilt the same report by hand each week.\u2028R: We showed them an existing "
        "scheduled report, and the custom request was dropped.\u2028L: Asking why "
        "before building saves both sides weeks."
    )
    report = analyze(text)
    assert report.missing == ()


def test_a_after_a_question_line_is_action_when_the_other_parts_have_letters() -> None:
    text = (
        "Q: Tell me about a time you learned a new field.\n"
        "S: I moved from payroll into a team that priced freight.\n"
        "T: I needed to read a freight quote on my own within a month.\n"
        "A: I sat with two senior pricers and kept a glossary of every term.\n"
        "R: By week three I was quoting small loads alone."
    )
    report = analyze(text)
    assert report.missing == ("learning",)
    assert [s.label for s in report.sentences if s.explicit][2] == "action"


def test_bare_a_is_action_when_every_other_part_opens_with_a_bare_letter() -> None:
    text = (
        "S At the print shop the wedding order came back with the wrong date.\n"
        "T I was responsible for checks before anything was boxed.\n"
        "A Reprinted the cards overnight and drove them to the venue myself.\n"
        "R The couple had their cards a day early.\n"
        "L Now I read every date aloud before printing."
    )
    report = analyze(text)
    assert report.missing == ()
    assert report.sentences[2].label == "action"
    assert report.sentences[2].text.startswith("Reprinted")
