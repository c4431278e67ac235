"""The features the sentence classifier weighs: words, cue phrases for each part (one
or two words, from ``cues``), tense and modal patterns, hedges, numbers, and where the
sentence sits in the answer and its paragraph.

This module is the readable definition, used by the training script
(``sentence_features``); the analyzer computes the very same scores much faster with
``bot.star.scoring``. Features are namespaced by shape: a word is the token itself
(tokens never hold a space or a colon) and every other feature is a string with a
colon. A feature may repeat (a bag, not a set): "was ... was" counts twice. Word pairs
count only through the cue tables: as features of their own they did not improve
accuracy when cross-checked on the train files, and they cost time.
"""

from __future__ import annotations

import re
from itertools import chain
from typing import NamedTuple

from bot.star.cues import CUES
from bot.star.lexicon import word_set

Feature = str

_SPACE_OUT = "!\"#&()*+,-./:;<=>?@[\\]^_`{|}~“”‘—–…•·"
_TOKEN_TABLE = str.maketrans({**dict.fromkeys(_SPACE_OUT, " "), "’": "'"})
# The same for ASCII text as a bytes table: bytes.translate is a plain table lookup per
# byte, over twice as fast as str.translate.
_ASCII_TOKEN_TABLE = bytes(
    ord(_TOKEN_TABLE.get(code, chr(code))) for code in range(128)
) + bytes(range(128, 256))
_SYMBOLS = {"%": " % ", "$": " $ ", "€": " $ ", "£": " $ "}  # any currency reads as "$"

_IRREGULAR_PAST = word_set(
    "built wrote ran led made took got found went saw set met spoke told sent gave brought "
    "began chose drove felt kept left lost paid put sold spent stood taught thought won "
    "caught grew knew became came broke cut split held heard bought fought sought meant "
    "dealt rebuilt rewrote did had was were sat shut"
)
_MODALS = word_set("would will should could might going")
_PRESENT_HABIT = word_set("always now today still try make ask start")
DISCOURSE = word_set("so and then but also after that first next finally anyway well oh")
_SUBJECTS = word_set(
    "i we my our me us they their he she his her it its this that the a an there you "
    "everyone nobody everybody someone people customers customer team"
)
_CHANGE = word_set(
    "dropped fell rose grew went cut reduced increased improved saved doubled halved "
    "tripled down up from lowered raised climbed declined shrank jumped hit reached "
    "beat exceeded"
)
_BE_PAST = word_set("was were wasn't weren't")
_BE_PRESENT = word_set("is are am i'm it's isn't aren't we're")
SUBJECT_FEATURES = {word: "subj:" + word for word in _SUBJECTS}
_CONTRACTED = {"i'd": "i:modal", "i'll": "i:modal", "we'd": "we:modal", "we'll": "we:modal"}
# Words ending in "ed" that are not past tense.
NOT_PAST_ED = word_set(
    "need feed speed seed indeed bed red proceed exceed succeed ed bleed breed greed weed "
    "shred sled wed embed"
)


def _tables() -> tuple[dict[str, tuple[str, ...]], dict[tuple[str, str], tuple[str, ...]]]:
    """Word -> features and word pair -> features."""
    words: dict[str, tuple[str, ...]] = {}
    phrases: dict[tuple[str, str], tuple[str, ...]] = {}

    def add_word(word: str, feature: str) -> None:
        words[word] = (*words.get(word, ()), feature)

    for group, cue_phrases in CUES.items():
        for phrase in cue_phrases:
            parts = tokenize(phrase)
            if len(parts) == 1:
                add_word(parts[0], "cue:" + group)
            elif len(parts) == 2:
                pair = (parts[0], parts[1])
                phrases[pair] = (*phrases.get(pair, ()), "cue:" + group)
            else:
                raise ValueError(f"cue phrases have one or two words: {phrase!r}")
    for group, feature in (
        (_BE_PAST, "be:past"),
        (_BE_PRESENT, "be:present"),
        (_MODALS, "modal:"),
        (_CHANGE, "change:"),
    ):
        for word in group:
            add_word(word, feature)
    for word, feature in _CONTRACTED.items():
        add_word(word, feature)
    for word in _HEDGE_WORDS:
        add_word(word, "hedge:" + word)
    for pair in _HEDGE_PAIRS:
        phrases[pair] = (*phrases.get(pair, ()), "hedge:" + _HEDGE_NAMES.get(pair, " ".join(pair)))
    for pair in _HYPOTHETICAL_PAIRS:
        phrases[pair] = (*phrases.get(pair, ()), "hyp:")
    return words, phrases


