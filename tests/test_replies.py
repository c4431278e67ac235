"""The one walk over a reply (``Reply.parts``), every adapter rendering the same parts,
and feedback sized to the platform it goes to."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.discord.render import embed_for
from adapters.slack.render import reply_blocks
from adapters.terminal import render
from bot.events import ChannelRef, FeedbackRequested, User
from bot.replies import Reply, Section
from tests.helpers import FakeClock, close, make_bot
from tests.platform_contract import STORY

FULL = Reply(
    title="STAR check: 80/100",
    body="All five parts are there.",
    sections=(Section("What I found", "Situation: the export failed"), Section("", "Loose")),
    suggestions=("Name one number", "Say what you learned"),
    follow_up="What would you do differently?",
    footer="Reply in the thread.",
    kind="feedback",
)
WORDS = [
    "STAR check: 80/100",
    "All five parts are there.",
    "What I found",
    "Situation: the export failed",
    "Loose",
    "Try next",
    "Name one number",
    "Say what you learned",
    "Follow-up",
    "What would you do differently?",
    "Reply in the thread.",
]


def test_parts_come_once_in_reading_order() -> None:
    kinds = [p.kind for p in FULL.parts()]
    assert kinds == [
        "title", "body", "section", "section", "suggestions", "follow_up", "footer"
    ]
    assert [p.kind for p in Reply("Only a title").parts()] == ["title"]
    assert FULL.as_text().split("\n\n") == [
        "STAR check: 80/100",
        "All five parts are there.",
        "What I found\nSituation: the export failed",
        "Loose",
        "Try next:\n- Name one number\n- Say what you learned",
        "Follow-up: What would you do differently?",
        "Reply in the thread.",
    ]


def test_every_adapter_shows_every_part() -> None:
    embed = embed_for(FULL).to_dict()
    discord_text = " ".join(str(embed.get(k, "")) for k in ("title", "description", "footer"))
    slack_text = str(reply_blocks(FULL))
    terminal_text = render(FULL)
    for text in (discord_text, slack_text, terminal_text):
        for words in WORDS:
            assert words in text


async def test_feedback_is_sized_to_the_platforms_reply_limit(tmp_path) -> None:
    h = await make_bot(tmp_path / "db", FakeClock(datetime(2025, 1, 6, tzinfo=UTC)))
    try:
        ask = FeedbackRequested(ChannelRef("terminal", "local"), User("u"), STORY * 3)
        roomy = await h.bot.on_feedback_request(ask)
        h.terminal.reply_limit = 400
        tight = await h.bot.on_feedback_request(ask)
    finally:
        await close(h)
    assert len(tight.as_text()) <= 400 < len(roomy.as_text())
    assert tight.title.split(",")[0] == roomy.title.split(",")[0]  # the same score
