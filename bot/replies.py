"""The core's reply types. Adapters render these natively (Discord embed, Slack
Block Kit, terminal text); ``Reply.as_text`` is the plain rendering every adapter
may fall back to."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from bank.model import Principle, Question
from storage.values import ChannelRef


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


#: The kinds of part a reply is made of, in the order ``Reply.parts`` gives them.
PartKind = Literal["title", "body", "section", "suggestions", "follow_up", "footer"]


@dataclass(frozen=True)
class ReplyPart:
    """One part of a reply. ``heading`` names it when it has a name of its own
    (a section's heading, "Try next", "Follow-up"); ``items`` are the suggestions."""

    kind: PartKind
    text: str = ""
    heading: str = ""
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """A structured message. ``kind`` lets an adapter pick a style:
    "question", "feedback", "info" or "error".

    ``parts()`` is the one walk over a reply: every adapter renders by styling the
    parts it yields (embed, Block Kit, plain text), so a new field shows everywhere."""

    title: str
    body: str = ""
    sections: tuple[Section, ...] = ()
    suggestions: tuple[str, ...] = ()
    follow_up: str | None = None
    footer: str | None = None
    color: int | None = None
    kind: str = "info"

    def parts(self) -> Iterator[ReplyPart]:
        """The non-empty parts, in reading order: title, body, sections (what was
        found, signals, ...), suggestions, follow-up question, footer."""
        if self.title:
            yield ReplyPart("title", self.title)
        if self.body:
            yield ReplyPart("body", self.body)
        for section in self.sections:
            yield ReplyPart("section", section.body, section.heading)
        if self.suggestions:
            yield ReplyPart("suggestions", heading="Try next", items=self.suggestions)
        if self.follow_up:
            yield ReplyPart("follow_up", self.follow_up, "Follow-up")
        if self.footer:
            yield ReplyPart("footer", self.footer)

    def as_text(self) -> str:
        """Plain text, the rendering every adapter may fall back to."""
        return "\n\n".join(plain_part(part) for part in self.parts())

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form, for a reply kept in storage until it is sent."""
        return asdict(self)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Reply:
        fields = dict(data)
        fields["sections"] = tuple(Section(**section) for section in fields.get("sections", ()))
        fields["suggestions"] = tuple(fields.get("suggestions", ()))
        return cls(**fields)


def plain_part(part: ReplyPart) -> str:
    if part.kind == "section":
        return f"{part.heading}\n{part.text}" if part.heading else part.text
    if part.kind == "suggestions":
        return f"{part.heading}:\n" + "\n".join(f"- {s}" for s in part.items)
    if part.kind == "follow_up":
        return f"{part.heading}: {part.text}"
    return part.text


@dataclass(frozen=True)
class QuestionPost:
    """A question to post in a channel, with a thread opened for answers.
    ``local_date`` is set for the daily post, None for an on-demand ``/lp question``."""

    question: Question
    principle: Principle
    local_date: date | None = None

    @property
    def daily(self) -> bool:
        return self.local_date is not None

    def could_be_posted_at(self, when: datetime) -> bool:
        """Whether a message made at ``when`` may be this post, when a send in doubt is
        looked for: a day's question is posted around its local date (time zones shift
        it a day at most), not on another day that asked the same question."""
        if self.local_date is None:
            return True
        return abs((when.astimezone(UTC).date() - self.local_date).days) <= 1

    @property
    def thread_name(self) -> str:
        when = self.local_date.isoformat() if self.local_date else "practice"
        return f"{self.principle.name} · {when}"

    def as_reply(self) -> Reply:
        title = (
            f"Question of the day: {self.principle.name}"
            if self.daily
            else f"Practice question: {self.principle.name}"
        )
        return Reply(
            title=title,
            body=self.question.text,
            footer="Reply in the thread with your story (STAR: Situation, Task, Action, "
            "Result, and what you learned) and I'll send you feedback.",
            color=self.principle.color,
            kind="question",
        )


@dataclass(frozen=True)
class PostedMessage:
    """What a platform returns after posting a question: the message, the thread
    answers go to, and a link people can click (when the platform has one)."""

    message_id: str
    thread_id: str
    link: str | None = None


@dataclass(frozen=True)
class CommandResult:
    """The answer to a command. ``private`` replies are seen only by the caller
    (ephemeral). ``practice`` asks the adapter to open a private answer form
    (a modal) for that question; its submission comes back as ``PracticeAnswer``.
    ``thread_id`` is the thread the reply is about (``/lp today``): a platform whose
    people cannot pick a thread themselves (the terminal) sends the next answer there."""

    reply: Reply | None = None
    private: bool = True
    practice: Question | None = None
    thread_id: str | None = None


@dataclass(frozen=True)
class LaterAnswer:
    """An answer to a command, a shortcut or a practice form that goes after the
    platform's acknowledgement (Slack's ``response_url``, Discord's deferred
    interaction). The adapter hands it to ``Core.answer_later``, and the outbox keeps it
    until the platform has it.

    ``key`` names the interaction (a redelivered one is answered once). ``route`` is
    the adapter's own address for the answer: opaque to the core, and a short-lived
    credential (a webhook URL, an interaction token), so it is never logged and
    storage forgets it once the answer is sent. ``expires_in`` is how long the
    platform accepts the route (Slack: 30 minutes; Discord: 15)."""

    channel: ChannelRef
    key: str
    route: str
    reply: Reply
    user_id: str
    private: bool = True
    expires_in: timedelta = timedelta(minutes=15)


def private(title: str, body: str = "", kind: str = "info") -> CommandResult:
    """A reply only the person who ran the command sees."""
    return CommandResult(Reply(title=title, body=body, kind=kind), private=True)


def error(title: str, body: str = "") -> CommandResult:
    return private(title, body, kind="error")


# What people see when something fails: written once, used by the core and every adapter.
DATABASE_BUSY = Reply(
    "The database is busy",
    "I couldn't reach my database just now (another process may be holding it), so "
    "this was not saved. Please try again in a minute.",
    kind="error",
)
COMMAND_FAILED = Reply(
    "Something went wrong",
    "That command failed on my side; it has been logged. Please try again in a moment.",
    kind="error",
)
FORM_EXPIRED = Reply(
    "The answer form could not be opened in time",
    "Please run `/lp answer` again.",
    kind="error",
)

