"""Every ``/lp`` command and its arguments, written once.

``/lp help``, Discord's registered subcommands and options, and Slack's usage hint are
all generated from ``COMMANDS``, so what the bot advertises and what a platform
offers cannot drift apart. An adapter never lists commands of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: What an argument holds; ``bot.command_grammar`` reads each kind. A "flag" is a
#: yes/no that reads as its own name on a text line (``/lp forget confirm``) and is a
#: boolean option on Discord; the others are free text.
ArgKind = Literal["principle", "time", "timezone", "days", "dates", "flag"]


@dataclass(frozen=True)
class Arg:
    name: str
    kind: ArgKind
    description: str
    #: How the argument appears in ``/lp help`` (``[YYYY-MM-DD ...]``).
    placeholder: str = ""

    @property
    def usage(self) -> str:
        return f"[{self.placeholder or self.name}]"


@dataclass(frozen=True)
class CommandSpec:
    name: str
    summary: str
    args: tuple[Arg, ...] = ()
    admin: bool = False

    @property
    def usage(self) -> str:
        return " ".join([self.name, *(a.usage for a in self.args)])

    @property
    def help_line(self) -> str:
        return f"`/lp {self.usage}` {self.summary}{' (admins)' if self.admin else ''}"


PRINCIPLE = Arg("principle", "principle", "A Leadership Principle; leave empty for any")
DATES = Arg(
    "dates", "dates", "Dates as YYYY-MM-DD, e.g. 2026-12-24 2026-12-25", "YYYY-MM-DD ..."
)

COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("question", "a random question to practise, posted here", (PRINCIPLE,)),
    CommandSpec(
        "answer", "practise in private: the answer and its feedback stay yours", (PRINCIPLE,)
    ),
    CommandSpec("today", "today's question here again, word for word, and where to answer it"),
    CommandSpec("me", "your answers, the principles you have stories for, your streak"),
    CommandSpec("stats", "this channel's participation this week"),
    CommandSpec("principles", "the 16 Leadership Principles, one line each"),
    CommandSpec(
        "forget",
        "delete every answer of yours that the bot stored",
        (Arg("confirm", "flag", "Delete them now; without it you are asked first"),),
    ),
    CommandSpec("post", "post today's question here now", admin=True),
    CommandSpec(
        "schedule",
        "show or set the daily post time, e.g. schedule 09:00 Europe/Berlin mon-fri",
        (
            Arg("time", "time", "When to post, e.g. 09:00, 9am or 21:30"),
            Arg("timezone", "timezone", "A time zone such as Europe/Berlin"),
            Arg("days", "days", "Which days, e.g. mon wed fri, mon-fri, weekdays or daily"),
        ),
        admin=True,
    ),
    CommandSpec("pause", "stop the daily post here until resume", admin=True),
    CommandSpec("resume", "start the daily post again", admin=True),
    CommandSpec(
        "skip", "skip the next daily post, or the dates given (holidays)", (DATES,), admin=True
    ),
    CommandSpec(
        "unskip",
        "post again on the dates given, or on every skipped date",
        (DATES,),
        admin=True,
    ),
    CommandSpec("help", "this list"),
)
COMMAND_NAMES = tuple(c.name for c in COMMANDS)
BY_NAME = {c.name: c for c in COMMANDS}


def usage_hint() -> str:
    """One line of every command, for a platform's typing hint (Slack's usage_hint)."""
    return " | ".join(c.usage for c in COMMANDS)


def help_lines() -> list[str]:
    return [c.help_line for c in COMMANDS]
