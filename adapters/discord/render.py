"""The core's ``Reply`` as a Discord embed, always inside Discord's limits.

Discord rejects a message whose embed is too long, so every part is shortened at a word
boundary (``bot.text.shorten``) before it is sent: title 256 characters, description
4,096, footer 2,048, and 6,000 for the whole embed. Sections, suggestions and the
follow-up go in the description as Markdown rather than embed fields, whose 1,024
character limit would cut a long section short.
"""

from __future__ import annotations

import discord

from bot.replies import Reply, ReplyPart
from bot.text import shorten

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
THREAD_NAME_LIMIT = 100
MODAL_TITLE_LIMIT = 45
TEXT_DISPLAY_LIMIT = 4000
CHOICE_NAME_LIMIT = 100

KIND_COLORS: dict[str, int] = {
    "question": 0xFF9900,
    "feedback": 0x2ECC71,
    "info": 0x5865F2,
    "error": 0xED4245,
}


def description_of(reply: Reply) -> str:
    """Every part but the title and footer (the embed's own fields) as Markdown."""
    return "\n\n".join(_markdown(p) for p in reply.parts() if p.kind not in ("title", "footer"))


def _markdown(part: ReplyPart) -> str:
    if part.kind == "suggestions":
        return f"**{part.heading}**\n" + "\n".join(f"• {s}" for s in part.items)
    if part.kind == "follow_up":
        return f"**{part.heading}:** {part.text}"
    if part.kind == "section" and part.heading:
        return f"**{part.heading}**\n{part.text}"
    return part.text


def embed_for(reply: Reply) -> discord.Embed:
    title = shorten(reply.title, TITLE_LIMIT)
    description = shorten(description_of(reply), DESCRIPTION_LIMIT)
    color = reply.color if reply.color is not None else KIND_COLORS.get(reply.kind, 0x5865F2)
    embed = discord.Embed(title=title or None, description=description or None, color=color)
    if reply.footer:
        room = min(FOOTER_LIMIT, EMBED_TOTAL_LIMIT - len(title) - len(description))
        footer = shorten(reply.footer, room)
        if footer:
            embed.set_footer(text=footer)
    return embed


def content_for(text: str) -> str:
    """Plain message content, shortened to Discord's 2,000 characters."""
    return shorten(text, CONTENT_LIMIT)
