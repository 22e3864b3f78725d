"""`aip-emulator postman --out DIR [--url URL]`: write a running server's Postman collections and environment.

The files are what `/_emulator/postman/...` answers, so their `baseUrl` is the server as `--url` reaches it (a
namespace's `http://HOST:PORT/_ns/NAME` too) and the environment's `jwtToken` is freshly minted by that server.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from emulator.cli.http import DEFAULT_URL, Refused, Unreachable, call
from emulator.cli.options import subcommand

EXAMPLE = "aip-emulator postman --out postman --url http://127.0.0.1:8080 && newman run postman/collection.json -e postman/environment.json"  # noqa: E501
FILES = ("collection.json", "control.json", "environment.json")  # the environment last: it mints a token


def add_postman_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `postman` command to the CLI's parser."""
    text = "write a running server's Postman collection, control-plane collection and environment into a directory"
    command = subcommand(commands, "postman", text, {"postman": EXAMPLE})
    command.add_argument("--out", type=Path, required=True, help="the directory to write the three files into")
    command.add_argument("--url", default=DEFAULT_URL, help=f"the running emulator (default {DEFAULT_URL})")
    command.add_argument("--auth", metavar="USER:PASSWORD", help="an administrator, if the control plane needs one")


def run_postman_command(args: argparse.Namespace) -> int:
    """Fetch the three files from the server at `--url` and write them into `--out`; nothing is written on failure."""
    base = args.url.rstrip("/") + "/_emulator/postman/"
    try:
        documents = {name: call("GET", base + name, auth=args.auth) for name in FILES}
    except Refused as exc:
        print(f"aip-emulator: {exc.status}: {exc.message}", file=sys.stderr)
        return 1
    except Unreachable:
        print(f"aip-emulator: no emulator answers at {args.url}; start one (aip-emulator serve) or pass --url",
              file=sys.stderr)  # fmt: skip
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for name, document in documents.items():
        (args.out / name).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    out = args.out
    print(f"wrote {', '.join(str(out / n) for n in FILES)}\nimport them into Postman, or run the API collection: "
          f"newman run {out / 'collection.json'} -e {out / 'environment.json'}")  # fmt: skip
    return 0
