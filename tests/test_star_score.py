"""The score and advice judge like an interviewer: behaviour tests on whole answers.

Margins rest on the rubric, not on the part finder's exact confidences, so they hold
when the model is retrained. Every example answer is our own writing."""

from __future__ import annotations

import re

import pytest

from bot.star import analyze, render_feedback
from bot.star.report import StarReport

FREE = """\
Last year I was the backend lead for a grocery delivery app, and every Monday morning \
our order service fell over under the weekly restock traffic. Stores could not accept \
orders for up to an hour, and support logged around 400 complaints each time.

My manager asked me to make Monday mornings boring again before the holiday season, \
which was eight weeks away.

I started by pulling three weeks of traces and found that a nightly stock import was \
still running when the morning rush began, holding locks on the inventory table. I \
moved the import to a staging table and swapped it in with a single rename, so the live \
table was never locked for more than a second. I also added a load test that replays a \
Monday morning, and I ran it against every release for the rest of the quarter. When \
two teammates doubted the rename approach, I walked them through the failure cases and \
I wrote the rollback plan before the switch.

The next Monday the service stayed up, complaints dropped from about 400 to 12, and the \
stores went through the whole holiday season without a single outage.

I learned to look at what else is running before I tune a slow query, and I now check \
scheduled jobs first whenever latency spikes."""

LABELLED = """\
Situation: Last autumn our mobile team was about to miss the store deadline for a \
payments update, because the review build kept crashing on older phones.
Task: As the release owner, I had to get a stable build submitted within four days \
without dropping the new card scanner.
Action: I reproduced the crash on a borrowed old phone, traced it to an image library \
that ran out of memory, and swapped in a lighter decoder. I asked two teammates to \
re-test the flows I had changed, while I wrote a short note for support about the fix. \
I also set up a nightly run of the test suite on the old phone so the next regression \
would show up the same day.
Result: I submitted the build a day early, the crash rate on older phones fell from 6% \
to under 0.5%, and the update reached 90% of users within two weeks.
Learning: I learned to keep an old test device on my desk, and I now run every release \
on it first."""

VOLUNTEER = """\
Two summers ago I coordinated volunteers for a food bank in my town, and our Saturday \
distribution had become chaotic: families queued for over an hour in the sun and some \
left with nothing because the popular items ran out early.

The board asked me to fix the queue before the autumn, when demand usually doubles.

I timed each station for three Saturdays and saw that check-in was the bottleneck, \
because every family was registered on paper. I set up a shared spreadsheet on two \
tablets, trained six volunteers to use it, and split the pick-up into time slots that \
families chose by text message. I also agreed with the two biggest donors to deliver \
on Friday evening, so the shelves were full at opening.

By October the average wait fell from 70 minutes to 15, we served 30% more families \
each Saturday, and nobody went home empty-handed.

I learned that measuring the slowest step beats guessing, and I now time a process \
before I change it."""

GOOD = (FREE, LABELLED, VOLUNTEER)

BREAD = """\
S: On Saturday morning there was no bread left in our kitchen.
T: I had to get a loaf before the family woke up for breakfast.
A: I put on my shoes, walked to the bakery two streets away, chose a sourdough loaf and \
paid at the counter.
R: We had fresh toast with breakfast and everyone was happy.
L: I learned to check the bread bin on Friday evening."""

INVENTED = """\
Situation: Our team's reporting tool was slow and expensive to run.
Task: I was asked to make it cheaper.
Action: I rewrote the data pipeline over two weeks, replaced the nightly batch with an \
incremental job, and moved storage to a cheaper tier.
Result: I saved 100% of costs and revenue went up 500% in a month.
Learning: I learned that I am always right."""

BLAMING = """\
Situation: Last spring our team was about to ship a new checkout page, and QA had found \
three known bugs in the payment form two days before launch.
Task: I was the engineer responsible for the release and had to decide whether to ship.
Action: My manager wanted the date kept, so I shipped the page with the bugs still open \
and planned to patch them the following week. I wrote a short note in the release \
channel listing the bugs.
Result: 300 customers hit the bug and we lost two accounts.
Learning: I learned nothing really, it was my manager's fault."""

HYPOTHETICAL = """\
S: A customer is unhappy with a late delivery.
T: I would need to make them happy again.
A: I would call them, listen to the problem, and offer a refund or a discount on the \
next order. I would also check with the warehouse why it was late and make sure it \
does not happen again.
R: The customer would be happy and would order again.
L: I would learn to check deliveries more often."""

