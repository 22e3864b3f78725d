"""`aip-emulator namespace list | create | delete`: the namespaces of a running server, over its control routes."""

from __future__ import annotations

import argparse
import json
import sys

from emulator.cli.http import DEFAULT_URL, Refused, Unreachable, call
from emulator.cli.options import subcommand

EXAMPLES = {
    "list": "aip-emulator namespace list --url http://127.0.0.1:8080",
    "create": "aip-emulator namespace create w1 --from snapshot:before-test",
    "delete": "aip-emulator namespace delete w1",
}


def add_namespace_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `namespace` command and its subcommands to the CLI's parser."""
    text = "list, create and delete namespaces of a running server (isolated emulators inside it)"
    namespace = subcommand(commands, "namespace", text, {"namespace": EXAMPLES["create"]})
    actions = namespace.add_subparsers(dest="namespace_command", required=True)
    subcommand(actions, "list", "list the namespaces, default first, with their asset counts", EXAMPLES)
    create = subcommand(actions, "create", "create a namespace from the default namespace's baseline", EXAMPLES)
    create.add_argument("name", help="1-63 characters of a-z 0-9 - _, starting with a letter or digit")
    create.add_argument(
        "--from",
        dest="source",
        default="baseline",
        help="'baseline' (default) or 'snapshot:NAME', a snapshot of the default namespace",
    )
    delete = subcommand(actions, "delete", "delete a namespace and its data (not 'default')", EXAMPLES)
    delete.add_argument("name", help="the namespace to delete")
    for command in actions.choices.values():
        command.add_argument("--url", default=DEFAULT_URL, help=f"the running emulator (default {DEFAULT_URL})")
        command.add_argument("--auth", metavar="USER:PASSWORD", help="an administrator, if the control plane needs one")


def run_namespace_command(args: argparse.Namespace) -> int:
    """Run one `namespace` subcommand against the server at `--url`; print the answer as JSON."""
    base = args.url.rstrip("/") + "/_emulator/namespaces"
    try:
        if args.namespace_command == "list":
            print(json.dumps(call("GET", base, auth=args.auth), indent=2))
        elif args.namespace_command == "create":
            body = {"name": args.name, "from": args.source}
            print(json.dumps(call("POST", base, body, auth=args.auth), indent=2))
        else:
            call("DELETE", f"{base}/{args.name}", auth=args.auth)
            print(f"deleted namespace {args.name}")
    except Refused as exc:
        print(f"aip-emulator: {exc.status}: {exc.message}", file=sys.stderr)
        return 1
    except Unreachable:
        print(
            f"aip-emulator: no emulator answers at {args.url}; start one (aip-emulator serve) or pass --url",
            file=sys.stderr,
        )
        return 2
    return 0
