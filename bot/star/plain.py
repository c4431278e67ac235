"""Real writing brings characters that look like ordinary line breaks and spaces but are
not: U+2028 between labelled parts (pasted from a word processor), U+2029, NEL, form
feeds and lone carriage returns (old Mac files), Windows CRLF, non-breaking and
zero-width spaces. ``plain`` maps each to its plain form, character for character, so
every offset into the plain text is an offset into the original: the coach reads the
plain text and quotes the original."""

from __future__ import annotations

import re

_LINE_BREAKS = "\u2028\u2029\u0085\x0b\x0c\x1c\x1d\x1e"
# Spaces that render as a gap (NBSP, the typographic spaces, ideographic space) and
# zero-width characters that render as nothing; ZWJ (U+200D) stays, as it joins emoji.
_SPACES = "\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
    "\u202f\u205f\u3000\u200b\u200c\u2060\ufeff"
_TABLE = str.maketrans({**dict.fromkeys(_LINE_BREAKS, "\n"), **dict.fromkeys(_SPACES, " ")})
_UNUSUAL = re.compile("[\r" + _LINE_BREAKS + _SPACES + "]")
_LONE_CR = re.compile(r"\r(?!\n)")


def plain(text: str) -> str:
    """``text`` with every unusual line break as ``\\n`` and every unusual space as
    `` ``; a CRLF becomes `` \\n``, so the result has exactly the original's length."""
    if _UNUSUAL.search(text) is None:
        return text
    if "\r" in text:
        text = _LONE_CR.sub("\n", text).replace("\r", " ")
    return text.translate(_TABLE)
