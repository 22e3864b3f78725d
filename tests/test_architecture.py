"""The layout's rules, read from the imports (README, "Architecture"). Folders are layered, top to bottom:
face (app, server, cli, the pytest plugin) -> dialects -> runtime -> seeding -> core -> search, store -> util, with
settings and the package's own version at the very bottom. Imports point down only, folder by folder; no dialect
imports another, `store/` or SQLAlchemy; nothing below the dialects imports a web framework; no two folders import
each other (directly or round a longer circle); Whoosh's private parts are touched only inside their fence.
`if TYPE_CHECKING:` imports aside. Every rule is also run on a small broken graph, to show it can fail."""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emulator"
Graph = dict[str, set[str]]

# Each folder's floor: a module may import its own folder and folders on a higher number only.
FLOORS = {
    "face": 0,
    "dialects": 1,
    "runtime": 2,
    "seeding": 3,
    "core": 4,
    "search": 5,
    "store": 5,
    "util": 6,
    "base": 7,
}
FACE = {"emulator.app", "emulator.server", "emulator.cli", "emulator.testing"}
BASE = {"emulator", "emulator.settings"}
WEB = ("fastapi", "starlette")
SHARED_HTTP = "emulator.dialects.http"  # what every dialect shares over HTTP; not a dialect
WHOOSH_FENCE = "emulator.search.whoosh_internals"  # the one place that may touch Whoosh's private parts
WHOOSH_PUBLIC = {"whoosh", "whoosh.analysis", "whoosh.fields", "whoosh.formats", "whoosh.index", "whoosh.query"}
WHOOSH_PUBLIC |= {"whoosh.reading", "whoosh.searching", "whoosh.columns", "whoosh.sorting", "whoosh.qparser"}


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


def _sources() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def import_graph() -> Graph:
    """Each module of the package and the modules (of any package) it imports at run time."""
    modules = _sources()
    graph: Graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set(_imports(ast.parse(path.read_text()), package))
        graph[name] = {m for m in found if m in modules or not m.startswith("emulator")}
    return graph


@functools.cache
def graph() -> Graph:
    """The package's import graph, read once by the first test that asks (not at collection: every xdist worker
    collects this module, one runs it)."""
    return import_graph()


