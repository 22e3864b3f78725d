"""The core's metadata writes (`emulator.core.metadata_writes`), called as a dialect calls them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from emulator.core import metadata_writes as writes
from emulator.core.errors import Conflict
from emulator.runtime.emulator import Emulator

SERVERS, DEFAULT_SCHEME = 2, 1  # a collection of the default fixtures, and its scheme


@pytest.fixture
def emu(emulator_app: FastAPI) -> Emulator:  # this module: the app's emulator (tests/core/conftest.py makes its own)
    emulator: Emulator = emulator_app.state.emulator
    return emulator


def test_a_collection_name_and_key_prefix_are_unique_in_any_case_but_its_own(emu: Emulator) -> None:
    with writes.metadata_write(emu) as ctx:
        with pytest.raises(Conflict, match="A collection named 'servers' already exists"):
            writes.unique_collection(ctx, "servers", "NEW", None)
        with pytest.raises(Conflict, match="A collection with key prefix 'SRVS' already exists"):
            writes.unique_collection(ctx, "Racks", "SRVS", None)
        writes.unique_collection(ctx, "Servers", "SRVS", SERVERS)


def test_a_new_collection_comes_last_in_its_scheme(emu: Emulator) -> None:
    last = max(f.sort_order for f in emu.catalog.forms.values() if f.scheme_id == DEFAULT_SCHEME)

    with writes.metadata_write(emu) as ctx:
        new_id = writes.add_collection(ctx, "Racks", "RCK", DEFAULT_SCHEME, None, created=(0, "admin"))

    form = emu.catalog.forms[new_id]
    assert (form.name, form.key_prefix, form.sort_order, form.placements) == ("Racks", "RCK", last + 1, ())


def test_a_collection_holding_assets_is_not_removed(emu: Emulator) -> None:
    refused = rf"Collection {SERVERS} still holds \d+ assets; delete them first"
    with pytest.raises(Conflict, match=refused), writes.metadata_write(emu) as ctx:
        writes.remove_collection(ctx, SERVERS)

    assert SERVERS in emu.catalog.forms


def test_options_set_again_keep_their_ids_in_the_new_order(emu: Emulator) -> None:
    attribute_id = next(i for i in sorted(emu.catalog.attributes) if len(emu.catalog.options_of(i)) >= 2)
    before = emu.catalog.options_of(attribute_id)

    with writes.metadata_write(emu) as ctx:
        writes.set_options(ctx, attribute_id, [o.value for o in reversed(before)])

    after = emu.catalog.options_of(attribute_id)
    assert [(o.id, o.value) for o in after] == [(o.id, o.value) for o in reversed(before)]
