"""``analyze``: from an answer's text to a ``StarReport``. Pure, synchronous,
deterministic and linear in the input size."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from operator import attrgetter
from types import MappingProxyType
from typing import NamedTuple

from bank.model import Bank, Principle, Question
from bot.star import advice, readable
from bot.star.classify import decode
from bot.star.features import (
    Feature,
    Traits,
    paragraph_features,
    sentence_features,
    tokenize_many,
)
from bot.star.labels import Marker, find_markers
from bot.star.model import SCORE_UNIT, load_model
from bot.star.narrative import narrative_features
from bot.star.plain import plain
from bot.star.report import PARTS, Component, Sentence, StarReport
from bot.star.score import criteria, total_score
from bot.star.scoring import scorer_for
from bot.star.signals import compute_signals
from bot.star.split import code_spans, split_sentences

MAX_CHARS = 20_000
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
MAX_EVIDENCE = 3


@functools.cache
def _default_bank() -> Bank | None:
    try:
        from bank import load_bank

        return load_bank()
    except Exception:  # a broken bank must not break feedback: relevance is skipped
        return None


def _resolve(
    principle: str | Principle | None, question: str | Question | None, bank: Bank | None
) -> tuple[Principle | None, Question | None]:
    if isinstance(question, str):
        source = bank or _default_bank()
        try:
            question = source.question(question) if source else None
        except KeyError:
            question = None
    if principle is None and question is not None:
        principle = question.principle
    if isinstance(principle, str):
        source = bank or _default_bank()
        try:
            principle = source.principle(principle) if source else None
        except KeyError:
            principle = None
    return principle, question


def analyze(
    text: str,
    principle: str | Principle | None = None,
    question: str | Question | None = None,
    *,
    bank: Bank | None = None,
) -> StarReport:
    """Analyze one answer. ``principle``/``question`` may be objects or a slug/id
    looked up in ``bank`` (default: the packaged bank); unknown ids are ignored."""
    principle_obj, question_obj = _resolve(principle, question, bank)
    slug = principle_obj.slug if principle_obj else None
    question_id = question_obj.id if question_obj else None
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = _cut(text, MAX_CHARS)
    view = plain(text)
    reason = readable.unreadable_reason(view)
    if reason is not None:
        return _unanalyzable(reason, slug, question_id)

    prepared = prepare(view)
    if not prepared.spans:
        notice = readable.CODE_ONLY if code_spans(view) else readable.NO_SENTENCES
        return _unanalyzable(notice, slug, question_id)
    model = load_model()
    scored = scorer_for(model).score_all(
        prepared.all_tokens, prepared.bounds, prepared.texts, prepared.extras
    )
    labelled = prepared.labelled.count(None) < len(prepared.labelled)
    fixed = (
        [
            own is not None and own == limit
            for own, limit in zip(prepared.labelled, prepared.allowed, strict=True)
        ]
        if labelled
        else None
    )
    scores, traits, i_words, we_words = zip(*scored, strict=True)
    labels = decode(scores, prepared.allowed, prepared.breaks, fixed, model, SCORE_UNIT)
    new = tuple.__new__  # builds each named tuple without its Python-level __new__
    # Quotes come from the text as written; the plain view only served the reading.
    sentences = tuple(  # a list comprehension builds faster than a generator
        [
            new(Sentence, (a, b, text[a:b], label, confidence, own is not None and label in own))
            for (a, b), (label, confidence), own in zip(
                prepared.spans, labels, prepared.labelled, strict=True
            )
        ]
    )
    return _report(
        sentences,
        _TokenSlices(prepared.all_tokens, prepared.bounds),
        traits,
        (sum(i_words), sum(we_words)),
        [b - a for a, b in prepared.bounds],
        principle_obj,
        question_obj,
        truncated,
        labelled,
    )


class _TokenSlices(Sequence[list[str]]):
    """Each sentence's tokens, sliced from the answer's only when asked for."""

    def __init__(self, tokens: list[str], bounds: list[tuple[int, int]]) -> None:
        self.tokens = tokens
        self.bounds = bounds

    def __len__(self) -> int:
        return len(self.bounds)

    def __getitem__(self, index: int) -> list[str]:  # type: ignore[override]
        start, end = self.bounds[index]
        return self.tokens[start:end]


class Prepared(NamedTuple):
    """An answer cut into sentences, with explicit-label limits and what the
    classifier needs to score each sentence."""

    spans: list[tuple[int, int]]
    texts: list[str]
    allowed: list[frozenset[str] | None]
    all_tokens: list[str]
    bounds: list[tuple[int, int]]  # each sentence's slice of ``all_tokens``
    breaks: list[bool]
    extras: list[tuple[str, ...]]  # paragraph and narrative features
    labelled: list[frozenset[str] | None]

    @property
    def tokens(self) -> list[list[str]]:
        return [self.all_tokens[a:b] for a, b in self.bounds]

    @property
    def features(self) -> list[list[Feature]]:
        """Every sentence's features by name (for training; ``analyze`` scores faster)."""
        count = len(self.spans)
        return [
            sentence_features(words, i, count, sentence, extra)
            for i, (words, sentence, extra) in enumerate(
                zip(self.tokens, self.texts, self.extras, strict=True)
            )
        ]


