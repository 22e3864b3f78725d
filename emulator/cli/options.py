"""Flags for every setting, help that shows the defaults, and setting errors in one line."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic.fields import FieldInfo

from emulator.settings import ENV_PREFIX, Settings

# The settings the data commands (reindex, export, token) take; `serve` takes them all.
DATA_SETTINGS = ("data_dir", "fixtures", "context_path", "time_zone", "seed", "jwt_secret", "tenant")


class SettingsProblem(Exception):
    """A setting with a bad value: one line naming the flag or variable and the value."""


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def flag_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def _default(info: FieldInfo) -> str:
    value = info.get_default(call_default_factory=True)
    if value in (None, "", []):
        return "none"
    return str(value)


def add_setting_flags(parser: argparse.ArgumentParser, fields: tuple[str, ...] | None = None) -> None:
    """One flag per setting (or per setting in `fields`); the help names its variable and default."""
    for name, info in Settings.model_fields.items():
        if fields is not None and name not in fields:
            continue
        if (info.description or "").startswith("internal:"):
            continue  # set by the server for its namespaces, never by a user (no flag, not in the README's table)
        words = info.description or name.replace("_", " ")
        text = f"{words} ({env_name(name)}, default: {_default(info)})".replace("%", "%%")
        if info.annotation is bool:
            parser.add_argument(flag_name(name), action=argparse.BooleanOptionalAction, default=None, help=text)
        else:
            parser.add_argument(flag_name(name), metavar=name.upper(), help=text)


def settings_from(args: argparse.Namespace) -> Settings:
    """Environment first, flags on top; a bad value is one `SettingsProblem` naming where it came from."""
    given: dict[str, Any] = {
        name: value for name in Settings.model_fields if (value := getattr(args, name, None)) is not None
    }
    try:
        return Settings(**given)
    except ValidationError as exc:
        raise SettingsProblem(describe(exc, given)) from None


def describe(exc: ValidationError, given: dict[str, Any]) -> str:
    """`--port 'abc': Input should be a valid integer` or `AIP_EMULATOR_PORT='abc': ...`, one line."""
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "settings"
        source = flag_name(field) if field in given else env_name(field)
        reason = str(error["msg"]).removeprefix("Value error, ")
        parts.append(f"{source}={error.get('input')!r}: {reason}")
    return "; ".join(parts)


class Parser(argparse.ArgumentParser):
    """A parser that reports an unknown argument itself, so the usage shown is the (sub)command's, not the top-level
    one's (argparse hands a subcommand's unknown arguments up to the top-level parser)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def subcommand(
    parsers: argparse._SubParsersAction[argparse.ArgumentParser], name: str, text: str, examples: Mapping[str, str]
) -> argparse.ArgumentParser:
    """A (sub)command whose help says what it does and shows its example (`examples[name]`)."""
    return parsers.add_parser(
        name, help=text, description=text, epilog=f"example:\n  {examples[name]}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
