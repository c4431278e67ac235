"""Sentence splitting for answers written in chat.

The splitter returns character spans into the original text, so every sentence can
be quoted and located exactly. It copes with abbreviations (e.g., i.e., U.S., Dr.),
decimals, sizes and versions (6.5TB, 99.9%, v2.3.1), URLs, emoji, bullets and
numbered lists, and line breaks without punctuation. Fenced code blocks are skipped.

Every pattern here is free of nested quantifiers and every backward look is bounded,
so the work is linear in the size of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

Span = tuple[int, int]

# Fences: ``` or ~~~ anywhere (an opening fence without a closing one runs to the end,
# as chat clients render it).
_FENCE = re.compile(r"```|~~~")

# A candidate end of sentence: terminal punctuation (with closing quotes or brackets)
# followed by whitespace or the end, or a run of emoji followed by whitespace.
_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff"
_CANDIDATE = re.compile(
    r"[.!?…]+[\"'”’)\]*_]*(?=\s|$)|[" + _EMOJI + r"][" + _EMOJI + r"\ufe0f\u200d]*(?=\s)"
)

# What may open a line without being part of its sentence: bullets, numbers,
# quotes, headings, check boxes and emoji bullets (in any order, repeated).
_LINE_MARKER = re.compile(
    r"(?:[-*+•·▪►▶➤→◦‣⁃–—>#]+[ \t]+|#+(?=\S)|\(?\d{1,2}[.)][ \t]+|\(?[a-hA-H][)][ \t]+"
    r"|\[[ xX]?\][ \t]+|[" + _EMOJI + r"][" + _EMOJI + r"\ufe0f\u200d]*[ \t]*)"
)
_LIST_START = re.compile(r"[ \t]*(?:[-*+•·▪►▶➤→◦‣⁃–—>#]|\(?\d{1,2}[.)][ \t]|[" + _EMOJI + r"])")

_WORDISH = re.compile(r"[^\W_]")

# Abbreviations after which a period never ends a sentence.
_NEVER_SPLIT = frozenset(
    "e.g. i.e. eg. ie. dr. mr. mrs. ms. prof. sr. jr. st. vs. v. cf. approx. appx. "
    "fig. nos. dept. incl. resp. ca. viz. ph.d. a.k.a. aka. w.r.t.".split()
)
# Abbreviations (and ordinary words) a period may follow either way: split only when
# a usual sentence opener follows ("... in the U.S. We then ...", "Plan B. Then ...").
_MAYBE_SPLIT = frozenset(
    "etc. inc. ltd. co. corp. u.s. u.k. e.u. a.m. p.m. am. pm. no. est. min. max. avg. "
    "sec. ref. al. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. "
    "mon. tue. tues. wed. thu. thurs. fri. sat. sun.".split()
)
_OPENERS = frozenset(
    "i we my our the this that these those then after afterwards so but and it its "
    "as when once within by over in on at to a an he she they their his her there "
    "finally next first second third later eventually today now looking what how "
    "because since while during before overall ultimately also however".split()
)


def code_spans(text: str) -> list[Span]:
    """Fenced code blocks (```...``` or ~~~...~~~), fences included."""
    spans: list[Span] = []
    opening: re.Match[str] | None = None
    for fence in _FENCE.finditer(text):
        if opening is None:
            opening = fence
        elif fence.group() == opening.group():
            spans.append((opening.start(), fence.end()))
            opening = None
    if opening is not None:
        spans.append((opening.start(), len(text)))
    return spans


def split_sentences(text: str, exclude: Iterable[Span] = ()) -> list[Span]:
    """Sentence spans of ``text``, skipping fenced code and the ``exclude`` spans
    (label markers), which also act as hard sentence boundaries."""
    blocked = sorted([*code_spans(text), *exclude])
    spans: list[Span] = []
    position = 0
    for start, end in blocked:
        if start > position:
            spans.extend(_split_region(text, position, start))
        position = max(position, end)
    if position < len(text):
        spans.extend(_split_region(text, position, len(text)))
    return spans


def _split_region(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    for chunk_start, chunk_end in _chunks(text, start, end):
        cut = chunk_start
        for match in _CANDIDATE.finditer(text, chunk_start, chunk_end):
            if _ends_sentence(text, match, chunk_end, cut):
                _add(spans, text, cut, match.end())
                cut = match.end()
        _add(spans, text, cut, chunk_end)
    return spans


def _chunks(text: str, start: int, end: int) -> Iterable[Span]:
    """Runs of lines that belong together: a line break ends a sentence unless the
    next line plainly continues it (starts in lower case, after no terminal mark)."""
    chunk_start = start
    line_start = start
    while line_start < end:
        newline = text.find("\n", line_start, end)
        line_end = end if newline < 0 else newline
        next_start = line_end + 1
        if next_start >= end or not _continues(text, line_start, line_end, next_start, end):
            yield chunk_start, line_end
            chunk_start = next_start
        line_start = next_start


def _continues(text: str, line_start: int, line_end: int, next_start: int, end: int) -> bool:
    line = text[line_start:line_end].rstrip()
    if not line or line[-1] in ".!?:;…" or line.lstrip().startswith("#"):
        return False
    following = text[next_start : min(end, next_start + 8)]
    stripped = following.lstrip(" \t")
    if not stripped or _LIST_START.match(following):
        return False
    return stripped[0].islower()


def _ends_sentence(text: str, match: re.Match[str], chunk_end: int, cut: int) -> bool:
    after = match.end()
    while after < chunk_end and text[after].isspace():
        after += 1
    if after >= chunk_end:
        return True
    nxt = text[after]
    mark = match.group()
    if text[cut : match.start()].strip().isdigit():  # "1." opening a numbered line
        return False
    if mark[0] not in ".!?…":  # emoji: a sentence end when a capitalised sentence follows
        words_before = len(text[cut : match.start()].split())
        return words_before >= 3 and (nxt.isupper() or nxt.isdigit())
    if nxt.islower() or nxt in ",;:)]":
        return False
    if mark[0] != ".":
        return True
    token = _token_before(text, match.start(), cut).lower() + "."
    if token in _NEVER_SPLIT:  # "Dr. Lee", "e.g. Kafka": a capital here starts a name
        return False
    if token in _MAYBE_SPLIT or _is_initialism(token) or (len(token) == 2 and token[0].isalpha()):
        return _next_word(text, after, chunk_end).lower() in _OPENERS
    return True


def _token_before(text: str, index: int, floor: int) -> str:
    """The word ending at ``index`` (at most 12 characters back: bounded work)."""
    start = index
    limit = max(floor, index - 12)
    while start > limit and not text[start - 1].isspace() and text[start - 1] not in "(\"'“":
        start -= 1
    return text[start:index]


def _is_initialism(token: str) -> bool:
    """"U.S.", "a.m.", "N.Y.": single letters joined by periods."""
    pieces = token[:-1].split(".")
    return len(pieces) >= 2 and all(len(p) == 1 and p.isalpha() for p in pieces)


def _next_word(text: str, start: int, end: int) -> str:
    stop = start
    limit = min(end, start + 20)
    while stop < limit and (text[stop].isalpha() or text[stop] == "'"):
        stop += 1
    return text[start:stop]


def _add(spans: list[Span], text: str, start: int, end: int) -> None:
    """Trim whitespace and leading list markers; keep spans that hold a word."""
    while start < end and text[start].isspace():
        start += 1
    while True:
        marker = _LINE_MARKER.match(text, start, end)
        if marker is None or marker.end() == start:
            break
        start = marker.end()
        while start < end and text[start].isspace():
            start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end and _WORDISH.search(text, start, end):
        spans.append((start, end))
