# Being written: home, programme_list, programme_create, programme_detail, programme_manage,
# programme_edit, programme_status, team, team_remove, questions, question_edit, question_delete.
from __future__ import annotations

from django.http import HttpResponse


def _todo(*args, **kwargs):
    return HttpResponse(status=501)


home = programme_list = programme_create = programme_detail = programme_manage = _todo
programme_edit = programme_status = team = team_remove = questions = _todo
question_edit = question_delete = _todo
