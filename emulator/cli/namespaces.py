"""`aip-emulator namespace list | create | delete`: the namespaces of a running server, over its control routes."""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from typing import Any

DEFAULT_URL = "http://127.0.0.1:8080"
_TIMEOUT_S = 30


def add_namespace_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `namespace` command and its subcommands to the CLI's parser."""
    namespace = commands.add_parser(
        "namespace", help="list, create and delete namespaces of a running server (isolated emulators inside it)"
    )
    actions = namespace.add_subparsers(dest="namespace_command", required=True)
    actions.add_parser("list", help="list the namespaces, default first, with their asset counts")
    create = actions.add_parser("create", help="create a namespace from the default namespace's baseline")
    create.add_argument("name", help="1-63 characters of a-z 0-9 - _, starting with a letter or digit")
    create.add_argument(
        "--from",
        dest="source",
        default="baseline",
        help="'baseline' (default) or 'snapshot:NAME', a snapshot of the default namespace",
    )
    delete = actions.add_parser("delete", help="delete a namespace and its data (not 'default')")
    delete.add_argument("name", help="the namespace to delete")
    for command in actions.choices.values():
        command.add_argument("--url", default=DEFAULT_URL, help=f"the running emulator (default {DEFAULT_URL})")


def run_namespace_command(args: argparse.Namespace) -> int:
    """Run one `namespace` subcommand against the server at `--url`; print the answer as JSON."""
    base = args.url.rstrip("/") + "/_emulator/namespaces"
    try:
        if args.namespace_command == "list":
            print(json.dumps(_call("GET", base), indent=2))
        elif args.namespace_command == "create":
            print(json.dumps(_call("POST", base, {"name": args.name, "from": args.source}), indent=2))
        else:
            _call("DELETE", f"{base}/{args.name}")
            print(f"deleted namespace {args.name}")
    except urllib.error.HTTPError as exc:
        print(f"aip-emulator: {exc.code}: {_message(exc)}", file=sys.stderr)
        return 1
    except urllib.error.URLError as exc:
        print(f"aip-emulator: no emulator answers at {args.url} ({exc.reason})", file=sys.stderr)
        return 2
    return 0


def _call(method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=_TIMEOUT_S) as answer:
        raw = answer.read()
    return json.loads(raw) if raw else None


def _message(exc: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read()).get("message", exc.reason))
    except ValueError:
        return str(exc.reason)
