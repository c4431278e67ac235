"""Turning a sentence into the sparse features the classifier weighs: words, two-word
phrases, cue phrases for each part, tense and modal patterns, numbers, and where the
sentence sits in the answer. Shared by the analyzer and the training script."""

from __future__ import annotations

import re

from bot.star.cues import CUES

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[%$€£]")

_CUE_LOOKUP: dict[str, str] = {}
for _part, _phrases in CUES.items():
    for _phrase in _phrases:
        _CUE_LOOKUP.setdefault(_phrase, "cue:" + _part)

_FIRST_PERSON = frozenset(("i", "we"))
_IRREGULAR_PAST = frozenset(
    "built wrote ran led made took got found went saw set met spoke told sent gave brought "
    "began chose drove felt kept left lost paid put sold spent stood taught thought won "
    "caught grew knew became came broke cut split held heard bought fought sought meant "
    "dealt rebuilt rewrote did had was were sat shut".split()
)
_MODALS = frozenset(("would", "will", "should", "could", "might", "going"))
_CONTRACTED_MODALS = frozenset(("i'd", "we'd", "i'll", "we'll"))
_PRESENT_HABIT = frozenset(("always", "now", "today", "still", "try", "make", "ask", "start"))
_NUMBER = re.compile(r"\d")
_YEAR = re.compile(r"(?:19|20)\d\d$")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


def _position_features(index: int, count: int) -> list[str]:
    if count <= 1:
        return ["pos:only"]
    bucket = min(4, (5 * index) // count)
    feats = [f"pos:{bucket}"]
    if index == 0:
        feats.append("pos:first")
    elif index == count - 1:
        feats.append("pos:last")
    return feats


def sentence_features(tokens: list[str], index: int, count: int, text: str) -> list[str]:
    """Feature names for one sentence. ``index``/``count`` place it in the answer."""
    feats = ["bias", *_position_features(index, count)]
    n = len(tokens)
    feats.append("len:1" if n <= 6 else "len:2" if n <= 14 else "len:3" if n <= 25 else "len:4")
    feats.extend("w:" + t for t in tokens)
    bigrams = [a + " " + b for a, b in zip(tokens, tokens[1:], strict=False)]
    feats.extend("b:" + b for b in bigrams)
    lookup = _CUE_LOOKUP.get
    cues = {lookup(t) for t in tokens}
    cues.update(lookup(b) for b in bigrams)
    if n > 2:
        trigrams = zip(tokens, tokens[1:], tokens[2:], strict=False)
        cues.update(lookup(a + " " + b + " " + c) for a, b, c in trigrams)
    cues.discard(None)
    feats.extend(cues)  # type: ignore[arg-type]
    feats.extend(_grammar_features(tokens))
    if _NUMBER.search(text):
        years = sum(1 for t in tokens if _YEAR.match(t))
        digits = sum(1 for t in tokens if t[0].isdigit())
        if digits > years:
            feats.append("num")
        if years:
            feats.append("year")
    if text.rstrip().endswith("?"):
        feats.append("question")
    return feats


def _grammar_features(tokens: list[str]) -> list[str]:
    feats: list[str] = []
    if tokens and tokens[0] in _FIRST_PERSON:
        feats.append("start:" + tokens[0])
    for i, token in enumerate(tokens):
        if token in _CONTRACTED_MODALS:
            feats.append("i:modal" if token[0] == "i" else "we:modal")
        elif token in _FIRST_PERSON and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if nxt.endswith("ed") or nxt in _IRREGULAR_PAST:
                feats.append(token + ":past")
            elif nxt in _MODALS:
                feats.append(token + ":modal")
            elif nxt in _PRESENT_HABIT:
                feats.append(token + ":present")
        elif token in _MODALS:
            feats.append("modal")
    return feats
