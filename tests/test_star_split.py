"""The sentence splitter: spans into the original text, robust to the ways people write."""

from __future__ import annotations

import pytest

from bot.star.split import code_spans, split_sentences


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_plain_sentences_and_spans_index_the_text() -> None:
    text = "We had an outage. I fixed it!  Was it worth it? Yes."
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        "We had an outage.",
        "I fixed it!",
        "Was it worth it?",
        "Yes.",
    ]
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)


@pytest.mark.parametrize(
    "text",
    [
        "We used managed queues, e.g. SQS and SNS, for the fan-out.",
        "The team, i.e. the four of us, owned the service.",
        "I worked with Dr. Patel and Mr. Ng on the rollout.",
        "Our users in the U.S. were fine but others were not.",
        "We compared the old vs. the new pipeline.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_an_abbreviation_can_still_end_a_sentence_before_a_usual_opener() -> None:
    text = "We expanded to the U.S. We then hired two people."
    assert sentences(text) == ["We expanded to the U.S.", "We then hired two people."]


@pytest.mark.parametrize(
    "text",
    [
        "We moved 6.5TB of logs with 99.9% uptime.",
        "I upgraded us from v2.3.1 to 3.11 in a week.",
        "The runbook lives at https://wiki.example.com/ops/run.book?page=1 for everyone.",
        "Latency went from 1.2s to 0.4s after the change.",
    ],
)
def test_decimals_sizes_versions_and_urls_stay_whole(text: str) -> None:
    assert sentences(text) == [text]


def test_a_url_at_the_end_of_a_sentence() -> None:
    text = "I wrote it up at https://example.com/a.b. Then I shared it."
    assert sentences(text) == ["I wrote it up at https://example.com/a.b.", "Then I shared it."]


def test_ellipsis_and_lower_case_continuation() -> None:
    assert sentences("It was slow... really slow. Then I fixed it.") == [
        "It was slow... really slow.",
        "Then I fixed it.",
    ]


def test_closing_quotes_stay_with_their_sentence() -> None:
    assert sentences('He said "ship it." So we did.') == ['He said "ship it."', "So we did."]


def test_emoji_can_end_a_sentence_and_lone_emoji_are_not_sentences() -> None:
    text = "We shipped on time 🎉 The customer renewed.\n🚀\n"
    assert sentences(text) == ["We shipped on time 🎉", "The customer renewed."]


def test_bullets_and_numbered_lists_are_stripped_from_sentences() -> None:
    text = "- I wrote the plan\n* I ran the pilot\n• I trained the team\n1. I measured\n2) I shared"
    assert sentences(text) == [
        "I wrote the plan",
        "I ran the pilot",
        "I trained the team",
        "I measured",
        "I shared",
    ]


def test_line_breaks_without_punctuation_end_sentences() -> None:
    text = "We had a backlog of 300 tickets\nI sorted them by age\nWe cleared it in a week"
    assert sentences(text) == [
        "We had a backlog of 300 tickets",
        "I sorted them by age",
        "We cleared it in a week",
    ]


def test_text_wrapped_at_a_fixed_width_keeps_its_sentences_whole() -> None:
    text = (
        "Our release process took two days because every team tested its own\n"
        "part by hand and nobody owned the whole checklist. I set up a weekly\n"
        "review with the team leads and the PM, and we moved the slowest tests\n"
        "into the nightly build.\n"
    )
    assert sentences(text) == [
        "Our release process took two days because every team tested its own\n"
        "part by hand and nobody owned the whole checklist.",
        "I set up a weekly\nreview with the team leads and the PM, and we moved the slowest tests\n"
        "into the nightly build.",
    ]


def test_in_chat_every_line_break_ends_a_sentence_even_in_lower_case() -> None:
    text = "we had a backlog of 300 tickets\nso i sorted them by age\nwe cleared it in a week"
    assert sentences(text) == [
        "we had a backlog of 300 tickets",
        "so i sorted them by age",
        "we cleared it in a week",
    ]


def test_sentences_without_capitals() -> None:
    text = "i run a cafe, been there 2 yrs. we had a problem at 7. so i fixed it! it worked"
    assert sentences(text) == [
        "i run a cafe, been there 2 yrs.",
        "we had a problem at 7.",
        "so i fixed it!",
        "it worked",
    ]
    # ... but not after an abbreviation, an initialism, a single letter or inside brackets.
    for text in (
        "We used tools e.g. linters and tests.",
        "It took approx. ten days.",
        "The U.S. team agreed.",
        "I asked (which one? maybe both) and waited.",
    ):
        assert sentences(text) == [text]


def test_fenced_code_blocks_are_skipped() -> None:
    text = "I wrote a small check:\n```python\nif x. y():\n    pass. Done.\n```\nIt caught 12 bugs."
    assert sentences(text) == ["I wrote a small check:", "It caught 12 bugs."]
    assert code_spans(text) == [(text.index("```"), text.rindex("```") + 3)]


def test_an_unclosed_fence_runs_to_the_end() -> None:
    text = "I fixed it.\n```\nprint('x')"
    assert sentences(text) == ["I fixed it."]


def test_excluded_spans_are_skipped_and_act_as_boundaries() -> None:
    text = "Situation: We had an outage Task: I had to fix it"
    first = (0, len("Situation: "))
    second = (text.index("Task: "), text.index("Task: ") + len("Task: "))
    assert sentences_with(text, [first, second]) == ["We had an outage", "I had to fix it"]


def sentences_with(text: str, exclude: list[tuple[int, int]]) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, exclude)]


