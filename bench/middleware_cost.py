"""`python -m bench.middleware_cost [--calls 300]`: what each layer of the app's middleware stack costs a seed search
(issue 23), in process on the default fixtures.

After one warm-up call, every layer of the built stack (Starlette's outermost error middleware down to the router) is
wrapped in a timer: a layer's inclusive time minus the next layer's is its own share (whatever it does before and
after handing the call on, body reading and answer rendering included). Medians over `--calls` calls.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

from starlette.routing import Router
from starlette.types import ASGIApp, Receive, Scope, Send

from bench.calls_bench import AUTH, SEARCH, emulator_app
from bench.queries import seed_request
from emulator.testing_transport import AppLoop, in_process_client


class Timed:
    """An ASGI app that times the app it wraps (HTTP calls only)."""

    def __init__(self, app: ASGIApp, times: list[float]) -> None:
        self.app = app
        self.times = times

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "http":
                self.times.append((time.perf_counter() - started) * 1000)


def _layers(stack: Any) -> list[Any]:
    """The built stack from the outside in, down to the router."""
    found = []
    while stack is not None:
        found.append(stack)
        if isinstance(stack, Router):
            break
        stack = getattr(stack, "app", None)
    return found


def instrument(app: Any) -> list[tuple[str, list[float]]]:
    """Wrap every layer of the app's built stack in a timer; (layer name, its inclusive times), outermost first."""
    layers = _layers(app.middleware_stack)
    timed: list[tuple[str, list[float]]] = [(type(layer).__name__, []) for layer in layers]
    for outer, (_name, times) in zip(layers, timed[1:], strict=False):
        outer.app = Timed(outer.app, times)
    app.middleware_stack = Timed(app.middleware_stack, timed[0][1])
    return timed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.middleware_cost", description=__doc__)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args(argv)
    body = seed_request(generated=False)
    with emulator_app() as app, AppLoop() as loop, in_process_client(app, loop) as client:
        client.post(SEARCH, json=body, auth=AUTH).raise_for_status()  # builds the stack
        timed = instrument(app)
        for _ in range(args.calls):
            client.post(SEARCH, json=body, auth=AUTH).raise_for_status()
    medians = [(name, statistics.median(times)) for name, times in timed]
    load = " ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"-- a seed search in process, each layer's own share (p50 ms), load average {load}")
    for (name, inclusive), (_next, inner) in zip(medians, [*medians[1:], ("", 0.0)], strict=True):
        print(f"   {name:<28} {inclusive - inner:6.3f} ms   (inclusive {inclusive:6.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
