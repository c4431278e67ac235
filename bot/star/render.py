"""Feedback as a chat message: short, friendly, the missing part named first, quoting
the answer. The whole ``Reply.as_text()`` stays within ``limit`` characters (Discord
allows 2,000 per message) and every piece stays inside Discord embed and Slack Block
Kit limits; text is only ever shortened at a word boundary."""

from __future__ import annotations

from dataclasses import dataclass

from bot.replies import Reply, Section
from bot.star.report import PART_NAMES, PARTS, StarReport
from bot.text import shorten

DEFAULT_LIMIT = 1900
TITLE_MAX = 150  # Slack header block
SECTION_MAX = 1000  # Discord embed field value (1,024)
SUGGESTION_MAX = 300

GREEN, AMBER, RED = 0x2E9E5B, 0xF2A93B, 0xD9534F

_MISSING_HINTS = {
    "situation": "Start with a line of context so the listener knows where and when this happened.",
    "task": "Say what you were responsible for, so your actions have a clear goal.",
    "action": "Tell what you did yourself: that's the part interviewers weigh most.",
    "result": "Finish the story: what changed because of what you did?",
    "learning": "One line on what you took from it would round it off.",
}


@dataclass(frozen=True)
class _Budget:
    quote: int
    signals: bool
    suggestion: int
    suggestions: int


_BUDGETS = (
    _Budget(110, True, SUGGESTION_MAX, 4),
    _Budget(80, True, 240, 4),
    _Budget(60, False, 200, 4),
    _Budget(45, False, 160, 3),
    _Budget(35, False, 120, 2),
    _Budget(25, False, 90, 2),
)


def verdict(report: StarReport) -> str:
    core_missing = [p for p in report.missing if p != "learning"]
    if core_missing:
        return "a good start" if len(core_missing) == 1 else "let's build it out"
    words = report.signals["word_count"].value if "word_count" in report.signals else 0
    if report.score >= 85:
        if words < 150:
            return "well built, but short"
        return "well built, but long" if words > 600 else "strong answer"
    if report.score >= 70:
        return "solid, a few things to sharpen"
    return "all the parts, now sharpen them"


def _color(score: int) -> int:
    return GREEN if score >= 80 else AMBER if score >= 55 else RED


def _names(parts: tuple[str, ...] | list[str]) -> str:
    names = [PART_NAMES[p] for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _body(report: StarReport) -> str:
    lines: list[str] = []
    if report.missing:
        lines.append(f"Missing: {_names(report.missing)}. {_MISSING_HINTS[report.missing[0]]}")
    else:
        lines.append(
            "All five parts are there: Situation, Task, Action, Result and Learning. Nice work!"
        )
    if report.notice:
        lines.append(report.notice)
    return "\n".join(lines)


def _found_section(report: StarReport, quote_chars: int) -> Section:
    lines = []
    for part in PARTS:
        component = report.components[part]
        if component.present:
            quote = shorten(" ".join(component.evidence[0].split()), quote_chars)
            lines.append(f"✓ {PART_NAMES[part]}: “{quote}”")
        else:
            lines.append(f"✗ {PART_NAMES[part]}: not found")
    return Section("What I found", shorten("\n".join(lines), SECTION_MAX))


def _signals_section(report: StarReport) -> Section | None:
    wanted = ("speaking_time", "ownership", "metrics", "hypothetical", "hedging", "relevance")
    lines = []
    for name in wanted:
        signal = report.signals.get(name)
        if signal is None or (signal.ok and name in ("hypothetical", "hedging", "relevance")):
            continue
        if name == "metrics" and not report.components["result"].present:
            continue  # the missing Result is already named
        mark = "✓" if signal.ok else "•"
        lines.append(f"{mark} {signal.reason}")
    if not lines:
        return None
    return Section("Signals", shorten("\n".join(lines), SECTION_MAX))


def _build(report: StarReport, budget: _Budget) -> Reply:
    sections = [_found_section(report, budget.quote)]
    if budget.signals:
        extra = _signals_section(report)
        if extra is not None:
            sections.append(extra)
    return Reply(
        title=shorten(f"STAR check: {report.score}/100, {verdict(report)}", TITLE_MAX),
        body=_body(report),
        sections=tuple(sections),
        suggestions=tuple(
            shorten(s, budget.suggestion) for s in report.suggestions[: budget.suggestions]
        ),
        follow_up=shorten(report.follow_up, SUGGESTION_MAX) or None,
        color=_color(report.score),
        kind="feedback",
    )


def _squeeze(reply: Reply, limit: int) -> Reply:
    """Last resort for tiny limits: shorten each field in turn until it fits."""
    fields = ["footer", "follow_up", "suggestions", "sections", "body", "title"]
    current = reply
    for name in fields:
        overflow = len(current.as_text()) - limit
        if overflow <= 0:
            return current
        if name == "suggestions":
            current = _replace(current, suggestions=())
        elif name == "sections":
            current = _replace(current, sections=())
        else:
            value = getattr(current, name) or ""
            shorter = shorten(value, max(0, len(value) - overflow)) or None
            current = _replace(current, **{name: shorter})
    if len(current.as_text()) > limit:
        current = _replace(current, title=shorten(current.title, limit))
    return current


def _replace(reply: Reply, **changes: object) -> Reply:
    from dataclasses import replace

    if "title" in changes and changes["title"] is None:
        changes["title"] = ""
    if "body" in changes and changes["body"] is None:
        changes["body"] = ""
    return replace(reply, **changes)  # type: ignore[arg-type]


def render_feedback(report: StarReport, *, limit: int = DEFAULT_LIMIT) -> Reply:
    """The chat reply for ``report``; ``as_text()`` is at most ``limit`` characters."""
    if not report.analyzable:
        reply = Reply(
            title="I couldn't check this one",
            body=report.notice or "I couldn't read this answer.",
            color=AMBER,
            kind="feedback",
        )
        return _squeeze(reply, limit)
    reply = _build(report, _BUDGETS[0])
    for budget in _BUDGETS[1:]:
        if len(reply.as_text()) <= limit:
            return reply
        reply = _build(report, budget)
    return _squeeze(reply, limit)
