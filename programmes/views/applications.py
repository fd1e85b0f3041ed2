# Being written: my_applications, application_withdraw, application_create, review_queue,
# application_detail, application_decide, member_list.
from __future__ import annotations

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse(status=501)


my_applications = application_withdraw = application_create = review_queue = _todo
application_detail = application_decide = member_list = _todo
