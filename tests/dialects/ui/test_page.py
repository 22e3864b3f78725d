"""The web page in a real browser: Playwright drives Debian's Chromium against a live uvicorn server.

Every test watches the page: no console error, no failed request and no answer >= 400 unless the test says it
expects one (the deliberate validation error). Screenshots of each view at 1280 px go to build/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from emulator.app import create_app
from emulator.settings import Settings
from emulator.testing import LiveServer
from tests.helpers import ADMIN, SEARCH

pytestmark = pytest.mark.slow  # drives a browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response

CHROMIUM = Path("/usr/bin/chromium")
# Written on every run to build/screenshots (or AIP_EMULATOR_SCREENSHOTS); docs/screenshots keeps the README copies.
SCREENSHOTS = Path(
    os.environ.get("AIP_EMULATOR_SCREENSHOTS") or Path(__file__).resolve().parents[3] / "build" / "screenshots"
)
UI = "/_emulator/ui/"
WIDE = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 10_000


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401, PLC0415 (optional at import time)
    except ImportError:
        return "playwright is not installed"
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live emulator over a fresh data directory seeded from the default fixtures (one per module)."""
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("ui-data")))
    with LiveServer(app) as live:
        yield live.url
    app.state.emulator.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need a browser in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (only when a browser is there)

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def api(server: str) -> Iterator[httpx.Client]:
    """A plain HTTP client of the same emulator; every test starts from the fixtures."""
    with httpx.Client(base_url=server, timeout=10) as client:
        assert client.post("/_emulator/reset").status_code == 200
        yield client


@dataclass
class Watch:
    """What went wrong on the page; `expect(path, status)` allows one deliberate error answer."""

    problems: list[str] = field(default_factory=list)
    allowed: list[tuple[str, int]] = field(default_factory=list)
    allowed_urls: set[str] = field(default_factory=set)
    sent: list[Request] = field(default_factory=list)

    def expect(self, path: str, status: int) -> None:
        self.allowed.append((path, status))

    def on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        for index, (path, status) in enumerate(self.allowed):
            if response.status == status and response.url.split("?")[0].endswith(path):
                del self.allowed[index]
                self.allowed_urls.add(response.url)
                return
        self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def on_request(self, request: Request) -> None:
        self.sent.append(request)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if message.location.get("url") in self.allowed_urls and "status of" in message.text:
            return  # the browser's own note about an answer the test expected
        self.problems.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture
def page(browser: Browser, server: str, api: httpx.Client, watch: Watch) -> Iterator[Page]:
    context = browser.new_context(viewport=WIDE, base_url=server)  # type: ignore[arg-type]
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.on("console", watch.on_console)
    tab.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    tab.on("requestfailed", lambda request: watch.problems.append(f"failed: {request.method} {request.url}"))
    tab.on("response", watch.on_response)
    tab.on("request", watch.on_request)
    yield tab
    context.close()
    assert watch.problems == []
    assert watch.allowed == [], "an expected error answer never came"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect  # noqa: PLC0415

    return playwright_expect(locator)


def sign_in(page: Page, username: str = "admin", password: str = "admin", where: str = "#/assets") -> None:
    page.goto(UI + where)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#who")).to_contain_text(f"({username})")


def nav(page: Page, name: str) -> Any:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def search_for(page: Page, text: str) -> None:
    page.get_by_role("searchbox", name="Search").fill(text)
    page.get_by_role("searchbox", name="Search").press("Enter")


def row_names(page: Page) -> list[str]:
    return page.locator(".results tbody tr td:nth-child(2)").all_inner_texts()


def showing(first: int, last: int, total: int) -> str:
    """The list's summary line (with an en dash, as the page writes it)."""
    return f"Showing {first}\N{EN DASH}{last} of {total} assets"


def api_names(api: httpx.Client, body: dict[str, Any]) -> list[str]:
    answer = api.post(SEARCH, json=body, auth=ADMIN)
    assert answer.status_code == 200, answer.text
    return [asset["name"] for asset in answer.json()["assets"]]


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("document.activeElement?.blur()")  # no focus ring in the picture
    page.wait_for_timeout(150)  # let the last paint settle
    page.screenshot(path=str(SCREENSHOTS / name), full_page=False)


