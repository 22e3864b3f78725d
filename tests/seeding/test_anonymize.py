"""`capture --anonymize`: none of the source's people or words survive; pseudonyms are keyed per capture (a random
key, never written), and the same key given twice gives the same files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from emulator.cli.commands import main
from emulator.cli.reading_flags import KEY_ENV
from emulator.seeding.anonymize import Pseudonyms, anonymize
from emulator.seeding.capture import CaptureOptions, capture
from emulator.seeding.source import Polite, Source
from emulator.server import EmulatorServer
from emulator.settings import Settings

DEFAULT = Path(__file__).resolve().parents[2] / "fixtures" / "default"
KEY = "a key of sixteen+"


@pytest.fixture(scope="module")
def source() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


def anonymized(url: str, out: Path) -> dict[str, str]:
    client = Source(url, ("admin", "admin"), Polite(rps=1000))
    try:
        capture(client, CaptureOptions(out=out, transform=partial(anonymize, key=KEY.encode())))
    finally:
        client.close()
    return files(out)


def files(out: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(out.iterdir())}


def captured(url: str, out: Path, *flags: str) -> dict[str, str]:
    """`aip-emulator capture --anonymize` with `flags`."""
    argv = ["capture", "--from", url, "--user", "admin", "--password", "admin", "--rps", "1000", "--anonymize"]
    assert main([*argv, *flags, "--out", str(out)]) == 0
    return files(out)


def source_names() -> set[str]:
    """Every user's name, key, display name and email, and every asset name of the default fixtures."""
    users = json.loads((DEFAULT / "users.json").read_text())
    found = {u[k] for u in users for k in ("username", "key", "displayName", "email")}
    for path in DEFAULT.glob("assets*.json"):
        found |= {a["name"] for a in json.loads(path.read_text())}
    return found


def test_two_anonymized_captures_with_one_key_are_identical_and_name_nobody(
    source: EmulatorServer, tmp_path: Path
) -> None:
    first = anonymized(source.url, tmp_path / "one")
    assert anonymized(source.url, tmp_path / "two") == first
    text = "\n".join(first.values())
    assert [name for name in sorted(source_names()) if json.dumps(name) in text] == []  # as a whole value
    with EmulatorServer(Settings(fixtures=tmp_path / "one", data_dir=tmp_path / "data")):
        pass  # it loads: references, users and option texts still fit together


def test_each_capture_has_a_random_key_of_its_own_that_it_never_writes(
    source: EmulatorServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    one, two = captured(source.url, tmp_path / "one"), captured(source.url, tmp_path / "two")

    assert one["users.json"] != two["users.json"]  # made-up display names differ, and so does every pseudonym
    assert one["assets-0001.json"] != two["assets-0001.json"]
    assert one.keys() == two.keys()

    monkeypatch.setenv(KEY_ENV, KEY)
    three = captured(source.url, tmp_path / "three")
    four = captured(source.url, tmp_path / "four", "--anonymize-key", KEY)
    assert three == four == files(tmp_path / "three")
    assert [name for name, text in three.items() if KEY in text] == []
    capsys.readouterr()


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--anonymize", "--anonymize-key", "short"], f"--anonymize-key ({KEY_ENV}) must be at least 16 characters: "
         "with a short one anyone could check a guessed word; make one with: "
         "python -c 'import secrets; print(secrets.token_hex(16))'"),
        (["--anonymize-key", KEY], "--anonymize-key goes with --anonymize"),
    ],
)  # fmt: skip
def test_a_key_that_would_not_protect_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str
) -> None:
    argv = ["capture", "--from", "http://127.0.0.1:9", "--user", "admin", "--password", "admin"]

    assert main([*argv, *flags, "--out", str(tmp_path / "out")]) == 2

    assert capsys.readouterr().err == f"aip-emulator capture: {message}\n"
    assert list(tmp_path.iterdir()) == []


def test_a_pseudonym_keeps_length_case_and_kinds_of_characters() -> None:
    pseudo = Pseudonyms(KEY.encode())

    assert pseudo.text("Alpha Tomcat-01 10.10.13.21") == "Nwngx Ihqchd-11 20.20.43.64"
    assert pseudo.file("ombMnU6umGQ.jpg") == "azkEyU1kvKJ.jpg"
    assert pseudo.text("https://www.dell.com/x") == "https://www.buqh.com/e"
    assert pseudo.word("Tomcat") == pseudo.text("Tomcat") == pseudo.word("TOMCAT").capitalize()
    assert Pseudonyms(b"another key of 16").text("Alpha Tomcat-01 10.10.13.21") == "Krsaz Eykfks-65 79.79.99.59"
