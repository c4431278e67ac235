"""The terminal channel end to end: the real `lpbot` process fed through a pipe."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

GOOD_ANSWER = (
    "Last year I ran support for a billing app and our refund complaints doubled in a month.\n"
    "My job was to find out why customers were angry and fix it before renewals.\n"
    "I read 200 tickets, called ten customers myself and found that the refund form "
    "timed out on mobile. I rewrote the form, added a status email and trained the team.\n"
    "Complaints fell by 60% in six weeks and renewals went up 8%.\n"
    "I learned to listen to customers directly instead of relying on dashboards.\n"
)


def run_lpbot(tmp_path: Path, stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'lpbot.db'}"
    return subprocess.run(
        [sys.executable, "-m", "bot", "run", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,  # no .env file here
        timeout=120,
    )


def test_now_posts_question_and_answer_gets_feedback(tmp_path: Path) -> None:
    done = run_lpbot(tmp_path, GOOD_ANSWER + ".\n/lp me\n", "--now", "--seed", "3")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Question of the day" in out
    assert "/100" in out  # the feedback's score
    assert "Your progress" in out and "1 answer" in out
    with sqlite3.connect(tmp_path / "lpbot.db") as db:
        (text,) = db.execute("SELECT text FROM answers").fetchone()
    assert text == GOOD_ANSWER.rstrip("\n")


def test_commands_through_a_pipe(tmp_path: Path) -> None:
    script = "/lp question customer-obsession\n/lp principles\n/lp help\n/lp nonsense\n"
    done = run_lpbot(tmp_path, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Practice question: Customer Obsession" in out
    assert out.count("Earn Trust") >= 1 and "Dive Deep" in out
    assert "lpbot commands" in out
    assert "I don't know the command nonsense" in out


def test_private_practice_and_forget(tmp_path: Path) -> None:
    script = "/lp answer\n" + GOOD_ANSWER + ".\n/lp forget\n/lp forget confirm\n/lp me\n"
    done = run_lpbot(tmp_path, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Private practice" in out
    assert "This deletes your 1 stored answer and its score here." in out
    assert "Deleted 1 stored answer." in out
    assert "No answers yet" in out


def test_bad_input_gets_clear_replies_and_nothing_is_lost(tmp_path: Path) -> None:
    huge = ("I led the migration and I measured every step carefully. " * 1800).strip()
    assert len(huge) > 100_000
    code = "```python\nprint('hi')\n```"
    script = (
        "/lp question\n"
        "😀😀😀\n.\n"
        "Hace dos años lideré un proyecto de migración en mi empresa y aprendí mucho.\n.\n"
        f"{huge}\n.\n"
        f"**Situation:** our build broke daily.\n{code}\n**Action:** I fixed the cache.\n.\n"
    )
    done = run_lpbot(tmp_path, script)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "English" in out  # the coach says it reads English
    with sqlite3.connect(tmp_path / "lpbot.db") as db:
        texts = [row[0] for row in db.execute("SELECT text FROM answers")]
    assert huge in texts  # stored whole, though analysis stops at the size limit
    assert any("print('hi')" in t for t in texts)


def test_end_of_input_with_nothing_typed_exits_zero(tmp_path: Path) -> None:
    done = run_lpbot(tmp_path, "")
    assert done.returncode == 0, done.stderr


def test_sigterm_stops_cleanly_with_status_zero(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "LPBOT_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'lpbot.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        assert proc.stdin is not None and proc.stdout is not None
        # Wait until it is up (its banner is out), then ask it to stop.
        assert "lpbot terminal channel" in proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()


def test_unusable_database_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "lpbot.db").write_bytes(b"this is not a database, just some text" * 100)
    done = run_lpbot(tmp_path, "")
    assert done.returncode == 4
    assert "Cannot open the database" in done.stderr
    assert "Traceback" not in done.stderr