def test_a_wildcard_search_finds_the_right_assets(page: Page, api: httpx.Client) -> None:
    sign_in(page)
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 15, 39))

    search_for(page, "tom*")

    expect(page.locator("#asset-summary")).to_have_text(showing(1, 3, 3))
    assert row_names(page) == ["Alpha Tomcat Server", "Beta Tomcat Server", "Prod Tomcat Server"]
    search_for(page, "tom* NOT beta")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 2, 2))
    assert row_names(page) == ["Alpha Tomcat Server", "Prod Tomcat Server"]

    search_for(page, "")
    page.get_by_label("Lucene query (genericKeyword)").fill("asset.name:printer*")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 3, 3))
    assert row_names(page) == ["Printer001", "Printer002", "Printer003"]

    page.get_by_label("Lucene query (genericKeyword)").fill("")
    page.get_by_label("Form").select_option(label="Laptop")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 8, 8))
    assert "form=9" in page.url
    page.get_by_label("Form").select_option(label="All forms")
    page.get_by_label("Scheme").select_option(label="IT Hardware")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 15, 15))
    page.get_by_label("Scheme").select_option(label="All schemes")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 15, 39))
    shoot(page, "assets.png")


def test_columns_sort_and_pages_follow_the_api(page: Page, api: httpx.Client) -> None:
    sign_in(page)
    by_name = {"sortField": "asset.name", "sortType": "STRING", "pageSize": 15}

    page.get_by_role("button", name="Name").click()

    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    expect(page.locator(".results tbody tr")).to_have_count(15)
    assert row_names(page) == api_names(api, {**by_name, "sortDirection": "asc"})
    expect(page.locator(".page-of")).to_have_text("Page 1 of 3")

    page.get_by_role("button", name="Next").click()

    expect(page.locator(".page-of")).to_have_text("Page 2 of 3")
    expect(page.locator("#asset-summary")).to_have_text(showing(16, 30, 39))
    assert row_names(page) == api_names(api, {**by_name, "sortDirection": "asc", "pageNumber": 2})

    page.get_by_role("button", name="Next").click()
    expect(page.locator("#asset-summary")).to_have_text(showing(31, 39, 39))
    expect(page.get_by_role("button", name="Next")).to_be_disabled()
    page.go_back()
    expect(page.locator("#asset-summary")).to_have_text(showing(16, 30, 39))

    page.get_by_role("button", name="Name").click()  # again: descending, back to page 1
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 15, 39))
    assert row_names(page) == api_names(api, {**by_name, "sortDirection": "desc"})

    page.get_by_role("button", name="ID").click()
    expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "ascending")
    page.get_by_label("Page size").select_option("10")
    expect(page.locator(".page-of")).to_have_text("Page 1 of 4")
    assert page.locator(".results tbody tr td:first-child").all_inner_texts()[:3] == ["1", "2", "3"]


def test_sorting_and_paging_by_keyboard_keep_the_focus_on_the_control(page: Page) -> None:
    """The table and pager are drawn again after each answer; the focus stays on the same control, not the page top."""
    sign_in(page)
    page.get_by_role("button", name="Name").focus()

    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("button", name="Name")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_role("button", name="Name")).to_be_focused()

    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".page-of")).to_have_text("Page 2 of 3")
    expect(page.get_by_role("button", name="Next")).to_be_focused()
    page.keyboard.press("Enter")  # the last page: Next is disabled, so the focus goes to Previous
    expect(page.locator(".page-of")).to_have_text("Page 3 of 3")
    expect(page.get_by_role("button", name="Previous")).to_be_focused()


