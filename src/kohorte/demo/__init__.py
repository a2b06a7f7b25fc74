"""The demo: the first customer's programme, one account per role, applicants in every state,
a committee's selection and a few mails in the outbox.

It lives above the apps because it spans them (like ``cli.py``): it may import every app, and no
app imports it. One module per app:

- ``catalog``: the programme and its cohorts, from the brochure;
- ``accounts``: one account per role (and the staff group);
- ``comms``: a few mails, so that the outbox shows what Kohorte sends;
- ``admissions``: about 80 synthetic applicants in every state, with PDFs;
- ``selection``: reviews, proposals, decisions and offers for two cohorts;
- ``teaching``: the 2024 cohort in operation (releases, electives, the participant login);
- ``lecturing``: the demo lecturer's profile, the runs she teaches, materials per module.

``load_demo()`` loads everything at once. ``kohorte demo`` loads in two steps so that it can
serve early: ``load_first()`` (the programme and the accounts, enough for the site and the log-in)
before the web server starts, ``load_rest()`` while it already runs; meanwhile pages show
"Die Demo wird geladen …" (``loading``).
"""

from pathlib import Path

from django.conf import settings
from django.db import transaction

from kohorte.demo.accounts import DEFAULT_PASSWORD, DEMO_DOMAIN, ROLES, demo_password

__all__ = [
    "DEFAULT_PASSWORD",
    "DEMO_DOMAIN",
    "ROLES",
    "demo_password",
    "load_demo",
    "load_first",
    "load_rest",
    "loading",
    "set_loading",
]

LOADING_FILE = "demo-loading"


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Load the whole demo; safe to run again. Return the logins (and the referee link)."""
    logins = load_first()
    link = load_rest()
    if link:
        logins.append(("referee link", link, "(no login: the unanswered request)"))
    return logins


@transaction.atomic
def load_first() -> list[tuple[str, str, str]]:
    """The programme and one account per role: what the site needs to serve its pages."""
    from kohorte.demo import accounts, catalog, teaching

    program, current = catalog.load_programme()
    logins = accounts.load_accounts(program, current)
    # a participant of the 2024 cohort: the account is made in load_rest (teaching)
    return [*logins, teaching.participant_login(demo_password())]


def load_rest() -> str:
    """Mails, applicants and the selection, each step in its own transaction (so that the web
    server, already running, waits at most one step for the database); every step is skipped
    when it is already loaded. Return the unanswered referee link."""
    from kohorte.demo import (
        accounts,
        admissions,
        assessments,
        certificates,
        comms,
        events,
        lecturing,
        selection,
        teaching,
        transcripts,
    )
    from kohorte.demo.catalog import PAST_COHORT, current_cohort

    current = current_cohort()
    people = accounts.demo_people()
    with transaction.atomic():
        comms.load_demo_mail(current, applicant=people["applicant"], staff=people["staff"])
    with transaction.atomic():
        link = admissions.load_demo_applications(current, people["staff"])
    selection.load_selection_demo(
        current, reviewer=people["reviewer"], chair=people["chair"], staff=people["staff"]
    )
    teaching.load_teaching_demo(current.program, people["staff"])
    events.load_events_demo(current.program, current.program.cohorts.get(slug=PAST_COHORT))
    lecturing.load_lecturing_demo(current.program, people["lecturer"], people["staff"])
    assessments.load_assessments_demo(current.program, people["staff"], people["lecturer"])
    transcripts.load_transcripts_demo(current.program, people["staff"])
    certificates.load_certificates_demo(current.program, people["staff"])
    return link


def _loading_file() -> Path:
    return Path(settings.DATA_DIR) / LOADING_FILE


def set_loading(on: bool) -> None:
    """Mark the demo as loading (``kohorte demo`` while ``load_rest`` runs) or as loaded."""
    if on:
        _loading_file().write_text("")
    else:
        _loading_file().unlink(missing_ok=True)


def loading(request) -> dict:
    """Context processor: ``demo_loading`` while the demo's applicants and selection are still
    loading, for the people who would miss them (logged in; public pages are complete)."""
    user = getattr(request, "user", None)
    if settings.KOHORTE_ENV != "demo" or user is None or not user.is_authenticated:
        return {}
    return {"demo_loading": _loading_file().exists()}
