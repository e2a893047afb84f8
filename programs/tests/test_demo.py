import io
import random

import pytest

from outreach import demo as outreach_demo
from outreach.models import OutreachEvent
from programs import demo
from programs.models import Attendance, Enrolment, ProtectionModel

pytestmark = pytest.mark.django_db


def seed_all(cast, units):
    users = {"province_officer": cast.province, "province_manager": cast.manager}
    for module in (demo, outreach_demo):
        module.seed(province=units.kontum, users=users, rng=random.Random(2025), stdout=io.StringIO())


def counts():
    return (
        ProtectionModel.objects.count(),
        Enrolment.objects.count(),
        Attendance.objects.count(),
        OutreachEvent.objects.count(),
        list(Attendance.objects.order_by("pk").values_list("present", "services")[:50]),
    )


def test_demo_has_every_kind_a_year_of_attendance_and_events_and_is_idempotent(cast, units):
    seed_all(cast, units)
    first = counts()
    kinds = set(ProtectionModel.objects.values_list("kind", flat=True))
    assert kinds == set(ProtectionModel.Kind.values)
    assert ProtectionModel.objects.filter(kind="cbcp_system").count() >= 20
    daycare = ProtectionModel.objects.get(kind="daycare_disability")
    assert daycare.unit == units.kontum
    assert daycare.enrolments.count() == demo.CHILDREN_ENROLLED
    assert Attendance.objects.dates("date", "day").count() == 262  # the weekdays of 2024
    assert OutreachEvent.objects.count() == outreach_demo.EVENTS
    seed_all(cast, units)
    assert counts() == first
