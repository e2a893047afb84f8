"""Sign-in for scripts: ``POST /api/v1/auth/token/`` issues a token, ``DELETE`` revokes it.

Failed attempts count towards the lock-out (django-axes): after ``AXES_FAILURE_LIMIT``
failures for a username the endpoint answers 429, also to the right password, until the
cool-off ends or ``unlock_user`` lifts it. Every sign-in, failed or not, lands in axes' logs.
"""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from .lockout import lockout_seconds
from .token_auth import ExpiringTokenAuthentication
from .tokens import ApiToken, api_token_issue
from .two_factor import requires_two_factor, token_matches


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token: ``{"token": "..."}``; DELETE revokes it."""

    authentication_classes = [ExpiringTokenAuthentication]
    serializer_class = AuthTokenSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return super().get_permissions()

    def get_authenticators(self):
        # Signing in needs no credentials; a stale token header must not stand in the way.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=AuthTokenSerializer, responses=inline_serializer("TokenResponse", {"token": serializers.CharField()})
    )
    def post(self, request):
        django_request = request._request
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        credentials = {"username": username}
        if AxesProxyHandler.is_locked(django_request, credentials):
            return locked_out_response()
        serializer = AuthTokenSerializer(data=request.data, context={"request": django_request})
        if not serializer.is_valid():
            if AxesProxyHandler.is_locked(django_request, credentials):
                return locked_out_response()
            raise exceptions.ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        if requires_two_factor(user) and not token_matches(user, str(request.data.get("otp", ""))):
            raise exceptions.ValidationError(
                {"otp": [_("Your role needs the current code of your authenticator app (set it up in the admin).")]}
            )
        # A token sign-in is a sign-in: axes logs it, last_login moves.
        user_logged_in.send(sender=type(user), request=django_request, user=user)
        return Response({"token": api_token_issue(user=user)})

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """Revoke the token this request was made with."""
        if not isinstance(request.auth, ApiToken):
            raise exceptions.ValidationError({"detail": _("Send the token to revoke in the Authorization header.")})
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


def locked_out_response() -> Response:
    seconds = lockout_seconds()
    response = Response(
        {
            "detail": _("Too many failed sign-ins: this account is locked for %(minutes)s minutes.")
            % {"minutes": seconds // 60}
        },
        status=status.HTTP_429_TOO_MANY_REQUESTS,
    )
    response["Retry-After"] = str(seconds)
    return response
