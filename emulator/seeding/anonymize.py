"""`capture --anonymize`: pseudonyms keyed per capture, so a capture can be shared.

Users are renumbered in key order (`user0001`, `JIRAUSER10001`, a made-up display name, `user0001@example.com`),
and every word of free text (asset names, text values, locations, attachments, descriptions) becomes a keyed hash
of itself with the same length, case and kind of characters: letters stay letters, digits stay digits, punctuation
stays. Within a capture the same word always gives the same pseudo-word, so a search that found it finds its
pseudonym. Structure stays as it was: ids, dates, numbers, option texts, form, attribute and scheme names,
references.

The key is random for each capture and never written, so nobody holding the files can check a guessed word against
them; a user who wants two captures to match gives the same key to both (`--anonymize-key`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any

from emulator.core.types import REFERENCE_TYPES, USER_TYPES, AttributeType

KEY_BYTES = 32  # of a random key
FIRST = ("Alex", "Sam", "Robin", "Kai", "Noa", "Jules", "Mika", "Toni", "Eli", "Yuri", "Ren", "Sasha", "Charlie")
LAST = ("Stone", "Rivers", "Field", "Brook", "Hill", "Marsh", "Wood", "Lake", "Ford", "Vale", "Glen", "Moor")
SYSTEM_USER = "system"
LOCATION_TEXT = ("name", "street", "city", "province", "postalCode", "phone", "email", "url", "description")
LOCATION_USERS = ("contactUser", "createdBy", "updatedBy")
KEPT = frozenset({"http", "https", "www", "com", "org", "net", "de", "mailto"})  # the shape of URLs and addresses
Files = dict[str, Any]


def new_key() -> bytes:
    """A random key: the pseudonyms of a capture that nobody can reproduce, not even its next run."""
    return secrets.token_bytes(KEY_BYTES)


class Pseudonyms:
    """The pseudonyms of one key: of words, texts and file names."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def digest(self, value: str) -> bytes:
        return hmac.new(self._key, value.encode("utf-8"), hashlib.sha256).digest()

    def word(self, word: str) -> str:
        """The word's pseudonym: same length, case and character kinds (URL and domain particles kept)."""
        if word.lower() in KEPT:
            return word
        digest = self.digest(word.lower())
        while len(digest) < len(word):
            digest += hashlib.sha256(digest).digest()
        out = []
        for char, byte in zip(word, digest, strict=False):
            if char.isdigit():
                out.append(chr(ord("0") + byte % 10))
            elif char.isalpha():
                letter = chr(ord("a") + byte % 26)
                out.append(letter.upper() if char.isupper() else letter)
            else:
                out.append(char)
        return "".join(out)

    def file(self, name: str) -> str:
        """A file name's pseudonym with its extension kept (`ombMnU6umGQ.jpg` -> `....jpg`)."""
        stem, dot, extension = name.rpartition(".")
        return self.text(stem) + dot + extension if dot else self.text(name)

    def text(self, text: str) -> str:
        """Every run of letters or digits replaced by its pseudonym; separators kept."""
        out, word = [], []
        for char in text:
            if char.isalnum():
                word.append(char)
                continue
            if word:
                out.append(self.word("".join(word)))
                word = []
            out.append(char)
        if word:
            out.append(self.word("".join(word)))
        return "".join(out)


class UserMap:
    """Usernames and keys of the capture, renumbered in key order; `pseudo`: the capture's pseudonyms."""

    def __init__(self, users: list[dict[str, Any]], pseudo: Pseudonyms) -> None:
        self.pseudo = pseudo
        self.by_name: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, dict[str, Any]] = {}
        for number, user in enumerate(sorted(users, key=lambda u: str(u["key"])), 1):
            new = _user(user, number, pseudo.digest(str(user["key"])))
            self.by_name[user["username"]] = self.by_key[user["key"]] = new

    def name(self, username: str | None) -> str | None:
        if username is None or username == SYSTEM_USER:
            return username
        found = self.by_name.get(username)
        return found["username"] if found else self.pseudo.text(username)

    def key(self, key: str | None) -> str | None:
        if key is None:
            return None
        found = self.by_key.get(key) or self.by_name.get(key)
        return found["key"] if found else self.pseudo.text(key)


