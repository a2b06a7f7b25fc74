import pytest

from kohorte.admissions import services as admissions
from kohorte.catalog.models import Cohort
from kohorte.selection import services
from kohorte.selection.models import SelectionSettings
from kohorte.selection.setup import setup_cohort
from tests.factories import complete, make_applications, pdf


@pytest.fixture
def committee(demo_catalog, django_user_model):
    """The current cohort with 12 submitted applications, five reviewers and a chair."""
    cohort = Cohort.objects.get(slug="jahrgang-2")
    setup_cohort(cohort)
    applications = make_applications(cohort, 12)
    reviewers = []
    for i, authority in enumerate(
        [
            "Bundesministerium der Finanzen",
            "Stadt Bonn",
            "Landesamt für Steuern",
            "Ministerium X",
            "Ministerium Y",
        ]
    ):
        user = django_user_model.objects.create_user(
            f"reviewer{i}@example.org", "pw", first_name=f"Rita{i}", last_name="Richter"
        )
        services.add_committee_member(cohort, user, actor=None, authority=authority)
        reviewers.append(user)
    chair = django_user_model.objects.create_user(
        "chair@example.org", "pw", first_name="Carla", last_name="Chair"
    )
    services.add_committee_member(cohort, chair, actor=None, is_chair=True, reviews=False)
    return {"cohort": cohort, "applications": applications, "reviewers": reviewers, "chair": chair}


@pytest.fixture
def blind_application(committee, django_user_model):
    """A real application with documents, a referee letter and every field that can hide."""
    cohort = committee["cohort"]
    owner = django_user_model.objects.create_user(
        "henriette@geheim.example", None, first_name="Henriette", last_name="Verborgen-Hinz"
    )
    application = admissions.start_application(cohort, owner)
    complete(application, owner)
    admissions.save_draft(
        application,
        {
            "authority": "Geheimamt für Tarnung",
            "unit_name": "Referat Unsichtbar",
            "phone": "030 999 123",
            "gender": "diverse",
        },
        actor=owner,
    )
    admissions.upload_document(application, "cv", pdf("Lebenslauf_Verborgen-Hinz.pdf"), actor=owner)
    _, token = admissions.request_referee(
        application,
        name="Rolf Referenzmann",
        role="Leitung",
        authority="Empfehlungsbehörde Nord",
        email="rolf@nord.example",
        actor=owner,
    )
    admissions.referee_upload(admissions.find_referee_request(token), pdf("letter.pdf"))
    admissions.submit_application(application, actor=owner)
    settings_ = SelectionSettings.for_cohort(cohort)
    settings_.blind_review = True
    settings_.blind_fields = ["name", "gender", "authority", "contact", "referee"]
    settings_.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=4)
    return application
