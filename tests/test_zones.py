"""Zone data always resolves: the `tzdata` package stands in where the system has no zone database (Windows, slim
container images), and a zone that does not resolve is reported naming the setting (issue 25)."""

from __future__ import annotations

import argparse
import sys
import zoneinfo
from collections.abc import Iterator

import pytest

from emulator.cli.options import SettingsProblem, settings_from
from emulator.settings import Settings


@pytest.fixture
def no_system_zones() -> Iterator[None]:
    """This process as on a machine without /usr/share/zoneinfo: only the tzdata package is left."""
    zoneinfo.reset_tzpath(to=[])
    zoneinfo.ZoneInfo.clear_cache()
    try:
        yield
    finally:
        zoneinfo.reset_tzpath()
        zoneinfo.ZoneInfo.clear_cache()


@pytest.mark.usefixtures("no_system_zones")
def test_zones_resolve_without_a_system_zone_database() -> None:
    assert Settings(time_zone="UTC").time_zone == "UTC"
    assert Settings(time_zone="Europe/Berlin").time_zone == "Europe/Berlin"
    assert zoneinfo.ZoneInfo("UTC").key == "UTC"


def _problem_with(zone: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """What the CLI says of AIP_EMULATOR_TIME_ZONE=`zone`."""
    monkeypatch.setenv("AIP_EMULATOR_TIME_ZONE", zone)
    with pytest.raises(SettingsProblem) as raised:
        settings_from(argparse.Namespace())
    return str(raised.value)


@pytest.mark.usefixtures("no_system_zones")
def test_without_any_zone_database_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("tzdata", "tzdata.zoneinfo"):
        monkeypatch.setitem(sys.modules, name, None)  # `import tzdata` fails, as where it is not installed

    assert _problem_with("UTC", monkeypatch) == (
        "AIP_EMULATOR_TIME_ZONE='UTC': unknown time zone 'UTC': this Python finds no time-zone database; "
        "pip install tzdata"
    )


def test_an_unknown_zone_from_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _problem_with("Mars/Olympus", monkeypatch) == (
        "AIP_EMULATOR_TIME_ZONE='Mars/Olympus': unknown time zone 'Mars/Olympus'; "
        "use an IANA name such as UTC or Europe/Berlin"
    )
