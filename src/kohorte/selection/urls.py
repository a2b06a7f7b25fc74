from django.urls import path

from kohorte.selection import offer_views, reviewer_views, staff_views

app_name = "selection"

urlpatterns = [
    # committee members
    path("kommission/", reviewer_views.home, name="reviewer_cohorts"),
    path("kommission/<int:cohort_id>/", reviewer_views.assignments, name="reviewer_home"),
    path("kommission/<int:cohort_id>/gutachten.csv", reviewer_views.export, name="reviewer_export"),
    path("kommission/<int:cohort_id>/<int:pk>/", reviewer_views.review, name="review"),
    path(
        "kommission/<int:cohort_id>/<int:pk>/befangen/",
        reviewer_views.declare_conflict,
        name="declare_conflict",
    ),
    path(
        "kommission/<int:cohort_id>/<int:pk>/unterlagen/<int:document_pk>/",
        reviewer_views.document,
        name="review_document",
    ),
    # chair and program team
    path("verwaltung/auswahl/", staff_views.cohorts, name="cohorts"),
    path("verwaltung/auswahl/<int:cohort_id>/", staff_views.dashboard, name="dashboard"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/mitglied/<int:member_id>/ausscheiden/",
        staff_views.member_leaves,
        name="member_leaves",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuteilungen/",
        staff_views.assignment_list,
        name="assignments",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuteilungen/<int:pk>/",
        staff_views.assignment_move,
        name="assignment_move",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/rangliste/", staff_views.ranking, name="ranking"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/rangliste.<str:fmt>",
        staff_views.ranking_export,
        name="ranking_export",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuverlaessigkeit/",
        staff_views.reliability,
        name="reliability",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/vorschlag/", staff_views.proposal, name="proposal"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/vorschlag/<int:pk>/fortschritt/",
        staff_views.proposal_progress,
        name="proposal_progress",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/vorschlag/<int:pk>.json",
        staff_views.proposal_export,
        name="proposal_export",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/bewerbung/<int:pk>/",
        staff_views.application_detail,
        name="application",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/entscheidungen/",
        staff_views.decisions,
        name="decisions",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/angebote/", staff_views.offers, name="offers"),
    path("verwaltung/auswahl/<int:cohort_id>/bericht.pdf", staff_views.report, name="report"),
    # applicants
    path("angebot/<str:token>/", offer_views.offer, name="offer"),
]
