"""The annual summary against the hand-counted world of ``conftest.py``."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Category, RiskFactor
from reports.area import ReportArea, ReportRequestError, ReportUnitNotFound, resolve_area
from reports.summary import SUMMARY_KEYS, annual_summary

from .factories import (
    AttendanceFactory,
    CaseFactory,
    EnrolmentFactory,
    OutreachEventFactory,
    ProtectionModelFactory,
    SurveyRecordFactory,
)

pytestmark = pytest.mark.django_db

EXPECTED_KONTUM_2024 = {
    "cbcp_models_new": 2,
    "cbcp_communes_new": 1,
    "cbcp_models_total": 3,
    "districts_with_cbcp": 2,
    "districts_total": 10,
    "communes_with_cbcp": 3,
    "communes_total": 102,
    "community_models_total": 2,
    "children_managed": 6,
    "cases_closed_success": 2,
    "success_rate": 0.3333,
    "outreach_events": 3,
    "outreach_participants": 180,
    "daycare_avg_daily_attendance": 1.0,
    "children_surveyed": 4,
    "children_special": 2,
    "children_at_risk": 1,
}


def summary_json(user, code, year, **kwargs):
    return annual_summary(user=user, area=resolve_area(user=user, unit_code=code, year=year, **kwargs)).as_json()


def test_province_summary_matches_hand_count(world, cast):
    data = summary_json(cast.manager, "62", 2024)
    assert data["unit"] == {"code": "62", "name": "Tỉnh Kon Tum", "level": "province"}
    assert data["year"] == 2024
    assert {key: data[key] for key in SUMMARY_KEYS} == EXPECTED_KONTUM_2024


def test_viewer_and_superuser_get_the_same_figures(world, cast):
    assert summary_json(cast.viewer, "62", 2024) == summary_json(cast.manager, "62", 2024)
    assert summary_json(cast.superuser, "62", 2024) == summary_json(cast.manager, "62", 2024)


def test_province_breakdown_by_district(world, cast):
    data = summary_json(cast.manager, "62", 2024)
    assert data["breakdown_level"] == "district"
    rows = {row["unit"]["code"] if row["unit"] else None: row for row in data["breakdown"]}
    assert len([code for code in rows if code]) == 10
    city, dakglei = rows["608"], rows["610"]
    assert (city["children_managed"], city["cases_closed_success"], city["success_rate"]) == (4, 1, 0.25)
    assert (dakglei["children_managed"], dakglei["cases_closed_success"]) == (2, 1)
    assert (city["cbcp_models_total"], city["communes_with_cbcp"], city["community_models_total"]) == (2, 2, 2)
    assert (dakglei["cbcp_models_total"], dakglei["communes_with_cbcp"]) == (1, 1)
    assert (city["outreach_events"], city["outreach_participants"]) == (2, 130)
    assert (dakglei["outreach_events"], dakglei["outreach_participants"]) == (1, 50)
    assert (city["children_surveyed"], city["children_special"], city["children_at_risk"]) == (3, 2, 1)
    assert city["communes_total"] == 21
    # The provincial day-care model sits above the districts: no district carries it.
    assert sum(row["communes_total"] for row in data["breakdown"]) == 102


def test_months_of_outreach_and_daycare(world, cast):
    months = {m["month"]: m for m in summary_json(cast.manager, "62", 2024)["months"]}
    assert (months[1]["outreach_events"], months[1]["outreach_participants"]) == (1, 100)
    assert (months[5]["outreach_events"], months[5]["outreach_participants"]) == (1, 30)
    assert (months[12]["outreach_events"], months[12]["outreach_participants"]) == (1, 50)
    assert months[2]["outreach_events"] == 0
    assert months[5]["daycare_avg_daily_attendance"] == 1.5
    assert months[6]["daycare_avg_daily_attendance"] == 0.0
    assert months[7]["daycare_avg_daily_attendance"] is None


def test_boundary_years(world, cast):
    y2023 = summary_json(cast.manager, "62", 2023)
    # Models of 2019, 2020 and 2021 active, the 2024/2025 ones not yet.
    assert y2023["cbcp_models_total"] == 3
    assert y2023["cbcp_models_new"] == 0
    # A (opened 2023), C (closed Dec 31, 2023, success), D (opened 2023), G (reopened).
    assert y2023["children_managed"] == 4
    assert y2023["cases_closed_success"] == 1
    assert (y2023["outreach_events"], y2023["outreach_participants"]) == (1, 70)
    y2025 = summary_json(cast.manager, "62", 2025)
    assert y2025["cbcp_models_new"] == 1  # established Jan 1, 2025
    assert y2025["cbcp_models_total"] == 3  # 2021, Dec 31 2024, Jan 1 2025; Dak Glei ended Dec 31 2024


def test_year_without_data_gives_zeros_and_null_rate(world, cast):
    data = summary_json(cast.manager, "62", 2010)
    assert data["children_managed"] == 0
    assert data["success_rate"] is None
    assert data["outreach_events"] == 0
    assert data["daycare_avg_daily_attendance"] is None
    assert data["children_surveyed"] == 0


def test_district_summary_breaks_down_by_commune(world, cast):
    data = summary_json(cast.district, "608", 2024)
    assert data["children_managed"] == 4
    assert data["districts_total"] == 1
    assert data["communes_total"] == 21
    rows = {row["unit"]["code"] if row["unit"] else None: row for row in data["breakdown"]}
    assert data["breakdown_level"] == "commune"
    assert rows["23281"]["children_managed"] == 3  # A, B, G
    assert rows["23284"]["children_managed"] == 1  # D
    # The district-level counselling point and event sit on the last row.
    assert rows[None]["community_models_total"] == 1
    assert rows[None]["outreach_participants"] == 30


def test_commune_summary_has_no_districts(world, cast):
    data = summary_json(cast.commune, "23281", 2024)
    assert data["districts_total"] is None and data["districts_with_cbcp"] is None
    assert (data["communes_total"], data["communes_with_cbcp"]) == (1, 1)
    assert (data["cbcp_models_new"], data["cbcp_communes_new"], data["cbcp_models_total"]) == (2, 1, 1)
    assert data["children_managed"] == 3
    assert data["breakdown"] == []


def test_current_province_counts_legacy_records_and_has_no_districts(world, cast):
    data = summary_json(cast.current_province, "51", 2024)
    assert data["unit"]["level"] == "province"
    assert data["districts_total"] is None and data["districts_with_cbcp"] is None
    assert data["communes_total"] == 96
    assert data["children_managed"] == 6
    assert data["breakdown_level"] == "commune"
    rows = {row["unit"]["code"] if row["unit"] else None: row for row in data["breakdown"]}
    # Quang Trung (23281) and Quyết Thắng (23287) merged into Phường Kon Tum (23293).
    assert rows["23293"]["children_managed"] == 3
    assert rows["23293"]["communes_with_cbcp"] == 1
    assert data["communes_with_cbcp"] == 2


def test_user_sees_only_their_scope(world, cast):
    with pytest.raises(ReportUnitNotFound):
        resolve_area(user=cast.other_province, unit_code="62", year=2024)
    with pytest.raises(ReportUnitNotFound):
        resolve_area(user=cast.commune, unit_code="608", year=2024)
    with pytest.raises(ReportUnitNotFound):
        resolve_area(user=cast.no_unit, unit_code="", year=2024)
    with pytest.raises(ReportUnitNotFound):
        resolve_area(user=cast.manager, unit_code="99", year=2024)


def test_collaborator_counts_only_own_records(world, cast):
    data = summary_json(cast.collaborator, "23281", 2024)
    assert data["children_managed"] == 0
    assert data["cbcp_models_total"] == 0


@pytest.mark.parametrize("year", ["", "20x4", "1800", "-1", "2024.5"])
def test_malformed_year_is_refused(world, cast, year):
    with pytest.raises(ReportRequestError):
        resolve_area(user=cast.manager, unit_code="62", year=year)


@pytest.mark.parametrize("code", ["abcd", "6-2", "623456", "62; DROP"])
def test_malformed_unit_is_refused(world, cast, code):
    with pytest.raises(ReportRequestError):
        resolve_area(user=cast.manager, unit_code=code, year=2024)


def test_whole_country_for_superuser(world, cast):
    data = summary_json(cast.superuser, "", 2024)
    assert data["unit"]["level"] == "country"
    assert data["breakdown_level"] == "province"
    assert data["children_managed"] == 7  # Kon Tum's 6 and Gia Lai's X
    rows = {row["unit"]["code"]: row for row in data["breakdown"] if row["unit"]}
    assert rows["62"]["children_managed"] == 6
    assert rows["64"]["children_managed"] == 1


def test_query_count_does_not_grow_with_units(world, cast, units):
    area = ReportArea(unit=units.kontum, year=2024)
    with CaptureQueriesContext(connection) as province:
        annual_summary(user=cast.manager, area=area)
    with CaptureQueriesContext(connection) as commune:
        annual_summary(user=cast.manager, area=ReportArea(unit=units.kontum_city, year=2024))
    assert len(province) == len(commune)
    assert len(province) <= 12


def _summary_queries(user, area) -> int:
    # A fresh area each time: an area reads its unit ids once and keeps them.
    fresh = ReportArea(unit=area.unit, year=area.year)
    with CaptureQueriesContext(connection) as captured:
        annual_summary(user=user, area=fresh)
    return len(captured)


def test_query_count_does_not_grow_with_data(world, cast, units):
    """More children, survey years, cases, models, events and attendance: the same queries."""
    areas = [
        (cast.manager, ReportArea(unit=units.kontum, year=2024)),
        (cast.superuser, ReportArea(unit=units.quangngai, year=2026)),
        (cast.superuser, ReportArea(unit=None, year=2024)),
    ]
    for user, area in areas:  # warm the users' permission caches
        annual_summary(user=user, area=area)
    before = [_summary_queries(user, area) for user, area in areas]
    sc = Category.objects.get(code="SC04")
    risk = RiskFactor.objects.get(code="R01")
    communes = [units.quang_trung, units.duy_tan, units.dakglei_town, units.pleiku_commune]
    for i, commune in enumerate(communes * 3):
        for year in (2022, 2023, 2024, 2025, 2026):
            record = SurveyRecordFactory(commune=commune if year < 2025 else units.kontum_ward, survey_year=year)
            record.categories.add(sc) if i % 2 else record.risks.add(risk)
        CaseFactory(commune=commune, opened_on=dt.date(2024, 1 + i % 12, 1))
        ProtectionModelFactory(unit=commune, kind="child_club", established_on=dt.date(2020 + i % 6, 1, 1))
        OutreachEventFactory(unit=commune, date=dt.date(2024, 1 + i % 12, 10))
        AttendanceFactory(enrolment=EnrolmentFactory(model=world.daycare), date=dt.date(2024, 1 + i % 12, 2))
    after = [_summary_queries(user, area) for user, area in areas]
    # Pleiku is in Gia Lai: 9 of the 12 new records of 2024 are in Kon Tum.
    assert after == before
    assert annual_summary(user=cast.manager, area=areas[0][1]).figures["children_surveyed"] == 4 + 9
