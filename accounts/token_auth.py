"""``Authorization: Token <key>`` against the hashed, expiring ``ApiToken`` (see ``accounts.tokens``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .tokens import ApiToken, api_token_find


class ExpiringTokenAuthentication(TokenAuthentication):
    """An expired or revoked token, or one issued before a password change, answers 401."""

    model = ApiToken

    def authenticate_credentials(self, key):
        token = api_token_find(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.user, token
