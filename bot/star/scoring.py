"""Fast sentence scoring: the same scores as summing ``Model`` weights over
``features.sentence_features``, with far less Python work per word.

When a model loads, every known word is mapped to one integer that packs the summed
weights of all the features the word brings (the word itself, its cue groups, tense
and hedge markers) plus counters for the traits the signals need; word pairs get the
same for their cue features. Scoring a sentence is then one ``sum`` over its words
and pairs plus a few sentence-level features. The packing is exact integer
arithmetic, so the scores are bit-for-bit those of the slow path (a unit test holds
the two together).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from bot.star import features as F
from bot.star.lexicon import word_set
from bot.star.model import Model, pack_counters, unpack

# Counter fields (0 counts the features summed; see bot.star.model).
HEDGE, HYPOTHETICAL, BE_PAST, CHANGE, I_WORDS, WE_WORDS = range(1, 7)
I_WORD_SET = word_set("i i'm i've i'd i'll me my myself mine")
WE_WORD_SET = word_set("we we're we've we'd we'll us our ours ourselves")
_COUNTERS = 8


def _counters(derived: Sequence[str]) -> list[int]:
    counts = [0] * _COUNTERS
    counts[HEDGE] = sum(1 for name in derived if name.startswith("hedge:"))
    counts[HYPOTHETICAL] = sum(1 for name in derived if name in ("i:modal", "we:modal", "hyp:"))
    counts[BE_PAST] = sum(1 for name in derived if name == "be:past")
    counts[CHANGE] = sum(1 for name in derived if name == "change:")
    return counts


class FastScorer:
    """Scores and traits of sentences under one model."""

    def __init__(self, model: Model) -> None:
        self.model = model
        packed = model.packed

        def weights_of(names: Sequence[Hashable]) -> int:
            return sum(packed[name] for name in names if name in packed)

        self.words: dict[str, int] = {}
        vocabulary = {w for w in packed if F.is_word(w)}  # type: ignore[arg-type]
        for word in sorted(vocabulary | set(F.WORD_FEATURES) | I_WORD_SET | WE_WORD_SET):
            derived = F.WORD_FEATURES.get(word, ())
            counters = _counters(derived)
            counters[I_WORDS] = word in I_WORD_SET
            counters[WE_WORDS] = word in WE_WORD_SET
            self.words[word] = weights_of([word, *derived]) + pack_counters(counters)
        self.pairs: dict[tuple[str, ...], int] = {}
        for pair, derived in F.PHRASE_FEATURES.items():
            if len(pair) == 2:
                self.pairs[pair] = weights_of(derived) + pack_counters(_counters(derived))
        self.triples: dict[tuple[str, ...], int] = {
            triple: weights_of(derived) + pack_counters(_counters(derived))
            for triple, derived in F.PHRASE_FEATURES.items()
            if len(triple) == 3
        }

    def score(
        self, tokens: list[str], index: int, count: int, text: str, extra: tuple[str, ...] = ()
    ) -> tuple[list[float], F.Traits, int, int]:
        """One sentence: label scores, traits, and its counts of I-words and we-words."""
        return self.score_all(tokens, [(0, len(tokens))], [text], [extra], index, count)[0]

    def score_all(
        self,
        tokens: list[str],
        bounds: Sequence[tuple[int, int]],
        texts: Sequence[str],
        extras: Sequence[tuple[str, ...]],
        first: int = 0,
        count: int | None = None,
    ) -> list[tuple[list[float], F.Traits, int, int]]:
        """Every sentence of an answer at once. ``tokens`` holds all the answer's tokens
        and ``bounds`` each sentence's slice of them (see ``features.tokenize_many``);
        the per-word lookups then run once for the whole answer."""
        packed = self.model.packed
        count = len(bounds) if count is None else count
        word_values = list(map(self.words.get, tokens))
        pair_values = list(map(self.pairs.get, zip(tokens, tokens[1:], strict=False)))
        triple_values = list(
            map(self.triples.get, zip(tokens, tokens[1:], tokens[2:], strict=False))
        )
        results = []
        for index, ((start, end), text, extra) in enumerate(zip(bounds, texts, extras, strict=True)):
            words = tokens[start:end]
            total = sum(filter(None, word_values[start:end]))
            if end - start > 1:
                total += sum(filter(None, pair_values[start : end - 1]))
                if end - start > 2:
                    total += sum(filter(None, triple_values[start : end - 2]))
            whole, tenses, past, digits = F.sentence_level(
                words, first + index, count, text, extra
            )
            total += sum(filter(None, map(packed.get, whole)))
            scores, counters = unpack(total)
            hedges: tuple[str, ...] = ()
            if counters[HEDGE]:  # uncommon: name them the slow way
                derived = F.derived_features(words, list(zip(words, words[1:], strict=False)))
                hedges = tuple(name[6:] for name in derived if name[:6] == "hedge:")
            traits = F.Traits(
                bool(counters[HYPOTHETICAL]) or "i:modal" in tenses or "we:modal" in tenses,
                past > 0 or bool(counters[BE_PAST]) or "i:past" in tenses or "we:past" in tenses,
                digits,
                hedges,
            )
            results.append((scores, traits, counters[I_WORDS], counters[WE_WORDS]))
        return results

_scorers: dict[int, FastScorer] = {}


def scorer_for(model: Model) -> FastScorer:
    """One scorer per model object (building it takes a few milliseconds)."""
    found = _scorers.get(id(model))
    if found is None or found.model is not model:
        found = FastScorer(model)
        _scorers.clear()
        _scorers[id(model)] = found
    return found
