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
from bot.star.model import Model, counter_mask, pack_counters, unpack

# Counter fields (0 counts the features summed; see bot.star.model).
(
    HEDGE,
    HYPOTHETICAL,
    BE_PAST,
    CHANGE,
    I_WORDS,
    WE_WORDS,
    I_TOKEN,
    WE_TOKEN,
    NOT_PAST,
) = range(1, 10)
I_WORD_SET = word_set("i i'm i've i'd i'll me my myself mine")
WE_WORD_SET = word_set("we we're we've we'd we'll us our ours ourselves")
_COUNTERS = 10


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
        for word in sorted(
            vocabulary | set(F.WORD_FEATURES) | I_WORD_SET | WE_WORD_SET | F.NOT_PAST_ED
        ):
            derived = F.WORD_FEATURES.get(word, ())
            counters = _counters(derived)
            counters[I_WORDS] = word in I_WORD_SET
            counters[WE_WORDS] = word in WE_WORD_SET
            counters[I_TOKEN] = word == "i"
            counters[WE_TOKEN] = word == "we"
            counters[NOT_PAST] = word in F.NOT_PAST_ED
            self.words[word] = weights_of([word, *derived]) + pack_counters(counters)
        self.pairs: dict[tuple[str, str], int] = {
            pair: weights_of(derived) + pack_counters(_counters(derived))
            for pair, derived in F.PHRASE_FEATURES.items()
        }
        # Sentence-level features, by name (0 for a feature the model does not know).
        self.value: dict[str, int] = _DefaultZero(packed)  # type: ignore[arg-type]
        value = self.value
        self.subjects = {word: value[name] for word, name in F.SUBJECT_FEATURES.items()}
        self.positions: dict[tuple[int, int], int] = {}
        self.lengths = [value[name] for name in F.LENGTH]
        self.ed_counts = [value[name] for name in F.ED_COUNT]
        self.i_counts = [value[name] for name in F.I_COUNT]
        self.constants = (
            value["bias:"], value["subj:other"], value["we:1+"], value["question:"]
        )

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
        and ``bounds`` each sentence's slice of them (see ``features.tokenize_many``):
        the per-word work runs once over the whole answer, mostly inside C loops, and
        the per-sentence work is a few sums. ``features.sentence_features`` is the
        readable definition of the same features."""
        count = len(bounds) if count is None else count
        word_values = list(map(self.words.get, tokens))
        pair_values = list(map(self.pairs.get, zip(tokens, tokens[1:], strict=False)))
        tenses = _tenses(tokens, bounds)
        joined = " ".join(tokens) + " "
        position = 0
        results = []
        # Local names: this loop runs for every sentence, and global lookups add up.
        find, count_in, value = joined.find, joined.count, self.value
        separator, discourse, subjects = F.SEPARATOR, F.DISCOURSE, self.subjects
        lengths, ed_counts, i_counts = self.lengths, self.ed_counts, self.i_counts
        bias, other_subject, we_value, question = self.constants
        has_digit, traits_of, mask = F.has_digit, F.Traits, _MASK
        any_digit = has_digit(joined)  # most sentences have none: skip the per-sentence test
        for index, ((start, end), text, extra) in enumerate(zip(bounds, texts, extras, strict=True)):
            total = sum(filter(None, word_values[start:end]))
            if end - start > 1:
                total += sum(filter(None, pair_values[start : end - 1]))
            # The sentence's words fill joined[position:stop] ("w1 w2 ... wn ").
            stop = find(separator, position)
            stop = len(joined) if stop < 0 else stop
            past = count_in("ed ", position, stop) - ((total >> _NOT_PAST_SHIFT) & mask)
            position = stop + 2
            mine = tenses[index]
            n = end - start
            digits = any_digit and has_digit(text)
            total += bias + self._position(first + index, count)
            for name in extra:
                total += value[name]
            if n:
                head = start
                while head < end - 1 and head < start + 3 and tokens[head] in discourse:
                    head += 1
                i_count = (total >> _I_TOKEN_SHIFT) & mask
                total += (
                    lengths[n if n < 27 else 26]
                    + subjects.get(tokens[head], other_subject)
                    + ed_counts[0 if past <= 0 else 1 if past == 1 else 2]
                    + i_counts[i_count if i_count < 2 else 2]
                )
                for name in mine:
                    total += value[name]
                if (total >> _WE_TOKEN_SHIFT) & mask:
                    total += we_value
                if digits:
                    change = bool((total >> _CHANGE_SHIFT) & mask)
                    for name in F.number_features(tokens[start:end], change):
                        total += value[name]
                if text[-1:] == "?":
                    total += question
            else:
                total += lengths[0]
            scores, counters = unpack(total)
            hedges: tuple[str, ...] = ()
            if counters[HEDGE]:  # uncommon: name them the slow way
                words = tokens[start:end]
                derived = F.derived_features(words, list(zip(words, words[1:], strict=False)))
                hedges = tuple(name[6:] for name in derived if name[:6] == "hedge:")
            traits = traits_of(
                bool(counters[HYPOTHETICAL]) or "i:modal" in mine or "we:modal" in mine,
                past > 0 or bool(counters[BE_PAST]) or "i:past" in mine or "we:past" in mine,
                digits,
                hedges,
            )
            results.append((scores, traits, counters[I_WORDS], counters[WE_WORDS]))
        return results


    def _position(self, index: int, count: int) -> int:
        key = (index, count)
        found = self.positions.get(key)
        if found is None:
            found = sum(self.value[name] for name in F.position_features(index, count))
            if len(self.positions) < 4096:
                self.positions[key] = found
        return found


class _DefaultZero(dict):  # type: ignore[type-arg]
    """Packed weights by feature name; 0 for names the model does not know."""

    def __missing__(self, key: str) -> int:
        return 0


def _tenses(tokens: list[str], bounds: Sequence[tuple[int, int]]) -> list[list[str]]:
    """Per sentence, the tense of the word after each "I" and "we" (as
    ``features.sentence_level`` finds it), found in one pass over the answer."""
    found: list[list[str]] = [[] for _ in bounds]
    last = len(tokens) - 1
    for person in ("i", "we"):
        names = F.TENSE_NAMES[person]
        sentence = 0
        index = -1
        while True:
            try:
                index = tokens.index(person, index + 1)
            except ValueError:
                break
            if index == last:
                break
            verb = tokens[index + 1]  # the separator after a sentence's last word: no tag
            tag = 0 if verb[-2:] == "ed" else F.TENSE_TAGS.get(verb)
            if tag is not None:
                while bounds[sentence][1] <= index:
                    sentence += 1
                found[sentence].append(names[tag])
    return found


_NOT_PAST_SHIFT, _MASK = counter_mask(NOT_PAST)
_I_TOKEN_SHIFT = counter_mask(I_TOKEN)[0]
_WE_TOKEN_SHIFT = counter_mask(WE_TOKEN)[0]
_CHANGE_SHIFT = counter_mask(CHANGE)[0]


_scorers: dict[int, FastScorer] = {}


def scorer_for(model: Model) -> FastScorer:
    """One scorer per model object (building it takes a few milliseconds)."""
    found = _scorers.get(id(model))
    if found is None or found.model is not model:
        found = FastScorer(model)
        _scorers.clear()
        _scorers[id(model)] = found
    return found
