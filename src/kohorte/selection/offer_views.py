"""The applicant's answer to an offer, by the link in the mail (no log-in needed: the link is
the key, and only its hash is stored). A GET never changes anything: mail scanners open links."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _

from kohorte.selection import services
from kohorte.selection.models import Offer


def offer(request, token):
    found = services.find_offer(token)
    if found is None:
        return render(request, "selection/offer_invalid.html", status=404)
    if request.method == "POST" and found.status == Offer.Status.PENDING:
        answer = request.POST.get("answer")
        if answer in {"accept", "decline"}:
            try:
                found = services.respond_to_offer(found, answer == "accept")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                found.refresh_from_db()
    return render(
        request,
        "selection/offer.html",
        {
            "offer": found,
            "application": found.application,
            "cohort": found.application.cohort,
            "program": found.application.cohort.program,
            "preselect": {"ja": "accept", "nein": "decline"}.get(request.GET.get("antwort", "")),
            "title": _("Ihr Platzangebot"),
        },
    )