def test_headings_and_separators() -> None:
    text = "## Background\nWe were slow.\n---\nI sped it up."
    assert sentences(text) == ["Background", "We were slow.", "I sped it up."]


def test_windows_line_endings_and_tabs() -> None:
    text = "We had a problem.\r\n\r\n\tI solved it.\r\n"
    assert sentences(text) == ["We had a problem.", "I solved it."]


def test_nothing_to_split() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n  ") == []
    assert split_sentences("... --- ***") == []


def test_large_input_splits_completely() -> None:
    # 100 KB of text: every sentence found, spans in order and inside the text.
    unit = "I checked the logs on v1.2 at 9.30 a.m. and found 3 errors, e.g. timeouts. "
    text = unit * (100_000 // len(unit))
    spans = split_sentences(text)
    assert len(spans) == text.count("timeouts.")
    assert all(a < b <= c for (a, b), (c, _) in zip(spans, spans[1:], strict=False))


def test_pathological_punctuation_is_handled() -> None:
    text = "." * 50_000 + " A" + "!" * 50_000
    spans = split_sentences(text)
    assert spans and spans[-1][1] == len(text)


def test_lettered_lists() -> None:
    text = "a) I mapped the flow\nb) I cut two steps\n(c) I measured again"
    assert sentences(text) == ["I mapped the flow", "I cut two steps", "I measured again"]


def test_a_dictated_answer_without_full_stops_is_cut_where_new_sentences_start() -> None:
    text = (
        "okay so I do deliveries in the evenings for a few apps and there is one customer "
        "on my route who uses a wheelchair and lives on the third floor of an old building "
        "so her food always sat in the lobby and went cold before anyone brought it up "
        "I asked her what would help and then I left a note in the driver app for everyone "
        "my manager saw it and added it to the route notes for all the other drivers too"
    )
    pieces = sentences(text)
    assert len(pieces) >= 3
    assert "".join(pieces).replace(" ", "") == text.replace(" ", "")
    assert any(p.startswith("my manager saw it") for p in pieces)
    # Punctuated prose is never cut this way, however long its sentences.
    prose = (
        "I do deliveries in the evenings for a few apps, and one customer on my route "
        "lives on the third floor of an old building, so her food always sat in the lobby "
        "and went cold and then I asked her what would help. She said a call. I called."
    )
    assert len(sentences(prose)) == 3
