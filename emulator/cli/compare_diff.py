"""Every difference between two answers to one query: status, totals, asset ids and their order, then field by
field, ignoring what docs/fidelity.md lists as volatile (the answer's `respTime`, the host in links)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

VOLATILE = frozenset({"queryIndexParam.respTime"})
DERIVED = frozenset({"recordIds"})  # one null per asset: the id comparison already says what differs
MISSING = "(absent)"


@dataclass(frozen=True)
class Difference:
    """One difference: the query, where in the answer, what kind, and each side's value."""

    query: str
    where: str
    kind: str  # status | totals | ids | order | field
    source: Any
    emulator: Any


@dataclass(frozen=True)
class Side:
    """One side's answer: status and JSON body."""

    status: int
    body: Any


def differences(query: str, source: Side, emulator: Side) -> list[Difference]:
    """What differs between the source's answer and the emulator's."""
    if source.status != emulator.status:
        return [Difference(query, "status", "status", source.status, emulator.status)]
    left, right = _neutral(source.body), _neutral(emulator.body)
    if isinstance(left, dict) and isinstance(right, dict) and "assets" in left and "assets" in right:
        return _search(query, left, right)
    return list(_walk(query, "", left, right))


def _neutral(body: Any) -> Any:
    """The body with the scheme and host of every link replaced by `{base}`: each side names itself (or the base
    URL it is configured with, which a proxy in front of it does not change)."""
    if isinstance(body, str) and body.startswith(("http://", "https://")):
        parts = urlsplit(body)
        return "{base}" + body[len(parts.scheme) + 3 + len(parts.netloc) :]
    if isinstance(body, list):
        return [_neutral(x) for x in body]
    if isinstance(body, dict):
        return {k: _neutral(v) for k, v in body.items()}
    return body


def _search(query: str, left: dict[str, Any], right: dict[str, Any]) -> list[Difference]:
    out: list[Difference] = []
    lp, rp = left.get("queryPagingInfo") or {}, right.get("queryPagingInfo") or {}
    if lp.get("totalRecords") != rp.get("totalRecords"):
        out.append(
            Difference(query, "queryPagingInfo.totalRecords", "totals", lp.get("totalRecords"), rp.get("totalRecords"))
        )
    out += _ids(query, left["assets"], right["assets"])
    rest = {k: v for k, v in left.items() if k not in {"assets", *DERIVED}}
    others = {k: v for k, v in right.items() if k not in {"assets", *DERIVED}}
    out += [d for d in _walk(query, "", rest, others) if d.where != "queryPagingInfo.totalRecords"]
    theirs = {a["id"]: a for a in right["assets"]}
    for asset in left["assets"]:
        if asset["id"] in theirs:
            out += _walk(query, f"assets[id={asset['id']}]", asset, theirs[asset["id"]])
    return out


def _ids(query: str, left: list[dict[str, Any]], right: list[dict[str, Any]]) -> list[Difference]:
    mine, theirs = [a["id"] for a in left], [a["id"] for a in right]
    if mine == theirs:
        return []
    only_left, only_right = [i for i in mine if i not in theirs], [i for i in theirs if i not in mine]
    if only_left or only_right:
        return [Difference(query, "assets ids", "ids", only_left, only_right)]
    return [Difference(query, "assets order", "order", mine, theirs)]


def _walk(query: str, path: str, left: Any, right: Any) -> list[Difference]:
    if path in VOLATILE:
        return []
    if isinstance(left, dict) and isinstance(right, dict):
        out: list[Difference] = []
        for key in [*left, *(k for k in right if k not in left)]:
            out += _walk(query, f"{path}.{key}" if path else key, left.get(key, MISSING), right.get(key, MISSING))
        return out
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        return [d for i, (a, b) in enumerate(zip(left, right, strict=True)) for d in _walk(query, f"{path}[{i}]", a, b)]
    if left != right or type(left) is not type(right):
        return [Difference(query, path or "(body)", "field", left, right)]
    return []
