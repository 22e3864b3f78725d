"""Jira's own user shapes, as AIP embeds them (locations) and as `/rest/api/2/user` answers (dc-api.md §5)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from emulator.core.catalog import Catalog, LocationInfo, UserInfo


class UserRenderer:
    """Renders users and locations with links under one base URL."""

    def __init__(self, catalog: Catalog, base_url: str) -> None:
        self.catalog, self.base_url = catalog, base_url

    def avatar(self, user: UserInfo, size: str = "xsmall") -> str:
        return f"{self.base_url}/secure/useravatar?size={size}&ownerId={quote(user.username)}"

    def embedded(self, key: str | None) -> dict[str, Any] | None:
        """The user object AIP embeds: key, username, name, directoryId, emailAddress, displayName, ..."""
        user = self.catalog.user(key) if key else None
        if user is None:
            return None
        return {
            "key": user.key,
            "username": user.username,
            "name": user.username,
            "directoryId": 1,
            "emailAddress": user.email,
            "displayName": user.display_name,
            "avatarUrl": self.avatar(user),
            "active": user.active,
        }

    def jira_user(self, user: UserInfo) -> dict[str, Any]:
        """Jira's REST user (`/rest/api/2/user`, `/myself`)."""
        sizes = {"48x48": "large", "24x24": "small", "16x16": "xsmall", "32x32": "medium"}
        return {
            "self": f"{self.base_url}/rest/api/2/user?username={quote(user.username)}",
            "key": user.key,
            "name": user.username,
            "emailAddress": user.email,
            "avatarUrls": {dims: self.avatar(user, size) for dims, size in sizes.items()},
            "displayName": user.display_name,
            "active": user.active,
            "timeZone": user.time_zone,
            "locale": "en_US",
        }

    def location(self, loc: LocationInfo) -> dict[str, Any]:
        """One AIP location."""
        return {
            "id": loc.id,
            "createdAt": loc.created_at,
            "createdByUserKey": loc.created_by_user_key,
            "updatedAt": loc.updated_at,
            "updatedByUserKey": loc.updated_by_user_key,
            "locationName": loc.name,
            "street": loc.street,
            "city": loc.city,
            "province": loc.province,
            "postalCode": loc.postal_code,
            "country": loc.country,
            "contactUserKey": loc.contact_user_key,
            "contactUser": self.embedded(loc.contact_user_key),
            "phone": loc.phone,
            "email": loc.email,
            "url": loc.url,
            "description": loc.description,
            "active": loc.active,
            "external": loc.external,
            "createdByUser": self.embedded(loc.created_by_user_key),
            "updatedByUser": self.embedded(loc.updated_by_user_key),
        }
