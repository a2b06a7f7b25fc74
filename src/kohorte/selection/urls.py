from django.urls import path

from kohorte.selection.views import public, reviewer, staff, staff_decisions, staff_proposal

app_name = "selection"

urlpatterns = [
    # committee members
    path("kommission/", reviewer.home, name="reviewer_cohorts"),
    path("kommission/<int:cohort_id>/", reviewer.assignments, name="reviewer_home"),
    path("kommission/<int:cohort_id>/gutachten.csv", reviewer.export, name="reviewer_export"),
    path("kommission/<int:cohort_id>/<int:pk>/", reviewer.review, name="review"),
    path(
        "kommission/<int:cohort_id>/<int:pk>/befangen/",
        reviewer.declare_conflict,
        name="declare_conflict",
    ),
    path(
        "kommission/<int:cohort_id>/<int:pk>/unterlagen/<int:document_pk>/",
        reviewer.document,
        name="review_document",
    ),
    # chair and program team
    path("verwaltung/auswahl/", staff.cohorts, name="cohorts"),
    path("verwaltung/auswahl/<int:cohort_id>/", staff.dashboard, name="dashboard"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/mitglied/<int:member_id>/ausscheiden/",
        staff.member_leaves,
        name="member_leaves",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuteilungen/",
        staff.assignment_list,
        name="assignments",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuteilungen/<int:pk>/",
        staff.assignment_move,
        name="assignment_move",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/rangliste/", staff.ranking, name="ranking"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/rangliste.<str:fmt>",
        staff.ranking_export,
        name="ranking_export",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/zuverlaessigkeit/",
        staff.reliability,
        name="reliability",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/vorschlag/", staff_proposal.proposal, name="proposal"),
    path(
        "verwaltung/auswahl/<int:cohort_id>/vorschlag/<int:pk>/fortschritt/",
        staff_proposal.proposal_progress,
        name="proposal_progress",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/vorschlag/<int:pk>.json",
        staff_proposal.proposal_export,
        name="proposal_export",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/bewerbung/<int:pk>/",
        staff_decisions.application_detail,
        name="application",
    ),
    path(
        "verwaltung/auswahl/<int:cohort_id>/entscheidungen/",
        staff_decisions.decisions,
        name="decisions",
    ),
    path("verwaltung/auswahl/<int:cohort_id>/angebote/", staff_decisions.offers, name="offers"),
    path("verwaltung/auswahl/<int:cohort_id>/bericht.pdf", staff.report, name="report"),
    # applicants
    path("angebot/<str:token>/", public.offer, name="offer"),
]
