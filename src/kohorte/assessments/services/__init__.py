"""Every write of assessments: one transaction, one audit row, mail on commit."""

from kohorte.assessments.services.assessments import (
    create_assessment,
    create_resit,
    due_for,
    grant_extension,
    participants,
    update_assessment,
)
from kohorte.assessments.services.completion import (
    decide_completion,
    decide_completions,
    withdraw_completion,
)
from kohorte.assessments.services.marking import (
    agree_grade,
    change_published_grade,
    publish_due_grades,
    publish_grades,
    record_mark,
    set_submission_status,
)
from kohorte.assessments.services.submissions import (
    DECLARATION,
    get_or_create_submission,
    submit_work,
    upload_refusal,
)

__all__ = [
    "DECLARATION",
    "agree_grade",
    "change_published_grade",
    "create_assessment",
    "create_resit",
    "decide_completion",
    "decide_completions",
    "due_for",
    "get_or_create_submission",
    "grant_extension",
    "participants",
    "publish_due_grades",
    "publish_grades",
    "record_mark",
    "set_submission_status",
    "submit_work",
    "update_assessment",
    "upload_refusal",
    "withdraw_completion",
]
