"""Signals: measurable properties of an answer, each with a value, a verdict (``ok``)
and a short reason a person can act on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bank.model import Principle
from bot.star import red_flags
from bot.star.features import Traits
from bot.star.relevance import relevance_signal, stakes_signal
from bot.star.report import PART_NAMES, PARTS, Sentence, Signal

WORDS_PER_MINUTE = 150
TARGET_SECONDS = (90, 180)  # 1.5 to 3 minutes spoken
TARGET_WORDS = (
    TARGET_SECONDS[0] * WORDS_PER_MINUTE // 60,
    TARGET_SECONDS[1] * WORDS_PER_MINUTE // 60,
)

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty "
    "forty fifty sixty hundred hundreds thousand thousands dozen dozens half few several".split()
)
_UNIT_WORDS = frozenset(
    "ms millisecond milliseconds second seconds sec secs minute minutes min mins hour hours "
    "hr hrs day days week weeks month months year years quarter quarters sprint sprints "
    "user users customer customers client clients account accounts people engineers team "
    "teams ticket tickets bug bugs incident incidents outage outages page pages order "
    "orders request requests call calls complaint complaints deal deals seller sellers "
    "store stores site sites server servers host hosts service services release releases "
    "deploy deploys deployments point points star stars review reviews signups downloads "
    "sessions".split()
)
_OUTCOME_WORDS = frozenset(
    "doubled tripled quadrupled halved tenfold twofold threefold zero twice".split()
)
_SCALE_WORDS = frozenset(
    "% x × k m bn b million billion thousand percent dollars euros pounds gb tb mb pb "
    "fewer more less faster slower higher lower times".split()
)
# A number and the word after it. Starting with a digit lets the regex engine skip
# ahead fast; the currency sign before it and the unit word are checked in Python.
_METRIC = re.compile(r"\d[\d,.]*(?: ?([a-zA-Z]+|%|×))?")
_CURRENCY = "$€£¥"
_NUMBER = re.compile(r"\d[\d,.]*")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

# Features (see ``features``) that mark a sentence as hypothetical or as past tense.
HEDGES_PER_100_WORDS = 2.0
OWN_SHARE_LOW = 0.2  # below this share of "I" among "I" and "we", the role is unclear
# Words a part needs before an interviewer takes it as that part: a four-word Action
# ("I fixed it.") is not one.
SUBSTANCE_WORDS: dict[str, int] = {
    "situation": 15, "task": 8, "action": 40, "result": 12, "learning": 8,
}
_METRIC_HINTS = _OUTCOME_WORDS | _NUMBER_WORDS
_DIGIT = re.compile(r"\d")



def count_words(text: str) -> int:
    """Words as a listener hears them: whitespace-separated chunks."""
    return len(text.split())


def _metric_words(tokens: Sequence[str]) -> list[str]:
    """"two weeks", "doubled", "zero": measures written in words."""
    outcomes = _OUTCOME_WORDS.intersection(tokens)
    found = sorted(outcomes, key=tokens.index) if outcomes else []
    if not _NUMBER_WORDS.isdisjoint(tokens) and not _UNIT_WORDS.isdisjoint(tokens):
        found += [
            f"{a} {b}"
            for a, b in zip(tokens, tokens[1:], strict=False)
            if a in _NUMBER_WORDS and b in _UNIT_WORDS
        ]
    return found


def _metric_numbers(text: str) -> list[str]:
    """Money ($4.2M), percentages (40%), multiples (3x), counts and durations with a
    unit (12 engineers, 3 weeks)."""
    found = []
    for match in _METRIC.finditer(text):
        start, unit = match.start(), match.group(1)
        before = text[max(0, start - 2) : start].strip()
        known = unit is not None and (unit.lower() in _SCALE_WORDS or unit.lower() in _UNIT_WORDS)
        if before and before[-1] in _CURRENCY:
            amount = match.group() if known or unit is None else text[start : match.start(1)]
            found.append(before[-1] + amount.strip().rstrip(".,"))
        elif known:
            found.append(match.group().rstrip(".,"))
    return found


def measurable(text: str, tokens: Sequence[str] | None = None, *, loose: bool = True) -> list[str]:
    """Measurable expressions: money, percentages, multiples, durations, counts. With
    ``loose``, any number but a year counts when nothing more specific is found."""
    digits = _DIGIT.search(text) is not None
    found = _metric_numbers(text) if digits else []
    if not found and loose and digits:
        found = [n.rstrip(".,") for n in _NUMBER.findall(text) if not _YEAR.match(n.rstrip(".,"))]
    if not found:
        if tokens is None:
            tokens = _TOKEN.findall(text.lower())
        if not _METRIC_HINTS.isdisjoint(tokens):  # "two weeks", "doubled"
            found = _metric_words(tokens)
    return found


def _seconds(words: int) -> int:
    return round(words * 60 / WORDS_PER_MINUTE)


def _minutes(seconds: int) -> str:
    return f"{seconds} s" if seconds < 60 else f"{seconds / 60:.1f} min"


def length_signals(words: int) -> dict[str, Signal]:
    seconds = _seconds(words)
    low, high = TARGET_WORDS
    ok = low <= words <= high
    if words < low:
        reason = f"about {_minutes(seconds)} spoken; aim for 1.5–3 minutes ({low}–{high} words)"
    elif words > high:
        reason = f"about {_minutes(seconds)} spoken; over the 3-minute mark, trim the set-up"
    else:
        reason = f"about {_minutes(seconds)} spoken: inside the 1.5–3 minute target"
    return {
        "word_count": Signal(words, ok, f"{words} words"),
        "speaking_time": Signal(seconds, ok, reason),
    }


def balance_signal(part_words: dict[str, int]) -> Signal:
    total = sum(part_words[p] for p in PARTS if p != "learning")
    if total == 0:
        return Signal({p: 0.0 for p in PARTS}, False, "no STAR parts found to weigh")
    shares = {p: round(part_words[p] / total, 2) for p in PARTS}
    setup = shares["situation"] + shares["task"]
    action = shares["action"]
    biggest = max(("situation", "task", "result"), key=lambda p: shares[p])
    if action == 0:
        return Signal(shares, False, "no Action: the part interviewers weigh most")
    if setup > 0.5:
        return Signal(
            shares,
            False,
            f"set-up is {setup:.0%} of the story and Action {action:.0%}; keep set-up short",
        )
    if action < shares[biggest]:
        return Signal(
            shares,
            False,
            f"{PART_NAMES[biggest]} ({shares[biggest]:.0%}) outweighs Action ({action:.0%})",
        )
    return Signal(shares, True, f"Action carries the most weight ({action:.0%})")


def ownership_signal(i_count: int, we_count: int) -> Signal:
    """``i_count``/``we_count``: how often I, me, my... and we, us, our... tell the story
    (the lesson and asides left out). ``value`` also holds the share of "I"."""
    total = i_count + we_count
    share = i_count / total if total else 0.0
    value = {"i": i_count, "we": we_count, "share": round(share, 2)}
    if i_count == 0 and we_count >= 2:
        return Signal(value, False, f"“we” {we_count}× and “I” never: you never say what you did")
    if we_count >= 4 and share < OWN_SHARE_LOW:
        reason = f"“we” {we_count}× and “I” {i_count}×: your own role is unclear"
        return Signal(value, False, reason)
    if total == 0:
        return Signal(value, False, "no “I” or “we”: say who did what")
    if we_count > i_count:
        return Signal(value, True, f"“I” {i_count}×, “we” {we_count}×: teamwork with a clear role")
    return Signal(value, True, f"“I” {i_count}×, “we” {we_count}×: your role is clear")


_I_WORDS = frozenset("i me my mine myself i'm i’m i've i’ve i'd i’d i'll i’ll".split())
_WE_WORDS = frozenset(
    "we us our ours ourselves we're we’re we've we’ve we'd we’d we'll we’ll".split()
)


def story_voices(
    sentences: Sequence[Sentence], token_lists: Sequence[Sequence[str]]
) -> tuple[int, int]:
    """"I" and "we" words in the sentences that tell the story (not the lesson, which
    is "I learned" in any story, nor asides)."""
    i_count = we_count = 0
    for sentence, tokens in zip(sentences, token_lists, strict=True):
        if sentence.label in ("learning", "other"):
            continue
        for token in tokens:
            if token in _I_WORDS:
                i_count += 1
            elif token in _WE_WORDS:
                we_count += 1
    return i_count, we_count


def substance_signal(
    sentences: Sequence[Sentence], word_counts: Sequence[int], skipped: set[int]
) -> Signal:
    """Words each part really carries: repeated copies and red-flag sentences (blame,
    "learned nothing") left out. ``value``: words per part; ``ok`` when every part
    present reaches its ``SUBSTANCE_WORDS``."""
    words = dict.fromkeys(PARTS, 0)
    for index, (sentence, count) in enumerate(zip(sentences, word_counts, strict=True)):
        if sentence.label in words and index not in skipped:
            words[sentence.label] += count
    thin = [p for p in PARTS if 0 < words[p] < SUBSTANCE_WORDS[p] // 2]
    if thin:
        names = ", ".join(PART_NAMES[p] for p in thin)
        return Signal(words, False, f"thin parts: {names} say very little")
    return Signal(words, True, "each part carries content")


def metrics_signal(
    sentences: Sequence[Sentence], token_lists: Sequence[Sequence[str]], traits: Sequence[Traits]
) -> Signal:
    in_result = [
        m
        for i, s in enumerate(sentences)
        if s.label == "result"
        for m in _measures(s, token_lists[i], traits[i])
    ]
    if in_result:
        unique = tuple(dict.fromkeys(in_result))
        return Signal(unique, True, f"measurable result: {', '.join(unique[:4])}")
    elsewhere = [
        m
        for i, s in enumerate(sentences)
        if s.label != "result" and traits[i].number
        for m in _measures(s, token_lists[i], traits[i], loose=False)
    ]
    if elsewhere:
        unique = tuple(dict.fromkeys(elsewhere))
        return Signal(unique, False, "numbers appear, but not in the result")
    return Signal((), False, "no number in the result (%, money, time, customers)")


def _measures(
    sentence: Sentence, tokens: Sequence[str], trait: Traits, *, loose: bool = True
) -> list[str]:
    if not trait.number and _METRIC_HINTS.isdisjoint(tokens):
        return []
    return measurable(sentence.text, tokens, loose=loose)


def hypothetical_signal(sentences: Sequence[Sentence], traits: Sequence[Traits]) -> Signal:
    story = [
        t for s, t in zip(sentences, traits, strict=True) if s.label not in ("learning", "other")
    ]
    hypothetical = sum(1 for t in story if t.hypothetical)
    past = sum(1 for t in story if t.past)
    if hypothetical and (past == 0 or hypothetical > past):
        return Signal(hypothetical, False, "reads as what you would do, not what you did")
    if past == 0 and story:
        return Signal(hypothetical, False, "no past-tense story found: use a real example")
    return Signal(hypothetical, True, "a real past example" if story else "no story found")


def hedging_signal(traits: Sequence[Traits], words: int) -> Signal:
    found = [hedge for t in traits for hedge in t.hedges]
    rate = 100 * len(found) / words if words else 0.0
    unique = tuple(dict.fromkeys(found))
    if len(found) >= 3 and rate > HEDGES_PER_100_WORDS:
        return Signal(unique, False, f"{len(found)} hedges or fillers ({', '.join(unique[:3])})")
    if found:
        return Signal(unique, True, f"a little hedging ({', '.join(unique[:3])})")
    return Signal(unique, True, "confident, no hedging")


def compute_signals(
    sentences: Sequence[Sentence],
    token_lists: Sequence[Sequence[str]],
    traits: Sequence[Traits],
    voices: tuple[int, int],
    part_words: dict[str, int],
    principle: Principle | None,
) -> dict[str, Signal]:
    """Every signal and red flag. ``voices`` (I/we counts over the whole answer) is
    kept for callers; ownership counts only the sentences that tell the story."""
    del voices
    words = sum(part_words.values())
    signals = length_signals(words)
    signals["balance"] = balance_signal(part_words)
    signals["ownership"] = ownership_signal(*story_voices(sentences, token_lists))
    signals["metrics"] = metrics_signal(sentences, token_lists, traits)
    signals["hedging"] = hedging_signal(traits, words)
    signals["relevance"] = relevance_signal(token_lists, principle)
    signals["stakes"] = stakes_signal(token_lists)
    blaming = red_flags.blaming(sentences)
    empty_lessons = [i for i, s in enumerate(sentences) if red_flags.learned_nothing(s)]
    repeats = red_flags.repeats(sentences)
    signals["duplicated"] = red_flags.duplicated_signal(sentences, repeats)
    signals["blame"] = red_flags.blame_signal(sentences, blaming)
    signals["no_lesson"] = red_flags.no_lesson_signal(sentences, empty_lessons)
    signals["implausible"] = red_flags.implausible_signal(sentences)
    signals["unfinished"] = red_flags.unfinished_signal(sentences)
    flagged = set(blaming) | set(empty_lessons)
    # A blame ending told in the past does not make a story of "I would..." real.
    signals["hypothetical"] = hypothetical_signal(
        [s for i, s in enumerate(sentences) if i not in flagged],
        [t for i, t in enumerate(traits) if i not in flagged],
    )
    skipped = flagged | repeats[0]
    counts = [count_words(s.text) for s in sentences]
    signals["substance"] = substance_signal(sentences, counts, skipped)
    has_lesson = signals["substance"].value["learning"] > 0
    signals["failure"] = red_flags.failure_signal(sentences, has_lesson)
    return signals
