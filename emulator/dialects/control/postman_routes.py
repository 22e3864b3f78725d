"""`/_emulator/postman/...`: the Postman collections and an environment for this very server (issue 30).

`aip-emulator postman --out DIR` writes what these answer. The environment carries a Cloud token minted for it
(WRITE, the default 30 days), so each download is one more token in `GET /_emulator/tokens`.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from emulator.core.tokens import create_token
from emulator.dialects.control.postman import api_collection
from emulator.dialects.control.postman_control import control_collection
from emulator.dialects.http.deps import EmulatorDep

router = APIRouter(prefix="/_emulator/postman", tags=["Emulator control"])
TOKEN_NAME = "postman"


def server_base(request: Request) -> str:
    """This server as the request reached it, a namespace's root included."""
    return str(request.base_url).rstrip("/")


@router.get("/collection.json")
def collection(request: Request, emu: EmulatorDep) -> dict[str, Any]:
    """The Data Center, Jira and Cloud requests (Postman collection v2.1), each with its assertions."""
    settings = emu.settings
    return api_collection(server_base(request), settings.context_path, settings.cloud_base_path)


@router.get("/control.json")
def control(request: Request) -> dict[str, Any]:
    """The control routes as a collection of their own (it ends with a reset)."""
    return control_collection(server_base(request))


@router.get("/environment.json")
def environment(request: Request, emu: EmulatorDep) -> dict[str, Any]:
    """A Postman environment: this server's base URL, admin's Basic credentials and a fresh WRITE Cloud token, under
    the collection's names and under those a conversion of /openapi.json uses."""
    base = server_base(request)
    _, token = create_token(emu, TOKEN_NAME, "WRITE")
    values = [("baseUrl", base, "default"), ("username", "admin", "default"), ("password", "admin", "secret"),
              ("jwtToken", token, "secret"),
              # the names openapi-to-postmanv2 gives the document's security schemes: /openapi.json converted
              # into a collection runs with this environment too
              ("basicAuthUsername", "admin", "default"), ("basicAuthPassword", "admin", "secret"),
              ("bearerToken", token, "secret")]  # fmt: skip
    return {
        "name": f"aip-emulator at {base}",
        "values": [{"key": k, "value": v, "type": kind, "enabled": True} for k, v, kind in values],
        "_postman_variable_scope": "environment",
    }
