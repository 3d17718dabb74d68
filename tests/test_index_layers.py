"""The modules of ``index/`` depend one way: no import loop, at module level or inside a function."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "index"


def index_imports(path: Path) -> set[str]:
    """The ``index`` modules that ``path`` imports anywhere (functions and TYPE_CHECKING blocks included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                out.add(node.module.split(".")[0])
            elif node.level == 0 and node.module and node.module.startswith("index."):
                out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("index."))
    return out


def loops(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop in ``graph`` (module -> modules it imports), each as a path."""
    found: list[list[str]] = []

    def walk(module: str, path: list[str]) -> None:
        for dep in sorted(graph.get(module, ())):
            if dep == path[0]:
                found.append([*path, dep])
            elif dep not in path and dep > path[0]:  # each loop once, from its smallest module
                walk(dep, [*path, dep])

    for start in sorted(graph):
        walk(start, [start])
    return found


def test_loops_are_found() -> None:
    assert loops({"search": {"common_words"}, "common_words": {"search"}}) == [["common_words", "search", "common_words"]]
    assert loops({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_index_modules_have_no_import_loop() -> None:
    graph = {p.stem: index_imports(p) for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert graph["search"] and graph["common_words"]
    assert loops(graph) == []