def prepare(text: str) -> Prepared:
    """The answer read for the classifier, from its ``plain`` view (same offsets)."""
    text = plain(text)
    code = code_spans(text)
    markers = find_markers(text, code)
    spans = split_sentences(text, [(m.start, m.end) for m in markers], code=code)
    breaks = _paragraph_breaks(text, spans)
    allowed, labelled = _explicit_parts(text, spans, breaks, markers)
    texts = [text[a:b] for a, b in spans]
    all_tokens, bounds = tokenize_many(texts) if texts else ([], [])
    story = narrative_features([all_tokens[a:b] for a, b in bounds])
    extras = [
        (*paragraph, *told)
        for paragraph, told in zip(paragraph_features(breaks), story, strict=True)
    ]
    return Prepared(spans, texts, allowed, all_tokens, bounds, breaks, extras, labelled)


def _paragraph_breaks(text: str, spans: Sequence[tuple[int, int]]) -> list[bool]:
    """Whether each sentence opens a paragraph: a blank line (or a code block) sits
    between it and the previous sentence. The first sentence opens one."""
    breaks: list[bool] = []
    previous_end = 0
    for start, end in spans:
        if start - previous_end < 2 and breaks:  # the usual single space: too short for a break
            breaks.append(False)
        else:
            gap = text[previous_end:start]
            breaks.append(not breaks or _BLANK_LINE.search(gap) is not None or "```" in gap)
        previous_end = end
    return breaks


def _report(
    sentences: tuple[Sentence, ...],
    token_lists: Sequence[Sequence[str]],
    traits: Sequence[Traits],
    voices: tuple[int, int],
    word_counts: Sequence[int],
    principle: Principle | None,
    question: Question | None,
    truncated: bool,
    labelled: bool,
) -> StarReport:
    part_words = dict.fromkeys((*PARTS, "other"), 0)
    by_part: dict[str, list[Sentence]] = {part: [] for part in (*PARTS, "other")}
    for sentence, words in zip(sentences, word_counts, strict=True):
        part_words[sentence.label] += words
        by_part[sentence.label].append(sentence)
    components = {part: _component(by_part[part], part_words[part]) for part in PARTS}
    signals = compute_signals(sentences, token_lists, traits, voices, part_words, principle)
    rows = criteria(components, signals)
    notice = (
        f"Your answer is long, so I read the first {MAX_CHARS:,} characters." if truncated else None
    )
    return StarReport(
        sentences=sentences,
        components=MappingProxyType(components),
        signals=MappingProxyType(signals),
        score=total_score(rows),
        suggestions=advice.suggestions(
            rows, sentences, components, signals, principle, by_part
        ),
        follow_up=advice.follow_up(rows, question, principle),
        missing=tuple(p for p in PARTS if not components[p].present),
        analyzable=True,
        notice=notice,
        truncated=truncated,
        labelled=labelled,
        principle=principle.slug if principle else None,
        question_id=question.id if question else None,
    )


def _component(mine: list[Sentence], words: int) -> Component:
    """Evidence: the part's sentences, most confident first (at most three)."""
    if not mine:
        return _ABSENT
    if len(mine) > 1:
        mine = sorted(mine, key=_CONFIDENCE, reverse=True)[:MAX_EVIDENCE]  # stable: ties keep order
    return Component(True, tuple(map(_TEXT, mine)), words)


