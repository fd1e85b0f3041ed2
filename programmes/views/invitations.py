# Being written: invitation_list, invitation_upload, invitation_revoke, invitation_accept.
from __future__ import annotations

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse(status=501)


invitation_list = invitation_upload = invitation_revoke = invitation_accept = _todo
