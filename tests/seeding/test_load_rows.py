"""The seed writes its rows through the driver's own executemany: the same rows SQLAlchemy's insert writes."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from emulator.seeding.load import _insert
from emulator.store import models as m
from emulator.store.db import open_engine

USERS: list[dict[str, Any]] = [  # time_zone, active and groups left out: their defaults
    {"username": "ann", "key": "ann", "account_id": "a-1", "password": "x", "display_name": "Ann", "email": "a@x"},
    {"username": "bob", "key": "bob", "account_id": "b-2", "password": "y", "display_name": "Bob", "email": "b@x"},
]


def _rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT *, typeof(active) FROM users ORDER BY username").fetchall()


def test_left_out_columns_get_the_defaults_sqlalchemy_gives(tmp_path: Path) -> None:
    ours, reference = open_engine(tmp_path / "ours.db"), open_engine(tmp_path / "reference.db")
    with ours.begin() as connection:
        sql, values = _insert(m.User.__table__, USERS)
        connection.connection.cursor().executemany(sql, values)
    with reference.begin() as connection:
        connection.execute(insert(m.User), USERS)
    ours.dispose()
    reference.dispose()
    rows = _rows(tmp_path / "ours.db")
    assert rows == _rows(tmp_path / "reference.db")
    assert [(row[1], row[-4:]) for row in rows] == [
        ("ann", (1, "UTC", "[]", "integer")),
        ("bob", (1, "UTC", "[]", "integer")),
    ]
