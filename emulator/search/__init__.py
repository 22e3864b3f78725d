"""The search engine, behind one door.

`tree` is the engine-neutral query language every dialect translates into; `lucene` turns Lucene strings
into it; `index` and `executor` are the only modules that know Whoosh.
"""
