"""The sentence model: packed weights, the fast scorer matching the readable feature
definition exactly, decoding with the person's labels, and reproducible training."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.star.analyzer import prepare
from bot.star.classify import classify, decode
from bot.star.features import derived_features, sentence_level, tokenize, traits
from bot.star.model import (
    MAX_WEIGHT,
    SCORE_UNIT,
    Model,
    load_model,
    pack,
    pack_counters,
    unpack,
)
from bot.star.report import LABELS
from bot.star.scoring import FastScorer

TEXTS = [
    "Great question! Last year I led a team of 5 at a U.S. retailer. I'd say we were slow.",
    "My goal was to cut returns by 20% before Q4, e.g. by fixing sizes. I think I kind of did.",
    "- I built a size guide\n- we tested it with 3 stores\n\nReturns fell 18% and revenue grew.",
    "I would probably ask my manager first. If I were them I'd escalate. You know, maybe not?",
    "S: A 2019 outage.\nT: Own it.\nA: I wrote the fix.\nR: Zero repeats.\nL: I now test first.",
    "",
]


def test_pack_and_unpack_round_trip() -> None:
    a, b = pack([1.5, -2.25, 0, 3, -0.001, 10]), pack([-1, 1, 1, 1, 1, 1])
    scores, counters = unpack(a + b + pack_counters([0, 2, 1]))
    assert scores == [0.5, -1.25, 1.0, 4.0, 0.999, 11.0]
    assert counters[:3] == (2, 2, 1)  # two features summed; then the counters given
    assert unpack(0)[0] == [0.0] * len(LABELS)


def test_weights_too_large_to_pack_are_refused() -> None:
    with pytest.raises(ValueError):
        pack([MAX_WEIGHT + 1, 0, 0, 0, 0, 0])


def test_the_packaged_model_loads() -> None:
    model = load_model()
    assert model.weights and len(model.start) == len(LABELS)
    assert all(len(row) == len(LABELS) for row in model.transitions)
    assert Model.from_json(model.to_json()).to_json() == model.to_json()


def same_scores(raw: Sequence[int], scores: Sequence[float]) -> bool:
    """The fast scorer's raw fixed-point sums carry one constant per sentence; the label
    differences must be exactly those of the slow path."""
    return [r - raw[0] for r in raw] == [round((s - scores[0]) / SCORE_UNIT) for s in scores]


def slow(words: list[str], index: int, count: int, text: str, extra: tuple[str, ...]):
    model = load_model()
    bigrams = list(zip(words, words[1:], strict=False))
    derived = derived_features(words, bigrams)
    whole, tenses, past, _ = sentence_level(words, index, count, text, extra)
    scores = model.scores([*whole, *words, *derived])
    return scores, traits(text, derived, tenses, past)


@pytest.mark.parametrize("text", TEXTS)
def test_fast_scores_equal_the_readable_definition(text: str) -> None:
    prepared = prepare(text)
    fast = FastScorer(load_model()).score_all(
        prepared.all_tokens, prepared.bounds, prepared.texts, prepared.extras
    )
    count = len(prepared.spans)
    for i, (words, sentence, extra) in enumerate(
        zip(prepared.tokens, prepared.texts, prepared.extras, strict=True)
    ):
        scores, sentence_traits = slow(words, i, count, sentence, extra)
        assert same_scores(fast[i][0], scores)
        assert fast[i][1] == sentence_traits
        assert prepared.features[i]  # the training view exists for every sentence


def test_fast_scores_equal_on_the_train_corpus() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    from corpus import files, load

    if not files("train"):
        pytest.skip("no train files")
    scorer = FastScorer(load_model())
    for answer in load("train")[:40]:
        prepared = prepare(answer.text)
        fast = scorer.score_all(
            prepared.all_tokens, prepared.bounds, prepared.texts, prepared.extras
        )
        count = len(prepared.spans)
        for i, (words, sentence, extra) in enumerate(
            zip(prepared.tokens, prepared.texts, prepared.extras, strict=True)
        ):
            assert same_scores(fast[i][0], slow(words, i, count, sentence, extra)[0])


def test_tokenize() -> None:
    assert tokenize("We saved €40k — it’s “great” (40%)!") == [
        "we", "saved", "$", "40k", "it's", "great", "40", "%",
    ]
    assert tokenize("'quoted' words") == ["quoted", "words"]


def test_decode_keeps_the_persons_labels() -> None:
    model = load_model()
    scores = [[0.0, 0.0, 5.0, 0.0, 0.0, 0.0]] * 3  # every sentence looks like Action
    allowed = [frozenset({"situation"}), None, frozenset({"result"})]
    fixed = [True, False, True]
    labels = [label for label, _ in decode(scores, allowed, None, fixed, model)]
    assert labels == ["situation", "action", "result"]


def test_a_part_resting_on_one_sentence_needs_more_confidence() -> None:
    from bot.star.classify import _weak_labels

    result = LABELS.index("result")
    mins = [0.0, 0.0, 0.0, 0.6, 0.0, 0.0]
    lone = [0.0, 0.0, 0.0, 0.7, 0.0, 0.0]
    one = [2, 2, result]
    two = [2, result, result]
    assert result in _weak_labels(one, [0.9, 0.9, 0.65], None, mins, lone)
    assert result not in _weak_labels(two, [0.9, 0.5, 0.65], None, mins, lone)
    assert result not in _weak_labels(one, [0.9, 0.9, 0.75], None, mins, lone)
    assert result not in _weak_labels(one, [0.9, 0.9, 0.1], [False, False, True], mins, lone)


def test_classify_by_feature_names_matches_decode() -> None:
    prepared = prepare(TEXTS[0])
    by_names = classify(prepared.features, prepared.allowed, prepared.breaks)
    model = load_model()
    scores = [model.scores(f) for f in prepared.features]
    assert by_names == decode(scores, prepared.allowed, prepared.breaks, None, model)


def test_training_is_reproducible() -> None:
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(root / "bench"))
    from corpus import Answer, GoldSentence
    from train_star_model import Settings, train

    text = "We had an outage. I owned the fix. I rewrote the job. Errors fell 90%."
    labels = ["situation", "task", "action", "result"]
    sentences = []
    position = 0
    for piece, label in zip(text.split(". "), labels, strict=True):
        piece = piece if piece.endswith(".") else piece + "."
        start = text.index(piece, position)
        sentences.append(GoldSentence(start, start + len(piece), piece, label))
        position = start + len(piece)
    answer = Answer("t-1", None, None, "free", ("complete",), text, tuple(sentences))
    settings = Settings(epochs=3, min_count=1)
    first = train([answer, answer], settings).to_json()
    assert train([answer, answer], settings).to_json() == first


def plain_viterbi(emissions: list[list[float]], breaks: list[bool], model: Model) -> list[int]:
    """The textbook algorithm, without pruning or unrolling."""
    start, within, across, end, _ = model.in_units(1.0)
    states = range(len(LABELS))
    best = [start[j] + emissions[0][j] for j in states]
    back = []
    for t in range(1, len(emissions)):
        trans = across if breaks[t] else within
        pointers, scores = [], []
        for j in states:
            came = max(states, key=lambda i, j=j: best[i] + trans[i][j])
            pointers.append(came)
            scores.append(best[came] + trans[came][j] + emissions[t][j])
        back.append(pointers)
        best = scores
    path = [max(states, key=lambda j: best[j] + end[j])]
    for pointers in reversed(back):
        path.append(pointers[path[-1]])
    return path[::-1]


def test_pruned_viterbi_finds_the_same_path() -> None:
    import random

    from bot.star.classify import viterbi

    model = load_model()
    rng = random.Random(11)
    for _ in range(500):
        n = rng.randint(1, 12)
        spread = rng.choice([1.0, 4.0, 10.0])
        emissions = [[rng.gauss(0, spread) for _ in LABELS] for _ in range(n)]
        breaks = [rng.random() < 0.3 for _ in range(n)]
        assert viterbi(emissions, model, breaks) == plain_viterbi(emissions, breaks, model)
