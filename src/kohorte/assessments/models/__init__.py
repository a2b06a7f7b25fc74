"""Assessments (Prüfungsleistungen) of a module run, their submissions and marks.

ModuleRun ─< Assessment (one per attempt; a resit is attempt 2) ─< Extension (per participant)
Assessment ─< Submission (per participant: marks, grade, publication) ─< SubmissionVersion
"""

from kohorte.assessments.models.assessment import Assessment, Extension
from kohorte.assessments.models.submission import Submission, SubmissionVersion

__all__ = ["Assessment", "Extension", "Submission", "SubmissionVersion"]
