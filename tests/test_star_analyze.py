"""``analyze`` as callers use it: the report, its JSON, edge cases and determinism."""

from __future__ import annotations

import dataclasses
import json
from types import MappingProxyType

import pytest

from bank.model import Bank, Principle, Question
from bot.star import MAX_CHARS, PARTS, StarReport, analyze, readable
from bot.star.score import TOTAL

# Our own example answers.
COMPLETE = """\
Last spring I was the on-call lead for a food delivery app, and every Friday night our \
order service slowed to a crawl. Restaurants were getting orders twenty minutes late \
and we were refunding hundreds of meals.

My manager asked me to find the cause and fix it before the summer peak, six weeks away.

I pulled a month of traces and saw that a weekly report job locked the orders table \
at the busiest hour. I moved the report to a read replica and scheduled it for 4 a.m. \
I also added an alert on lock waits and wrote a runbook for the team.

As a result, Friday latency dropped by 85%, refunds fell from about 300 a week to under \
20, and we got through the summer peak without a single incident.

I learned to look at what else is running before tuning a slow query, and I now check \
scheduled jobs first whenever latency spikes."""

NO_RESULT = """\
Last spring I was the on-call lead for a food delivery app, and every Friday night our \
order service slowed to a crawl.

My manager asked me to find the cause and fix it before the summer peak.

I pulled a month of traces and saw that a weekly report job locked the orders table \
at the busiest hour. I moved the report to a read replica and scheduled it for 4 a.m. \
I also added an alert on lock waits and wrote a runbook for the team."""


def test_a_complete_answer_has_every_part_with_evidence() -> None:
    report = analyze(COMPLETE)
    assert isinstance(report, StarReport)
    assert report.analyzable and report.notice is None
    assert report.missing == ()
    for part in PARTS:
        component = report.components[part]
        assert component.present and component.evidence
        assert all(e in COMPLETE for e in component.evidence)
    labels = [s.label for s in report.sentences]
    assert labels[0] == "situation"
    assert labels[-1] == "learning"
    assert "action" in labels and "result" in labels


def test_a_missing_result_is_reported_and_named_first_in_the_advice() -> None:
    report = analyze(NO_RESULT)
    assert "result" in report.missing
    assert report.missing == tuple(p for p in PARTS if p in report.missing)  # STAR order
    assert report.suggestions[0].startswith("End with the Result")
    assert "result" not in {s.label for s in report.sentences}


def test_sentence_spans_index_the_input() -> None:
    text = "\ufeff  " + COMPLETE.replace("\n", "\r\n")
    report = analyze(text)
    for sentence in report.sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert 0.0 <= sentence.confidence <= 1.0


