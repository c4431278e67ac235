"""Replies rendered as Block Kit, inside Slack's limits.

Limits (api.slack.com/reference/block-kit): 50 blocks in a message and 100 in a
modal, 3,000 characters in a section's text, 150 in a header, 24 in a modal's
title and buttons, 3,000 in a modal's ``private_metadata``. Slack also refuses
messages whose blocks carry too much text overall (``msg_blocks_too_long``), so a
reply gets a total budget and long parts are shortened at a word boundary."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from bank.model import Question
from bot.replies import QuestionPost, Reply, ReplyPart
from bot.text import shorten

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_MODAL_BLOCKS = 100
MAX_SECTION_CHARS = 3000
MAX_HEADER_CHARS = 150
MAX_CONTEXT_CHARS = 2000
MAX_MODAL_TITLE_CHARS = 24
MAX_INPUT_CHARS = 3000
#: Text across all blocks of one message; well under the point where Slack answers
#: msg_blocks_too_long.
MAX_TOTAL_CHARS = 12000
#: The notification / screen-reader fallback that goes with the blocks.
MAX_FALLBACK_CHARS = 3000

PRACTICE_CALLBACK = "lp_practice"
PRACTICE_BLOCK = "answer"
PRACTICE_ACTION = "text"


_MARKDOWN_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")


def escape(text: str) -> str:
    """Escape the three characters mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """The core's text (plain, with Markdown ``**bold**`` and `code`) as Slack mrkdwn,
    which marks bold with single asterisks."""
    return _MARKDOWN_BOLD.sub(r"*\1*", escape(text))


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit) or " ", "emoji": True}


def fallback_text(reply: Reply) -> str:
    return shorten(reply.as_text(), MAX_FALLBACK_CHARS)


@dataclass
class _Budget:
    """Characters left for the whole message, spent part by part in order."""

    left: int

    def take(self, text: str, limit: int) -> str:
        cut = shorten(text, min(limit, self.left))
        self.left -= len(cut)
        return cut


def _section(text: str, budget: _Budget) -> Block | None:
    body = budget.take(text, MAX_SECTION_CHARS)
    if not body:
        return None
    return {"type": "section", "text": {"type": "mrkdwn", "text": body}}


def reply_blocks(reply: Reply, *, max_blocks: int = MAX_MESSAGE_BLOCKS) -> list[Block]:
    """``reply`` as blocks: a header with the title, the body, one section per
    ``Section``, the suggestions, the follow-up question and a context line footer."""
    budget = _Budget(MAX_TOTAL_CHARS)
    blocks: list[Block] = []
    if reply.title:
        blocks.append({"type": "header", "text": plain(reply.title, MAX_HEADER_CHARS)})
    parts = [_mrkdwn(p) for p in reply.parts() if p.kind not in ("title", "footer")]
    footer: Block | None = None
    if reply.footer:
        footer_text = shorten(mrkdwn(reply.footer), MAX_CONTEXT_CHARS)
        budget.left -= len(footer_text)
        footer = {"type": "context", "elements": [{"type": "mrkdwn", "text": footer_text}]}
    # Keep a slot for the footer, and one for the note when parts must go.
    room = max_blocks - len(blocks) - (1 if footer else 0)
    shortened = len(parts) > room
    if shortened:
        parts = parts[: room - 1]
    for part in parts:
        block = _section(part, budget)
        if block is None:
            shortened = True
            break
        blocks.append(block)
    if shortened:
        blocks.append(_context("… (shortened to fit in Slack)"))
    if footer:
        blocks.append(footer)
    return blocks


def _mrkdwn(part: ReplyPart) -> str:
    if part.kind == "suggestions":
        return f"*{part.heading}*\n" + "\n".join(f"• {mrkdwn(s)}" for s in part.items)
    if part.kind == "follow_up":
        return f"*{part.heading}:* {mrkdwn(part.text)}"
    if part.kind == "section" and part.heading:
        return f"*{escape(part.heading)}*\n{mrkdwn(part.text)}"
    return mrkdwn(part.text)


def _context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def question_blocks(post: QuestionPost) -> list[Block]:
    """The question post: header with the principle, the question, and a context
    line telling people to answer in the thread."""
    return reply_blocks(post.as_reply())


def practice_modal(question: Question, metadata: dict[str, str]) -> dict[str, Any]:
    """The private answer form for ``/lp answer``; ``metadata`` comes back on submit."""
    return {
        "type": "modal",
        "callback_id": PRACTICE_CALLBACK,
        "title": plain("Practice answer", MAX_MODAL_TITLE_CHARS),
        "submit": plain("Get feedback", MAX_MODAL_TITLE_CHARS),
        "close": plain("Cancel", MAX_MODAL_TITLE_CHARS),
        "private_metadata": json.dumps(metadata, separators=(",", ":")),
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": shorten(f"*Question*\n{mrkdwn(question.text)}", MAX_SECTION_CHARS),
                },
            },
            {
                "type": "input",
                "block_id": PRACTICE_BLOCK,
                "label": plain("Your answer", MAX_HEADER_CHARS),
                "hint": plain(
                    "Tell it as a story: Situation, Task, Action, Result, and what you learned.",
                    MAX_HEADER_CHARS,
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": PRACTICE_ACTION,
                    "multiline": True,
                    "max_length": MAX_INPUT_CHARS,
                },
            },
        ],
    }


def pending_modal() -> dict[str, Any]:
    """Shown the moment the answer is submitted, while the feedback is prepared."""
    return {
        "type": "modal",
        "title": plain("Your feedback", MAX_MODAL_TITLE_CHARS),
        "close": plain("Close", MAX_MODAL_TITLE_CHARS),
        "blocks": [_context("Reading your answer… the feedback appears here in a moment.")],
    }


def feedback_modal(reply: Reply) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Your feedback", MAX_MODAL_TITLE_CHARS),
        "close": plain("Done", MAX_MODAL_TITLE_CHARS),
        "blocks": reply_blocks(reply, max_blocks=MAX_MODAL_BLOCKS),
    }
