"""The profile page: a signed-in user turns their own e-mail notifications on or off.

Users cannot edit themselves in the user admin, so this page changes one field of one's own
record only (``request.user``, never an id from the URL).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
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
    form = EmailChoiceForm(request.POST or None, initial={"email_notifications": user.email_notifications})  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        email_choice_set(user=user, email_notifications=form.cleaned_data["email_notifications"])
        messages.success(request, _("Your choice is saved."))
        return redirect("notifications-profile")
    from django.contrib import admin

    context = {**admin.site.each_context(request), "form": form, "title": _("My profile")}
    return TemplateResponse(request, "notifications/profile.html", context)
