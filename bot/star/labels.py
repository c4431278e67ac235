"""Explicit STAR labels written by the person: ``S:``, ``Situation:``, ``**Task**``,
``Action -``, ``R)``, ``## Result``, ``🎯 Task:``, ``- Learning:``, ``1. Outcome —``,
one per line or inline after a sentence. Combined labels (``Situation/Task``) allow
either part. A label is honoured exactly: the analyzer never overrules it.

All patterns use bounded repetition only, so scanning is linear in the text size.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import cached_property

from bot.star.label_words import (
    COMMON_WORDS,
    EITHER,
    HEADING_STEMS,
    LETTERS,
    QUESTION_PHRASES,
    WORDS,
)

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff"
_WORD_ALT = "|".join(
    re.escape(w).replace(r"\ ", r"[ \t]") for w in sorted(WORDS, key=len, reverse=True)
)
_QUALIFIER = r"(?:(?:the|my|key|main|final|overall|biggest)[ \t])?"
_ONE = rf"(?:{_QUALIFIER}(?:{_WORD_ALT})|[STARL])"
_JOIN = r"[ \t]{0,2}(?:/|&|\+|,|and)[ \t]{0,2}"
_LABEL = rf"(?P<label>{_ONE}(?:{_JOIN}{_ONE}){{0,4}})(?![^\W_]|')"
# "Result(s):", "Action (what I did):": a short aside between the label and its mark.
_ASIDE = r"(?:[ \t]{0,2}\((?!\s*\))[^()\n]{0,40}\)(?=[ \t]{0,3}(?:[:=>\-–—|*_]|$)))?"
_OPEN = r"(?P<open>\*\*|__|\*|_|\[|\(|-(?=[^\W\d_]))?"
_CLOSE = r"(?P<close>\*\*|__|\*|_|\]|\)|-(?=[ \t]*$))?"
_SEPARATOR = r"[ \t]{0,3}(?P<sep>:|=>|->|=|[-–—|>)])?"
_AFTER_SEP = r"(?:[ \t]{0,3}(?:\*\*|__|\*|_))?[ \t]{0,3}"
_PREFIX = (
    r"(?P<prefix>(?:[ \t]{0,8}(?:[-*+•·▪►▶➤→◦‣⁃>](?=[ \t])|#{1,6}|\(?\d{1,2}[.)](?=[ \t])"
    r"|(?i:step|part)[ \t]\d{1,2}[ \t]*|["
    + _EMOJI
    + r"][\ufe0f\u200d]?)){0,4}[ \t]{0,8})"
)
# A label opening a line (the most common form).
# Spoken openers before a label: "So, action.", "And what I learned:", "In terms of the
# result: ...".
_LEAD = (
    r"(?P<lead>(?:(?:so|and|right|okay|ok|now|then|in[ \t]terms[ \t]of|as[ \t]for"
    r"|(?:sample|example|my)[ \t](?:response|answer)[ \t](?:for|to|on))"
    r"[ \t]{0,2},?[ \t]{1,2}){0,3})"
)
_LINE_LABEL = re.compile(
    _PREFIX
    + _LEAD
    + _OPEN
    + _LABEL
    + _ASIDE
    + r"(?P<dot>[.?](?=\*\*|__|[ \t]*$|[ \t]))?"
    + _CLOSE
    + _SEPARATOR
    + _AFTER_SEP,
    re.IGNORECASE | re.MULTILINE,
)
# A label inside a line, right after a sentence ends: "... last year. Task: I had to ...".
# It opens with the sentence's last character (a character class lets the regex engine
# skip ahead quickly); the marker itself starts after it.
_INLINE_LABEL = re.compile(
    r"[.!?…\"”)*][ \t]{1,4}(?P<prefix>(?:[" + _EMOJI + r"][\ufe0f]?[ \t]{0,2})?)"
    + _OPEN
    + _LABEL
    + _CLOSE
    + r"[ \t]{0,3}(?P<sep>:|\)|[-–—])"
    + _AFTER_SEP,
    re.IGNORECASE,
)
_QUESTION_LINE = re.compile(r"[ \t*_#>-]{0,6}(?:q|question)[ \t*_]{0,3}:", re.IGNORECASE)
_SPLIT_LABEL = re.compile(_JOIN, re.IGNORECASE)
_INLINE_MARKS = (":", ")", "–", "—", " -", "\t-")
_INLINE_REACH = 60  # a sentence end, an emoji, emphasis and the longest label fit in this
_LINE_MARK_RE = re.compile(r"[:)\-–—|>*_\[#=]")
_WORD = re.compile(r"[^\W_]+")
_FIRST_LETTER = re.compile(
    r"[ \t>#-]{0,8}(?P<open>\*\*|__)(?P<letter>[STARL])(?:\*\*|__)(?P<rest>[a-z]{2,12})"
    r"(?![^\W_])[ \t]{0,3}(?:[:\-–—][ \t]{0,3})?"
)
_HEADING_OPENERS = frozenset("#*_ \tWwHh")
# A line opening with one letter and a mark: "S- ...", "T: ...", "(A) ...".
_LINE_LETTER = re.compile(
    r"^[ \t*_>(\[-]{0,4}([STARLstral])[ \t*_)\]]{0,3}[:>=)\-–—.]", re.MULTILINE
)
_BARE_LINE_LETTER = re.compile(
    r"^[ \t]{0,4}([STRL]|A(?=[ \t](?:I|We|My|Our)\b))[ \t][A-Z]", re.MULTILINE
)
_LOWER_LETTER = re.compile(
    r"(?:^|[.!?][ \t]{1,4})[ \t*_>-]{0,4}([stral])[ \t]{0,2}:[ \t]", re.MULTILINE
)


class _LetterLabels:
    """Whether an answer uses single-letter labels in the looser forms, worked out only
    when a candidate needs it (most answers have none)."""

    def __init__(self, text: str) -> None:
        self.text = text

    @cached_property
    def lower(self) -> bool:
        """At least two lower-case letters ("s: ... t: ..."): a lone "a:" is prose."""
        return len(set(_LOWER_LETTER.findall(self.text))) >= 2

    @cached_property
    def several(self) -> bool:
        """At least two different letters open lines ("S- ...", "T- ..."), or three
        counting bare ones ("S We had ...", "T I owned ...")."""
        marked = {m.lower() for m in _LINE_LETTER.findall(self.text)}
        if len(marked) >= 2:
            return True
        return len(marked | {m.lower() for m in _BARE_LINE_LETTER.findall(self.text)}) >= 3

    @cached_property
    def others_marked(self) -> bool:
        """At least two of S, T, R, L open lines with a mark: then "A:" is Action."""
        return len({m.lower() for m in _LINE_LETTER.findall(self.text)} - {"a"}) >= 2

    @cached_property
    def bare_others(self) -> bool:
        """S, T, R and L all open lines bare ("S We ...", "T I ...", "R It ...")."""
        return len(set(_BARE_LINE_LETTER.findall(self.text)) - {"A"}) >= 4


@dataclass(frozen=True)
class Marker:
    """An explicit label: the marker's span in the text (excluded from sentences) and
    the part(s) it names."""

    start: int
    end: int
    parts: frozenset[str]
    inline: bool = False


def find_markers(text: str, skip: list[tuple[int, int]] | None = None) -> list[Marker]:
    """Every explicit label in ``text``, in order, outside the ``skip`` spans (code)."""
    starts = _line_starts(text)
    # In "Q: ... A: ..." the A is the answer, not Action. (No colon: no "Q:" line.)
    letters = _LetterLabels(text)
    # ... unless the answer labels its other parts with letters too ("Q: ... S: ... A: ...").
    answer_letter_ok = (
        ":" not in text
        or not any(_QUESTION_LINE.match(text, i) for i in starts)
        or letters.others_marked
    )
    line_markers: list[Marker] = []
    for i in starts:
        if not _may_open_label(text, i):
            continue
        match = _LINE_LABEL.match(text, i)
        marker = None
        if match is not None and text[match.end() : match.end() + 1].isalpha():
            marker = _first_letter_label(text, i)
        if marker is None and match is not None:
            marker = _line_marker(text, match, answer_letter_ok, letters)
        if marker is None and text[i : i + 1] in _HEADING_OPENERS:
            marker = _loose_heading(text, i)
        if marker is not None:
            line_markers.append(marker)
    inline_markers: list[Marker] = []
    searched_to = 0
    for hint in _separator_positions(text):
        # An inline label ends with its separator: look back a bounded way from it.
        start = max(searched_to, hint - _INLINE_REACH)
        for match in _INLINE_LABEL.finditer(text, start, hint + 5):
            marker = _inline_marker(match, answer_letter_ok, letters)
            if (
                marker is not None
                and not _inside(marker.start, line_markers)
                and (not inline_markers or inline_markers[-1].start != marker.start)
            ):
                inline_markers.append(marker)
        searched_to = max(searched_to, hint - 8)
    markers = sorted([*line_markers, *inline_markers], key=lambda m: m.start)
    # A label left empty and followed by the next one on the same line ("R: L: ...").
    following = [
        marker
        for m in markers
        if (marker := _label_after(text, m, answer_letter_ok, letters)) is not None
    ]
    if following:
        known = {m.start for m in markers}
        markers = sorted(
            [*markers, *(m for m in following if m.start not in known)], key=lambda m: m.start
        )
    if skip:
        spans = sorted(skip)
        markers = [m for m in markers if not _in_spans(m.start, spans)]
    return markers


def _separator_positions(text: str) -> list[int]:
    """Where an inline label's separator could be (str.find is far faster than a regex
    scan for single characters)."""
    positions: list[int] = []
    for mark in _INLINE_MARKS:
        index = text.find(mark)
        while index >= 0:
            positions.append(index)
            index = text.find(mark, index + 1)
    positions.sort()
    return positions


def _may_open_label(text: str, start: int) -> bool:
    """A cheap test before the full pattern: a line that opens with a label has a mark
    close to its start, or is short (a label on its own line)."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if end - start <= 48:
        return end > start
    if text[start + 1 : start + 2] in (".", " ") and text[start : start + 1] in "STARL":
        return True  # "S. I'm a ...", "L While it was ..."
    return _LINE_MARK_RE.search(text, start, start + 48) is not None


