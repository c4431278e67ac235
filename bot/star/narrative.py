"""Where a sentence sits in the story's narration: who acts in it, and whether it comes
before, at or after the turn where the speaker steps in.

Real Situations are often a chain of past-tense events: things that broke, what a
customer or a manager did before the speaker acted. Tense alone cannot tell those from
the speaker's own moves; the actor and the turn can. A Result is what follows the
speaker's moves, often without any result word ("A day later we switched over."), so
sentences after the last move of the speaker get features of their own too.

The features are per sentence but read the whole answer, so they come as ``extras``
(like the paragraph features) and the classifier weighs them like any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.star.features import DISCOURSE, NOT_PAST_ED, derived_features
from bot.star.lexicon import word_set

# People other than the speaker (the subject of a sentence that tells what others did).
_PEOPLE = word_set(
    "he she they manager managers boss lead director directors ceo cto vp head founder "
    "owner customer customers client clients user users colleague colleagues coworker "
    "coworkers peer peers teammate teammates engineer engineers developer developers "
    "stakeholder stakeholders partner partners vendor vendors supplier suppliers "
    "supervisor supervisors executive executives leadership management people everyone "
    "nobody someone somebody staff employees member members analyst analysts sales "
    "support agents agent team teams department company students student teacher patient "
    "patients doctor nurse buyer buyers seller guests guest audience"
)
_DETERMINERS = word_set("the a an my our their his her one two several some another this that")
# Past-tense verbs that describe a state, not a move: "I was the lead", "I had a team".
_STATE_PAST = word_set(
    "was were had been used needed wanted knew felt noticed realised realized saw heard "
    "thought believed liked loved hated got"
)
_IRREGULAR_MOVES = word_set(
    "built wrote ran led made took found went set met spoke told sent gave brought began "
    "chose drove kept paid put sold spent taught won caught broke cut split held bought "
    "fought sought dealt rebuilt rewrote did sat shut stepped pulled pushed"
)
_ADVERBS = word_set(
    "then also first quickly immediately personally finally just still soon actually "
    "really directly myself even"
)
_MOVE_PERSONS = ("i", "we")


def actor(tokens: Sequence[str]) -> str:
    """Who the sentence is about, from its opening words: "i", "we", "person" (someone
    else) or "thing" (a system, a number, an event)."""
    head = 0
    while head < len(tokens) - 1 and head < 3 and tokens[head] in DISCOURSE:
        head += 1
    for word in tokens[head : head + 4]:
        if word in ("i", "i'm", "i've", "i'd", "me", "my"):
            return "i"
        if word in ("we", "we're", "we've", "us", "our"):
            return "we"
        if word in _PEOPLE or word.removesuffix("'s") in _PEOPLE:
            return "person"  # "the client's new director" is someone else too
    return "thing"


def _move(tokens: Sequence[str], person: str) -> bool:
    """Whether ``person`` ("i" or "we") makes a move in the past tense here: "I called",
    "we quickly rebuilt" (not "I was", "we had")."""
    for index, word in enumerate(tokens):
        if word != person:
            continue
        for verb in tokens[index + 1 : index + 3]:
            if verb in _ADVERBS or (verb.endswith("ly") and len(verb) > 4):
                continue  # "I simply updated", "we quickly rebuilt"
            if verb in _STATE_PAST:
                break
            if verb in _IRREGULAR_MOVES or (
                len(verb) > 3 and verb.endswith("ed") and verb not in NOT_PAST_ED
            ):
                return True
            break
    return False


def narrative_features(sentences: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    """Per sentence: "who:<actor>", the phase ("turn:before", "turn:at", "turn:after",
    or "turn:none" when the speaker never steps in), the phase with the actor, and
    "tail:" for sentences after the speaker's last move."""
    i_moves = [_move(tokens, "i") for tokens in sentences]
    moves = [
        mine or _move(tokens, "we") for mine, tokens in zip(i_moves, sentences, strict=True)
    ]
    # The speaker's own moves mark the turn and the tail when there are any ("we
    # switched over" after them is often the outcome); else the team's.
    own = i_moves if any(i_moves) else moves
    first = next((i for i, moved in enumerate(own) if moved), None)
    last = max((i for i, moved in enumerate(own) if moved), default=None)
    out: list[tuple[str, ...]] = []
    for index, tokens in enumerate(sentences):
        who = actor(tokens)
        if first is None:
            phase = "turn:none"
        elif index < first:
            phase = "turn:before"
        elif index == first:
            phase = "turn:at"
        else:
            phase = "turn:after"
        feats = ["who:" + who, phase, f"{phase}|{who}"]
        tail = last is not None and index > last
        # The same cue means something else before the turn ("the vendor rebuilt the
        # index" is Situation) and after the last move ("we went live" is the Result).
        if phase == "turn:before" or tail:
            mark = "before|" if phase == "turn:before" else "tail|"
            words = list(tokens)
            pairs = list(zip(words, words[1:], strict=False))
            cues = {f for f in derived_features(words, pairs) if f.startswith("cue:")}
            feats += [mark + cue for cue in sorted(cues)]
            feats.append(mark + ("moved" if own[index] else "still"))
        if tail:
            feats.append("tail:")
            feats.append("tail:|" + who)
        if index and own[index - 1] and not own[index]:
            feats.append("aftermove:|" + who)
        if index + 1 < len(sentences) and own[index + 1] and not own[index]:
            feats.append("beforemove:|" + who)
        out.append(tuple(feats))
    return out
