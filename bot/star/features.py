"""Turning a sentence into the sparse features the classifier weighs: words, two-word
phrases, cue phrases for each part, tense and modal patterns, numbers, and where the
sentence sits in the answer. Shared by the analyzer and the training script."""

from __future__ import annotations

import re
from collections import Counter

from bot.star.cues import CUES

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[%$€£]")

_CUE_LOOKUP: dict[str, tuple[str, ...]] = {}
for _group, _phrases in CUES.items():
    for _phrase in _phrases:
        _key = " ".join(_TOKEN.findall(_phrase))
        _CUE_LOOKUP[_key] = (*_CUE_LOOKUP.get(_key, ()), "cue:" + _group)

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
    feats.extend(_cue_features(tokens, bigrams))
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


_DISCOURSE = frozenset("so and then but also after that first next finally anyway well oh".split())
_SUBJECTS = frozenset(
    "i we my our me us they their he she his her it its this that the a an there you "
    "everyone nobody everybody someone people customers customer team".split()
)
_CHANGE = frozenset(
    "dropped fell rose grew went cut reduced increased improved saved doubled halved "
    "tripled down up from lowered raised climbed declined shrank jumped hit reached "
    "beat exceeded".split()
)
_BE_PAST = frozenset(("was", "were", "wasn't", "weren't"))
_BE_PRESENT = frozenset(("is", "are", "am", "i'm", "it's", "isn't", "aren't", "we're"))


def _cue_features(tokens: list[str], bigrams: list[str]) -> list[str]:
    lookup = _CUE_LOOKUP.get
    hits: list[str] = []
    for gram in (*tokens, *bigrams):
        groups = lookup(gram)
        if groups:
            hits.extend(groups)
    if len(tokens) > 2:
        for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False):
            groups = lookup(a + " " + b + " " + c)
            if groups:
                hits.extend(groups)
    if not hits:
        return []
    counts = Counter(hits)
    return [*counts, *(group + ":2" for group, n in counts.items() if n >= 2)]


def _grammar_features(tokens: list[str]) -> list[str]:
    feats: list[str] = []
    head = 0
    while head < len(tokens) - 1 and head < 3 and tokens[head] in _DISCOURSE:
        head += 1
    if tokens:
        first = tokens[head]
        feats.append("subj:" + (first if first in _SUBJECTS else "other"))
    token_set = set(tokens)
    if token_set & _BE_PAST:
        feats.append("be:past")
    if token_set & _BE_PRESENT:
        feats.append("be:present")
    if token_set & _CHANGE:
        feats.append("change")
        if any(t[0].isdigit() or t == "%" for t in tokens):
            feats.append("change+num")
    past = sum(1 for t in tokens if t.endswith("ed") and len(t) > 4)
    feats.append("ed:0" if past == 0 else "ed:1" if past == 1 else "ed:2+")
    i_count = sum(1 for t in tokens if t == "i")
    we_count = sum(1 for t in tokens if t == "we")
    feats.append("i:0" if i_count == 0 else "i:1" if i_count == 1 else "i:2+")
    if we_count:
        feats.append("we:1+")
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
