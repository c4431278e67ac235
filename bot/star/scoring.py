"""Fast sentence scoring: the same scores as summing ``Model`` weights over
``features.sentence_features``, with far less Python work per word.

When a model loads, every known word is mapped to one integer that packs the summed
weights of all the features the word brings (the word itself, its cue groups, tense
and hedge markers) plus counters for the traits the signals need; word pairs get the
same for their cue features and for "I"/"we" + a known verb (the tense after it).
Scoring an answer is then a running sum over its words, a sum over each sentence's
word pairs, a regex scan for "I"/"we" + a word in "-ed", and a few sentence-level
features. The packing is exact integer arithmetic, so the scores equal those of the
readable path up to one constant per sentence, which never changes a decision (a
unit test holds the two together).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Sequence
from itertools import accumulate, repeat

from bot.star import features as F
from bot.star.lexicon import word_set
from bot.star.model import COUNTERS, LAYOUT, Model, counter_mask, pack_counters

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
    TENSE_PAST,
    TENSE_MODAL,
) = range(1, 12)
I_WORD_SET = word_set("i i'm i've i'd i'll me my myself mine")
WE_WORD_SET = word_set("we we're we've we'd we'll us our ours ourselves")
_COUNTERS = COUNTERS
assert TENSE_MODAL < _COUNTERS


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
        self.positions: dict[tuple[int, int, int], list[int]] = {}
        # "I"/"we" followed by a known verb: the tense feature rides on the word pair.
        # Verbs ending in "-ed" are left to a scan of the text (an open class).
        for person, names in F.TENSE_NAMES.items():
            for verb, tag in F.TENSE_TAGS.items():
                if verb.endswith("ed"):
                    continue
                flags = [0] * _COUNTERS
                if tag < 2:
                    flags[TENSE_PAST if tag == 0 else TENSE_MODAL] = 1
                pair = (person, verb)
                extra = value[names[tag]] + pack_counters(flags)
                self.pairs[pair] = self.pairs.get(pair, 0) + extra
        self.ed_tense = {person: value[names[0]] for person, names in F.TENSE_NAMES.items()}
        self.lengths = [value[name] for name in F.LENGTH]
        self.ed_counts = [value[name] for name in F.ED_COUNT]
        self.i_counts = [value[name] for name in F.I_COUNT]
        self.numbers = (value["num:"], value["change+num:"], value["year:"])
        self.constants = (
            value["bias:"], value["subj:other"], value["we:1+"], value["question:"]
        )

    def score(
        self, tokens: list[str], index: int, count: int, text: str, extra: tuple[str, ...] = ()
    ) -> tuple[Sequence[float], F.Traits, int, int]:
        """One sentence: raw label scores, traits, and its counts of I-words and we-words."""
        return self.score_all(tokens, [(0, len(tokens))], [text], [extra], index, count)[0]

    def score_all(
        self,
        tokens: list[str],
        bounds: Sequence[tuple[int, int]],
        texts: Sequence[str],
        extras: Sequence[tuple[str, ...]],
        first: int = 0,
        count: int | None = None,
    ) -> list[tuple[Sequence[float], F.Traits, int, int]]:
        """Every sentence of an answer at once. Scores are raw fixed-point sums in units
        of ``model.SCORE_UNIT`` (plus a per-sentence constant; see ``classify.decode``).
        ``tokens`` holds all the answer's tokens and ``bounds`` each sentence's slice of
        them (see ``features.tokenize_many``):
        the per-word work runs once over the whole answer, mostly inside C loops, and
        the per-sentence work is a few sums. ``features.sentence_features`` is the
        readable definition of the same features."""
        count = len(bounds) if count is None else count
        # Running totals: a sentence's words then sum to word_sums[end] - word_sums[start]
        # (exact integer arithmetic, so the totals may outgrow the packed fields).
        word_sums = list(accumulate(map(self.words.get, tokens, repeat(0)), initial=0))
        # The same for word pairs: pair i is (tokens[i], tokens[i + 1]).
        pair_sums = list(
            accumulate(
                map(self.pairs.get, zip(tokens, tokens[1:], strict=False), repeat(0)),
                initial=0,
            )
        )
        joined = " ".join(tokens) + " "
        tense_values, past_verb = self._ed_tenses(joined, len(bounds))
        position = 0
        results = []
        # Local names: this loop runs for every sentence, and global lookups add up.
        find, count_in, value = joined.find, joined.count, self.value
        separator, discourse, subjects = F.SEPARATOR, F.DISCOURSE, self.subjects
        lengths, ed_counts, i_counts = self.lengths, self.ed_counts, self.i_counts
        _, other_subject, we_value, question = self.constants
        has_digit, traits_type, new_tuple, mask = F.has_digit, F.Traits, tuple.__new__, _MASK
        positions = self._positions(first, len(bounds), count)
        any_digit = has_digit(joined)  # most sentences have none: skip the per-sentence test
        not_past_shift, i_shift, we_shift = _NOT_PAST_SHIFT, _I_TOKEN_SHIFT, _WE_TOKEN_SHIFT
        number_value, change_value, year_value = self.numbers
        year = F.YEAR.fullmatch
        totals: list[int] = []
        pasts: list[int] = []
        digit_flags: list[bool] = []
        for index, (start, end) in enumerate(bounds):
            total = word_sums[end] - word_sums[start] + positions[index] + tense_values[index]
            n = end - start
            if n > 1:
                total += pair_sums[end - 1] - pair_sums[start]
            # The sentence's words fill joined[position:stop] ("w1 w2 ... wn ").
            stop = find(separator, position)
            if stop < 0:
                stop = len(joined)
            past = count_in("ed ", position, stop) - ((total >> not_past_shift) & mask)
            position = stop + 2
            extra = extras[index]
            for name in extra:
                total += value[name]
            text = texts[index]
            digits = any_digit and has_digit(text)
            if n:
                head = start
                while head < end - 1 and head < start + 3 and tokens[head] in discourse:
                    head += 1
                i_count = (total >> i_shift) & mask
                total += (
                    lengths[n if n < 27 else 26]
                    + subjects.get(tokens[head], other_subject)
                    + ed_counts[0 if past <= 0 else 1 if past == 1 else 2]
                    + i_counts[i_count if i_count < 2 else 2]
                )
                if (total >> we_shift) & mask:
                    total += we_value
                if digits:
                    # features.number_features_of, inlined. Tokens are ASCII (see
                    # features.tokenize), so isdigit means 0-9, and a year has 4 characters.
                    numbers = [t for t in tokens[start:end] if t[0].isdigit()]
                    if numbers:
                        years = 0
                        for number in numbers:
                            if len(number) == 4 and year(number):
                                years += 1
                        if len(numbers) > years:  # "change+num:" with a change verb
                            changed = (total >> _CHANGE_SHIFT) & mask
                            total += number_value + change_value if changed else number_value
                        if years:
                            total += year_value
                if text[-1:] == "?":
                    total += question
            else:
                total += lengths[0]
            totals.append(total)
            pasts.append(past)
            digit_flags.append(digits)
        # Unpack every sentence's sums in one go.
        size = LAYOUT.size
        fields = list(
            LAYOUT.iter_unpack(b"".join(map(int.to_bytes, totals, repeat(size), repeat("little"))))
        )
        # Field positions as local names: globals would be looked up for every sentence.
        hedge, hypothetical, modal, be_past, tense_past, i_words, we_words = _FIELDS
        no_hedges: tuple[str, ...] = ()
        for index, raw in enumerate(fields):
            hedges = no_hedges
            if raw[hedge]:  # uncommon: name them the slow way
                start, end = bounds[index]
                words = tokens[start:end]
                derived = F.derived_features(words, list(zip(words, words[1:], strict=False)))
                hedges = tuple(name[6:] for name in derived if name[:6] == "hedge:")
            # tuple.__new__ builds the named tuple without its Python-level __new__.
            traits = new_tuple(
                traits_type,
                (
                    bool(raw[hypothetical] or raw[modal]),
                    pasts[index] > 0 or bool(raw[be_past] or raw[tense_past]) or past_verb[index],
                    digit_flags[index],
                    hedges,
                ),
            )
            results.append((raw[:6], traits, raw[i_words], raw[we_words]))
        return results

    def _ed_tenses(self, joined: str, count: int) -> tuple[list[int], list[bool]]:
        """Per sentence, the packed weight of "i:past"/"we:past" for each "I"/"we"
        followed by a word ending in "-ed" (other tenses ride on the word pairs)."""
        values, past = [0] * count, [False] * count
        scan = " " + joined
        if "ed " not in scan or (" i " not in scan and " we " not in scan):
            return values, past
        stops: list[int] = []
        stop = joined.find(F.SEPARATOR)
        while stop >= 0:
            stops.append(stop)
            stop = joined.find(F.SEPARATOR, stop + 1)
        for match in _PERSON_ED.finditer(scan):
            sentence = bisect.bisect_right(stops, match.start())
            values[sentence] += self.ed_tense[match.group(1)]
            past[sentence] = True
        return values, past

    def _positions(self, first: int, length: int, count: int) -> list[int]:
        """The packed bias and position features of sentences first..first+length-1."""
        key = (first, length, count)
        found = self.positions.get(key)
        if found is None:
            bias = self.constants[0]
            found = [
                bias + sum(self.value[name] for name in F.position_features(first + i, count))
                for i in range(length)
            ]
            if len(self.positions) < 1024:
                self.positions[key] = found
        return found


class _DefaultZero(dict):  # type: ignore[type-arg]
    """Packed weights by feature name; 0 for names the model does not know."""

    def __missing__(self, key: str) -> int:
        return 0


# "I" or "we" and a word ending in "-ed", in " " + the answer's space-joined tokens.
_PERSON_ED = re.compile(r" (i|we) [^ ]*ed(?= )")
_NOT_PAST_SHIFT, _MASK = counter_mask(NOT_PAST)
# Where the counters sit in an unpacked sum (after the six label fields).
_FIELDS = tuple(
    6 + counter
    for counter in (HEDGE, HYPOTHETICAL, TENSE_MODAL, BE_PAST, TENSE_PAST, I_WORDS, WE_WORDS)
)
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
