"""Archive instead of delete: archived rows leave every list, come back whole, and only purge removes them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cases.models import Case, CaseTransition, ChangeRecord, Child, SurveyRecord
from cases.tests.factories import CaseFactory, ChildFactory
from scope.archive import record_archive, record_restore
from scope.core import with_archived

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def family(cast, units):
    """A child with a survey record, a case with a step and an attachment, and history."""
    from cases.models import CaseAttachment

    child = ChildFactory(commune=units.quang_trung, full_name="Lò Thị Mai", personal_id="", child_ref="M-1")
    SurveyRecord.objects.create(child=child, survey_year=2024, commune=units.quang_trung)
    case = CaseFactory(child=child, commune=units.quang_trung)
    CaseTransition.objects.create(case=case, to_status="received", on=dt.date(2024, 3, 1))
    CaseAttachment.objects.create(case=case, title="Biên bản", file="cases/a.pdf")
    ChangeRecord.objects.create(child=child, case=case, action="created")
    return child, case


def test_archiving_a_child_takes_its_cases_and_hides_its_records_everywhere(family, cast, client_for, units):
    from reports.area import resolve_area
    from reports.summary import annual_summary

    child, case = family
    summary = annual_summary(user=cast.province, area=resolve_area(user=cast.province, unit_code="62", year=2024))
    assert summary.as_json()["children_surveyed"] == 1
    count = record_archive(record=child, user=cast.province)
    assert count == 3  # the child, its case and the case's attachment
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert not SurveyRecord.objects.filter(child_id=child.pk).exists()
    assert not Child.objects.visible_to(cast.province).filter(full_name="Lò Thị Mai").exists()
    listed = client_for(cast.province).get(reverse("admin:cases_child_changelist"), {"q": "mai"})
    assert list(listed.context["cl"].result_list) == []
    assert api(cast.province).get("/api/v1/children/").json()["count"] == 0
    assert api(cast.province).get(f"/api/v1/cases/{case.pk}/").status_code == 404
    summary = annual_summary(user=cast.province, area=resolve_area(user=cast.province, unit_code="62", year=2024))
    assert summary.as_json()["children_surveyed"] == 0
    # Nothing is gone from the database, history included.
    assert Child._base_manager.get(pk=child.pk).archived_by == cast.province
    assert ChangeRecord.objects.filter(child_id=child.pk).count() == 1
    assert CaseTransition._base_manager.filter(case_id=case.pk).count() == 1


def test_an_archived_child_is_no_import_match(tmp_path, family, cast):
    from imports.pipeline import run_import
    from imports.tests.factories import CHILD_HEADER, ensure_codes, write_csv

    ensure_codes()
    child, _case = family
    record_archive(record=child, user=cast.commune)
    path = write_csv(tmp_path / "c.csv", [CHILD_HEADER, [2025, "23281", "Lò Thị Mai", "05/03/2015", "Nam", "", "M-1"]])
    result = run_import(path=path, kind="children", user=cast.commune, commit=True)
    assert result.committed, result.errors
    assert result.counts["new"] == 1
    assert Child.objects.get(child_ref="M-1").pk != child.pk


def test_an_archived_case_number_is_refused_by_imports_and_forms(tmp_path, family, cast):
    from cases.services import case_save
    from imports.pipeline import run_import
    from imports.tests.factories import ensure_codes, write_csv

    ensure_codes()
    child, case = family
    record_archive(record=case, user=cast.commune)
    header = ["case_ref", "child_ref", "commune_code", "opened_on"]
    path = write_csv(tmp_path / "k.csv", [header, [case.case_ref, "M-1", "23281", "01/03/2024"]])
    result = run_import(path=path, kind="cases", user=cast.commune, commit=True)
    assert not result.committed
    assert [(e["column"], "lưu trữ" in e["reason"]) for e in result.errors] == [("case_ref", True)]
    clash = Case(case_ref=case.case_ref, child=child, commune=child.commune, opened_on=dt.date(2024, 5, 1))
    with pytest.raises(Exception) as refused:
        case_save(case=clash, user=cast.commune)
    assert "case_ref" in refused.value.message_dict


def test_restore_brings_back_the_batch_and_not_what_was_archived_before(family, cast):
    from cases.models import CaseAttachment

    child, case = family
    earlier = CaseAttachment.objects.create(case=case, title="Bản cũ", file="cases/b.pdf")
    record_archive(record=earlier, user=cast.commune)
    record_archive(record=child, user=cast.commune)
    archived_child = with_archived(Child).get(pk=child.pk)
    assert record_restore(record=archived_child, user=cast.manager) == 3
    assert Child.objects.filter(pk=child.pk).exists() and Case.objects.filter(pk=case.pk).exists()
    assert SurveyRecord.objects.filter(child=child).count() == 1
    assert not CaseAttachment.objects.filter(pk=earlier.pk).exists()


def test_restore_refuses_a_clash_with_a_live_record(family, cast, units):
    from django.core.exceptions import ValidationError

    child, _case = family
    record_archive(record=child, user=cast.commune)
    ChildFactory(commune=units.quang_trung, child_ref="M-1")
    with pytest.raises(ValidationError):
        record_restore(record=with_archived(Child).get(pk=child.pk), user=cast.manager)
    assert with_archived(Child).get(pk=child.pk).archived_at is not None


def test_api_delete_archives_and_only_managers_restore(family, cast):
    _child, case = family
    assert api(cast.commune).delete(f"/api/v1/cases/{case.pk}/").status_code == 204
    assert Case._base_manager.get(pk=case.pk).archived_at is not None
    assert api(cast.commune).post(f"/api/v1/cases/{case.pk}/restore/").status_code == 403
    assert api(cast.other_province).post(f"/api/v1/cases/{case.pk}/restore/").status_code == 404
    restored = api(cast.manager).post(f"/api/v1/cases/{case.pk}/restore/")
    assert restored.status_code == 200 and restored.json()["id"] == case.pk
    assert Case.objects.filter(pk=case.pk).exists()
    # A live record cannot be "restored".
    assert api(cast.manager).post(f"/api/v1/cases/{case.pk}/restore/").status_code == 404


def test_admin_archives_with_the_dependants_listed_and_managers_restore(family, cast, client_for):
    child, case = family
    officer = client_for(cast.commune)
    confirm = officer.get(reverse("admin:cases_child_delete", args=[child.pk]))
    content = confirm.content.decode()
    assert case.case_ref in content and "Biên bản" in content
    assert officer.post(reverse("admin:cases_child_delete", args=[child.pk]), {"post": "yes"}).status_code == 302
    assert Child._base_manager.get(pk=child.pk).archived_at is not None
    # Officers have no "archived" filter; the manager lists and restores.
    assert officer.get(reverse("admin:cases_child_changelist"), {"archived": "1"}).status_code == 302
    manager = client_for(cast.manager)
    archived = manager.get(reverse("admin:cases_child_changelist"), {"archived": "1"})
    assert [c.pk for c in archived.context["cl"].result_list] == [child.pk]
    manager.post(
        reverse("admin:cases_child_changelist") + "?archived=1",
        {"action": "restore_selected", ACTION_CHECKBOX_NAME: [child.pk], "index": 0},
    )
    assert Child.objects.filter(pk=child.pk).exists() and Case.objects.filter(pk=case.pk).exists()


def test_the_change_page_offers_archive_not_delete(family, cast, client_for):
    child, _case = family
    page = client_for(cast.commune).get(reverse("admin:cases_child_change", args=[child.pk]))
    button = page.content.decode().split('class="deletelink"')[1].split("</a>")[0]
    assert "Lưu trữ" in button


def test_purge_without_confirm_removes_nothing(family, cast):
    child, _case = family
    record_archive(record=child, user=cast.commune)
    Child._base_manager.filter(pk=child.pk).update(archived_at=timezone.now() - dt.timedelta(days=400))
    with pytest.raises(SystemExit) as exited:
        call_command("purge_archived", "--older-than", "30")
    assert exited.value.code == 2
    assert Child._base_manager.filter(pk=child.pk).exists()


def test_purge_removes_old_archived_records_and_keeps_history(family, cast, capsys):
    child, case = family
    recent = ChildFactory(commune=child.commune)
    record_archive(record=child, user=cast.commune)
    record_archive(record=recent, user=cast.commune)
    old = timezone.now() - dt.timedelta(days=400)
    for model in (Child, Case):
        model._base_manager.filter(pk__in=[child.pk, case.pk] if model is Child else [case.pk]).update(archived_at=old)
    from cases.models import CaseAttachment

    CaseAttachment._base_manager.filter(case_id=case.pk).update(archived_at=old)
    call_command("purge_archived", "--older-than", "30", "--confirm")
    out = capsys.readouterr().out
    assert "removed 1 cases.Child" in out and "Lò Thị Mai" not in out
    assert not Child._base_manager.filter(pk=child.pk).exists()
    assert not SurveyRecord._base_manager.filter(child_id=child.pk).exists()
    assert Child._base_manager.filter(pk=recent.pk).exists()
    # History outlives the record.
    assert ChangeRecord._base_manager.count() == 1 and CaseTransition._base_manager.count() == 1


def test_purge_keeps_attendance(cast, units):
    from programs.models import Attendance, Enrolment, ProtectionModel

    model = ProtectionModel.objects.create(
        code="DC-1", name="Bán trú", kind="daycare_disability", unit=units.kontum, established_on=dt.date(2020, 1, 1)
    )
    enrolment = Enrolment.objects.create(model=model, child_name="Em A", enrolled_on=dt.date(2020, 1, 1))
    Attendance.objects.create(enrolment=enrolment, date=dt.date(2020, 1, 2))
    record_archive(record=model, user=cast.province)
    assert Enrolment._base_manager.get(pk=enrolment.pk).archived_at is not None
    assert not Attendance.objects.exists()
    ProtectionModel._base_manager.update(archived_at=timezone.now() - dt.timedelta(days=400))
    Enrolment._base_manager.update(archived_at=timezone.now() - dt.timedelta(days=400))
    call_command("purge_archived", "--older-than", "30", "--confirm")
    assert Attendance._base_manager.count() == 1
    assert Enrolment._base_manager.filter(pk=enrolment.pk).exists()