def _user(user: dict[str, Any], number: int, seed: bytes) -> dict[str, Any]:
    username = f"user{number:04d}"
    return {
        **user, "username": username, "key": f"JIRAUSER{10000 + number}", "password": username,
        "displayName": f"{FIRST[seed[0] % len(FIRST)]} {LAST[seed[1] % len(LAST)]}",
        "email": f"{username}@example.com",
    }  # fmt: skip


def anonymize(files: Files, key: bytes) -> Files:
    """The capture's files with pseudonyms for every person and every word of free text, keyed by `key`."""
    users = UserMap(files["users.json"], Pseudonyms(key))
    types = {a["id"]: AttributeType(a["type"]) for a in files["attributes.json"]}
    out: Files = dict(files)
    out["users.json"] = [users.by_key[u["key"]] for u in files["users.json"]]
    out["schemes.json"] = [_scheme(s, users) for s in files["schemes.json"]]
    out["locations.json"] = [_location(loc, users) for loc in files["locations.json"]]
    for name, assets in files.items():
        if name.startswith("assets"):
            out[name] = [_asset(a, users, types) for a in assets]
    return out


def _scheme(scheme: dict[str, Any], users: UserMap) -> dict[str, Any]:
    description = scheme.get("description")
    return {
        **scheme, "description": None if description is None else users.pseudo.text(description),
        "createdBy": users.name(scheme["createdBy"]), "updatedBy": users.name(scheme.get("updatedBy")),
    }  # fmt: skip


def _location(loc: dict[str, Any], users: UserMap) -> dict[str, Any]:
    out = {**loc, **{k: users.pseudo.text(loc[k]) for k in LOCATION_TEXT if loc.get(k) is not None}}
    out.update({k: users.key(loc.get(k)) for k in LOCATION_USERS})
    return out


def _asset(asset: dict[str, Any], users: UserMap, types: dict[int, AttributeType]) -> dict[str, Any]:
    out = {**asset, "name": users.pseudo.text(asset["name"])}
    if "creator" in asset:
        out["creator"] = users.name(asset["creator"])
    if asset.get("attachments") is not None:
        out["attachments"] = [_attachment(f, users) for f in asset["attachments"]]
    out["values"] = [_value(v, users, types.get(v["attribute"], AttributeType.TEXT)) for v in asset["values"]]
    return out


def _attachment(file: dict[str, Any], users: UserMap) -> dict[str, Any]:
    return {
        **file, "originalFileName": users.pseudo.file(file["originalFileName"]),
        "serverFileName": users.pseudo.file(file["serverFileName"]), "creator": users.name(file["creator"]),
    }  # fmt: skip


def _value(value: dict[str, Any], users: UserMap, kind: AttributeType) -> dict[str, Any]:
    return {**value, "value": _mapper(kind, users)(value["value"])}


def _mapper(kind: AttributeType, users: UserMap) -> Callable[[Any], Any]:
    """How a value of this type is disguised: users renamed, free text hashed, the rest kept."""
    if kind in USER_TYPES:
        return lambda v: [users.key(x) for x in v] if isinstance(v, list) else users.key(v)
    if kind in REFERENCE_TYPES or not _free_text(kind):
        return lambda v: v
    return lambda v: users.pseudo.text(v) if isinstance(v, str) else v


def _free_text(kind: AttributeType) -> bool:
    text = {AttributeType.TEXT, AttributeType.TEXT_AREA, AttributeType.URL, AttributeType.EMAIL}
    return kind in text or kind in {AttributeType.IP, AttributeType.IPV6}