SKELETONS = (
    "T: I had to fix it. A: I fixed it.",
    "S: Our warehouse app crashed every Monday morning.\nT: I had to fix it.\nA: I fixed it.",
    "S: There was a problem at work. T: I had to fix it. A: I fixed it. R: It worked. "
    "L: I learned a lot.",
    "Situation: bad release.\nTask: fix it.\nAction: fixed it.\nResult: it worked.\n"
    "Learning: test more.",
    "**S** Team was late. **T** I owned the plan. **A** I made a new plan. **R** We "
    "shipped. **L** Plan early.",
)

BLAME_ENDINGS = (
    "It was my manager's fault, I didn't learn much.",
    "Honestly it only went wrong because the other team didn't test their part.",
    "Looking back, the vendor should have warned us, so I don't think there was a lesson.",
)

_PRONOUNS = {"i": "we", "me": "us", "my": "our", "mine": "ours", "myself": "ourselves",
             "i'm": "we're", "i've": "we've", "i'd": "we'd", "i was": "we were"}


def told_with_we(text: str) -> str:
    def swap(match: re.Match[str]) -> str:
        new = _PRONOUNS[match.group().lower()]
        return new.capitalize() if match.group()[0].isupper() and match.start() == 0 else new

    return re.sub(r"\b(?:i was|i'm|i've|i'd|i|me|my|mine|myself)\b", swap, text, flags=re.I)


def reply_text(report: StarReport) -> str:
    return render_feedback(report).as_text()


def quotes(text: str) -> list[str]:
    return [q.removesuffix("…") for q in re.findall(r"“([^”]+)”", text)]


# --- the order an interviewer would put answers in -----------------------------------


@pytest.mark.parametrize("text", GOOD)
def test_good_answers_score_high_and_are_praised(text: str) -> None:
    report = analyze(text)
    assert report.score >= 80
    assert "Nice work!" in reply_text(report)


@pytest.mark.parametrize("text", GOOD)
def test_a_story_told_only_with_we_scores_at_least_8_below_its_i_version(text: str) -> None:
    mine, ours = analyze(text), analyze(told_with_we(text))
    assert ours.signals["ownership"].value["i"] == 0
    assert ours.score <= mine.score - 8
    assert "never say what you did" in render_feedback(ours).body


@pytest.mark.parametrize("skeleton", SKELETONS)
def test_label_only_skeletons_score_under_50(skeleton: str) -> None:
    report = analyze(skeleton)
    assert report.score < 50
    assert "Nice work!" not in reply_text(report)


@pytest.mark.parametrize("text", GOOD)
def test_pasting_twice_is_flagged_and_costs(text: str) -> None:
    once, twice = analyze(text), analyze(f"{text}\n\n{text}")
    assert not twice.signals["duplicated"].ok
    assert twice.score <= once.score - 10
    assert any("comes twice" in s for s in twice.suggestions)


def test_a_story_pasted_19_times_is_flagged_as_duplicated_and_far_too_long() -> None:
    report = analyze("\n\n".join([FREE] * 19))
    text = reply_text(report)
    assert not report.signals["duplicated"].ok
    assert "far too long" in text and "appears" in text
    assert report.score < 55
    assert "Nice work!" not in text


@pytest.mark.parametrize("text", GOOD)
@pytest.mark.parametrize("ending", BLAME_ENDINGS)
def test_appending_blame_never_raises_a_score(text: str, ending: str) -> None:
    before = analyze(text)
    after = analyze(f"{text} {ending}")
    assert after.score < before.score
    assert not (after.signals["blame"].ok and after.signals["no_lesson"].ok)


def test_the_blaming_story_scores_low_and_is_never_told_to_lead_with_the_bad_outcome() -> None:
    report = analyze(BLAMING)
    assert report.score < 55
    assert not report.signals["blame"].ok and not report.signals["no_lesson"].ok
    text = reply_text(report)
    assert "lead with" not in text.lower()
    assert "blame" in " ".join(report.suggestions)
    assert "Nice work!" not in text


def test_a_hypothetical_answer_stays_low_whatever_its_labels() -> None:
    report = analyze(HYPOTHETICAL)
    assert report.score < 40
    assert "real past example" in report.suggestions[0]


