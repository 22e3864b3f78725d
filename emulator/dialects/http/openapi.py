"""The OpenAPI document as the emulator really answers: security schemes per dialect (so Swagger UI's Authorize
works) and every error answer declared in its dialect's body; FastAPI's 422, which is never sent, is gone."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from emulator.dialects.http import openapi_tidy
from emulator.dialects.http.errors import Dialects

DOCUMENT = "/openapi.json"

SECURITY_SCHEMES = {
    "basicAuth": {"type": "http", "scheme": "basic", "description": "Jira username and password (DC and Jira)"},
    "bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "a Cloud API token"},
}
_STR = {"type": "string"}
_INT = {"type": "integer"}
ERROR_SCHEMAS: dict[str, dict[str, Any]] = {
    "DcError": {
        "type": "object",
        "properties": {"success": {"type": "boolean", "const": False}, "errorCode": _STR, "errorMessage": _STR},
        "required": ["success", "errorCode", "errorMessage"],
    },
    "JiraAuthError": {
        "type": "object",
        "properties": {"message": _STR, "status-code": _INT},
        "required": ["message", "status-code"],
    },
    "JiraError": {
        "type": "object",
        "properties": {"errorMessages": {"type": "array", "items": _STR}, "errors": {"type": "object"}},
        "required": ["errorMessages", "errors"],
    },
    "CloudError": {
        "type": "object",
        "properties": {
            "timestamp": _INT,
            "status": _INT,
            "error": _STR,
            "message": _STR,
            "path": _STR,
            "errors": {
                "type": "array",
                "items": {"type": "object", "properties": {"field": _STR, "message": _STR}},
            },
        },
        "required": ["timestamp", "status", "error", "message", "path"],
    },
    "ControlError": {
        "type": "object",
        "properties": {"error": _STR, "message": _STR},
        "required": ["error", "message"],
    },
}
_BODY = {"dc": "DcError", "jira": "JiraError", "cloud": "CloudError", "control": "ControlError"}
_WHY = {
    "400": "the request is malformed (the message names the field)",
    "401": "credentials missing or wrong",
    "403": "the caller may not do this",
    "404": "no such entity",
    "409": "clashes with the current state",
    "413": "the body is larger than the emulator accepts",
    "507": "the disk holding the data directory is full; nothing was changed",
    "default": "any other error: 500, or what an injected fault answers (429 with Retry-After, 503, ...)",
}
_WRITES = {"post", "put", "delete", "patch"}
_SEARCHES = ("/search", "/index/query.json")
_ANONYMOUS = {"/serverInfo", "/_emulator/health"}


def install(app: FastAPI, dialects: Dialects, control_auth: bool, context_path: str = "") -> None:
    """Make `app.openapi()` return the finished document, and serve it at /openapi.json with `servers` naming the
    base the request came to (a namespace's too), so tools that read the document reach this very server."""
    plain = app.openapi

    def finished() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = finish(plain(), dialects, control_auth)
            app.openapi_schema = openapi_tidy.tidy(doc, dialects.cloud, context_path)
        return app.openapi_schema

    async def served(request: Request) -> JSONResponse:
        return JSONResponse({**app.openapi(), "servers": servers(request)})

    app.openapi = finished  # type: ignore[method-assign]
    app.add_route(DOCUMENT, served, methods=["GET"], include_in_schema=False)


def servers(request: Request) -> list[dict[str, str]]:
    """The base every path of the document is below: this server as the request reached it (a namespace's root)."""
    root = request.scope.get("root_path", "")
    where = f"the emulator's namespace '{root.rsplit('/', 1)[-1]}'" if root else "this emulator"
    return [{"url": str(request.base_url).rstrip("/"), "description": where}]


def finish(doc: dict[str, Any], dialects: Dialects, control_auth: bool) -> dict[str, Any]:
    """Add the security schemes and the error answers; drop FastAPI's validation error."""
    components = doc.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    schemas = components.setdefault("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas.update(ERROR_SCHEMAS)
    for path, operations in doc.get("paths", {}).items():
        dialect = dialects.of(path)
        for method, operation in operations.items():
            _finish_operation(operation, path, method, dialect, control_auth)
    return doc


def _finish_operation(operation: dict[str, Any], path: str, method: str, dialect: str, control_auth: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    security = _security(path, dialect, control_auth)
    operation["security"] = security
    for status in _statuses(operation, path, method, dialect, bool(security and security[-1])):
        schema = "JiraAuthError" if status == "401" and dialect in ("dc", "jira") else _BODY[dialect]
        content = {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}
        responses.setdefault(status, {"description": _WHY[status], "content": content})


def _security(path: str, dialect: str, control_auth: bool) -> list[dict[str, list[str]]]:
    anonymous = any(path.endswith(end) for end in _ANONYMOUS)
    if dialect == "cloud":
        return [{"bearerAuth": []}]
    if dialect == "control":
        return [{"basicAuth": []}] if control_auth and not anonymous else []
    return [{}, {"basicAuth": []}] if anonymous else [{"basicAuth": []}]


def _statuses(operation: dict[str, Any], path: str, method: str, dialect: str, secured: bool) -> list[str]:
    has_body = "requestBody" in operation
    writes = method in _WRITES and not path.endswith(_SEARCHES)
    found = []
    if has_body or operation.get("parameters"):
        found.append("400")
    if secured or dialect in ("dc", "jira", "cloud"):
        found.append("401")
    if dialect == "cloud" or (secured and dialect == "control") or (dialect == "dc" and writes):
        found.append("403")
    if "{" in path:
        found.append("404")
    if writes and (dialect == "cloud" or path.endswith("/tokens")):
        found.append("409")
    if has_body:
        found.append("413")
    if writes and dialect in ("dc", "cloud"):
        found.append("507")
    return [*found, "default"]
