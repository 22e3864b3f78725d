"""The OpenAPI document made readable by tools that generate requests from it (issue 30): component names without
Python module paths, an example on every parameter, and the main answers' examples, recorded from the default
fixtures (tests/dialects/test_openapi_tidy.py checks each against its schema and against what a fresh server says).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

ANSWERS = Path(__file__).parent / "answers"
_MODULE_NAME = re.compile(r"^emulator__dialects__([a-z]+)__\w+__(\w+)$")
_DIALECT_WORD = {"dc": "Dc", "cloud": "Cloud", "jira": "Jira", "control": "Control"}
# One example per parameter, true of the default fixtures wherever the parameter is used.
PARAMETER_EXAMPLES: dict[tuple[str, str], Any] = {
    ("path", "asset_id"): 21,
    ("path", "attribute_id"): 64,
    ("path", "collection_id"): 9,
    ("path", "form_id"): 9,
    ("path", "key"): "LAP-1",
    ("path", "location_id"): 1,
    ("path", "name"): "before-test",
    ("path", "rule_id"): 1,
    ("path", "token_id"): "default-read",
    ("query", "client"): "ui",
    ("query", "collectionId"): 9,
    ("query", "formId"): 9,
    ("query", "key"): "JIRAUSER10000",
    ("query", "maxResult"): 50,
    ("query", "maxResults"): 50,
    ("query", "method"): "POST",
    ("query", "pageNumber"): 1,
    ("query", "pageSize"): 15,
    ("query", "path"): "/rest/jip-api/1.0/index/query.json",
    ("query", "since"): 1767225600000,
    ("query", "sort"): "name:ASC",
    ("query", "start"): 1,
    ("query", "startAt"): 1,
    ("query", "status"): "2xx",
    ("query", "username"): "admin",
}
# (method, path below its dialect's base) -> the answer file recorded for it, with what was asked.
ANSWER_FILES: dict[tuple[str, str], str] = {
    ("post", "/rest/jip-api/1.0/index/query.json"): "dc-search",
    ("get", "/rest/jip-api/1.0/inventory/{asset_id}.json"): "dc-asset",
    ("get", "/rest/jip-api/1.0/form/{form_id}.json"): "dc-form",
    ("get", "/api/v1/assets/{key}"): "cloud-asset",
    ("post", "/api/v1/assets/search"): "cloud-search",
    ("get", "/api/v1/collections/{collection_id}"): "cloud-collection",
}


@cache
def answer(name: str) -> dict[str, Any]:
    """A recorded answer: `{"request": {...}, "status": int, "body": ...}`."""
    recorded: dict[str, Any] = json.loads((ANSWERS / f"{name}.json").read_text(encoding="utf-8"))
    return recorded


def tidy(doc: dict[str, Any], cloud_base: str, context_path: str) -> dict[str, Any]:
    """Rename module-path components, add parameter and answer examples; returns the (new) document."""
    doc = _renamed(doc)
    for path, operations in doc.get("paths", {}).items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                _parameter_example(parameter)
            _answer_example(operation, _canonical(path, cloud_base, context_path), method)
    return doc


def readable(name: str) -> str:
    """`emulator__dialects__dc__schemas__Asset` -> `DcAsset`; other names stay."""
    found = _MODULE_NAME.match(name)
    if found is None:
        return name
    return _DIALECT_WORD.get(found.group(1), found.group(1).title()) + found.group(2)


def _renamed(doc: dict[str, Any]) -> dict[str, Any]:
    schemas = doc.get("components", {}).get("schemas", {})
    renames = {name: readable(name) for name in schemas if readable(name) != name}
    if not renames:
        return doc
    text = json.dumps(doc)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    tidied: dict[str, Any] = json.loads(text)
    found = tidied["components"]["schemas"]
    tidied["components"]["schemas"] = {renames.get(k, k): v for k, v in found.items()}
    return tidied


def _parameter_example(parameter: dict[str, Any]) -> None:
    key = (parameter.get("in", ""), parameter.get("name", ""))
    if key in PARAMETER_EXAMPLES:
        parameter.setdefault("example", PARAMETER_EXAMPLES[key])


def _canonical(path: str, cloud_base: str, context_path: str) -> str:
    if path.startswith(cloud_base + "/"):
        return "/api/v1" + path[len(cloud_base) :]
    return path[len(context_path) :] if context_path and path.startswith(context_path) else path


def _answer_example(operation: dict[str, Any], path: str, method: str) -> None:
    name = ANSWER_FILES.get((method, path))
    if name is None:
        return
    recorded = answer(name)
    content = operation["responses"][str(recorded["status"])].setdefault("content", {})
    content.setdefault("application/json", {})["example"] = recorded["body"]
