"""Referrals in the admin (cases/admin/referrals.py)."""

import datetime as dt

from django.utils import timezone

from cases.admin.referrals import ReferralInlineForm
from cases.models import Referral
from cases.referral_services import referral_send

from .factories import CaseFactory


def form_for(referral, user, **data):
    values = {"service": "health", "provider": "Trạm y tế", "reason": "Khám", "shares_file": "on", "status": "sent"}
    return ReferralInlineForm(data=values | data, instance=referral, user=user)


def test_a_new_referral_sharing_the_file_needs_consent(cast, units):
    case = CaseFactory(commune=units.quang_trung)
    form = form_for(Referral(case=case), cast.commune)
    assert not form.is_valid() and form.non_field_errors()
    assert form_for(Referral(case=case), cast.commune, shares_file="").is_valid()


def test_a_sent_referral_offers_only_its_next_statuses(cast, units):
    case = CaseFactory(commune=units.quang_trung)
    referral = referral_send(case=case, service="police", provider="Công an xã", reason="Báo tin", by=cast.commune,
                             shares_file=False, due_on=timezone.localdate() + dt.timedelta(days=1))  # fmt: skip
    form = form_for(referral, cast.commune, status="completed")
    assert {c[0] for c in form.fields["status"].choices} == {"sent", "accepted", "declined"}
    assert not form.is_valid() and "status" in form.errors
    assert form_for(referral, cast.commune, status="accepted").is_valid()


def test_the_case_page_shows_the_referrals(client_for, cast, units):
    case = CaseFactory(commune=units.quang_trung)
    referral_send(
        case=case, service="police", provider="Công an xã", reason="Báo tin", by=cast.commune, shares_file=False
    )
    page = client_for(cast.commune).get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Công an xã" in page
    assert "Công an xã" in client_for(cast.commune).get("/admin/cases/referral/").content.decode()
    assert "Công an xã" not in client_for(cast.peer_commune).get("/admin/cases/referral/").content.decode()
