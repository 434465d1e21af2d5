"""Group commit of read-audit events: every event on record when ``write`` returns, concurrent requests
sharing one transaction, SQLite's write lock waited for without its back-off, errors reaching every caller."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from innopoints.accounts.audit_writer import AuditWriter
from innopoints.adapters.db.accounts_tables import AuditEvent
from innopoints.adapters.db.engine import make_engine
from innopoints.adapters.db.migrate import upgrade


def _row(n: int) -> dict[str, object]:
    return {
        "at": datetime(2026, 11, 28, 1, 0, tzinfo=UTC),
        "user_id": None,
        "actor": f"测试读者{n}",
        "role": "admin",
        "action": "view_enterprise",
        "enterprise_id": None,
        "channel": "web",
        "path": f"/enterprises/{n}",
        "detail": "",
    }


def _actors(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(sa.select(AuditEvent.actor).order_by(AuditEvent.id)))


def test_events_are_committed_when_write_returns(engine: sa.Engine) -> None:
    writer = AuditWriter(engine)
    writer.write([_row(1), _row(2)])
    writer.write([])  # nothing to write: no transaction
    assert _actors(engine) == ["测试读者1", "测试读者2"]
    assert writer.commits == 1
    writer.close()


def test_an_export_s_many_events_are_written_in_one_transaction(engine: sa.Engine) -> None:
    writer = AuditWriter(engine)
    count = 2_501  # an export of many firms
    writer.write([_row(n) for n in range(count)])
    assert len(_actors(engine)) == count and writer.commits == 1
    writer.close()


def test_waiting_requests_share_one_transaction(engine: sa.Engine) -> None:
    writer = AuditWriter(engine)
    writer._writing.acquire()  # a transaction in progress: the next five requests queue behind it
    threads = [threading.Thread(target=writer.write, args=([_row(n)],)) for n in range(5)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while len(writer._queue) < 5:
        assert time.monotonic() < deadline, "requests did not queue"
        time.sleep(0.001)
    writer._writing.release()
    for thread in threads:
        thread.join(10)
    assert sorted(_actors(engine)) == sorted(f"测试读者{n}" for n in range(5))
    assert writer.commits == 1  # the first to get the lock wrote all five; the others found theirs done
    writer.close()


def test_sqlite_lock_held_elsewhere_is_waited_for_and_taken_soon_after_release(tmp_path: Path) -> None:
    """SQLite's database-wide write lock (PostgreSQL locks rows: nothing to wait for there)."""
    url = f"sqlite:///{tmp_path}/locked.db"
    engine = make_engine(url)
    upgrade(engine)
    other = make_engine(url)
    holder = other.raw_connection()
    holder.execute("BEGIN IMMEDIATE")  # another process's writer holds the lock
    writer = AuditWriter(engine)
    finished: list[float] = []
    thread = threading.Thread(target=lambda: (writer.write([_row(7)]), finished.append(time.monotonic())))
    thread.start()
    time.sleep(0.3)
    assert finished == []  # still waiting for the lock
    released = time.monotonic()
    holder.rollback()
    thread.join(10)
    assert finished and finished[0] - released < 0.1  # retried within milliseconds, not after a back-off
    assert _actors(engine) == ["测试读者7"]
    holder.close()
    other.dispose()
    writer.close()
    engine.dispose()


def test_a_failed_transaction_raises_in_every_waiting_request(tmp_path: Path) -> None:
    empty = make_engine(f"sqlite:///{tmp_path}/empty.db")  # no audit table
    writer = AuditWriter(empty)
    errors: list[BaseException] = []

    def attempt(n: int) -> None:
        try:
            writer.write([_row(n)])
        except sa.exc.OperationalError as exc:
            errors.append(exc)

    writer._writing.acquire()
    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    while len(writer._queue) < 3:
        time.sleep(0.001)
    writer._writing.release()
    for thread in threads:
        thread.join(10)
    assert len(errors) == 3 and all("audit_event" in str(e) for e in errors)
    with pytest.raises(sa.exc.OperationalError):  # and the next request tries again on a fresh connection
        writer.write([_row(9)])
    writer.close()
    empty.dispose()
