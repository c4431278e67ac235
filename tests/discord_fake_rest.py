"""The fake Discord's REST handlers (see ``discord_fake.py``). Each takes the fake, the
path's named groups and the JSON body, and returns (status, JSON, headers); changes to
the world are also dispatched on the gateway, as Discord does."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from tests import discord_fake_payloads as P

if TYPE_CHECKING:
    from tests.discord_fake import FakeDiscord, FakeInteraction

JSON = dict[str, Any]
Result = tuple[int, Any, dict[str, str]]
Handler = Callable[["FakeDiscord", dict[str, str], Any], Awaitable[Result]]

CONTENT_LIMIT = 2000
EMBED_LIMITS = {"title": 256, "description": 4096}
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
THREAD_NAME_LIMIT = 100
MODAL_TITLE_LIMIT = 45
MAX_CHOICES = 25
EPHEMERAL = 1 << 6
LOADING = 1 << 7


def error(status: int, code: int, message: str, **extra: Any) -> Result:
    return status, {"message": message, "code": code, **extra}, {}


def unknown_channel() -> Result:
    return error(404, 10003, "Unknown Channel")


def missing_access() -> Result:
    return error(403, 50001, "Missing Access")


def invalid_form(problems: list[str]) -> Result:
    return error(400, 50035, "Invalid Form Body", errors=problems)


def message_problems(body: JSON) -> list[str]:
    problems = []
    if len(body.get("content") or "") > CONTENT_LIMIT:
        problems.append("content: Must be 2000 or fewer in length.")
    for index, embed in enumerate(body.get("embeds") or []):
        total = 0
        for key, limit in EMBED_LIMITS.items():
            size = len(embed.get(key) or "")
            total += size
            if size > limit:
                problems.append(f"embeds.{index}.{key}: Must be {limit} or fewer in length.")
        footer = len((embed.get("footer") or {}).get("text") or "")
        total += footer
        if footer > FOOTER_LIMIT:
            problems.append(f"embeds.{index}.footer.text: Must be 2048 or fewer in length.")
        for fld in embed.get("fields") or []:
            total += len(fld.get("name") or "") + len(fld.get("value") or "")
        if total > EMBED_TOTAL_LIMIT:
            problems.append(f"embeds.{index}: Embed size exceeds maximum size of 6000")
    if not body.get("content") and not body.get("embeds") and not body.get("components"):
        problems.append("Cannot send an empty message")
    return problems


def channel_for(fake: FakeDiscord, channel_id: str) -> tuple[JSON | None, Result | None]:
    channel = fake.channels.get(int(channel_id))
    if channel is None:
        return None, unknown_channel()
    if not fake.guilds[int(channel["guild_id"])]["bot_member"]:
        return None, missing_access()
    return channel, None


# identity ------------------------------------------------------------------------------
async def gateway_bot(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
    return 200, {"url": fake.gateway_url, "shards": 1, "session_start_limit": limit}, {}


async def users_me(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    return 200, fake.bot_user, {}


async def application(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    return 200, P.application(fake.application_id, fake.owner), {}


# commands ------------------------------------------------------------------------------
async def put_commands(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    if int(groups["app"]) != fake.application_id:
        return error(403, 50001, "Missing Access")
    guild = int(groups["guild"]) if groups.get("guild") else None
    if guild is not None and (guild not in fake.guilds or not fake.guilds[guild]["bot_member"]):
        return missing_access()
    saved = []
    for command in body:
        stored = {
            **command,
            "id": str(fake._id()),
            "application_id": str(fake.application_id),
            "version": str(fake._id()),
        }
        if guild is not None:
            stored["guild_id"] = str(guild)
        saved.append(stored)
    fake.commands[guild] = saved
    return 200, saved, {}


# channels and messages -----------------------------------------------------------------
async def get_channel(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    channel, failure = channel_for(fake, groups["channel"])
    return failure or (200, channel, {})


async def create_message(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    channel, failure = channel_for(fake, groups["channel"])
    if failure:
        return failure
    assert channel is not None
    problems = message_problems(body)
    reference = body.get("message_reference")
    if (
        reference
        and reference.get("fail_if_not_exists", True)
        and int(reference["message_id"]) not in fake.messages
    ):
        problems.append("message_reference: Unknown message")
    if problems:
        return invalid_form(problems)
    nonce = body.get("nonce")
    if nonce is not None and body.get("enforce_nonce"):
        # Discord answers a repeated nonce (within a few minutes) with the first message.
        for earlier in fake.messages.values():
            if earlier.get("nonce") == nonce and earlier["channel_id"] == channel["id"]:
                return 200, earlier, {}
    message_id = fake._id()
    guild_id = int(channel["guild_id"])
    msg = P.message(
        message_id,
        int(channel["id"]),
        fake.bot_user,
        fake.now(),
        content=body.get("content") or "",
        embeds=body.get("embeds"),
        guild_id=guild_id,
        reference={**reference, "channel_id": channel["id"]} if reference else None,
    )
    msg["allowed_mentions"] = body.get("allowed_mentions")
    if nonce is not None:
        msg["nonce"] = nonce
    fake.messages[message_id] = msg
    await fake.dispatch("MESSAGE_CREATE", {**msg, "member": P.member(fake.bot_user, fake.now())})
    return 200, msg, {}


def bots_own_message(
    fake: FakeDiscord, groups: dict[str, str], not_own: Result
) -> tuple[dict[str, Any], None] | tuple[None, Result]:
    """The bot's message named in the route, or the error Discord would answer."""
    _, failure = channel_for(fake, groups["channel"])
    if failure:
        return None, failure
    msg = fake.messages.get(int(groups["message"]))
    if msg is None or msg["channel_id"] != groups["channel"]:
        return None, error(404, 10008, "Unknown Message")
    if msg["author"]["id"] != fake.bot_user["id"]:
        return None, not_own
    return msg, None


