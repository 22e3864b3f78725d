"""`aip-emulator token create | list | revoke`: Cloud API tokens, changed where they take effect at once.

With a server running (`--url`, or the one the data directory's lock file names) the commands go through its
`/_emulator/tokens` routes, so a created token works and a revoked one is refused from the next request on.
With no server they change the data directory, which the next server reads.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from emulator.cli.http import Refused, call
from emulator.cli.options import subcommand
from emulator.core.access import Access
from emulator.core.errors import EmulatorError, ValidationError
from emulator.settings import Settings

if TYPE_CHECKING:
    from emulator.runtime.emulator import Emulator

_EPOCH_MS = re.compile(r"^\d+$")
TOKENS = "/_emulator/tokens"
EXAMPLES = {
    "create": "aip-emulator token create --name ci --access WRITE --never-expire",
    "list": "aip-emulator token list --url http://127.0.0.1:8080",
    "revoke": "aip-emulator token revoke 3f2a9c",
}


class NoTokenTarget(Exception):
    """Neither a running server nor a data directory to act on."""


def add_token_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    add_settings: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add the `token` command and its subcommands to the CLI's parser."""
    text = "create, list and revoke Cloud API tokens"
    token = subcommand(commands, "token", text, {"token": EXAMPLES["create"]})
    actions = token.add_subparsers(dest="token_command", required=True)
    create = subcommand(actions, "create", "create a token and print it as JSON (the only time it is shown)", EXAMPLES)
    create.add_argument("--name", required=True, help="the token's name")
    create.add_argument("--access", required=True, type=str.upper, choices=[a.value for a in Access])
    expiry = create.add_mutually_exclusive_group()
    expiry.add_argument("--expires-at", help="ISO date or date-time (emulator's time zone unless given) or epoch ms")
    expiry.add_argument("--never-expire", action="store_true", help="a token without expiry (default: 30 days)")
    create.add_argument("--owner", help="accountId or username of the owner (default: the first administrator)")
    create.add_argument("--id", help="a fixed token id (default: a random one)")
    listing = subcommand(actions, "list", "list the tokens that have not been revoked, as a JSON list", EXAMPLES)
    revoke = subcommand(actions, "revoke", "revoke a token (refused at once by a running server)", EXAMPLES)
    revoke.add_argument("token_id", metavar="ID", help="the token's id")
    for command in (create, listing, revoke):
        command.add_argument("--url", help="a running server (default: the one holding --data-dir, if any)")
        command.add_argument("--auth", metavar="USER:PASSWORD", help="an administrator, if the control plane needs one")
        add_settings(command)


def run_token_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run one `token` subcommand on the running server, else on the data directory."""
    url = args.url or _running_server_url(settings)
    if url:
        _over_http(args, url.rstrip("/"), ZoneInfo(settings.time_zone))
        return 0
    if not settings.database_path.is_file():
        raise NoTokenTarget(
            f"no server is running on data directory {settings.data_dir} and it holds no data: "
            "start one with `aip-emulator serve`, or pass --url or --data-dir"
        )
    _on_data_dir(args, settings)
    return 0


def _running_server_url(settings: Settings) -> str | None:
    from emulator.runtime.lock import running_server  # noqa: PLC0415 - it loads the database layer

    holder = running_server(settings.data_dir)
    return holder.url if holder else None


def _over_http(args: argparse.Namespace, url: str, zone: ZoneInfo) -> None:
    try:
        if args.token_command == "create":
            created = call("POST", url + TOKENS, _new_token(args, zone), args.auth)
            print(json.dumps(created, indent=2))
        elif args.token_command == "list":
            print(json.dumps(call("GET", url + TOKENS, auth=args.auth), indent=2))
        else:
            call("DELETE", f"{url}{TOKENS}/{args.token_id}", auth=args.auth)
            print(f"revoked token {args.token_id}")
    except Refused as exc:
        error = EmulatorError(f"{url} refused: {exc.message}")
        error.status = exc.status
        raise error from None


def _new_token(args: argparse.Namespace, zone: ZoneInfo) -> dict[str, Any]:
    body: dict[str, Any] = {"name": args.name, "access": args.access, "neverExpire": args.never_expire}
    if args.expires_at is not None:
        body["expiresAt"] = parse_moment(args.expires_at, zone)
    if args.owner is not None:
        body["ownerAccountId"] = args.owner
    if args.id is not None:
        body["id"] = args.id
    return body


def _on_data_dir(args: argparse.Namespace, settings: Settings) -> None:
    from emulator.core.tokens import create_token, list_tokens, revoke_token  # noqa: PLC0415
    from emulator.dialects.control.token_routes import token_json  # noqa: PLC0415 - FastAPI is slow to import
    from emulator.runtime.emulator import Emulator  # noqa: PLC0415 - the search engine is slow to import

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
