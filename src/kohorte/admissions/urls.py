from django.urls import path

from kohorte.admissions.views import applicant, applicant_documents, applicant_review, referee

app_name = "admissions"
BASE = "<slug:program>/jahrgaenge/<slug:cohort>/bewerben/"

urlpatterns = [
    path("empfehlung/<str:token>/", referee.referee, name="referee"),
    path("meine-bewerbung/", applicant.mine, name="mine"),
    path(BASE, applicant.overview, name="overview"),
    path(BASE + "antwort/", applicant.answer_offer, name="answer"),
    path(BASE + "unterlagen/", applicant_documents.documents, name="documents"),
    path(BASE + "unterlagen/<int:pk>/", applicant_documents.document_download, name="document"),
    path(BASE + "pruefen/", applicant_review.review, name="review"),
    path(BASE + "zurueckziehen/", applicant.withdraw, name="withdraw"),
    path(BASE + "eingangsbestaetigung.pdf", applicant.receipt, name="receipt"),
    path(BASE + "<slug:step>/", applicant.step, name="step"),
]