def _within(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def folder(module: str) -> str | None:
    """The folder a module of the package lives in (a dialect is a folder of its own); None outside the package."""
    if module in BASE:
        return module
    if not _within(module, "emulator"):
        return None
    parts = module.split(".")
    if parts[1].startswith("testing"):
        return "emulator.testing"
    if parts[1] == "dialects" and len(parts) > 2:
        return ".".join(parts[:3])
    return ".".join(parts[:2])


def floor(module: str) -> int:
    name = folder(module) or ""
    if name in BASE:
        return FLOORS["base"]
    if name in FACE:
        return FLOORS["face"]
    return FLOORS[name.split(".")[1]]


def dialect_of(module: str) -> str | None:
    if not _within(module, "emulator.dialects") or _within(module, SHARED_HTTP):
        return None
    parts = module.split(".")
    return parts[2] if len(parts) > 2 else None


def _edges(graph: Graph) -> Iterator[tuple[str, str]]:
    for module, imported in sorted(graph.items()):
        for target in sorted(imported):
            yield module, target


def points_up(graph: Graph) -> list[str]:
    """Imports of a folder on a higher floor, or of another folder on the same floor (the face's modules and a
    dialect's use of the shared HTTP folder aside)."""
    return [
        f"{m} imports {t}"
        for m, t in _edges(graph)
        if None not in (folder(m), folder(t)) and folder(m) != folder(t) and not _downward(m, t)
    ]


def _downward(module: str, target: str) -> bool:
    mine, theirs = floor(module), floor(target)
    if mine != theirs:
        return theirs > mine
    if mine == FLOORS["face"]:
        return True
    return dialect_of(module) is not None and _within(target, SHARED_HTTP)


def face_rules(graph: Graph) -> list[str]:
    """The threaded server for test runners does not import the CLI (the CLI may import it)."""
    return [
        f"{m} imports {t}" for m, t in _edges(graph) if folder(m) == "emulator.server" and folder(t) == "emulator.cli"
    ]


def dialect_storage(graph: Graph) -> list[str]:
    """A dialect reaches the data through the core only: no `store/`, no SQLAlchemy."""
    return [
        f"{m} imports {t}"
        for m, t in _edges(graph)
        if _within(m, "emulator.dialects") and _within(t, "emulator.store", "sqlalchemy")
    ]


def web_below_dialects(graph: Graph) -> list[str]:
    return [
        f"{m} imports {t}"
        for m, t in _edges(graph)
        if folder(m) is not None and floor(m) > FLOORS["dialects"] and _within(t, *WEB)
    ]


def folder_circles(graph: Graph) -> list[list[str]]:
    """Circles between folders: each folder that can reach itself through imports of other folders."""
    folders: dict[str, set[str]] = {}
    for module, target in _edges(graph):
        mine, theirs = folder(module), folder(target)
        if mine is not None and theirs is not None and mine != theirs:
            folders.setdefault(mine, set()).add(theirs)
    return [c for f in sorted(folders) if (c := _cycle_from(f, folders))]


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                return [*path, start]
            if nxt not in seen and nxt in graph:
                seen.add(nxt)
                stack.append((nxt, [*path, nxt]))
    return None


def module_circles(graph: Graph) -> list[list[str]]:
    # a module importing its own package (`from emulator.core import x`) is how packages work, not a circle
    inside = {m: {t for t in ts if t in graph and t != m and not m.startswith(t + ".")} for m, ts in graph.items()}
    return [c for m in sorted(inside) if (c := _cycle_from(m, inside))]


def whoosh_outside_its_fence(sources: dict[str, str]) -> list[str]:
    """Outside the fence, a module that imports Whoosh uses its public modules only and no `_private` attribute of
    anything but its own objects."""
    found = []
    for module, text in sorted(sources.items()):
        if _within(module, WHOOSH_FENCE):
            continue
        tree = ast.parse(text)
        whoosh = {t for t in _imports(tree, module.rpartition(".")[0]) if _within(t, "whoosh")}
        if not whoosh:
            continue
        found += [f"{module} imports {t}" for t in sorted(whoosh) if not _public_whoosh(t)]
        found += [f"{module} reads .{name}" for name in _private_attributes(tree)]
    return found


def _public_whoosh(name: str) -> bool:
    return name in WHOOSH_PUBLIC or name.rpartition(".")[0] in WHOOSH_PUBLIC


def _private_attributes(tree: ast.AST) -> list[str]:
    return sorted(
        {
            node.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
        }
    )


def _package_sources() -> dict[str, str]:
    return {name: path.read_text() for name, path in _sources().items()}


Rule = Callable[[Graph], list[str]]
RULES: dict[str, Rule] = {
    "points_up": points_up,
    "server_imports_cli": face_rules,
    "dialect_reaches_storage": dialect_storage,
    "web_framework_below_the_dialects": web_below_dialects,
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_package_breaks_no_import_rule(rule: str) -> None:
    assert RULES[rule](graph()) == []


@pytest.mark.parametrize(
    ("rule", "broken"),
    [
        ("points_up", {"emulator.core.writes": {"emulator.runtime.emulator"}}),
        ("points_up", {"emulator.search.index": {"emulator.store.db"}}),
        ("points_up", {"emulator.dialects.dc.routes": {"emulator.dialects.cloud.routes"}}),
        ("points_up", {"emulator.dialects.http.errors": {"emulator.dialects.dc.render"}}),
        ("points_up", {"emulator.util.lru": {"emulator.settings"}} | {"emulator.settings": {"emulator.util.lru"}}),
        ("server_imports_cli", {"emulator.server": {"emulator.cli.serve"}}),
        ("dialect_reaches_storage", {"emulator.dialects.cloud.collections": {"emulator.store.models"}}),
        ("dialect_reaches_storage", {"emulator.dialects.dc.query": {"sqlalchemy"}}),
        ("web_framework_below_the_dialects", {"emulator.core.errors": {"fastapi"}}),
    ],
)
def test_each_rule_fails_on_a_broken_graph(rule: str, broken: Graph) -> None:
    assert RULES[rule](broken) != []


def test_no_allowed_import_is_taken_for_a_broken_one() -> None:
    allowed = {
        "emulator.dialects.dc.routes": {"emulator.dialects.http.errors", "emulator.core.writes", "emulator.runtime.x"},
        "emulator.cli.serve": {"emulator.server", "emulator.app"},
        "emulator.runtime.emulator": {"emulator.seeding.load", "emulator.core.catalog", "emulator.util.lru"},
        "emulator.core.writes": {"emulator.search.index", "emulator.store.db", "emulator.settings", "sqlalchemy"},
    }
    assert [rule for rule, check in sorted(RULES.items()) if check(allowed)] == []


def test_no_two_folders_import_each_other() -> None:
    assert folder_circles(graph()) == []
    broken = {"emulator.core.catalog": {"emulator.seeding.load"}, "emulator.seeding.load": {"emulator.core.values"}}
    assert folder_circles(broken) == [
        ["emulator.core", "emulator.seeding", "emulator.core"],
        ["emulator.seeding", "emulator.core", "emulator.seeding"],
    ]


def test_no_import_circles_between_modules() -> None:
    assert module_circles(graph()) == []
    broken = {"emulator.core.a": {"emulator.core.b"}, "emulator.core.b": {"emulator.core.a"}}
    assert module_circles(broken) == [
        ["emulator.core.a", "emulator.core.b", "emulator.core.a"],
        ["emulator.core.b", "emulator.core.a", "emulator.core.b"],
    ]


def test_whoosh_private_parts_are_touched_only_inside_their_fence() -> None:
    assert whoosh_outside_its_fence(_package_sources()) == []
    fenced = "from whoosh.codec.whoosh3 import W3LeafMatcher\nvalue = matcher._values\n"
    public = "from whoosh import index\nix = index.open_dir('x')\nself._own = 1\n"
    assert whoosh_outside_its_fence({"emulator.search.phrases": fenced, "emulator.search.index": public}) == [
        "emulator.search.phrases imports whoosh.codec.whoosh3",
        "emulator.search.phrases imports whoosh.codec.whoosh3.W3LeafMatcher",
        "emulator.search.phrases reads ._values",
    ]
    assert whoosh_outside_its_fence({f"{WHOOSH_FENCE}.phrases": fenced}) == []


def test_every_dialect_folder_is_served_by_app() -> None:
    dialects = {
        p.name for p in (PACKAGE / "dialects").iterdir() if p.is_dir() and p.name not in {"http", "__pycache__"}
    }
    imported = {t.split(".")[2] for t in graph()["emulator.app"] if _within(t, "emulator.dialects") and dialect_of(t)}
    assert imported == dialects
