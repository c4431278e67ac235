"""Feedback as a chat message: within limits, cut only at word boundaries, missing part
first. Also ``bot.text.shorten``, which the adapters share."""

from __future__ import annotations

import re

import pytest

from bot.replies import Reply
from bot.star import analyze, render_feedback
from bot.text import ELLIPSIS, shorten

ANSWER = (
    "At my last job I ran support for a small accounting app, and our biggest client was "
    "about to leave after three failed imports. I was asked to save the account. I called "
    "their finance lead, reproduced the failing files and found that our importer choked on "
    "dates written the European way. I patched the parser, re-ran their imports myself and "
    "sent them a short report every day that week. They renewed for two years, and import "
    "tickets across all customers fell by 60% the next month. I learned that one angry "
    "customer is often the first to find a bug everyone has."
)
NO_RESULT = (
    "At my last job our biggest client was about to leave after three failed imports. "
    "I was asked to save the account. I called their finance lead and found the bug in "
    "our date parser. I patched it and re-ran their imports myself."
)


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[\w'’%$.,-]+", text))


# --- shorten ------------------------------------------------------------------------------


def test_shorten_keeps_text_that_fits() -> None:
    assert shorten("short text", 20) == "short text"
    assert shorten("exactly ten", 11) == "exactly ten"


def test_shorten_cuts_at_a_word_boundary_and_adds_an_ellipsis() -> None:
    text = "The quick brown fox jumps over the lazy dog"
    out = shorten(text, 20)
    assert out == "The quick brown fox…"
    assert len(out) <= 20
    assert out[:-1] in text and text[len(out) - 1] == " "


def test_shorten_never_splits_a_word() -> None:
    text = "supercalifragilistic expialidocious words everywhere"
    for limit in range(1, len(text)):
        out = shorten(text, limit)
        assert len(out) <= limit
        kept = out.removesuffix(ELLIPSIS)
        assert kept == "" or text.startswith(kept)
        assert kept == "" or len(kept) == len(text) or not text[len(kept)].isalnum()


def test_shorten_drops_trailing_punctuation_before_the_ellipsis() -> None:
    assert shorten("We shipped, then we rested and slept well", 16) == "We shipped…"


def test_shorten_with_tiny_limits() -> None:
    assert shorten("hello world", 0) == ""
    assert shorten("hello world", 1) == ELLIPSIS
    assert shorten("unbreakable", 5) == ELLIPSIS


# --- render_feedback ----------------------------------------------------------------------


def test_feedback_reply_shape() -> None:
    reply = render_feedback(analyze(ANSWER))
    assert isinstance(reply, Reply)
    assert reply.kind == "feedback"
    assert re.search(r"\d+/100", reply.title)
    assert 2 <= len(reply.suggestions) <= 3
    assert reply.follow_up and reply.follow_up.endswith("?")
    assert any(s.heading == "What I found" for s in reply.sections)


def test_the_verdict_comes_first_then_the_missing_part() -> None:
    reply = render_feedback(analyze(NO_RESULT))
    verdict, missing = reply.body.splitlines()[:2]
    assert "interviewer would ask how it ended" in verdict
    assert missing.startswith("Missing: Result")
    assert "✗ Result: not found" in reply.as_text()


def test_evidence_is_quoted_from_the_answer() -> None:
    reply = render_feedback(analyze(ANSWER))
    found = next(s for s in reply.sections if s.heading == "What I found")
    for quote in re.findall(r"“([^”]+)”", found.body):
        assert quote.removesuffix(ELLIPSIS) in ANSWER


@pytest.mark.parametrize("limit", [1900, 1000, 600, 300, 150, 60, 20])
def test_the_whole_message_fits_the_limit(limit: int) -> None:
    long_answer = " ".join([ANSWER] * 12)
    for text in (ANSWER, NO_RESULT, long_answer):
        reply = render_feedback(analyze(text), limit=limit)
        assert len(reply.as_text()) <= limit


def test_shortening_never_invents_or_splits_words() -> None:
    long_answer = " ".join([ANSWER] * 12)
    full = render_feedback(analyze(long_answer), limit=100_000).as_text()
    for limit in (1900, 700, 250):
        short = render_feedback(analyze(long_answer), limit=limit).as_text()
        for token in re.findall(r"[A-Za-z]+", short.replace(ELLIPSIS, " ")):
            assert token in full


def test_discord_and_slack_limits() -> None:
    reply = render_feedback(analyze(" ".join([ANSWER] * 12)))
    assert len(reply.as_text()) <= 2000  # a Discord message
    assert len(reply.title) <= 150  # a Slack header block
    assert all(len(s.heading) <= 256 and len(s.body) <= 1024 for s in reply.sections)
    assert all(len(s) <= 1024 for s in reply.suggestions)
    assert len(reply.sections) + 3 <= 25  # embed fields


def test_unanalyzable_input_gets_a_short_friendly_reply() -> None:
    reply = render_feedback(analyze("🎉🎉"))
    assert reply.kind == "feedback"
    assert "emoji" in reply.body
    assert not reply.suggestions and not reply.sections
    assert len(render_feedback(analyze(""), limit=40).as_text()) <= 40


def test_a_truncated_answer_says_so() -> None:
    text = (ANSWER + "\n\n") * 40
    reply = render_feedback(analyze(text))
    assert "first 20,000 characters" in reply.body
