"""Staff pages for mail: the outbox ("Postausgang"), bulk sends, templates, per-person logs;
and the public one-click unsubscribe."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from kohorte.comms import services
from kohorte.comms.events import EVENTS, Category
from kohorte.comms.forms import BatchForm, OutboxFilterForm, TemplateForm
from kohorte.comms.models import LANGUAGES, Batch, MessageTemplate, OutboxMessage
from kohorte.comms.rendering import TemplateProblem
from kohorte.comms.rules import can_manage_mail
from kohorte.comms.segments import available_segments
from kohorte.core.access import login_and

PAGE_SIZE = 50


staff_only = login_and(can_manage_mail)


def _page(request, queryset):
    paginator = Paginator(queryset, PAGE_SIZE)
    return paginator.get_page(request.GET.get("seite"))


def _outbox_queryset(form):
    queryset = OutboxMessage.objects.only(
        "uuid",
        "recipient_email",
        "recipient_name",
        "subject",
        "state",
        "event_key",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "language",
    )
    if form.is_valid():
        if form.cleaned_data["state"]:
            queryset = queryset.filter(state=form.cleaned_data["state"])
        if q := form.cleaned_data["q"].strip():
            queryset = queryset.filter(Q(recipient_email__icontains=q) | Q(subject__icontains=q))
    return queryset.order_by("-created_at", "-id")


@staff_only
def outbox_list(request):
    form = OutboxFilterForm(request.GET or None)
    page = _page(request, _outbox_queryset(form))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "comms/outbox_list.html",
        {
            "page": page,
            "form": form,
            "query": query.urlencode(),
            "stores_only": not services_sends_smtp(),
        },
    )


def services_sends_smtp() -> bool:
    from django.conf import settings

    return settings.MAILERS["default"]["BACKEND"].endswith("smtp.EmailBackend")


@staff_only
def outbox_detail(request, uuid):
    message = get_object_or_404(OutboxMessage.objects.select_related("batch"), uuid=uuid)
    return render(request, "comms/outbox_detail.html", {"message": message})


@staff_only
@require_POST
def outbox_resend(request, uuid):
    message = get_object_or_404(OutboxMessage, uuid=uuid)
    try:
        services.resend(message, actor=request.user)
        messages.success(request, _("Die Mail steht wieder in der Warteschlange."))
    except services.IllegalTransition:
        messages.error(request, _("Nur fehlgeschlagene Mails können erneut gesendet werden."))
    return redirect("comms:outbox_detail", uuid=message.uuid)


@staff_only
def person_log(request, user_id):
    person = get_object_or_404(get_user_model(), pk=user_id)
    queryset = OutboxMessage.objects.filter(
        Q(recipient_user=person) | Q(recipient_email__iexact=person.email)
    ).order_by("-created_at", "-id")
    return render(
        request,
        "comms/person_log.html",
        {
            "person": person,
            "page": _page(request, queryset),
        },
    )


@staff_only
def template_list(request):
    saved = {(t.event_key, t.language): t for t in MessageTemplate.objects.all()}
    rows = [
        {
            "event": event,
            "languages": [(code, name, saved.get((event.key, code))) for code, name in LANGUAGES],
        }
        for event in EVENTS.values()
        if event.editable
    ]
    return render(request, "comms/template_list.html", {"rows": rows})


@staff_only
@require_http_methods(["GET", "POST"])
def template_edit(request, event_key, language):
    event = EVENTS.get(event_key)
    if event is None or not event.editable or language not in dict(LANGUAGES):
        raise Http404
    instance = MessageTemplate.objects.filter(event_key=event_key, language=language).first()
    if instance is None:
        texts = services.template_texts(event, language)
        instance = MessageTemplate(
            event_key=event_key,
            language=language,
            subject=texts.subject,
            body_text=texts.body_text,
            body_html=texts.body_html,
        )
    form = TemplateForm(request.POST or None, instance=instance)
    preview = problems = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        problems = services.check_texts(
            set(event.placeholders),
            subject=data["subject"],
            body_text=data["body_text"],
            body_html=data["body_html"],
        )
        for field, problem in problems.items():
            form.add_error(field, str(problem))
        if not problems:
            try:
                preview = services.preview(
                    event, data["subject"], data["body_text"], data["body_html"]
                )
            except TemplateProblem as problem:  # e.g. too much output with the example values
                form.add_error("body_text", str(problem))
        if not form.errors and "save" in request.POST:
            services.save_template(
                event_key=event_key,
                language=language,
                subject=data["subject"],
                body_text=data["body_text"],
                body_html=data["body_html"],
                actor=request.user,
            )
            messages.success(request, _("Die Vorlage ist gespeichert."))
            return redirect("comms:template_edit", event_key=event_key, language=language)
    elif request.method == "GET":
        # A text saved before a rule got stricter: show its problems instead of a preview.
        problems = services.check_texts(
            set(event.placeholders),
            subject=instance.subject,
            body_text=instance.body_text,
            body_html=instance.body_html,
        )
        try:
            if not problems:
                preview = services.preview(
                    event, instance.subject, instance.body_text, instance.body_html
                )
        except TemplateProblem as problem:
            problems = {"body_text": problem}
        if problems:
            fields = ("subject", "body_text", "body_html")
            form = TemplateForm({f: getattr(instance, f) for f in fields}, instance=instance)
            form.is_valid()
            for field, found in problems.items():
                form.add_error(field, str(found))
    context = {
        "event": event,
        "language": language,
        "form": form,
        "preview": preview,
        "language_name": dict(LANGUAGES)[language],
    }
    if request.htmx:
        return render(request, "comms/template_edit.html#preview", context)
    return render(request, "comms/template_edit.html", context)


@staff_only
def batch_list(request):
    page = _page(request, Batch.objects.select_related("created_by", "released_by"))
    return render(request, "comms/batch_list.html", {"page": page})


@staff_only
@require_http_methods(["GET", "POST"])
def batch_create(request):
    segments = available_segments()
    form = BatchForm(request.POST or None, segments=segments)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if "confirm" in request.POST:
                batch = services.create_batch(
                    segment_key=data["segment"],
                    subject=data["subject"],
                    body_text=data["body_text"],
                    category=data["category"],
                    action=data["action"],
                    scheduled_for=data.get("scheduled_for"),
                    actor=request.user,
                )
                messages.success(request, _("Die Sammelsendung ist angelegt."))
                return redirect("comms:batch_detail", pk=batch.pk)
            label, count, samples = services.preview_batch(
                data["segment"], data["subject"], data["body_text"]
            )
            preview = {"label": label, "count": count, "samples": samples}
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    return render(request, "comms/batch_create.html", {"form": form, "preview": preview})


@staff_only
def batch_detail(request, pk):
    batch = get_object_or_404(
        Batch.objects.select_related("created_by", "released_by", "cancelled_by"), pk=pk
    )
    counts = {state: 0 for state, _label in OutboxMessage.State.choices}
    for row in batch.messages.values("state").order_by().annotate(n=Count("id")):
        counts[row["state"]] = row["n"]
    return render(
        request,
        "comms/batch_detail.html",
        {
            "batch": batch,
            "counts": [(OutboxMessage.State(s).label, n) for s, n in counts.items() if n],
            "page": _page(request, batch.messages.order_by("recipient_email")),
        },
    )


@staff_only
@require_POST
def batch_action(request, pk, action):
    batch = get_object_or_404(Batch, pk=pk)
    try:
        if action == "release":
            services.release_batch(batch, actor=request.user)
            messages.success(request, _("Die Sammelsendung ist freigegeben."))
        else:
            services.cancel_batch(batch, actor=request.user)
            messages.success(request, _("Die Sammelsendung ist storniert."))
    except services.IllegalTransition:
        messages.error(
            request, _("Diese Sammelsendung ist nicht mehr zurückgehalten oder geplant.")
        )
    return redirect("comms:batch_detail", pk=batch.pk)


@csrf_exempt  # RFC 8058 one-click: mail programs POST without a CSRF token; the link is signed
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    found = services.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    email, category = found
    done = request.method == "POST"
    if done:
        services.unsubscribe(email, category)
    return render(
        request,
        "comms/unsubscribe.html",
        {
            "email": email,
            "category": dict(Category.CHOICES)[category],
            "done": done,
        },
    )
