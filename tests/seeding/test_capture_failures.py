"""`capture` and `compare` fail in one line whatever the URL or the transport does, and a failed capture removes
only what it made itself."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from emulator.cli.commands import main
from emulator.seeding.capture import MARK, CaptureOptions, capture
from emulator.seeding.source import Polite, Source, SourceError


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize(
    ("command", "url", "example"),
    [
        ("capture --from", "jira.example.com", "https://jira.example.com"),
        ("capture --from", "localhost:8080/jira", "https://localhost:8080/jira"),
        ("compare --against", "ftp://jira.example.com", "https://jira.example.com"),
        ("compare --against", "http://[::1", "https://jira.example.com"),
    ],
)
def test_a_url_without_http_or_https_is_one_line_saying_what_to_type(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, url: str, example: str
) -> None:
    name, flag = command.split()
    where = ["--out", str(tmp_path / "out")] if name == "capture" else ["--emulator", closed_port()]

    assert main([name, flag, url, "--user", "me", "--password", "x", *where]) == 2

    assert capsys.readouterr().err == (
        f"aip-emulator {name}: {flag} {url}: not a Jira base URL; give it with http:// or https://, "
        f"such as {flag} {example}\n"
    )
    assert list(tmp_path.iterdir()) == []


def _failing(exc: Exception) -> Source:
    source = Source("http://jira.example.test", ("me", "x"), Polite(rps=1000))

    def fail(request: httpx.Request) -> httpx.Response:
        raise exc

    source._client = httpx.Client(transport=httpx.MockTransport(fail))
    return source


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (httpx.WriteError("broken pipe"), "WriteError: broken pipe"),
        (httpx.ProxyError("407 Proxy Authentication Required"), "ProxyError: 407 Proxy Authentication Required"),
        (httpx.LocalProtocolError("illegal header"), "LocalProtocolError: illegal header"),
        (httpx.InvalidURL("Invalid port: ':1'"), "InvalidURL: Invalid port: ':1'"),
    ],
)
def test_any_transport_failure_is_a_source_error(exc: Exception, shown: str) -> None:
    source = _failing(exc)

    with pytest.raises(SourceError) as failed:
        source.get("/rest/jip-api/1.0/form/list.json")

    assert str(failed.value) == (
        f"http://jira.example.test/rest/jip-api/1.0/form/list.json: the request failed ({shown}); "
        "check the URL and try again"
    )
    source.close()


def test_a_base_url_without_a_scheme_is_a_source_error_too() -> None:
    source = Source("jira.example.com", ("me", "x"), Polite(rps=1000))

    with pytest.raises(SourceError) as failed:
        source.get("/rest/jip-api/1.0/form/list.json")

    assert str(failed.value) == (
        "jira.example.com/rest/jip-api/1.0/form/list.json: not an http:// or https:// URL; pass the Jira base URL "
        "with its scheme (https://jira.example.com)"
    )
    source.close()


def _capture_from_nowhere(out: Path) -> None:
    source = Source(closed_port(), ("me", "x"), Polite(rps=1000))
    try:
        with pytest.raises(SourceError, match="cannot reach"):
            capture(source, CaptureOptions(out=out))
    finally:
        source.close()


def test_a_failed_capture_keeps_the_empty_out_directory_it_was_given(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()

    _capture_from_nowhere(tmp_path / "out")

    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # was removed before anything was read


def test_a_partial_directory_capture_did_not_make_is_never_removed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "out.partial"
    mine.mkdir()
    (mine / "notes.txt").write_text("the user's own")

    argv = ["capture", "--from", closed_port(), "--user", "me", "--password", "x", "--out", str(tmp_path / "out")]
    assert main(argv) == 2

    assert capsys.readouterr().err == (
        f"aip-emulator capture: {mine} exists and is not a capture's unfinished copy; remove it or pass another --out\n"
    )
    assert (mine / "notes.txt").read_text() == "the user's own"


def test_a_partial_directory_a_killed_capture_left_is_removed(tmp_path: Path) -> None:
    left = tmp_path / "out.partial"
    left.mkdir()
    (left / MARK).write_text("")
    (left / "assets-0001.json").write_text("[")

    _capture_from_nowhere(tmp_path / "out")

    assert list(tmp_path.iterdir()) == []
