"""The docs are self-contained: no pointer outside the repository but to public vendor pages (issue 11: 8)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from emulator.cli.commands import _parser

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


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(ROOT)))
def test_get_root_is_said_to_open_the_web_page_never_the_docs(doc: Path) -> None:
    text = " ".join(doc.read_text().split())
    claims = re.findall(r"`GET /`[^.;]*", text)

    assert [c for c in claims if "docs" in c.lower() and "web page" not in c and "/_emulator/ui/" not in c] == []


def test_the_readme_gives_one_instruction_about_conftest() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = "".join(re.findall(r"^```\w*\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL))

    assert "pytest_plugins" not in blocks  # the plugin loads itself; no block tells a user to add the line
    assert "there is nothing to add to `conftest.py`" in readme


def test_every_flag_of_serve_and_exec_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = next(a for a in _parser()._actions if a.dest == "command").choices
    assert isinstance(commands, dict)
    flags = {f for name in ("serve", "exec") for a in commands[name]._actions for f in a.option_strings}

    named = {f for f in flags - {"-h", "--help"} if not f.startswith("--no-")}  # --no-strict: the switch's other side

    assert sorted(f for f in named if f"`{f}" not in readme) == []
