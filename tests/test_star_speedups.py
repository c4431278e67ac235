"""The analyzer's shortcuts give exactly what the slower, plainer code they replace
gives (they exist for speed only, so any difference is a bug)."""

from __future__ import annotations

import random
import re

import pytest

from bot.star.analyzer import _paragraph_breaks, prepare
from bot.star.features import (
    _ASCII_TOKEN_TABLE,
    _TOKEN_TABLE,
    derived_features,
    sentence_level,
    tokenize,
)
from bot.star.model import SCORE_UNIT, load_model
from bot.star.plain import plain
from bot.star.scoring import FastScorer
from bot.star.split import _ends_sentence, _plain_short_word, split_sentences

NUMBER_TEXTS = [
    "In 2019 the queue grew from 40 to 1,200 tickets. Costs dropped 35% by 2021.",
    "We shipped v2 in 2020. I cut 2 weeks off the plan. It hit 99.9% uptime.",
    "Latency fell to 120 ms in 1999 terms. Revenue rose 3x. The year 2023 was calm.",
    "Our 4 teams met in 2022 and 2023. The p99 went down.",
]


def test_the_bytes_token_table_matches_the_str_table() -> None:
    for code in range(128):
        assert chr(code).translate(_TOKEN_TABLE) == chr(_ASCII_TOKEN_TABLE[code])
    assert tokenize("Costs (cloud+ops) fell 40%; we're done—finally… “ok”") == [
        "costs", "cloud", "ops", "fell", "40", "%", "we're", "done", "finally", "ok",
    ]


@pytest.mark.parametrize("text", NUMBER_TEXTS)
def test_inlined_number_features_match_the_readable_definition(text: str) -> None:
    model = load_model()
    prepared = prepare(text)
    fast = FastScorer(model).score_all(
        prepared.all_tokens, prepared.bounds, prepared.texts, prepared.extras
    )
    count = len(prepared.spans)
    for i, (words, sentence, extra) in enumerate(
        zip(prepared.tokens, prepared.texts, prepared.extras, strict=True)
    ):
        bigrams = list(zip(words, words[1:], strict=False))
        whole = sentence_level(words, i, count, sentence, extra)[0]
        slow = model.scores([*whole, *words, *derived_features(words, bigrams)])
        raw = fast[i][0]
        assert [r - raw[0] for r in raw] == [round((s - slow[0]) / SCORE_UNIT) for s in slow]
        assert fast[i][1].number == any(c.isdigit() for c in sentence)


def test_the_short_word_shortcut_agrees_with_the_full_sentence_end_test() -> None:
    words = ["it", "ok", "done", "Dr", "etc", "no", "Inc", "am", "x", "fix", "U.S", "e.g", "café"]
    rng = random.Random(3)
    checked = 0
    for _ in range(3000):
        before = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))
        text = f"{before}. {rng.choice(['Then', 'We', 'Lee', 'Kafka', 'I'])} went on."
        mark = len(before)
        cut = rng.choice([0, min(2, mark)])
        if _plain_short_word(text, mark, cut):
            checked += 1
            assert _ends_sentence(text, mark, mark + 1, len(text), cut), text
    assert checked > 100


@pytest.mark.parametrize(
    "text",
    [
        "First line. Second line.\n\nNew paragraph.\n\r\nAnother.",
        "A.\nB.\n\n\nC.",
        "Intro.\n```\ncode\n```\nAfter the code.",
        "One.  Two.\tThree.",
    ],
)
def test_paragraph_breaks_match_their_definition(text: str) -> None:
    # The analyzer reads the plain view, where a CRLF is " \n": a blank line may hold spaces.
    text = plain(text)
    spans = split_sentences(text)
    expected = []
    previous_end = 0
    for start, end in spans:
        gap = text[previous_end:start]
        blank_line = re.search(r"\n[ \t]*\n", gap) is not None
        expected.append(not expected or blank_line or "```" in gap)
        previous_end = end
    assert _paragraph_breaks(text, spans) == expected
