"""Materials: the download (participants, lecturers, staff) and the upload, replace and delete
handling shared by the lecturer's run page and the staff's materials page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kohorte.core.forms import add_errors
from kohorte.core.uploads import private_file_response
from kohorte.teaching import services
from kohorte.teaching.access import get_material_for_user
from kohorte.teaching.forms import MaterialForm, ReplaceFileForm
from kohorte.teaching.models import Material


@require_safe
@login_required
def download(request, pk):
    """Stream a material's file from private storage; the same 404 for everyone who may not
    see it, before its release date, and for a missing file."""
    material = get_material_for_user(request.user, pk)
    if not material.is_file or not default_storage.exists(material.storage_name):
        raise Http404
    return private_file_response(material.storage_name, material.original_name)


def handle_material_post(request, run):
    """A POST on a page that manages the run's materials. Return (done, form): ``done`` when
    something was changed (the caller redirects), else the bound add form with its errors."""
    action = request.POST.get("action")
    if action == "add_material":
        form = MaterialForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_material(
                    run,
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    uploaded=data["file"],
                    url=data["url"],
                    released_at=data["released_at"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("„%(title)s“ ist bereitgestellt.") % {"title": data["title"]}
                )
                return True, form
        return False, form
    pk = request.POST.get("material", "")
    material = get_object_or_404(Material, run=run, pk=int(pk) if pk.isdigit() else 0)
    if action == "delete_material":
        services.delete_material(material, actor=request.user)
        messages.success(request, _("„%(title)s“ ist gelöscht.") % {"title": material.title})
        return True, MaterialForm()
    if action == "replace_file":
        replace = ReplaceFileForm(request.POST, request.FILES)
        if replace.is_valid():
            try:
                services.replace_material_file(
                    material, replace.cleaned_data["file"], actor=request.user
                )
            except ValidationError as error:
                messages.error(
                    request,
                    _("Die Datei von „%(title)s“ ist nicht ersetzt: %(reason)s")
                    % {"title": material.title, "reason": " ".join(error.messages)},
                )
                return False, MaterialForm()
            messages.success(
                request, _("Die Datei von „%(title)s“ ist ersetzt.") % {"title": material.title}
            )
            return True, MaterialForm()
        messages.error(request, _("Bitte wählen Sie eine PDF-Datei aus."))
        return False, MaterialForm()
    raise Http404
