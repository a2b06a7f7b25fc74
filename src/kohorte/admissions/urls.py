from django.urls import path

from kohorte.admissions import views

app_name = "admissions"
BASE = "<slug:program>/jahrgaenge/<slug:cohort>/bewerben/"

urlpatterns = [
    path("empfehlung/<str:token>/", views.referee, name="referee"),
    path("meine-bewerbung/", views.mine, name="mine"),
    path(BASE, views.overview, name="overview"),
    path(BASE + "antwort/", views.answer_offer, name="answer"),
    path(BASE + "unterlagen/", views.documents, name="documents"),
    path(BASE + "unterlagen/<int:pk>/", views.document_download, name="document"),
    path(BASE + "pruefen/", views.review, name="review"),
    path(BASE + "zurueckziehen/", views.withdraw, name="withdraw"),
    path(BASE + "eingangsbestaetigung.pdf", views.receipt, name="receipt"),
    path(BASE + "<slug:step>/", views.step, name="step"),
]
