"""Assessments (Prüfungsleistungen) of a module run, their submissions and marks.

ModuleRun ─< Assessment (one per attempt; a resit is attempt 2) ─< Extension (per participant)
Assessment ─< Submission (per participant: marks, grade, publication) ─< SubmissionVersion
Participation ─< Completion (the staff decision "completed"; at most one current)
"""

from kohorte.assessments.models.assessment import Assessment, Extension
from kohorte.assessments.models.completion import Completion
from kohorte.assessments.models.submission import Submission, SubmissionVersion

__all__ = ["Assessment", "Completion", "Extension", "Submission", "SubmissionVersion"]
