"""The users the captured data names, read through Jira's own `/rest/api/2/user` (dc-api.md §5), and the capturer."""

from __future__ import annotations

from typing import Any

from emulator.core.types import USER_TYPES, AttributeType
from emulator.seeding import capture_records as records
from emulator.seeding.source import Source

JIRA_API = "/rest/api/2"
LOCATION_USERS = ("contactUserKey", "createdByUserKey", "updatedByUserKey")


def named_users(
    assets: list[dict[str, Any]], locations: list[dict[str, Any]], types: dict[int, AttributeType]
) -> tuple[set[str], set[str]]:
    """(user keys, usernames) the assets and locations name."""
    keys = {loc[k] for loc in locations for k in LOCATION_USERS if loc.get(k)}
    names: set[str] = set()
    for asset in assets:
        if asset.get("creator"):
            names.add(asset["creator"])
        for file in records.attachments(asset["attachments"]) if asset.get("attachments") else []:
            names.add(file["creator"])
        for item in asset.get("inventoryItems") or []:
            if types.get(item["attributeId"]) in USER_TYPES and item.get("value"):
                keys.update(item["value"].split(", "))
    return keys, names


def capture_users(
    source: Source,
    context_path: str,
    assets: list[dict[str, Any]],
    locations: list[dict[str, Any]],
    types: dict[int, AttributeType],
) -> list[dict[str, Any]]:
    """The capturer (an administrator in the capture) and every user named, sorted by key."""
    api = context_path + JIRA_API
    me = source.get(api + "/myself")
    found: dict[str, dict[str, Any]] = {me["key"]: records.user_record(me, [records.ADMINS, records.EVERYONE])}
    keys, names = named_users(assets, locations, types)
    known_names = {u["username"] for u in found.values()}
    for key in sorted(keys - found.keys()):
        _add(found, _user(source, api, "key", key))
    known_names = {u["username"] for u in found.values()}
    for name in sorted(names - known_names):
        _add(found, _user(source, api, "username", name))
    return sorted(found.values(), key=lambda u: str(u["key"]))


def _add(found: dict[str, dict[str, Any]], user: dict[str, Any]) -> None:
    found.setdefault(user["key"], user)


def _user(source: Source, api: str, by: str, value: str) -> dict[str, Any]:
    answer = source.call("GET", api + "/user", params={by: value})
    if answer.status == 404:
        return records.placeholder_user(value, [records.EVERYONE])
    return records.user_record(source.expect_ok(api + "/user", answer), [records.EVERYONE])
