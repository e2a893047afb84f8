"""The admin report pages: same numbers as the API, scoped, downloadable, printable."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def url(**params):
    from urllib.parse import urlencode

    return reverse("admin:reports_report_changelist") + "?" + urlencode(params)


def test_page_shows_summary_narrative_and_charts(world, cast, client_for, settings):
    settings.AGENCY_NAME = "Sở Y tế tỉnh Thử Nghiệm"
    response = client_for(cast.manager).get(url(unit="62", year="2024"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Sở Y tế tỉnh Thử Nghiệm" in content
    assert "Tỉnh Kon Tum" in content
    assert content.count('class="report-chart"') == 3
    assert "cdn" not in content.lower()
    summary = response.context["summary"]
    api = client_for(cast.manager).get("/api/v1/reports/annual/", {"unit": "62", "year": "2024"}).json()
    assert summary.as_json() == api
    assert "33,3%" in content


def test_page_out_of_scope_is_404_and_bad_year_400(world, cast, client_for):
    assert client_for(cast.other_province).get(url(unit="62", year="2024")).status_code == 404
    response = client_for(cast.manager).get(url(unit="62", year="abc"))
    assert response.status_code == 400
    assert "abc" in response.content.decode()


def test_page_lists_only_units_in_scope(world, cast, client_for, units):
    content = client_for(cast.district).get(url(year="2024")).content.decode()
    assert units.quang_trung.name in content
    assert units.dakglei_town.name not in content


def test_page_refuses_roles_without_reports(world, cast, client_for):
    assert client_for(cast.collaborator).get(url(year="2024")).status_code in (302, 403)


def test_page_downloads(world, cast, client_for):
    client = client_for(cast.manager)
    xlsx = client.get(url(unit="62", year="2024", format="xlsx"))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(xlsx.content))
    breakdown = workbook[workbook.sheetnames[1]]
    rows = [r for r in breakdown.iter_rows(values_only=True) if r and r[0] == "608"]
    assert rows and isinstance(rows[0][2], int)
    csv = client.get(url(unit="62", year="2024", format="csv", table="months")).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "month,outreach_events,outreach_participants,daycare_avg_daily_attendance"
    assert client.get(url(unit="62", year="2024", format="json")).json()["children_managed"] == 6


def test_viewer_page_has_no_child_names(world, cast, client_for):
    content = client_for(cast.viewer).get(url(unit="62", year="2024")).content.decode()
    assert "Trẻ A" not in content
    for name in ("cases", "models", "outreach", "survey"):
        page = client_for(cast.viewer).get(reverse("admin:reports_report_filtered", args=[name]) + "?year=2024")
        assert page.status_code == 200
        assert "Trẻ A" not in page.content.decode()
