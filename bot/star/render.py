"""Feedback as a chat message: short, friendly, the verdict first (what the score means
in an interview), then what is missing and what cost points, quoting the answer. The
whole ``Reply.as_text()`` stays within ``limit`` characters (Discord
allows 2,000 per message) and every piece stays inside Discord embed and Slack Block
Kit limits; text is only ever shortened at a word boundary."""

from __future__ import annotations

from dataclasses import dataclass

from bot.replies import Reply, Section
from bot.star import advice
from bot.star.report import PART_NAMES, PARTS, StarReport
from bot.star.score import criteria
from bot.text import shorten

DEFAULT_LIMIT = 1900
TITLE_MAX = 150  # Slack header block
SECTION_MAX = 1000  # Discord embed field value (1,024)
SUGGESTION_MAX = 300

GREEN, AMBER, RED = 0x2E9E5B, 0xF2A93B, 0xD9534F
PRAISE_FROM = 80  # never praise an answer an interviewer would not take



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
    """A few words for the title: where the score stands for an interview."""
    if report.score >= 85:
        return "strong answer"
    if report.score >= 70:
        return "solid, a few things to sharpen"
    if report.score >= 55:
        return "needs work before an interview"
    if report.score >= 40:
        return "weak for an interview"
    return "not an interview answer yet"


def _color(score: int) -> int:
    return GREEN if score >= 80 else AMBER if score >= 55 else RED


def _names(parts: tuple[str, ...] | list[str]) -> str:
    names = [PART_NAMES[p] for p in parts]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _body(report: StarReport) -> str:
    """The verdict line (what the score means in an interview), then what is missing."""
    rows = criteria(report.components, report.signals)
    lines = [advice.verdict_line(rows, report.signals, report.score)]
    if report.missing:
        lines.append(f"Missing: {_names(report.missing)}.")
    elif report.score >= PRAISE_FROM:
        lines.append("All five parts are there, and they carry the story. Nice work!")
    else:
        lines.append("All five parts are there; what they say is what to work on.")
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


_FLAG_REASONS = {
    "hypothetical_cap": "what you would do, not what you did: keeps 35 % of its points",
    "stakes_cap": "nothing at stake: keeps 45 % of its points",
    "too_long": "far too long to tell",
    "too_short": "very short (under 30 s spoken)",
    "thin_story": "too little story to show your role",
}


def _deductions(report: StarReport) -> dict[str, str]:
    """Each red flag and cap with the points it took off, by rubric key."""
    lines = {}
    flags = [row for row in criteria(report.components, report.signals) if not row.points]
    for row in sorted(flags, key=lambda row: -row.lost):
        if row.lost <= 0.5:
            continue
        signal = report.signals.get(row.key)
        reason = _FLAG_REASONS.get(row.key) or (signal.reason if signal else row.key)
        if row.key == "too_long":
            reason = f"{reason} ({report.signals['speaking_time'].reason.split(';')[0]})"
        lines[row.key] = f"−{round(row.lost)} {reason}"
    return lines


def _signals_section(report: StarReport) -> Section | None:
    wanted = ("speaking_time", "ownership", "metrics", "hypothetical", "hedging", "relevance")
    deductions = _deductions(report)
    lines = list(deductions.values())
    for name in wanted:
        signal = report.signals.get(name)
        if signal is None or (signal.ok and name in ("hypothetical", "hedging", "relevance")):
            continue
        if name == "metrics" and not report.components["result"].present:
            continue  # the missing Result is already named
        if name == "metrics" and signal.ok and not report.signals["implausible"].ok:
            continue  # the numbers are a red flag, not a measured result
        if name == "hypothetical" and "hypothetical_cap" in deductions:
            continue
        if name == "speaking_time" and deductions.keys() & {"too_long", "too_short"}:
            continue  # the length is already a red flag
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
