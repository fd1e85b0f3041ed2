"""Receivers connect one way: from their app's `AppConfig.ready()`, never at import."""

from __future__ import annotations

import ast
from pathlib import Path

from django.core.signals import setting_changed

from programmes.signals import coordinator_digest_sections, member_next_steps, membership_ended

ROOT = Path(__file__).resolve().parents[2]
APPS = ("mentoring", "programmes", "matching", "sessions", "wellbeing")


def _project_modules() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    ]


def _receiver_decorators(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for decorator in node.decorator_list
        if "receiver" in ast.unparse(decorator)
    ]


def _connects_at_import(tree: ast.Module) -> list[int]:
    """`.connect(...)` calls outside any function: they run when the module is imported."""
    top_level = [n for n in tree.body if not isinstance(n, ast.FunctionDef | ast.ClassDef)]
    return [
        node.lineno
        for statement in top_level
        for node in ast.walk(statement)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "connect"
    ]


def test_no_project_module_connects_a_receiver_when_imported():
    found = {}
    for path in _project_modules():
        tree = ast.parse(path.read_text(), filename=str(path))
        if lines := _receiver_decorators(tree) + _connects_at_import(tree):
            found[str(path.relative_to(ROOT))] = lines
    assert found == {}


def test_the_checks_see_a_decorator_and_a_module_level_connect():
    tree = ast.parse(
        "@receiver(sig)\ndef f(sender, **kw): pass\nsig.connect(f)\n"
        "def ready():\n    sig.connect(f)\n"
    )
    assert _receiver_decorators(tree) == [2]
    assert _connects_at_import(tree) == [3]


def _uids(signal) -> set:
    # Each receiver is stored as ((dispatch_uid or id, sender id), receiver, is_async).
    return {entry[0][0] for entry in signal.receivers}


def test_each_app_connected_its_receivers_once_from_ready():
    assert {"matching-membership-ended"} <= _uids(membership_ended)
    assert {"matching-member-next-steps", "sessions-member-next-steps"} <= _uids(member_next_steps)
    assert {"matching-coordinator-digest", "sessions-coordinator-digest"} <= _uids(
        coordinator_digest_sections
    )
    assert "fields-encryption-keys" in _uids(setting_changed)
    # dispatch_uid keeps a second ready() from answering twice.
    assert len(member_next_steps.receivers) == len(_uids(member_next_steps))
