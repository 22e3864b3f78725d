"""`/_emulator/tokens`: minting, listing and revoking Cloud API tokens (control-api.md)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from emulator.core.errors import NotFound
from emulator.core.token_codec import Access, TokenInfo
from emulator.core.tokens import create_token, list_tokens, revoke_token
from emulator.dialects.http.deps import EmulatorDep
from emulator.dialects.http.wire import closed

router = APIRouter(prefix="/_emulator", tags=["Emulator control"])


class NewToken(BaseModel):
    """The body of POST /_emulator/tokens; only name and access are required."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    name: str
    access: Annotated[str, closed(Access, nullable=False)]  # checked by the core, which names the allowed levels
    expires_at: int | None = None  # epoch ms
    never_expire: bool = False
    owner_account_id: str | None = None
    id: str | None = None  # [chosen] an emulator extension: a fixed id gives a reproducible token string


def token_json(token: TokenInfo) -> dict[str, Any]:
    """Render a token as the control API shows it (without the JWT)."""
    return {
        "id": token.id,
        "name": token.name,
        "access": token.access.value,
        "createdAt": token.created_at,
        "expiresAt": token.expires_at,
        "ownerAccountId": token.owner_account_id,
    }


@router.post("/tokens", status_code=201)
def create(body: NewToken, emu: EmulatorDep) -> JSONResponse:
    """Create a token; the answer is the only place its JWT is shown."""
    token, jwt = create_token(
        emu,
        body.name,
        body.access,
        expires_at=body.expires_at,
        never_expire=body.never_expire,
        owner_account_id=body.owner_account_id,
        token_id=body.id,
    )
    return JSONResponse(token_json(token) | {"token": jwt}, status_code=201)


@router.get("/tokens")
def list_all(emu: EmulatorDep) -> JSONResponse:
    """List the tokens that have not been revoked, oldest first."""
    return JSONResponse([token_json(token) for token in list_tokens(emu)])


@router.get("/tokens/{token_id}")
def get_one(token_id: str, emu: EmulatorDep) -> JSONResponse:
    """One token that has not been revoked (without its JWT)."""
    for token in list_tokens(emu):
        if token.id == token_id:
            return JSONResponse(token_json(token))
    raise NotFound(f"No token with id {token_id!r}")


@router.delete("/tokens/{token_id}", status_code=204)
def revoke(token_id: str, emu: EmulatorDep) -> Response:
    """Revoke a token; it is refused from the next request on."""
    revoke_token(emu, token_id)
    return Response(status_code=204)
