"""The core's reply types. Adapters render these natively (Discord embed, Slack
Block Kit, terminal text); ``Reply.as_text`` is the plain rendering every adapter
may fall back to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bank.model import Principle, Question


@dataclass(frozen=True)
class Section:
    heading: str
    body: str


@dataclass(frozen=True)
class Reply:
    """A structured message. ``kind`` lets an adapter pick a style:
    "question", "feedback", "info" or "error"."""

    title: str
    body: str = ""
    sections: tuple[Section, ...] = ()
    suggestions: tuple[str, ...] = ()
    follow_up: str | None = None
    footer: str | None = None
    color: int | None = None
    kind: str = "info"

    def as_text(self) -> str:
        parts: list[str] = [self.title] if self.title else []
        if self.body:
            parts.append(self.body)
        for section in self.sections:
            parts.append(f"{section.heading}\n{section.body}" if section.heading else section.body)
        if self.suggestions:
            parts.append("Try next:\n" + "\n".join(f"- {s}" for s in self.suggestions))
        if self.follow_up:
            parts.append(f"Follow-up: {self.follow_up}")
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(parts)


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