def test_an_asset_shows_every_attribute_and_its_references_link(page: Page) -> None:
    sign_in(page)
    search_for(page, '"microsoft 365"')
    page.get_by_role("link", name="Microsoft 365 E3").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Microsoft 365 E3")
    installed = page.get_by_role("row", name=re.compile("^Installed On"))
    expect(installed.get_by_role("link")).to_have_text(["Laptop 1", "Laptop 2", "Laptop 6"])

    installed.get_by_role("link", name="Laptop 1").click()

    expect(page).to_have_url(re.compile(r"#/assets/167$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laptop 1")
    facts = page.locator(".facts")
    expect(facts).to_contain_text("15/Mar/24 9:30 AM")
    expect(facts).to_contain_text("IT Hardware (2)")
    expect(page.get_by_role("row", name=re.compile("^Used By"))).to_contain_text("John Doe")
    expect(page.get_by_role("row", name=re.compile("^Warranty Expiry"))).to_contain_text("14/Mar/27")
    attachment = page.get_by_role("row", name=re.compile("invoice-laptop-1.pdf"))
    expect(attachment).to_contain_text("182 KB")
    expect(attachment).to_contain_text("admin")
    shoot(page, "asset.png")


def _create_laptop(page: Page, watch: Watch, name: str) -> None:
    page.goto(UI + "#/assets")
    page.get_by_role("link", name="New asset").click()
    page.get_by_label("Form").select_option(label="Laptop")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Model").fill("ThinkPad T14")
    page.get_by_label("Vendor").select_option("Lenovo")
    page.get_by_label("Backlit Keyboard").check()
    page.get_by_label("RAM (GB)").fill("lots")
    watch.expect("/rest/jip-api/1.0/inventory.json", 400)

    page.get_by_role("button", name="Create asset").click()

    ram = page.get_by_label("RAM (GB)")
    expect(ram).to_have_attribute("aria-invalid", "true")
    error = page.locator(".field", has=ram).locator(".field-error")
    expect(error).to_have_text("attribute 'RAM (GB)': 'lots' is not a whole number")
    expect(ram).to_be_focused()

    ram.fill("32")
    page.get_by_role("button", name="Create asset").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("#flash")).to_contain_text("Created asset")


def test_create_shows_the_api_error_next_to_its_field_then_the_fixed_asset_is_found(
    page: Page, watch: Watch, api: httpx.Client
) -> None:
    sign_in(page)

    _create_laptop(page, watch, "Laptop 99 UI Rig")

    expect(page.get_by_role("row", name=re.compile("^RAM"))).to_contain_text("32")
    expect(page.get_by_role("row", name=re.compile("^Features"))).to_contain_text("Backlit Keyboard")
    nav(page, "Assets").click()
    search_for(page, "rig")
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 1, 1))
    assert row_names(page) == ["Laptop 99 UI Rig"]
    lenovos = api_names(api, {"queryIndexSearchParams": [{"field": "Vendor", "keywords": ["Lenovo"]}]})
    assert lenovos.count("Laptop 99 UI Rig") == 1


def test_an_asset_is_edited_and_deleted_through_the_write_api(page: Page, api: httpx.Client) -> None:
    sign_in(page, where="#/assets/167")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("RAM (GB)")).to_have_value("16")
    page.get_by_label("Name").fill("Laptop 1 (renamed)")
    page.get_by_label("RAM (GB)").fill("64")
    page.get_by_label("Model").fill("")

    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Laptop 1 (renamed)")
    expect(page.get_by_role("row", name=re.compile("^RAM"))).to_contain_text("64")
    saved = api.get("/rest/jip-api/1.0/inventory/167.json", auth=ADMIN).json()["data"]
    items = {item["attributeName"]: item["value"] for item in saved["inventoryItems"]}
    assert (saved["name"], items["RAM (GB)"], items["Vendor"]) == ("Laptop 1 (renamed)", "64", "Dell")
    assert "Model" not in items  # emptied: the PUT sent null

    page.get_by_role("button", name="Delete", exact=True).click()
    page.get_by_role("button", name="Delete for good").click()

    expect(page.locator("#flash")).to_contain_text("Deleted asset 167")
    expect(page).to_have_url(re.compile(r"#/assets$"))
    expect(page.locator("#asset-summary")).to_have_text(showing(1, 15, 38))
    assert api.get("/rest/jip-api/1.0/inventory/167.json", auth=ADMIN).status_code == 404


