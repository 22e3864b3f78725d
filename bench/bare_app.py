"""A bare FastAPI app for the throughput baseline: the search route, answering a fixed body of a given size.

`python -m bench.bare_app --port P --body FILE` serves `POST /rest/jip-api/1.0/index/query.json`, which reads the
JSON request like the emulator does and answers the JSON in FILE (parsed once, serialised per request), under the
same uvicorn settings as `aip-emulator serve`. No auth, no search, no database: what FastAPI alone costs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from fastapi import FastAPI

SEARCH_PATH = "/rest/jip-api/1.0/index/query.json"


def create_app(body: Any) -> FastAPI:
    """An app answering every search with `body` and a health route."""
    app = FastAPI(title="bare baseline")

    @app.post(SEARCH_PATH)
    def search(request: dict[str, Any]) -> Any:
        return body

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def main(argv: list[str] | None = None) -> int:
    """Serve the bare app on 127.0.0.1."""
    import uvicorn  # noqa: PLC0415 - as in emulator.cli

    parser = argparse.ArgumentParser(prog="python -m bench.bare_app", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True, help="a JSON file: the answer to every search")
    args = parser.parse_args(argv)
    app = create_app(json.loads(args.body.read_text(encoding="utf-8")))
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="info", access_log=False)  # as emulator.cli
    return 0


if __name__ == "__main__":
    sys.exit(main())
