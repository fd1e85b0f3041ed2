"""Demo data stays out of production code: only demo packages, management commands and
tests may import an app's `demo` package."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mentoring", "programmes", "matching", "sessions", "wellbeing")


def _is_allowed(path: Path) -> bool:
    parts = path.relative_to(ROOT).parts
    return "demo" in parts or "management" in parts or "tests" in parts or "migrations" in parts


def _production_modules() -> list[Path]:
    return [
        path for app in APPS for path in sorted((ROOT / app).rglob("*.py")) if not _is_allowed(path)
    ]


def _package_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return parts if parts[-1] == "__init__" and parts.pop() is not None else parts[:-1]


def _imported_modules(path: Path, source: str | None = None) -> list[str]:
    """Every module `path` imports, relative imports made absolute."""
    names = []
    source = path.read_text() if source is None else source
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(path)
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            names.append(base)
            # `from programmes import demo` imports the package by its attribute name.
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def _imports_demo(module: str) -> bool:
    return "demo" in module.split(".")


def test_no_production_module_imports_a_demo_package():
    assert len(_production_modules()) > 50  # the walk finds the apps' code
    offenders = {
        str(path.relative_to(ROOT)): sorted(m for m in _imported_modules(path) if _imports_demo(m))
        for path in _production_modules()
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_every_app_keeps_its_demo_seeding_in_a_demo_package():
    for app in ("programmes", "matching", "sessions", "wellbeing"):
        assert (ROOT / app / "demo" / "__init__.py").is_file(), app
        assert not (ROOT / app / "demo.py").exists(), app
        assert not (ROOT / app / "demo_data.py").exists(), app


def test_no_demo_module_grows_past_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for app in APPS
        for path in (ROOT / app).glob("demo/*.py")
        if (n := len(path.read_text().splitlines())) > 500
    }
    assert long == {}


def test_the_check_catches_relative_absolute_and_attribute_imports_of_demo():
    probe = ROOT / "programmes" / "services" / "probe.py"
    for source in (
        "from ..demo import demo_seed",
        "from programmes import demo",
        "from programmes.demo.data import DEMO_DOMAIN",
        "import matching.demo",
        "def f():\n    from sessions.demo import meetings_demo_seed",
    ):
        assert any(_imports_demo(m) for m in _imported_modules(probe, source)), source
    assert not any(
        _imports_demo(m) for m in _imported_modules(probe, "from ..models import Programme")
    )