def _line_starts(text: str) -> list[int]:
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        starts.append(position + 1)
        position = text.find("\n", position + 1)
    return starts


def _inside(position: int, markers: list[Marker]) -> bool:
    """Whether ``position`` falls in one of ``markers`` (sorted, not overlapping)."""
    index = bisect.bisect_right([m.start for m in markers], position) - 1 if markers else -1
    return index >= 0 and markers[index].start <= position < markers[index].end


def _in_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    index = bisect.bisect_right(spans, (position, math.inf)) - 1
    return index >= 0 and spans[index][0] <= position < spans[index][1]


def _parts(label: str, answer_letter_ok: bool) -> frozenset[str] | None:
    parts: set[str] = set()
    for piece in _SPLIT_LABEL.split(label.lower()):
        piece = " ".join(piece.split())
        for qualifier in ("the ", "my ", "key ", "main ", "final ", "overall ", "biggest "):
            if piece.startswith(qualifier) and piece not in WORDS:
                piece = piece[len(qualifier) :]
        if piece in EITHER:
            parts |= EITHER[piece]
        elif piece in WORDS:
            parts.add(WORDS[piece])
        elif piece in LETTERS and (piece != "a" or answer_letter_ok):
            parts.add(LETTERS[piece])
        else:
            return None
    return frozenset(parts) or None


