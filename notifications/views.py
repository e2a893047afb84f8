"""The profile page: a signed-in user turns their own e-mail notifications on or off.

Users cannot edit themselves in the user admin, so this page changes one field of one's own
record only (``request.user``, never an id from the URL).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .services import email_choice_set


class EmailChoiceForm(forms.Form):
    email_notifications = forms.BooleanField(label=_("Also send my notifications by e-mail"), required=False)


@staff_member_required
@require_http_methods(["GET", "POST"])
def profile_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        # Not reached (the decorator lets staff only in); narrows the type to a signed-in user.
        raise PermissionDenied
    # An unticked box posts nothing: bind on POST, not on a non-empty POST.
    data = request.POST if request.method == "POST" else None
    form = EmailChoiceForm(data, initial={"email_notifications": getattr(user, "email_notifications", True)})
    if form.is_bound and form.is_valid():
        email_choice_set(user=user, email_notifications=form.cleaned_data["email_notifications"])
        messages.success(request, _("Your choice is saved."))
        return redirect("notifications-profile")
    context = {**admin.site.each_context(request), "form": form, "title": _("My profile")}
    return TemplateResponse(request, "notifications/profile.html", context)
