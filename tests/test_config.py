"""Settings: the core's own, each adapter's own, and every bad value refused with one
line that names the variable."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from adapters.discord.settings import DiscordSettings
from adapters.slack.settings import SlackSettings
from bot.config import ConfigError, Settings, read_env
from bot.runtime import EXIT_CONFIG, run_bot

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LPBOT_LOG_LEVEL": "LOUD"}, "LPBOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING"),
        ({"LPBOT_GRACE_HOURS": "-5"}, "LPBOT_GRACE_HOURS must be a number of hours, 0 or more"),
        ({"LPBOT_GRACE_HOURS": "soon"}, "LPBOT_GRACE_HOURS must be a number of hours"),
        ({"LPBOT_GRACE_HOURS": "nan"}, "LPBOT_GRACE_HOURS must be a number of hours"),
        ({"LPBOT_TIMEZONE": "Mars/Base"}, "LPBOT_TIMEZONE must be an IANA time zone"),
        ({"LPBOT_POST_TIME": "nine"}, "LPBOT_POST_TIME must look like 09:00"),
    ],
)
def test_bad_core_settings_are_refused_in_one_line(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        Settings.from_env(env)
    assert "\n" not in str(caught.value)
    assert repr(next(iter(env.values()))) in str(caught.value)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "99999"}, r"PORT must be a whole number from 0 to 65535 \(a TCP port"),
        ({"PORT": "http"}, "PORT must be a whole number"),
    ],
)
def test_bad_slack_settings_are_refused(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SlackSettings.from_env(env)


def test_a_server_id_that_is_not_digits_is_refused() -> None:
    with pytest.raises(ConfigError, match="DISCORD_GUILD_ID must be a server id .*got 'abc'"):
        DiscordSettings.from_env({"DISCORD_TOKEN": "t", "DISCORD_GUILD_ID": "abc"})


def test_the_core_settings_hold_only_the_core() -> None:
    settings = Settings.from_env(
        {"LPBOT_LOG_LEVEL": "debug", "LPBOT_GRACE_HOURS": "0", "SLACK_BOT_TOKEN": "xoxb-secret"}
    )
    assert (settings.log_level, settings.grace_hours, settings.post_time) == ("DEBUG", 0, time(9))
    assert not any(name.startswith(("discord", "slack", "port")) for name in vars(settings))
    assert "xoxb-secret" not in repr(settings) and "xoxb-secret" not in str(settings.redacted())
    # The adapters read theirs from the same environment.
    assert SlackSettings.from_env(settings.env).bot_token == "xoxb-secret"
    assert "xoxb-secret" not in repr(SlackSettings.from_env(settings.env))


def test_a_junk_line_in_dotenv_is_warned_about_and_the_rest_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LPBOT_TIMEZONE", "LPBOT_POST_TIME"):
        monkeypatch.delenv(name, raising=False)
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "LPBOT_TIMEZONE=Europe/Berlin\nthis line is junk xoxb-leaked\nLPBOT_POST_TIME=07:30\n"
    )
    with caplog.at_level(logging.WARNING, logger="lpbot.config"):
        settings = Settings.from_env(read_env(dotenv))
    assert (settings.timezone, settings.post_time) == ("Europe/Berlin", time(7, 30))
    [warning] = [r for r in caplog.records if r.name == "lpbot.config"]
    assert warning.getMessage() == f"{dotenv} line 2 is not NAME=value and was ignored"
    assert "xoxb-leaked" not in caplog.text


async def test_a_bad_port_stops_lpbot_run_before_it_connects(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'lpbot.db'}",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": "s",
            "PORT": "99999",
        }
    )
    with caplog.at_level(logging.ERROR):
        assert await run_bot(settings) == EXIT_CONFIG
    assert "PORT must be a whole number from 0 to 65535" in caplog.text


def test_lpbot_run_refuses_a_bad_log_level_in_one_line(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),
        "LPBOT_LOG_LEVEL": "LOUD",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'lpbot.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "lpbot: LPBOT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, got 'LOUD'"
    ]


def variables_read() -> set[str]:
    import re

    sources = [ROOT / "bot" / "config.py", *sorted((ROOT / "adapters").glob("*/settings.py"))]
    found = set()
    for path in sources:
        found |= set(re.findall(r'env_\w+\(\s*env,\s*"([A-Z0-9_]+)"', path.read_text()))
    return found


def test_env_example_and_the_readme_list_every_variable() -> None:
    import re

    read = variables_read()
    assert {"DATABASE_URL", "LPBOT_LOG_LEVEL", "DISCORD_GUILD_ID", "PORT"} <= read
    example = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    table = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", (ROOT / "README.md").read_text(), re.M))
    assert example == read
    assert table == read


def test_the_readme_lists_every_command() -> None:
    from bot.catalogue import COMMANDS

    readme = (ROOT / "README.md").read_text()
    for spec in COMMANDS:
        assert f"`{spec.usage}`" in readme or f"`{spec.name}`" in readme, spec.usage
