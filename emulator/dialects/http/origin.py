"""Guards against web pages driving a developer's emulator: a foreign `Host` (DNS rebinding) and a foreign `Origin`.

A page on any site can send a "simple" cross-origin request (a form POST, `fetch` with `text/plain`) to
`http://127.0.0.1:8080`; the browser does not let it read the answer, but the request has its effect: a reset, a
fault, a deleted asset. With DNS rebinding, a page can even read answers, under its own host name resolved to the
loopback address. Local servers that learned this (Jupyter, webpack-dev-server, Vite) check both headers:
- a request from a browser (it carries `Sec-Fetch-*` or `Origin`, or a browser's `User-Agent`) must name a loopback
  host (`localhost`, `*.localhost`, `127.0.0.0/8`, `::1`), the address the emulator is bound to, the host of
  `base_url`, or one of `AIP_EMULATOR_ALLOWED_HOSTS` (`*`: any). Programs (test clients, in-process transports,
  other containers calling it by a service name) may name any host: no web page can make them send a request;
- a request carrying an `Origin` that is not the emulator's own (nor one of `AIP_EMULATOR_CORS_ORIGINS`) may not
  write (any method but GET, HEAD, OPTIONS), may not reach the control plane and may not name a namespace (the
  first request naming one creates it).
Ordinary clients (curl, httpx, Java's HTTP clients) send no `Origin`: they are never refused for it.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from emulator.core.errors import PermissionDenied
from emulator.dialects.http.errors import Dialects, render_error
from emulator.dialects.http.namespace_router import split_prefix
from emulator.dialects.http.paths import route_path
from emulator.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READ = (b"host", b"origin", b"user-agent", b"sec-fetch-site", b"sec-fetch-mode")


class HostOriginGuard:
    """Answers 403, in the dialect's shape, to a foreign `Host` and to a foreign `Origin` that writes."""

    def __init__(self, app: ASGIApp, settings: Settings, dialects: Dialects) -> None:
        self.app, self.dialects = app, dialects
        self.hosts = allowed_hosts(settings)
        self.origins = frozenset(settings.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {key: value.decode("latin-1") for key, value in scope["headers"] if key in _READ}
        refusal = self._refusal(scope, headers)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        await render_error(self.dialects, plain_path(scope), PermissionDenied(refusal))(scope, receive, send)

    def _refusal(self, scope: Scope, headers: dict[bytes, str]) -> str | None:
        host, origin = headers.get(b"host", ""), headers.get(b"origin")
        name = host_name(host)
        if name and from_browser(headers) and not self._host_allowed(name):
            return (
                f"Host '{name}' is not allowed: the emulator answers loopback names and the hosts in "
                "AIP_EMULATOR_ALLOWED_HOSTS (a guard against DNS rebinding); add it there to reach the emulator by it"
            )
        if origin is None or origin.rstrip("/") in self.origins or "*" in self.origins:
            return None
        if same_origin(origin, host):
            return None
        namespace, path = split_prefix(route_path(scope))
        if scope["method"] in SAFE_METHODS and namespace is None and self.dialects.of(path) != "control":
            return None  # a read: the browser keeps its answer from the page (no CORS), and it changes nothing
        return (
            f"Cross-origin request refused: Origin '{origin}' is not this emulator's own; a web page of another "
            "site may not write or reach the control plane (AIP_EMULATOR_CORS_ORIGINS allows an origin)"
        )

    def _host_allowed(self, name: str) -> bool:
        return "*" in self.hosts or name in self.hosts or is_loopback(name)


def plain_path(scope: Scope) -> str:
    """The path inside its namespace (the guard runs before the namespace router, which may create one)."""
    return split_prefix(route_path(scope))[1]


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The host names answered besides loopback ones."""
    hosts = set(settings.allowed_hosts)
    if settings.host not in ("0.0.0.0", "::", ""):
        hosts.add(settings.host.lower().strip("[]"))
    if settings.base_url:
        hosts.add(host_name(urlsplit(settings.base_url).netloc))
    return frozenset(hosts)


def from_browser(headers: dict[bytes, str]) -> bool:
    """Whether a browser sent the request: Fetch metadata or an `Origin` (which no page can leave out), or a
    browser's `User-Agent` (browsers without Fetch metadata)."""
    if b"sec-fetch-site" in headers or b"sec-fetch-mode" in headers or b"origin" in headers:
        return True
    return headers.get(b"user-agent", "").startswith("Mozilla/")


def host_name(host: str) -> str:
    """The name in a `Host` header or a URL's authority, lower-cased, without port or IPv6 brackets."""
    return _authority(host)[0]


def _authority(authority: str) -> tuple[str, int | None]:
    """(name, port) of `host[:port]`, as a URL's authority reads (port None when absent or unreadable); an authority
    no URL can have (`[::1` unclosed, `[zz]:80` not an address: urlsplit raises) is its own lower-cased name."""
    try:
        parts = urlsplit("//" + authority.strip())
    except ValueError:  # answered a plain-text 500 on every path: this guard runs before every other
        return authority.strip().lower(), None
    try:
        port = parts.port
    except ValueError:  # `host:abc`, a port out of range
        port = None
    return parts.hostname or "", port


def is_loopback(name: str) -> bool:
    """Whether `name` always means this machine: `localhost`, a `.localhost` name (RFC 6761) or a loopback address."""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def same_origin(origin: str, host: str) -> bool:
    """Whether `origin` (scheme://host[:port]) names the host and port the request was sent to."""
    try:
        parts = urlsplit(origin)
    except ValueError:  # `http://[::1`: no URL at all (was a plain-text 500)
        return False
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # `null` (a sandboxed frame, a file) and anything unreadable
    default = 443 if parts.scheme == "https" else 80
    (theirs, their_port), (ours, our_port) = _authority(parts.netloc), _authority(host)
    return (theirs, their_port or default) == (ours, our_port or default)
