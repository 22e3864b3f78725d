"""`capture` against stand-in sources: what it writes serves the same answers; failures leave nothing behind."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.cli.capture import zone_hint
from emulator.cli.commands import main
from emulator.seeding import capture_records
from emulator.seeding.capture import CaptureOptions, capture
from emulator.seeding.capture_records import shown_offset_minutes
from emulator.seeding.read import FixtureError
from emulator.seeding.source import Polite, Source
from emulator.server import EmulatorServer
from emulator.settings import Settings
from tests.seeding.standin import CUT, Proxy, Reply, Seen, generated_source, json_reply

SEED = Path(__file__).resolve().parent.parent / "data" / "seed"
API = "/rest/jip-api/1.0"
FAST = Polite(rps=1000, backoff_s=0.01)


@pytest.fixture(scope="module")
def default_source() -> Iterator[EmulatorServer]:
    with EmulatorServer() as server:
        yield server


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorServer]:
    with generated_source(tmp_path_factory.mktemp("source"), 400) as server:
        yield server


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    """One client for the module's own calls: each new one loads the CA bundle (~25 ms of CPU)."""
    with httpx.Client(auth=("admin", "admin")) as client:
        yield client


def take(url: str, out: Path, **options: Any) -> Path:
    source = Source(url, ("admin", "admin"), FAST)
    try:
        capture(source, CaptureOptions(out=out, **options))
    finally:
        source.close()
    return out


@contextmanager
def serving(fixtures: Path, tmp: Path) -> Iterator[EmulatorServer]:
    with EmulatorServer(Settings(fixtures=fixtures, data_dir=tmp / (fixtures.name + "-data"))) as server:
        yield server


