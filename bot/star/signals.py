"""Signals: measurable properties of an answer, each with a value, a verdict (``ok``)
and a short reason a person can act on."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bank.model import Principle
from bot.star.report import PART_NAMES, PARTS, Sentence, Signal

WORDS_PER_MINUTE = 150
TARGET_SECONDS = (90, 180)  # 1.5 to 3 minutes spoken
TARGET_WORDS = (
    TARGET_SECONDS[0] * WORDS_PER_MINUTE // 60,
    TARGET_SECONDS[1] * WORDS_PER_MINUTE // 60,
)

_WORD = re.compile(r"[^\W_]+(?:['’.\-][^\W_]+)*")
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")

_I_WORDS = frozenset("i i'm i've i'd i'll me my myself mine".split())
_WE_WORDS = frozenset("we we're we've we'd we'll us our ours ourselves".split())

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    "forty|fifty|sixty|hundred|hundreds|thousand|thousands|dozen|dozens|half|a few|several"
)
_UNITS = (
    r"ms|milliseconds?|seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|"
    r"quarters?|sprints?|users?|customers?|clients?|accounts?|people|engineers?|teams?|"
    r"tickets?|bugs?|incidents?|outages?|pages?|orders?|requests?|calls?|complaints?|"
    r"deals?|sellers?|stores?|sites?|servers?|hosts?|services?|releases?|deploys?|"
    r"deployments?|points?|stars?|reviews?|sign-?ups?|downloads?|sessions?|k|m|gb|tb|mb|pb"
)
_METRIC = re.compile(
    r"[$€£¥][ ]?\d[\d,.]*(?:[ ]?(?:k|m|bn|b|million|billion|thousand)\b)?"
    r"|\d[\d,.]*[ ]?(?:%|percent\b|per[ ]cent\b|x\b|×|(?:k|m|bn)?[ ]?(?:dollars|euros|pounds)\b)"
    r"|\b\d[\d,.]*[ ]?(?:" + _UNITS + r")\b"
    r"|\b(?:" + _NUMBER_WORDS + r")[ -](?:" + _UNITS + r")\b"
    r"|\b(?:doubled|tripled|quadrupled|halved|tenfold|twofold|threefold|zero|twice|"
    r"cut in half|by half|nps|p99|p95|sla|roi|revenue|percentage)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"^(?:19|20)\d\d$")

_HYPOTHETICAL = re.compile(
    r"\b(?:i|we)(?:'d|’d| would| will|'ll|’ll| am going to|'m going to|’m going to| might| "
    r"could| should| usually| always| typically| tend to| generally| normally)\b"
    r"|\bif i (?:were|was|had|ever)\b|\bi would\b|\bmy approach would\b",
    re.IGNORECASE,
)
_PAST = re.compile(
    r"\b(?:i|we|they|he|she|it|that|this|team)[ ](?:\w+[ ]){0,2}?(?:\w+ed|was|were|had|did|"
    r"built|wrote|ran|led|made|took|got|found|went|saw|set|met|spoke|told|sent|gave|"
    r"brought|began|chose|drove|felt|kept|left|lost|paid|put|rose|sold|spent|stood|"
    r"taught|thought|understood|won|caught|fell|grew|knew|became|came|broke|cut|"
    r"shut|split|held|heard|bought|fought|sought|meant|dealt|rebuilt|rewrote|shipped)\b",
    re.IGNORECASE,
)

_HEDGES: dict[str, re.Pattern[str]] = {
    phrase: re.compile(r"\b" + phrase.replace(" ", r"\s+") + r"\b", re.IGNORECASE)
    for phrase in (
        "i think",
        "i guess",
        "i believe",
        "i feel like",
        "maybe",
        "perhaps",
        "kind of",
        "sort of",
        "probably",
        "somewhat",
        "basically",
        "actually",
        "literally",
        "honestly",
        "pretty much",
        "more or less",
        "hopefully",
        "you know",
        "i mean",
        "um",
        "uh",
        "like, ",
    )
}
_HEDGE_ANY = re.compile(
    r"\b(?:" + "|".join(p.pattern[2:-2] for p in _HEDGES.values()) + r")\b", re.IGNORECASE
)
HEDGES_PER_100_WORDS = 2.0

_STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def stem(word: str) -> str:
    """A crude stem, enough to match "customers"/"customer", "owning"/"own"."""
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def measurable(text: str) -> list[str]:
    """Measurable expressions: money, percentages, multiples, durations, counts."""
    found = [m.group().strip() for m in _METRIC.finditer(text)]
    if not found:
        found = [n for n in _NUMBER.findall(text) if not _YEAR.match(n)]
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


def ownership_signal(token_lists: Sequence[Sequence[str]]) -> Signal:
    i_count = sum(1 for tokens in token_lists for t in tokens if t in _I_WORDS)
    we_count = sum(1 for tokens in token_lists for t in tokens if t in _WE_WORDS)
    value = {"i": i_count, "we": we_count}
    if we_count >= 4 and i_count * 2 < we_count:
        return Signal(value, False, f"“we” {we_count}× and “I” {i_count}×: your own role is unclear")
    if i_count == 0 and we_count == 0:
        return Signal(value, False, "no “I” or “we”: say who did what")
    if we_count > i_count:
        return Signal(value, True, f"“I” {i_count}×, “we” {we_count}×: teamwork with a clear role")
    return Signal(value, True, f"“I” {i_count}×, “we” {we_count}×: your role is clear")


def metrics_signal(sentences: Sequence[Sentence]) -> Signal:
    in_result = [m for s in sentences if s.label == "result" for m in measurable(s.text)]
    if in_result:
        shown = ", ".join(dict.fromkeys(in_result[:4]))
        return Signal(tuple(dict.fromkeys(in_result)), True, f"measurable result: {shown}")
    elsewhere = [
        m.group().strip() for s in sentences if s.label != "result" for m in _METRIC.finditer(s.text)
    ]
    if elsewhere:
        return Signal(
            tuple(dict.fromkeys(elsewhere)), False, "numbers appear, but not in the result"
        )
    return Signal((), False, "no number in the result (%, money, time, customers)")


def hypothetical_signal(sentences: Sequence[Sentence]) -> Signal:
    story = [s for s in sentences if s.label not in ("learning", "other")]
    hypothetical = [s for s in story if _HYPOTHETICAL.search(s.text)]
    past = sum(1 for s in story if _PAST.search(s.text))
    value = len(hypothetical)
    if hypothetical and (past == 0 or len(hypothetical) > past):
        return Signal(value, False, "reads as what you would do, not what you did")
    if past == 0 and story:
        return Signal(value, False, "no past-tense story found: use a real example")
    return Signal(value, True, "a real past example" if story else "no story found")


def hedging_signal(text: str, words: int) -> Signal:
    found = [m.group().strip(" ,").lower() for m in _HEDGE_ANY.finditer(text)]
    rate = 100 * len(found) / words if words else 0.0
    unique = tuple(dict.fromkeys(found))
    if len(found) >= 3 and rate > HEDGES_PER_100_WORDS:
        return Signal(unique, False, f"{len(found)} hedges or fillers ({', '.join(unique[:3])})")
    if found:
        return Signal(unique, True, f"a little hedging ({', '.join(unique[:3])})")
    return Signal(unique, True, "confident, no hedging")


def relevance_signal(token_lists: Sequence[Sequence[str]], principle: Principle | None) -> Signal:
    if principle is None or not principle.signals:
        return Signal((), True, "no principle given")
    stems = " " + " ".join(stem(t) for tokens in token_lists for t in tokens) + " "
    matched = tuple(
        phrase
        for phrase in principle.signals
        if " " + " ".join(stem(w) for w in _TOKEN.findall(phrase.lower())) + " " in stems
    )
    if matched:
        return Signal(matched, True, f"shows {principle.name}: {', '.join(matched[:3])}")
    return Signal(matched, False, f"little that shows {principle.name} yet")


def compute_signals(
    sentences: Sequence[Sentence],
    token_lists: Sequence[Sequence[str]],
    part_words: dict[str, int],
    principle: Principle | None,
) -> dict[str, Signal]:
    words = sum(part_words.values())
    signals = length_signals(words)
    signals["balance"] = balance_signal(part_words)
    signals["ownership"] = ownership_signal(token_lists)
    signals["metrics"] = metrics_signal(sentences)
    signals["hypothetical"] = hypothetical_signal(sentences)
    signals["hedging"] = hedging_signal(" ".join(s.text for s in sentences), words)
    signals["relevance"] = relevance_signal(token_lists, principle)
    return signals
