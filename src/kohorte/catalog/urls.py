from django.urls import path

from kohorte.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.program_overview, name="program"),
    path("curriculum/", views.curriculum, name="curriculum"),
    path("module/<slug:module>/", views.module_detail, name="module"),
    path("personen/<slug:person>/", views.person_detail, name="person"),
    path("lernziele/", views.outcomes, name="outcomes"),
    path("bewerbung/", views.how_to_apply, name="apply"),
    path("speaker-series/", views.speaker_series, name="speaker_series"),
    path("infoveranstaltung/", views.info_session, name="info_session"),
    path("jahrgaenge/", views.cohorts, name="cohorts"),
    path("jahrgaenge/<slug:cohort>/", views.curriculum, name="cohort"),
    path("faq/", views.faq, name="faq"),
    path("kontakt/", views.contact, name="contact"),
]