async def channel_messages(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    """The newest messages first, as Discord lists them (without their nonces)."""
    _, failure = channel_for(fake, groups["channel"])
    if failure:
        return failure
    found = [
        {key: value for key, value in msg.items() if key != "nonce"}
        for msg in sorted(fake.messages.values(), key=lambda m: int(m["id"]), reverse=True)
        if msg["channel_id"] == groups["channel"]
    ]
    return 200, found[:50], {}


async def edit_message(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    msg, failure = bots_own_message(
        fake, groups, error(403, 50005, "Cannot edit a message authored by another user")
    )
    if msg is None:
        return failure
    problems = message_problems({**msg, **body})
    if problems:
        return invalid_form(problems)
    for key in ("content", "embeds", "components"):
        if key in body:
            msg[key] = body[key] or ([] if key != "content" else "")
    msg["edited_timestamp"] = P.iso(fake.now())
    await fake.dispatch("MESSAGE_UPDATE", msg)
    return 200, msg, {}


async def delete_message(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    msg, failure = bots_own_message(fake, groups, error(403, 50013, "Missing Permissions"))
    if msg is None:
        return failure
    del fake.messages[int(groups["message"])]
    await fake.dispatch(
        "MESSAGE_DELETE",
        {"id": msg["id"], "channel_id": msg["channel_id"], "guild_id": msg.get("guild_id")},
    )
    return 204, None, {}


async def start_thread(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    channel, failure = channel_for(fake, groups["channel"])
    if failure:
        return failure
    assert channel is not None
    msg = fake.messages.get(int(groups["message"]))
    if msg is None or msg["channel_id"] != groups["channel"]:
        return error(404, 10008, "Unknown Message")
    if channel["type"] != P.TEXT_CHANNEL:
        return error(400, 50024, "Cannot execute action on this channel type")
    name = body.get("name") or ""
    if not 1 <= len(name) <= THREAD_NAME_LIMIT:
        return invalid_form(["name: Must be between 1 and 100 in length."])
    thread_id = int(msg["id"])
    if thread_id in fake.channels:
        return error(400, 160004, "A thread has already been created for this message")
    thread = P.thread(
        thread_id,
        int(channel["guild_id"]),
        int(channel["id"]),
        fake.bot_id,
        name,
        int(body.get("auto_archive_duration") or 4320),
        fake.now(),
    )
    fake.channels[thread_id] = thread
    await fake.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
    return 201, thread, {}


# interactions ------------------------------------------------------------------------
def interaction_by_token(fake: FakeDiscord, token: str) -> FakeInteraction | None:
    for record in fake.interactions.values():
        if record.token == token:
            return record
    return None


def interaction_message(fake: FakeDiscord, record: FakeInteraction, data: JSON) -> JSON:
    msg = P.message(
        fake._id(),
        record.channel_id,
        fake.bot_user,
        fake.now(),
        content=data.get("content") or "",
        embeds=data.get("embeds"),
        guild_id=record.guild_id,
        flags=int(data.get("flags") or 0),
        components=data.get("components"),
    )
    msg["webhook_id"] = str(fake.application_id)
    msg["interaction_metadata"] = {
        "id": str(record.id),
        "type": record.type,
        "user": record.payload["member"]["user"],
        "authorizing_integration_owners": {},
    }
    if not msg["flags"] & EPHEMERAL:
        fake.messages[int(msg["id"])] = msg
    return msg


def callback_problems(kind: int, data: JSON) -> list[str]:
    if kind == 4:
        return message_problems(data)
    if kind == 9:
        problems = []
        if len(data.get("title") or "") > MODAL_TITLE_LIMIT:
            problems.append("data.title: Must be 45 or fewer in length.")
        if not data.get("custom_id") or len(data["custom_id"]) > 100:
            problems.append("data.custom_id: Must be between 1 and 100 in length.")
        if not data.get("components"):
            problems.append("data.components: This field is required")
        return problems
    if kind == 8 and len(data.get("choices") or []) > MAX_CHOICES:
        return ["data.choices: Must be 25 or fewer in length."]
    return []


async def callback(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    record = fake.interactions.get(int(groups["interaction"]))
    if record is None or record.token != groups["token"]:
        return error(404, 10062, "Unknown interaction")
    if record.callbacks:
        return error(400, 40060, "Interaction has already been acknowledged.")
    kind = int(body["type"])
    data = body.get("data") or {}
    problems = callback_problems(kind, data)
    if problems:
        return invalid_form(problems)
    record.callbacks.append(body)
    response: JSON = {
        "interaction": {
            "id": str(record.id),
            "type": record.type,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(int(data.get("flags") or 0) & EPHEMERAL),
        },
        "resource": {"type": kind},
    }
    if kind in (4, 5):
        flags = int(data.get("flags") or 0) | (LOADING if kind == 5 else 0)
        record.original = interaction_message(fake, record, {**data, "flags": flags})
        response["interaction"]["response_message_id"] = record.original["id"]
        if kind == 4:
            response["resource"]["message"] = record.original
    return 200, response, {}


async def followup(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    record = interaction_by_token(fake, groups["token"])
    if record is None or not record.callbacks:
        return error(404, 10015, "Unknown Webhook")
    problems = message_problems(body)
    if problems:
        return invalid_form(problems)
    original = record.original
    if original is not None and original["flags"] & LOADING and not record.original_deleted:
        # The first follow-up after a deferral replaces the "thinking" message and keeps
        # the deferral's visibility, whatever flags it asks for.
        flags = original["flags"] & ~LOADING
        record.original = interaction_message(fake, record, {**body, "flags": flags})
        record.original["id"] = original["id"]
        return 200, record.original, {}
    msg = interaction_message(fake, record, body)
    record.followups.append(msg)
    return 200, msg, {}


async def original_message(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    record = interaction_by_token(fake, groups["token"])
    if record is None or record.original is None or record.original_deleted:
        return error(404, 10008, "Unknown Message")
    return 200, record.original, {}


async def edit_original(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    record = interaction_by_token(fake, groups["token"])
    if record is None or record.original is None or record.original_deleted:
        return error(404, 10008, "Unknown Message")
    merged = {**record.original, **body}
    problems = message_problems(merged)
    if problems:
        return invalid_form(problems)
    merged["flags"] = record.original["flags"] & ~LOADING
    merged["edited_timestamp"] = P.iso(fake.now())
    record.original = merged
    return 200, merged, {}


async def delete_original(fake: FakeDiscord, groups: dict[str, str], body: Any) -> Result:
    record = interaction_by_token(fake, groups["token"])
    if record is None or record.original is None or record.original_deleted:
        return error(404, 10008, "Unknown Message")
    record.original_deleted = True
    fake.messages.pop(int(record.original["id"]), None)
    return 204, None, {}


_SNOWFLAKE = r"(?P<{}>\d+)"
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    (
        method,
        re.compile(
            pattern.format(
                **{
                    k: _SNOWFLAKE.format(k)
                    for k in ("app", "guild", "channel", "message", "interaction")
                }
            )
        ),
        handler,
    )
    for method, pattern, handler in (
        ("GET", r"/gateway/bot", gateway_bot),
        ("GET", r"/users/@me", users_me),
        ("GET", r"/oauth2/applications/@me", application),
        ("PUT", r"/applications/{app}/guilds/{guild}/commands", put_commands),
        ("PUT", r"/applications/{app}/commands", put_commands),
        ("GET", r"/channels/{channel}", get_channel),
        ("POST", r"/channels/{channel}/messages", create_message),
        ("GET", r"/channels/{channel}/messages", channel_messages),
        ("PATCH", r"/channels/{channel}/messages/{message}", edit_message),
        ("DELETE", r"/channels/{channel}/messages/{message}", delete_message),
        ("POST", r"/channels/{channel}/messages/{message}/threads", start_thread),
        ("POST", r"/interactions/{interaction}/(?P<token>[^/]+)/callback", callback),
        ("POST", r"/webhooks/{app}/(?P<token>[^/]+)", followup),
        ("GET", r"/webhooks/{app}/(?P<token>[^/]+)/messages/@original", original_message),
        ("PATCH", r"/webhooks/{app}/(?P<token>[^/]+)/messages/@original", edit_original),
        ("DELETE", r"/webhooks/{app}/(?P<token>[^/]+)/messages/@original", delete_original),
    )
]


async def route(fake: FakeDiscord, method: str, path: str, body: Any) -> Result:
    for route_method, pattern, handler in ROUTES:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return await handler(fake, match.groupdict(), body)
    return error(404, 0, "404: Not Found")
