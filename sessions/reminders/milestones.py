from __future__ import annotations


def register() -> None:
    """Registers the milestone reminder kinds."""
