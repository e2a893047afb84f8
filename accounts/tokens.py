"""API tokens that expire, are stored hashed, can be revoked and die with a password change.

``POST /api/v1/auth/token/`` answers ``{"token": "<key>"}``; clients send
``Authorization: Token <key>``. Only the SHA-256 of the key is stored, so a copy of the
database gives no usable token. A token records the user's session hash (Django's HMAC of
the password hash) when it is issued: a new password changes it, and every older token
is refused, as Django logs out the user's sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # accounts.models imports this module (for the model), so the user model is named for mypy only.
    from .models import User


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """One API token of a user (hashed); valid until ``expires_at``, deleted when revoked."""

    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, to tell a user's tokens apart without revealing them.
    prefix = models.CharField(_("token"), max_length=8, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    session_hash = models.CharField(max_length=128, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    def is_valid(self, *, now: dt.datetime) -> bool:
        """Not expired, its user active, and issued under the user's current password."""
        return (
            self.expires_at > now
            and self.user.is_active
            and constant_time_compare(self.session_hash, self.user.get_session_auth_hash())
        )


def api_token_issue(*, user: User) -> str:
    """A new token for ``user``, valid ``API_TOKEN_TTL_DAYS`` days; returns the key (shown once)."""
    key = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        key_hash=hash_key(key),
        prefix=key[:8],
        user=user,
        session_hash=user.get_session_auth_hash(),
        expires_at=timezone.now() + dt.timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    # Expired tokens are of no use to anyone: drop them while we are here.
    ApiToken.objects.filter(user=user, expires_at__lte=timezone.now()).delete()
    return key


def api_token_find(key: str) -> ApiToken | None:
    """The valid token with this key, or ``None``."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()
    if token is None or not token.is_valid(now=timezone.now()):
        return None
    return token
