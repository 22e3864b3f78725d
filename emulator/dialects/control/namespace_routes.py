"""`/_emulator/namespaces` (control-api.md, "Namespaces"): list, create and delete namespaces of the server."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from emulator.dialects.http.deps import NamespaceDep
from emulator.runtime.namespaces import BASELINE_SOURCE, Info, Namespaces

router = APIRouter(prefix="/_emulator/namespaces", tags=["Emulator control"])


class NamespaceIn(BaseModel):
    """A namespace to create: its name and the state it starts from."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(description="1-63 characters of a-z 0-9 - _, starting with a letter or digit")
    source: str = Field(
        default=BASELINE_SOURCE,
        alias="from",
        description="`baseline` (the default namespace's reset baseline) or `snapshot:<a default namespace snapshot>`",
    )


async def get_namespaces(request: Request) -> Namespaces:
    namespaces: Namespaces = request.app.state.namespaces
    return namespaces


NamespacesDep = Annotated[Namespaces, Depends(get_namespaces)]


def _info(info: Info) -> dict[str, Any]:
    return {"name": info.name, "createdAt": info.created_at, "lastUsedAt": info.last_used_at, "assets": info.assets}


@router.get("")
def list_namespaces(namespaces: NamespacesDep) -> list[dict[str, Any]]:
    """Every namespace of the server, `default` first, with its asset count."""
    return [_info(info) for info in namespaces.listing()]


@router.post("", status_code=201)
def create_namespace(body: NamespaceIn, namespaces: NamespacesDep) -> dict[str, Any]:
    """Create a namespace from the default namespace's baseline or one of its snapshots; 409 if it exists."""
    created = namespaces.create(body.name, body.source)
    assets = created.emulator.index.doc_count()
    return {"name": created.name, "createdAt": created.created_at, "assets": assets}


@router.delete("/{name}", status_code=204)
def delete_namespace(name: str, namespaces: NamespacesDep, asking: NamespaceDep) -> Response:
    """Delete a namespace and its data on disk; `default` cannot be deleted, nor one with requests under way (409)."""
    namespaces.delete(name, asking)
    return Response(status_code=204)
