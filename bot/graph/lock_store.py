"""`AtomicRedisLockStore`: Rasa's Redis ticket lock in two atomic round trips per message.

Rasa's `RedisLockStore` keeps one conversation's messages in order across
replicas with a ticket lock stored as JSON under the conversation's key, but
it takes and returns a ticket in six separate reads and writes from Python
(5 to 7 % of a replica's time in the cluster profile, docs/benchmarks.md), and
two replicas issuing tickets for one conversation at the same moment can
overwrite each other's ticket between the read and the write.

Here each step is a Lua script, which Redis runs atomically: issuing a ticket
also reports which ticket is being served, so an uncontended message takes one
round trip to acquire and one to release. The stored lock keeps Rasa's format
and rules (tickets served in issue order, an expired ticket no longer blocks,
the key deleted when its last ticket is returned), so `get_lock` still reads
it. As in Rasa, a Redis error while acquiring is a `LockError`.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Tuple

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# The tickets of KEYS[1] that have not expired at ARGV[1] (Rasa's TicketLock JSON: a list of
# JSON-encoded tickets), and a function writing them back.
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
local function write(conversation_id)
  if #tickets == 0 then redis.call('DEL', KEYS[1]) return end
  local encoded = {}
  for i, ticket in ipairs(tickets) do
    encoded[i] = cjson.encode({number = ticket['number'], expires = ticket['expires']})
  end
  redis.call('SET', KEYS[1], cjson.encode({conversation_id = conversation_id, tickets = encoded}))
end
"""

#: ARGV: now, lifetime, conversation id. Returns {the new ticket's number, the number served now}.
_ISSUE = (
    _READ
    + """
local number = 0
if #tickets > 0 then number = tickets[#tickets]['number'] + 1 end
table.insert(tickets, {number = number, expires = now + tonumber(ARGV[2])})
write(ARGV[3])
return {number, tickets[1]['number']}
"""
)

#: ARGV: now, conversation id. Drops expired tickets; returns the number served now, or nil.
_SERVING = (
    _READ
    + """
write(ARGV[2])
if #tickets == 0 then return nil end
return tickets[1]['number']
"""
)

#: ARGV: now, conversation id, the ticket's number. Returns the tickets left; the key goes with the last.
_RETURN = (
    _READ
    + """
for i = #tickets, 1, -1 do
  if tickets[i]['number'] == tonumber(ARGV[3]) then table.remove(tickets, i) end
end
write(ARGV[2])
return #tickets
"""
)


class AtomicRedisLockStore(RedisLockStore):
    """Rasa's Redis lock store with every step one atomic script (module docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa builds a lock store named by its module path
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)
        self._issue = self.red.register_script(_ISSUE)
        self._serving = self.red.register_script(_SERVING)
        self._return = self.red.register_script(_RETURN)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        key = self.key_prefix + conversation_id
        ticket, serving = self._issue_ticket(key, conversation_id, lock_lifetime)
        try:
            while serving != ticket:
                if serving is None:  # every ticket expired, this one included
                    raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
                await asyncio.sleep(wait_time_in_seconds)
                serving = self._serving(keys=[key], args=[time.time(), conversation_id])
            expires = time.time() + lock_lifetime
            yield TicketLock(conversation_id, deque([Ticket(ticket, expires)]))
        finally:
            self._return(keys=[key], args=[time.time(), conversation_id, ticket])

    def _issue_ticket(self, key: str, conversation_id: str, lifetime: float) -> Tuple[int, int]:
        try:
            number, serving = self._issue(keys=[key], args=[time.time(), lifetime, conversation_id])
        except Exception as error:  # noqa: BLE001 - Rasa's contract: any failure to lock is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error
        return int(number), int(serving)
