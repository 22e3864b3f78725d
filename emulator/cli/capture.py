"""`aip-emulator capture`: a real AIP, read-only and politely, into a fixture directory (docs/capture.md)."""

from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from urllib.parse import urlsplit

from emulator.cli.reading_flags import KEY_ENV, MIN_KEY, PASSWORD_ENV
from emulator.seeding.capture import CaptureOptions, CaptureSummary, capture
from emulator.seeding.read import FixtureError
from emulator.seeding.source import Polite, Source, SourceError
from emulator.util.progress import Progress


def source_of(args: argparse.Namespace) -> Source:
    """The polite client the flags describe; `SourceError` when a flag is missing or out of range."""
    if not args.source_url or not args.user:
        raise SourceError("pass the source's URL and --user (and --password or AIP_CAPTURE_PASSWORD)")
    password = args.password if args.password is not None else os.environ.get(PASSWORD_ENV)
    if password is None:
        raise SourceError(f"pass --password or set {PASSWORD_ENV}")
    if args.rps <= 0 or args.tries < 1 or args.timeout <= 0:
        raise SourceError("--rps and --timeout must be above 0 and --tries at least 1")
    polite = Polite(rps=args.rps, tries=args.tries, timeout_s=args.timeout)
    return Source(checked_url(args.source_url, args.source_flag), (args.user, password), polite)


def checked_url(url: str, flag: str) -> str:
    """`url` if it is an http(s) URL with a host, else a `SourceError` saying what to type."""
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() in ("http", "https") and parts.hostname:
            return url
    except ValueError:  # an unclosed [ of an IPv6 address
        pass
    example = f"https://{url}" if "://" not in url else "https://jira.example.com"
    raise SourceError(f"{flag} {url}: not a Jira base URL; give it with http:// or https://, such as {flag} {example}")


def run_capture(args: argparse.Namespace) -> int:
    """Capture, print one summary line; one-line errors exit 2."""
    try:
        source = source_of(args)
        options = _options(args)
        try:
            summary = capture(source, options)
        finally:
            source.close()
    except (SourceError, FixtureError) as exc:
        print(f"aip-emulator capture: {exc}", file=sys.stderr)
        return 2
    print(summary_line(summary))
    return 0


def _options(args: argparse.Namespace) -> CaptureOptions:
    if (args.max_assets is not None and args.max_assets < 0) or args.page_size < 1:
        raise SourceError("--max-assets must be 0 or more and --page-size at least 1")
    forms = [f.strip() for f in (args.forms or "").split(",") if f.strip()]
    transform = None
    if args.anonymize:
        from emulator.seeding.anonymize import anonymize  # noqa: PLC0415

        transform = partial(anonymize, key=_anonymize_key(args.anonymize_key))
    elif args.anonymize_key is not None:
        raise SourceError("--anonymize-key goes with --anonymize")
    return CaptureOptions(
        out=args.out, max_assets=args.max_assets, forms=forms, page_size=args.page_size,
        progress=Progress(show=sys.stderr.isatty()), transform=transform,
    )  # fmt: skip


def _anonymize_key(given: str | None) -> bytes:
    """The key `--anonymize-key` or the environment gives, or a random one."""
    from emulator.seeding.anonymize import new_key  # noqa: PLC0415

    key = given if given is not None else os.environ.get(KEY_ENV) or None
    if key is None:
        return new_key()
    if len(key) < MIN_KEY:
        raise SourceError(
            f"--anonymize-key ({KEY_ENV}) must be at least {MIN_KEY} characters: with a short one anyone could check "
            "a guessed word; make one with: python -c 'import secrets; print(secrets.token_hex(16))'"
        )
    return key.encode("utf-8")


def summary_line(s: CaptureSummary) -> str:
    rate = s.assets / s.seconds if s.seconds > 0 else 0.0
    return zone_hint(s.offset_minutes) + (
        f"captured {s.assets} assets, {s.forms} forms, {s.users} users into {s.out} in {s.seconds:.1f} s "
        f"({rate:.0f} assets/s, {s.requests} requests, {s.retries} retries); users' passwords are their usernames; "
        f"serve it with: aip-emulator serve --fixtures {s.out} --data-dir {s.out}-data"
    )


def zone_hint(offset: int | None) -> str:
    """A line asking for the source's time zone when it does not show times in UTC (asset `createdFormatted`)."""
    if not offset:
        return ""
    sign, minutes = "+" if offset > 0 else "-", abs(offset)
    return (
        f"the source shows times at UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}: serve and compare the capture "
        "with --time-zone set to the source's zone, or createdFormatted will differ\n"
    )
