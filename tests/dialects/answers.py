"""The requests behind the answers recorded in emulator/dialects/http/answers/ (the OpenAPI document's response
examples), and their recording: `AIP_EMULATOR_RECORD_ANSWERS=1 pytest tests/dialects/test_openapi_tidy.py`."""

from __future__ import annotations

import json
from typing import Any

from emulator.dialects.http import examples
from emulator.dialects.http.openapi_tidy import ANSWERS
from emulator.testing import Client
from tests.helpers import SEARCH

DC = "/rest/jip-api/1.0"
REQUESTS: dict[str, dict[str, Any]] = {
    "dc-search": {"method": "POST", "path": SEARCH, "json": examples.DC_SEARCH["one-string-field"]["value"]},
    "dc-asset": {"method": "GET", "path": f"{DC}/inventory/21.json"},
    "dc-form": {"method": "GET", "path": f"{DC}/form/9.json"},
    "cloud-asset": {"method": "GET", "path": "/api/v1/assets/LAP-1"},
    "cloud-search": {"method": "POST", "path": "/api/v1/assets/search",
                     "json": examples.CLOUD_SEARCH["laptops"]["value"]},
    "cloud-collection": {"method": "GET", "path": "/api/v1/collections/9"},
}  # fmt: skip


def send(client: Client, name: str, cloud_token: str) -> dict[str, Any]:
    """Ask what `name` records, as admin (DC) or with the default READ token (Cloud)."""
    request = REQUESTS[name]
    if request["path"].startswith("/api/"):
        auth: dict[str, Any] = {"headers": {"Authorization": f"Bearer {cloud_token}"}}
    else:
        auth = {"auth": ("admin", "admin")}
    response = client.request(request["method"], request["path"], json=request.get("json"), **auth)
    return {"request": request, "status": response.status_code, "body": response.json()}


def record(client: Client, cloud_token: str) -> None:
    """Write every answer file anew."""
    for name in REQUESTS:
        text = json.dumps(send(client, name, cloud_token), indent=2, ensure_ascii=False) + "\n"
        (ANSWERS / f"{name}.json").write_text(text, encoding="utf-8")
