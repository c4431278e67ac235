"""``lpbot ask`` and ``lpbot bank ...`` run end to end through ``bot.cli.main`` against
a temporary SQLite database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bank import load_bank
from bank.io import read_questions_file
from bot import __version__
from bot.cli import main

RECORD_KEYS = {"id", "principle", "principle_name", "text", "followups", "audience", "custom"}

COMMUNITY_YAML = """\
- id: acme-01
  principle: Customer Obsession
  text: Tell me about a support ticket you still think about.
  followups:
    - What made it memorable?
    - What changed afterwards?
- id: acme-02
  principle: think-big
  text: Describe the boldest plan you have pitched.
  audience: people-managers
"""


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A not-yet-created SQLite file as DATABASE_URL; the working directory moves to
    ``tmp_path`` so no developer ``.env`` leaks in."""
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "db" / "lpbot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{path}")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "bank", "list", "--json")
    assert code == 0
    return json.loads(out)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ask -------------------------------------------------------------------------------------


def test_ask_json_gives_one_question_of_the_requested_principle(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, err = run(capsys, "ask", "--principle", "Dive Deep", "--json")
    assert (code, err) == (0, "")
    record = json.loads(out)
    assert set(record) == RECORD_KEYS
    question = load_bank().question(record["id"])
    assert record["principle"] == question.principle == "dive-deep"
    assert record["principle_name"] == "Dive Deep"
    assert record["text"] == question.text
    assert record["followups"] == list(question.followups)
    assert not database.exists()  # reading never creates the database


def test_ask_prints_a_readable_question_with_followups(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, _ = run(capsys, "ask", "--principle", "cust")
    assert code == 0
    heading = out.splitlines()[0]
    assert heading.startswith("Customer Obsession (co-")
    question = load_bank().question(heading.split("(")[1].rstrip(")"))
    assert question.text in out
    assert "Follow-ups:" in out
    for followup in question.followups:
        assert f"  - {followup}" in out


def test_ask_with_an_unknown_principle_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, err = run(capsys, "ask", "--principle", "frugalty")
    assert (code, out) == (2, "")
    assert "Unknown principle 'frugalty'; did you mean frugality?" in err


# list ------------------------------------------------------------------------------------


def test_list_json_is_one_array_of_every_question(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    records = listed(capsys)
    bank = load_bank()
    assert [r["id"] for r in records] == [q.id for q in bank.questions]
    assert all(set(r) == RECORD_KEYS for r in records)
    by_id = {r["id"]: r for r in records}
    assert by_id["hd-05"]["audience"] == "people-managers"
    assert by_id["hb-01"]["principle_name"] == "Have Backbone; Disagree and Commit"


def test_list_filters_by_principle(capsys: pytest.CaptureFixture[str], database: Path) -> None:
    code, out, _ = run(capsys, "bank", "list", "--principle", "frugality", "--json")
    assert code == 0
    assert {r["principle"] for r in json.loads(out)} == {"frugality"}

    code, out, _ = run(capsys, "bank", "list", "--principle", "ownership")
    assert code == 0
    assert out.splitlines()[0] == "Ownership (13 questions)"
    assert "  ow-01    Tell me about a time you took on a problem" in out
    assert "Frugality" not in out


# validate --------------------------------------------------------------------------------


def test_validate_accepts_a_good_file(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "ours.yaml", COMMUNITY_YAML)
    assert run(capsys, "bank", "validate", str(path)) == (0, f"{path}: 2 questions OK\n", "")


def test_validate_rejects_a_bad_file_with_every_reason(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "ours.csv",
        "id,principle,text,followups\nacme-01,ownership,Fine?,\nacme-02,nobody,Who?,\n"
        "acme-03,ownership,,\n",
    )
    code, out, err = run(capsys, "bank", "validate", str(path))
    assert (code, out) == (1, "")
    assert f"{path}, line 3 (id 'acme-02'): unknown principle 'nobody'" in err
    assert f"{path}, line 4 (id 'acme-03'): text is missing" in err
    assert "line 2" not in err


# import ----------------------------------------------------------------------------------


def test_import_stores_questions_that_list_and_ask_then_include(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    path = write(tmp_path, "ours.yaml", COMMUNITY_YAML)
    assert run(capsys, "bank", "import", str(path)) == (0, f"{path}: imported 2 questions\n", "")
    custom = [r for r in listed(capsys) if r["custom"]]
    assert custom == [
        {
            "id": "acme-01",
            "principle": "customer-obsession",
            "principle_name": "Customer Obsession",
            "text": "Tell me about a support ticket you still think about.",
            "followups": ["What made it memorable?", "What changed afterwards?"],
            "audience": None,
            "custom": True,
        },
        {
            "id": "acme-02",
            "principle": "think-big",
            "principle_name": "Think Big",
            "text": "Describe the boldest plan you have pitched.",
            "followups": [],
            "audience": "people-managers",
            "custom": True,
        },
    ]


def test_a_bad_file_is_rejected_with_the_row_and_nothing_is_imported(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    run(capsys, "bank", "import", str(write(tmp_path, "first.yaml", COMMUNITY_YAML)))
    bad = write(
        tmp_path,
        "second.csv",
        "id,principle,text,followups,audience\n"
        "acme-10,ownership,A perfectly good question?,Why?,\n"
        "acme-11,ownership,,Why?,\n",
    )
    code, out, err = run(capsys, "bank", "import", str(bad))
    assert (code, out) == (1, "")
    assert f"{bad}, line 3 (id 'acme-11'): text is missing" in err
    assert "Nothing was imported." in err
    assert [r["id"] for r in listed(capsys) if r["custom"]] == ["acme-01", "acme-02"]


def test_import_skips_questions_that_are_already_packaged(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "bank", "export", "--format", "csv")
    path = write(tmp_path, "everything.csv", out)
    code, out, _ = run(capsys, "bank", "import", str(path))
    assert code == 0
    assert "nothing to import" in out
    assert not database.exists()


# export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "csv"])
def test_export_round_trips_through_validate(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path, fmt: str
) -> None:
    run(capsys, "bank", "import", str(write(tmp_path, "ours.yaml", COMMUNITY_YAML)))
    everything = listed(capsys)
    code, exported, _ = run(capsys, "bank", "export", "--format", fmt)
    assert code == 0
    path = write(tmp_path, f"export.{fmt}", exported)
    assert run(capsys, "bank", "validate", str(path)) == (
        0,
        f"{path}: {len(everything)} questions OK\n",
        "",
    )
    back = read_questions_file(path, load_bank())
    assert [(q.id, q.principle, q.text, list(q.followups), q.audience) for q in back] == [
        (r["id"], r["principle"], r["text"], r["followups"], r["audience"]) for r in everything
    ]


def test_export_defaults_to_yaml_and_can_limit_to_custom_questions(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    run(capsys, "bank", "import", str(write(tmp_path, "ours.yaml", COMMUNITY_YAML)))
    code, out, _ = run(capsys, "bank", "export", "--custom-only")
    assert code == 0
    assert out.startswith("- id: acme-01\n  principle: customer-obsession\n")
    assert "co-01" not in out


@pytest.mark.parametrize(
    "argv", [["ask"], ["bank"], ["bank", "list"], ["bank", "validate"], ["bank", "export"]]
)
def test_every_level_answers_version(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([*argv, "--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.strip() == f"lpbot {__version__}"
