"""Shared test fixtures: administrative units and a cast of users, one per scope.

The cast (healthchecks style) covers every level of scope:

* ``province``: province officer of legacy Kon Tum (62)
* ``manager``: province manager of Kon Tum; ``viewer``: viewer of Kon Tum
* ``district``: district officer of Thành phố Kon Tum (608)
* ``commune``: commune officer of Phường Quang Trung (23281, in 608)
* ``collaborator``: collaborator of 23281
* ``peer_commune``: commune officer of Thị trấn Đắk Glei (23341, in district 610)
* ``peer_district``: district officer of 610
* ``other_province``: province officer of legacy Gia Lai (64)
* ``current_province``: province officer of current Quảng Ngãi (51), which took in Kon Tum
* ``no_unit``: an officer without a unit (must see nothing)
* ``superuser``

Units of legacy 62 and 64 and current 51 are loaded once per test database.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

UNIT_SETS = [("legacy", ["62", "64"]), ("current", ["51"])]
# What pytest_collection_modifyitems skipped for a missing outside program: marker → (reason, count).
SKIPPED_FOR_MISSING = pytest.StashKey[dict]()
# Outcomes of the tests parametrised over the task backends: backend id → {outcome: count}.
BACKEND_OUTCOMES: dict[str, dict[str, int]] = {}
TASK_BACKEND_IDS = ("django_tasks_db", "django_tasks_rq")


def ensure_units() -> None:
    """Load the test units if the table is empty (transactional tests flush it)."""
    from locations.loaders import load_official_units
    from locations.models import Unit

    if Unit.objects.filter(edition="legacy", code="62", level="province").exists():
        return
    for edition, provinces in UNIT_SETS:
        load_official_units(edition=edition, provinces=provinces)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_units()


def unit(code: str, edition: str = "legacy"):
    from locations.models import Unit
    from locations.resolve import level_for_code

    return Unit.objects.get(code=code, edition=edition, level=level_for_code(code))


@pytest.fixture
def units(db):
    """Named units used across the tests."""
    ensure_units()
    return SimpleNamespace(
        kontum=unit("62"),
        gialai=unit("64"),
        kontum_city=unit("608"),
        dakglei=unit("610"),
        quang_trung=unit("23281"),
        duy_tan=unit("23284"),
        dakglei_town=unit("23341"),
        pleiku_commune=unit("23557"),
        quangngai=unit("51", "current"),
        kontum_ward=unit("23293", "current"),  # Phường Kon Tum, formed from several legacy communes
    )


def make_user(username: str, role: str, unit_obj, **extra):
    from accounts.services import user_upsert

    user, _created = user_upsert(username=username, role=role, unit=unit_obj, **extra)
    # A short password keeps the log-in tests readable; the service would refuse it, rightly.
    user.set_password("pw")
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def cast(units):
    from accounts.models import User

    superuser = User.objects.create_superuser("root", "root@example.org", "pw")
    no_unit = make_user("no_unit", "province_officer", None)
    return SimpleNamespace(
        province=make_user("province", "province_officer", units.kontum),
        manager=make_user("manager", "province_manager", units.kontum),
        viewer=make_user("viewer", "viewer", units.kontum),
        district=make_user("district", "district_officer", units.kontum_city),
        commune=make_user("commune", "commune_officer", units.quang_trung),
        collaborator=make_user("collaborator", "collaborator", units.quang_trung),
        peer_commune=make_user("peer_commune", "commune_officer", units.dakglei_town),
        peer_district=make_user("peer_district", "district_officer", units.dakglei),
        other_province=make_user("other_province", "province_officer", units.gialai),
        current_province=make_user("current_province", "province_officer", units.quangngai),
        no_unit=no_unit,
        superuser=superuser,
    )


@pytest.fixture
def client_for(client):
    """``client_for(user)`` logs the test client in as ``user`` and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


def pytest_collection_modifyitems(config, items):
    """Skip the tests whose outside program (a browser, Redis) is missing here, except under CI=true."""
    from tests.external import REQUIREMENTS, in_ci

    if in_ci():
        return  # CI runs them all: a missing program fails the tests with the reason, never hides them.
    reasons = {}
    for item in items:
        for marker, missing in REQUIREMENTS.items():
            if item.get_closest_marker(marker) is None:
                continue
            if marker not in reasons:
                reasons[marker] = missing()
            if reasons[marker]:
                item.add_marker(pytest.mark.skip(reason=reasons[marker]))
    config.stash[SKIPPED_FOR_MISSING] = {
        marker: (reason, sum(1 for item in items if item.get_closest_marker(marker)))
        for marker, reason in reasons.items()
        if reason
    }


def pytest_runtest_logreport(report):
    """Count the background-job tests per task backend (shown at the end of the run)."""
    backend = next((b for b in TASK_BACKEND_IDS if f"[{b}" in report.nodeid or f"-{b}" in report.nodeid), None)
    if backend is None or not (report.when == "call" or report.outcome != "passed"):
        return
    outcomes = BACKEND_OUTCOMES.setdefault(backend, {})
    outcomes[report.outcome] = outcomes.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter, config):
    """One line per missing program, so a skipped group of tests is never silent; one per task backend."""
    for reason, count in config.stash.get(SKIPPED_FOR_MISSING, {}).values():
        terminalreporter.write_line(f"SKIPPED {count} test(s): {reason}", yellow=True)
    for backend, outcomes in sorted(BACKEND_OUTCOMES.items()):
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
        terminalreporter.write_line(f"background-job tests on {backend}: {counts}")
