import datetime as dt

from django.utils import timezone

from audit.models import AccessEvent
from cases.tests.factories import CaseFactory, ChildFactory


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
