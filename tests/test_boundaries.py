"""The core never imports a platform: adapters depend on the core, not the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE_PACKAGES = ("bot", "bank", "storage")
FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "adapters")


def imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def core_files() -> list[Path]:
    return sorted(p for pkg in CORE_PACKAGES for p in (ROOT / pkg).rglob("*.py"))


def test_there_is_core_code_to_check() -> None:
    assert len(core_files()) > 10


@pytest.mark.parametrize("path", core_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_core_module_imports_no_platform(path: Path) -> None:
    bad = [
        name
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert bad == [], f"{path.relative_to(ROOT)} imports {bad}: the core must stay platform-neutral"


def test_the_check_catches_a_platform_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import discord\nfrom adapters.slack import SlackAdapter\n")
    assert imported_modules(sample) == ["discord", "adapters.slack"]
