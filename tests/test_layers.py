"""The extractor's stages depend one way: each module imports only the stages before it."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quotes" / "extract"
#: The stages in order; a module may import only those before it (and quotes.model).
STAGES = ["lexicon", "logistic", "lowercase", "marks", "layout", "names", "document", "mentions", "resolution", "cascade",
          "attribute", "speech", "confidence", "pipeline", "__init__"]


def imports(path: Path) -> set[str]:
    """The modules ``path`` imports, as dotted names relative to ``quotes``."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1:
                out.add(f"extract.{node.module}" if node.module else "extract")
            elif node.level == 2:
                out.add(node.module or "")
            elif node.module and node.module.split(".")[0] in ("quotes", "index", "cli", "quotes_datasette"):
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] in ("quotes", "index", "cli", "quotes_datasette"))
    return out


def test_every_module_has_a_stage():
    assert sorted(p.stem for p in PACKAGE.glob("*.py")) == sorted(STAGES)


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_imports_only_the_stages_before_it(stage):
    allowed = {f"extract.{s}" for s in STAGES[: STAGES.index(stage)]} | {"model"}
    assert imports(PACKAGE / f"{stage}.py") <= allowed


@pytest.mark.parametrize("path", sorted((ROOT / "quotes").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_quotes_never_imports_the_layers_above_it(path):
    assert not any(m.split(".")[0] in ("index", "cli", "quotes_datasette") for m in imports(path))
