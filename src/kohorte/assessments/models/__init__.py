"""Assessments (Prüfungsleistungen) of a module run, their submissions and marks.

ModuleRun ─< Assessment (one per attempt; a resit is attempt 2) ─< Extension (per participant)
Assessment ─< Submission (per participant: marks, grade, publication) ─< SubmissionVersion
Participation ─< Completion (the staff decision "completed"; at most one current)
Participation ─< Transcript (per language, versioned; a correction supersedes)
"""

from kohorte.assessments.models.assessment import Assessment, Extension
from kohorte.assessments.models.completion import Completion
from kohorte.assessments.models.submission import Submission, SubmissionVersion
from kohorte.assessments.models.transcript import Transcript

__all__ = ["Assessment", "Completion", "Extension", "Submission", "SubmissionVersion", "Transcript"]
