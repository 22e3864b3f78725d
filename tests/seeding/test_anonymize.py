"""`capture --anonymize`: the same source gives the same files, and none of its people or words survive."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from emulator.seeding.anonymize import anonymize, pseudo_file, pseudo_text, pseudo_word
from emulator.seeding.capture import CaptureOptions, capture
from emulator.seeding.source import Polite, Source
from emulator.server import EmulatorServer
from emulator.settings import Settings

DEFAULT = Path(__file__).resolve().parents[2] / "fixtures" / "default"


@pytest.fixture(scope="module")
def source() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


def anonymized(url: str, out: Path) -> dict[str, str]:
    client = Source(url, ("admin", "admin"), Polite(rps=1000))
    try:
        capture(client, CaptureOptions(out=out, transform=anonymize))
    finally:
        client.close()
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def source_names() -> set[str]:
    """Every user's name, key, display name and email, and every asset name of the default fixtures."""
    users = json.loads((DEFAULT / "users.json").read_text())
    found = {u[k] for u in users for k in ("username", "key", "displayName", "email")}
    for path in DEFAULT.glob("assets*.json"):
        found |= {a["name"] for a in json.loads(path.read_text())}
    return found


def test_two_anonymized_captures_are_identical_and_name_nobody(source: EmulatorServer, tmp_path: Path) -> None:
    first = anonymized(source.url, tmp_path / "one")
    assert anonymized(source.url, tmp_path / "two") == first
    text = "\n".join(first.values())
    assert [name for name in sorted(source_names()) if json.dumps(name) in text] == []  # as a whole value
    with EmulatorServer(Settings(fixtures=tmp_path / "one", data_dir=tmp_path / "data")):
        pass  # it loads: references, users and option texts still fit together


def test_a_pseudonym_keeps_length_case_and_kinds_of_characters() -> None:
    assert pseudo_text("Alpha Tomcat-01 10.10.13.21") == "Rbpdv Ycoyvf-65 06.06.40.09"
    assert pseudo_file("ombMnU6umGQ.jpg") == "pfnIzV4msJB.jpg"
    assert pseudo_text("https://www.dell.com/x") == "https://www.lphk.com/g"
    assert pseudo_word("Tomcat") == pseudo_text("Tomcat") == pseudo_word("TOMCAT").capitalize()
