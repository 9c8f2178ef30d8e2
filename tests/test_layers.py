"""The layering of DESIGN.md: ingest is the ground floor; ui and evals never import each other;
only rag/cli.py reaches up into ui/ and evals/."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_dependencies_point_inward() -> None:
    rules = {"ingest": {"rag", "ui", "evals"}, "rag": {"ui", "evals"}, "ui": {"evals"},
             "evals": {"ui"}}
    for package, forbidden in rules.items():
        for path in (ROOT / package).rglob("*.py"):
            if path == ROOT / "rag" / "cli.py":
                continue  # the one edge module: imports ui/evals inside its commands only
            bad = imported_packages(path) & forbidden
            assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"
