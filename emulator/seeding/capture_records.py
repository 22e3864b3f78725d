"""What the DC API shows, turned back into fixture records (fixtures/README.md) that render the same answers.

Pure functions over decoded JSON: the ids, keys, dates and value ids are the source's own. What the API does not
show is filled with a stated default: passwords are the username, every user is in `jira-users`, every scheme
grants that group everything, a form's key prefix is made from its name.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from emulator.core.types import MULTI_OPTION_TYPES, OPTION_TYPES, REFERENCE_TYPES, AttributeType
from emulator.seeding.read import FixtureError

EVERYONE = "jira-users"
ADMINS = "jira-administrators"
JIRA_TIME = "%d/%b/%y %I:%M %p"  # `02/May/19 10:29 AM`, as attachments show their date
# Jira's default first, then date formats administrators often set (month names are read in English only).
SHOWN_FORMATS = (JIRA_TIME, "%d/%b/%y %H:%M", "%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M", "%m/%d/%Y %I:%M %p")


def scheme_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One scheme of `/schema/objectSchemas.json`; every captured user may do everything in it."""
    grant = [EVERYONE]
    return {
        "id": raw["id"], "name": raw["schemaName"], "key": raw["key"], "description": raw.get("description"),
        "created": raw["created"], "createdBy": raw["createdBy"], "updated": raw.get("updated"),
        "updatedBy": raw.get("updatedBy"),
        "permissions": {"browse": grant, "create": grant, "update": grant, "delete": grant},
    }  # fmt: skip


