"""A reset back to the same saved state keeps the catalog it loaded from that state's file (issue 23): the first
write after a reset does not reload the metadata, and a metadata change made since is still undone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update

from emulator.runtime import state
from emulator.runtime.emulator import Emulator
from emulator.settings import Settings
from emulator.store import models as m
from emulator.testing import copy_data_dir

LAPTOP = 9


def test_a_reset_reuses_the_baselines_catalog_and_undoes_a_metadata_change(
    seeded_template: Path, tmp_path: Path
) -> None:
    emu = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    emu.start()
    try:
        original = emu.catalog.forms[LAPTOP].name
        state.reset(emu)
        baseline = emu.catalog
        with emu.session() as session:  # a metadata write, as the Cloud collection routes make one
            session.execute(update(m.Form).where(m.Form.id == LAPTOP).values(name="Notebook"))
            session.commit()
        emu.invalidate_catalog()
        assert emu.catalog.forms[LAPTOP].name == "Notebook"

        state.reset(emu)

        assert emu.catalog is baseline
        assert emu.catalog.forms[LAPTOP].name == original
    finally:
        emu.close()


def test_a_new_save_of_the_state_is_a_new_catalog(seeded_template: Path, tmp_path: Path) -> None:
    emu = Emulator(Settings(data_dir=copy_data_dir(seeded_template, tmp_path / "data")))
    emu.start()
    try:
        state.save(emu, "before")
        with emu.session() as session:
            session.execute(update(m.Form).where(m.Form.id == LAPTOP).values(name="Notebook"))
            session.commit()
        emu.invalidate_catalog()
        state.restore(emu, "before")
        before = emu.catalog
        state.save(emu, "after")  # the same name would do too: a new save is a new file
        with emu.session() as session:
            session.execute(update(m.Form).where(m.Form.id == LAPTOP).values(name="Notebook"))
            session.commit()
        emu.invalidate_catalog()
        state.save(emu, "before")

        state.restore(emu, "before")

        assert emu.catalog is not before
        assert emu.catalog.forms[LAPTOP].name == "Notebook"
    finally:
        emu.close()
