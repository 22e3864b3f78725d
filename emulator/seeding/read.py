"""Read a fixture directory into validated records; any fault names the file, the record and the field."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError

from emulator.seeding.format import (
    AssetRecord,
    AttributeRecord,
    CloudRecord,
    FormRecord,
    LocationRecord,
    Record,
    SchemeRecord,
    StatusRecord,
    UserRecord,
)
from emulator.util import surrogates

R = TypeVar("R", bound=Record)


class FixtureError(Exception):
    """A fixture directory cannot be loaded; the message says where and what to fix."""


@dataclass
class FixtureSet:
    """Every record of one fixture directory, structurally valid (cross-references are checked on load)."""

    source: Path
    users: list[UserRecord] = field(default_factory=list)
    schemes: list[SchemeRecord] = field(default_factory=list)
    attributes: list[AttributeRecord] = field(default_factory=list)
    forms: list[FormRecord] = field(default_factory=list)
    statuses: list[StatusRecord] = field(default_factory=list)
    locations: list[LocationRecord] = field(default_factory=list)
    assets: list[AssetRecord] = field(default_factory=list)
    asset_files: dict[int, Path] = field(default_factory=dict)  # asset id -> file, for error messages
    cloud: CloudRecord = field(default_factory=CloudRecord)


def read_fixtures(directory: Path) -> FixtureSet:
    """Read and validate every file of a fixture directory."""
    if not directory.is_dir():
        raise FixtureError(f"{directory}: fixture directory not found; pass --fixtures DIR with a fixture directory")
    out = FixtureSet(source=directory)
    out.users = _read(directory / "users.json", UserRecord)
    out.schemes = _read(directory / "schemes.json", SchemeRecord)
    out.attributes = _read(directory / "attributes.json", AttributeRecord)
    out.forms = _read(directory / "forms.json", FormRecord)
    out.statuses = _read(directory / "statuses.json", StatusRecord, required=False)
    out.locations = _read(directory / "locations.json", LocationRecord, required=False)
    for path in sorted(directory.glob("assets*.json")):
        for asset in _read(path, AssetRecord):
            out.asset_files[asset.id] = path
            out.assets.append(asset)
    out.cloud = _read_cloud(directory / "cloud.json")
    return out


def _read(path: Path, model: type[R], required: bool = True) -> list[R]:
    if not path.exists():
        if required:
            raise FixtureError(f"{path}: file missing; every fixture directory needs it (see fixtures/README.md)")
        return []
    raw = _bytes(path)
    if surrogates.holds_lone_surrogate(raw):  # pydantic's JSON parser keeps them; no database or answer can
        raise FixtureError(f"{path}: {surrogates.LONE}")
    try:  # pydantic parses and validates the file at once, about 3 times faster than record by record
        return _adapter(model).validate_json(raw)
    except PydanticError:
        pass  # read again record by record, for a message naming the file, the record and the field
    data = _json(path)
    if not isinstance(data, list):
        raise FixtureError(f"{path}: expected a JSON array of records, got {type(data).__name__}")
    return [_record(path, index, raw, model) for index, raw in enumerate(data)]


_ADAPTERS: dict[type[Record], TypeAdapter[Any]] = {}


def _adapter(model: type[R]) -> TypeAdapter[list[R]]:
    if model not in _ADAPTERS:
        _ADAPTERS[model] = TypeAdapter(list[model])  # type: ignore[valid-type]
    return _ADAPTERS[model]


def _read_cloud(path: Path) -> CloudRecord:
    """Read the optional `cloud.json` (one object, not an array)."""
    if not path.exists():
        return CloudRecord()
    data = _json(path)
    if not isinstance(data, dict):
        raise FixtureError(f"{path}: expected a JSON object with jwtSecret and tokens, got {type(data).__name__}")
    try:
        return CloudRecord.model_validate(data)
    except PydanticError as exc:
        loc = exc.errors()[0]["loc"]
        if len(loc) >= 2 and loc[0] == "tokens" and isinstance(loc[1], int):
            tokens = data["tokens"]
            at = describe(path, loc[1], tokens[loc[1]]).replace(": record #", ": token #")
            raise FixtureError(f"{at}, {_problem(exc, loc[2:])}") from None
        raise FixtureError(f"{path}, {_problem(exc, loc)}") from None


def _json(path: Path) -> Any:
    try:
        return json.loads(_bytes(path).decode("utf-8"))
    except ValueError as exc:  # not UTF-8, not JSON, or an int of more than 4,300 digits
        raise FixtureError(f"{path}: not valid JSON: {exc}") from None
    except RecursionError:
        raise FixtureError(f"{path}: not valid JSON: nested too deeply") from None


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:  # a directory named like the file, no permission to read it
        raise FixtureError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _problem(exc: PydanticError, loc: tuple[int | str, ...]) -> str:
    where = ".".join(str(part) for part in loc) or "(record)"
    return f"field '{where}': {exc.errors()[0]['msg']}"


def _record(path: Path, index: int, raw: Any, model: type[R]) -> R:
    try:
        return model.model_validate(raw)
    except PydanticError as exc:
        raise FixtureError(f"{describe(path, index, raw)}, {_problem(exc, exc.errors()[0]['loc'])}") from None


def describe(path: Path, index: int, raw: Any) -> str:
    """`file: record #N (id X)` for error messages."""
    ident = raw.get("id", raw.get("username", raw.get("key"))) if isinstance(raw, dict) else None
    return f"{path}: record #{index + 1}" + (f" (id {ident})" if ident is not None else "")
