"""`make forget-old`: deletes every conversation idle for longer than RETENTION_DAYS.

A conversation's age is that of its latest event, so one still going on is
kept whole. Works on the configured profile's store (the SQLite file of the
embedded profile, PostgreSQL in production); run it daily, e.g. from cron:
`15 3 * * * cd /path/to/assistant && make forget-old`. Prints counts only,
never a conversation's id or content.
"""

from __future__ import annotations

import sys
import time

from bot.channels.outages import STORE_ERRORS, describe
from bot.services import ServiceUnavailable, check_services
from bot.settings import Settings

SECONDS_PER_DAY = 86400


def main() -> int:
    settings = Settings.from_env()
    days = settings.retention_days
    if days == 0:
        print("forget-old: RETENTION_DAYS is 0, so conversations are kept for ever; nothing deleted")
        return 0
    where = settings.database.address if settings.database else str(settings.tracker_db)
    try:
        check_services(settings)  # one line instead of Rasa's endless retries when PostgreSQL is down
        from bot.runtime.conversation_deletion import delete_conversations_idle_since, open_tracker_store

        store = open_tracker_store(settings)
        deleted = delete_conversations_idle_since(store, time.time() - days * SECONDS_PER_DAY)
    except ServiceUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except STORE_ERRORS as error:
        print(f"error: the conversations at {where} could not be deleted: {describe(error)}", file=sys.stderr)
        return 1
    print(
        f"forget-old: deleted {deleted} conversation{'' if deleted == 1 else 's'} idle for more than "
        f"{days} day{'' if days == 1 else 's'} ({settings.profile} profile, {where})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
