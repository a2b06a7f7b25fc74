"""Every write of teaching: one transaction, one audit row, mail on commit."""

from kohorte.teaching.services.attendance import (
    attendance_summaries,
    attendance_threshold,
    checkin_code,
    record_attendance,
    run_participations,
    self_check_in,
)
from kohorte.teaching.services.calendar import (
    create_calendar_link,
    create_lecturer_calendar_link,
    find_calendar_lecturer,
    find_calendar_participation,
    lecturer_feed_runs,
    personal_events,
    personal_runs,
    revoke_calendar_link,
    revoke_lecturer_calendar_link,
)
from kohorte.teaching.services.electives import (
    allocate_electives,
    choice_refusal,
    choose_electives,
    elective_runs,
    grant_place,
    remove_place,
    set_elective_round,
)
from kohorte.teaching.services.materials import (
    add_material,
    delete_material,
    replace_material_file,
)
from kohorte.teaching.services.participations import enrol_participant, save_practical_details
from kohorte.teaching.services.releases import (
    confirm_release,
    decline_release,
    find_release,
    remind_supervisor,
    request_release,
    send_release_reminders,
    set_release_status,
)

__all__ = [
    "add_material",
    "allocate_electives",
    "attendance_summaries",
    "attendance_threshold",
    "checkin_code",
    "choice_refusal",
    "choose_electives",
    "confirm_release",
    "create_calendar_link",
    "create_lecturer_calendar_link",
    "decline_release",
    "delete_material",
    "elective_runs",
    "enrol_participant",
    "find_calendar_lecturer",
    "find_calendar_participation",
    "find_release",
    "grant_place",
    "lecturer_feed_runs",
    "personal_events",
    "personal_runs",
    "record_attendance",
    "remind_supervisor",
    "remove_place",
    "replace_material_file",
    "request_release",
    "revoke_calendar_link",
    "revoke_lecturer_calendar_link",
    "run_participations",
    "save_practical_details",
    "self_check_in",
    "send_release_reminders",
    "set_elective_round",
    "set_release_status",
]
