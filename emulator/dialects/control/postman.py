"""Postman collections (v2.1) of both APIs and of the control plane (issue 30), built from the document's examples.

The vendor sends Cloud users to Postman with a header `Authorization: Bearer {{jwtToken}}`, so the Cloud folder sends
exactly that header (and no Postman auth of its own, which would replace it); DC and Jira use Basic auth with
`{{username}}` and `{{password}}`. Every request carries `pm.test` assertions true of the default fixtures, and the
writes create, change and delete their own asset, so the collection runs again and again. The control routes are
a collection of their own: a "Run collection" of the API collection never resets or reconfigures the emulator.
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.dialects.http import examples

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
DC = "/rest/jip-api/1.0"
JIRA = "/rest/api/2"
STATUS = 'pm.test("answers {0}", () => pm.response.to.have.status({0}));'
BODY = "const body = pm.response.json();"


def request(name: str, method: str, path: str, checks: list[str], *, body: Any = None, status: int = 200) -> Any:
    """One item: `{{baseUrl}}` + `path`, a JSON body if given, the status test and `checks` (JavaScript)."""
    item: dict[str, Any] = {"method": method, "header": [], "url": "{{baseUrl}}" + path}
    if body is not None:
        item["header"].append({"key": "Content-Type", "value": "application/json"})
        item["body"] = {"mode": "raw", "raw": json.dumps(body, indent=2), "options": {"raw": {"language": "json"}}}
    reads_body = any(re.search(r"\bbody\b", c) for c in checks)  # a zip is no JSON: read it only when needed
    script = [STATUS.format(status), *([BODY] if reads_body else []), *checks]
    return {"name": name, "request": item, "event": [{"listen": "test", "script": {"type": "text/javascript",
                                                                                   "exec": script}}]}  # fmt: skip


def check(title: str, *expectations: str) -> str:
    """A `pm.test` named `title` holding `expectations` (JavaScript statements)."""
    return f"pm.test({json.dumps(title)}, () => {{ {' '.join(expectations)} }});"


def folder(name: str, description: str, items: list[Any], auth: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "description": description, "auth": auth, "item": items}


BASIC = {"type": "basic", "basic": [{"key": "username", "value": "{{username}}", "type": "string"},
                                    {"key": "password", "value": "{{password}}", "type": "string"}]}  # fmt: skip
NO_AUTH = {"type": "noauth"}


def _ids(expected: list[int]) -> str:
    return check(f"finds assets {expected}", f"pm.expect(body.assets.map(a => a.id)).to.eql({expected});")


def dc_items(dc: str) -> list[Any]:
    search = dc + "/index/query.json"
    first, second = examples.DC_SEARCH["one-string-field"], examples.DC_SEARCH["scheme-type-name-id"]
    lucene = examples.DC_SEARCH["lucene"]["value"]
    envelope = check("in the success envelope", "pm.expect(body.success).to.be.true;")
    return [
        request("Search: " + first["summary"], "POST", search, [_ids([21])], body=first["value"]),
        request("Search: " + second["summary"], "POST", search, [_ids([1, 2, 3])], body=second["value"]),
        request("Search: a Lucene genericKeyword", "POST", search,
                [check("finds serial numbers 1254* and printers", "pm.expect(body.assets).to.not.be.empty;")],
                body=lucene),
        request("Forms", "GET", dc + "/form/list.json",
                [check("lists form 9, Laptop", "pm.expect(body.find(f => f.id === 9).formName).to.eql('Laptop');")]),
        request("Attributes", "GET", dc + "/attribute/list.json",
                [check("lists Vendor", "pm.expect(body.map(a => a.attributeName)).to.include('Vendor');")]),
        request("Schemes", "GET", dc + "/schema/objectSchemas.json", [envelope]),
        request("Locations", "GET", dc + "/location.json", [envelope]),
        request("Asset 21", "GET", dc + "/inventory/21.json",
                [check("is Printer002", "pm.expect(body.data.name).to.eql('Printer002');")]),
        request("Assets of form 9, first page", "GET", dc + "/inventory/list.json?formId=9&pageNumber=1&pageSize=15",
                [check("are laptops", "pm.expect(body.data.every(a => a.formId === 9)).to.be.true;")]),
        request("Create an asset", "POST", dc + "/inventory.json", [
            check("is the new laptop", "pm.expect(body.data.name).to.eql('Laptop 42');"),
            "pm.collectionVariables.set('dcAssetId', body.data.id);",
        ], body=examples.DC_CREATE["laptop"]["value"]),
        request("Change it", "PUT", dc + "/inventory/{{dcAssetId}}.json",
                [check("now from Dell", "pm.expect(JSON.stringify(body.data)).to.include('Dell');")],
                body={"attributes": {"Vendor": "Dell"}}),
        request("An update cannot change formId", "PUT", dc + "/inventory/{{dcAssetId}}.json",
                [check("says why", "pm.expect(body.errorCode).to.eql('ValidationException');",
                       "pm.expect(body.errorMessage).to.match(/^formId: /);")], body={"formId": 1}, status=400),
        request("Delete it", "DELETE", dc + "/inventory/{{dcAssetId}}.json",
                [check("is gone", "pm.expect(body.data).to.be.null;")]),
    ]  # fmt: skip


def jira_items(jira: str) -> list[Any]:
    return [
        request("Myself", "GET", jira + "/myself",
                [check("is the environment's user", "pm.expect(body.name).to.eql(pm.variables.get('username'));")]),
        request("A user by name", "GET", jira + "/user?username=admin",
                [check("is admin", "pm.expect(body.key).to.be.a('string');")]),
        request("Server info", "GET", jira + "/serverInfo",
                [check("is Server", "pm.expect(body.deploymentType).to.eql('Server');")]),
    ]  # fmt: skip


def cloud_items(cloud: str) -> list[Any]:
    paged = check("is a page", "pm.expect(body.values).to.be.an('array').that.is.not.empty;")
    created = examples.CLOUD_CREATE["laptop"]["value"]
    items = [
        request("Collections", "GET", cloud + "/collections", [paged]),
        request("Collection 9", "GET", cloud + "/collections/9",
                [check("is LAP", "pm.expect(body.keyPrefix).to.eql('LAP');")]),
        request("Attributes", "GET", cloud + "/attributes", [paged]),
        request("Global attributes", "GET", cloud + "/global-attributes", [paged]),
        request("Laptops by name", "GET", cloud + "/assets?collectionId=9&startAt=1&maxResult=50&sort=name:ASC",
                [check("are laptops", "pm.expect(body.assets.every(a => a.asset.collectionId === 9)).to.be.true;")]),
        request("Asset LAP-1", "GET", cloud + "/assets/LAP-1",
                [check("is LAP-1", "pm.expect(body.asset.key).to.eql('LAP-1');")]),
        request("Attachments of LAP-1", "GET", cloud + "/assets/LAP-1/attachments",
                [check("is a list", "pm.expect(body).to.be.an('array');")]),
        request("Search: " + examples.CLOUD_SEARCH["laptops"]["summary"], "POST", cloud + "/assets/search",
                [check("finds laptops", "pm.expect(body.total).to.be.above(0);")],
                body=examples.CLOUD_SEARCH["laptops"]["value"]),
        request("Create an asset", "POST", cloud + "/assets", [
            check("is the new laptop", f"pm.expect(body.asset.name).to.eql({json.dumps(created['name'])});"),
            "pm.collectionVariables.set('cloudAssetKey', body.asset.key);",
        ], body=created, status=201),
        request("Rename it", "PUT", cloud + "/assets/{{cloudAssetKey}}",
                [check("has its new name", "pm.expect(body.asset.name).to.eql('Laptop 78');")],
                body={"name": "Laptop 78"}),
        request("Delete it", "DELETE", cloud + "/assets/{{cloudAssetKey}}", [], status=204),
    ]  # fmt: skip
    for item in items:
        item["request"]["header"].insert(0, {"key": "Authorization", "value": "Bearer {{jwtToken}}"})
    return items


def api_collection(base: str, context_path: str, cloud: str) -> dict[str, Any]:
    """The Data Center, Jira and Cloud requests, one folder each, for a server at `base`."""
    folders = [
        folder("Data Center", "`/rest/jip-api/1.0`, Basic auth: {{username}} / {{password}}",
               dc_items(context_path + DC), BASIC),
        folder("Jira", "Jira's own routes beside the plugin's, Basic auth", jira_items(context_path + JIRA), BASIC),
        folder("Cloud", "The vendor's recipe: a header `Authorization: Bearer {{jwtToken}}`",
               cloud_items(cloud), NO_AUTH),
    ]  # fmt: skip
    variables = [
        {"key": "baseUrl", "value": base, "type": "string"},
        {"key": "dcAssetId", "value": "", "type": "string"},
        {"key": "cloudAssetKey", "value": "", "type": "string"},
    ]
    info = {
        "name": "aip-emulator",
        "schema": SCHEMA,
        "description": "The Assets & Inventory Plugin REST API as the emulator serves it: Data Center, Jira, "
        "Cloud. Import with its environment, or: newman run collection.json -e environment.json",
    }
    return {"info": info, "item": folders, "variable": variables}  # fmt: skip