def search(http: httpx.Client, url: str, body: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = http.post(url + API + "/index/query.json", json=body).json()
    answer["queryIndexParam"]["respTime"] = 0
    return answer


def seed(name: str) -> Any:
    return json.loads((SEED / name).read_text())


def test_a_capture_of_the_default_fixtures_answers_both_vendor_examples_field_for_field(
    default_source: EmulatorServer, http: httpx.Client, tmp_path: Path
) -> None:
    with serving(take(default_source.url, tmp_path / "capture"), tmp_path) as served:
        for name in ("search-one-string-field", "search-scheme-type-name-id"):
            expected = seed(f"{name}.response.json")
            expected["queryIndexParam"]["respTime"] = 0
            assert search(http, served.url, seed(f"{name}.request.json")) == expected


READS = ["/form/list.json", "/attribute/list.json", "/schema/objectSchemas.json", "/location.json", "/location/2.json"]
SEARCHES: list[dict[str, Any]] = [
    {"queryIndexSearchParams": [], "pageSize": 1000, "sortField": "asset.name", "sortType": "STRING"},
    {"genericKeyword": "tomcat OR zeus", "pageSize": 50, "pageNumber": 2, "sortField": "asset.id", "sortType": "LONG"},
    {"queryIndexSearchParams": [{"field": "Used By", "keyword": "*", "fieldType": "STRING"}], "pageSize": 20},
]


def answers(http: httpx.Client, url: str) -> list[str]:
    """The reads and searches, as text with the server's own URL taken out (locations link avatars)."""
    out = [http.get(url + API + path).text for path in READS]
    out += [json.dumps(search(http, url, {"searchType": "basic", "listType": "detail", **body})) for body in SEARCHES]
    return [text.replace(url, "URL") for text in out]


@pytest.mark.slow  # 400 generated assets served, captured over HTTP and served again: ~2.5 CPU-s
def test_a_capture_of_generated_data_serves_the_same_answers(
    generated: EmulatorServer, http: httpx.Client, tmp_path: Path
) -> None:
    out = take(generated.url, tmp_path / "capture", page_size=150)
    with serving(out, tmp_path) as served:
        assert answers(http, served.url) == answers(http, generated.url)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture", "capture-data"]


@pytest.mark.slow  # 400 generated assets served, captured over HTTP and served again: ~2.5 CPU-s
def test_a_slice_by_count_and_form_brings_the_assets_it_references(
    generated: EmulatorServer, http: httpx.Client, tmp_path: Path
) -> None:
    out = take(generated.url, tmp_path / "slice", max_assets=20, forms=["License", "2"])
    assets = json.loads((out / "assets-0001.json").read_text())
    wanted = {"queryIndexSearchParams": [{"field": "form.id", "keywords": [10, 2], "fieldType": "LIST"}],
              "pageSize": 20, "sortField": "asset.id", "sortType": "LONG"}  # fmt: skip
    first = [a["id"] for a in search(http, generated.url, wanted)["assets"]]
    referenced = [a for a in assets if a["id"] not in first]
    assert [a["id"] for a in assets if a["id"] in first] == first
    assert referenced
    assert {a["formId"] for a in referenced} <= {8, 9, 11}  # suppliers, laptops, servers
    with serving(out, tmp_path) as served:  # every reference resolves, or the load would fail
        assert search(http, served.url, {"pageSize": 1})["queryPagingInfo"]["totalRecords"] == len(assets)


def test_a_429_and_a_500_are_retried_honouring_retry_after(default_source: EmulatorServer, tmp_path: Path) -> None:
    faults = [Reply(429, b"{}", {"Retry-After": "3"}), Reply(500, b"{}")]

    def alter(seen: Seen, _answer: httpx.Response) -> Reply | None:
        return faults.pop(0) if seen.path.endswith("/index/query.json") and faults else None

    with Proxy(default_source.url, alter) as proxy:
        source = Source(proxy.url, ("admin", "admin"), Polite(rps=1000, backoff_s=0.25), sleep=lambda _s: None)
        capture(source, CaptureOptions(out=tmp_path / "capture"))
        source.close()
    assert (source.stats.retries, source.stats.statuses, source.stats.waits) == (2, [429, 500], [3.0, 0.5])


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def html_page(_seen: Seen, _answer: httpx.Response) -> Reply:
    return Reply(200, b"<html><body>Log in</body></html>", {"Content-Type": "text/html;charset=UTF-8"})


def too_slow(_seen: Seen, _answer: httpx.Response) -> None:
    time.sleep(0.5)  # past the --timeout of 0.2 s


def cut_second_page(seen: Seen, _answer: httpx.Response) -> Reply | None:
    return CUT if seen.body and seen.body.get("pageNumber") == 2 else None


@pytest.mark.parametrize(
    "case",
    [
        pytest.param((None, "admin", "cannot reach URL: [Errno 111] Connection refused; check the "
                     "URL and that the server is up"), id="unreachable"),
        pytest.param((None, "wrong", "URL refused the credentials (401); check --user and --password"), id="401"),
        pytest.param((html_page, "admin", "URL/rest/jip-api/1.0/schema/objectSchemas.json answered 200 with text/html, "
                     "not JSON (a login page, a proxy or not a Jira with AIP?); pass the Jira base URL and check the "
                     "credentials"), id="html-login-page"),
        pytest.param((too_slow, "admin", "URL/rest/jip-api/1.0/schema/objectSchemas.json did not answer within 0.2 s; "
                      "try later or pass a longer --timeout"), id="timeout"),
        pytest.param((cut_second_page, "admin", "URL/rest/jip-api/1.0/index/query.json closed the connection "
                     "mid-answer (Server disconnected without sending a response.); the source stopped: try again "
                     "later"), id="stops-mid-capture"),
    ],
)  # fmt: skip
def test_a_failed_capture_says_why_in_one_line_and_leaves_nothing(
    generated: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: tuple[Any, str, str]
) -> None:
    alter, password, message = case
    url = closed_port() if "reach" in message else generated.url
    with Proxy(url, alter) if alter else _no_proxy(url) as target:
        argv = ["capture", "--from", target.url, "--user", "admin", "--password", password, "--rps", "1000",
                "--page-size", "100", "--timeout", "0.2" if alter is too_slow else "30",
                "--out", str(tmp_path / "out")]  # fmt: skip
        assert main(argv) == 2
    error = capsys.readouterr().err.replace(target.url, "URL")
    assert error == f"aip-emulator capture: {message}\n"
    assert list(tmp_path.iterdir()) == []


class _no_proxy:  # noqa: N801 - used as the proxy's stand-in in a with statement
    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> _no_proxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


def test_a_source_that_shows_times_away_from_utc_is_asked_for_its_zone() -> None:
    berlin = {"created": 1556792940123, "createdFormatted": "02/May/19 12:29 PM"}  # 10:29 UTC
    assert (shown_offset_minutes([{"created": None}, berlin]), shown_offset_minutes([])) == (120, None)
    assert zone_hint(-300) == (
        "the source shows times at UTC-05:00: serve and compare the capture with --time-zone set to the source's "
        "zone, or createdFormatted will differ\n"
    )
    assert zone_hint(0) == zone_hint(None) == ""


def without_printers(seen: Seen, answer: httpx.Response) -> Reply | None:
    if not seen.path.endswith("/form/list.json"):
        return None
    return json_reply([form for form in answer.json() if form["formName"] != "Printers"])


def test_a_capture_that_would_not_load_fails_and_leaves_nothing(
    default_source: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Proxy(default_source.url, without_printers) as proxy:
        argv = ["capture", "--from", proxy.url, "--user", "admin", "--password", "admin", "--rps", "1000"]
        assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        "aip-emulator capture: the capture would not load, so nothing was written: "
        f"{tmp_path / 'out'}/assets-0001.json: asset 20: unknown formId 6; the source's answers do not fit together"
        " (a form or asset it names but does not show): capture with --forms to leave that part out\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("shown", "local"),
    [
        ("02/May/19 10:29 AM", "2019-05-02T10:29"),
        ("02.05.2019 10:29", "2019-05-02T10:29"),
        ("2019-05-02 22:29", "2019-05-02T22:29"),
    ],
)
def test_dates_shown_in_the_usual_jira_formats_are_read_back(shown: str, local: str) -> None:
    assert capture_records.local_time(shown) == local
    assert capture_records.shown_offset_minutes([{"created": 1556792940000, "createdFormatted": shown}]) is not None


def test_a_date_in_a_format_capture_does_not_read_is_a_one_line_error_not_a_crash() -> None:
    """A Jira shown in German writes `02/Mai/19`: the time-zone hint is skipped, an attachment date says why."""
    assert (
        capture_records.shown_offset_minutes([{"created": 1556792940000, "createdFormatted": "02/Mai/19 10:29"}])
        is None
    )
    with pytest.raises(FixtureError, match=r"^an attachment's date '02/Mai/19 10:29' is not in a format capture reads"):
        capture_records.local_time("02/Mai/19 10:29")