# Hedges and fillers, and word pairs that make a sentence hypothetical or habitual.
_HEDGE_WORDS = word_set(
    "maybe perhaps probably somewhat basically actually literally honestly hopefully um uh"
)
_HEDGE_PAIRS = frozenset(
    (
        ("i", "think"), ("i", "guess"), ("i", "believe"), ("kind", "of"), ("sort", "of"),
        ("pretty", "much"), ("you", "know"), ("i", "mean"), ("feel", "like"), ("more", "or"),
    )
)
_HEDGE_NAMES = {("feel", "like"): "I feel like", ("more", "or"): "more or less"}
_HYPOTHETICAL_PAIRS = frozenset(
    (
        ("i", "usually"), ("i", "typically"), ("i", "generally"), ("i", "normally"),
        ("i", "tend"), ("we", "usually"), ("we", "typically"), ("we", "tend"), ("if", "i"),
        ("i'm", "going"),
    )
)

YEAR = re.compile(r"(?:19|20)\d\d")
_POSITIONS: dict[tuple[int, int], tuple[str, ...]] = {}


def tokenize(text: str) -> list[str]:
    """Lower-case words, numbers, and "%" and "$" (for any currency) as tokens.
    (``str.translate`` and ``split`` are much faster than a regex here.)"""
    lowered = text.lower()
    for symbol, spaced in _SYMBOLS.items():
        if symbol in lowered:
            lowered = lowered.replace(symbol, spaced)
    if not lowered.isascii():
        # The translation below works on ASCII bytes (str.translate would be ~25x slower
        # on non-ASCII text), so go to ASCII first: the curly apostrophe becomes ', other
        # characters become "?" (a separator below).
        lowered = lowered.replace("’", "'").encode("ascii", "replace").decode("ascii")
    spaced = lowered.encode("ascii").translate(_ASCII_TOKEN_TABLE).decode("ascii")
    tokens = spaced.split()
    # Quotes, not apostrophes ('like this'): a token that starts or ends with one.
    # Contractions (I'm, didn't) keep theirs, and most answers have no quotes at all.
    if "'" in spaced and _quote_edge(spaced):
        tokens = [t.strip("'") if t[0] == "'" or t[-1] == "'" else t for t in tokens]
        tokens = [t for t in tokens if t]
    return tokens


def _quote_edge(text: str) -> bool:
    """Whether some word starts or ends with ' (substring tests beat a regex scan)."""
    if text[:1] == "'" or text[-1:] == "'":
        return True
    return any(pair in text for pair in (" '", "' ", "\n'", "'\n", "\t'", "'\t", "\r'", "'\r"))


SEPARATOR = "\x7f"  # between sentences in ``tokenize_many``: ASCII, yet not whitespace


