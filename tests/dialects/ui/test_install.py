"""The page's files over plain HTTP: GET / redirects to it, and it carries the accessible names of its contract."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from emulator.dialects import ui
from emulator.testing import Client

STATIC = Path(ui.__file__).parent / "static"


def test_the_root_redirects_to_the_page(emulator_client: Client) -> None:
    response = emulator_client.get("/", follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["location"] == "/_emulator/ui/"


def test_the_page_without_its_slash_redirects_to_it(emulator_client: Client) -> None:
    response = emulator_client.get("/_emulator/ui", follow_redirects=False)

    assert response.status_code == 302
    assert response.headers["location"] == "/_emulator/ui/"


def test_the_page_is_html_with_its_accessible_names(emulator_client: Client) -> None:
    response = emulator_client.get("/_emulator/ui/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for link in ("Assets", "Metadata", "Requests", "Control"):
        assert f">{link}</a>" in html
    assert '<script type="module" src="js/app.js"></script>' in html
    assert '<link rel="icon" href="data:,">' in html  # no favicon request to fail
    script = "".join(path.read_text() for path in (STATIC / "js").glob("*.js"))
    for contract in ('"Username"', '"Password"', '"Sign in"', 'type: "search"', '"Search"',
                     "\"Show the page's own requests\"", '"X-AIP-Emulator-Client"'):  # fmt: skip
        assert contract in script, contract


def test_every_file_the_page_loads_is_served_from_the_package(emulator_client: Client) -> None:
    files = ["index.html", "app.css", *(f"js/{p.name}" for p in sorted((STATIC / "js").glob("*.js")))]
    for path in files:
        response = emulator_client.get(f"/_emulator/ui/{path}")
        assert response.status_code == 200, path
        assert re.search(r"""(src=|href=|from |import\(|url\()\s*["']?(https?:)?//""", response.text) is None, path
    assert emulator_client.get("/_emulator/ui/js/app.js").headers["content-type"].startswith("text/javascript")


def test_the_ui_installs_on_a_bare_app_under_a_prefix() -> None:
    app = FastAPI()
    ui.install(app, prefix="/_ns/demo")
    with TestClient(app) as client:
        assert client.get("/_ns/demo/", follow_redirects=False).headers["location"] == "/_ns/demo/_emulator/ui/"
        assert client.get("/_ns/demo/_emulator/ui/").status_code == 200
