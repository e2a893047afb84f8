"""Sign-in that resists guessing: lock-out, tokens, throttling, idle sessions, one-time codes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import ApiToken

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def fail_five_times(client, username: str) -> None:
    for _ in range(5):
        client.post("/admin/login/", {"username": username, "password": "wrong", "next": "/admin/"})


def test_sixth_sign_in_is_refused_even_with_the_right_password(cast, client):
    fail_five_times(client, "district")
    response = client.post("/admin/login/", {"username": "district", "password": "pw", "next": "/admin/"})
    assert response.status_code == 429
    assert "15" in response.content.decode() and response["Retry-After"] == "900"
    assert "_auth_user_id" not in client.session
    api = APIClient().post(TOKEN_URL, {"username": "district", "password": "pw"}, format="json")
    assert api.status_code == 429 and api["Retry-After"] == "900" and "token" not in api.json()
    # Another username is not locked.
    assert APIClient().post(TOKEN_URL, {"username": "province", "password": "pw"}, format="json").status_code == 200


def test_failures_at_the_token_endpoint_lock_too_and_unlock_user_lifts_it(cast):
    client = APIClient()
    statuses = [
        client.post(TOKEN_URL, {"username": "commune", "password": "x"}, format="json").status_code for _ in range(5)
    ]
    # The fifth failure already locks the username.
    assert statuses[:4] == [400] * 4 and statuses[4] in (400, 429)
    assert client.post(TOKEN_URL, {"username": "commune", "password": "pw"}, format="json").status_code == 429
    call_command("unlock_user", "commune")
    assert client.post(TOKEN_URL, {"username": "commune", "password": "pw"}, format="json").status_code == 200


def test_every_sign_in_is_logged(cast, client):
    from axes.models import AccessFailureLog, AccessLog

    client.post("/admin/login/", {"username": "district", "password": "wrong", "next": "/admin/"})
    client.post("/admin/login/", {"username": "district", "password": "pw", "next": "/admin/"})
    APIClient().post(TOKEN_URL, {"username": "province", "password": "pw"}, format="json")
    assert AccessFailureLog.objects.filter(username="district").count() == 1
    assert set(AccessLog.objects.values_list("username", flat=True)) == {"district", "province"}


def test_tokens_are_stored_hashed_and_expire(cast, settings):
    settings.API_TOKEN_TTL_DAYS = 30
    key = APIClient().post(TOKEN_URL, {"username": "district", "password": "pw"}, format="json").json()["token"]
    token = ApiToken.objects.get(user=cast.district)
    assert key not in {token.key_hash, token.prefix} and len(token.key_hash) == 64
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=1)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/units/").status_code == 401


def test_delete_revokes_the_callers_token(cast):
    key = APIClient().post(TOKEN_URL, {"username": "district", "password": "pw"}, format="json").json()["token"]
    other = APIClient().post(TOKEN_URL, {"username": "district", "password": "pw"}, format="json").json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete(TOKEN_URL).status_code == 204
    assert client.get("/api/v1/units/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {other}")
    assert client.get("/api/v1/units/").status_code == 200


def test_a_password_change_invalidates_older_tokens(cast):
    key = APIClient().post(TOKEN_URL, {"username": "district", "password": "pw"}, format="json").json()["token"]
    cast.district.set_password("a new long passphrase")
    cast.district.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/units/").status_code == 401


def test_api_calls_are_throttled_per_user_with_retry_after(cast, monkeypatch):
    from django.core.cache import cache
    from rest_framework.throttling import UserRateThrottle

    cache.clear()
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute", "anon": "3/minute"})
    client = APIClient()
    client.force_authenticate(cast.district)
    statuses = [client.get("/api/v1/units/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/units/")
    assert int(response["Retry-After"]) > 0
    other = APIClient()
    other.force_authenticate(cast.province)
    assert other.get("/api/v1/units/").status_code == 200
    cache.clear()


def test_a_session_ends_after_the_idle_time(cast, client, settings):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(cast.district)
    assert client.get("/admin/").status_code == 200
    session = Session.objects.get()
    # Each request pushes the end of the session forward by the idle time.
    assert abs(session.expire_date - (timezone.now() + dt.timedelta(minutes=60))) < dt.timedelta(minutes=1)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/admin/").status_code == 302


def _current_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_roles_that_need_two_factor_set_up_and_verify_a_device(cast, client, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.REQUIRE_2FA_ROLES = ["superuser", "province_manager"]
    client.force_login(cast.manager)
    first = client.get("/admin/")
    assert first.status_code == 302 and first["Location"].startswith("/admin/2fa/setup/")
    setup = client.get(first["Location"])
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=cast.manager)
    assert not device.confirmed
    wrong = client.post("/admin/2fa/setup/", {"otp": "000000" if _current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and client.get("/admin/").status_code == 302
    # django-otp slows down the next try after a failure; the test does not wait for it.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    done = client.post("/admin/2fa/setup/", {"otp": _current_code(device), "next": "/admin/"})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200
    # A new session must verify again, now on the verify page.
    client.logout()
    client.force_login(cast.manager)
    again = client.get("/admin/cases/child/")
    assert again.status_code == 302 and again["Location"].startswith("/admin/2fa/verify/")
    # Officers are not concerned.
    client.force_login(cast.district)
    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_asks_two_factor_users_for_their_code(cast, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.REQUIRE_2FA_ROLES = ["province_manager"]
    device = TOTPDevice.objects.create(user=cast.manager, name="app", confirmed=True)
    client = APIClient()
    refused = client.post(TOKEN_URL, {"username": "manager", "password": "pw"}, format="json")
    assert refused.status_code == 400 and "otp" in refused.json()
    ok = client.post(TOKEN_URL, {"username": "manager", "password": "pw", "otp": _current_code(device)}, format="json")
    assert ok.status_code == 200 and ok.json()["token"]


def test_passwords_are_hashed_with_argon2():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_deploy_check_is_clean_with_production_settings():
    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-production-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "cpmis.example.org",
    }
    for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
