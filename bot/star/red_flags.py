"""Red flags: what makes an interviewer stop trusting a story, whatever its structure.
Each is a ``Signal`` whose ``value`` holds the evidence (sentences or numbers) and whose
``ok`` is False when the flag is raised. The score takes points off for each one
(see ``bot.star.score``) and the advice names it first when it costs the most.

All of them read the text itself, not the part labels, so they hold when the part
finder reads a sentence differently: a pasted copy, a sentence that blames someone or
a lesson of "nothing" is the same whatever part it is taken for."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.star.report import Sentence, Signal

# A sentence repeated word for word only counts when it has at least this many words
# ("I fixed it." may honestly come twice).
_REPEAT_MIN_WORDS = 5
_WORD = re.compile(r"[a-z0-9%$]+")

# Someone else's fault: "my manager's fault", "their fault" (not "my fault", which
# owns it, nor "nobody's fault").
_FAULT = re.compile(r"\b([a-z]+(?:'s|’s)|their|his|her|your)\s+fault\b")
_NOT_SOMEONE = frozenset({"nobody's", "nobody’s", "one's", "one’s", "anyone's", "anyone’s",
                          "anybody's", "anybody’s"})
# The speaker blaming (narrating that someone else blamed is context, not a red flag).
_BLAME_WORD = re.compile(
    r"\b(?:i|we)\s+(?:\w+\s+)?blamed?\b(?!\s*(?:myself|ourselves))"
    r"|\bblamed?\s+(?:it|this|that|everything|the\s+\w+)\s+on\b"
)
_NOT_BLAMING = re.compile(r"(?:\bnot|n't|n’t|\bno|\bwithout|\binstead of|\bavoid(?:ed)?|\bnever)"
                          r"\s+(?:\w+\s+){0,2}$")
_PEOPLE = (
    r"(?:manager|boss|lead|colleague|co-?worker|teammate|client|customer|vendor|supplier|qa|"
    r"team|pm|director|department|partner|management|engineers?|developers?|testers?)"
)
_TO_BLAME = re.compile(
    rf"\b(?:they|he|she|(?:my|the|our|his|her|their)\s+(?:\w+\s+)?{_PEOPLE}s?)\s+"
    r"(?:was|were|is|are)\s+(?:really\s+|the\s+ones?\s+)?to\s+blame\b"
)
_OTHERS = (
    r"(?:my|the|our|his|her|their)\s+(?:\w+\s+)?(?:manager|boss|lead|colleague|co-?worker|"
    r"teammate|client|customer|vendor|supplier|qa|team|pm|director|department|partner|"
    r"management|engineers?|developers?|testers?)s?"
)
_OTHERS_FAILED = re.compile(
    rf"\b(?:because|since)\s+{_OTHERS}\s+(?:didn't|didn’t|did not|never|failed|refused|"
    r"wouldn't|wouldn’t|would not|couldn't|couldn’t|kept|forgot|ignored|wasn't|wasn’t|"
    r"was not|weren't|were not)\b"
)
_OTHERS_EXCUSE = re.compile(
    rf"\b(?:due\s+to|because\s+of)\s+{_OTHERS}\b(?!['’]s|\s+(?:help|support|work|effort))"
    rf"|\b(?:{_OTHERS}|they|he|she)\s+(?:really\s+|just\s+)?(?:dropped\s+the\s+ball|let\s+(?:us|me)"
    r"\s+down|messed\s+(?:it\s+)?up|screwed\s+(?:it\s+)?up|didn't\s+listen|didn’t\s+listen|did\s+"
    r"not\s+listen|never\s+listened|ignored\s+(?:me|my))"
    r"|\b(?:nobody|no\s+one)\s+(?:ever\s+)?listened\b"
    rf"|\bif\s+(?:only\s+)?(?:{_OTHERS}|they|he|she)\s+had\s+(?:listened|tested|done|told|"
    r"given|checked|followed)\b"
)
_OTHERS_SHOULD = re.compile(
    rf"\b(?:{_OTHERS}|they|he|she|{_PEOPLE})\s+(?:really\s+)?should(?:\s+have|'ve|’ve|n't\s+have)"
    r"\s+(?!been\b)"
)
_NOT_MINE = re.compile(r"\b(?:not|wasn't|wasn’t|isn't|isn’t)\s+(?:really\s+)?my\s+fault\b")
_INSULT_WORD = r"(?:incompetent|lazy|useless|clueless|hopeless)"
_INSULT = re.compile(
    rf"\b(?:he|she|they|(?:the|my|our)\s+(?:\w+\s+)?{_PEOPLE}s?)\s+(?:was|were|is|are)\s+"
    rf"(?:so\s+|really\s+|just\s+|completely\s+|totally\s+)?{_INSULT_WORD}\b"
    rf"|\b{_INSULT_WORD}\s+(?:{_PEOPLE}|people|colleagues|coworkers)s?\b|\bidiots?\b"
)

_NOTHING_LEARNED = re.compile(
    r"\blearn(?:ed|t)?\s+(?:\w+\s+){0,2}?(?:nothing|not\s+much|very\s+little|not\s+a\s+lot)\b"
    r"|\b(?:didn't|didn’t|did\s+not|don't|don’t|do\s+not|never)\s+(?:really\s+)?"
    r"learn(?:ed|t)?\s+(?:much|anything|a\s+lot|a\s+thing)\b"
    r"|\bnothing\s+(?:really\s+|much\s+)?to\s+learn\b"
    r"|\bno\s+(?:real\s+)?(?:lessons?|learnings?|takeaways?)\b"
    r"|\b(?:don't|don’t|do\s+not|didn't|didn’t|did\s+not)\s+think\s+(?:there\s+(?:was|is)|i\s+"
    r"(?:learned|learnt|took))\s+(?:a|any|much|anything)\b"
    r"|\bnot\s+(?:really\s+)?(?:a|any)\s+(?:lesson|learning|takeaway)\b"
    r"|\bi\s+(?:am|was|'m|’m)\s+(?:always|usually)\s+right\b"
    r"|\b(?:wouldn't|wouldn’t|would\s+not)\s+(?:change|do)\s+anything\b"
    r"|\bnothing\s+i\s+would\s+(?:change|do\s+differently)\b"
)
_EMPTY_LESSON = re.compile(r"^\W*(?:nothing|none|n/?a|not\s+much|nothing\s+really)\W*$")

# An outcome that went badly (not a failure someone else had, nor one that was avoided).
_FAILURE = re.compile(
    r"\b(?:i|we|it|the\s+(?:project|launch|plan|release|pilot|migration|idea|deal))\s+"
    r"(?:\w+\s+)?failed\b"
    r"|\b(?:didn't|didn’t|did\s+not)\s+work\b|\bwent\s+(?:badly|wrong)\b"
    r"|\bmissed\s+(?:the|our|my)\s+(?:deadline|date|target|launch)\b"
    r"|\b(?:we|i)\s+lost\s+(?:\w+\s+)?(?:clients?|customers?|accounts?|deals?|contracts?)\b"
    r"|\bhit\s+the\s+bugs?\b|\bnever\s+shipped\b"
    r"|\bfell\s+through\b"
)

# Percentages, with what happened to them.
_PERCENT = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s?(?:%|percent\b)")
_DOWN = re.compile(
    r"\b(?:saved|saving|cut|cutting|reduced|reducing|lowered|decreased|dropped|fell|down|"
    r"less|fewer|eliminated|slashed|shrank|removed)\b"
)
_UP = re.compile(
    r"\b(?:up|increased|increase|grew|growth|rose|raised|boosted|improved|more|higher|"
    r"jumped|gained|lifted)\b"
)
_DOWN_AFTER = re.compile(r"\s*(?:cut|reduction|decrease|drop|fewer|less|lower|saving)")
_UP_AFTER = re.compile(r"\s*(?:increase|growth|rise|jump|more|higher|uplift|boost)")
IMPLAUSIBLE_INCREASE = 400  # percent: more than quintupling in one story


def repeats(sentences: Sequence[Sentence]) -> tuple[set[int], int, int]:
    """Sentences that repeat an earlier one word for word: their indexes, the most
    copies of any one sentence, and the answer's word count (as read here)."""
    seen: dict[tuple[str, ...], int] = {}
    found: set[int] = set()
    total = 0
    for index, sentence in enumerate(sentences):
        words = tuple(_WORD.findall(sentence.text.lower()))
        total += len(words)
        if len(words) < _REPEAT_MIN_WORDS:
            continue
        count = seen.get(words, 0) + 1
        seen[words] = count
        if count > 1:
            found.add(index)
    return found, max(seen.values(), default=1), total


