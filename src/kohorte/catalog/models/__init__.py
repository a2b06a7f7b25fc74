"""The programme catalogue: what is taught, when, where and by whom.

Program ─< Cohort ─< ModuleRun ─< Session; Module belongs to a Program and runs once per Cohort.
Text that visitors read exists in German and English (django-modeltranslation adds the
``_de``/``_en`` columns, see translation.py).

One module per part of the catalogue; import the names from here
(``from kohorte.catalog.models import Cohort``):

- ``common``: Language, Format, Assumption and AssumptionsMixin;
- ``programme``: Program, Organisation, LearningOutcome, Highlight, FAQ;
- ``cohort``: Cohort (with its QuerySet and ``featured_cohort``), RequiredDocument;
- ``people``: Location, Person;
- ``modules``: Module, ModuleRun, Session, CompletionRule;
- ``events``: Event.
"""

# The old single module had ``timezone`` in its namespace and tests read it as ``m.timezone``.
from django.utils import timezone

from kohorte.catalog.models.cohort import Cohort, CohortQuerySet, RequiredDocument, featured_cohort
from kohorte.catalog.models.common import Assumption, AssumptionsMixin, Format, Language
from kohorte.catalog.models.events import Event
from kohorte.catalog.models.modules import CompletionRule, Module, ModuleRun, Session
from kohorte.catalog.models.people import Location, Person
from kohorte.catalog.models.programme import (
    FAQ,
    Highlight,
    LearningOutcome,
    Organisation,
    Program,
)

__all__ = [
    "FAQ",
    "Assumption",
    "AssumptionsMixin",
    "Cohort",
    "CohortQuerySet",
    "CompletionRule",
    "Event",
    "Format",
    "Highlight",
    "Language",
    "LearningOutcome",
    "Location",
    "Module",
    "ModuleRun",
    "Organisation",
    "Person",
    "Program",
    "RequiredDocument",
    "Session",
    "featured_cohort",
    "timezone",
]