def test_the_create_appears_in_the_live_requests_view(page: Page, watch: Watch, api: httpx.Client) -> None:
    api.delete("/_emulator/requests")
    sign_in(page)
    _create_laptop(page, watch, "Laptop 98 Journal")
    nav(page, "Requests").click()
    entries = page.locator(".journal .entry")
    expect(page.locator("#req-summary")).to_contain_text("of the page's own hidden")
    expect(entries).to_have_count(0)

    page.get_by_label("Show the page's own requests").check()
    page.get_by_label("Method").select_option("POST")
    page.get_by_label("Path (exact or glob)").fill("/rest/jip-api/1.0/inventory*")

    expect(entries).to_have_count(2)  # newest first: the 200 after the 400
    expect(entries.locator(".status")).to_have_text(["200", "400"])
    created = page.locator(f'.entry[data-id="{entries.first.get_attribute("data-id")}"]')
    expect(created.locator(".tag")).to_have_text("ui")
    created.locator("summary").click()
    expect(created.locator(".bodies")).to_contain_text('"name": "Laptop 98 Journal"')
    curl = created.locator(".curl pre")
    expect(curl).to_contain_text("curl -X POST")
    expect(curl).to_contain_text("-u 'admin:***'")
    assert "admin:admin" not in curl.inner_text()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    created.get_by_role("button", name="Copy as curl").click()
    expect(created.locator(".copy-note")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == curl.inner_text()

    # live: a request from elsewhere shows up without reloading, on top
    page.get_by_label("Path (exact or glob)").fill("")
    page.get_by_label("Method").select_option("")
    api.post(SEARCH, json={"queryIndexSearchParams": [{"field": "asset.name", "keyword": "from-outside"}]}, auth=ADMIN)
    expect(entries.first.locator(".path")).to_have_text(SEARCH, timeout=5000)
    expect(entries.first.locator(".tag")).to_have_count(0)
    expect(created.locator("details")).to_have_attribute("open", "")  # polling keeps an opened entry open
    page.get_by_label("Status").fill("4xx")
    expect(entries).to_have_count(1)
    expect(entries.locator(".status")).to_have_text(["400"])
    page.get_by_label("Status").fill("")
    entries.filter(has_text="POST").filter(has_text="200").first.locator("summary").click()
    shoot(page, "requests.png")


def test_reset_returns_to_the_fixtures(page: Page, api: httpx.Client) -> None:
    api.post("/rest/jip-api/1.0/inventory.json", json={"formId": 9, "name": "Stray"}, auth=ADMIN)
    assert api.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"] == 40
    api.post("/_emulator/snapshots", json={"name": "stray"})
    api.post("/_emulator/faults", json={"path": "/rest/jip-api/1.0/form/*", "status": 503})
    page.goto(UI + "#/control")
    expect(page.get_by_role("row", name=re.compile("^stray"))).to_be_visible()
    expect(page.get_by_text("No fault rules.")).to_have_count(0)

    page.get_by_role("button", name="Reset to the fixtures").click()

    expect(page.locator("section", has_text="Back to the baseline").get_by_role("status")).to_have_text(
        "Reset: 39 assets, as loaded from the fixtures."
    )
    expect(page.get_by_role("row", name=re.compile("^stray"))).to_have_count(0)  # the panels load again
    expect(page.get_by_text("No fault rules.")).to_be_visible()
    assert api.post(SEARCH, json={}, auth=ADMIN).json()["queryPagingInfo"]["totalRecords"] == 39


def test_snapshots_faults_and_the_clock(page: Page, api: httpx.Client) -> None:
    page.goto(UI + "#/control")
    page.get_by_label("Snapshot name").fill("before")
    page.get_by_role("button", name="Save snapshot").click()
    expect(page.get_by_role("row", name=re.compile("^before"))).to_be_visible()
    api.post("/rest/jip-api/1.0/inventory.json", json={"formId": 9, "name": "After snapshot"}, auth=ADMIN)
    page.get_by_role("button", name="Restore before").click()
    expect(page.locator("#ctl-snapshots ~ .panel-status")).to_have_text("Restored “before”: 39 assets.")

    page.get_by_label("Path (glob)").fill("/rest/api/2/serverInfo")
    page.get_by_label("Status", exact=True).fill("503")
    page.get_by_role("button", name="Add fault").click()
    expect(page.locator("#ctl-faults ~ .panel-status")).to_contain_text("Added fault")
    assert api.get("/rest/api/2/serverInfo").status_code == 503
    page.get_by_role("button", name="Refresh hits").click()
    expect(page.locator("td[data-hits]")).to_have_text(["1"])

    page.get_by_role("button", name="Freeze", exact=True).click()
    expect(page.locator("#clock-mode")).to_have_text("frozen")
    assert api.get("/_emulator/clock").json()["frozen"] is True
    page.get_by_label("Set to (UTC)").fill("2030-01-02T03:04:05")
    page.get_by_role("button", name="Set", exact=True).click()
    expect(page.locator("#clock-now")).to_have_text("2030-01-02 03:04:05 UTC")
    page.get_by_label("Advance by").fill("2")
    page.get_by_label("Unit").select_option("days")
    page.get_by_role("button", name="Advance").click()
    expect(page.locator("#clock-now")).to_have_text("2030-01-04 03:04:05 UTC")
    shoot(page, "control.png")
    page.get_by_role("button", name="Back to real time").click()
    expect(page.locator("#clock-mode")).to_have_text("running")
    assert api.get("/_emulator/clock").json()["frozen"] is False

    page.get_by_role("button", name=re.compile("^Delete fault")).click()
    expect(page.locator("td[data-hits]")).to_have_count(0)
    assert api.get("/rest/api/2/serverInfo").status_code == 200
    page.get_by_role("button", name="Delete before").click()
    expect(page.get_by_role("row", name=re.compile("^before"))).to_have_count(0)
    assert api.get("/_emulator/snapshots").json() == []


def test_every_control_table_fits_its_panel_at_1280_px(page: Page, api: httpx.Client) -> None:
    """The fault and token tables have 8 and 6 columns: in a half-width panel their actions were off to the side."""
    api.post("/_emulator/faults", json={"path": "/rest/jip-api/1.0/index/query*", "status": 503, "times": 2})
    api.post("/_emulator/snapshots", json={"name": "before"})
    page.goto(UI + "#/control")
    expect(page.get_by_role("button", name=re.compile("^Delete fault"))).to_be_visible()
    expect(page.get_by_role("button", name="Revoke Default write token")).to_be_visible()

    cut = page.evaluate(
        "[...document.querySelectorAll('.panel .table-wrap')]"
        ".filter((wrap) => wrap.scrollWidth > wrap.clientWidth)"
        ".map((wrap) => wrap.closest('.panel').querySelector('h2').textContent)"
    )

    assert cut == []


def test_a_minted_token_is_shown_once_and_works_against_the_cloud_api(page: Page, api: httpx.Client) -> None:
    page.goto(UI + "#/control")
    page.get_by_label("Token name").fill("from-the-page")
    page.get_by_label("Access").select_option("READ")

    page.get_by_role("button", name="Mint token").click()

    box = page.get_by_label(re.compile("shown only once"))
    expect(box).to_have_value(re.compile(r"^ey[\w-]+\.[\w-]+\.[\w-]+$"))
    token = box.input_value()
    bearer = {"Authorization": f"Bearer {token}"}
    assert api.get("/api/v1/assets/LAP-1", headers=bearer).status_code == 200
    expect(page.get_by_role("row", name=re.compile("^from-the-page READ"))).to_be_visible()

    page.get_by_role("button", name="Revoke from-the-page").click()

    expect(page.get_by_role("row", name=re.compile("^from-the-page"))).to_have_count(0)
    assert api.get("/api/v1/assets/LAP-1", headers=bearer).status_code == 401


def test_metadata_is_what_the_signed_in_user_may_browse(page: Page) -> None:
    sign_in(page, where="#/metadata")
    schemes = page.locator("#meta-schemes + .table-wrap tbody th")
    expect(schemes).to_have_text(["Default Asset Scheme", "IT Hardware", "HR Assets"])
    laptop = page.locator(".form-card", has_text="Laptop ·")
    expect(laptop.get_by_role("row", name=re.compile("^Vendor"))).to_contain_text("DropdownList")
    expect(laptop.get_by_role("row", name=re.compile("^Vendor"))).to_contain_text("HP, Dell, Lenovo, Apple")
    expect(page.locator("#meta-locations + .table-wrap")).to_contain_text("Berlin HQ")
    expect(page.locator(".user-card").first).to_contain_text("May browse")
    shoot(page, "metadata.png")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in(page, "jdoe", "jdoe", where="#/metadata")

    expect(schemes).to_have_text(["Default Asset Scheme", "IT Hardware"])
    expect(page.locator("#who")).to_contain_text("John Doe")
    nav(page, "Assets").click()
    expect(page.locator("#asset-summary")).to_contain_text("of 33 assets")


def test_every_request_the_page_sends_carries_the_client_header(page: Page, watch: Watch) -> None:
    sign_in(page)
    for view in ("Metadata", "Requests", "Control", "Assets"):
        nav(page, view).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(view)
        expect(nav(page, view)).to_have_attribute("aria-current", "page")
    calls = [r for r in watch.sent if r.resource_type in ("fetch", "xhr")]
    assert calls
    assert all(r.headers.get("x-aip-emulator-client") == "ui" for r in calls)


def test_keyboard_and_a_phone_sized_window(page: Page) -> None:
    page.goto(UI + "#/assets")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("admin")
    page.keyboard.press("Enter")
    expect(page.locator("#who")).to_contain_text("(admin)")
    expect(page.locator("#asset-summary")).to_contain_text("of 39 assets")
    page.reload()  # signed in still (sessionStorage): the first Tab of a fresh page
    expect(page.locator("#asset-summary")).to_contain_text("of 39 assets")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"#/assets$"))
    search_for(page, "lap*")
    page.keyboard.press("Tab")  # the search box to the field chooser: focus shows
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"

    page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    for view in ("#/assets", "#/assets/135", "#/metadata", "#/requests", "#/control"):
        page.goto(UI + view)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.wait_for_load_state("networkidle")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= PHONE["width"], f"{view} is {wide} px wide"


