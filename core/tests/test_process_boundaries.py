"""A process imports core, never another process: its tests and core's included.

Every import in every tests/ folder (and in the core library) is read with `ast`; one naming
another process's package, or another process's tests, is a failure that says where it is.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# Top-level folder → the importable names that belong to it (its package and its tests).
OWNERS = {
    "core": {"driftscope", "core"},
    "backend": {"driftscope_backend", "backend"},
    "monitoring-worker": {"driftscope_worker", "monitoring_worker"},
    "traffic-simulator": {"driftscope_simulator", "traffic_simulator"},
}
SHARED = {"driftscope"}  # the core library, which everyone may import


def imported_roots(path: Path) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of each absolute import in `path`."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name.split(".")[0]) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def crossings(folder: str, paths: list[Path], base: Path = REPO) -> list[str]:
    """`file:line imports X` for every import of a package another folder owns."""
    foreign = set().union(*(names for owner, names in OWNERS.items() if owner != folder))
    return [
        f"{path.relative_to(base)}:{line} imports {root}"
        for path in paths
        for line, root in imported_roots(path)
        if root in foreign - SHARED
    ]


def python_files(*folders: Path) -> list[Path]:
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.py"))


@pytest.mark.parametrize("folder", sorted(OWNERS))
def test_tests_import_core_and_their_own_process_only(folder: str) -> None:
    tests = python_files(REPO / folder / "tests")
    assert tests, f"{folder}/tests has no Python files"
    assert crossings(folder, tests) == []


def test_the_core_library_imports_no_process() -> None:
    assert crossings("core", python_files(REPO / "core" / "src")) == []


def test_a_crossing_is_reported_with_its_place(tmp_path: Path) -> None:
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import os\n"
        "from driftscope.settings import Settings\n"
        "from driftscope_backend.app import create_app\n"
        "from .conftest import LiveServer\n"
        "import backend.tests.conftest\n"
    )
    assert crossings("traffic-simulator", [probe], tmp_path) == [
        "test_probe.py:3 imports driftscope_backend",
        "test_probe.py:5 imports backend",
    ]
    assert crossings("backend", [probe], tmp_path) == []
