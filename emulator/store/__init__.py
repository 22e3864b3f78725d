"""The system of record: SQLite through SQLAlchemy 2.x."""
