"""The documents of a full index build, read by the writer processes themselves (`emulator.search.build`).

Reading the asset rows and building their documents is about half the CPU of a build; in the serving process it
kept one core busy while the writers waited for documents. A `DatabaseDocuments` is what the build sends each
writer instead: the database file and the time zone, from which the writer opens its own connection and catalog
and builds its share of the documents. The caller holds the index's write lock, so no write changes the database
while the writers read it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from emulator.core.catalog import load_catalog
from emulator.core.documents import build_document
from emulator.core.views import iter_all_views
from emulator.search.tree import Document
from emulator.store.db import open_engine, session_factory


@dataclass(frozen=True)
class DatabaseDocuments:
    """Every asset's document in the database at `database`, dates in `zone` (a `DocumentSource`)."""

    database: str
    zone: str
    batch: int = 500  # asset ids read at a time, and handed to the shares in turn

    def documents(self, part: int, parts: int) -> Iterator[Document]:
        """Share `part` of `parts`: every `parts`-th batch of asset ids (see `iter_all_views`)."""
        engine = open_engine(Path(self.database))
        try:
            with session_factory(engine)() as session:
                catalog, zone = load_catalog(session), ZoneInfo(self.zone)
                for view in iter_all_views(session, catalog, self.batch, part, parts):
                    yield build_document(view, catalog, zone)
        finally:
            engine.dispose()