def duplicated_signal(
    sentences: Sequence[Sentence], found: tuple[set[int], int, int] | None = None
) -> Signal:
    """Text pasted more than once: the share of words in sentences that already came,
    word for word, earlier in the answer; ``value`` is (share, copies). ``found``:
    what ``repeats`` returned, when already known."""
    indexes, copies, total = repeats(sentences) if found is None else found
    repeated = sum(len(_WORD.findall(sentences[i].text.lower())) for i in indexes)
    share = repeated / total if total else 0.0
    value = (round(share, 2), copies)
    if share >= 0.15 and copies >= 2:
        times = "twice" if copies == 2 else f"{copies} times"
        return Signal(value, False, f"the same text appears {times} ({share:.0%} is repeated)")
    return Signal(value, True, "no repeated text")


_BLAME_CUES = (
    "fault", "blam", "should", "because", "since", "lazy", "useless", "incompetent",
    "clueless", "hopeless", "idiot", "due to", "because of", "ball", "let us", "let me",
    "messed", "screwed", "listen", "ignored", "if ",
)
_LESSON_CUES = ("learn", "lesson", "nothing", "right", "anything", "takeaway", "none", "n/a",
                "not much")


def blames(text: str, late: bool = True) -> bool:
    """Whether a sentence puts the blame on someone else. "Because the ops team didn't
    trust it" sets the scene early in a story; in its second half (``late``) it is an
    excuse for the outcome."""
    lowered = " ".join(text.lower().split())
    if not any(cue in lowered for cue in _BLAME_CUES):
        return False  # the usual sentence: none of the words any pattern needs
    for match in _FAULT.finditer(lowered):
        if match.group(1) not in _NOT_SOMEONE:
            return True
    for match in _BLAME_WORD.finditer(lowered):
        before = lowered[max(0, match.start() - 30) : match.start()]
        if not _NOT_BLAMING.search(before):
            return True
    if _TO_BLAME.search(lowered) or _NOT_MINE.search(lowered) or _INSULT.search(lowered):
        return True
    return late and bool(
        _OTHERS_FAILED.search(lowered)
        or _OTHERS_SHOULD.search(lowered)
        or _OTHERS_EXCUSE.search(lowered)
    )