def test_the_page_works_under_a_jira_context_path(browser: Browser, tmp_path: Path) -> None:
    """With --context-path /jira the DC and Jira routes move under it; the page finds it in the OpenAPI document."""
    app = create_app(Settings(data_dir=tmp_path / "data", context_path="/jira"))
    watch = Watch()
    with LiveServer(app) as live:
        context = browser.new_context(viewport=WIDE, base_url=live.url)  # type: ignore[arg-type]
        context.set_default_timeout(TIMEOUT_MS)
        tab = context.new_page()
        tab.on("response", watch.on_response)
        tab.on("console", watch.on_console)
        tab.on("request", watch.on_request)
        try:
            sign_in(tab)
            search_for(tab, "tom*")
            expect(tab.locator("#asset-summary")).to_have_text(showing(1, 3, 3))
            calls = [r.url.removeprefix(live.url) for r in watch.sent if r.resource_type in ("fetch", "xhr")]
        finally:
            context.close()
    app.state.emulator.close()

    assert watch.problems == []
    assert "/jira/rest/api/2/myself" in calls


@pytest.mark.parametrize("name", ["My.Ns", "-x", "a" * 64])
def test_a_namespace_name_the_server_refuses_is_refused_on_the_page(page: Page, name: str) -> None:
    """Not a trip to a bare JSON 400: the page checks the server's rule for names before it goes there."""
    page.goto(UI + "#/control")
    page.get_by_role("textbox", name="Namespace").fill(name)

    page.get_by_role("button", name="Switch namespace").click()

    expect(page.locator("#ns-error")).to_have_text(
        "Use 1-63 characters of a-z 0-9 - _, starting with a letter or digit."
    )
    expect(page).to_have_url(re.compile(r"/_emulator/ui/#/control$"))  # still the default namespace's page


