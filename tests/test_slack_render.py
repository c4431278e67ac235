"""Block Kit rendering: the question post's shape, mrkdwn, and Slack's limits."""

from __future__ import annotations

import json
from datetime import date

from adapters.slack.render import (
    MAX_HEADER_CHARS,
    MAX_MESSAGE_BLOCKS,
    MAX_MODAL_BLOCKS,
    MAX_SECTION_CHARS,
    MAX_TOTAL_CHARS,
    PRACTICE_CALLBACK,
    fallback_text,
    feedback_modal,
    mrkdwn,
    practice_modal,
    question_blocks,
    reply_blocks,
)
from adapters.slack.translate import practice_submission
from bank.model import Principle, Question
from bot.replies import QuestionPost, Reply, Section

PRINCIPLE = Principle("ownership", "Ownership", "Act for the long term.", color=0x3366CC)
QUESTION = Question("own-1", "ownership", "Tell me about a time you fixed something nobody owned.")


def section_texts(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_daily_post_has_header_question_and_thread_hint() -> None:
    blocks = question_blocks(QuestionPost(QUESTION, PRINCIPLE, date(2025, 3, 3)))
    assert [b["type"] for b in blocks] == ["header", "section", "context"]
    assert "Ownership" in blocks[0]["text"]["text"]
    assert blocks[1]["text"]["text"] == QUESTION.text
    assert "thread" in blocks[2]["elements"][0]["text"].lower()


def test_practice_question_is_titled_differently_from_the_daily_one() -> None:
    daily = question_blocks(QuestionPost(QUESTION, PRINCIPLE, date(2025, 3, 3)))
    practice = question_blocks(QuestionPost(QUESTION, PRINCIPLE))
    assert daily[0]["text"]["text"] != practice[0]["text"]["text"]


def test_markdown_bold_and_control_characters_become_mrkdwn() -> None:
    assert mrkdwn("**Bias for Action** & <speed>") == "*Bias for Action* &amp; &lt;speed&gt;"
    assert mrkdwn("2 ** 3 stays") == "2 ** 3 stays"


def test_reply_parts_render_in_order() -> None:
    reply = Reply(
        title="Feedback",
        body="Good story.",
        sections=(Section("Result", "Add a number."),),
        suggestions=("Say what you learned",),
        follow_up="What would you do differently?",
        footer="Only a guide.",
        kind="feedback",
    )
    blocks = reply_blocks(reply)
    assert [b["type"] for b in blocks] == [
        "header",
        "section",
        "section",
        "section",
        "section",
        "context",
    ]
    texts = section_texts(blocks)
    assert texts[1] == "*Result*\nAdd a number."
    assert texts[2] == "*Try next*\n• Say what you learned"
    assert texts[3].startswith("*Follow-up:*")


def test_long_section_is_cut_at_a_word_boundary() -> None:
    words = " ".join(f"word{i}" for i in range(2000))
    blocks = reply_blocks(Reply(title="T", body=words))
    body = section_texts(blocks)[0]
    assert len(body) <= MAX_SECTION_CHARS
    assert body.endswith("…")
    last_word = body[:-1].split()[-1]
    assert last_word in words.split()


def test_long_title_fits_the_header_limit() -> None:
    blocks = reply_blocks(Reply(title="x " * 200))
    assert len(blocks[0]["text"]["text"]) <= MAX_HEADER_CHARS


def test_too_many_sections_stay_within_50_blocks_with_a_note() -> None:
    sections = tuple(Section(f"Part {i}", "Short.") for i in range(80))
    blocks = reply_blocks(Reply(title="T", sections=sections, footer="foot"))
    assert len(blocks) == MAX_MESSAGE_BLOCKS
    assert blocks[-1]["elements"][0]["text"] == "foot"
    assert "shortened" in blocks[-2]["elements"][0]["text"]


def test_total_text_is_bounded() -> None:
    sections = tuple(Section(f"Part {i}", "long words " * 280) for i in range(20))
    blocks = reply_blocks(Reply(title="T", sections=sections))
    total = sum(len(t) for t in section_texts(blocks))
    assert total <= MAX_TOTAL_CHARS
    assert "shortened" in blocks[-1]["elements"][0]["text"]


def test_fallback_text_is_bounded() -> None:
    assert len(fallback_text(Reply(title="T", body="word " * 5000))) <= 3000


def test_practice_modal_round_trips_its_metadata_and_answer() -> None:
    view = practice_modal(QUESTION, {"channel": "C1", "team": "T1", "question": "own-1"})
    assert view["callback_id"] == PRACTICE_CALLBACK
    assert QUESTION.text in json.dumps(view)
    assert all(len(view[k]["text"]) <= 24 for k in ("title", "submit", "close"))
    view["state"] = {"values": {"answer": {"text": {"type": "plain_text_input", "value": "S..."}}}}
    submission = practice_submission(view)
    assert (submission.channel_id, submission.team_id, submission.question_id, submission.text) == (
        "C1",
        "T1",
        "own-1",
        "S...",
    )


def test_feedback_modal_allows_100_blocks() -> None:
    sections = tuple(Section(f"P{i}", "x") for i in range(150))
    view = feedback_modal(Reply(title="T", sections=sections))
    assert len(view["blocks"]) == MAX_MODAL_BLOCKS