def _line_marker(
    text: str,
    match: re.Match[str],
    answer_letter_ok: bool,
    letters: _LetterLabels | None = None,
) -> Marker | None:
    label = match.group("label")
    parts = _parts(label, answer_letter_ok)
    if parts is None:
        return None
    letters_only = all(len(p.strip()) == 1 for p in _SPLIT_LABEL.split(label))
    sep = match.group("sep")
    opened, closed = match.group("open"), match.group("close")
    if closed == ")" and opened != "(":  # "R) ..." closes with the separator itself
        sep, closed = ")", None
    emphasised = bool(opened and closed) and (
        opened in "**__" or opened + closed in ("[]", "()", "--")
    )
    heading = "#" in match.group("prefix")
    rest = _rest_of_line(text, match.end())
    rest_words = len(_WORD.findall(rest))
    alone = rest_words == 0
    if letters_only:
        # A lone capital needs a clear mark: "S:", "R)", "T -", "**A**", "(L)" or a line of its own.
        several = letters is not None and letters.several
        strong = (
            sep in (":", ")", "=>", "->")
            or (
                sep in ("-", "–", "—", "|", ">")
                and (text[match.start("sep") - 1 : match.start("sep")] == " " or several)
            )
            or (sep is None and match.group("dot") == "." and several)  # "S. I'm a ..."
        )
        if not (
            strong
            or emphasised
            or alone
            or (opened == "(" and closed == ")")
            or (several and _bare_letter(text, match, letters))
        ):
            return None
        if not (_upper(label) or (sep == ":" and letters is not None and letters.lower)):
            return None
    elif not (sep or emphasised or alone or (heading and rest_words <= 3)):
        return None
    elif _common_word(label) and not (sep in (":", "=", ">", "->", "=>") or emphasised or alone):
        return None  # "After - a week - it broke" is prose
    if match.group("dot") and not (
        emphasised
        or alone
        or (letters_only and match.group("dot") == "." and letters is not None and letters.several)
    ):
        return None  # "Result. Everything worked" is prose; "S. I'm a ..." with T., A., R. is not
    if match.group("lead") and not (alone or sep == ":"):
        return None  # "So, action items piled up" is prose
    start = match.start() + _leading_blank(match.group(0))
    end = match.end()
    if alone:  # swallow trailing decoration on a label-only line
        end += len(rest)
    return Marker(start, end, parts)


