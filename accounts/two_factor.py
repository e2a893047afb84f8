"""One-time passwords (TOTP, django-otp) for the roles named in ``REQUIRE_2FA_ROLES``.

``REQUIRE_2FA_ROLES`` is a comma-separated list of role keys, plus ``superuser`` for
superusers (e.g. ``superuser,province_manager``); empty by default. A signed-in user of such
a role reaches nothing until the session is verified: without a device they are sent to
the setup page (a QR code and the secret for an authenticator app, then one code to
confirm it), with one to the verify page. Scripts of such users add ``otp`` (the current
code) to ``POST /api/v1/auth/token/``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeGuard

import segno
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User
from .types import AnyUser


def requires_two_factor(user: AnyUser | None) -> TypeGuard[User]:
    """Whether ``user`` is signed in and their role (or superuser status) is in ``REQUIRE_2FA_ROLES``."""
    if not isinstance(user, User):
        return False
    roles = set(settings.REQUIRE_2FA_ROLES)
    return bool((user.is_superuser and "superuser" in roles) or (user.role and user.role in roles))


def has_device(user: AnyUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def token_matches(user: User, token: str) -> bool:
    """Whether ``token`` is the current code of one of ``user``'s confirmed devices."""
    return bool(token) and match_token(user, token) is not None


class CodeForm(forms.Form):
    otp = forms.CharField(
        label=gettext_lazy("Code from the authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("admin:index")


@login_required(login_url="admin:login")
def setup_view(request: HttpRequest) -> HttpResponse:
    """Register an authenticator app: a new (unconfirmed) device, confirmed by its first code."""
    # ``is_verified`` is added to the user by django-otp's middleware, which ships no type information.
    if has_device(request.user) and not request.user.is_verified():  # type: ignore[union-attr]
        return HttpResponseRedirect(reverse("two-factor-verify"))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator app"), confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("otp", _("The code is not correct; check the phone's clock and try again."))
    qr = segno.make(device.config_url, micro=False).svg_inline(scale=4)
    context = {
        **admin.site.each_context(request),
        "title": _("Set up the authenticator app"),
        "form": form,
        "qr": mark_safe(qr),  # segno's own SVG markup
        "secret": _base32_secret(device),
        "next": _next_url(request),
    }
    return TemplateResponse(request, "admin/two_factor_setup.html", context)


@login_required(login_url="admin:login")
def verify_view(request: HttpRequest) -> HttpResponse:
    """Ask for the current code of the user's authenticator app."""
    if not has_device(request.user):
        return HttpResponseRedirect(reverse("two-factor-setup"))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["otp"])
        if device is not None:
            otp_login(request, device)
            return HttpResponseRedirect(_next_url(request))
        form.add_error("otp", _("The code is not correct; check the phone's clock and try again."))
    context = {
        **admin.site.each_context(request),
        "title": _("Enter the code from the authenticator app"),
        "form": form,
        "next": _next_url(request),
    }
    return TemplateResponse(request, "admin/two_factor_verify.html", context)


def _base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


class RequireTwoFactorMiddleware:
    """Sends signed-in users of a 2FA role to setup or verify until their session is verified.

    Sign-in, sign-out, the two pages themselves and static files stay open; an API call on
    such an unverified session answers 403.
    """

    OPEN_NAMES = ("admin:login", "admin:logout", "two-factor-setup", "two-factor-verify", "admin:jsi18n")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # ``is_verified``: django-otp's middleware (above this one) adds it; untyped.
        if requires_two_factor(user) and not user.is_verified() and not self._is_open(request):  # type: ignore[attr-defined]
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Verify this session with the authenticator app first.")}, status=403)
            target = "two-factor-verify" if has_device(user) else "two-factor-setup"
            return HttpResponseRedirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    def _is_open(self, request: HttpRequest) -> bool:
        if request.path.startswith(settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"):
            return True
        if request.path == reverse("api-token"):
            return True
        return request.path in {reverse(name) for name in self.OPEN_NAMES}
