"""The question bank: the packaged data, load-time validation, principle lookup, and
community question files (read, validate, export)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bank import (
    Bank,
    BankError,
    Principle,
    Question,
    load_bank,
    load_bank_from,
    merge_custom,
    resolve_principle,
)
from bank.io import read_questions_file, write_questions

CANONICAL_SLUGS = [
    "customer-obsession",
    "ownership",
    "invent-and-simplify",
    "are-right-a-lot",
    "learn-and-be-curious",
    "hire-and-develop-the-best",
    "insist-on-the-highest-standards",
    "think-big",
    "bias-for-action",
    "frugality",
    "earn-trust",
    "dive-deep",
    "have-backbone",
    "deliver-results",
    "best-employer",
    "broad-responsibility",
]

PRINCIPLES_TOML = """
[[principles]]
slug = "alpha"
name = "Alpha Principle"
color = 0x112233
summary = "The first one."
signals = ["alpha", "first"]

[[principles]]
slug = "beta"
name = "Beta Principle"
color = 0x445566
summary = "The second one."
signals = ["beta"]
"""


def question_toml(principle: str, *entries: str) -> str:
    return f'principle = "{principle}"\n' + "\n".join(entries)


def entry(qid: str, text: str = "Tell me about a time.", followups: str = '["Why?"]') -> str:
    return f'[[questions]]\nid = "{qid}"\ntext = "{text}"\nfollowups = {followups}\n'


def make_bank_dir(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / "principles.toml").write_text(PRINCIPLES_TOML, encoding="utf-8")
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def problems_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank_from(make_bank_dir(tmp_path, files))
    return caught.value.problems


# the packaged bank ---------------------------------------------------------------------


def test_packaged_bank_has_the_16_principles_in_canonical_order() -> None:
    bank = load_bank()
    assert [p.slug for p in bank.principles] == CANONICAL_SLUGS
    assert [p.order for p in bank.principles] == list(range(1, 17))
    assert bank.principle("have-backbone").name == "Have Backbone; Disagree and Commit"
    assert bank.principle("best-employer").name == "Strive to be Earth's Best Employer"


def test_packaged_principles_have_summaries_colours_and_signals() -> None:
    bank = load_bank()
    assert len({p.color for p in bank.principles}) == 16
    for principle in bank.principles:
        assert principle.summary and principle.summary.count(". ") <= 1, principle.slug
        assert 15 <= len(principle.signals) <= 30, principle.slug
        assert all(s == s.lower().strip() and s for s in principle.signals), principle.slug


def test_packaged_questions_are_complete_and_uniquely_identified() -> None:
    bank = load_bank()
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids)) >= 192
    for principle in bank.principles:
        assert len(bank.questions_for(principle.slug)) >= 12, principle.slug
    for question in bank.questions:
        assert 2 <= len(question.followups) <= 3, question.id
        assert question.text.endswith(("?", ".")), question.id
        assert not question.custom
    assert {q.audience for q in bank.questions} == {None, "people-managers"}


def test_packaged_questions_come_in_principle_order() -> None:
    bank = load_bank()
    order = {p.slug: p.order for p in bank.principles}
    orders = [order[q.principle] for q in bank.questions]
    assert orders == sorted(orders)


def test_load_bank_is_cached() -> None:
    assert load_bank() is load_bank()


# validation at load --------------------------------------------------------------------


def test_a_small_valid_bank_loads_in_principle_order(tmp_path: Path) -> None:
    bank = load_bank_from(
        make_bank_dir(
            tmp_path,
            {
                "a.toml": question_toml("beta", entry("b-01")),
                "b.toml": question_toml("alpha", entry("a-01"), entry("a-02")),
            },
        )
    )
    assert [q.id for q in bank.questions] == ["a-01", "a-02", "b-01"]
    assert [(p.slug, p.order) for p in bank.principles] == [("alpha", 1), ("beta", 2)]
    assert bank.question("a-01").followups == ("Why?",)


def test_duplicate_id_across_files_names_both_places(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "alpha.toml": question_toml("alpha", entry("x-01")),
            "beta.toml": question_toml("beta", entry("y-01"), entry("x-01")),
        },
    )
    assert problems == [
        "beta.toml, question 2 (id 'x-01'): duplicate id 'x-01' "
        "(first used at alpha.toml, question 1)"
    ]


def test_unknown_principle_names_file_entry_and_value(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, {"gamma.toml": question_toml("gamma", entry("g-01"))})
    assert len(problems) == 1
    assert problems[0].startswith("gamma.toml, question 1 (id 'g-01'): unknown principle 'gamma'")
    assert "alpha, beta" in problems[0]


def test_empty_text_names_file_and_entry(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path, {"alpha.toml": question_toml("alpha", entry("a-01"), entry("a-02", text="  "))}
    )
    assert problems == ["alpha.toml, question 2 (id 'a-02'): text is empty"]


def test_wrong_types_and_missing_followups_are_reported_together(tmp_path: Path) -> None:
    problems = problems_of(
        tmp_path,
        {
            "alpha.toml": question_toml(
                "alpha",
                entry("a-01", followups='"just one string"'),
                entry("a-02", followups="[]"),
                '[[questions]]\nid = 7\ntext = "Hi."\nfollowups = ["x"]\n',
                entry("a-04") + 'folowups = ["typo"]\n',
            )
        },
    )
    assert problems == [
        "alpha.toml, question 1 (id 'a-01'): followups must be a list of texts, "
        "got 'just one string'",
        "alpha.toml, question 2 (id 'a-02'): needs at least 1 follow-up, found 0",
        "alpha.toml, question 3: id must be text, got 7",
        "alpha.toml, question 4 (id 'a-04'): unknown key(s) 'folowups'; "
        "expected id, principle, text, followups, audience",
    ]


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    problems = problems_of(tmp_path, {"alpha.toml": 'principle = "alpha"\n[[questions]\n'})
    assert len(problems) == 1
    assert problems[0].startswith("alpha.toml: not valid TOML:")


def test_a_question_file_without_questions_is_rejected(tmp_path: Path) -> None:
    assert problems_of(tmp_path, {"alpha.toml": 'principle = "alpha"\n'}) == [
        "alpha.toml: no [[questions]] entries found"
    ]


def test_bad_principles_file_names_the_principle(tmp_path: Path) -> None:
    (tmp_path / "principles.toml").write_text(
        PRINCIPLES_TOML.replace("0x445566", '"blue"').replace('"alpha", "first"', '"Alpha"'),
        encoding="utf-8",
    )
    with pytest.raises(BankError) as caught:
        load_bank_from(tmp_path)
    assert caught.value.problems == [
        "principles.toml, principle 1 (alpha): signals must be lowercase with no "
        "surrounding spaces",
        "principles.toml, principle 2 (beta): color must be an RGB number such as 0xFF9900, "
        "got 'blue'",
    ]


def test_duplicate_principle_slug_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "principles.toml").write_text(
        PRINCIPLES_TOML.replace('slug = "beta"', 'slug = "alpha"'), encoding="utf-8"
    )
    with pytest.raises(BankError, match=r"principle 2 \(alpha\): same slug or name"):
        load_bank_from(tmp_path)


# resolving principles -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("ownership", "ownership"),
        ("Customer Obsession", "customer-obsession"),
        ("customer_obsession", "customer-obsession"),
        ("  CUSTOMER-obsession ", "customer-obsession"),
        ("Are Right A Lot", "are-right-a-lot"),
        ("strive to be earths best employer", "best-employer"),
        ("cust", "customer-obsession"),
        ("Dive", "dive-deep"),
        ("backbone", "have-backbone"),
        ("Disagree and Commit", "have-backbone"),
    ],
)
def test_resolve_principle_accepts_slugs_names_and_unique_parts(text: str, slug: str) -> None:
    assert resolve_principle(load_bank(), text).slug == slug


def test_resolve_principle_rejects_fragments_too_short_to_mean_anything() -> None:
    with pytest.raises(BankError, match="Unknown principle 'co'.*Known principles: customer"):
        resolve_principle(load_bank(), "co")


def test_resolve_principle_lists_the_candidates_when_ambiguous() -> None:
    with pytest.raises(BankError) as caught:
        resolve_principle(load_bank(), "the")
    message = str(caught.value)
    assert "more than one principle" in message
    assert "hire-and-develop-the-best" in message
    assert "insist-on-the-highest-standards" in message


def test_resolve_principle_suggests_close_spellings() -> None:
    with pytest.raises(BankError, match="did you mean frugality"):
        resolve_principle(load_bank(), "frugalty")


# merging custom questions ----------------------------------------------------------------


def test_merge_custom_adds_questions_in_principle_order_without_touching_the_bank() -> None:
    bank = load_bank()
    before = list(bank.questions)
    custom = [
        Question("acme-1", "dive-deep", "Custom dive?", custom=True),
        Question("acme-2", "customer-obsession", "Custom customer?", custom=True),
        Question("co-01", "ownership", "Clashes with a packaged id.", custom=True),
        Question("acme-3", "no-such-principle", "Orphan.", custom=True),
    ]
    merged = merge_custom(bank, custom)
    assert bank.questions == before
    assert [q.id for q in merged.questions if q.custom] == ["acme-2", "acme-1"]
    assert merged.questions_for("customer-obsession")[-1].id == "acme-2"
    assert merged.question("co-01") == bank.question("co-01")


# community files -------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_csv_with_principle_names_and_split_followups(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ours.csv",
        "id,principle,text,followups,audience\n"
        'acme-01,Customer Obsession,"Tell me, briefly, about a ""hard"" customer.",'
        "Who were they? | What changed? |,\n"
        "acme-02,dive_deep,Tell me about a log you read.,,people-managers\n",
    )
    assert read_questions_file(path, load_bank()) == [
        Question(
            "acme-01",
            "customer-obsession",
            'Tell me, briefly, about a "hard" customer.',
            ("Who were they?", "What changed?"),
            None,
            custom=True,
        ),
        Question(
            "acme-02", "dive-deep", "Tell me about a log you read.", (), "people-managers", True
        ),
    ]


def test_read_yaml_and_toml(tmp_path: Path) -> None:
    yaml_path = write(
        tmp_path,
        "ours.yml",
        "- id: acme-01\n  principle: Think Big\n  text: Describe your boldest plan.\n"
        "  followups:\n    - How far did it get?\n",
    )
    toml_path = write(
        tmp_path,
        "ours.toml",
        'principle = "frugality"\n[[questions]]\nid = "acme-02"\ntext = "Name a saving."\n'
        '[[questions]]\nid = "acme-03"\nprinciple = "Earn Trust"\ntext = "Name a promise."\n'
        'followups = ["Kept?"]\n',
    )
    bank = load_bank()
    assert read_questions_file(yaml_path, bank) == [
        Question(
            "acme-01",
            "think-big",
            "Describe your boldest plan.",
            ("How far did it get?",),
            custom=True,
        )
    ]
    assert [(q.id, q.principle, q.followups) for q in read_questions_file(toml_path, bank)] == [
        ("acme-02", "frugality", ()),
        ("acme-03", "earn-trust", ("Kept?",)),
    ]


def test_invalid_csv_is_rejected_whole_naming_each_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ours.csv",
        "id,principle,text,followups\n"
        "acme-01,ownership,A fine question?,\n"
        "acme-02,ownership,,\n"
        "acme-03,cust,Which customer?,\n"
        "co-01,ownership,Reuses a packaged id.,\n"
        "\n"
        "acme-01,ownership,Same id again.,\n"
        "acme-04,ownership,Too,many,fields\n",
    )
    with pytest.raises(BankError) as caught:
        read_questions_file(path, load_bank())
    assert caught.value.problems == [
        f"{path}, line 3 (id 'acme-02'): text is missing",
        f"{path}, line 4 (id 'acme-03'): unknown principle 'cust'; did you mean "
        "customer-obsession?",
        f"{path}, line 5 (id 'co-01'): id is already used by a packaged question; "
        "choose another id",
        f"{path}, line 7 (id 'acme-01'): duplicate id 'acme-01' (first used at {path}, line 2)",
        f"{path}, line 8: 5 fields but the header has 4",
    ]


def test_csv_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ours.csv",
        'id,principle,text\nacme-01,ownership,"Two\nlines?"\nacme-02,nobody,Third?\n',
    )
    with pytest.raises(BankError, match=r"ours\.csv, line 4 \(id 'acme-02'\): unknown"):
        read_questions_file(path, load_bank())


def test_csv_with_an_unknown_column_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "ours.csv", "id,principle,question\nacme-01,ownership,Hi?\n")
    with pytest.raises(BankError, match=r"line 1 \(header\): unknown column\(s\) 'question'"):
        read_questions_file(path, load_bank())


def test_yaml_problems_name_the_item_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "ours.yaml",
        "- id: acme-01\n  principle: ownership\n  text: Fine?\n"
        "- just a string\n"
        "- id: acme-02\n  principle: ownership\n  text: Fine?\n  followups: one\n",
    )
    with pytest.raises(BankError) as caught:
        read_questions_file(path, load_bank())
    assert caught.value.problems == [
        f"{path}, item 2 (line 4): expected an entry with keys id, principle, text, "
        "followups, audience, got 'just a string'",
        f"{path}, item 3 (line 5) (id 'acme-02'): followups must be a list of texts, got 'one'",
    ]


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("ours.txt", "x", "unsupported file type"),
        ("ours.yaml", "id: acme-01\n", "expected a list of questions"),
        ("ours.yaml", "- [unclosed\n", "line 2, column 1: not valid YAML"),
        ("ours.csv", "", "contains no questions"),
    ],
)
def test_unreadable_files_are_rejected(tmp_path: Path, name: str, text: str, reason: str) -> None:
    with pytest.raises(BankError, match=reason):
        read_questions_file(write(tmp_path, name, text), load_bank())


def test_missing_file_is_a_bank_error(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="no such file"):
        read_questions_file(tmp_path / "nope.csv", load_bank())


def test_unchanged_packaged_questions_are_accepted_as_themselves(tmp_path: Path) -> None:
    packaged = load_bank().question("co-01")
    buffer = io.StringIO()
    write_questions([packaged], "yaml", buffer)
    path = write(tmp_path, "export.yaml", buffer.getvalue())
    assert read_questions_file(path, load_bank()) == [packaged]


@pytest.mark.parametrize("fmt", ["csv", "yaml"])
def test_export_reads_back_to_the_same_questions(tmp_path: Path, fmt: str) -> None:
    bank = load_bank()
    questions = [
        *bank.questions,
        Question("acme-01", "ownership", 'Commas, "quotes"\nand a line break?', (), None, True),
        Question(
            "acme-02", "best-employer", "Ünïcode — fine?", ("Why?", "How?"), "people-managers", True
        ),
    ]
    buffer = io.StringIO()
    write_questions(questions, fmt, buffer)
    path = write(tmp_path, f"export.{fmt}", buffer.getvalue())
    assert read_questions_file(path, bank) == questions


def test_write_questions_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_questions([], "xml", io.StringIO())


def test_a_principle_can_be_looked_up_in_a_hand_built_bank() -> None:
    principles = [
        Principle("alpha-one", "Alpha One", "x", order=1),
        Principle("alpha-two", "Alpha Two", "y", order=2),
    ]
    bank = Bank(principles=principles)
    assert resolve_principle(bank, "alpha one") == principles[0]
    with pytest.raises(BankError, match="could mean more than one principle"):
        resolve_principle(bank, "alpha")
