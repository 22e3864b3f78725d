"""Reading the metadata both dialects show: attributes, forms, schemes, locations and users."""

from __future__ import annotations

from emulator.core.catalog import Catalog, FormInfo, LocationInfo, SchemeInfo, UserInfo
from emulator.core.errors import NotFound, ValidationError
from emulator.core.values import AttributeInfo


def attributes(catalog: Catalog) -> list[AttributeInfo]:
    """Every attribute, by name (dc-api.md §3: the attribute list shows all, whatever the caller may browse)."""
    return sorted(catalog.attributes.values(), key=lambda a: (a.name.lower(), a.id))


def attribute(catalog: Catalog, attribute_id: int) -> AttributeInfo:
    found = catalog.attributes.get(attribute_id)
    if found is None:
        raise NotFound(f"Attribute {attribute_id} does not exist")
    return found


def forms(catalog: Catalog, user: UserInfo) -> list[FormInfo]:
    """The forms of the schemes `user` may browse, by id."""
    allowed = set(catalog.browsable(user))
    return [f for _, f in sorted(catalog.forms.items()) if f.scheme_id in allowed]


def form(catalog: Catalog, user: UserInfo, form_id: int, noun: str = "Form") -> FormInfo:
    """A form of a scheme `user` may browse (a Cloud collection is a form); 404 otherwise."""
    found = catalog.forms.get(form_id)
    if found is None or found.scheme_id not in catalog.browsable(user):
        raise NotFound(f"{noun} {form_id} does not exist")
    return found


def schemes(catalog: Catalog, user: UserInfo) -> list[tuple[SchemeInfo, list[FormInfo]]]:
    """The schemes `user` may browse, each with its forms in their sort order."""
    out = []
    for scheme_id in catalog.browsable(user):
        members = [f for f in catalog.forms.values() if f.scheme_id == scheme_id]
        out.append((catalog.schemes[scheme_id], sorted(members, key=lambda f: (f.sort_order, f.id))))
    return out


def locations(catalog: Catalog) -> list[LocationInfo]:
    return [catalog.locations[i] for i in sorted(catalog.locations)]


def location(catalog: Catalog, location_id: int) -> LocationInfo:
    found = catalog.locations.get(location_id)
    if found is None:
        raise NotFound(f"Location {location_id} does not exist")
    return found


def jira_user(catalog: Catalog, key: str | None, username: str | None) -> UserInfo:
    """Jira's `/user?key=` or `?username=` lookup."""
    if key is None and username is None:
        raise ValidationError("The 'username' or 'key' query parameter is required")
    found = catalog.users_by_key.get(key) if key is not None else catalog.users.get(username or "")
    if found is None:
        raise NotFound(f"The user named '{key if key is not None else username}' does not exist")
    return found
