"""The README is the newcomer's first command line: exactly two set-up commands (one
installs and starts the bot, one runs the tests), and what it promises is there."""

from __future__ import annotations

import re
from pathlib import Path

from bot.catalogue import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_exactly_two_set_up_commands_one_starts_the_bot_one_runs_the_tests() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert len(blocks) == 2
    start, tests = (block.strip() for block in blocks)
    assert "\n" not in start and "\n" not in tests
    assert "lpbot run" in start and start.startswith("python3 -m venv .venv")
    assert tests.endswith(".venv/bin/pytest")
    assert all(block in section("Set up") for block in blocks)


def test_the_terminal_contract_is_written_down() -> None:
    terminal = section("Set up")
    assert "A line holding only\n  `.` sends the answer" in terminal
    assert "`/help` and `/lp help` are the same" in terminal


def test_docker_shows_the_invite_and_a_bank_import() -> None:
    assert "`docker compose run --rm lpbot lpbot discord invite`" in README
    assert re.search(r"docker compose run --rm -v .*\n?\s*lpbot bank import", README)


def test_the_bank_import_format_is_documented() -> None:
    own = section("Your own questions")
    for field in ("principle", "text", "followups", "audience", "id"):
        assert f"| `{field}` |" in own
    assert "Left out, it is made from the principle and the text" in own


def test_every_command_is_in_the_commands_table() -> None:
    table = section("Commands")
    for command in COMMANDS:
        assert f"| `{command.usage.split()[0]}" in table or f"`{command.name}`" in table


def test_slack_http_mode_steps_come_in_an_order_that_works() -> None:
    slack = (ROOT / "adapters" / "slack" / "README.md").read_text(encoding="utf-8")
    http = slack[slack.index("**HTTP mode**") : slack.index("After installing")]
    steps = ["**Create.**", "**Install.**", "**Set the secrets.**", "**Start.**",
             "**Verify the URL.**"]
    positions = [http.index(step) for step in steps]
    assert positions == sorted(positions)
    # The URL is verified only once lpbot runs, never before it is started.
    assert "lpbot must be running at that point" not in http
