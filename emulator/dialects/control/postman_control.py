"""The control plane as a Postman collection of its own (issue 30): kept out of the API collection, so a "Run
collection" there never resets the emulator; run this one on purpose. It ends with a reset to the baseline, which
forgets the tokens minted since, so its last request mints the environment a new `jwtToken`."""

from __future__ import annotations

from typing import Any

from emulator.dialects.control.postman import NO_AUTH, SCHEMA, check, folder, request

C = "/_emulator"


def control_items() -> list[Any]:
    name = "postman-snapshot"
    return [
        request("Health", "GET", C + "/health", [check("is ok", "pm.expect(body.status).to.eql('ok');")]),
        request("Stats", "GET", C + "/stats", [check("is an object", "pm.expect(body).to.be.an('object');")]),
        request("Take a snapshot", "POST", C + "/snapshots",
                [check("is named", f"pm.expect(body.name).to.eql('{name}');")], body={"name": name}, status=201),
        request("Snapshots", "GET", C + "/snapshots",
                [check("lists it", f"pm.expect(body.map(s => s.name)).to.include('{name}');")]),
        request("Restore it", "POST", f"{C}/snapshots/{name}/restore",
                [check("is restored", "pm.expect(body.status).to.eql('restored');")]),
        request("Forget it", "DELETE", f"{C}/snapshots/{name}", [], status=204),
        request("Mint a READ token", "POST", C + "/tokens", [
            check("shows the token once", "pm.expect(body.token.split('.')).to.have.length(3);"),
            "pm.collectionVariables.set('tokenId', body.id);",
        ], body={"name": "postman control", "access": "READ"}, status=201),
        request("Tokens", "GET", C + "/tokens",
                [check("lists it", "pm.expect(body.map(t => t.id)).to.include(pm.variables.get('tokenId'));")]),
        request("Revoke it", "DELETE", C + "/tokens/{{tokenId}}", [], status=204),
        request("Journal: the POSTs that succeeded", "GET", C + "/requests?method=POST&status=2xx",
                [check("is a page", "pm.expect(body).to.be.an('object');")]),
        request("Journal: how many", "GET", C + "/requests/count?method=POST",
                [check("counts", "pm.expect(body.count).to.be.a('number');")]),
        request("Fault rules", "GET", C + "/faults", [check("is a list", "pm.expect(body).to.be.an('array');")]),
        request("Clock", "GET", C + "/clock", [check("tells the time", "pm.expect(body).to.be.an('object');")]),
        request("Strict mode", "GET", C + "/strict",
                [check("says on or off", "pm.expect(body.strict).to.be.a('boolean');")]),
        request("Namespaces", "GET", C + "/namespaces",
                [check("lists default", "pm.expect(body.map(n => n.name)).to.include('default');")]),
        request("Export as fixtures", "GET", C + "/export",
                ["pm.test('is a zip', () => pm.response.to.have.header('Content-Type', 'application/zip'));"]),
        request("Reset to the baseline", "POST", C + "/reset",
                [check("is reset", "pm.expect(body.status).to.eql('reset');")]),
        request("A new jwtToken for the environment (the reset forgot the minted ones)", "POST", C + "/tokens", [
            check("is a JWT", "pm.expect(body.token.split('.')).to.have.length(3);"),
            "pm.environment.set('jwtToken', body.token);",
        ], body={"name": "postman", "access": "WRITE"}, status=201),
    ]  # fmt: skip


def control_collection(base: str) -> dict[str, Any]:
    """The control routes, in one folder, for a server at `base`."""
    items = folder("Emulator control", "The emulator's own routes under /_emulator/; not part of the API collection",
                   control_items(), NO_AUTH)  # fmt: skip
    info = {
        "name": "aip-emulator control plane",
        "schema": SCHEMA,
        "description": "Reset, snapshots, tokens, the journal, faults, the clock: run on purpose, it resets.",
    }
    variables = [{"key": "baseUrl", "value": base, "type": "string"}, {"key": "tokenId", "value": "", "type": "string"}]
    return {"info": info, "item": [items], "variable": variables}  # fmt: skip
