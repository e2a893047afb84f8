"""Filtered reports against the hand-counted world."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import CaseTransition
from reports.area import ReportUnitNotFound
from reports.filtered import cases_report, models_report, outreach_report, survey_report

from .factories import CaseFactory, ChildFactory

pytestmark = pytest.mark.django_db
REPORTS = {"cases": cases_report, "models": models_report, "outreach": outreach_report, "survey": survey_report}


def rows(table):
    return {row["value"]: row for row in table.rows}


def test_cases_by_status_sex_and_age(world, cast):
    report = cases_report(user=cast.manager, data={"year": "2024"})
    tables = {t.name: t for t in report.tables}
    # D has two cases in two statuses: counted once per row, so the rows add up to 7 children.
    assert tables["status"].total["children"] == 7
    assert tables["status"].total["cases"] == 7
    assert sorted(r["cases"] for r in tables["status"].rows) == [3, 4]  # closed D, E, H; A, B, D, G in progress
    assert [r["children"] for r in tables["sex"].rows] == [6]
    assert tables["age_group"].rows[0]["value"] == "6–10"  # born 2015: 9 in 2024


def test_cases_filtered_by_date_range_and_unit(world, cast, units):
    report = cases_report(
        user=cast.manager, data={"date_from": "01/12/2024", "date_to": "31/12/2024", "unit": units.dakglei.pk}
    )
    status = {t.name: t for t in report.tables}["status"]
    # Dak Glei in December 2024: H (closed Dec 31); E closed Nov 1.
    assert status.total["cases"] == 1


def test_unit_outside_scope_is_refused(world, cast, units):
    report = cases_report(user=cast.district, data={"year": "2024", "unit": units.dakglei.pk})
    assert not report.filterset.is_valid()
    assert "unit" in report.filterset.errors


def case_total(user, data):
    return {t.name: t for t in cases_report(user=user, data=data).tables}["status"].total["cases"]


def test_case_closed_before_the_period_and_reopened_after_it_is_not_counted(world, cast, units):
    periods = [{"year": "2024"}, {"date_from": "01/02/2024", "date_to": "31/01/2025"}, {"year": "2025"}]
    before = [case_total(cast.manager, data) for data in periods]
    child = ChildFactory(commune=units.quang_trung)
    reopened = CaseFactory(child=child, commune=units.quang_trung, opened_on=dt.date(2022, 1, 1))
    # Closed on June 1, 2023 and reopened on Feb 1, 2025: reopening cleared its closure date.
    CaseTransition.objects.create(case=reopened, from_status="closed", to_status="initial_assessment",
                                  on=dt.date(2025, 2, 1), previous_closed_on=dt.date(2023, 6, 1))  # fmt: skip
    after = [case_total(cast.manager, data) for data in periods]
    assert after == [before[0], before[1], before[2] + 1]
    assert after[0] == 7


def test_models_by_kind_with_coverage(world, cast):
    report = models_report(user=cast.manager, data={"year": "2024"})
    kinds = {t.name: t for t in report.tables}["kinds"]
    cbcp = next(r for r in kinds.rows if r["active"] == 3)
    assert (cbcp["new"], cbcp["communes"], cbcp["communes_valid"]) == (2, 3, 102)
    assert cbcp["coverage"] == round(3 / 102, 4)
    units_table = {t.name: t for t in report.tables}["units"]
    assert units_table.total["cbcp_system"] == 3


def test_outreach_by_month_and_venue(world, cast):
    table = outreach_report(user=cast.manager, data={"year": "2024"}).tables[0]
    by_month = rows(table)
    assert by_month["01/2024"]["school_events"] == 1
    assert by_month["01/2024"]["school_participants"] == 100
    assert by_month["12/2024"]["community_participants"] == 50
    assert table.total["community_participants"] + table.total["school_participants"] == 180


def test_survey_against_commune_statistics(world, cast, units):
    table = survey_report(user=cast.manager, data={"year": "2024"}).tables[0]
    quang_trung = rows(table)[f"23281 {units.quang_trung.name}"]
    assert (quang_trung["surveyed"], quang_trung["special"], quang_trung["at_risk"]) == (2, 1, 1)
    assert (quang_trung["total"], quang_trung["stat_special"]) == (1200, 3)


def test_filtered_pages_export(world, cast, client_for):
    client = client_for(cast.manager)
    base = reverse("admin:reports_report_filtered", args=["outreach"])
    assert client.get(base + "?year=2024").status_code == 200
    assert client.get(base + "?year=2024&format=xlsx")["Content-Type"].startswith("application/vnd")
    assert "school_events" in client.get(base + "?year=2024&format=csv").content.decode("utf-8-sig")
    assert client.get(base + "?year=2024&format=json").json()[0]["name"] == "months"
    assert client.get(reverse("admin:reports_report_filtered", args=["nope"])).status_code == 404


@pytest.mark.parametrize("name", REPORTS)
def test_user_without_unit_gets_no_figures(world, cast, client_for, name):
    for data in ({"year": "2024"}, {}):
        with pytest.raises(ReportUnitNotFound):
            REPORTS[name](user=cast.no_unit, data=data)
    page = client_for(cast.no_unit).get(reverse("admin:reports_report_filtered", args=[name]), {"year": "2024"})
    assert page.status_code == 404


@pytest.mark.parametrize("name", REPORTS)
def test_unit_outside_scope_gives_no_figures(world, cast, client_for, units, name):
    report = REPORTS[name](user=cast.district, data={"year": "2024", "unit": units.dakglei.pk})
    assert "unit" in report.filterset.errors
    assert report.tables == []
    url = reverse("admin:reports_report_filtered", args=[name])
    for fmt in ("", "csv", "xlsx", "json"):
        response = client_for(cast.district).get(url, {"year": "2024", "unit": units.dakglei.pk, "format": fmt})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("name", REPORTS)
def test_unit_picked_gives_the_report_of_its_own_user(world, cast, units, name):
    picked = REPORTS[name](user=cast.superuser, data={"year": "2024", "unit": units.kontum_city.pk})
    own = REPORTS[name](user=cast.district, data={"year": "2024"})
    assert [t.as_json() for t in picked.tables] == [t.as_json() for t in own.tables]


def test_superuser_without_unit_gets_the_whole_country(world, cast):
    kinds = {t.name: t for t in models_report(user=cast.superuser, data={"year": "2024"}).tables}["kinds"]
    cbcp = next(r for r in kinds.rows if r["active"] == 4)  # Kon Tum's 3 and Gia Lai's
    assert cbcp["communes_valid"] > 102


def test_year_outside_the_reports_is_a_filter_error(world, cast):
    report = models_report(user=cast.manager, data={"date_from": "01/01/2200", "date_to": "31/12/2200"})
    assert "date_to" in report.filterset.errors
    assert report.tables == []
