"""Does the STAR score put answers in the order an interviewer would?

    .venv/bin/python bench/star_score_order.py                 # held-out + real answers
    .venv/bin/python bench/star_score_order.py --split train   # while tuning
    .venv/bin/python bench/star_score_order.py --show          # every pair that is out of order

From each answer it makes flawed versions with general rewrites (none knows the text):

* ``we``: told only with "we" (I -> we, me -> us, my -> our, ...);
* ``cut``: cut short, to its first half (by words), and ``cut_s``: to the first half
  of its sentences (ending on a full stop);
* ``twice``: pasted twice;
* ``blame``: a blame ending appended (one of a few, in turn);

and checks that each flawed version scores *lower* than its original. It also builds
label-only skeletons (each part the answer has, labelled, with a few words), which must
score at most 55, and compares good answers with weak ones pairwise (corpus qualities:
complete versus a missing part, a one-liner, hypothetical or we-heavy; and versus the
clearly weak: no Action or Result, a one-liner, hypothetical).

Answers: ``tests/data/star_corpus/<split>_*.jsonl`` and, read at run time and never
copied, ``../shared/star-real/seed_answers.json`` (skipped with a note when absent).
Prints figures only (with ``--show``: ids and scores, no text).
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus import ROOT, load

from bot.star import analyze

REAL = ROOT.parent / "shared" / "star-real" / "seed_answers.json"
TARGETS = {"flawed_lower": 0.85, "skeleton_max": 55, "good_over_weak": 0.90}
WEAK = frozenset(
    {"missing-situation", "missing-task", "missing-action", "missing-result", "one-liner",
     "hypothetical", "we-heavy"}
)
# Clearly weak: what an interviewer cannot accept (no Action or Result, a one-liner,
# "I would...").
CLEARLY_WEAK = frozenset({"missing-action", "missing-result", "one-liner", "hypothetical"})
_SHORT = {"situation": "S", "task": "T", "action": "A", "result": "R", "learning": "L"}

# Our own words; general enough for any story.
BLAME_ENDINGS = (
    "In the end it was my manager's fault, and I didn't learn much from it.",
    "Honestly, the whole thing went wrong because the other team didn't do their job.",
    "Looking back, I don't think there was a lesson for me; QA should have caught it.",
    "It wasn't my fault, my lead kept changing the plan.",
    "The delays were mostly due to the design team missing their dates.",
    "If my manager had listened to me earlier, none of this would have happened.",
)

_PRONOUNS = {
    "i": "we", "me": "us", "my": "our", "mine": "ours", "myself": "ourselves",
    "i'm": "we're", "i've": "we've", "i'd": "we'd", "i'll": "we'll",
    "i am": "we are", "i was": "we were",
}
_PRONOUN = re.compile(
    r"\b(?:i am|i was|i['’](?:m|ve|d|ll)|i|me|my|mine|myself)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Story:
    id: str
    principle: str | None
    text: str
    parts: tuple[tuple[str, str], ...]  # (part, first sentence of that part)
    qualities: tuple[str, ...] = ()


def told_with_we(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        word = match.group()
        new = _PRONOUNS[word.lower().replace("’", "'")]
        if word[0].isupper() and (word.lower() != "i" or _sentence_start(match)):
            new = new[0].upper() + new[1:]
        return new

    def _sentence_start(match: re.Match[str]) -> bool:
        before = text[: match.start()].rstrip()
        return not before or before[-1] in ".!?:\n"

    return _PRONOUN.sub(swap, text)


def cut_short(text: str) -> str:
    words = text.split(" ")
    return " ".join(words[: max(1, len(words) // 2)])


def cut_at_a_sentence(text: str) -> str:
    """The first half of the sentences, so the cut ends on a full stop."""
    sentences = _SENTENCE_END.split(text.strip())
    return " ".join(sentences[: max(1, len(sentences) // 2)])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def pasted_twice(text: str) -> str:
    return f"{text}\n\n{text}"


def with_blame(text: str, index: int) -> str:
    return f"{text.rstrip()} {BLAME_ENDINGS[index % len(BLAME_ENDINGS)]}"


def skeletons(story: Story) -> list[str]:
    """Label-only skeletons: the answer's parts labelled, with a few words each (its
    own first words, or the shortest generic line)."""
    if len(story.parts) < 3:
        return []
    own = "\n".join(
        f"{_SHORT[part]}: {' '.join(first.split()[:5]).rstrip('.,;:')}."
        for part, first in story.parts
    )
    generic_lines = {
        "situation": "There was a problem at work.",
        "task": "I had to fix it.",
        "action": "I fixed it.",
        "result": "It worked.",
        "learning": "I learned a lot.",
    }
    generic = " ".join(f"{_SHORT[part]}: {generic_lines[part]}" for part, _ in story.parts)
    return [own, generic]


FLAWS: dict[str, Callable[[str, int], str]] = {
    "we": lambda text, _: told_with_we(text),
    "cut": lambda text, _: cut_short(text),
    "cut_s": lambda text, _: cut_at_a_sentence(text),
    "twice": lambda text, _: pasted_twice(text),
    "blame": with_blame,
}


def _parts_of(labels: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    for label, text in labels:
        if label in _SHORT and label not in seen:
            seen[label] = text
    return tuple((p, seen[p]) for p in _SHORT if p in seen)


def corpus_stories(split: str) -> list[Story]:
    return [
        Story(
            a.id, a.principle, a.text, _parts_of([(s.label, s.text) for s in a.sentences]),
            a.qualities,
        )
        for a in load(split)
    ]


def real_stories(path: Path) -> list[Story] | None:
    if not path.exists():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    return [
        Story(
            e["id"], e.get("principle"), e["text"],
            _parts_of([(span["labels"][0], span["text"]) for span in e["spans"]]),
        )
        for e in entries
    ]


def score(text: str, principle: str | None) -> int:
    return analyze(text, principle).score


def measure(name: str, stories: list[Story], show: bool) -> None:
    print(f"\n== {name}: {len(stories)} answers ==")
    lower = {flaw: [0, 0] for flaw in FLAWS}
    skeleton_scores: list[int] = []
    originals: dict[str, int] = {}
    for index, story in enumerate(stories):
        base = score(story.text, story.principle)
        originals[story.id] = base
        for flaw, make in FLAWS.items():
            flawed = make(story.text, index)
            if flawed == story.text:
                continue  # nothing to rewrite ("we" on a story with no "I")
            got = score(flawed, story.principle)
            lower[flaw][0] += got < base
            lower[flaw][1] += 1
            if show and got >= base:
                print(f"  out of order: {story.id} {flaw}: {got} >= {base}")
        for skeleton in skeletons(story):
            got = score(skeleton, story.principle)
            skeleton_scores.append(got)
            if show and got > TARGETS["skeleton_max"]:
                print(f"  skeleton {story.id}: {got}")
    right = sum(r for r, _ in lower.values())
    total = sum(n for _, n in lower.values())
    print(
        f"flawed version scores lower: {right / total:.3f} ({right} of {total}; "
        f"target ≥ {TARGETS['flawed_lower']:.2f})"
    )
    for flaw, (r, n) in lower.items():
        print(f"  {flaw:6} {r / n:.3f} ({r} of {n})" if n else f"  {flaw:6} -")
    if skeleton_scores:
        within = sum(s <= TARGETS["skeleton_max"] for s in skeleton_scores)
        print(
            f"label-only skeletons ≤ {TARGETS['skeleton_max']}: {within} of "
            f"{len(skeleton_scores)} (highest {max(skeleton_scores)}, "
            f"mean {sum(skeleton_scores) / len(skeleton_scores):.1f})"
        )
    good = [
        originals[s.id]
        for s in stories
        if "complete" in s.qualities and not WEAK & set(s.qualities)
    ]
    for name, kinds in (("weak", WEAK), ("clearly weak", CLEARLY_WEAK)):
        weak = [originals[s.id] for s in stories if kinds & set(s.qualities)]
        if good and weak:
            wins = sum((g > w) + 0.5 * (g == w) for g in good for w in weak)
            print(
                f"good outscores {name}: {wins / (len(good) * len(weak)):.3f} "
                f"({len(good)} good × {len(weak)} {name}; target ≥ "
                f"{TARGETS['good_over_weak']:.2f}); mean good {sum(good) / len(good):.1f}, "
                f"{name} {sum(weak) / len(weak):.1f}"
            )
    values = sorted(originals.values())
    print(f"originals: median {values[len(values) // 2]}, lowest {values[0]}, highest {values[-1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="heldout", choices=("heldout", "train"))
    parser.add_argument("--show", action="store_true", help="list out-of-order ids and scores")
    parser.add_argument("--real", type=Path, default=REAL, help="the real answers' JSON file")
    args = parser.parse_args()
    measure(f"{args.split} corpus", corpus_stories(args.split), args.show)
    real = real_stories(args.real)
    if real is None:
        print(f"\n(real answers skipped: {args.real} not found)")
    else:
        measure("real answers (star-real)", real, args.show)


if __name__ == "__main__":
    main()
