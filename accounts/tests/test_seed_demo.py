"""``seed_demo``: this year's work in both structures, a first-run guide, and nothing added the second time."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone


def _counts() -> dict[str, int]:
    from cases.models import Case, Child, SurveyRecord
    from outreach.models import OutreachEvent
    from programs.models import Attendance, Enrolment, ProtectionModel

    return {
        model.__name__: model.objects.count()
        for model in (Case, Child, SurveyRecord, OutreachEvent, ProtectionModel, Enrolment, Attendance)
    }


@pytest.mark.django_db
def test_seed_demo_holds_this_years_work_in_both_structures_and_is_idempotent(units, monkeypatch):
    from cases import demo as cases_demo
    from cases.demo import RUNNING_REF
    from cases.models import Case
    from outreach import demo as outreach_demo
    from outreach.models import OutreachEvent
    from programs import demo as programs_demo
    from programs.models import Attendance

    # A smaller demo of the same shape keeps the test quick: the structure and dates are what it checks.
    monkeypatch.setattr(cases_demo, "CHILDREN", 80)
    monkeypatch.setattr(outreach_demo, "EVENTS", 60)
    monkeypatch.setattr(programs_demo, "CHILDREN_ENROLLED", 2)
    out = StringIO()
    call_command("seed_demo", "--url", "http://127.0.0.1:8000/", stdout=out)
    year = timezone.localdate().year

    demo_cases = Case.objects.filter(case_ref__startswith="DEMO-")
    assert demo_cases.filter(opened_on__year=year, commune__edition="current").exists()
    assert demo_cases.filter(commune__edition="legacy").exists()
    # Before the reform a record names a legacy commune; from it on, a current one.
    assert not demo_cases.filter(opened_on__gte="2025-07-01", commune__edition="legacy").exists()
    assert not demo_cases.filter(opened_on__lt="2025-07-01", commune__edition="current").exists()
    events = OutreachEvent.objects.filter(event_ref__startswith="DEMO-EV-")
    assert events.filter(date__year=year, unit__edition="current").exists()
    assert Attendance.objects.filter(date__year=year).exists()
    running = Case.objects.get(case_ref=RUNNING_REF)
    assert running.emergency and running.intervention_due_at > timezone.now()

    guide = out.getvalue().split("First steps:", 1)[1]
    assert "sign in at http://127.0.0.1:8000/admin/" in guide
    for username in ("demo_current_manager", "demo_commune_officer", "demo_district_officer", "demo_viewer"):
        assert username in guide
    assert f"http://127.0.0.1:8000/admin/cases/case/{running.pk}/change/" in guide
    assert "samples/children.csv" in guide
    assert "http://127.0.0.1:8000/admin/reports/report/" in guide

    # Case work to do: assigned cases, a pending transfer, open referrals, unread notifications.
    from cases.models import Referral, Transfer
    from notifications.models import Notification

    assert demo_cases.filter(assigned_to__username__startswith="demo_").exists()
    assert Transfer.objects.filter(status="pending").exists()
    assert Referral.objects.filter(status__in=["sent", "accepted"]).exists()
    unread = Notification.objects.filter(recipient__username__startswith="demo_", read_at__isnull=True)
    kinds = set(unread.filter(recipient__username="demo_current_commune_officer").values_list("kind", flat=True))
    assert {"emergency_new", "emergency_passed", "transfer_received"} <= kinds
    notifications = Notification.objects.count()

    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
    assert Notification.objects.count() == notifications


def test_the_apps_demos_seed_in_the_order_their_data_builds_on():
    from accounts.management.commands.seed_demo import demo_modules

    # Programs enrols cases' children, outreach names programs' models, and the notifications come
    # from all of them; --reset goes the other way.
    assert [label for label, _module in demo_modules()] == [
        "cases",
        "programs",
        "outreach",
        "imports",
        "reports",
        "notifications",
    ]
