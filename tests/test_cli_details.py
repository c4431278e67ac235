"""The command line without surprises (issue 15): ``lpbot ask PRINCIPLE``, ``bank
validate`` with no file, ``bank export --format toml``, generated ids, ``check``
exit status and UTF-16 files, and the small texts people read."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime

import pytest

from bank import load_bank
from bank.io import read_questions_file
from bot.events import ChannelRef, CommandInvoked, User
from bot.progress import channel_stats, personal_progress
from bot.star import analyze, render_feedback
from storage.base import AnswerRecord, ChannelConfig
from tests.helpers import FakeClock, close, make_bot
from tests.test_bank_cli import database, run  # noqa: F401  (fixture)

ANSWER = (
    "Last spring our support team for a small billing app saw refund complaints double in "
    "a month. I was asked to find out why before the renewal season. I rewrote the form and "
    "complaints fell by 60%."
)
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
HOME = ChannelRef("terminal", "local")


# ask ---------------------------------------------------------------------------------


@pytest.mark.parametrize("words", [["ownership"], ["dive", "deep"], ["Dive Deep"]])
def test_ask_takes_the_principle_as_chat_does(capsys, database, words):  # noqa: F811
    code, out, err = run(capsys, "ask", *words, "--json")
    assert code == 0, err
    expected = "ownership" if words == ["ownership"] else "dive-deep"
    assert json.loads(out)["principle"] == expected


# bank --------------------------------------------------------------------------------


def test_validate_without_a_file_checks_the_packaged_bank(capsys, database):  # noqa: F811
    code, out, err = run(capsys, "bank", "validate")
    bank = load_bank()
    assert code == 0, err
    assert out.strip() == (
        f"packaged bank: {len(bank.principles)} principles, {len(bank.questions)} questions OK"
    )


def test_export_as_toml_reads_back_to_the_same_questions(
    capsys, database, tmp_path  # noqa: F811
):
    code, out, err = run(capsys, "bank", "export", "--format", "toml")
    assert code == 0, err
    assert len(tomllib.loads(out)["questions"]) == len(load_bank().questions)
    path = tmp_path / "all.toml"
    path.write_text(out, encoding="utf-8")
    assert read_questions_file(path, load_bank()) == load_bank().questions


def test_ids_are_optional_and_generated_stably(capsys, database, tmp_path):  # noqa: F811
    path = tmp_path / "ours.csv"
    path.write_text(
        "principle,text,audience\n"
        "ownership,Tell me about a time you fixed something nobody owned.,\n"
        "Dive Deep,Describe a time you found the root cause of a recurring bug.,engineers\n",
        encoding="utf-8",
    )
    assert run(capsys, "bank", "import", str(path))[0] == 0
    assert run(capsys, "bank", "import", str(path))[0] == 0  # again: replaced, not added
    code, out, _ = run(capsys, "bank", "list", "--json")
    custom = [q for q in json.loads(out) if q["custom"]]
    assert len(custom) == 2
    assert {q["principle"] for q in custom} == {"ownership", "dive-deep"}
    assert all(q["id"].startswith(q["principle"] + "-") for q in custom)


def test_one_question_is_one_question(capsys, database, tmp_path):  # noqa: F811
    path = tmp_path / "one.yaml"
    path.write_text("- principle: frugality\n  text: Tell me about doing more with less.\n")
    code, out, _ = run(capsys, "bank", "validate", str(path))
    assert code == 0 and out.strip() == f"{path}: 1 question OK"


# check -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_check_reads_notepad_files_as_text(capsys, tmp_path, encoding):
    path = tmp_path / "answer.txt"
    path.write_bytes(ANSWER.encode(encoding))
    code, out, _ = run(capsys, "check", "--json", str(path))
    report = json.loads(out)
    assert code == 0 and report["analyzable"] is True
    assert report["score"] == analyze(ANSWER).score


@pytest.mark.parametrize("data", [b"", b"\x00\x01\x02\xff\xfe\x80" * 200])
def test_check_exits_1_when_an_input_cannot_be_analyzed(capsys, tmp_path, data):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(ANSWER, encoding="utf-8")
    bad.write_bytes(data)
    assert run(capsys, "check", str(good))[0] == 0
    assert run(capsys, "check", str(good), str(bad))[0] == 1


# small texts -------------------------------------------------------------------------


def test_one_word_is_one_word() -> None:
    # The advice now gives the costliest three tips; a one-word Action is one of them.
    labelled = (
        "S: The billing server at our shop crashed every Monday morning for a month.\n"
        "T: I had to stop it before the busy season.\nA: Rebooted."
    )
    text = render_feedback(analyze(labelled)).as_text()
    assert "“Rebooted.” is 1 word:" in text
    assert "1 words" not in text


def answer(principle: str, missing: tuple[str, ...] = ()) -> AnswerRecord:
    return AnswerRecord(
        channel=HOME, user_id="ana", text="...", score=70, created_at=NOW,
        principle=principle, missing=missing,
    )


def test_principle_names_with_commas_stay_whole_in_lists() -> None:
    bank = load_bank()
    reply = personal_progress(
        [answer("ownership"), answer("are-right-a-lot")], bank, NOW
    )
    have = reply.sections[0].body
    assert have == "Ownership · Are Right, A Lot"
    assert "Have Backbone; Disagree and Commit · " in reply.sections[1].body


async def test_stats_count_complete_answers_in_the_words_used_everywhere(tmp_path) -> None:
    h = await make_bot(tmp_path / "s.db", FakeClock(NOW))
    try:
        await h.storage.save_answer(answer("ownership", ("learning",)))
        reply = await channel_stats(h.storage, ChannelConfig(HOME), h.bot.bank, NOW)
        assert "four STAR parts" not in reply.body
        assert "1 with Situation, Task, Action and Result" in reply.body
    finally:
        await close(h)


async def test_forget_names_no_platform_and_counts_one_answer(tmp_path) -> None:
    h = await make_bot(tmp_path / "f.db", FakeClock(NOW))
    try:
        await h.storage.save_answer(answer("ownership"))
        ana = User("ana", "Ana")
        result = await h.bot.on_command(CommandInvoked(HOME, ana, "forget"))
        assert result.reply is not None
        assert "on terminal" not in result.reply.body and "all 1" not in result.reply.body
        assert result.reply.body.startswith("This deletes your 1 stored answer and its score")
    finally:
        await close(h)