def test_the_report_is_immutable() -> None:
    report = analyze(COMPLETE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.score = 0  # type: ignore[misc]
    assert isinstance(report.components, MappingProxyType)
    with pytest.raises(TypeError):
        report.components["task"] = report.components["situation"]  # type: ignore[index]


def test_to_json_has_the_documented_shape() -> None:
    data = analyze(COMPLETE).to_json()
    json.dumps(data)  # plain JSON types only
    assert {"sentences", "components", "signals", "score", "suggestions", "follow_up"} <= set(data)
    sentence = data["sentences"][0]
    assert {"start", "end", "text", "label"} <= set(sentence)
    assert sentence["label"] in (*PARTS, "other")
    assert set(data["components"]) == set(PARTS)
    assert set(data["components"]["result"]) >= {"present", "evidence"}
    assert isinstance(data["score"], int)
    assert all(isinstance(s, str) for s in data["suggestions"])
    assert isinstance(data["follow_up"], str) and data["follow_up"]


def test_score_suggestions_and_follow_up() -> None:
    good, poor = analyze(COMPLETE), analyze(NO_RESULT)
    assert 0 <= poor.score < good.score <= 100
    assert TOTAL == 100
    for report in (good, poor):
        assert 2 <= len(report.suggestions) <= 4
        assert report.follow_up.endswith("?")


def test_suggestions_quote_the_answer() -> None:
    report = analyze(NO_RESULT)
    quoted = [s for s in report.suggestions if "“" in s]
    assert quoted
    for suggestion in quoted:
        inside = suggestion.split("“", 1)[1].split("”", 1)[0].rstrip("…")
        assert inside in " ".join(NO_RESULT.split())


def test_analysis_is_deterministic() -> None:
    first = analyze(COMPLETE).to_json()
    assert all(analyze(COMPLETE).to_json() == first for _ in range(3))


@pytest.mark.parametrize(
    ("text", "notice"),
    [
        ("", readable.EMPTY),
        ("   \n\t ", readable.EMPTY),
        ("🎉🎉 👍🔥", readable.NO_WORDS),
        ("\x00\x01\x02\x03 junk \x04\x05\x06\x07\x08" * 20, readable.JUNK),
        (
            "Cuando trabajaba en la empresa, el equipo tenía un problema con los pedidos y "
            "yo lo resolví en una semana con mis compañeros.",
            readable.NOT_ENGLISH,
        ),
        ("我们的团队遇到了一个问题，我负责解决它，最后我们按时完成了项目。", readable.NOT_ENGLISH),
    ],
)
def test_unreadable_input_gets_a_kind_notice(text: str, notice: str) -> None:
    report = analyze(text)
    assert not report.analyzable
    assert report.notice == notice
    assert report.sentences == () and report.score == 0
    assert report.missing == PARTS
    assert report.to_json()["notice"] == notice


def test_terse_english_is_still_english() -> None:
    report = analyze("Migrated DB. Cut latency 40%. Saved $2M.")
    assert report.analyzable


def test_a_one_liner_is_analyzable_but_poor() -> None:
    report = analyze("I fixed the build.")
    assert report.analyzable
    assert report.score < 50
    assert len(report.missing) >= 3


def test_long_input_is_analyzed_up_to_the_limit_with_a_note() -> None:
    text = (COMPLETE + "\n\n") * 30
    assert len(text) > MAX_CHARS
    report = analyze(text)
    assert report.truncated and report.analyzable
    assert report.notice is not None and "20,000" in report.notice
    assert report.sentences[-1].end <= MAX_CHARS
    assert all(text[s.start : s.end] == s.text for s in report.sentences)


BANK = Bank(
    principles=[
        Principle(
            slug="dive-deep",
            name="Dive Deep",
            summary="Stay connected to the details.",
            signals=("traces", "root cause", "data"),
        )
    ],
    questions=[
        Question(
            id="dd-99",
            principle="dive-deep",
            text="Tell me about a time you found the root cause of a hard problem.",
            followups=(
                "What data convinced you?",
                "How did you measure the outcome?",
            ),
        )
    ],
)


def test_principle_and_question_by_id_from_a_bank() -> None:
    report = analyze(NO_RESULT, "dive-deep", "dd-99", bank=BANK)
    assert report.principle == "dive-deep" and report.question_id == "dd-99"
    assert report.signals["relevance"].ok
    # The weakest point is the missing Result: the follow-up probes the outcome.
    assert report.follow_up == "How did you measure the outcome?"


def test_a_question_alone_brings_its_principle() -> None:
    report = analyze(COMPLETE, question="dd-99", bank=BANK)
    assert report.principle == "dive-deep"
    assert report.follow_up in BANK.questions[0].followups


def test_unknown_ids_are_ignored() -> None:
    report = analyze(COMPLETE, "no-such-principle", "zz-00", bank=BANK)
    assert report.analyzable
    assert report.principle is None and report.question_id is None
    assert report.signals["relevance"].ok


def test_objects_work_as_well_as_ids() -> None:
    by_object = analyze(NO_RESULT, BANK.principles[0], BANK.questions[0])
    by_id = analyze(NO_RESULT, "dive-deep", "dd-99", bank=BANK)
    assert by_object.to_json() == by_id.to_json()


def test_the_packaged_bank_is_used_for_slugs() -> None:
    from bank import load_bank

    slug = load_bank().principles[0].slug
    assert analyze(COMPLETE, slug).principle == slug


def test_a_hypothetical_answer_is_first_asked_for_a_real_story() -> None:
    text = (
        "If I had a conflict with my manager, I would first listen carefully. "
        "I would ask questions to understand their view. "
        "Then I would propose a compromise and follow up a week later."
    )
    report = analyze(text)
    assert not report.signals["hypothetical"].ok
    assert "real past example" in report.suggestions[0]
    assert report.suggestions[1].startswith("Then tell it in order")
    assert "specific time" in report.follow_up


def test_code_only_and_labels_only_get_their_own_notices() -> None:
    assert analyze("```python\nprint('hi')\n```").notice == readable.CODE_ONLY
    assert analyze("S:\nT:\nA:\nR:").notice == readable.NO_SENTENCES



def test_a_labelled_answer_without_a_task_is_analyzed() -> None:
    # Looking for a Task among sentences the person's labels had ruled it out of once
    # overflowed exp().
    text = (
        "## Situation\nOur line kept stopping.\n\n## Action\nI replaced the belt.\n\n"
        "## Result\nThe line ran all week.\n\n## Looking back now\nCheck the belt first."
    )
    report = analyze(text)
    assert [s.label for s in report.sentences][:3] == ["situation", "action", "result"]
    assert not report.components["task"].present


def test_a_heading_in_the_persons_own_words_is_a_label() -> None:
    text = "## Situation\nOur line kept stopping.\n\n## What I'd say I learned\nCheck belts."
    assert [s.label for s in analyze(text).sentences] == ["situation", "learning"]