def _inline_marker(
    match: re.Match[str], answer_letter_ok: bool, letters: _LetterLabels | None = None
) -> Marker | None:
    """``match`` includes the character that ends the previous sentence; the marker
    starts after it."""
    label = match.group("label")
    parts = _parts(label, answer_letter_ok)
    if parts is None:
        return None
    letters_only = all(len(p.strip()) == 1 for p in _SPLIT_LABEL.split(label))
    sep = match.group("sep")
    if letters_only and (
        sep not in (":", ")")
        or not (_upper(label) or (sep == ":" and letters is not None and letters.lower))
    ):
        return None
    if not letters_only and not (
        label[:1].isupper() or match.group("open") or match.group("sep") == ":"
    ):
        return None  # "... done. result - ..." in lower case reads as prose
    if _common_word(label) and match.group("sep") != ":":
        return None
    start = match.start() + 1
    start += _leading_blank(match.group(0)[1:])
    return Marker(start, match.end(), parts, inline=True)


def _label_after(
    text: str, marker: Marker, answer_letter_ok: bool, letters: _LetterLabels
) -> Marker | None:
    end = marker.end
    while end < len(text) and text[end] in " \t":
        end += 1
    if end >= len(text) or text[end] == "\n" or end - marker.end > 4:
        return None
    match = _LINE_LABEL.match(text, end)
    if match is None or not match.group("sep"):
        return None
    return _line_marker(text, match, answer_letter_ok, letters)


def _first_letter_label(text: str, start: int) -> Marker | None:
    """"**S**ituation", "__T__ask:": the label word with its first letter emphasised."""
    match = _FIRST_LETTER.match(text, start)
    if match is None:
        return None
    part = WORDS.get((match.group("letter") + match.group("rest")).lower())
    if part is None:
        return None
    return Marker(match.start("open"), match.end(), frozenset((part,)))


def _loose_heading(text: str, start: int) -> Marker | None:
    """A markdown heading, a bold line or a question on a line of its own that names
    one part in other words: "## What I'd say I learned", "**How it all played out**",
    "What was the result?"."""
    line = _rest_of_line(text, start)
    stripped = line.strip()
    parts: set[str] = set()
    if stripped.startswith("#"):
        title = stripped.lstrip("#")
    elif stripped.startswith(("**", "__")) and stripped.endswith(("**", "__", "**:", "__:")):
        title = stripped.strip("*_:")
    elif stripped.endswith("?") and stripped[:4].lower() in ("what", "how "):
        title = stripped  # "What was the situation?" on a line of its own
        lowered = " ".join(title.lower().split())
        for phrase, part in QUESTION_PHRASES.items():
            if phrase in lowered:
                parts = {part}  # the first phrase found names the part
                break
    else:
        return None
    if not parts:
        words = _WORD.findall(title.lower())
        if not words or len(words) > 8:
            return None
        parts = {
            part for word in words for stem, part in HEADING_STEMS.items() if word.startswith(stem)
        }
    if len(parts) != 1:
        return None
    return Marker(start + _leading_blank(line), start + len(line), frozenset(parts))


# After a bare "A" at a line start, words that cannot follow the article "a".
_AFTER_BARE_A = frozenset(("I", "We", "My", "Our", "Me", "After", "Then", "So", "First"))


def _bare_letter(text: str, match: re.Match[str], letters: _LetterLabels | None) -> bool:
    """A capital letter with no mark at all, then a capitalised word: "L While it was
    ..." once the answer labels several parts with letters. "A" is also the article,
    so it counts only before a word that cannot follow "a" ("A We called ..."), or
    when S, T, R and L open lines bare too."""
    label = match.group("label")
    if match.group("sep") or match.group("dot") or match.group("open") or match.group("close"):
        return False
    if match.group("prefix").strip() or not label.isupper() or len(label) != 1:
        return False
    following = _WORD.match(text, match.end())
    if following is None or not following.group(0)[:1].isupper():
        return False
    if label != "A" or following.group(0) in _AFTER_BARE_A:
        return True
    return letters is not None and letters.bare_others


def _common_word(label: str) -> bool:
    return " ".join(label.lower().split()) in COMMON_WORDS


def _upper(label: str) -> bool:
    return label.replace("/", "").replace("&", "").strip().isupper()


def _rest_of_line(text: str, index: int) -> str:
    newline = text.find("\n", index)
    return text[index : len(text) if newline < 0 else newline]


def _leading_blank(marker_text: str) -> int:
    return len(marker_text) - len(marker_text.lstrip(" \t"))
