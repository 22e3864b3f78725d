"""The in-memory layer: changes acknowledged by the database and not yet flushed to the Whoosh segments.

A write hands its engine-neutral documents (or `None` for a deleted asset) to the layer as soon as the database
has committed; from then on every search consults the layer beside the segments: an asset id present here
shadows whatever the segments hold for it, and the layer's own documents are matched and sorted by the reference
evaluator (`emulator.search.reference`). A background flush (`emulator.search.flusher`) writes a batch to Whoosh
and, in the same atomic swap that publishes the new segments, drops the entries it wrote (unless a newer change
replaced them meanwhile).

A `Recent` value is immutable: writers build a new one, so a search reads one consistent layer without a lock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from emulator.search import reference
from emulator.search.tree import Document, Node, SortKey


@dataclass(frozen=True)
class Entry:
    """The state of one asset as of `generation`: its document, or None once deleted."""

    generation: int
    doc: Document | None
    new: bool = False  # created since the last flush: Whoosh holds no older copy to replace


@dataclass(frozen=True)
class Recent:
    """One immutable version of the layer: entries by asset id, and the newest generation they include."""

    generation: int = 0
    entries: Mapping[int, Entry] = field(default_factory=lambda: MappingProxyType({}))

    def __len__(self) -> int:
        return len(self.entries)

    def with_changes(self, generation: int, changes: Mapping[int, Document | None], new: Iterable[int]) -> Recent:
        """A layer with these changes of `generation` on top (a create stays `new` through later updates)."""
        created = set(new)
        entries = dict(self.entries)
        for asset_id, doc in changes.items():
            before = entries.get(asset_id)
            fresh = asset_id in created or (before is not None and before.new)
            entries[asset_id] = Entry(generation, doc, fresh)
        return Recent(max(self.generation, generation), MappingProxyType(entries))

    def without(self, flushed: Mapping[int, Entry]) -> Recent:
        """The layer once `flushed` is in the segments: entries replaced since then stay (no longer `new`: the
        segments now hold a copy that their flush must replace)."""
        entries = {}
        for asset_id, entry in self.entries.items():
            written = flushed.get(asset_id)
            if written is None:
                entries[asset_id] = entry
            elif written is not entry:
                entries[asset_id] = Entry(entry.generation, entry.doc, new=False)
        return Recent(self.generation, MappingProxyType(entries))

    def live_documents(self) -> list[Document]:
        """The documents of assets that exist (deleted ones left out)."""
        return [entry.doc for entry in self.entries.values() if entry.doc is not None]

    def matching(self, node: Node, sort: list[SortKey]) -> list[tuple[tuple[object, ...], int]]:
        """The layer's documents matching `node`, each with its order key, in order."""
        found = [doc for doc in self.live_documents() if reference.matches(doc, node)]
        return sorted((reference.order_key(doc, sort), doc.asset_id) for doc in found)