def blaming(sentences: Sequence[Sentence]) -> list[int]:
    """Indexes of the sentences that blame someone else."""
    half = len(sentences) // 2
    return [
        i
        for i, s in enumerate(sentences)
        if blames(s.text, late=i >= half)
    ]


def blame_signal(sentences: Sequence[Sentence], indexes: Sequence[int] | None = None) -> Signal:
    """``indexes``: the blaming sentences, when already found."""
    if indexes is None:
        indexes = blaming(sentences)
    found = tuple(sentences[i].text for i in indexes)
    if found:
        return Signal(found, False, "blames someone else")
    return Signal((), True, "no blame")


def learned_nothing(sentence: Sentence) -> bool:
    lowered = " ".join(sentence.text.lower().split())
    if not any(cue in lowered for cue in _LESSON_CUES):
        return False
    if _NOTHING_LEARNED.search(lowered):
        return True
    return sentence.label == "learning" and bool(_EMPTY_LESSON.match(lowered))


def no_lesson_signal(sentences: Sequence[Sentence], indexes: Sequence[int] | None = None) -> Signal:
    """A lesson of "nothing", or "I am always right". ``indexes``: those sentences,
    when already found."""
    if indexes is None:
        indexes = [i for i, s in enumerate(sentences) if learned_nothing(s)]
    found = tuple(sentences[i].text for i in indexes)
    if found:
        return Signal(found, False, "says there was nothing to learn")
    return Signal((), True, "no empty lesson")


