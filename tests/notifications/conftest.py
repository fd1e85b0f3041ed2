from __future__ import annotations

import pytest

from tests.support import reminders


@pytest.fixture
def test_kind():
    """The test-only reminder kind the worker processes also know (tests/support)."""
    reminders.register()
    yield reminders.KIND
    reminders.unregister()