_CONFIDENCE = attrgetter("confidence")
_TEXT = attrgetter("text")
_ABSENT = Component(False, (), 0)


def _unanalyzable(reason: str, principle: str | None, question_id: str | None) -> StarReport:
    empty = Component(False)
    return StarReport(
        sentences=(),
        components=MappingProxyType(dict.fromkeys(PARTS, empty)),
        signals=MappingProxyType({}),
        score=0,
        suggestions=(),
        follow_up="",
        missing=PARTS,
        analyzable=False,
        notice=reason,
        principle=principle,
        question_id=question_id,
    )


def _cut(text: str, limit: int) -> str:
    """The first ``limit`` characters, ending at whitespace so no word is split."""
    head = text[:limit]
    if not text[limit].isspace():
        space = max(head.rfind(" "), head.rfind("\n"))
        if space > limit // 2:
            head = head[:space]
    return head


def _explicit_parts(
    text: str, spans: Sequence[tuple[int, int]], breaks: Sequence[bool], markers: Sequence[Marker]
) -> tuple[list[frozenset[str] | None], list[frozenset[str] | None]]:
    """For each sentence: the labels the classifier may choose from (None: any), and
    the part(s) the person's own label gives it (None: unlabelled).

    With two or more labels, a sentence inherits the most recent one. Text before the
    first label is a preface: a greeting, context when no Situation label follows, or
    the parts of the story before the first part labelled. A paragraph after the last
    label's first paragraph may be a sign-off. A label with its text on the same line
    ("Context: ...") labels its paragraph: a later paragraph without a label of its own
    is read by content, as a part between that label's and the next one's. A single
    label covers only its own line (or, for a label alone on its line, the line after
    it)."""
    count = len(spans)
    if not markers:
        return [None] * count, [None] * count
    several = len(markers) >= 2
    scope_end = len(text) if several else _line_scope_end(text, markers[0])
    named = frozenset().union(*(m.parts for m in markers))
    # Before the first label: what a story tells before that part ("... I fixed it.
    # Result: ..." labels only its end), or context and a greeting.
    first = min(PARTS.index(p) for p in markers[0].parts)
    preface = frozenset({"situation", "task", *PARTS[:first]} - named) | {"other"}
    allowed: list[frozenset[str] | None] = []
    labelled: list[frozenset[str] | None] = []
    index = -1
    block_start = -1  # the sentence that opened the current label's block
    for i, (start, _end) in enumerate(spans):
        while index + 1 < len(markers) and markers[index + 1].end <= start:
            index += 1
            block_start = i
        if index < 0 or start >= scope_end:
            allowed.append(preface if several and index < 0 else None)
            labelled.append(None)
            continue
        parts = markers[index].parts
        later_paragraph = i > block_start and any(breaks[block_start + 1 : i + 1])
        if later_paragraph and _opens_its_paragraph(text, markers[index]):
            # "Context: ..." with its text on the same line labels that paragraph; a
            # later paragraph without a label of its own is read like free text, as
            # any part between this label's and the next one's (or a sign-off).
            following = markers[index + 1].parts if index + 1 < len(markers) else None
            allowed.append(_parts_between(parts, following))
            labelled.append(None)
            continue
        labelled.append(parts)
        signing_off = several and index == len(markers) - 1 and later_paragraph
        allowed.append(parts | {"other"} if signing_off else parts)
    return allowed, labelled


def _parts_between(parts: frozenset[str], following: frozenset[str] | None) -> frozenset[str]:
    """The parts a story tells from ``parts`` up to the next label's, and "other"."""
    low = min(PARTS.index(p) for p in parts)
    high = len(PARTS) if following is None else min(PARTS.index(p) for p in following)
    return frozenset(PARTS[low:high]) | parts | {"other"}


def _opens_its_paragraph(text: str, marker: Marker) -> bool:
    """Whether the label's own text follows it on the same line (not a heading)."""
    line_end = text.find("\n", marker.end)
    return bool(text[marker.end : len(text) if line_end < 0 else line_end].strip())


def _line_scope_end(text: str, marker: Marker) -> int:
    line_end = text.find("\n", marker.end)
    if line_end < 0:
        return len(text)
    if text[marker.end : line_end].strip():
        return line_end
    next_end = text.find("\n", line_end + 1)
    return len(text) if next_end < 0 else next_end
