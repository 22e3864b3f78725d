"""`aip-emulator capture`: read a real AIP through its DC routes, read-only, into a fixture directory that `serve`
loads and answers the same queries from (docs/capture.md).

The directory appears whole or not at all: files are written to `<out>.partial`, loaded into a throwaway database
(every reference resolved) and renamed into place at the end; any failure removes the partial directory.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from emulator.core.types import AttributeType
from emulator.seeding import capture_records as records
from emulator.seeding.capture_assets import form_filter, pages, with_references
from emulator.seeding.capture_check import check_loads
from emulator.seeding.capture_users import capture_users
from emulator.seeding.read import FixtureError
from emulator.seeding.source import Source, SourceError
from emulator.util.progress import QUIET, Progress

API = "/rest/jip-api/1.0"
ASSETS_PER_FILE = 2000
MARK = ".aip-emulator-capture"  # in `<out>.partial`: the directory is capture's own, removable when a capture died
Files = dict[str, Any]


@dataclass
class CaptureOptions:
    """What to take: at most `max_assets`, only `forms` (names or ids), `page_size` per search."""

    out: Path
    max_assets: int | None = None
    forms: list[str] = field(default_factory=list)
    page_size: int = 250
    context_path: str = ""
    progress: Progress = QUIET
    transform: Callable[[Files], Files] | None = None  # e.g. the anonymizer, applied before anything is written


@dataclass
class CaptureSummary:
    out: Path
    assets: int
    users: int
    forms: int
    requests: int
    retries: int
    seconds: float
    offset_minutes: int | None = None  # how far ahead of UTC the source shows times; None: no asset showed one


def capture(source: Source, options: CaptureOptions) -> CaptureSummary:
    """Read the source and write `options.out` atomically; `SourceError` or `FixtureError` on failure."""
    started = time.monotonic()
    partial = _prepare(options.out)
    shown: list[int | None] = []
    try:
        files = _read_source(source, options, shown)
        if options.transform is not None:
            files = options.transform(files)
        _write(partial, files)
        _check(partial, options.out)
        _publish(partial, options.out)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    assets = sum(len(v) for k, v in files.items() if k.startswith("assets"))
    return CaptureSummary(
        options.out, assets, len(files["users.json"]), len(files["forms.json"]), source.stats.requests,
        source.stats.retries, time.monotonic() - started, shown[0] if shown else None,
    )  # fmt: skip


def _check(partial: Path, out: Path) -> None:
    """A capture the loader would refuse is not left behind; the error names the file as it would have been."""
    try:
        check_loads(partial)
    except FixtureError as exc:
        problem = str(exc).replace(str(partial), str(out))
        raise FixtureError(
            f"the capture would not load, so nothing was written: {problem}; the source's answers do not fit "
            "together (a form or asset it names but does not show): capture with --forms to leave that part out"
        ) from None


def _prepare(out: Path) -> Path:
    """`<out>.partial`, made and marked as capture's own; one an earlier, killed capture left is removed first, a
    directory of that name capture did not make is refused. Nothing is removed before the capture succeeds."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FixtureError(f"{out} already exists; remove it or pass another --out")
    partial = out.with_name(out.name + ".partial")
    if partial.exists() or partial.is_symlink():
        if partial.is_symlink() or not (partial / MARK).is_file():
            raise FixtureError(
                f"{partial} exists and is not a capture's unfinished copy; remove it or pass another --out"
            )
        shutil.rmtree(partial)  # what an earlier, killed capture left
    partial.mkdir(parents=True)
    (partial / MARK).write_text("aip-emulator capture writes this directory; it becomes --out when done\n")
    return partial


def _publish(partial: Path, out: Path) -> None:
    """The finished capture renamed to `out` (an empty directory given as `out` makes way only now)."""
    (partial / MARK).unlink()
    if out.is_dir():
        try:
            out.rmdir()
        except OSError:
            raise FixtureError(f"{out} is no longer empty; the capture was not written, pass another --out") from None
    partial.rename(out)


def _read_source(source: Source, options: CaptureOptions, shown: list[int | None]) -> Files:
    api = options.context_path + API
    schemes = _envelope(source, api + "/schema/objectSchemas.json")
    forms = source.get(api + "/form/list.json")
    attributes = source.get(api + "/attribute/list.json")
    locations = _envelope(source, api + "/location.json")
    params = form_filter(_form_ids(forms, options.forms)) if options.forms else []
    raw = list(pages(source, api, params, options.page_size, options.max_assets, progress=options.progress))
    raw = with_references(source, api, raw)
    shown.append(records.shown_offset_minutes(raw))
    assets = [records.asset_record(a) for a in raw]
    types = records.attribute_types(forms)
    records.promote_multi_users(assets, types)
    location_list = list(locations.values()) if isinstance(locations, dict) else list(locations)
    users = capture_users(source, options.context_path, raw, location_list, types)
    by_form = {a for a, kind in types.items() if kind is AttributeType.INVENTORY_LIST_BY_FORM}
    fallback = forms[0]["id"] if forms else 0
    files: Files = {
        "users.json": users,
        "schemes.json": [records.scheme_record(s) for s in schemes],
        "attributes.json": records.attribute_records(
            attributes, types, records.reference_forms(assets, by_form), fallback
        ),
        "forms.json": records.form_records(forms, schemes),
        "locations.json": [records.location_record(loc) for loc in sorted(location_list, key=lambda x: x["id"])],
    }
    for number, start in enumerate(range(0, max(len(assets), 1), ASSETS_PER_FILE), 1):
        files[f"assets-{number:04d}.json"] = assets[start : start + ASSETS_PER_FILE]
    return files


def _envelope(source: Source, path: str) -> Any:
    answer = source.get(path)
    if not isinstance(answer, dict) or "data" not in answer:
        raise SourceError(f"{source.base_url}{path} did not answer with AIP's envelope; is this Jira with AIP?")
    return answer["data"]


def _form_ids(forms: list[dict[str, Any]], wanted: list[str]) -> list[int]:
    by_name = {f["formName"]: f["id"] for f in forms}
    ids = {str(f["id"]): f["id"] for f in forms}
    unknown = [w for w in wanted if w not in by_name and w not in ids]
    if unknown:
        known = ", ".join(sorted(by_name))
        raise SourceError(f"--forms: no form {', '.join(unknown)} in the source; its forms are: {known}")
    return [by_name.get(w, ids.get(w, 0)) for w in wanted]


def _write(directory: Path, files: Files) -> None:
    for name, content in files.items():
        text = json.dumps(content, indent=2, ensure_ascii=False) + "\n"
        (directory / name).write_text(text, encoding="utf-8")
