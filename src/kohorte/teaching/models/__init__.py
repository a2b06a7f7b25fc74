"""The cohort in teaching: who takes part, the employer's release, practical details, elective
choice and places.

Participation ─< Release (the supervisor's confirmation, by a single-purpose link)
Cohort ─ ElectiveRound (deadline, seed, allocated) ; ModuleRun ─ ElectiveCapacity
Participation ─< ElectiveChoice (ranked) ; Participation ─< ElectivePlace (the allocation)
Session ─< Attendance >─ Participation (one row per teaching day)
ModuleRun ─< Material (a checked PDF in private storage, or a link; a release date)
CalendarLink: a participation's or a lecturer's private feed
"""

from kohorte.teaching.models.attendance import Attendance
from kohorte.teaching.models.calendar import CalendarLink
from kohorte.teaching.models.electives import (
    ElectiveCapacity,
    ElectiveChoice,
    ElectivePlace,
    ElectiveRound,
)
from kohorte.teaching.models.materials import Material, MaterialQuerySet
from kohorte.teaching.models.participation import Participation, ParticipationQuerySet, Release

__all__ = [
    "Attendance",
    "CalendarLink",
    "ElectiveCapacity",
    "ElectiveChoice",
    "ElectivePlace",
    "ElectiveRound",
    "Material",
    "MaterialQuerySet",
    "Participation",
    "ParticipationQuerySet",
    "Release",
]