def tokenize_many(texts: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """``tokenize`` for many sentences at once (one pass over the joined text): all the
    tokens, and each sentence's (start, end) slice of them."""
    joined = f" {SEPARATOR} ".join(texts)
    if joined.count(SEPARATOR) != len(texts) - 1:  # the text itself held the separator
        joined = f" {SEPARATOR} ".join(t.replace(SEPARATOR, " ") for t in texts)
    tokens = tokenize(joined)
    bounds: list[tuple[int, int]] = []
    start = 0
    for _ in range(len(texts) - 1):
        end = tokens.index(SEPARATOR, start)
        bounds.append((start, end))
        start = end + 1
    bounds.append((start, len(tokens)))
    return tokens, bounds


WORD_FEATURES, PHRASE_FEATURES = _tables()


def position_features(index: int, count: int) -> tuple[str, ...]:
    key = (index, count)
    cached = _POSITIONS.get(key)
    if cached is not None:
        return cached
    if count <= 1:
        feats: tuple[str, ...] = ("pos:only",)
    else:
        bucket = f"pos:{min(4, (5 * index) // count)}"
        edge = ("pos:first",) if index == 0 else ("pos:last",) if index == count - 1 else ()
        feats = (bucket, *edge)
    if len(_POSITIONS) < 4096:
        _POSITIONS[key] = feats
    return feats


class Traits(NamedTuple):
    """What the signals need to know about a sentence, found while building features.
    (A named tuple: thousands are made per second, and it is the cheapest to build.)"""

    hypothetical: bool = False
    past: bool = False
    number: bool = False
    hedges: tuple[str, ...] = ()


def derived_features(tokens: list[str], bigrams: list[tuple[str, str]]) -> list[str]:
    """Cue groups, tense and modal markers, hedges: what the words and word pairs of a
    sentence stand for."""
    return list(
        chain.from_iterable(
            chain(
                filter(None, map(WORD_FEATURES.get, tokens)),
                filter(None, map(PHRASE_FEATURES.get, bigrams)),
            )
        )
    )


LENGTH = ("len:0", *["len:1"] * 6, *["len:2"] * 8, *["len:3"] * 11, "len:4")
ED_COUNT = ("ed:0", "ed:1", "ed:2+")
I_COUNT = ("i:0", "i:1", "i:2+")


def sentence_level(
    tokens: list[str], index: int, count: int, text: str, extra: tuple[str, ...]
) -> tuple[list[str], list[str], int, bool]:
    """Features of the sentence as a whole (length, position, subject, tense, numbers),
    the tense markers after "I"/"we", the number of past-tense "-ed" words, and whether
    the sentence holds a digit."""
    n = len(tokens)
    digits = has_digit(text)
    if n == 0:
        return ["bias:", "len:0", *position_features(index, count), *extra], [], 0, digits
    head = 0
    while head < n - 1 and head < 3 and tokens[head] in DISCOURSE:
        head += 1
    past = (" ".join(tokens) + " ").count("ed ")
    if past:
        past -= sum(1 for t in tokens if t in NOT_PAST_ED)
    i_count = tokens.count("i")
    feats = [
        "bias:",
        LENGTH[n if n < 27 else 26],
        *position_features(index, count),
        SUBJECT_FEATURES.get(tokens[head], "subj:other"),
        ED_COUNT[0 if past <= 0 else 1 if past == 1 else 2],
        I_COUNT[i_count if i_count < 2 else 2],
        *extra,
    ]
    tenses: list[str] = []
    if i_count:
        tenses += _verbs_after(tokens, "i", i_count)
    we_count = tokens.count("we")
    if we_count:
        feats.append("we:1+")
        tenses += _verbs_after(tokens, "we", we_count)
    feats += tenses
    if digits:
        feats += number_features(tokens, not _CHANGE.isdisjoint(tokens))
    if text[-1:] == "?":
        feats.append("question:")
    return feats, tenses, past, digits


def sentence_features(
    tokens: list[str], index: int, count: int, text: str, extra: tuple[str, ...] = ()
) -> list[Feature]:
    """Every feature of one sentence, by name (the training script's view; the analyzer
    computes the same scores faster with ``bot.star.scoring``). ``index``/``count``
    place the sentence in the answer; ``extra`` adds paragraph features."""
    bigrams = list(zip(tokens, tokens[1:], strict=False))
    derived = derived_features(tokens, bigrams)
    whole = sentence_level(tokens, index, count, text, extra)[0]
    return [*whole, *tokens, *derived]


def traits(text: str, derived: list[str], tenses: list[str], past: int) -> Traits:
    hedges: tuple[str, ...] = ()
    if "hedge:" in " ".join(derived):
        hedges = tuple(f[6:] for f in derived if f[:6] == "hedge:")
    return Traits(
        "i:modal" in derived
        or "we:modal" in derived
        or "hyp:" in derived
        or "i:modal" in tenses
        or "we:modal" in tenses,
        past > 0 or "be:past" in derived or "i:past" in tenses or "we:past" in tenses,
        has_digit(text),
        hedges,
    )


def paragraph_features(breaks: list[bool]) -> list[tuple[str, ...]]:
    """"para:start" and "para:last" for answers of three or more paragraphs."""
    paragraphs = sum(breaks)
    if paragraphs < 3:
        return [()] * len(breaks)
    out: list[tuple[str, ...]] = []
    paragraph = -1
    for opens in breaks:
        paragraph += opens
        last = paragraph == paragraphs - 1
        out.append(
            ("para:start", "para:last") if opens and last
            else ("para:start",) if opens
            else ("para:last",) if last
            else ()
        )
    return out


def has_digit(text: str) -> bool:
    # Ten substring searches run in C and beat a regex scan (and a generator).
    for digit in "0123456789":  # noqa: SIM110
        if digit in text:
            return True
    return False


def number_features(tokens: list[str], change: bool) -> list[str]:
    return number_features_of([t for t in tokens if t[0].isdigit()], change)


def number_features_of(numbers: list[str], change: bool) -> list[str]:
    """"num:" for a number that is not a year, "year:" for a year, and "change+num:" when
    a change verb ("dropped", "grew") comes with a number. ``numbers`` are the sentence's
    tokens that start with a digit."""
    years = sum(1 for t in numbers if YEAR.fullmatch(t))
    feats = []
    if len(numbers) > years:
        feats.append("num:")
        if change:
            feats.append("change+num:")
    if years:
        feats.append("year:")
    return feats


TENSE_TAGS = {
    **dict.fromkeys(_IRREGULAR_PAST, 0),
    **dict.fromkeys(_MODALS, 1),
    **dict.fromkeys(_PRESENT_HABIT, 2),
}
TENSE_NAMES = {
    "i": ("i:past", "i:modal", "i:present"),
    "we": ("we:past", "we:modal", "we:present"),
}


def _verbs_after(tokens: list[str], person: str, count: int) -> list[str]:
    """Tense of the word after each "I"/"we": "i:past", "we:modal", "i:present"."""
    feats = []
    names = TENSE_NAMES[person]
    index = -1
    last = len(tokens) - 1
    for _ in range(count):
        index = tokens.index(person, index + 1)
        if index == last:
            break
        verb = tokens[index + 1]
        tag = 0 if verb[-2:] == "ed" else TENSE_TAGS.get(verb)
        if tag is not None:
            feats.append(names[tag])
    return feats


def is_word(feature: Feature) -> bool:
    return ":" not in feature
