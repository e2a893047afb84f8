"""The access log: what reads write, one write per request, scope and append-only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AccessEvent
from cases.tests.factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def inserts(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("INSERT") and "audit_" in q["sql"]]


def test_admin_change_page_logs_a_view_with_who_where_and_which_child(cast, client_for, units):
    child = ChildFactory(commune=units.quang_trung)
    client = client_for(cast.commune)
    response = client.get(reverse("admin:cases_child_change", args=[child.pk]), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    event = AccessEvent.objects.get(child_id=child.pk)
    assert (event.user, event.username, event.action, event.outcome) == (cast.commune, "commune", "view", "ok")
    assert event.ip == "10.1.2.3" and event.path == f"/admin/cases/child/{child.pk}/change/"


def test_a_list_of_many_children_is_one_insert(cast, client_for, units):
    ChildFactory.create_batch(30, commune=units.quang_trung)
    client = client_for(cast.commune)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:cases_child_changelist"))
    assert response.status_code == 200
    assert len(inserts(queries.captured_queries)) == 1
    assert AccessEvent.objects.filter(action="list", user=cast.commune).exclude(child_id=None).count() == 30


def test_a_search_is_logged_as_a_search_with_the_query(cast, client_for, units):
    child = ChildFactory(commune=units.quang_trung, full_name="Hoàng Thị Lan")
    client_for(cast.commune).get(reverse("admin:cases_child_changelist"), {"q": "lan"})
    event = AccessEvent.objects.get(child_id=child.pk)
    assert event.action == "search" and event.query == "q=lan"


def test_reading_another_communes_child_is_logged_as_refused(cast, client_for, units):
    other = ChildFactory(commune=units.dakglei_town)
    page = client_for(cast.commune).get(reverse("admin:cases_child_change", args=[other.pk]))
    assert page.status_code == 302
    detail = api(cast.commune).get(f"/api/v1/children/{other.pk}/")
    assert detail.status_code == 404
    refused = AccessEvent.objects.filter(child_id=other.pk, outcome="refused", user=cast.commune)
    assert sorted(refused.values_list("action", flat=True)) == ["api", "view"]


def test_api_list_and_detail_of_cases_are_logged_with_child_and_case(cast, units):
    case = CaseFactory(commune=units.quang_trung)
    client = api(cast.commune)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/cases/").status_code == 200
    assert len(inserts(queries.captured_queries)) == 1
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    events = AccessEvent.objects.filter(case_id=case.pk, action="api")
    assert events.count() == 2 and set(events.values_list("child_id", flat=True)) == {case.child_id}


def test_an_export_logs_every_exported_child_with_the_filter(cast, client_for, units):
    from cases.models import SurveyRecord

    children = ChildFactory.create_batch(3, commune=units.quang_trung)
    for child in children:
        SurveyRecord.objects.create(child=child, survey_year=2024, commune=units.quang_trung)
    response = client_for(cast.commune).get(reverse("admin:cases_child_export", args=["csv"]), {"sex": "M"})
    assert response.status_code == 200
    exported = AccessEvent.objects.filter(action="export", user=cast.commune)
    assert set(exported.values_list("child_id", flat=True)) == {c.pk for c in children}
    assert exported.first().query == "sex=M"


def test_record_access_is_callable_from_any_view(cast, units, rf):
    """The one call a download or document view adds: ``record_access(request, action=..., objects=[...])``."""
    from audit.access import record_access
    from cases.models import CaseAttachment

    case = CaseFactory(commune=units.quang_trung)
    attachment = CaseAttachment.objects.create(case=case, title="Biên bản", file="cases/x.pdf")
    request = rf.get("/files/1/")
    request.user = cast.commune
    record_access(request, action="download", objects=[attachment])
    event = AccessEvent.objects.get(action="download")
    assert (event.child_id, event.case_id, event.model, event.object_id) == (
        case.child_id,
        case.pk,
        "cases.caseattachment",
        str(attachment.pk),
    )


def test_managers_read_the_log_of_their_scope_only(cast, units):
    mine = ChildFactory(commune=units.quang_trung)
    theirs = ChildFactory(commune=units.pleiku_commune)
    api(cast.commune).get(f"/api/v1/children/{mine.pk}/")
    api(cast.other_province).get(f"/api/v1/children/{theirs.pk}/")
    # A superuser's read of a child of the province is the province's business too.
    api(cast.superuser).get(f"/api/v1/children/{mine.pk}/")
    rows = api(cast.manager).get("/api/v1/access-log/").json()["results"]
    assert {r["child_id"] for r in rows} == {mine.pk}
    assert {r["username"] for r in rows} == {"commune", "root"}


def test_officers_and_viewers_cannot_read_the_log(cast, client_for):
    for user in (cast.province, cast.commune, cast.viewer):
        assert api(user).get("/api/v1/access-log/").status_code == 403
        assert client_for(user).get(reverse("admin:audit_accessevent_changelist")).status_code == 403


def test_access_log_api_filters_and_orders_newest_first(cast, units):
    child = ChildFactory(commune=units.quang_trung)
    other = ChildFactory(commune=units.quang_trung)
    api(cast.commune).get(f"/api/v1/children/{child.pk}/")
    api(cast.district).get(f"/api/v1/children/{other.pk}/")
    AccessEvent.objects.filter(child_id=other.pk).update(at=timezone.now() - dt.timedelta(days=400))
    client = api(cast.manager)
    by_child = client.get("/api/v1/access-log/", {"child": child.pk}).json()["results"]
    assert {r["child_id"] for r in by_child} == {child.pk}
    by_user = client.get("/api/v1/access-log/", {"user": "district"}).json()["results"]
    assert {r["child_id"] for r in by_user} == {other.pk}
    since = (timezone.now() - dt.timedelta(days=365)).date().isoformat()
    last_year = client.get("/api/v1/access-log/", {"since": since, "action": "api"}).json()["results"]
    assert {r["child_id"] for r in last_year} == {child.pk}
    everything = client.get("/api/v1/access-log/").json()["results"]
    assert [r["at"] for r in everything] == sorted((r["at"] for r in everything), reverse=True)
    assert client.get("/api/v1/access-log/", {"since": "yesterday"}).status_code == 400


def test_nobody_changes_or_deletes_an_entry(cast, client_for, units):
    child = ChildFactory(commune=units.quang_trung)
    api(cast.commune).get(f"/api/v1/children/{child.pk}/")
    event = AccessEvent.objects.get(child_id=child.pk)
    for user in (cast.manager, cast.superuser):
        client = api(user)
        # Refused: no permission (403) or no such method on a read-only resource (405).
        assert client.delete(f"/api/v1/access-log/{event.pk}/").status_code in (403, 405)
        assert client.patch(f"/api/v1/access-log/{event.pk}/", {"username": "x"}).status_code in (403, 405)
        assert client.post("/api/v1/access-log/", {"username": "x"}).status_code in (403, 405)
        admin_client = client_for(user)
        assert admin_client.get(reverse("admin:audit_accessevent_delete", args=[event.pk])).status_code == 403
        assert admin_client.get(reverse("admin:audit_accessevent_add")).status_code == 403
        assert (
            admin_client.post(reverse("admin:audit_accessevent_change", args=[event.pk]), {"username": "x"}).status_code
            == 403
        )
    event.refresh_from_db()
    assert event.username == "commune"


def test_the_childs_page_links_to_who_opened_it(cast, client_for, units):
    child = ChildFactory(commune=units.quang_trung)
    link = reverse("admin:audit_accessevent_changelist") + f"?child_id={child.pk}"
    assert link in client_for(cast.manager).get(reverse("admin:cases_child_change", args=[child.pk])).content.decode()
    assert (
        link not in client_for(cast.commune).get(reverse("admin:cases_child_change", args=[child.pk])).content.decode()
    )
    listed = client_for(cast.manager).get(link)
    assert listed.status_code == 200
    assert {e.child_id for e in listed.context["cl"].result_list} == {child.pk}


def test_prune_removes_only_events_past_the_retention(cast, units, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    child = ChildFactory(commune=units.quang_trung)
    api(cast.commune).get(f"/api/v1/children/{child.pk}/")
    api(cast.commune).get("/api/v1/children/")
    AccessEvent.objects.filter(action="api", child_id=child.pk).update(at=timezone.now() - dt.timedelta(days=31))
    kept = set(AccessEvent.objects.filter(at__gte=timezone.now() - dt.timedelta(days=1)).values_list("pk", flat=True))
    call_command("prune_access_log")
    assert set(AccessEvent.objects.values_list("pk", flat=True)) == kept
