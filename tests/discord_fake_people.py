"""What a server's members do on the fake Discord (see ``discord_fake.py``): run
``/lp`` commands, type in autocomplete, submit forms, post, edit and delete messages,
remove the bot. Each builds the payload Discord would send and dispatches it on the
gateway."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests import discord_fake_payloads as P

JSON = dict[str, Any]
EPHEMERAL = 1 << 6


@dataclass
class FakeInteraction:
    id: int
    token: str
    type: int
    channel_id: int
    guild_id: int
    payload: JSON
    callbacks: list[JSON] = field(default_factory=list)
    original: JSON | None = None
    original_deleted: bool = False
    followups: list[JSON] = field(default_factory=list)

    @property
    def response_type(self) -> int | None:
        return self.callbacks[0]["type"] if self.callbacks else None

    @property
    def ephemeral(self) -> bool:
        data = self.callbacks[0].get("data") or {} if self.callbacks else {}
        return bool((data.get("flags") or 0) & EPHEMERAL)


class MemberActions:
    """Mixed into ``FakeDiscord``; uses its world (channels, guilds, messages, commands)."""

    def _member_payload(self, user: JSON, permissions: int) -> JSON:
        return P.member(user, self.now(), permissions)

    def _interaction(self, itype: int, channel_id: int, user: JSON, admin: bool, data: JSON):
        interaction_id = self._id()
        channel = self.channels[channel_id]
        guild_id = int(channel["guild_id"])
        permissions = P.ADMIN_PERMISSIONS if admin else P.MEMBER_PERMISSIONS
        payload = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": itype,
            "data": data,
            "guild_id": str(guild_id),
            "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
            "channel_id": str(channel_id),
            "channel": channel,
            "member": self._member_payload(user, permissions),
            "token": f"interaction-token-{interaction_id}",
            "version": 1,
            "app_permissions": str(P.MEMBER_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        record = FakeInteraction(
            interaction_id, payload["token"], itype, channel_id, guild_id, payload
        )
        self.interactions[interaction_id] = record
        return record

    def registered(self, name: str, guild_id: int) -> tuple[JSON, bool]:
        for cmd in self.commands.get(guild_id, []):
            if cmd["name"] == name:
                return cmd, True
        for cmd in self.commands.get(None, []):
            if cmd["name"] == name:
                return cmd, False
        raise AssertionError(f"/{name} is not registered for server {guild_id}")

    def _command_data(self, channel_id: int, subcommand: str, options: list[JSON]) -> JSON:
        cmd, in_guild = self.registered("lp", self.guild_of(channel_id))
        data = {
            "id": cmd["id"],
            "name": "lp",
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": options}],
        }
        if in_guild:
            data["guild_id"] = str(self.guild_of(channel_id))
        return data

    async def slash(
        self,
        channel_id: int,
        user: JSON,
        subcommand: str,
        *,
        admin: bool = False,
        **options: str | bool,
    ) -> FakeInteraction:
        """A member runs ``/lp <subcommand> option=value...`` in ``channel_id``."""
        opts = [
            {"name": k, "type": 5 if isinstance(v, bool) else 3, "value": v}
            for k, v in options.items()
        ]
        data = self._command_data(channel_id, subcommand, opts)
        record = self._interaction(2, channel_id, user, admin, data)
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def autocomplete(
        self, channel_id: int, user: JSON, subcommand: str, option: str, typed: str
    ) -> FakeInteraction:
        opts = [{"name": option, "type": 3, "value": typed, "focused": True}]
        data = self._command_data(channel_id, subcommand, opts)
        record = self._interaction(4, channel_id, user, False, data)
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def press_button(
        self, channel_id: int, user: JSON, message: JSON, custom_id: str
    ) -> FakeInteraction:
        """Press a button on a message the bot sent (e.g. an interaction's response)."""
        data = {"custom_id": custom_id, "component_type": 2}
        record = self._interaction(3, channel_id, user, False, data)
        record.payload["message"] = message
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def submit_modal(
        self, channel_id: int, user: JSON, modal: JSON, values: dict[str, str]
    ) -> FakeInteraction:
        """Submit a form the bot opened (``modal`` is the type 9 callback's data)."""
        components: list[JSON] = []
        for component in modal["components"]:
            inner = component.get("component")
            if component["type"] == 18 and inner is not None:
                value = values.get(inner["custom_id"], "")
                components.append(
                    {
                        "type": 18,
                        "id": component.get("id", 0),
                        "component": {"type": 4, "custom_id": inner["custom_id"], "value": value},
                    }
                )
        data = {"custom_id": modal["custom_id"], "components": components}
        record = self._interaction(5, channel_id, user, False, data)
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    async def say(self, channel_id: int, user: JSON, content: str) -> int:
        """A member posts ``content`` in a channel or thread; returns the message id."""
        message_id = self._id()
        guild_id = self.guild_of(channel_id)
        msg = P.message(
            message_id, channel_id, user, self.now(), content=content, guild_id=guild_id
        )
        self.messages[message_id] = msg
        await self.dispatch("MESSAGE_CREATE", {**msg, "member": P.member(user, self.now())})
        return message_id

    async def edit(self, message_id: int, content: str) -> None:
        msg = self.messages[message_id]
        msg["content"] = content
        msg["edited_timestamp"] = P.iso(self.now())
        await self.dispatch("MESSAGE_UPDATE", msg)

    async def delete(self, message_id: int) -> None:
        msg = self.messages.pop(message_id)
        await self.dispatch(
            "MESSAGE_DELETE",
            {"id": msg["id"], "channel_id": msg["channel_id"], "guild_id": msg.get("guild_id")},
        )

    async def remove_bot_from(self, guild_id: int) -> None:
        self.guilds[guild_id]["bot_member"] = False
        await self.dispatch("GUILD_DELETE", {"id": str(guild_id)})