@pytest.mark.parametrize("principle", [None, "customer-obsession"])
def test_a_labelled_bread_errand_scores_low_and_is_not_praised(principle: str | None) -> None:
    report = analyze(BREAD, principle)
    assert report.missing == ()  # all five labels are there, and that is not enough
    assert report.score < 45
    text = reply_text(report)
    assert "Nice work!" not in text
    assert "nothing is at stake" in text.lower()


def test_invented_numbers_are_flagged_not_praised_as_a_measurable_result() -> None:
    report = analyze(INVENTED)
    text = reply_text(report)
    assert not report.signals["implausible"].ok
    assert "100%" in report.signals["implausible"].value
    assert "measurable result" not in text
    assert "hard to believe" in text
    assert not report.signals["no_lesson"].ok  # "I am always right"
    assert report.score < 55


def test_a_good_answer_outscores_every_weak_one() -> None:
    weak = (BREAD, INVENTED, BLAMING, HYPOTHETICAL, *SKELETONS)
    lowest_good = min(analyze(text).score for text in GOOD)
    assert all(analyze(text).score < lowest_good for text in weak)


# --- feedback a member can act on --------------------------------------------------------


@pytest.mark.parametrize(
    "text", [*GOOD, BREAD, INVENTED, BLAMING, HYPOTHETICAL, *SKELETONS, FREE[:400]]
)
def test_feedback_shape(text: str) -> None:
    report = analyze(text)
    reply = render_feedback(report)
    assert 2 <= len(reply.suggestions) <= 3
    assert "interviewer" in reply.body.splitlines()[0].lower()
    flat = " ".join(text.split())
    ours = ("from 40 to 12 tickets a week", "Nothing to learn", "how did you know?")
    for suggestion in reply.suggestions:
        for quoted in quotes(suggestion):
            assert quoted in flat or quoted in ours
    if report.score < 70:
        assert "Nice work!" not in reply.as_text()


def test_nothing_missing_means_no_add_this_part_advice() -> None:
    report = analyze(LABELLED)
    assert report.missing == ()
    for suggestion in report.suggestions:
        assert not suggestion.startswith(
            ("Add the Action", "Say what you were responsible", "End with the Result",
             "Open with", "Close with")
        )


def test_a_short_answer_is_not_told_to_trim_context() -> None:
    report = analyze(SKELETONS[1])
    assert not any("trim" in s.lower() or "cut set-up" in s for s in report.suggestions)


def test_one_suggestion_per_problem() -> None:
    report = analyze("\n\n".join([FREE] * 3))
    about_length = [s for s in report.suggestions if "min spoken" in s or "words (about" in s]
    about_copies = [s for s in report.suggestions if "comes 3 times" in s]
    assert len(about_length) <= 1 and len(about_copies) == 1
    assert report.suggestions[0] == about_copies[0]  # the costliest first


def test_the_rubric_in_bench_readme_matches_the_code() -> None:
    from pathlib import Path

    from bot.star import score

    readme = (Path(__file__).parent.parent / "bench" / "README.md").read_text(encoding="utf-8")
    expected = {
        **{name.title(): points for name, points in score.PART_POINTS.items()},
        "ownership": score.OWNERSHIP_POINTS,
        "real example": score.REAL_EXAMPLE_POINTS,
        "measurable result": score.METRICS_POINTS,
        "length": score.LENGTH_POINTS,
        "stakes": score.STAKES_POINTS,
        "relevance": score.RELEVANCE_POINTS,
        "balance": score.BALANCE_POINTS,
        "concise": score.CONCISE_POINTS,
    }
    for name, points in expected.items():
        assert f"| {name} | {points} |" in readme
        assert re.search(rf"^{name}\s+{points}\s", score.__doc__ or "", re.M)
    assert sum(expected.values()) == score.TOTAL == 100


def test_feedback_on_a_whole_train_file_keeps_its_promises() -> None:
    import json
    from pathlib import Path

    path = Path(__file__).parent / "data" / "star_corpus" / "train_a.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        report = analyze(text)
        reply = render_feedback(report)
        assert 2 <= len(reply.suggestions) <= 3
        assert len(reply.as_text()) <= 1900
        if report.score < 80:
            assert "Nice work!" not in reply.as_text()
        ours = [re.sub(r"“[^”]*”", "", s).lower() for s in reply.suggestions]
        assert not any("lead with" in s for s in ours)
        if not report.missing:
            assert not any(s.startswith(("Add the Action", "End with the Result")) for s in
                           reply.suggestions)
