import datetime as dt

from django.utils import timezone

from audit.models import AccessEvent
from cases.consent import Consent
from cases.models import Transfer
from cases.referral_services import referral_send, referral_set_status
from cases.tests.factories import CaseFactory, ChildFactory
from cases.transfer_services import transfer_request
from conftest import make_user
from locations.models import Unit


def emergency(units, **fields):
    return CaseFactory(
        commune=units.quang_trung, child=ChildFactory(commune=units.quang_trung, full_name="Hồ Văn Khẩn"),
        emergency=True, opened_on=timezone.localdate(), **fields,
    )  # fmt: skip


def test_home_page_shows_the_queue_red_when_past_and_the_app_list(client_for, cast, units):
    case = emergency(units, intervention_due_at=timezone.now() - dt.timedelta(hours=1), assigned_to=cast.commune)
    response = client_for(cast.commune).get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="queue-emergency_overdue"' in page
    assert "?queue=emergency_overdue" in page
    assert case.case_ref in page and "Hồ Văn Khẩn" in page
    assert 'class="late"' in page
    assert 'id="figure-children-managed"' in page
    assert "app-cases" in page or "/admin/cases/" in page
    assert AccessEvent.objects.filter(user=cast.commune, case_id=case.pk).exists()


def test_nothing_late_is_not_red(client_for, cast, units):
    emergency(units, intervention_due_at=timezone.now() + dt.timedelta(hours=1))
    page = client_for(cast.commune).get("/admin/").content.decode()
    assert 'id="queue-emergency_due"' in page and 'class="late"' not in page


def test_viewer_sees_only_the_figures(client_for, cast, units):
    emergency(units, intervention_due_at=timezone.now() - dt.timedelta(hours=1))
    page = client_for(cast.viewer).get("/admin/").content.decode()
    assert 'id="figure-children-managed"' in page
    assert "queue-" not in page and "Hồ Văn Khẩn" not in page


def test_queue_filter_lists_the_same_cases(client_for, cast, units):
    late = emergency(units, intervention_due_at=timezone.now() - dt.timedelta(hours=1))
    running = emergency(units, intervention_due_at=timezone.now() + dt.timedelta(hours=1))
    page = client_for(cast.commune).get("/admin/cases/case/?queue=emergency_overdue").content.decode()
    assert late.case_ref in page and running.case_ref not in page


def test_home_page_needs_a_sign_in(client, units):
    response = client.get("/admin/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_incoming_transfers_link_to_the_pending_incoming_list(client_for, cast, units):
    target = (
        Unit.objects.filter(edition="current", level="commune", parent__code="51")
        .exclude(pk=units.kontum_ward.pk)
        .order_by("code")
        .last()
    )
    receiver = make_user("receiver", "commune_officer", target)
    case = CaseFactory(commune=units.quang_trung, child=ChildFactory(commune=units.quang_trung))
    Consent.objects.create(
        child=case.child, party="representative", purpose="data_sharing", given_on=dt.date(2024, 1, 1)
    )
    transfer = transfer_request(case=case, to_unit=target, reason="Chuyển nơi ở", by=cast.commune)
    client = client_for(receiver)
    page = client.get("/admin/").content.decode()
    link = "/admin/cases/transfer/?direction=incoming&amp;status=pending"
    assert f'<a href="{link}">' in page
    listed = client.get(link.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert list(listed.context["cl"].queryset) == [transfer]
    Transfer.objects.filter(pk=transfer.pk).update(status=Transfer.Status.CANCELLED)
    assert list(client.get(link.replace("&amp;", "&")).context["cl"].queryset) == []
    # The sender sees the list too, but its outgoing transfer is not in the incoming list.
    assert list(client_for(cast.commune).get(link.replace("&amp;", "&")).context["cl"].queryset) == []


def test_open_referrals_link_to_the_sent_and_accepted_referrals(client_for, cast, units):
    case = CaseFactory(commune=units.quang_trung, child=ChildFactory(commune=units.quang_trung))

    def send(provider):
        return referral_send(
            case=case, service="police", provider=provider, reason="Báo tin", by=cast.commune, shares_file=False
        )

    sent, accepted, done = send("Công an xã"), send("Trạm y tế"), send("Trường học")
    referral_set_status(referral=accepted, status="accepted", by=cast.commune)
    referral_set_status(referral=done, status="accepted", by=cast.commune)
    referral_set_status(referral=done, status="completed", by=cast.commune)
    client = client_for(cast.commune)
    page = client.get("/admin/").content.decode()
    link = "/admin/cases/referral/?status__in=sent,accepted"
    assert f'<a href="{link}">' in page
    listed = client.get(link)
    assert listed.status_code == 200
    assert set(listed.context["cl"].queryset) == {sent, accepted}
