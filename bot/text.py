"""Small text helpers shared by the core and the adapters."""

from __future__ import annotations

ELLIPSIS = "…"

# Characters after which a cut reads naturally; the ellipsis replaces any that trail.
_TRAILING_PUNCTUATION = " \t\r\n.,;:!?-–—([{\"'“‘"


def shorten(text: str, limit: int, *, ellipsis: str = ELLIPSIS) -> str:
    """Return ``text`` unchanged when it fits in ``limit`` characters; otherwise cut it
    at the last word boundary that leaves room for ``ellipsis`` and append it.

    A word is never split. When even the first word does not fit, the result is the
    ellipsis alone (or an empty string when the ellipsis does not fit either)."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room <= 0:
        return ellipsis if len(ellipsis) <= limit else ""
    head = text[:room]
    # Cut at a word boundary: the character right after the window must be whitespace,
    # or we step back to the last whitespace inside the window.
    if not text[room].isspace():
        cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        head = head[:cut] if cut > 0 else ""
    head = head.rstrip(_TRAILING_PUNCTUATION)
    return f"{head}{ellipsis}" if head else ellipsis
