import io
import random

from django.utils import timezone

from accounts.models import User
from cases import demo
from cases.models import Case, Child, CommuneStats


def test_demo_seed_is_idempotent_and_covers_the_workflow(cast, units, monkeypatch):
    monkeypatch.setattr(demo, "CHILDREN", 40)
    users = {"province_officer": cast.province, "collaborator": cast.collaborator}
    demo.seed(province=units.kontum, users=users, rng=random.Random(2025), stdout=io.StringIO())
    counts = (Child.objects.count(), Case.objects.count())
    # The 40 surveyed children, and the children of the emergencies whose deadline is running and passed.
    assert counts[0] == 40 + 2 and counts[1] > 10
    now = timezone.now()
    assert Case.objects.emergency_running(now=now).filter(case_ref=demo.RUNNING_REF).exists()
    assert Case.objects.emergency_overdue(now=now).filter(case_ref=demo.OVERDUE_REF).exists()
    assert Case.objects.filter(assigned_to=cast.province).exists()
    assert Case.objects.exclude(channel="").exists()
    stats = list(CommuneStats.objects.order_by("pk").values())
    assert stats and all(s["children_male"] + s["children_female"] == s["children_total"] for s in stats)
    assert Case.objects.filter(status="closed").exists()
    assert Case.objects.exclude(status__in=["closed", "received"]).exists()
    demo.seed(province=units.kontum, users=users, rng=random.Random(2025), stdout=io.StringIO())
    assert (Child.objects.count(), Case.objects.count()) == counts
    assert list(CommuneStats.objects.order_by("pk").values()) == stats
    demo.reset(province=units.kontum, users=users, stdout=io.StringIO())
    assert not Child.objects.exists() and User.objects.filter(pk=cast.province.pk).exists()


def test_demo_children_with_a_case_have_and_lack_sharing_consent(cast, units, monkeypatch):
    from cases.consent import sharing_consent_given

    monkeypatch.setattr(demo, "CHILDREN", 40)
    users = {"province_officer": cast.province, "collaborator": cast.collaborator}
    demo.seed(province=units.kontum, users=users, rng=random.Random(2025), stdout=io.StringIO())
    surveyed = Case.objects.select_related("child").exclude(case_ref__in=[demo.RUNNING_REF, demo.OVERDUE_REF])
    children = [case.child for case in surveyed]
    today = timezone.localdate()
    sharing = {sharing_consent_given(child, on=today) for child in children}
    # Some can be referred on their consent, others only on a manager's override.
    assert sharing == {True, False}


def test_demo_has_a_transfer_to_accept_and_referrals(cast, units, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from cases.models import Referral, Transfer
    from cases.transfer_services import transfer_accept
    from conftest import make_user

    monkeypatch.setattr(demo, "CHILDREN", 40)
    receiver = make_user("current_commune", "commune_officer", units.kontum_ward)
    users = {"province_officer": cast.province}
    current = {"province_officer": cast.current_province, "commune_officer": receiver}
    demo.seed(province=units.kontum, users=users, rng=random.Random(2025), stdout=io.StringIO(), current_users=current)
    transfer = Transfer.objects.get(status="pending")
    assert transfer.to_unit == units.kontum_ward
    soon = timezone.localdate() + dt.timedelta(days=2)
    assert Referral.objects.filter(status="sent", due_on=soon).exists()
    assert Referral.objects.filter(status="accepted").exists()
    transfer_accept(transfer=transfer, by=receiver)
    assert Case.objects.visible_to(receiver).filter(pk=transfer.case_id).exists()
