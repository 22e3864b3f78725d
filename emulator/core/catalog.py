"""The metadata every request needs (users, schemes, forms, attributes, statuses, locations), held in memory.

Small and read on every request, so it is loaded once from the database and reloaded after metadata writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from emulator.core.types import AttributeType
from emulator.core.values import AttributeInfo
from emulator.store import models as m

BROWSE, CREATE, UPDATE, DELETE = "browse", "create", "update", "delete"
Row = TypeVar("Row")


@dataclass(frozen=True)
class UserInfo:
    username: str
    key: str
    account_id: str
    password: str
    display_name: str
    email: str
    active: bool
    time_zone: str
    groups: frozenset[str]


@dataclass(frozen=True)
class SchemeInfo:
    id: int
    name: str
    key: str
    description: str | None
    created: int
    created_by: str
    updated: int
    updated_by: str
    permissions: dict[str, frozenset[str]]


@dataclass(frozen=True)
class Placement:
    """An attribute placed on a form (`formAttributeId`)."""

    id: int
    attribute_id: int
    sort_order: int
    required: bool


@dataclass(frozen=True)
class FormInfo:
    id: int
    name: str
    scheme_id: int
    sort_order: int
    key_prefix: str
    description: str | None
    clone_from_id: int | None
    placements: tuple[Placement, ...]  # in sort order
    created: int | None = None
    created_by: str | None = None  # a username


@dataclass(frozen=True)
class OptionInfo:
    id: int
    attribute_id: int
    sort_order: int
    value: str


@dataclass(frozen=True)
class StatusInfo:
    """A status or a substatus (two key spaces: status "1" and substatus "1" are different entries)."""

    id: int
    key: str
    name: str
    substatus: bool
    parent_key: str | None  # set for substatuses


@dataclass(frozen=True)
class LocationInfo:
    id: int
    name: str
    street: str | None
    city: str | None
    province: str | None
    postal_code: str | None
    country: str | None
    contact_user_key: str | None
    phone: str | None
    email: str | None
    url: str | None
    description: str | None
    active: bool
    external: bool
    created_at: int
    created_by_user_key: str | None
    updated_at: int
    updated_by_user_key: str | None


def _frozen(kind: type[Row], row: Any) -> Row:
    """A row's columns as the immutable value `kind` (a catalog is shared by every namespace loaded from one save)."""
    return kind(**{f.name: getattr(row, f.name) for f in fields(kind)})  # type: ignore[arg-type]


@dataclass
class Catalog:
    """Lookup tables over the metadata."""

    users: dict[str, UserInfo] = field(default_factory=dict)  # by username
    users_by_key: dict[str, UserInfo] = field(default_factory=dict)
    users_by_account: dict[str, UserInfo] = field(default_factory=dict)  # Cloud accountId
    schemes: dict[int, SchemeInfo] = field(default_factory=dict)
    forms: dict[int, FormInfo] = field(default_factory=dict)
    attributes: dict[int, AttributeInfo] = field(default_factory=dict)
    attributes_by_name: dict[str, AttributeInfo] = field(default_factory=dict)
    options: dict[int, OptionInfo] = field(default_factory=dict)
    statuses: dict[str, StatusInfo] = field(default_factory=dict)
    substatuses: dict[str, StatusInfo] = field(default_factory=dict)
    locations: dict[int, LocationInfo] = field(default_factory=dict)

    def user(self, username_or_key: str) -> UserInfo | None:
        """A user by username, user key or Cloud accountId (cloud-api.md §3: one user set, two dialects)."""
        found = self.users.get(username_or_key) or self.users_by_key.get(username_or_key)
        return found or self.users_by_account.get(username_or_key)

    def may(self, user: UserInfo, scheme_id: int, permission: str) -> bool:
        """Whether `user` holds `permission` on the scheme through one of its groups."""
        scheme = self.schemes.get(scheme_id)
        return scheme is not None and bool(scheme.permissions.get(permission, frozenset()) & user.groups)

    def browsable(self, user: UserInfo) -> list[int]:
        """The ids of the schemes `user` may browse, ascending."""
        return [scheme_id for scheme_id in sorted(self.schemes) if self.may(user, scheme_id, BROWSE)]

    def options_of(self, attribute_id: int) -> list[OptionInfo]:
        """An option attribute's options in their sort order."""
        found = [o for o in self.options.values() if o.attribute_id == attribute_id]
        return sorted(found, key=lambda o: (o.sort_order, o.id))


def load_catalog(session: Session) -> Catalog:
    """Read every metadata table into a fresh catalog."""
    catalog = Catalog()
    for u in session.scalars(select(m.User)):
        user = UserInfo(
            u.username, u.key, u.account_id, u.password, u.display_name, u.email, u.active, u.time_zone,
            frozenset(json.loads(u.groups)),
        )  # fmt: skip
        catalog.users[u.username] = user
        catalog.users_by_key[u.key] = user
        catalog.users_by_account[u.account_id] = user
    for s in session.scalars(select(m.Scheme)):
        grants = {name: frozenset(groups) for name, groups in json.loads(s.permissions).items()}
        catalog.schemes[s.id] = SchemeInfo(
            s.id, s.name, s.key, s.description, s.created, s.created_by, s.updated, s.updated_by, grants
        )
    _load_forms(session, catalog)
    for option in session.scalars(select(m.AttributeOption)):
        catalog.options[option.id] = OptionInfo(option.id, option.attribute_id, option.sort_order, option.value)
    for a in session.scalars(select(m.Attribute)):
        texts = {o.value: o.id for o in catalog.options_of(a.id)}
        attribute = AttributeInfo(a.id, a.name, AttributeType(a.type), texts, a.reference_form_id)
        catalog.attributes[a.id] = attribute
        catalog.attributes_by_name[a.name] = attribute
    for status in session.scalars(select(m.Status)):
        (catalog.substatuses if status.substatus else catalog.statuses)[status.key] = _frozen(StatusInfo, status)
    catalog.locations = {loc.id: _frozen(LocationInfo, loc) for loc in session.scalars(select(m.Location))}
    return catalog


def _load_forms(session: Session, catalog: Catalog) -> None:
    placements: dict[int, list[Placement]] = {}
    for fa in session.scalars(select(m.FormAttribute).order_by(m.FormAttribute.sort_order, m.FormAttribute.id)):
        placements.setdefault(fa.form_id, []).append(Placement(fa.id, fa.attribute_id, fa.sort_order, fa.required))
    for f in session.scalars(select(m.Form)):
        catalog.forms[f.id] = FormInfo(
            f.id, f.name, f.scheme_id, f.sort_order, f.key_prefix, f.description, f.clone_from_id,
            tuple(placements.get(f.id, [])), f.created, f.created_by,
        )  # fmt: skip
