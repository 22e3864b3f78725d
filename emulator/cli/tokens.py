"""`aip-emulator token create | list | revoke`: Cloud API tokens of a data directory (cloud-api.md §2).

The commands work on the database directly. A server already running on the same data directory keeps its own copy
of the token list until it restarts; use the `/_emulator/tokens` routes to change the tokens of a running server.
"""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from emulator.core.errors import ValidationError
from emulator.core.token_codec import Access
from emulator.settings import Settings

if TYPE_CHECKING:
    from emulator.core.runtime import Emulator

_EPOCH_MS = re.compile(r"^\d+$")


def add_token_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `token` command and its subcommands to the CLI's parser."""
    token = commands.add_parser("token", help="create, list and revoke Cloud API tokens of a data dir")
    actions = token.add_subparsers(dest="token_command", required=True)
    create = actions.add_parser("create", help="create a token and print it (the only time it is shown)")
    create.add_argument("--name", required=True, help="the token's name")
    create.add_argument("--access", required=True, type=str.upper, choices=[a.value for a in Access])
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires-at", help="ISO date or date-time (emulator's time zone unless given) or epoch ms")
    expiry.add_argument("--never-expire", action="store_true", help="a token without expiry (default: 30 days)")
    create.add_argument("--owner", help="accountId or username of the owner (default: the first administrator)")
    create.add_argument("--id", help="a fixed token id (default: a random one)")
    listing = actions.add_parser("list", help="list the tokens that have not been revoked")
    revoke = actions.add_parser("revoke", help="revoke a token")
    revoke.add_argument("token_id", metavar="ID", help="the token's id")
    for command in (create, listing, revoke):
        command.add_argument("--data-dir", type=Path, help="database and index (AIP_EMULATOR_DATA_DIR)")
        command.add_argument("--fixtures", type=Path, help="fixtures to seed a new data dir (AIP_EMULATOR_FIXTURES)")
        command.add_argument("--time-zone", help="IANA zone for --expires-at (AIP_EMULATOR_TIME_ZONE, default UTC)")


def run_token_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `token` subcommand against the data directory; print the result as JSON."""
    from emulator.core.runtime import Emulator  # noqa: PLC0415 - the search engine is slow to import
    from emulator.core.tokens import create_token, list_tokens, revoke_token  # noqa: PLC0415
    from emulator.dialects.control.tokens import token_json  # noqa: PLC0415 - FastAPI is slow to import

    emu = Emulator(settings)
    try:
        emu.open_store()
        if args.token_command == "create":
            info, jwt = create_token(
                emu,
                args.name,
                args.access,
                expires_at=None if args.expires_at is None else parse_moment(args.expires_at, emu.zone),
                never_expire=args.never_expire,
                owner_account_id=_owner(emu, args.owner),
                token_id=args.id,
            )
            print(json.dumps(token_json(info) | {"token": jwt}, indent=2))
        elif args.token_command == "list":
            print(json.dumps([token_json(info) for info in list_tokens(emu)], indent=2))
        else:
            revoke_token(emu, args.token_id)
            print(f"revoked token {args.token_id}")
    finally:
        emu.close()
    return 0


def parse_moment(text: str, zone: ZoneInfo) -> int:
    """Read epoch milliseconds or an ISO-8601 date / date-time (naive ones in `zone`) as epoch milliseconds."""
    value = text.strip()
    if _EPOCH_MS.match(value):
        return int(value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"--expires-at: {text!r} is neither an ISO date-time nor epoch milliseconds") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return int(moment.timestamp() * 1000)


def _owner(emu: Emulator, owner: str | None) -> str | None:
    """Return the accountId of `--owner`, which may also be a username or user key."""
    user = None if owner is None else emu.catalog.user(owner)
    return user.account_id if user is not None else owner
