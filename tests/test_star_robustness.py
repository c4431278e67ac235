"""Whatever people paste, the coach answers: mangled versions of the train answers
(cut anywhere, lower-cased, without full stops or line breaks, with stray labels,
fences and emoji) never raise, every sentence span indexes the input, and the reply
fits its limit."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from bot.star import analyze
from bot.star.render import DEFAULT_LIMIT, render_feedback

CORPUS = Path(__file__).parent / "data" / "star_corpus"
STRAYS = (
    "S:", "R)", "**", "## ", "\n", "\n\n", "```", "~~~", "- ", "1. ", "🎯", "Result:",
    "L:", "a:", "...", "?", "!", "(", ")", "\u200d", "\r\n", "\t", "e.g.", "U.S.", "#",
    ">", "|", "—", "=", "s:", "-S-", "**S**ituation", "So, action.", "Result?",
)


def _train_texts() -> list[str]:
    texts = []
    for path in sorted(CORPUS.glob("train_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                texts.append(json.loads(line)["text"])
    return texts


def _mangle(text: str, rng: random.Random, texts: list[str]) -> str:
    for _ in range(rng.randint(1, 6)):
        step = rng.randrange(8)
        at = rng.randrange(len(text) + 1)
        if step == 0:
            text = text[:at]
        elif step == 1:
            text = text.lower()
        elif step == 2:
            text = text.replace(".", "")
        elif step == 3:
            text = text[:at] + rng.choice(STRAYS) + text[at:]
        elif step == 4:
            text = text.replace("\n", " ")
        elif step == 5:
            text = "".join(rng.choice(STRAYS) for _ in range(rng.randrange(1, 12)))
        elif step == 6:
            text = text[:at] + rng.choice(texts)[: rng.randrange(400)] + text[at:]
        else:
            text = text.upper()
    return text


@pytest.mark.parametrize("seed", range(4))
def test_mangled_answers_are_always_analyzed(seed: int) -> None:
    rng = random.Random(seed)
    texts = _train_texts()
    assert len(texts) >= 150
    for _ in range(100):
        text = _mangle(rng.choice(texts), rng, texts)
        report = analyze(text)
        for sentence in report.sentences:
            assert 0 <= sentence.start < sentence.end <= len(text)
            assert text[sentence.start : sentence.end] == sentence.text
        assert len(render_feedback(report).as_text()) <= DEFAULT_LIMIT
