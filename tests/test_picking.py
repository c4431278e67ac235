from __future__ import annotations

import random
from collections import Counter

import pytest

from bank.model import Bank, Principle, Question
from bot.picking import NoQuestionsError, pick_question, pick_random_question
from storage.values import AskedQuestion


def make_bank() -> Bank:
    principles = [
        Principle(slug="customer", name="Customers First", summary="Start from the customer."),
        Principle(slug="ownership", name="Owning It", summary="Act for the long term."),
        Principle(slug="simplify", name="Make It Simple", summary="Cut needless steps."),
        Principle(slug="empty", name="No Questions Yet", summary="A principle with none."),
    ]
    questions = [
        Question("c1", "customer", "Tell me about a time a customer changed your plan."),
        Question("c2", "customer", "Describe a time you said no to a customer."),
        Question("c3", "customer", "When did you learn something from a complaint?"),
        Question("o1", "ownership", "Tell me about fixing something outside your role."),
        Question("o2", "ownership", "Describe a decision with long-term costs."),
        Question("o3", "ownership", "How did you grow someone on your team?", audience="managers"),
        Question("s1", "simplify", "Tell me about removing a step from a process."),
        Question(
            "s2", "simplify", "When did you simplify how your team works?", audience="managers"
        ),
    ]
    return Bank(principles=principles, questions=questions)


def history_of(bank: Bank, ids: list[str], status: str = "posted") -> list[AskedQuestion]:
    """One entry per post, oldest first (the picker adds up repeats of a question)."""
    return [AskedQuestion(qid, bank.question(qid).principle, status) for qid in ids]


def run_days(bank: Bank, days: int, seed: int = 7, **kw: str) -> list[str]:
    rng = random.Random(seed)
    picked: list[str] = []
    for _ in range(days):
        question = pick_question(bank, history_of(bank, picked), rng, **kw)
        picked.append(question.id)
    return picked


def test_first_pick_is_the_first_principle_in_canonical_order() -> None:
    bank = make_bank()
    assert pick_question(bank, [], random.Random(1)).principle == "customer"


def test_rotation_goes_through_principles_least_recently_asked_first() -> None:
    bank = make_bank()
    picked = run_days(bank, 9)
    principles = [bank.question(qid).principle for qid in picked]
    # "empty" has no questions and is never chosen
    assert principles == ["customer", "ownership", "simplify"] * 3


def test_never_asked_principle_beats_asked_ones() -> None:
    bank = make_bank()
    history = history_of(bank, ["o1", "c1"])
    assert pick_question(bank, history, random.Random(1)).principle == "simplify"
    # with all asked, the one asked longest ago comes next
    history = history_of(bank, ["s1", "o1", "c1"])
    assert pick_question(bank, history, random.Random(1)).principle == "simplify"
    history = history_of(bank, ["o1", "s1", "c1"])
    assert pick_question(bank, history, random.Random(1)).principle == "ownership"


def test_no_repeat_until_a_principle_is_exhausted_then_start_over() -> None:
    bank = make_bank()
    picked = run_days(bank, 3 * 3 * 3)  # three full rounds of the customer questions
    customer = [qid for qid in picked if qid.startswith("c")]
    rounds = [customer[i : i + 3] for i in range(0, len(customer), 3)]
    assert all(sorted(r) == ["c1", "c2", "c3"] for r in rounds)
    # a new round never starts with the question that ended the previous one
    assert all(rounds[i][0] != rounds[i - 1][-1] for i in range(1, len(rounds)))


def test_same_seed_same_picks_and_seeds_differ() -> None:
    bank = make_bank()
    assert run_days(bank, 20, seed=3) == run_days(bank, 20, seed=3)
    runs = {tuple(run_days(bank, 20, seed=s)) for s in range(10)}
    assert len(runs) > 1


def test_failed_and_skipped_posts_do_not_count_as_asked() -> None:
    bank = make_bank()
    history = history_of(bank, ["c1"], status="failed") + history_of(bank, ["c2"], "skipped")
    for seed in range(20):
        assert pick_question(bank, history, random.Random(seed)).principle == "customer"


def test_principle_filter_keeps_to_that_principle_without_repeats() -> None:
    bank = make_bank()
    picked = run_days(bank, 4, principle="ownership", audience="managers")
    assert sorted(picked[:3]) == ["o1", "o2", "o3"]
    assert picked[3] != picked[2]


def test_audience_tagged_questions_only_for_that_audience() -> None:
    bank = make_bank()
    everyone = run_days(bank, 12, principle="ownership")
    assert set(everyone) == {"o1", "o2"}
    # the first round of simplify questions for everyone is s1, then it starts over
    assert run_days(bank, 3, principle="simplify") == ["s1", "s1", "s1"]
    managers = run_days(bank, 3, principle="simplify", audience="managers")
    assert sorted(managers[:2]) == ["s1", "s2"]


def test_a_principle_with_only_other_audience_questions_falls_back_to_all() -> None:
    bank = make_bank()
    bank.questions.append(Question("x1", "empty", "Only for managers.", audience="managers"))
    assert pick_question(bank, [], random.Random(1), principle="empty").id == "x1"


def test_unknown_principle_and_empty_bank_raise() -> None:
    bank = make_bank()
    with pytest.raises(NoQuestionsError, match="empty"):
        pick_question(bank, [], random.Random(1), principle="empty")
    with pytest.raises(NoQuestionsError):
        pick_question(bank, [], random.Random(1), principle="nope")
    with pytest.raises(NoQuestionsError):
        pick_question(Bank(), [], random.Random(1))
    with pytest.raises(NoQuestionsError):
        pick_random_question(Bank(), [], random.Random(1))


def test_random_question_prefers_questions_not_yet_had() -> None:
    bank = make_bank()
    history = history_of(bank, ["c1", "c3"])
    for seed in range(20):
        assert pick_random_question(bank, history, random.Random(seed), "customer").id == "c2"


def test_random_question_covers_several_principles_and_is_seeded() -> None:
    bank = make_bank()
    picks = [pick_random_question(bank, [], random.Random(seed)) for seed in range(40)]
    counts = Counter(q.principle for q in picks)
    assert set(counts) == {"customer", "ownership", "simplify"}
    again = [pick_random_question(bank, [], random.Random(seed)) for seed in range(40)]
    assert picks == again


def test_the_grouped_history_storage_gives_picks_what_the_full_history_picks() -> None:
    """``Storage.asked_questions`` hands the picker one row per question with a count;
    on random histories it must choose exactly what the post by post history does."""
    from collections import OrderedDict

    from bank import load_bank
    bank = load_bank()
    rng = random.Random(11)
    for _ in range(100):
        history = []
        for _ in range(rng.randint(0, 300)):
            q = rng.choice(bank.questions)
            status = rng.choice(["posted"] * 8 + ["failed", "claimed"])
            history.append(AskedQuestion(q.id, q.principle, status))
        grouped: OrderedDict[tuple[str, str], int] = OrderedDict()
        for record in history:
            if record.status != "failed":
                key = (record.question_id, record.principle)
                grouped[key] = grouped.pop(key, 0) + 1
        asked = [AskedQuestion(q, p, times=t) for (q, p), t in grouped.items()]
        seed = rng.random()
        assert pick_question(bank, asked, random.Random(seed)).id == pick_question(
            bank, history, random.Random(seed)
        ).id
        assert pick_random_question(bank, asked, random.Random(seed)).id == (
            pick_random_question(bank, history, random.Random(seed)).id
        )
