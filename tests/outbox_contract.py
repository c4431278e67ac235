"""The outbox part of the storage contract (``storage.outbox.OutboxStore``): mixed into
``StorageContract``, so every implementation passes it too."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from storage.base import OutboxEntry, Storage
from storage.values import ChannelRef

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
CHANNEL = ChannelRef("slack", "C0STUDY", workspace="T0TEAM")
LEASE = timedelta(seconds=30)


def entry(key: str = "question:1", **extra: object) -> OutboxEntry:
    fields: dict[str, object] = {
        "key": key,
        "kind": key.split(":")[0],
        "channel": CHANNEL,
        "deadline": T0 + timedelta(hours=6),
        "created_at": T0,
        "post_id": 1,
    }
    fields.update(extra)
    return OutboxEntry(**fields)  # type: ignore[arg-type]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


class OutboxContract:
    async def test_a_key_is_written_once(self, storage: Storage) -> None:
        first = await storage.enqueue(entry(), T0)
        again = await storage.enqueue(entry(thread_id="other"), at(5))
        assert again.id == first.id and again.thread_id is None
        assert first.state == "pending" and first.attempts == 0
        assert [item.key for item in await storage.outbox_items()] == ["question:1"]

    async def test_an_attempt_takes_a_due_row_once(self, storage: Storage) -> None:
        item = await storage.enqueue(entry(), T0)
        assert [due.id for due in await storage.due_outbox(T0)] == [item.id]
        taken = await storage.take_outbox(item.id, T0, T0 + LEASE)
        assert taken is not None and taken.state == "sending" and taken.attempts == 1
        assert not taken.in_doubt
        assert await storage.take_outbox(item.id, T0, T0 + LEASE) is None
        assert await storage.due_outbox(at(29)) == []

    async def test_a_lapsed_lease_is_taken_over_in_doubt(self, storage: Storage) -> None:
        item = await storage.enqueue(entry(), T0)
        await storage.take_outbox(item.id, T0, T0 + LEASE)
        assert await storage.take_outbox(item.id, at(10), at(40)) is None
        assert [due.id for due in await storage.due_outbox(at(31))] == [item.id]
        again = await storage.take_outbox(item.id, at(31), at(61))
        assert again is not None and again.in_doubt and again.attempts == 2

    async def test_retry_waits_and_remembers_doubt(self, storage: Storage) -> None:
        item = await storage.enqueue(entry(), T0)
        await storage.take_outbox(item.id, T0, T0 + LEASE)
        await storage.outbox_retry(item.id, at(60), "HTTP 500", in_doubt=True)
        assert await storage.due_outbox(at(59)) == []
        assert await storage.next_outbox_wakeup() == at(60)
        await storage.take_outbox(item.id, at(60), at(90))
        # A later failure that surely did not land (a 429) keeps the earlier doubt.
        await storage.outbox_retry(item.id, at(120), "HTTP 429", in_doubt=False)
        found = await storage.get_outbox(item.key)
        assert found is not None and found.in_doubt and found.last_error == "HTTP 429"
        assert found.state == "pending" and found.attempts == 2

    async def test_sent_and_given_up_rows_are_done(self, storage: Storage) -> None:
        sent = await storage.enqueue(entry("question:1"), T0)
        dropped = await storage.enqueue(entry("question:2"), T0)
        for item in (sent, dropped):
            await storage.take_outbox(item.id, T0, T0 + LEASE)
        await storage.outbox_sent(sent.id, "1750000001.000100", at(1))
        await storage.outbox_give_up(dropped.id, "channel_not_found", at(1))
        # A late retry of a finished row changes nothing.
        await storage.outbox_retry(sent.id, at(2), "late", in_doubt=True)
        assert await storage.due_outbox(at(3600)) == []
        assert await storage.next_outbox_wakeup() is None
        items = await storage.outbox_items()
        states = {i.key: (i.state, i.message_id, i.last_error) for i in items}
        assert states == {
            "question:1": ("sent", "1750000001.000100", ""),
            "question:2": ("given_up", None, "channel_not_found"),
        }
        assert [i.key for i in await storage.outbox_items("given_up")] == ["question:2"]

    async def test_a_payload_is_kept_until_the_row_is_done(self, storage: Storage) -> None:
        # A command's answer carries its content (and a short-lived credential):
        # readable by every attempt, forgotten once it is sent or given up.
        sent = await storage.enqueue(entry("answer:1", payload='{"route": "r1"}'), T0)
        dropped = await storage.enqueue(entry("answer:2", payload='{"route": "r2"}'), T0)
        taken = await storage.take_outbox(sent.id, T0, T0 + LEASE)
        assert taken is not None and taken.payload == '{"route": "r1"}'
        await storage.outbox_retry(sent.id, at(5), "500", in_doubt=True)
        due = {item.key: item.payload for item in await storage.due_outbox(at(5))}
        assert due == {"answer:1": '{"route": "r1"}', "answer:2": '{"route": "r2"}'}
        await storage.outbox_sent(sent.id, "M1", at(6))
        await storage.outbox_give_up(dropped.id, "expired", at(6))
        done = {item.key: item.payload for item in await storage.outbox_items("sent", "given_up")}
        assert done == {"answer:1": None, "answer:2": None}

    async def test_reopen_sets_a_finished_row_pending_again(self, storage: Storage) -> None:
        item = await storage.enqueue(entry("feedback-edit:7", answer_id=7), T0)
        await storage.take_outbox(item.id, T0, T0 + LEASE)
        await storage.outbox_sent(item.id, "m-9", at(1))
        later = entry("feedback-edit:7", answer_id=7, deadline=at(7200))
        reopened = await storage.enqueue(later, at(60), reopen=True)
        assert reopened.id == item.id and reopened.state == "pending"
        assert reopened.attempts == 0 and reopened.deadline == at(7200)
        # A row still waiting is left as it is.
        again = await storage.enqueue(later, at(61), reopen=True)
        assert again.next_attempt_at == at(60)

    async def test_prune_forgets_old_finished_rows_only(self, storage: Storage) -> None:
        old = await storage.enqueue(entry("question:1"), T0)
        waiting = await storage.enqueue(entry("question:2"), T0)
        await storage.take_outbox(old.id, T0, T0 + LEASE)
        await storage.outbox_sent(old.id, "m", at(1))
        assert await storage.prune_outbox(at(2)) == 1
        assert [i.id for i in await storage.outbox_items()] == [waiting.id]

    async def test_two_processes_take_a_row_once(
        self, storage: Storage, other_storage: Storage
    ) -> None:
        item = await storage.enqueue(entry(), T0)
        results = await asyncio.gather(
            storage.take_outbox(item.id, T0, T0 + LEASE),
            other_storage.take_outbox(item.id, T0, T0 + LEASE),
        )
        assert sum(result is not None for result in results) == 1


class InboxContract:
    async def test_an_event_is_kept_until_done(self, storage: Storage) -> None:
        await storage.inbox_keep("answer:slack:1", "answer", '{"n": 1}', T0)
        await storage.inbox_keep("edit:slack:1", "edit", '{"n": 2}', at(1))
        await storage.inbox_keep("answer:slack:1", "answer", '{"n": 3}', at(2))  # replaces
        assert await storage.inbox_waiting() == [
            ("edit:slack:1", "edit", '{"n": 2}'),
            ("answer:slack:1", "answer", '{"n": 3}'),
        ]
        await storage.inbox_done("edit:slack:1")
        await storage.inbox_done("edit:slack:1")  # twice is fine
        assert [key for key, _, _ in await storage.inbox_waiting()] == ["answer:slack:1"]