def test_in_a_namespace_every_call_is_prefixed(page: Page, server: str, watch: Watch) -> None:
    """Namespaces are served elsewhere; here the browser maps /_ns/demo/... onto the default routes."""
    from playwright.sync_api import Error, Route  # noqa: PLC0415

    def strip(route: Route) -> None:
        # Error: the page navigated (switching namespaces) while this call was on its way; it is moot.
        with contextlib.suppress(Error):
            route.fulfill(response=route.fetch(url=re.sub(r"/_ns/[^/]+", "", route.request.url, count=1)))

    page.route(re.compile(r".*/_ns/[^/]+/.*"), strip)
    page.goto("/_ns/demo/_emulator/ui/#/control")

    expect(page.locator("#ns-current")).to_have_text("demo")
    expect(page.locator("#ns-badge")).to_have_text("namespace demo")
    expect(page.get_by_role("link", name="Back to the default namespace")).to_have_attribute("href", "/_emulator/ui/")
    page.wait_for_load_state("networkidle")
    calls = [r.url for r in watch.sent if r.resource_type in ("fetch", "xhr")]
    assert calls
    assert all(url.startswith(f"{server}/_ns/demo/_emulator/") for url in calls), calls

    page.get_by_role("textbox", name="Namespace").fill("other")
    page.get_by_role("button", name="Switch namespace").click()
    page.wait_for_url(re.compile(r"/_ns/other/_emulator/ui/#/control$"))
    expect(page.locator("#ns-current")).to_have_text("other")
    # The new page's calls may still be in `strip` when the browser closes; its fetch then fails in teardown
    # ("Fetch response has been disposed", seen twice under load on 2 cores). They are not what this test checks.
    page.unroute_all(behavior="ignoreErrors")
