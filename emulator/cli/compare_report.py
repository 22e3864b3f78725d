"""`compare`'s report: a text summary, the same as JSON, or one self-contained HTML page (no links, no scripts)."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from emulator.cli.compare_diff import Difference

SHOWN = 200  # characters of a value shown in text and HTML


@dataclass
class Outcome:
    """What a comparison found: the queries asked, their differences and each side's retries."""

    source: str
    emulator: str
    queries: list[str] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    retries: dict[str, int] = field(default_factory=dict)

    def differing(self) -> list[str]:
        return sorted({d.query for d in self.differences})


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= SHOWN else text[:SHOWN] + "..."


def text(outcome: Outcome) -> str:
    """One line per difference under a summary line."""
    head = (
        f"compared {len(outcome.queries)} queries: {len(outcome.differences)} differences in "
        f"{len(outcome.differing())} queries (source {outcome.source}, emulator {outcome.emulator}; "
        f"retries: {', '.join(f'{k} {v}' for k, v in outcome.retries.items()) or 'none'})"
    )
    lines = [
        f"- {d.query}: {d.kind} at {d.where}: source {_short(d.source)}, emulator {_short(d.emulator)}"
        for d in outcome.differences
    ]
    return "\n".join([head, *lines]) + "\n"


def as_json(outcome: Outcome) -> str:
    data = {
        "source": outcome.source, "emulator": outcome.emulator, "queries": outcome.queries,
        "differences": [asdict(d) for d in outcome.differences], "retries": outcome.retries,
    }  # fmt: skip
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


STYLE = (
    "body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}"
    "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
    "code{white-space:pre-wrap;word-break:break-all}.ok{color:#196c2e}.bad{color:#a40e26}"
)


def as_html(outcome: Outcome) -> str:
    """One page that opens anywhere: inline style, every value escaped."""
    rows = "".join(
        f"<tr><td>{html.escape(d.query)}</td><td>{d.kind}</td><td><code>{html.escape(d.where)}</code></td>"
        f"<td><code>{html.escape(_short(d.source))}</code></td><td><code>{html.escape(_short(d.emulator))}</code></td></tr>"
        for d in outcome.differences
    )
    verdict = "ok" if not outcome.differences else "bad"
    summary = html.escape(text(outcome).splitlines()[0])
    queries = "".join(f"<li>{html.escape(q)}</li>" for q in outcome.queries)
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>aip-emulator compare</title><style>{STYLE}</style>"
        f"</head><body><h1>aip-emulator compare</h1><p class='{verdict}'>{summary}</p><table><tr><th>query</th>"
        f"<th>kind</th><th>where</th><th>source</th><th>emulator</th></tr>{rows}</table>"
        f"<h2>Queries</h2><ol>{queries}</ol></body></html>\n"
    )
