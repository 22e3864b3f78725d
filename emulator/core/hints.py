"""Near-miss hints: a search that names a field, sort field or option the emulator does not know.

The vendor answers such a search with 200 and nothing found, and so does the emulator; it also says why, in an
`X-AIP-Emulator-Warning` header and the request journal (`unknown field 'Serial Numbr' (did you mean 'Serial
Number'?)`). In strict mode (`AIP_EMULATOR_STRICT=true`, or `POST /_emulator/strict`) the same text is a 400
instead, for suites that want a typo to fail loudly. No FastAPI here: both dialects collect into one `Hints`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from emulator.core.catalog import Catalog
from emulator.core.errors import ValidationError
from emulator.core.fields import SYSTEM_FIELDS
from emulator.core.types import OPTION_TYPES

CLOSE_ENOUGH = 0.6  # difflib's ratio for a name to be offered as "did you mean"
SUGGESTIONS = 3
TIE = 0.05  # names this much less alike than the best are not offered


class Hints:
    """Warnings collected while a query is translated; in strict mode a near miss raises instead."""

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict
        self.messages: list[str] = []

    def add(self, message: str) -> None:
        """Report something read more leniently than the vendor would (never an error, even when strict)."""
        if message not in self.messages:
            self.messages.append(message)

    def unknown(self, what: str, name: str, known: Iterable[str], field: str | None = None, of: str = "") -> None:
        """Report a name (of field `of`) that matches nothing the emulator knows, with the closest known names."""
        owner = f" of '{of}'" if of else ""
        message = f"unknown {what} '{name}'{owner}{did_you_mean(name, known)}"
        if self.strict:
            raise ValidationError(f"{message} (strict mode is on)", field=field)
        self.add(message)


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'a'?)` for the known names closest to `name` (a different case first), or ''."""
    names = list(dict.fromkeys(known))
    close = [k for k in names if k.lower() == name.lower() and k != name] or _closest(name.lower(), names)
    if not close:
        return ""
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)"


def _closest(name: str, names: list[str]) -> list[str]:
    """The names as close as the closest one (within `TIE`), at least `CLOSE_ENOUGH` alike, at most `SUGGESTIONS`."""
    scored = [(ratio, k) for k in names if (ratio := _alike(name, k.lower())) >= CLOSE_ENOUGH]
    good = sorted(scored, key=lambda s: -s[0])
    return [k for ratio, k in good[:SUGGESTIONS] if ratio >= good[0][0] - TIE]


def _alike(name: str, known: str) -> float:
    """difflib's ratio, or 0 when its upper bounds (by the lengths, then by the characters) are below `CLOSE_ENOUGH`,
    as `difflib.get_close_matches` does: the ratio of a long name costs time in proportion to its length (a name of
    100,000 characters: ~2 s against the default fixtures' names), its length bound nothing."""
    matcher = difflib.SequenceMatcher(None, name, known)
    if matcher.real_quick_ratio() < CLOSE_ENOUGH or matcher.quick_ratio() < CLOSE_ENOUGH:
        return 0.0
    return matcher.ratio()


def field_names(catalog: Catalog) -> list[str]:
    """Every name a DC search param may use: the system fields and the attribute names."""
    return [*SYSTEM_FIELDS, *catalog.attributes_by_name]


def options_of(catalog: Catalog, field: str) -> list[str] | None:
    """The values a LIST field takes, where they are a closed set (None: any value, or not a LIST field)."""
    system = {
        "form.name": lambda: [f.name for f in catalog.forms.values()],
        "scheme.name": lambda: [s.name for s in catalog.schemes.values()],
        "asset.status": lambda: [s.name for s in catalog.statuses.values()],
        "asset.substatus": lambda: [s.name for s in catalog.substatuses.values()],
        "asset.location": lambda: [loc.name for loc in catalog.locations.values()],
        "asset.belongsToGroup": lambda: sorted({g for u in catalog.users.values() for g in u.groups}),
    }
    if field in system:
        return system[field]()
    attribute = catalog.attributes_by_name.get(field)
    if attribute is None or attribute.type not in OPTION_TYPES:
        return None
    return [o.value for o in catalog.options_of(attribute.id)]


def check_option(
    hints: Hints, catalog: Catalog, field: str, value: str, where: str | None = None, *, shown: str | None = None
) -> None:
    """Report a literal LIST value that is none of the field's options (LIST matching is exact, any case); the
    message names the field as `shown` (the dialect's own name for it) or as `field`."""
    known = options_of(catalog, field)
    if known is None or any(c in value for c in "*?\\") or value.lower() in {k.lower() for k in known}:
        return
    hints.unknown("option", value, known, where, of=shown or field)
