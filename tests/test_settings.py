"""The settings fail closed: DEBUG is off unless asked for, and then a deployment needs its secrets."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PRINT_DEBUG = "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY)"


def _settings_of(module: str, **env: str) -> subprocess.CompletedProcess:
    """Load ``module`` in a fresh process with ``env`` and none of the variables under test."""
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_DEBUG}"],
        cwd=settings.BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": module, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_when_unset():
    result = _settings_of("config.settings.base", SECRET_KEY="deployment-key", ALLOWED_HOSTS="cpmis.example.vn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "deployment-key"]


def test_without_debug_a_missing_secret_key_stops_the_process():
    result = _settings_of("config.settings.base", ALLOWED_HOSTS="cpmis.example.vn")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_debug_1_gives_the_development_setup():
    result = _settings_of("config.settings.base", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"


def test_the_test_settings_turn_debug_on():
    result = _settings_of("config.settings.test")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "True"
