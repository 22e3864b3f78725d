"""The layout's rules, read from the imports (README, "Architecture"): imports point down only, no dialect imports
another, the engine knows nothing above it, and there are no import circles. `if TYPE_CHECKING:` imports aside."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emulator"
LOWER = ("emulator.core", "emulator.search", "emulator.store", "emulator.seeding")
WEB = ("fastapi", "starlette")
SHARED_HTTP = "emulator.dialects.http"  # what every dialect shares over HTTP; not a dialect


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str) -> Iterator[str]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        else:
            yield from _imports(node, package)


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the modules (of any package) it imports at run time."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set(_imports(ast.parse(path.read_text()), package))
        graph[name] = {m for m in found if m in modules or not m.startswith("emulator")}
    return graph


GRAPH = import_graph()


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def dialect_of(module: str) -> str | None:
    if not _within(module, "emulator.dialects") or _within(module, SHARED_HTTP):
        return None
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else None


def violations(rule: str) -> list[str]:
    found = []
    for module, imported in sorted(GRAPH.items()):
        for target in sorted(imported):
            if _broken(rule, module, target):
                found.append(f"{module} imports {target}")
    return found


def _broken(rule: str, module: str, target: str) -> bool:
    if rule == "lower":
        return _within(module, *LOWER) and (_within(target, "emulator.dialects") or _within(target, *WEB))
    if rule == "search":  # the engine imports nothing of the emulator but itself
        return (
            _within(module, "emulator.search")
            and _within(target, "emulator")
            and not _within(target, "emulator.search")
        )
    if rule == "store":
        return (
            _within(module, "emulator.store") and _within(target, "emulator") and not _within(target, "emulator.store")
        )
    if rule == "dialects":
        mine, theirs = dialect_of(module), dialect_of(target)
        shared_reaches_dialect = _within(module, SHARED_HTTP) and theirs is not None
        return (mine is not None and theirs is not None and mine != theirs) or shared_reaches_dialect
    raise ValueError(rule)


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param("lower", id="core_search_store_seeding_import_no_dialect_and_no_web_framework"),
        pytest.param("search", id="search_engine_imports_nothing_above_it"),
        pytest.param("store", id="store_imports_nothing_above_it"),
        pytest.param("dialects", id="no_dialect_imports_another"),
    ],
)
def test_imports_point_down_only(rule: str) -> None:
    assert violations(rule) == []


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [*path, start]
            if nxt not in seen and nxt in graph:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def test_no_import_circles_in_the_package() -> None:
    # a module importing its own package (`from emulator.core import x`) is how packages work, not a circle
    graph = {m: {t for t in ts if t in GRAPH and t != m and not m.startswith(t + ".")} for m, ts in GRAPH.items()}
    circles = [c for m in sorted(graph) if (c := _cycle_from(m, graph))]
    assert circles == []


def test_a_dialect_is_one_folder_and_one_line_in_app() -> None:
    app = ast.parse((PACKAGE / "app.py").read_text())
    dialects = {
        p.name for p in (PACKAGE / "dialects").iterdir() if p.is_dir() and p.name not in {"http", "__pycache__"}
    }
    imported = {t.split(".")[2] for t in GRAPH["emulator.app"] if _within(t, "emulator.dialects") and dialect_of(t)}
    assert imported == dialects
    assert app  # parsed
