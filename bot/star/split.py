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

_EMOJI = "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff"
_TERMINALS = ".!?…"
_CLOSERS = "\"'”’)]*_"
_EMOJI_RUN = re.compile(r"[" + _EMOJI + r"][" + _EMOJI + r"\ufe0f\u200d]*(?=\s)")

# What may open a line without being part of its sentence: bullets, numbers,
# quotes, headings, check boxes and emoji bullets (in any order, repeated).
_LINE_MARKER = re.compile(
    r"(?:[-*+•·▪►▶➤→◦‣⁃–—>#]+[ \t]+|#+(?=\S)|\(?\d{1,2}[.)][ \t]+|\(?[a-hA-H][)][ \t]+"
    r"|\[[ xX]?\][ \t]+|[" + _EMOJI + r"][" + _EMOJI + r"\ufe0f\u200d]*[ \t]*)"
)
_LIST_START = re.compile(
    r"[ \t]*(?:[-*+•·▪►▶➤→◦‣⁃–—>#]|\(?\d{1,2}[.)][ \t]|\(?[a-hA-H]\)[ \t]|[" + _EMOJI + r"])"
)

_WORDISH = re.compile(r"[^\W_]")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations after which a period never ends a sentence.
_NEVER_SPLIT = _words(
    "e.g. i.e. eg. ie. dr. mr. mrs. ms. prof. sr. jr. st. vs. v. cf. approx. appx. "
    "fig. nos. dept. incl. resp. ca. viz. ph.d. a.k.a. aka. w.r.t."
)
# Abbreviations (and ordinary words) a period may follow either way: split only when
# a usual sentence opener follows ("... in the U.S. We then ...", "Plan B. Then ...").
_MAYBE_SPLIT = _words(
    "etc. inc. ltd. co. corp. u.s. u.k. e.u. a.m. p.m. am. pm. no. est. min. max. avg. "
    "sec. ref. al. jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec. "
    "mon. tue. tues. wed. thu. thurs. fri. sat. sun."
)
_ABBREVIATIONS = _NEVER_SPLIT | _MAYBE_SPLIT
_OPENERS = _words(
    "i we my our the this that these those then after afterwards so but and it its "
    "as when once within by over in on at to a an he she they their his her there "
    "finally next first second third later eventually today now looking what how "
    "because since while during before overall ultimately also however"
)


def code_spans(text: str) -> list[Span]:
    """Fenced code blocks (```...``` or ~~~...~~~), fences included."""
    if "```" not in text and "~~~" not in text:
        return []
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


def split_sentences(
    text: str, exclude: Iterable[Span] = (), *, code: list[Span] | None = None
) -> list[Span]:
    """Sentence spans of ``text``, skipping fenced code and the ``exclude`` spans
    (label markers), which also act as hard sentence boundaries. ``code`` is the
    answer's code spans when already known."""
    blocked = sorted([*(code_spans(text) if code is None else code), *exclude])
    spans: list[Span] = []
    position = 0
    for start, end in blocked:
        if start > position:
            spans.extend(_split_region(text, position, start))
        position = max(position, end)
    if position < len(text):
        spans.extend(_split_region(text, position, len(text)))
    if len(text) > _RUN_ON_CHARS and _unpunctuated(text):
        spans = [piece for span in spans for piece in _split_run_on(text, span)]
    return spans


# Dictated or hurried answers may run on for many clauses without a full stop. There,
# a new sentence usually starts with one of these (after a space, in any case).
_RUN_ON_CUE = re.compile(
    r" (?=(?:so|then|and then|and so|but then|but after|anyway|after that|afterwards|"
    r"turned out|long story short|in the end|since then|now|honestly|lesson|"
    r"(?:what )?i (?:learned|learnt|took)|one (?:day|morning|night|time|of)|"
    r"my (?:boss|mgr|manager|supervisor|lead|owner|team|partner)|"
    r"the (?:owner|customer|client|manager|boss|director) (?:said|was|told|asked|liked|loved)|"
    r"(?:and )?i (?:had|wanted|decided|told|asked|said|went|started|found|put|made|called|"
    r"set|realized|realised|noticed|tried|got|did|was|also|then|just|figured|knew)) )",
    re.IGNORECASE,
)
_RUN_ON_CHARS = 200  # a sentence this long may be several run together
_RUN_ON_MIN_WORDS = 6  # neither piece of a cut may be shorter


def _unpunctuated(text: str) -> bool:
    """Far fewer sentence ends than usual: under one per 40 words (prose has about
    one per 15-20)."""
    marks = text.count(".") + text.count("!") + text.count("?")
    return marks * 40 < text.count(" ")


