"""`AtomicRedisLockStore`: Rasa's Redis ticket lock, atomic, and never expiring under a living server.

Rasa's `RedisLockStore` keeps one conversation's messages in order across
replicas with a ticket lock stored as JSON under the conversation's key. Two
of its rules lose messages when a server dies (docs/deployment.md, "When a
server dies"):

- A ticket's lifetime runs from the moment it is issued. A message waiting
  behind the ticket of a server that was killed is served only once that
  ticket has expired, and its own ticket, issued moments later, expires
  moments later: if its one-second poll comes after both, it finds no ticket
  at all and fails with `LockError`; if it is served in that gap, its ticket
  expires during its turn, and the conversation's next message runs beside it.
- Two turns of one conversation at once lose one of them: Rasa saves a turn
  by inserting the events beyond the number it finds stored.

Here a server keeps its own tickets alive: a waiting message renews its ticket
at every poll, and the message being handled renews it every fifth of the
lifetime until its turn ends. Only a server that died (or cannot reach Redis)
stops renewing, so a conversation is blocked for at most one lifetime after a
kill (`LOCK_LIFETIME_SECONDS`, 15 s by default; bot/settings.py). Ticket
numbers come from one counter shared by every conversation, which outlives
each lock, so a late return of an old ticket can never remove a newer one,
and it names no conversation, so nothing of a forgotten one stays in Redis.

Each step is a Lua script, which Redis runs atomically, so two replicas
issuing tickets for one conversation at the same moment cannot overwrite each
other. The stored lock keeps Rasa's format (tickets served in issue order, the
key deleted when its last ticket is returned), so `get_lock` still reads it.
As in Rasa, a Redis error while acquiring is a `LockError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Tuple

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.settings import RedisSettings

logger = logging.getLogger(__name__)

DEFAULT_LIFETIME = RedisSettings.lock_lifetime

# The tickets of KEYS[1] that have not expired at ARGV[1] (Rasa's TicketLock JSON: a list of
# JSON-encoded tickets), a function finding one by number and a function writing them back.
_READ = """
local now = tonumber(ARGV[1])
local tickets = {}
local raw = redis.call('GET', KEYS[1])
if raw then
  for _, encoded in ipairs(cjson.decode(raw)['tickets']) do
    local ticket = cjson.decode(encoded)
    if ticket['expires'] >= now then table.insert(tickets, ticket) end
  end
end
local function find(number)
  for i, ticket in ipairs(tickets) do
    if ticket['number'] == number then return i end
  end
  return nil
end
local function write(conversation_id)
  if #tickets == 0 then redis.call('DEL', KEYS[1]) return end
  local encoded = {}
  for i, ticket in ipairs(tickets) do
    encoded[i] = cjson.encode({number = ticket['number'], expires = ticket['expires']})
  end
  redis.call('SET', KEYS[1], cjson.encode({conversation_id = conversation_id, tickets = encoded}))
end
"""

#: KEYS: the lock, the ticket counter. ARGV: now, lifetime, conversation id.
#: Returns {the new ticket's number, the number served now}.
_ISSUE = (
    _READ
    + """
local number = redis.call('INCR', KEYS[2])
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[2])})
write(ARGV[3])
return {number, tickets[1]['number']}
"""
)

#: ARGV: now, lifetime, conversation id, the ticket's number. Drops expired tickets and renews this
#: one; returns the number served now, or -1 when this ticket is gone (it expired: the server stalled).
_RENEW = (
    _READ
    + """
local mine = find(tonumber(ARGV[4]))
if mine then tickets[mine]['expires'] = now + tonumber(ARGV[2]) end
write(ARGV[3])
if not mine then return -1 end
return tickets[1]['number']
"""
)

#: ARGV: now, conversation id, the ticket's number. Returns the tickets left; the key goes with the last.
_RETURN = (
    _READ
    + """
local mine = find(tonumber(ARGV[3]))
if mine then table.remove(tickets, mine) end
write(ARGV[2])
return #tickets
"""
)

GONE = -1


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with every step one atomic script, and tickets renewed while their
    server lives (module docstring). `lock_lifetime` comes from the endpoints file."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        lock_lifetime: float = DEFAULT_LIFETIME,
        **kwargs: Any,
    ) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
            lock_lifetime = float(kwargs.pop("lock_lifetime", lock_lifetime))
        super().__init__(**kwargs)
        self.lifetime = lock_lifetime
        # Beside the locks ("<prefix>lock:<conversation>"), never one of them.
        self.counter_key = self.key_prefix.rstrip(":") + "-ticket-numbers"
        self._issue = self.red.register_script(_ISSUE)
        self._renew = self.red.register_script(_RENEW)
        self._return = self.red.register_script(_RETURN)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float | None = None,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        lifetime = lock_lifetime or self.lifetime
        key = self.key_prefix + conversation_id
        ticket, serving = self._issue_ticket(key, conversation_id, lifetime)
        try:
            while serving != ticket:
                await asyncio.sleep(wait_time_in_seconds)
                serving = self._renew_ticket(key, conversation_id, lifetime, ticket)
                if serving == GONE:
                    raise LockError(
                        f"Could not acquire lock for conversation_id '{conversation_id}': its ticket "
                        f"expired while waiting (the server was unresponsive for over {lifetime:g} s)."
                    )
            keeping = asyncio.create_task(self._keep_alive(key, conversation_id, lifetime, ticket))
            try:
                yield TicketLock(conversation_id, deque([Ticket(ticket, time.time() + lifetime)]))
            finally:
                keeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await keeping
        finally:
            self._return_ticket(key, conversation_id, ticket)

    async def _keep_alive(self, key: str, conversation_id: str, lifetime: float, ticket: int) -> None:
        """Renews the held ticket until cancelled at the end of the turn."""
        while True:
            await asyncio.sleep(lifetime / 5)
            try:
                serving = self._renew_ticket(key, conversation_id, lifetime, ticket)
            except LockError:  # Redis is down: the turn fails at its save, or the ticket expires
                logger.warning("could not renew a conversation's lock: Redis is unreachable")
                continue
            if serving == GONE:
                # The server stalled for a whole lifetime: another message of the conversation may run.
                logger.error("a conversation's lock expired during its turn (stalled over %g s)", lifetime)
                return

    def _issue_ticket(self, key: str, conversation_id: str, lifetime: float) -> Tuple[int, int]:
        try:
            number, serving = self._issue(
                keys=[key, self.counter_key], args=[time.time(), lifetime, conversation_id]
            )
        except Exception as error:  # noqa: BLE001 - Rasa's contract: any failure to lock is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return int(number), int(serving)

    def _return_ticket(self, key: str, conversation_id: str, ticket: int) -> None:
        """Returns the ticket; when Redis cannot be reached the turn stands (it was saved, or failed on
        its own), and the ticket expires after one lifetime, as a dead server's does."""
        try:
            self._return(keys=[key], args=[time.time(), conversation_id, ticket])
        except Exception as error:  # noqa: BLE001 - a lost return only delays the next message
            logger.warning("could not return a conversation's lock: %s", type(error).__name__)

    def _renew_ticket(self, key: str, conversation_id: str, lifetime: float, ticket: int) -> int:
        try:
            return int(self._renew(keys=[key], args=[time.time(), lifetime, conversation_id, ticket]))
        except Exception as error:  # noqa: BLE001 - as when issuing
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
