"""``lpbot check``: files and stdin, human and JSON output, exit status."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bot.cli import build_parser, main
from bot.cli.check_cmd import run_check

ANSWER = (
    "Last year our team's nightly data import failed about twice a week. "
    "I owned the import job, so I had to make it reliable before the quarter closed. "
    "I added retries, split the job into smaller batches and wrote an alert for stuck runs. "
    "As a result, failures dropped from eight a month to zero over the next quarter. "
    "I learned to make jobs restartable before making them fast."
)


class FakeStdin(io.StringIO):
    """stdin with a binary buffer, like ``sys.stdin``."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.buffer = io.BytesIO(data)


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    args = build_parser().parse_args(["check", *argv])
    out, err = io.StringIO(), io.StringIO()
    status = run_check(args, stdin=FakeStdin(stdin), out=out, err=err)
    return status, out.getvalue(), err.getvalue()


def test_human_report_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    status, out, err = run([str(path)])
    assert status == 0 and err == ""
    assert "/100" in out
    assert "Sentences:" in out
    assert "[R] As a result, failures dropped" in out


def test_stdin_when_no_file_or_dash() -> None:
    for argv in ([], ["-"]):
        status, out, _ = run(argv, ANSWER.encode())
        assert status == 0 and "/100" in out


def test_json_is_one_object_per_input_in_order(tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(ANSWER, encoding="utf-8")
    second.write_text("I fixed it.", encoding="utf-8")
    status, out, _ = run(["--json", str(first), "-", str(second)], b"")
    lines = out.splitlines()
    assert status == 1 and len(lines) == 3  # 1: the empty stdin could not be analyzed
    objects = [json.loads(line) for line in lines]
    assert [o["file"] for o in objects] == [str(first), "stdin", str(second)]
    assert objects[1]["analyzable"] is False  # empty stdin
    report = objects[0]
    assert {"sentences", "components", "signals", "score", "suggestions", "follow_up"} <= set(
        report
    )
    for sentence in report["sentences"]:
        assert ANSWER[sentence["start"] : sentence["end"]] == sentence["text"]


def test_offsets_index_the_text_as_read(tmp_path: Path) -> None:
    raw = ("\ufeff" + ANSWER.replace(". ", ".\r\n")).encode("utf-8")
    path = tmp_path / "crlf.txt"
    path.write_bytes(raw)
    _, out, _ = run(["--json", str(path)])
    text = raw.decode("utf-8")
    for sentence in json.loads(out)["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]


def test_unreadable_file_exits_non_zero_but_reads_the_others(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ANSWER, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    status, out, err = run(["--json", str(missing), str(good)])
    assert status == 1
    assert "cannot read" in err and str(missing) in err
    lines = [json.loads(line) for line in out.splitlines()]
    assert "error" in lines[0] and lines[1]["analyzable"] is True


def test_a_directory_is_unreadable(tmp_path: Path) -> None:
    status, _, err = run([str(tmp_path)])
    assert status == 1 and "cannot read" in err


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "didn't find an answer"),
        ("🎉🔥👍".encode(), "emoji"),
        (bytes(range(256)) * 4, "binary"),
        ("Nous avons livré le projet à temps et le client était très content.".encode(), "English"),
    ],
)
def test_poor_input_gets_a_clear_message_and_exit_one(data: bytes, words: str) -> None:
    status, out, _ = run(["-"], data)
    assert status == 1
    assert words in out


def test_principle_and_question_options() -> None:
    from bank import load_bank

    bank = load_bank()
    principle = bank.principles[0]
    question = bank.questions_for(principle.slug)[0]
    status, out, err = run(
        ["--json", "--principle", principle.slug, "--question", question.id], ANSWER.encode()
    )
    assert status == 0 and err == ""
    report = json.loads(out)
    assert report["principle"] == principle.slug and report["question"] == question.id


def test_an_unknown_principle_warns_and_still_checks() -> None:
    status, out, err = run(["--principle", "no-such-thing"], ANSWER.encode())
    assert status == 0
    assert "relevance is not judged" in err
    assert "/100" in out


def test_main_dispatches_to_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    assert main(["check", "--json", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["score"] > 0


def test_version_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--version"])
    assert exit_info.value.code == 0
    assert "lpbot" in capsys.readouterr().out
