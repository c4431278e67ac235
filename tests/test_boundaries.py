"""Who may import whom. The core never imports a platform (adapters depend on the
core, not the reverse); storage never imports the core (their shared value types live
in ``storage.values``); and no module imports itself in a circle."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("bot", "bank", "storage")
PROJECT_PACKAGES = (*CORE_PACKAGES, "adapters")
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "adapters")


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _walk(tree: ast.AST, type_checking: bool) -> Iterable[ast.AST]:
    for node in ast.iter_child_nodes(tree):
        if not type_checking and _is_type_checking_block(node):
            continue
        yield node
        yield from _walk(node, type_checking)


def imported_modules(path: Path, *, type_checking: bool = True) -> list[str]:
    """Absolute module names ``path`` imports (``from a import b`` gives ``a`` and
    ``a.b``); imports under ``if TYPE_CHECKING:`` only when ``type_checking``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in _walk(tree, type_checking):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files(packages: Iterable[str] = PROJECT_PACKAGES, root: Path = ROOT) -> list[Path]:
    return sorted(p for pkg in packages for p in (root / pkg).rglob("*.py"))


def core_files() -> list[Path]:
    return project_files(CORE_PACKAGES)


def import_graph(
    files: Iterable[Path], root: Path = ROOT, *, type_checking: Mapping[str, bool]
) -> dict[str, set[str]]:
    """Module -> the project modules it imports. A module's import of its own parent
    package is left out: Python runs the parent first anyway, so that is no circle."""
    modules = {module_name(p, root): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        with_hints = type_checking.get(name.split(".")[0], True)
        targets: set[str] = set()
        for imported in imported_modules(path, type_checking=with_hints):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name and not name.startswith(imported + "."):
                targets.add(imported)
        graph[name] = targets
    return graph


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """Every group of modules that import each other in a circle (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while not group or group[-1] != node:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_is_core_code_to_check() -> None:
    assert len(core_files()) > 10


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_platform(path: Path) -> None:
    bad = [name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}: the core must stay platform-neutral"


@pytest.mark.parametrize(
    "path", project_files(["storage"]), ids=lambda p: str(p.relative_to(ROOT))
)
def test_storage_imports_nothing_from_the_core(path: Path) -> None:
    bad = [name for name in imported_modules(path) if name.split(".")[0] == "bot"]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}; shared types go in storage.values"


def test_no_import_circles() -> None:
    """The core has none, type hints included; an adapter may name its own classes
    in type hints only (``if TYPE_CHECKING:``), never in a runtime circle."""
    graph = import_graph(project_files(), type_checking={"adapters": False})
    assert circles(graph) == []


def test_the_checks_catch_a_platform_import_and_a_circle(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import discord\nfrom adapters.slack import SlackAdapter\n")
    assert imported_modules(sample) == ["discord", "adapters.slack", "adapters.slack.SlackAdapter"]
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg.b import thing\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import other\n"
    )
    files = project_files(["pkg"], tmp_path)
    assert circles(import_graph(files, tmp_path, type_checking={})) == [["pkg.a", "pkg.b"]]
    assert circles(import_graph(files, tmp_path, type_checking={"pkg": False})) == []


def test_the_module_map_in_contributing_names_files_that_exist() -> None:
    import re

    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    table = text[text.index("## Module map") : text.index("## Adding a platform")]
    paths = re.findall(r"`((?:bot|bank|storage|adapters|tests)/[\w./*]*)`", table)
    assert len(paths) > 20
    missing = [p for p in paths if not list(ROOT.glob(p.rstrip("/")))]
    assert missing == []
    # Every core module is on the map (packages count for their modules).
    mapped = {p.rstrip("/") for p in paths}
    unmapped = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bot").glob("*.py"))
        if path.name not in ("__init__.py", "__main__.py", "clock.py", "text.py")
        and str(path.relative_to(ROOT)) not in mapped
    ]
    assert unmapped == []
