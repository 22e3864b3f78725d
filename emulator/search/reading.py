"""Reading one published state of the index: each segment's answer and the in-memory layer's, merged.

A search pins a `State` (`SearchIndex._pin`) and reads it here without the writer's lock: each segment answers its
top hits (`emulator.search.executor`) under the segment's own lock, with the documents the layer shadows left out;
the layer answers through the reference evaluator; the page across them starts by bisection
(`emulator.search.pages`).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from emulator.search import pages
from emulator.search.caches import DocSet
from emulator.search.executor import Executor
from emulator.search.recent import Recent
from emulator.search.tree import Hits, Node, SortKey
from emulator.search.whoosh_internals.segments import Part, View


@dataclass(frozen=True)
class State:
    """What one search reads: a segments view and the in-memory layer, published together."""

    view: View
    recent: Recent
    version: int  # moves with every published change


def search(state: State, node: Node, sort: list[SortKey], offset: int, limit: int) -> Hits:
    """One page of asset ids matching `node` in `sort` order, with the total (the caller pins `state`)."""
    offset = min(offset, sys.maxsize)  # a page number can be larger than any list (islice takes up to maxsize)
    needed = min(offset + limit, sys.maxsize)
    total, answers = 0, []
    keyed = len(state.view.parts) + bool(state.recent.entries) > 1
    skip = 0 if keyed else offset  # a lone source skips for us
    for part in state.view.parts:
        with part.caches.lock:
            executor = Executor(part.caches, _visible(part, state.recent))
            count, top = executor.run(node, sort, needed, keyed, skip)
        total += count
        answers.append(top)
    mine = state.recent.matching(node, sort)
    answers.append(mine[skip:])
    merged = pages.page(answers, offset - skip, needed - skip)
    return Hits(total + len(mine), [asset_id for _key, asset_id in merged], state.version)


def doc_count(state: State) -> int:
    """The segments' live documents not shadowed, plus the layer's (the caller pins `state`)."""
    count = 0
    for part in state.view.parts:
        with part.caches.lock:
            count += len(_visible(part, state.recent))
    return count + len(state.recent.live_documents())


def _visible(part: Part, recent: Recent) -> DocSet:
    """The segment's live documents, less those the in-memory layer shadows (caller holds the segment's lock)."""
    if not recent.entries:
        return part.live
    docnums = part.caches.docnums()
    hidden = {docnums[i] for i in recent.entries if i in docnums}
    return part.live - hidden if hidden else part.live
