"""Filtered reports against the hand-counted world."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports.filtered import cases_report, models_report, outreach_report, survey_report

pytestmark = pytest.mark.django_db


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
