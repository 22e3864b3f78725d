"""What a namespace may be called, apart from the namespaces themselves: the pytest plugin names the worker's
namespace with it without loading the data layer."""

from __future__ import annotations

import re

from emulator.core.errors import ValidationError

DEFAULT = "default"
NAME_RULE = "1-63 characters of a-z 0-9 - _, starting with a letter or digit"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def check_name(name: str) -> str:
    """`name` if it is a namespace name, else a 400 naming the rule."""
    if not _NAME.match(name):
        raise ValidationError(f"namespace: {name!r} is not a namespace name; use {NAME_RULE}", field="namespace")
    return name
