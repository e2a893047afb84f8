import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cases.models import Case
from cases.referrals import Referral
from cases.tests.factories import CaseFactory
from cases.transfers import Transfer
from notifications.models import Notification
from notifications.services import notifications_send

NOW = dt.datetime(2026, 3, 4, 10, 0, tzinfo=dt.UTC)  # a Wednesday


@pytest.fixture
def people(cast):
    cast.commune.email = "commune@example.org"
    cast.commune.save()
    return cast


def emergency(units, due, **extra):
    return CaseFactory(
        commune=units.quang_trung,
        emergency=True,
        reported_at=due - dt.timedelta(hours=12),
        intervention_due_at=due,
        **extra,
    )


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_run_twice_one_row_and_one_email_per_recipient(units, people):
    emergency(units, NOW + dt.timedelta(hours=5))
    first = notifications_send(now=NOW)
    second = notifications_send(now=NOW)
    assert first.created == 1 and second.created == 0
    assert Notification.objects.filter(recipient=people.commune).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["commune@example.org"]
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert "khẩn cấp" in mail.outbox[0].subject.lower()


@pytest.mark.django_db
def test_officers_of_other_communes_are_not_told(units, people):
    emergency(units, NOW + dt.timedelta(hours=5))
    notifications_send(now=NOW)
    assert kinds_for(people.peer_commune) == []
    assert kinds_for(people.collaborator) == []


@pytest.mark.django_db
def test_assignee_is_told(units, people):
    emergency(units, NOW + dt.timedelta(hours=5), assigned_to=people.peer_commune)
    notifications_send(now=NOW)
    assert kinds_for(people.peer_commune) == ["emergency_new"]


@pytest.mark.parametrize(
    ("hours_left", "expected"),
    [
        (2.5, ["emergency_new"]),
        (1.9, ["emergency_2h", "emergency_new"]),
        (0.1, ["emergency_2h", "emergency_new"]),
        (-0.1, ["emergency_new", "emergency_passed"]),
    ],
)
@pytest.mark.django_db
def test_emergency_deadline_ahead_and_passed(units, people, hours_left, expected):
    emergency(units, NOW + dt.timedelta(hours=hours_left))
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == expected


@pytest.mark.django_db
def test_an_intervened_emergency_is_not_told(units, people):
    emergency(units, NOW - dt.timedelta(hours=1), intervened_at=NOW - dt.timedelta(hours=3))
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == []


@pytest.mark.parametrize(
    ("due_in_days", "expected"),
    [(2, []), (1, ["plan_due_tomorrow"]), (0, []), (-1, ["plan_overdue"])],
)
@pytest.mark.django_db
def test_plan_due_tomorrow_and_overdue(units, people, due_in_days, expected):
    CaseFactory(
        commune=units.quang_trung,
        status=Case.Status.DETAILED_ASSESSMENT,
        plan_due_on=timezone.localdate(NOW) + dt.timedelta(days=due_in_days),
    )
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == expected


@pytest.mark.django_db
def test_transfer_received_then_accepted(units, people):
    case = CaseFactory(commune=units.dakglei_town)
    transfer = Transfer.objects.create(
        case=case,
        from_unit=units.dakglei_town,
        to_unit=units.quang_trung,
        reason="Chuyển nhà",
        requested_by=people.district,
    )
    Transfer.objects.filter(pk=transfer.pk).update(requested_at=NOW - dt.timedelta(hours=1))
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == ["transfer_received"]
    assert kinds_for(people.peer_commune) == []
    Transfer.objects.filter(pk=transfer.pk).update(status=Transfer.Status.ACCEPTED, decided_at=NOW)
    notifications_send(now=NOW)
    assert kinds_for(people.peer_commune) == ["transfer_accepted"]
    assert kinds_for(people.district) == ["transfer_accepted"]
    assert kinds_for(people.commune) == ["transfer_received"]


@pytest.mark.django_db
def test_transfer_rejected(units, people):
    case = CaseFactory(commune=units.dakglei_town)
    transfer = Transfer.objects.create(
        case=case, from_unit=units.dakglei_town, to_unit=units.quang_trung, reason="Chuyển nhà", status="rejected"
    )
    Transfer.objects.filter(pk=transfer.pk).update(requested_at=NOW - dt.timedelta(hours=1))
    notifications_send(now=NOW)
    assert kinds_for(people.peer_commune) == ["transfer_rejected"]


@pytest.mark.django_db
def test_referral_answered(units, people):
    case = CaseFactory(commune=units.quang_trung)
    referral = Referral.objects.create(case=case, service="health", provider="Trạm y tế", reason="Khám")
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == []
    Referral.objects.filter(pk=referral.pk).update(status="accepted", answered_at=NOW - dt.timedelta(minutes=5))
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == ["referral_answered"]


@pytest.mark.django_db
def test_opt_out_gets_the_row_but_no_email(units, people):
    people.commune.email_notifications = False
    people.commune.save()
    emergency(units, NOW + dt.timedelta(hours=5))
    notifications_send(now=NOW)
    assert kinds_for(people.commune) == ["emergency_new"]
    assert mail.outbox == []
    assert Notification.objects.get(recipient=people.commune).emailed_at is None


@pytest.mark.django_db
def test_the_command_prints_counts(units, people, capsys):
    from django.core.management import call_command

    emergency(units, timezone.now() + dt.timedelta(hours=5))
    call_command("send_notifications")
    assert "1 new, 1 e-mailed" in capsys.readouterr().out
