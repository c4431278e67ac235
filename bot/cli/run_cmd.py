"""``lpbot run``: start the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot.config import ConfigError, Settings


def register(sub: argparse._SubParsersAction) -> None:
    from bot.cli import add_version

    parser = add_version(
        sub.add_parser(
            "run",
            help="start the bot on every configured platform (the terminal when none is)",
            description="Start lpbot. With DISCORD_TOKEN and/or SLACK_BOT_TOKEN set (in the "
            "environment or .env) it joins those platforms; with neither, it runs the "
            "terminal channel: type an answer (paragraphs welcome; a line holding only '.' "
            "sends it) or a /command such as /help.",
        )
    )
    parser.add_argument(
        "--now", action="store_true", help="post today's question at once instead of waiting"
    )
    parser.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    parser.set_defaults(handler=handle)


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # APScheduler narrates every job change at INFO; our scheduler logs what matters.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.root.level))


def handle(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        print(f"lpbot: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    from bot.runtime import run_bot

    return asyncio.run(run_bot(settings, post_now=args.now, seed=args.seed))
