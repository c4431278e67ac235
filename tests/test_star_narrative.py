"""Who acts in each sentence and where the speaker steps in: the features that let the
coach tell a narrated Situation from the speaker's Action."""

from __future__ import annotations

from bot.star.features import tokenize
from bot.star.narrative import actor, narrative_features


def test_actor_reads_the_opening_words() -> None:
    assert actor(tokenize("Then I called the vendor.")) == "i"
    assert actor(tokenize("Our team had missed two releases.")) == "we"
    assert actor(tokenize("The client's new director wanted a cheaper tool.")) == "person"
    assert actor(tokenize("My manager asked me to look into it.")) == "i"
    assert actor(tokenize("The nightly backup failed twice.")) == "thing"


def test_the_turn_is_the_speakers_first_move_not_a_state() -> None:
    story = [
        "I was the on-call engineer that week.",
        "We followed the runbook, but the conversion script failed.",
        "Every backup started failing.",
        "Within an hour I moved the jobs to a spare server.",
        "A day later we switched back.",
    ]
    feats = narrative_features([tokenize(s) for s in story])
    phases = [next(f for f in row if f.startswith("turn:") and "|" not in f) for row in feats]
    assert phases == ["turn:before", "turn:before", "turn:before", "turn:at", "turn:after"]
    assert "tail:" in feats[4] and "tail:" not in feats[3]
    assert "turn:before|we" in feats[1]


def test_a_story_where_the_speaker_never_moves() -> None:
    feats = narrative_features([tokenize("Customers complained."), tokenize("It was slow.")])
    assert all("turn:none" in row for row in feats)
    assert narrative_features([]) == []