def _split_run_on(text: str, span: Span) -> list[Span]:
    start, end = span
    if end - start <= _RUN_ON_CHARS:
        return [span]
    pieces: list[Span] = []
    cut = start
    # Spaces counted as the cues go by (counting afresh for each would be quadratic).
    spaces_in_span = text.count(" ", start, end)
    spaces_before = spaces_at_cut = 0
    previous = start
    for cue in _RUN_ON_CUE.finditer(text, start, end):
        position = cue.start()
        spaces_before += text.count(" ", previous, position)
        previous = position
        if (
            spaces_before - spaces_at_cut + 1 >= _RUN_ON_MIN_WORDS
            and spaces_in_span - spaces_before >= _RUN_ON_MIN_WORDS
            and text[position - 1] not in ",;:("
        ):
            pieces.append((cut, position))
            cut = position + 1
            spaces_at_cut = spaces_before + 1
    pieces.append((cut, end))
    return pieces


def _split_region(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    line_ends = _line_ends(text, start, end)
    line_ends.append(end)
    line = 0
    cut = start
    for mark_start, mark_end in _candidates(text, start, end):
        while line_ends[line] <= mark_start:  # the sentence ends with its line
            _add(spans, text, cut, line_ends[line])
            cut = max(cut, line_ends[line] + 1)
            line += 1
        if mark_start < cut:
            continue
        # The common cases, decided without _ends_sentence: the mark ends its line (as
        # at a paragraph's end), or "!" or "?", or "." after a word of 7+ letters (longer
        # than any abbreviation), then a space and a capital.
        if (
            mark_end == line_ends[line]
            or (
                text[mark_end : mark_end + 1] == " "
                and text[mark_end + 1 : mark_end + 2].isupper()
                and (
                    text[mark_start] in "!?"
                    or (
                        mark_end - mark_start == 1
                        and (
                            text[mark_start - 7 : mark_start].isalpha()
                            or _plain_short_word(text, mark_start, cut)
                        )
                    )
                )
            )
        ) or _ends_sentence(text, mark_start, mark_end, line_ends[line], cut):
            _add(spans, text, cut, mark_end)
            cut = mark_end
    for line_end in line_ends[line:]:
        _add(spans, text, cut, line_end)
        cut = max(cut, line_end + 1)
    return spans


def _candidates(text: str, start: int, end: int) -> list[Span]:
    """Where a sentence may end: terminal punctuation (with closing quotes, brackets or
    emphasis) followed by whitespace or the end, and emoji followed by whitespace.
    Found with ``str.find``, which is much faster than a regex scan."""
    hits: list[int] = []
    for mark in _TERMINALS:
        index = text.find(mark, start, end)
        while index >= 0:
            hits.append(index)
            index = text.find(mark, index + 1, end)
    hits.sort()
    found: list[Span] = []
    previous_end = -1
    for index in hits:
        if index < previous_end:
            continue
        stop = index
        while stop < end and text[stop] in _TERMINALS:
            stop += 1
        while stop < end and text[stop] in _CLOSERS:
            stop += 1
        previous_end = stop
        if stop == end or text[stop].isspace():
            found.append((index, stop))
    if not text.isascii():
        found.extend(m.span() for m in _EMOJI_RUN.finditer(text, start, end))
        found.sort()
    return found


def _line_ends(text: str, start: int, end: int) -> list[int]:
    """The line breaks that end a sentence: all of them, unless the text was wrapped
    at a fixed width (pasted from an e-mail or a terminal); then a line continues
    the sentence when the next starts in lower case after no terminal mark."""
    newlines: list[int] = []
    newline = text.find("\n", start, end)
    while newline >= 0:
        newlines.append(newline)
        newline = text.find("\n", newline + 1, end)
    if not _hard_wrapped(text, start, newlines):
        return newlines
    ends: list[int] = []
    line_start = start
    for newline in newlines:
        next_start = newline + 1
        if next_start >= end or not _continues(text, line_start, newline, next_start, end):
            ends.append(newline)
        line_start = next_start
    return ends


def _hard_wrapped(text: str, start: int, newlines: list[int]) -> bool:
    """Whether most lines that run on into another line are about as long as the
    longest line (what wrapping at a fixed width leaves). People typing in chat break
    lines where a thought ends, at any length."""
    if len(newlines) < 3:
        return False
    lengths: list[int] = []
    line_start = start
    for newline in newlines:
        lengths.append(newline - line_start)
        line_start = newline + 1
    widest = max(lengths)
    if not 40 <= widest <= 100:
        return False
    full = sum(1 for n in lengths if n >= widest - 15)
    return full >= 3 and full * 10 >= len([n for n in lengths if n]) * 6


def _continues(text: str, line_start: int, line_end: int, next_start: int, end: int) -> bool:
    line = text[line_start:line_end].rstrip()
    if not line or line[-1] in ".!?:;…" or line.lstrip().startswith("#"):
        return False
    following = text[next_start : min(end, next_start + 8)]
    stripped = following.lstrip(" \t")
    if not stripped or _LIST_START.match(following):
        return False
    return stripped[0].islower()


def _ends_sentence(text: str, mark_start: int, mark_end: int, limit: int, cut: int) -> bool:
    window = text[mark_end : min(limit, mark_end + 8)]
    following = window.lstrip()
    if not following:
        return True
    after = mark_end + len(window) - len(following)
    nxt = following[0]
    first = text[mark_start]
    if mark_start - cut <= 4 and text[cut:mark_start].strip().isdigit():
        return False  # "1." opening a numbered line
    if first not in _TERMINALS:  # emoji: a sentence end when a word or number follows
        words_before = len(text[max(cut, mark_start - 40) : mark_start].split())
        return words_before >= 3 and (nxt.isalpha() or nxt.isdigit())
    if nxt in ",;:)]":
        return False
    if nxt.islower():
        # People writing in chat often skip capitals: "... 2 yrs. we have ...". A
        # single period after a plain word ends the sentence; "e.g. this", "approx. ten",
        # "U.S. law" and an ellipsis do not.
        if first in "!?":  # "Hey all! so ...", but not "(which one? which ...)"
            return mark_end - mark_start == 1 and text.count("(", cut, mark_start) <= text.count(
                ")", cut, mark_start
            )
        if mark_end - mark_start != 1 or first != ".":
            return False
        token = _token_before(text, mark_start, cut).lower() + "."
        return (
            (len(token) > 2 or token[0].isdigit())
            and token not in _ABBREVIATIONS
            and not _is_initialism(token)
            and "." not in token[:-1]
            and token[0].isalnum()
        )
    if first != ".":
        return True
    token = _token_before(text, mark_start, cut).lower() + "."
    if len(token) > 8 and "." not in token[:-1]:
        return True  # a long plain word: not an abbreviation
    if token in _NEVER_SPLIT:  # "Dr. Lee", "e.g. Kafka": a capital here starts a name
        return False
    if token in _MAYBE_SPLIT or _is_initialism(token) or (len(token) == 2 and token[0].isalpha()):
        return _next_word(text, after, limit).lower() in _OPENERS
    return True


def _plain_short_word(text: str, index: int, cut: int) -> bool:
    """Whether a word of 2-6 letters, after a space and not an abbreviation, ends at
    ``index``: then "." + a space and a capital ends the sentence, as
    ``_ends_sentence`` would find more slowly."""
    space = text.rfind(" ", max(cut, index - 7), index)
    if space < 0 or index - space < 3:
        return False
    word = text[space + 1 : index]
    return word.isalpha() and (word.lower() + ".") not in _ABBREVIATIONS


def _token_before(text: str, index: int, floor: int) -> str:
    """The word ending at ``index`` (at most 12 characters back: bounded work)."""
    pieces = text[max(floor, index - 12) : index].split()
    return pieces[-1].lstrip("(\"'“") if pieces else ""


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
    if end - start < 2 and (start >= end or not text[start].isalnum()):
        return  # blank lines between paragraphs
    if text[start] == " ":  # the usual space after the previous sentence
        start += 1
    if (
        text[start].isalpha()
        and text[start + 1 : start + 2] != ")"  # "a) ..." opens a list item
        and not text[end - 1].isspace()
    ):  # the usual sentence
        spans.append((start, end))
        return
    segment = text[start:end]
    stripped = segment.strip()
    if not stripped:
        return
    start += len(segment) - len(segment.lstrip())
    end = start + len(stripped)
    # A bullet, number, letter ("a)"), quote, heading or emoji may lead.
    if not stripped[0].isalpha() or stripped[1:2] == ")":
        while True:
            marker = _LINE_MARKER.match(text, start, end)
            if marker is None or marker.end() == start:
                break
            start = marker.end()
            while start < end and text[start].isspace():
                start += 1
        if not _WORDISH.search(text, start, end):
            return
    if start < end:
        spans.append((start, end))
