"""`did_you_mean`: the known names closest to an unknown one, found without comparing names that cannot be close."""

from __future__ import annotations

import difflib

import pytest

from emulator.core.hints import did_you_mean

KNOWN = ["Serial Number", "asset.name", "asset.serialNumber", "Vendor"]


def test_the_closest_names_are_offered() -> None:
    assert did_you_mean("Serial Numbr", KNOWN) == " (did you mean 'Serial Number'?)"
    assert did_you_mean("asset.nme", KNOWN) == " (did you mean 'asset.name'?)"
    assert did_you_mean("Colour", KNOWN) == ""


def test_a_name_far_longer_than_every_known_one_is_not_compared_character_by_character(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def compared(_matcher: difflib.SequenceMatcher[str]) -> float:
        raise AssertionError("compared character by character")

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", compared)
    monkeypatch.setattr(difflib.SequenceMatcher, "quick_ratio", compared)

    assert did_you_mean("Serial Number" + "r" * 100_000, KNOWN) == ""