def failure_signal(sentences: Sequence[Sentence], has_lesson: bool) -> Signal:
    """A story that ends badly with no lesson drawn from it. ``value``: the sentences
    that tell the failure."""
    tail = sentences[len(sentences) // 2 :]
    found = tuple(
        s.text for s in tail if s.label not in ("situation", "task") and _FAILURE.search(
            s.text.lower()
        )
    )
    if found and not has_lesson:
        return Signal(found, False, "a failure with no lesson drawn from it")
    return Signal(found, True, "a failure with a lesson" if found else "no failure told")


def implausible_numbers(text: str) -> list[str]:
    """Percentages no one believes: a cut of 100 % or more ("saved 100 % of costs"),
    or a rise past ``IMPLAUSIBLE_INCREASE`` % ("revenue up 500 %")."""
    lowered = text.lower()
    found = []
    previous_end = 0
    for match in _PERCENT.finditer(lowered):
        try:
            value = float(match.group(1).replace(",", ""))
        except ValueError:
            continue
        # What the number is about: the words just before it, back to the last number.
        before = lowered[max(previous_end, match.start() - 30) : match.start()]
        after = lowered[match.end() : match.end() + 20]
        previous_end = match.end()
        cut = value >= 100 and (_DOWN.search(before) or _DOWN_AFTER.match(after))
        rise = value >= IMPLAUSIBLE_INCREASE and (_UP.search(before) or _UP_AFTER.match(after))
        if cut or rise:
            found.append(match.group().strip())
    return found


def implausible_signal(sentences: Sequence[Sentence]) -> Signal:
    found = tuple(n for s in sentences for n in implausible_numbers(s.text))
    if found:
        return Signal(found, False, f"numbers hard to believe ({', '.join(found[:3])})")
    return Signal((), True, "numbers look plausible")


_FUNCTION_WORDS = frozenset(
    "the a an and or but to of in on at for with from by as that which who whose my our "
    "their his her its your i we they he she was were is are be been had have has so "
    "because if when than then into about after before".split()
)


def _ends_open(text: str) -> bool:
    last = text.rstrip()[-1:]
    return last.isalnum() or last in ",;:-–(&"


def _cut_off(text: str) -> bool:
    """Ends on a comma or a word no sentence ends on ("... and we moved the")."""
    stripped = text.rstrip()
    if stripped[-1:] in ",;:-–(&":
        return True
    words = stripped.lower().split()
    return bool(words) and words[-1] in _FUNCTION_WORDS


def unfinished_signal(sentences: Sequence[Sentence]) -> Signal:
    """The answer stops mid-sentence while the writer ends the others properly: a paste
    that got cut, or a story left unfinished. (Chat writers often leave off the last
    full stop, so only a last sentence that breaks off counts.)"""
    if len(sentences) >= 3 and _cut_off(sentences[-1].text):
        closed = sum(not _ends_open(s.text) for s in sentences[:-1])
        if closed >= 0.8 * (len(sentences) - 1):
            return Signal(sentences[-1].text, False, "stops mid-sentence")
    return Signal("", True, "ends on a full sentence")
