"""The chaos driver's clients: a random mix of calls from a few threads until the server is killed under them.

Each thread owns the assets it creates (one call at a time on each), its own namespace `kc-T` and snapshot `s-T`, so
what each call left behind is known: applied (2xx), not applied (any other answer), or either (never answered).
Whole-state changes (reset, restore, seed, export then seed of the export) run one at a time across threads.
"""

from __future__ import annotations

import io
import random
import shutil
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.chaos_model import GONE, UNKNOWN, AssetTrack, Model

DC = "/rest/jip-api/1.0"
CLOUD = "/api/v1"
LAPTOP = 9  # a form (Cloud collection) of the default and every generated data set
WEIGHTS = {
    "dc-create": 20, "cloud-create": 8, "update": 15, "delete": 8, "search": 12, "snapshot": 3, "snapshot-delete": 1,
    "restore": 2, "reset": 3, "seed-default": 1, "seed-generated": 1, "export-import": 1, "namespace-create": 2,
    "namespace-delete": 1, "namespace-write": 3,
}  # fmt: skip
WHOLE_STATE = {"restore", "reset", "seed-default", "seed-generated", "export-import"}


class Unanswered(Exception):
    """The server went away under a call: the round's kill."""


@dataclass
class Client:
    """One driving thread's state."""

    number: int
    url: str
    model: Model
    rng: random.Random
    tag: str  # unique per round: names are `{tag}t{number}n{counter}`
    scratch: Path
    whole_state: threading.Lock
    statuses: Counter[str] = field(default_factory=Counter)  # "operation status" -> count
    owned: list[AssetTrack] = field(default_factory=list)
    counter: int = 0
    token: str = ""
    calm: bool = False  # no whole-state changes this round: every acknowledged write is checked
    whole_state_weight: float = 1.0  # more (or fewer) whole-state changes than WEIGHTS says

    def call(self, op: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            with httpx.Client(base_url=self.url, auth=("admin", "admin"), timeout=120, trust_env=False) as http:
                response = http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            raise Unanswered(str(error)) from error
        self.statuses[f"{op} {response.status_code}"] += 1
        return response

    def name(self) -> str:
        self.counter += 1
        return f"{self.tag}t{self.number}n{self.counter}"


def drive(client: Client, stop: threading.Event) -> None:
    """Random calls until `stop` or the server dies (the call in flight then is recorded as unanswered)."""
    ops = list(WEIGHTS)
    weights = [w * (client.whole_state_weight if op in WHOLE_STATE else 1) for op, w in WEIGHTS.items()]
    while not stop.is_set():
        op = client.rng.choices(ops, weights)[0]
        if op in WHOLE_STATE and (client.calm or not client.whole_state.acquire(blocking=False)):
            continue
        client.model.doing(client.number, op)
        try:
            OPERATIONS[op](client, op)
        except Unanswered:
            return
        finally:
            if op in WHOLE_STATE:
                client.whole_state.release()
        client.model.doing(client.number, None)


def _live_owned(client: Client) -> list[AssetTrack]:
    world = client.model.stamp().world
    return [a for a in client.owned if a.world == world and a.names[-1] is not GONE and not a.dirty]


def _create(client: Client, op: str) -> None:
    name, stamp = client.name(), client.model.stamp()
    try:
        if op == "dc-create":
            body = {"formId": LAPTOP, "name": name, "attributes": {}}
            response = client.call(op, "POST", f"{DC}/inventory.json", json=body)
            asset_id = response.json()["data"]["id"] if response.status_code == 200 else None
        else:
            response = _cloud(client, op, "POST", "/assets", json={"collectionId": LAPTOP, "name": name})
            asset_id = int(response.json()["asset"]["id"]) if response.status_code == 201 else None
    except Unanswered:
        with client.model.lock:
            client.model.unanswered_creates.append(name)
        raise
    if asset_id is not None:
        track = AssetTrack(int(asset_id), stamp.world, [name], dirty=not client.model.clean(stamp))
        client.owned.append(track)
        with client.model.lock:
            client.model.assets.append(track)


def _update_or_delete(client: Client, op: str) -> None:
    live = _live_owned(client)
    if not live:
        return
    track, cloud, stamp = client.rng.choice(live), client.rng.random() < 0.35, client.model.stamp()
    new: str | None = GONE if op == "delete" else client.name()
    track.pending.append(new)
    if cloud:
        method, body = ("DELETE", None) if new is GONE else ("PUT", {"name": new})
        response = _cloud(client, op, method, f"/assets/{track.asset_id}", json=body)
    elif new is GONE:
        response = client.call(op, "DELETE", f"{DC}/inventory/{track.asset_id}.json")
    else:
        response = client.call(op, "PUT", f"{DC}/inventory/{track.asset_id}.json", json={"name": new})
    track.pending.pop()
    if response.status_code == 404 and client.model.clean(stamp):  # it was there, acknowledged, in this world
        client.statuses[f"{op} of an acknowledged asset 404 (a failure)"] += 1
    if response.is_success:
        track.names.append(new)
        track.dirty = track.dirty or not client.model.clean(stamp)


def _cloud(client: Client, op: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A Cloud call with this thread's WRITE token (minted again when a whole-state change forgot it)."""
    for _ in range(2):
        if not client.token:
            minted = client.call("token", "POST", "/_emulator/tokens", json={"name": "chaos", "access": "WRITE"})
            client.token = minted.json().get("token", "") if minted.status_code == 201 else ""
        headers = {"Authorization": f"Bearer {client.token}"}
        with httpx.Client(base_url=client.url, timeout=120, trust_env=False) as http:
            try:
                response = http.request(method, CLOUD + path, headers=headers, **kwargs)
            except httpx.TransportError as error:
                raise Unanswered(str(error)) from error
        if response.status_code != 401:
            break
        client.token = ""
    client.statuses[f"{op} {response.status_code}"] += 1
    return response


def _search(client: Client, op: str) -> None:
    live = _live_owned(client)
    word = client.rng.choice(live).names[-1] if live and client.rng.random() < 0.6 else "laptop"
    if client.rng.random() < 0.3:
        _cloud(client, op, "POST", "/assets/search", json={"query": word})
        return
    params = [{"field": "asset.name", "fieldType": "STRING", "keyword": word}]
    client.call(op, "POST", f"{DC}/index/query.json", json={"queryIndexSearchParams": params, "pageSize": 50})


def _snapshot(client: Client, op: str) -> None:
    name, model, stamp = f"s-{client.number}", client.model, client.model.stamp()
    model.set_named(model.snapshots, name, UNKNOWN)
    if op == "snapshot":
        response = client.call(op, "POST", "/_emulator/snapshots", json={"name": name})
        state = "present" if response.status_code == 201 else UNKNOWN
    else:
        response = client.call(op, "DELETE", f"/_emulator/snapshots/{name}")
        state = "absent" if response.status_code in (204, 404) else UNKNOWN
    model.set_named(model.snapshots, name, state if model.clean(stamp) else UNKNOWN)  # a reset beside it: either


def _whole_state(client: Client, op: str) -> None:
    body: dict[str, Any] | None = None
    path = "/_emulator/seed" if op.startswith(("seed", "export")) else "/_emulator/reset"
    if op == "restore":
        path = f"/_emulator/snapshots/s-{client.rng.randrange(3)}/restore"
    elif op == "seed-default":
        body = {"fixtures": str(Path(__file__).resolve().parent.parent / "fixtures" / "default")}
    elif op == "seed-generated":
        body = {"generate": {"assets": client.rng.choice((0, 40, 300)), "seed": client.rng.randrange(1000)}}
    elif op == "export-import":
        body = {"fixtures": str(_export(client))}
    client.model.change_started(op)
    try:
        response = client.call(op, "POST", path, json=body)
    except Unanswered:
        raise
    client.model.change_answered(op, response.is_success)
    client.token = ""


def _export(client: Client) -> Path:
    response = client.call("export", "GET", "/_emulator/export")
    target = client.scratch / f"export-t{client.number}"
    shutil.rmtree(target, ignore_errors=True)
    if response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            archive.extractall(target)
    return target


def _namespace(client: Client, op: str) -> None:
    name, model = f"kc-{client.number}", client.model
    model.set_named(model.namespaces, name, UNKNOWN)
    if op == "namespace-create":
        response = client.call(op, "POST", "/_emulator/namespaces", json={"name": name})
        model.set_named(model.namespaces, name, "present" if response.status_code in (201, 409) else UNKNOWN)
    elif op == "namespace-delete":
        response = client.call(op, "DELETE", f"/_emulator/namespaces/{name}")
        model.set_named(model.namespaces, name, "absent" if response.status_code in (204, 404) else UNKNOWN)
    else:
        body = {"formId": LAPTOP, "name": client.name(), "attributes": {}}
        response = client.call(op, "POST", f"/_ns/{name}{DC}/inventory.json", json=body)
        model.set_named(model.namespaces, name, "present" if response.is_success else UNKNOWN)


OPERATIONS = {
    "dc-create": _create, "cloud-create": _create, "update": _update_or_delete, "delete": _update_or_delete,
    "search": _search, "snapshot": _snapshot, "snapshot-delete": _snapshot, "namespace-create": _namespace,
    "namespace-delete": _namespace, "namespace-write": _namespace,
    **dict.fromkeys(WHOLE_STATE, _whole_state),
}  # fmt: skip
