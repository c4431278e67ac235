"""The terminal channel as a person and a script use it: the real ``lpbot run``
process, fed through a pipe (paragraph answers, slash lines, restarts, plain text)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.test_terminal import GOOD_ANSWER

RULE = "─" * 60

PARAGRAPHS = (
    "Last year I ran support for a billing app and our refund complaints doubled in a month.\n"
    "\n"
    "My job was to find out why customers were angry and fix it before renewals. I read 200 "
    "tickets, called ten customers myself and rewrote the refund form.\n"
    "\n"
    "Complaints fell by 60% in six weeks. I learned to listen to customers directly.\n"
)


def lpbot(
    tmp_path: Path, stdin: str, *args: str, **env_extra: str
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_"))
    }
    env["DATABASE_URL"] = "sqlite:///./lpbot.db"  # relative, as in the README
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def stored(tmp_path: Path) -> list[tuple[str, str, int | None]]:
    with sqlite3.connect(tmp_path / "lpbot.db") as db:
        return list(db.execute("SELECT message_id, text, post_id FROM answers ORDER BY id"))


def boxes(out: str) -> list[str]:
    """The title of every reply box, in order."""
    lines = out.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines[:-2]) if line == RULE and
            lines[i + 2] == RULE]


def test_an_answer_with_paragraphs_is_one_answer_sent_by_a_dot(tmp_path: Path) -> None:
    done = lpbot(tmp_path, PARAGRAPHS + ".\n", "--now", "--seed", "3")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("STAR check") == 1
    [(_, text, post_id)] = stored(tmp_path)
    assert text == PARAGRAPHS.rstrip("\n") and post_id is not None


def test_end_of_input_sends_the_answer_being_typed(tmp_path: Path) -> None:
    done = lpbot(tmp_path, PARAGRAPHS, "--now")
    assert done.returncode == 0, done.stderr
    assert [text for _, text, _ in stored(tmp_path)] == [PARAGRAPHS.rstrip("\n")]


def test_a_slash_line_is_a_command_and_sends_the_answer_being_typed_first(
    tmp_path: Path,
) -> None:
    done = lpbot(tmp_path, GOOD_ANSWER + "/me\n/help\n/lp help\n/\n", "--now")
    assert done.returncode == 0, done.stderr
    [(_, text, _)] = stored(tmp_path)
    assert text == GOOD_ANSWER.rstrip("\n")  # no command in it
    titles = boxes(done.stdout)
    assert titles.index("Your progress") > titles.index(next(t for t in titles if "STAR" in t))
    assert "1 answer," in done.stdout
    assert titles.count("lpbot commands") == 3  # /help, /lp help and a bare /


def test_quit_ends_the_session(tmp_path: Path) -> None:
    done = lpbot(tmp_path, "/quit\n/question\n")
    assert done.returncode == 0, done.stderr
    assert boxes(done.stdout) == []  # nothing after /quit ran, and /quit was no answer


def test_output_is_plain_text_one_box_per_reply(tmp_path: Path) -> None:
    script = (
        "/question ownership\n" + GOOD_ANSWER + ".\n/answer\n" + GOOD_ANSWER + ".\n"
        "/principles\n/help\n/me\n/stats\n/today\n/forget\n/nonsense\n"
    )
    done = lpbot(tmp_path, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "**" not in out and "`" not in out
    assert "only you see" not in out.lower()
    assert "thread" not in out.lower()
    titles = boxes(out)
    # /question shows the question, and no second box saying it was posted.
    assert titles[0] == "Practice question: Ownership"
    assert not any(t.startswith("Posted a question") for t in titles)
    assert "Type your answer" not in out.replace(RULE, "").split(titles[0])[0]


def test_logs_stay_off_the_chat_at_the_default_level(tmp_path: Path) -> None:
    quiet = lpbot(tmp_path, GOOD_ANSWER, "--now")
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    assert " INFO " not in quiet.stdout
    loud = lpbot(tmp_path, "/me\n", LPBOT_LOG_LEVEL="DEBUG")
    assert "lpbot started" in loud.stderr
    assert "lpbot started" not in loud.stdout


def test_banner_names_the_database_file_and_the_next_question(tmp_path: Path) -> None:
    done = lpbot(tmp_path, "")
    assert done.returncode == 0, done.stderr
    head = done.stdout.split(RULE)[0]
    assert f"Answers are kept in {(tmp_path / 'lpbot.db').resolve()}" in head
    assert "Next daily question: " in head and "at 09:00 (UTC)" in head


def test_after_a_restart_todays_question_is_back_and_an_answer_to_it_is_stored(
    tmp_path: Path,
) -> None:
    first = lpbot(tmp_path, "/today\n", "--now", "--seed", "5")
    assert first.returncode == 0, first.stderr
    question_box = first.stdout.split(RULE)[1:3]  # title and body of the daily post

    second = lpbot(tmp_path, "/today\n" + GOOD_ANSWER)
    assert second.returncode == 0, second.stderr
    # Shown again at start and on /today, word for word.
    assert second.stdout.count(RULE.join(question_box)) == 2
    assert "STAR check" in second.stdout
    [(_, text, post_id)] = stored(tmp_path)
    assert text == GOOD_ANSWER.rstrip("\n")
    with sqlite3.connect(tmp_path / "lpbot.db") as db:
        [(kind,)] = db.execute("SELECT kind FROM posts WHERE id = ?", (post_id,))
    assert kind == "daily"


def test_message_ids_never_repeat_across_restarts(tmp_path: Path) -> None:
    # Each run asks a question and answers it: the second answer must not be taken
    # for the first (same id) and silently dropped.
    for _ in range(2):
        done = lpbot(tmp_path, "/question ownership\n" + GOOD_ANSWER)
        assert done.returncode == 0, done.stderr
        assert "STAR check" in done.stdout
    answers = stored(tmp_path)
    assert len(answers) == 2
    assert len({message_id for message_id, _, _ in answers}) == 2


def test_a_changed_default_schedule_says_the_channel_keeps_its_own(tmp_path: Path) -> None:
    assert lpbot(tmp_path, "").returncode == 0
    changed = lpbot(tmp_path, "", LPBOT_TIMEZONE="Europe/Berlin", LPBOT_POST_TIME="07:30")
    assert changed.returncode == 0
    [line] = changed.stderr.splitlines()
    assert "keeps its stored schedule (09:00 UTC)" in line
    assert "/lp schedule 07:30 Europe/Berlin" in line
    unchanged = lpbot(tmp_path, "")
    assert unchanged.stderr == ""


def test_banner_says_when_daily_questions_are_paused(tmp_path: Path) -> None:
    assert lpbot(tmp_path, "/pause\n").returncode == 0
    done = lpbot(tmp_path, "")
    head = done.stdout.split(RULE)[0]
    assert "Daily questions are paused: /resume starts them" in head