def form_records(forms: list[dict[str, Any]], schemes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The forms of `/form/list.json`, with scheme, order and origin from the scheme list."""
    placed = {f["id"]: (s["id"], f) for s in schemes for f in s.get("forms") or []}
    prefixes: set[str] = set()
    out = []
    for form in forms:
        scheme_id, entry = placed.get(form["id"], (schemes[0]["id"] if schemes else 1, {}))
        out.append(
            {
                "id": form["id"], "name": form["formName"], "schemeId": scheme_id,
                "keyPrefix": key_prefix(form["formName"], form["id"], prefixes),
                "sortOrder": entry.get("sortOrder") or 0, "cloneFromId": entry.get("cloneFromId"),
                "attributes": [
                    {"id": p["id"], "attributeId": p["attribute"]["id"], "sortOrder": p["sortOrder"]}
                    for p in form.get("attributes") or []
                ],
            }
        )  # fmt: skip
    return out


def key_prefix(name: str, form_id: int, taken: set[str]) -> str:
    """Capital letters of the name (`Laptop` -> `LAPT`), made unique with the form id; `F<id>` when none."""
    letters = "".join(c for c in name.upper() if "A" <= c <= "Z" or "0" <= c <= "9").lstrip("0123456789")[:4]
    prefix = letters or f"F{form_id}"
    if prefix in taken:
        prefix = f"{prefix}{form_id}"
    taken.add(prefix)
    return prefix


def attribute_types(forms: list[dict[str, Any]]) -> dict[int, AttributeType]:
    """Each placed attribute's type, as the form list shows it."""
    types: dict[int, AttributeType] = {}
    for form in forms:
        for p in form.get("attributes") or []:
            types[p["attribute"]["id"]] = AttributeType(p["attribute"]["attributeType"])
    return types


def attribute_records(
    raw: list[dict[str, Any]], types: dict[int, AttributeType], ref_forms: dict[int, int], fallback_form: int
) -> list[dict[str, Any]]:
    """`/attribute/list.json` with types from the forms; an unplaced attribute is a list with options, else text."""
    out = []
    for a in sorted(raw, key=lambda a: int(a["id"])):
        options = [
            {"id": o["id"], "value": o["attributeValue"], "sortOrder": o["sortOrder"]} for o in a.get("values") or []
        ]
        kind = types.get(a["id"], AttributeType.DROPDOWN_LIST if options else AttributeType.TEXT)
        record: dict[str, Any] = {"id": a["id"], "name": a["attributeName"], "type": kind.value}
        if kind in OPTION_TYPES:
            record["options"] = options
        if kind is AttributeType.INVENTORY_LIST_BY_FORM:
            record["referenceFormId"] = ref_forms.get(a["id"], fallback_form)
        out.append(record)
    return out


def location_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One location of `/location.json` (its users by key)."""
    return {
        "id": raw["id"], "name": raw["locationName"], "street": raw.get("street"), "city": raw.get("city"),
        "province": raw.get("province"), "postalCode": raw.get("postalCode"), "country": raw.get("country"),
        "contactUser": raw.get("contactUserKey"), "phone": raw.get("phone"), "email": raw.get("email"),
        "url": raw.get("url"), "description": raw.get("description"), "active": raw.get("active", True),
        "external": raw.get("external", False), "created": raw["createdAt"],
        "createdBy": raw.get("createdByUserKey"), "updated": raw.get("updatedAt"),
        "updatedBy": raw.get("updatedByUserKey"),
    }  # fmt: skip


def asset_record(raw: dict[str, Any]) -> dict[str, Any]:
    """One asset of a search answer, with its value ids, option id, dates and attachments."""
    record: dict[str, Any] = {
        "id": raw["id"],
        "name": raw["name"],
        "formId": raw["formId"],
        "optionId": raw["optionId"],
    }
    if raw.get("created") is not None:
        record["created"] = raw["created"]
    if raw.get("creator") is not None:
        record["creator"] = raw["creator"]
    if raw.get("attachments") is not None:
        record["attachments"] = attachments(raw["attachments"])
    record["values"] = [_value(item) for item in raw.get("inventoryItems") or []]
    return record


def attachments(text: str) -> list[dict[str, Any]]:
    """The attachment list the API sends as JSON text, with its shown dates read back as local times."""
    import json  # noqa: PLC0415 - only here

    return [{**f, "created": local_time(f["created"])} for f in json.loads(text)]


def local_time(shown: str) -> str:
    """`02/May/19 10:29 AM` -> `2019-05-02T10:29` (the fixture format's local time); a date in a format capture does
    not read (a Jira set to another language or date format) is a one-line `FixtureError` saying so."""
    read = read_shown(shown)
    if read is None:
        raise FixtureError(
            f"an attachment's date {shown!r} is not in a format capture reads ({', '.join(SHOWN_FORMATS)}); "
            "capture a Jira shown in English with one of these date formats"
        )
    return read.strftime("%Y-%m-%dT%H:%M")


def read_shown(shown: str) -> datetime | None:
    """A date as Jira shows it, in the first of `SHOWN_FORMATS` that reads it; None when none does."""
    for pattern in SHOWN_FORMATS:
        try:
            return datetime.strptime(shown, pattern)
        except ValueError:
            continue
    return None


def shown_offset_minutes(assets: list[dict[str, Any]]) -> int | None:
    """How far ahead of UTC the source shows times (`createdFormatted` beside the epoch `created`), in minutes."""
    for asset in assets:
        shown = read_shown(asset.get("createdFormatted") or "")
        if isinstance(asset.get("created"), int) and shown is not None:
            utc = datetime.fromtimestamp(asset["created"] // 60_000 * 60, UTC).replace(tzinfo=None)
            return round((shown - utc).total_seconds() / 60)
    return None


def _value(item: dict[str, Any]) -> dict[str, Any]:
    kind = AttributeType(item["attributeType"])
    value: Any = item.get("value")
    if kind in MULTI_OPTION_TYPES:
        value = [o["attributeValue"] for o in item.get("multiListValues") or []]
    elif kind in REFERENCE_TYPES:
        value = [r["id"] for r in item.get("inventoryRefs") or []]
    elif kind is AttributeType.USER_PICKER and value is not None and ", " in value:
        value = value.split(", ")
    elif kind is AttributeType.NUMBER and value is not None:
        value = int(value)
    elif kind is AttributeType.DECIMAL and value is not None:
        value = float(value)
    return {"id": item["id"], "attribute": item["attributeId"], "value": value}


def promote_multi_users(assets: list[dict[str, Any]], types: dict[int, AttributeType]) -> None:
    """A UserPicker that holds several users somewhere is the Cloud MULTI_USER type (DC shows both alike): its
    values become lists."""
    multi = {
        v["attribute"] for a in assets for v in a["values"]
        if types.get(v["attribute"]) is AttributeType.USER_PICKER and isinstance(v["value"], list)
    }  # fmt: skip
    for attribute in multi:
        types[attribute] = AttributeType.MULTI_USER_PICKER
    for asset in assets:
        for v in asset["values"]:
            if v["attribute"] in multi and isinstance(v["value"], str):
                v["value"] = [v["value"]]


def reference_forms(assets: list[dict[str, Any]], by_form: set[int]) -> dict[int, int]:
    """For each by-form reference attribute, the form of the assets its values point at."""
    form_of = {a["id"]: a["formId"] for a in assets}
    out: dict[int, int] = {}
    for asset in assets:
        for v in asset["values"]:
            if v["attribute"] in by_form and v["value"] and (found := form_of.get(v["value"][0])) is not None:
                out[v["attribute"]] = found
    return out


def user_record(raw: dict[str, Any], groups: list[str]) -> dict[str, Any]:
    """A Jira user of `/rest/api/2/user`; the password is the username (the real one is never read)."""
    return {
        "username": raw["name"], "key": raw["key"], "password": raw["name"],
        "displayName": raw.get("displayName") or raw["name"],
        "email": raw.get("emailAddress") or f"{raw['name']}@invalid", "groups": groups,
        "active": raw.get("active", True), "timeZone": raw.get("timeZone") or "UTC",
    }  # fmt: skip


def placeholder_user(name: str, groups: list[str]) -> dict[str, Any]:
    """A user the source names but no longer knows (404): inactive, its name as key and display name."""
    return user_record({"name": name, "key": name, "displayName": name, "active": False}, groups)
