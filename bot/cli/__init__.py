"""The ``lpbot`` command line. Each sub-command lives in its own module with a
``register(subparsers)`` function; platforms add theirs through the
``lpbot.commands`` entry point group (e.g. ``lpbot discord invite``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from bot import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lpbot",
        description="A daily Amazon Leadership Principles study group with STAR feedback.",
    )
    parser.add_argument("--version", action="version", version=f"lpbot {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    from bot.cli import ask_cmd, bank_cmd, check_cmd, run_cmd

    for module in (run_cmd, ask_cmd, check_cmd, bank_cmd):
        module.register(sub)
    for ep in entry_points(group="lpbot.commands"):
        ep.load()(sub)
    return parser


def add_version(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Every level of the CLI answers ``--version``."""
    parser.add_argument("--version", action="version", version=f"lpbot {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
