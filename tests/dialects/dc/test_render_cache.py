"""Rendered DC assets are reused for the same view, catalog, zone and custom field id only."""

from __future__ import annotations

import copy
from dataclasses import replace

from fastapi import FastAPI

from emulator.core.asset_search import get_asset
from emulator.dialects.dc.render import RENDERED_MAX, AssetRenderer, _rendered
from emulator.testing import Client
from tests.helpers import ADMIN


def test_the_same_view_is_rendered_once_per_catalog_zone_and_field_id(emulator_app: FastAPI) -> None:
    emu = emulator_app.state.emulator
    view = get_asset(emu, emu.catalog.users["admin"], 1)
    renderer = AssetRenderer(emu.catalog, emu.zone, "customfield_1")
    first = renderer.asset(view)

    assert renderer.asset(view) is first
    assert AssetRenderer(emu.catalog, emu.zone, "customfield_2").asset(view).customfield_id == "customfield_2"
    assert AssetRenderer(copy.copy(emu.catalog), emu.zone, "customfield_1").asset(view) is not first
    renamed = replace(view, name="Renamed")
    assert renderer.asset(renamed).name == "Renamed"
    assert renderer.asset(renamed).model_dump() == first.model_dump() | {"name": "Renamed"}


def test_a_search_after_an_update_shows_the_new_name(emulator_client: Client) -> None:
    body = {
        "queryIndexSearchParams": [{"field": "asset.id", "fieldType": "LONG", "range": True, "minNum": 1, "maxNum": 1}]
    }
    before = emulator_client.post("/rest/jip-api/1.0/index/query.json", json=body, auth=ADMIN).json()
    update = emulator_client.put("/rest/jip-api/1.0/inventory/1", json={"name": "Renamed"}, auth=ADMIN)
    after = emulator_client.post("/rest/jip-api/1.0/index/query.json", json=body, auth=ADMIN).json()

    assert update.status_code == 200
    assert [a["name"] for a in after["assets"]] == ["Renamed"]
    assert after["assets"][0] | {"name": before["assets"][0]["name"]} == before["assets"][0]


def test_the_kept_renderings_stay_within_their_cap(emulator_app: FastAPI) -> None:
    emu = emulator_app.state.emulator
    view = get_asset(emu, emu.catalog.users["admin"], 1)
    renderer = AssetRenderer(emu.catalog, emu.zone, "customfield_1")
    views = [replace(view, name=f"Copy {n}") for n in range(RENDERED_MAX + 10)]

    rendered = [renderer.asset(each) for each in views]

    assert len(_rendered) == RENDERED_MAX
    assert [asset.name for asset in rendered[-3:]] == [f"Copy {n}" for n in range(RENDERED_MAX + 7, RENDERED_MAX + 10)]
    assert renderer.asset(views[-1]) is rendered[-1]  # the newest is kept, the oldest went first
    assert renderer.asset(views[0]) is not rendered[0]
