from __future__ import annotations

import json
import logging

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .middleware import declared_body_size

csp_logger = logging.getLogger("mentoring.security.csp")

# A browser's report is well under 2 KB; anything larger is not a report.
CSP_REPORT_MAX_BYTES = 8 * 1024
# Report fields worth keeping, each cut short: no page content, no query strings.
CSP_REPORT_FIELDS = (
    "document-uri",
    "violated-directive",
    "effective-directive",
    "blocked-uri",
    "source-file",
    "line-number",
)


@never_cache
def healthz(request):
    """Liveness and database readiness for the container health check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@csrf_exempt  # browsers post reports without a token; nothing is stored or changed
@require_POST
def csp_report(request):
    """Log a Content-Security-Policy violation a browser reports; store nothing."""
    if declared_body_size(request) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body or b"{}").get("csp-report", {})
    except (ValueError, AttributeError):
        return HttpResponse(status=400)
    if not isinstance(report, dict):
        return HttpResponse(status=400)
    csp_logger.warning(
        "Content-Security-Policy violation: %s",
        {field: _short(report.get(field)) for field in CSP_REPORT_FIELDS if field in report},
    )
    return HttpResponse(status=204)


def _short(value) -> str:
    """A URL without its query string or fragment, and never more than 200 characters."""
    text = str(value)
    for mark in ("?", "#"):
        text = text.split(mark, 1)[0]
    return text[:200]
