"""The cohort in teaching: who takes part, the employer's release, practical details, elective
choice and places.

Participation ─< Release (the supervisor's confirmation, by a single-purpose link)
Cohort ─ ElectiveRound (deadline, seed, allocated) ; ModuleRun ─ ElectiveCapacity
Participation ─< ElectiveChoice (ranked) ; Participation ─< ElectivePlace (the allocation)
Session ─< Attendance >─ Participation (one row per teaching day)
"""

from kohorte.teaching.models.attendance import Attendance
from kohorte.teaching.models.calendar import CalendarLink
from kohorte.teaching.models.electives import (
    ElectiveCapacity,
    ElectiveChoice,
    ElectivePlace,
    ElectiveRound,
)
from kohorte.teaching.models.participation import Participation, ParticipationQuerySet, Release

__all__ = [
    "Attendance",
    "CalendarLink",
    "ElectiveCapacity",
    "ElectiveChoice",
    "ElectivePlace",
    "ElectiveRound",
    "Participation",
    "ParticipationQuerySet",
    "Release",
]
