"""The search engine, behind one door.

`tree` is the engine-neutral query language every dialect translates into (each dialect parses its own syntax);
`index`, `schema` and `caches` use Whoosh's public API, and `whoosh_internals/` alone touches
its private parts.
"""
