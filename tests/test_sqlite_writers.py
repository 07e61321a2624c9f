"""SQLite writers queue on a lock file beside the database (db.QueuedWriterConnection).

These run on their own SQLite file whatever TEST_DATABASE_URL says: the queue is SQLite's.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from support_hub.db import QueuedWriterConnection, begin_write, configure_sqlite_engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'writers.db'}")
    configure_sqlite_engine(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT UNIQUE)")
    yield engine
    engine.dispose()


def _queue_is_free(tmp_path: Path) -> bool:
    """True when another process could take the writers' lock right now."""
    fd = os.open(tmp_path / "writers.db-writer.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def test_a_writing_transaction_holds_the_queue_until_it_commits(
    engine: sa.Engine, tmp_path: Path
) -> None:
    with Session(engine) as session:
        begin_write(session)
        assert isinstance(session.connection().connection.dbapi_connection, QueuedWriterConnection)
        session.execute(sa.text("INSERT INTO note (body) VALUES ('a')"))
        assert not _queue_is_free(tmp_path)
        session.commit()
        assert _queue_is_free(tmp_path)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT body FROM note").scalars().all() == ["a"]


def test_a_failed_write_rolls_back_and_frees_the_queue(engine: sa.Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        begin_write(session)
        session.execute(sa.text("INSERT INTO note (body) VALUES ('same')"))
        with pytest.raises(sa.exc.IntegrityError):
            session.execute(sa.text("INSERT INTO note (body) VALUES ('same')"))
        session.rollback()
        assert _queue_is_free(tmp_path)


def test_a_reading_transaction_does_not_queue(engine: sa.Engine, tmp_path: Path) -> None:
    with Session(engine) as session:
        session.execute(sa.text("SELECT count(*) FROM note")).scalar()
        assert _queue_is_free(tmp_path)


def test_a_second_writer_waits_its_turn_then_writes(engine: sa.Engine) -> None:
    order: list[str] = []
    first_inside = threading.Event()

    def first() -> None:
        with Session(engine) as session:
            begin_write(session)
            session.execute(sa.text("INSERT INTO note (body) VALUES ('first')"))
            first_inside.set()
            time.sleep(0.3)
            order.append("first commits")
            session.commit()

    def second() -> None:
        first_inside.wait(5)
        with Session(engine) as session:
            begin_write(session)
            order.append("second begins")
            session.execute(sa.text("INSERT INTO note (body) VALUES ('second')"))
            session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert order == ["first commits", "second begins"]
    with engine.connect() as connection:
        bodies = connection.exec_driver_sql("SELECT body FROM note ORDER BY id").scalars().all()
    assert bodies == ["first", "second"]
