"""Regression: Whoosh named segments with the global `random`; a re-seeded `random` (Hypothesis does it for every
example) gave two segments one name, the second overwrote the first's files and the next write failed with 500."""

from __future__ import annotations

import random

from emulator.testing import Client
from tests.helpers import ADMIN, search

ASSET = "/rest/jip-api/1.0/inventory/1.json"


def test_writes_after_reseeding_random_keep_the_index_readable(emulator_client: Client) -> None:
    random.seed(1234)
    assert emulator_client.put(ASSET, json={}, auth=ADMIN).status_code == 200
    random.seed(1234)
    assert emulator_client.put(ASSET, json={"name": "Renamed"}, auth=ADMIN).status_code == 200
    random.seed(1234)
    response = emulator_client.delete(ASSET, auth=ADMIN)
    assert response.status_code == 200, response.text
    assert search(emulator_client, {"pageSize": 1000})["assets"]
