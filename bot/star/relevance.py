"""Does the story matter for an interview? ``stakes``: something is at stake for a team,
customers, a school or a community (an everyday errand has none). ``relevance``: the
story shows the asked principle, through the words an interviewer listens for."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from itertools import chain

from bank.model import Principle
from bot.star.lexicon import word_set
from bot.star.report import Signal

# Words that put a story at work, school or in a community, or name what is at stake
# there (matched by ``_key``, so "releases" finds "release"). Written from general
# knowledge of work stories.
_STAKE_WORDS = word_set(
    """
    team teammate colleague coworker manager boss lead leader director vp ceo cto founder
    company business client customer user stakeholder vendor supplier partner contractor
    project product launch release deadline sprint roadmap budget revenue cost profit sale
    service system app application software code server database pipeline platform website
    dashboard report data model feature bug outage incident process department office
    organization organisation org school university college class course professor teacher
    student club volunteer charity nonprofit event committee internship intern job role
    shift restaurant hospital patient nurse clinic warehouse factory plant shipment contract
    deal account meeting presentation proposal research lab thesis analysis campaign
    marketing engineer engineering developer designer analyst hire hiring interview
    candidate employee staff shareholder quarter kpi metric target strategy policy
    compliance audit legal security risk problem issue conflict escalation complaint churn
    delay failure migration audience community member group society tenant landlord
    council board investor grant fund donor branch site region market competitor price
    pricing inventory supply logistics delivery fleet owner cafe café hotel salon gym
    library museum theatre theater coach league tournament guest spreadsheet schedule
    """
)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "ly", "s")


def stem(word: str) -> str:
    """A crude stem, enough to match "customers"/"customer", "owning"/"own"."""
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=1 << 15)
def _key(word: str) -> str:
    return stem(word).rstrip("e")


_STAKES = frozenset(map(_key, _STAKE_WORDS))


def stakes_signal(token_lists: Sequence[Sequence[str]]) -> Signal:
    """``value``: the distinct stake words found, in order."""
    found = tuple(
        dict.fromkeys(t for t in chain.from_iterable(token_lists) if _key(t) in _STAKES)
    )
    if found:
        return Signal(found, True, "something is at stake: " + ", ".join(found[:3]))
    return Signal(found, False, "nothing at stake for a team, customers or others")


def relevance_signal(token_lists: Sequence[Sequence[str]], principle: Principle | None) -> Signal:
    if principle is None or not principle.signals:
        return Signal((), True, "no principle given")
    stem_of = {t: stem(t) for t in set(chain.from_iterable(token_lists))}
    single = set(stem_of.values())
    joined = " " + " ".join(map(stem_of.__getitem__, chain.from_iterable(token_lists))) + " "
    matched = []
    for phrase in principle.signals:
        stems = [stem(w) for w in _TOKEN.findall(phrase.lower())]
        if not stems:
            continue
        found = stems[0] in single if len(stems) == 1 else f" {' '.join(stems)} " in joined
        if found:
            matched.append(phrase)
    if matched:
        return Signal(tuple(matched), True, f"shows {principle.name}: {', '.join(matched[:3])}")
    return Signal((), False, f"little that shows {principle.name} yet")
