"""The docs are self-contained: no pointer outside the repository but to public vendor pages (issue 11: 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "fixtures" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Example values in fixture documentation, not links to follow.
ALLOWED_HOSTS = ("127.0.0.1", "localhost", "www.dell.com", "aip-emulator")  # the last: a compose service name


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_pointer_outside_the_repository(doc: Path) -> None:
    text = doc.read_text()

    assert "shared/spec" not in text
    assert "../seeds" not in text
    assert not re.search(r"\b(dc|cloud|control)-api\.md", text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_relative_link_resolves_inside_the_repository(doc: Path) -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", doc.read_text()):
        if re.match(r"https?://", target):
            continue
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(ROOT), target
        assert resolved.exists(), target


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_web_addresses_are_examples_only(doc: Path) -> None:
    hosts = re.findall(r"https?://([^/:\s)`'\"]+)", doc.read_text())

    assert [host for host in hosts if host not in ALLOWED_HOSTS] == []


def test_the_api_contract_is_described_in_the_projects_docs() -> None:
    text = (ROOT / "docs" / "api.md").read_text()

    for heading in (
        "## 2. Data Center: `POST /index/query.json`",
        "## 6. Cloud",
        "## 7. The emulator's control routes",
    ):
        assert heading in text


def test_a_license_file_ships() -> None:
    assert "Apache License" in (ROOT / "LICENSE").read_text()
