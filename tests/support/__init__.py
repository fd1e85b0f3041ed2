"""Test-only code the project's own processes load when a test starts them.

The integration tests start real Celery workers and beats; they point them at
`tests.support.celery_app` (the project's app plus a test reminder kind) and at the
file-writing email backend in `tests.support.mail`.
"""
