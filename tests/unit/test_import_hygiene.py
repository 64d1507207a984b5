"""Layering is enforced by tests (docs/architecture.md, "Layers": cli -> ui | plain ->
sources -> core): the import-linter contracts in pyproject.toml hold, an upward import
breaks them, core loads no UI or network library at run time, sources' shared modules load
no UI library, and no module grows past 400 lines."""

from __future__ import annotations

import json
import os
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import logtail_tui.core

UI = ("textual", "rich", "typer")
NETWORK = ("httpx", "httpx_sse", "websockets", "watchfiles")
SHARED_SOURCES = ("contract", "registry", "hub", "backoff")
ROOT = Path(__file__).resolve().parents[2]
MAX_MODULE_LINES = 400


def loaded_after_import(modules: list[str]) -> set[str]:
    """Top-level packages in ``sys.modules`` after importing ``modules`` in a fresh process."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(logtail_tui.core.__path__, "logtail_tui.core.")]
    assert {"logtail_tui.core.parse", "logtail_tui.core.store"} <= set(names)
    return ["logtail_tui.core", *names]


def test_core_loads_no_ui_or_network_library() -> None:
    loaded = loaded_after_import(core_modules())
    assert "logtail_tui" in loaded  # the probe really imported something
    assert loaded.isdisjoint(UI + NETWORK), sorted(loaded & set(UI + NETWORK))


def test_shared_source_modules_load_no_ui_library() -> None:
    modules = [f"logtail_tui.sources.{name}" for name in SHARED_SOURCES]
    loaded = loaded_after_import(modules)
    assert "logtail_tui" in loaded
    assert loaded.isdisjoint(UI), sorted(loaded & set(UI))


def test_the_probe_can_see_a_forbidden_import() -> None:
    assert "rich" in loaded_after_import(["rich.text"])


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter with the project's contracts over the package found in ``root``."""
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists():
        found = shutil.which("lint-imports")
        assert found, "lint-imports is missing: pip install -e '.[test]'"
        lint = Path(found)
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_layer_contracts_hold() -> None:
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout, done.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    shutil.copytree(
        ROOT / "logtail_tui", tmp_path / "logtail_tui", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    view = tmp_path / "logtail_tui" / "core" / "view.py"
    source = view.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    assert anchor in source
    view.write_text(source.replace(anchor, anchor + "\nimport logtail_tui.ui\n", 1), "utf-8")
    done = lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout
    assert "logtail_tui.core.view -> logtail_tui.ui" in done.stdout, done.stdout
    assert "Layers: cli -> ui | plain -> sources -> core BROKEN" in done.stdout


def test_no_module_is_over_400_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "logtail_tui").rglob("*.py")
    }
    assert len(sizes) > 30
    too_long = {path: n for path, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_long, f"split these modules (max {MAX_MODULE_LINES} lines): {too_long}"
