"""No user input reaches Python's backtracking `re` (or `fnmatch`, which compiles to it): every pattern the emulator
hands to `re` is a constant written in its source. Users' wildcards and regular expressions run on RE2 in
`emulator/search/regex.py`, in linear time (a backtracking matcher held a core for 44 minutes on `/(a|aa)*c/`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emulator"
PATTERN_TAKING = {"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "subn", "split"}


def constants(tree: ast.Module) -> set[str]:
    """Module-level names bound once, to a string constant (e.g. `WORD_PATTERN = r"..."`)."""
    bound: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound[node.id] = bound.get(node.id, 0) + 1
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            found.update(t.id for t in node.targets if isinstance(t, ast.Name) and bound[t.id] == 1)
    return found


def offences(source: str) -> list[str]:
    """Each call handing `re` a pattern that is not a constant, and each use of `fnmatch`, as `line: code`."""
    tree = ast.parse(source)
    fixed = constants(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and any(
            (getattr(node, "module", None) or alias.name).split(".")[0] == "fnmatch" for alias in node.names
        ):
            found.append(f"{node.lineno}: imports fnmatch")
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        if not (isinstance(owner, ast.Name) and owner.id == "re" and node.func.attr in PATTERN_TAKING):
            continue
        pattern = node.args[0] if node.args else None
        constant = isinstance(pattern, ast.Constant) and isinstance(pattern.value, str)
        named = isinstance(pattern, ast.Name) and (pattern.id in fixed or pattern.id.isupper())  # or a CONSTANT
        if not (constant or named):
            found.append(f"{node.lineno}: re.{node.func.attr}({ast.unparse(pattern) if pattern else ''})")
    return found


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_pattern_given_to_re_is_a_constant(path: Path) -> None:
    assert offences(path.read_text()) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import re\nre.compile(user)\n", ["2: re.compile(user)"]),
        ("import re\nre.findall(f'\\x00({scan})', text)\n", ["2: re.findall(f'\\x00({scan})')"]),
        ("import re\nre.match(pattern.regex, term)\n", ["2: re.match(pattern.regex)"]),
        ("from fnmatch import fnmatchcase\n", ["1: imports fnmatch"]),
        ("import re\nWORD = r'\\w+'\nre.compile(WORD)\nre.compile('[0-9]+')\nre.compile(OTHER_PATTERN)\n", []),
        ("import re\nword = r'\\w+'\nword = input()\nre.compile(word)\n", ["4: re.compile(word)"]),
    ],
)
def test_the_rule_catches_a_pattern_that_is_not_a_constant(source: str, expected: list[str]) -> None:
    assert offences(source) == expected
