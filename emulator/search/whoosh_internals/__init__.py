"""Whoosh's private parts, fenced: the only modules of the emulator that import Whoosh's non-public modules or read
its underscore attributes (tests/test_architecture.py holds every other module to that).

They are written against one release, `WHOOSH_VERSION` (pinned in pyproject.toml and constraints.txt; a test checks
all three agree). A Whoosh upgrade must re-check, module by module:
- `bulk`: `SegmentWriter`'s pool and per-document writer (`_added`, `docnum`), the field formats' posting encoding.
- `codec`, `termwriter`, `termtable`, `terminfo`: the emulator's codec, W3's but for the terms file (`W3Codec`'s
  `_blocklimit`, `_compression`, the field writer and terms reader protocols in `whoosh.codec.base`, `W3TermInfo`'s
  attributes, `SegmentWriter._commit_toc` (the only place Whoosh's writer deletes files at commit), W3's block
  headers, `WHOOSH3_HEADER_MAGIC`, `COMPRESSION_MIN_SIZE`, `Positions.encode`).
- `columns`: the column readers' attributes (`_dbfile`, `_basepos`, `_count`, `_doccount`, `_fixedlen`, ...).
- `blocks` and `phrases`: `W3LeafMatcher`'s blocks (`_baseoffset`, `_nextoffset`, `_maxid`, `_goto`, `_next_block`,
  `_read_data`, `_data` as (document gaps, weights, values), `_read_values`, `_values`, `_byteids`).
- `packed`: `W3LeafMatcher`'s block reading (`_postfile`, `_dataoffset`, `_nextoffset`, `_blocklength`,
  `_compression`, `_data`, `_values`, `_read_data`, `_read_values`) and the tuple W3's blocks pickle.
- `segments`: the table of contents (`_read_toc`) and `SegmentReader` over a segment's `_deleted`.
- `join`: `TOC` (its constructor, `read`, `write`) and segments' files named by `segment_id()`.
- `naming`: `Segment._random_id` and `random_name` in `whoosh.util`, `codec.base`, `filedb.filestore`,
  `filedb.compound`.
Then run `make test` (tests/search/ compares every engine answer with a reference evaluator) and `make bench`.
"""

WHOOSH_VERSION = "3.54.0"  # the `whoosh3` release these modules are written against
