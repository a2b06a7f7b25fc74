"""The demo's programme: the first customer's brochure (catalog/data), with its cohorts."""

from kohorte.catalog.loader import load_catalog
from kohorte.catalog.models import Cohort

CURRENT_COHORT = "jahrgang-2"
PAST_COHORT = "jahrgang-1"


def load_programme():
    """Load (or update) the catalogue; return the programme and its current cohort."""
    program = load_catalog()
    return program, Cohort.objects.get(program=program, slug=CURRENT_COHORT)


def current_cohort() -> Cohort:
    return Cohort.objects.select_related("program").get(slug=CURRENT_COHORT)
