"""Settings for the test suite: fast hashing, tasks run in-process."""

import os

# The suite runs on a development configuration (the development key, local host names), as
# `make run` does; base reads the environment when it is imported. Django's test runner still
# runs the tests themselves with DEBUG off.
if not os.environ.get("DEBUG"):
    os.environ["DEBUG"] = "1"

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MEDIA_ROOT = BASE_DIR / "artifacts" / "test-media"  # noqa: F405
LANGUAGE_CODE = "vi"
# Tests serve no collected static files.
MIDDLEWARE = [m for m in MIDDLEWARE if "whitenoise" not in m]  # noqa: F405
# The background-job tests also run on Redis + RQ (django_tasks_rq): by default in a database of its
# own (15) of a local server, away from the one a development rqworker uses.
RQ_QUEUES = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}}
# The suite makes many API calls as the same few users; the throttle is tested with its own rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"user": "100000/minute", "anon": "100000/minute"},
}
